/* SPDX-License-Identifier: MIT */
/*
 * minivmm: parse the command line, pick the backend, build the VM, load
 * the kernel, run it, and turn the way the guest ended into an exit
 * status:
 *
 *   0  the guest shut down (all CPUs stopped) or asked for a reset
 *   1  minivmm failed (setup error, internal error, check-stop)
 *   2  bad command line
 *   3  the guest loaded a disabled-wait PSW
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/s390x/boot.h"
#include "devices/fdc-setup.h"
#include "devices/pio-bridge.h"
#include "devices/setup.h"
#include "migrate/machine.h"
#include "migrate/monitor.h"
#include "seccomp/caps.h"
#include "seccomp/seccomp.h"
#include "vmm/control.h"
#include "vmm/options.h"
#include "vmm/vm.h"

#define EXIT_GUEST_SHUTDOWN	0
#define EXIT_VMM_ERROR		1
#define EXIT_USAGE		2
#define EXIT_DISABLED_WAIT	3

static const struct backend_ops *pick_backend(enum accel_kind accel)
{
	const char *why = NULL;
	bool have_kvm = kvm_backend_available(&why);

	switch (accel) {
	case ACCEL_KVM:
		if (!have_kvm) {
			fprintf(stderr, "minivmm: -accel kvm: %s\n", why);
			return NULL;
		}
		break;
	case ACCEL_SOFT:
	case ACCEL_QTEST:	/* no CPU runs; the soft backend holds the state */
		return &soft_backend_ops;
	case ACCEL_AUTO:
		if (!have_kvm) {
			fprintf(stderr, "minivmm: KVM not available (%s); "
				"using the software CPU\n", why);
			return &soft_backend_ops;
		}
		break;
	}
#ifdef MINIVMM_HAVE_KVM
	fprintf(stderr, "minivmm: using KVM\n");
	return &kvm_backend_ops;
#else
	return NULL;
#endif
}

int main(int argc, char **argv)
{
	struct vmm_options opts;
	char *err = NULL;

	control_block_signals();	/* before any thread: signalfd in the loop */

	if (options_parse(&opts, argc, argv, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "bad command line");
		fprintf(stderr, "Try 'minivmm --help' for more information.\n");
		free(err);
		return EXIT_USAGE;
	}
	if (opts.help) {
		options_usage(stdout, argv[0]);
		return 0;
	}
	if (opts.version) {
		printf("minivmm version %s\n", MINIVMM_VERSION);
		return 0;
	}
	if (opts.list_machines) {
		machine_list(stdout);
		return 0;
	}
	if (opts.dump_vmstate) {
#ifdef MINIVMM_HAVE_QMP
		const struct machine_type *dmt = opts.machine ?
			machine_find(opts.machine) : machine_default();

		if (migrate_dump_vmstate(opts.dump_vmstate, dmt, &err) < 0) {
			fprintf(stderr, "minivmm: --dump-vmstate: %s\n", err);
			free(err);
			return EXIT_VMM_ERROR;
		}
		return 0;
#else
		fprintf(stderr, "minivmm: --dump-vmstate: built without jansson\n");
		return EXIT_VMM_ERROR;
#endif
	}
	if (opts.print_seccomp) {
		sandbox_print(stdout);
		return 0;
	}
	if (!opts.kernel && !opts.incoming && opts.accel != ACCEL_QTEST) {
		fprintf(stderr, "minivmm: no guest to run: give -kernel IMAGE\n");
		return EXIT_USAGE;
	}

	/* -drive/-device/-chardev are checked before anything starts. */
	struct dev_config devcfg;
	struct vmm_options devopts = opts;	/* without -drive if=floppy */
	devopts.ndrives = 0;
	for (unsigned int i = 0; i < opts.ndrives; i++)
		if (!floppy_drive_option(opts.drives[i]))
			devopts.drives[devopts.ndrives++] = opts.drives[i];
	if (floppy_check_options(opts.drives, opts.ndrives, &err) < 0 ||
	    dev_config_parse(&devcfg, &devopts, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "bad device option");
		free(err);
		return EXIT_USAGE;
	}

	const struct machine_type *mt = opts.machine ? machine_find(opts.machine)
						     : machine_default();
	const struct backend_ops *backend = pick_backend(opts.accel);
	if (!backend)
		return EXIT_VMM_ERROR;

	/*
	 * The sandbox (seccomp/): configured before any thread exists;
	 * threads started during setup wait in sandbox_enter() until the
	 * privileges are dropped (sandbox_open_gate() on every path).
	 */
	struct sandbox_config sbc = {
		.mode = opts.sandbox,
		.backend = backend == &soft_backend_ops ? SANDBOX_BACKEND_SOFT
							: SANDBOX_BACKEND_KVM,
		.console_in = STDIN_FILENO,
		.console_out = STDOUT_FILENO,
	};
	/*
	 * Default on, but where the kernel (or qemu-user, in the cross
	 * test run) cannot load filters the default falls back to off,
	 * loudly; an explicit -sandbox on|debug fails instead.
	 */
	const char *why = NULL;
	if (!opts.sandbox_given && !sandbox_available(&why)) {
		fprintf(stderr, "minivmm: WARNING: %s: running WITHOUT the "
			"seccomp sandbox (-sandbox on makes this an error)\n", why);
		sbc.mode = SANDBOX_OFF;
	}
	struct caps_config capc = {
		.runas = opts.runas,
		.chroot_dir = opts.chroot_dir,
	};
	char *note = NULL;
	if (sandbox_configure(&sbc, &err) < 0 ||
	    caps_new_namespaces(&capc, &note, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "sandbox setup failed");
		free(err);
		return EXIT_VMM_ERROR;
	}
	if (note) {
		fprintf(stderr, "minivmm: %s\n", note);
		free(note);
	}
	if (opts.sandbox == SANDBOX_OFF && opts.sandbox_given)
		fprintf(stderr, "minivmm: WARNING: -sandbox off: no seccomp "
			"filters are installed; a guest that breaks a device "
			"model gets everything this process can do (use it for "
			"debugging only)\n");

	struct vm_config cfg = {
		.machine = mt->name,
		.ram_size = opts.ram_size,
		.ncpus = opts.smp,
		.backend = backend,
		.console_in = STDIN_FILENO,
		.console_out = STDOUT_FILENO,
		.qtest = opts.accel == ACCEL_QTEST,
	};
	/* A virtio console on stdio takes stdin from the SCLP console. */
	if (dev_config_uses_stdin(&devcfg))
		cfg.console_in = -1;
	struct vm *vm;
	if (vm_create(&vm, &cfg, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "cannot create the VM");
		free(err);
		sandbox_open_gate();
		return EXIT_VMM_ERROR;
	}
	vm->reboot_allowed = !opts.no_reboot;

	/* Devices on the channel subsystem; the css owns them from here. */
	if (dev_setup_create(vm, &devcfg, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "cannot create the devices");
		free(err);
		sandbox_open_gate();
		vm_destroy(vm);
		return EXIT_VMM_ERROR;
	}

	/* The port-I/O bridge (DIAG 0x0F10) and -drive if=floppy. */
	if (pio_bridge_create(&vm->pio_bridge, vm, &err) < 0 ||
	    floppy_create(&vm->floppy, vm, opts.drives, opts.ndrives, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "cannot create the floppy");
		free(err);
		sandbox_open_gate();
		vm_destroy(vm);
		return EXIT_VMM_ERROR;
	}

	struct boot_config bc = {
		.kernel = opts.kernel,
		.initrd = opts.initrd,
		.cmdline = opts.append,
	};
	struct boot_info bi;
	/* With -incoming the RAM comes from the stream: -kernel (accepted,
	 * as QEMU does) is only what a later system_reset loads. */
	bool boot = opts.kernel && !opts.incoming;
	if (boot && s390_boot_load(vm, &bc, &bi, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "cannot load the kernel");
		free(err);
		sandbox_open_gate();
		vm_destroy(vm);
		return EXIT_VMM_ERROR;
	}
	if (boot)
		backend->set_initial_psw(vm->vcpus[0], bi.psw_mask, bi.psw_addr);

	/* -incoming: the whole stream is read and checked before anything
	 * is applied; any error ends minivmm before a guest instruction.
	 * tcp: is received live by the migration thread (control_create;
	 * without QMP migrate_from_uri() refuses it). */
	bool live_in = false;
#ifdef MINIVMM_HAVE_QMP
	live_in = opts.incoming && !strncmp(opts.incoming, "tcp:", 4);
#endif
	if (opts.incoming && strcmp(opts.incoming, "defer") && !live_in) {
		if (migrate_from_uri(vm, opts.incoming, &err) < 0) {
			fprintf(stderr, "minivmm: -incoming %s\n",
				err ? err : "cannot restore the VM");
			free(err);
			sandbox_open_gate();
			vm_destroy(vm);
			return EXIT_VMM_ERROR;
		}
	}
	if (opts.incoming)	/* defer: CPUs wait for migrate-incoming */
		vm->cpus_restored = true;

	/* Monitors and qtest: sockets are made before privileges go. */
	struct control *ctl;
	if (control_create(&ctl, vm, &opts, opts.kernel ? &bc : NULL, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "control plane setup failed");
		free(err);
		sandbox_open_gate();
		vm_destroy(vm);
		return EXIT_VMM_ERROR;
	}

	/* Everything is open: give up the privileges, then let threads in. */
	if (caps_drop_privileges(&capc, &err) < 0) {
		fprintf(stderr, "minivmm: %s\n", err ? err : "cannot drop privileges");
		free(err);
		sandbox_open_gate();
		vm_destroy(vm);
		return EXIT_VMM_ERROR;
	}
	sandbox_open_gate();

	enum vm_end end = vm_run(vm);
	int status;
	switch (end) {
	case VM_END_SHUTDOWN:
	case VM_END_RESET:
	case VM_END_QUIT:
	case VM_END_SIGNAL:
		status = EXIT_GUEST_SHUTDOWN;
		break;
	case VM_END_DISABLED_WAIT:
		status = EXIT_DISABLED_WAIT;
		break;
	default:
		status = EXIT_VMM_ERROR;
		break;
	}
	fflush(stdout);
	fprintf(stderr, "minivmm: %s\n", vm->end_msg);
	control_destroy(ctl);
	vm_destroy(vm);
	return status;
}
