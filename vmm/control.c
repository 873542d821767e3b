/* SPDX-License-Identifier: MIT */
/*
 * Control-plane setup for vmm/main.c (see control.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "arch/s390x/boot.h"
#include "devices/fdc-setup.h"
#include "devices/virtio-net.h"
#include "vmm/control.h"
#include "vmm/error.h"
#include "vmm/mainloop.h"
#include "vmm/options.h"
#include "vmm/qtest.h"
#include "vmm/vm.h"
#ifdef MINIVMM_HAVE_QMP
#include "migrate/monitor.h"
#include "vmm/qmp.h"
#endif

struct control {
	struct vm *vm;
	const struct boot_config *bc;
	int sig_fd;
	struct qtest *qtest;
#ifdef MINIVMM_HAVE_QMP
	struct qmp_server *qmp;
	struct mig_monitor *mig;	/* migrate, query-migrate */
#endif
};

static void term_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void control_block_signals(void)
{
	sigset_t set;

	term_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* QEMU: "terminating on signal N", then SHUTDOWN with reason host-signal. */
static void signal_event(void *opaque, int fd, uint32_t events)
{
	struct control *c = opaque;
	struct signalfd_siginfo si;

	(void)events;
	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	vm_request_end(c->vm, VM_END_SIGNAL, "terminating on signal %u",
		       si.ssi_signo);
}

/* system_reset: load the kernel again and point CPU 0 at its entry. */
static int reload_guest(void *opaque, struct vm *vm, char **err)
{
	struct control *c = opaque;
	struct boot_info bi;
	int rc;

	if (!c->bc)
		return 0;
	rc = s390_boot_load(vm, c->bc, &bi, err);
	if (rc < 0)
		return rc;
	return vm->ops->set_initial_psw(vm->vcpus[0], bi.psw_mask, bi.psw_addr);
}

int control_create(struct control **out, struct vm *vm,
		   const struct vmm_options *o, const struct boot_config *bc,
		   char **err)
{
	struct control *c = calloc(1, sizeof(*c));
	sigset_t set;
	int rc;

	*out = NULL;
	if (!c) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	c->vm = vm;
	c->bc = bc;
	term_signals(&set);
	c->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c->sig_fd < 0 ||
	    mainloop_add_fd(vm->loop, c->sig_fd, EPOLLIN, signal_event, c) < 0) {
		rc = -errno;
		error_setf(err, "signalfd: %s", strerror(errno));
		goto fail;
	}
	vm_set_boot_hook(vm, reload_guest, c);

#ifdef MINIVMM_HAVE_QMP
	rc = qmp_server_create(&c->qmp, vm, err);
	if (rc < 0)
		goto fail;
	rc = mig_monitor_create(&c->mig, vm, err);
	if (rc < 0)
		goto fail;
	mig_monitor_attach(c->mig, c->qmp);
	if (o->incoming && !strcmp(o->incoming, "defer")) {
		vm_pause(vm);	/* until migrate-incoming has loaded */
		mig_monitor_defer(c->mig, !o->start_paused);
	} else if (o->incoming && !strncmp(o->incoming, "tcp:", 4)) {
		vm_pause(vm);	/* until the source's GO */
		rc = mig_monitor_incoming_tcp(c->mig, o->incoming,
					      !o->start_paused, err);
		if (rc < 0)
			goto fail;
	} else if (o->incoming) {
		mig_monitor_incoming_done(c->mig);
	}
	rc = qmp_server_add_commands(c->qmp, migrate_qmp_commands,
				     migrate_qmp_ncommands, c->mig, err);
	if (rc < 0)
		goto fail;
	rc = qmp_server_add_commands(c->qmp, net_qmp_commands,
				     net_qmp_ncommands, NULL, err);
	if (rc < 0)
		goto fail;
	if (vm->floppy) {
		rc = qmp_server_add_commands(c->qmp, floppy_qmp_commands,
					     floppy_qmp_ncommands, vm->floppy, err);
		if (rc < 0)
			goto fail;
	}
	for (unsigned int i = 0; i < o->nqmp; i++) {
		rc = qmp_server_add_endpoint(c->qmp, o->qmp[i], err);
		if (rc < 0)
			goto fail;
	}
#else
	if (o->nqmp) {
		error_setf(err, "-qmp: this minivmm is built without QMP "
			   "(jansson was not found)");
		rc = -ENOTSUP;
		goto fail;
	}
#endif
	if (o->qtest) {
		rc = qtest_create(&c->qtest, vm, err);
		if (rc < 0)
			goto fail;
		rc = qtest_add_endpoint(c->qtest, o->qtest, err);
		if (rc < 0)
			goto fail;
	}
	if (o->start_paused) {		/* -S: threads start paused */
		vm_pause(vm);
#ifdef MINIVMM_HAVE_QMP
		qmp_server_set_prelaunch(c->qmp, true);
#endif
	}
	*out = c;
	return 0;
fail:
	control_destroy(c);
	return rc;
}

void control_destroy(struct control *c)
{
	if (!c)
		return;
	qtest_destroy(c->qtest);
#ifdef MINIVMM_HAVE_QMP
	qmp_server_destroy(c->qmp);
	mig_monitor_destroy(c->mig);
#endif
	if (c->vm->boot_fn == reload_guest)
		vm_set_boot_hook(c->vm, NULL, NULL);
	if (c->sig_fd >= 0) {
		mainloop_del_fd(c->vm->loop, c->sig_fd);
		close(c->sig_fd);
	}
	free(c);
}
