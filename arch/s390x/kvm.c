/* SPDX-License-Identifier: MIT */
/*
 * The KVM backend: runs the guest with the host's SIE through /dev/kvm.
 * Built only on s390x hosts (arch/s390x/meson.build).
 *
 * The sequence of ioctls follows the Linux KVM API document
 * (Documentation/virt/kvm/api.rst) and <linux/kvm.h>:
 *
 *   /dev/kvm:  KVM_GET_API_VERSION (== 12), KVM_CHECK_EXTENSION,
 *              KVM_GET_VCPU_MMAP_SIZE, KVM_CREATE_VM (type 0)
 *   VM fd:     KVM_ENABLE_CAP, KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU,
 *              KVM_S390_INTERRUPT, KVM_S390_GET/SET_SKEYS, KVM_GET_DIRTY_LOG,
 *              KVM_GET/SET_DEVICE_ATTR (KVM_S390_VM_TOD),
 *              KVM_CREATE_DEVICE (KVM_DEV_TYPE_FLIC)
 *   FLIC fd:   KVM_GET/SET_DEVICE_ATTR (KVM_DEV_FLIC_GET_ALL_IRQS,
 *              KVM_DEV_FLIC_CLEAR_IRQS, KVM_DEV_FLIC_ENQUEUE)
 *   vCPU fd:   mmap(kvm_run), KVM_RUN, KVM_GET/SET_REGS/SREGS/FPU,
 *              KVM_GET/SET_ONE_REG, KVM_S390_SET_INITIAL_PSW,
 *              KVM_S390_INITIAL/NORMAL/CLEAR_RESET, KVM_GET/SET_MP_STATE,
 *              KVM_S390_IRQ
 *
 * Capabilities minivmm needs (kvm_caps[] below; vm_init names the first
 * one missing):
 *
 *  - KVM_CAP_SYNC_REGS, KVM_CAP_S390_PSW: the backend seam promises that
 *    run->s.regs and run->psw_mask/psw_addr are current after every exit.
 *  - KVM_CAP_S390_CSS_SUPPORT (enabled): channel-I/O instructions are
 *    intercepted to userspace, where minivmm's channel subsystem lives.
 *  - KVM_CAP_S390_USER_SIGP (enabled): every SIGP order except the fast
 *    ones (sense, external call, emergency signal, ...) reaches
 *    arch/s390x/sigp.c, so start/stop/restart/store status stay in
 *    userspace together with the vCPU state machine of vmm/vcpu.c.
 *  - KVM_CAP_S390_USER_STSI (enabled): STSI 3.2.2 exits as
 *    KVM_EXIT_S390_STSI so the VMM can fill in its machine name.
 *  - KVM_CAP_MP_STATE: user-controlled CPU state.  There is no capability
 *    to enable for that: the first KVM_SET_MP_STATE switches the VM over
 *    (the kernel then never starts or stops a vCPU by itself, and KVM_RUN
 *    of a stopped vCPU fails with EINVAL).  vcpu_init does that call.
 *  - KVM_CAP_IMMEDIATE_EXIT: kick() without a lost-wakeup race (below).
 *  - KVM_CAP_S390_INJECT_IRQ: KVM_S390_IRQ for per-vCPU interrupts.
 *  - KVM_CAP_S390_SKEYS: storage keys for migration.
 *  - KVM_CAP_S390_VCPU_RESETS (optional): the normal and clear reset
 *    ioctls; without it both are built from KVM_S390_INITIAL_RESET.
 *
 * Deliberately NOT enabled: KVM_CAP_S390_IRQCHIP (no irqfd routing; all
 * interrupts are injected with the two ioctls) and
 * KVM_CAP_S390_VECTOR_REGISTERS (the software CPU has no vector facility,
 * and without it the kernel syncs KVM_SYNC_FPRS, so run->s.regs.fprs means
 * the same under both backends).
 *
 * Kicking: kick() sets run->immediate_exit and a pending flag, then sends
 * KVM_KICK_SIGNAL to the vCPU thread (recorded at its first run()).  The
 * signal interrupts a KVM_RUN in progress with EINTR; immediate_exit makes
 * a KVM_RUN that has not started yet return EINTR at once; the flag makes a
 * run() that has not reached the ioctl return KVM_EXIT_INTR.  The signal's
 * no-op handler is process-wide and installed once (pthread_once): it is
 * the only process state this backend touches, and the only thing it
 * needs is that the signal does not kill the process.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "vmm/backend.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define KVM_DEV_PATH		"/dev/kvm"
#define KVM_WANT_API_VERSION	12
/* The vCPU kick.  SIGUSR1: vmm/ and seccomp/ must leave it alone. */
#define KVM_KICK_SIGNAL		SIGUSR1
/* s390 KVM: KVM_USER_MEM_SLOTS (arch/s390/include/asm/kvm_host.h). */
#define KVM_S390_MAX_SLOTS	32
/* s390 memory slots start and end on a segment (1 MiB) boundary, and so
 * must their host address (kvm_arch_prepare_memory_region). */
#define KVM_S390_SLOT_ALIGN	(1ULL << 20)

/* Synced registers the rest of minivmm reads from run->s.regs. */
#define KVM_SYNC_NEEDED	(KVM_SYNC_PREFIX | KVM_SYNC_GPRS | KVM_SYNC_ACRS | \
			 KVM_SYNC_CRS | KVM_SYNC_ARCH0 | KVM_SYNC_FPRS)

struct kvm_cap_req {
	unsigned int cap;
	const char *name;
	bool enable;		/* KVM_ENABLE_CAP on the VM fd */
	const char *missing;	/* static message for kvm_backend_available */
};

#define CAP_REQ(c, en) { c, #c, en, "host KVM lacks " #c }
static const struct kvm_cap_req kvm_caps[] = {
	CAP_REQ(KVM_CAP_SYNC_REGS, false),
	CAP_REQ(KVM_CAP_S390_PSW, false),
	CAP_REQ(KVM_CAP_MP_STATE, false),
	CAP_REQ(KVM_CAP_IMMEDIATE_EXIT, false),
	CAP_REQ(KVM_CAP_S390_INJECT_IRQ, false),
	CAP_REQ(KVM_CAP_S390_SKEYS, false),
	CAP_REQ(KVM_CAP_S390_CSS_SUPPORT, true),
	CAP_REQ(KVM_CAP_S390_USER_SIGP, true),
	CAP_REQ(KVM_CAP_S390_USER_STSI, true),
};
#undef CAP_REQ

struct kvm_vm_state {
	int kvm_fd;		/* /dev/kvm */
	int vm_fd;
	size_t run_size;	/* KVM_GET_VCPU_MMAP_SIZE */
	bool has_vcpu_resets;	/* KVM_CAP_S390_VCPU_RESETS */
	uint64_t slot_pages[KVM_S390_MAX_SLOTS];	/* 0: slot unused */
	/* What set_dirty_log needs to define the slot again. */
	uint64_t slot_gpa[KVM_S390_MAX_SLOTS];
	void *slot_hva[KVM_S390_MAX_SLOTS];
	bool slot_logging[KVM_S390_MAX_SLOTS];	/* KVM_MEM_LOG_DIRTY_PAGES */
	int flic_fd;		/* KVM_DEV_TYPE_FLIC device, -1: none */
};

struct kvm_vcpu_state {
	int fd;
	struct kvm_run *run;
	size_t run_size;
	bool has_vcpu_resets;
	/* KVM's view of the CPU state: run() starts a stopped vCPU. */
	bool operating;
	/* Kick machinery (see the top comment). */
	atomic_bool kick_pending;
	atomic_bool thread_known;
	pthread_t thread;	/* written once before thread_known is set */
};

/* ---- helpers --------------------------------------------------------- */

/* ioctl returning -errno on failure (EINTR is retried where harmless). */
static int kvm_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static struct kvm_vm_state *vm_state(struct vm *vm)
{
	return vm->backend;
}

static struct kvm_vcpu_state *vcpu_state(struct vcpu *vcpu)
{
	return vcpu->backend;
}

static int vcpu_ioctl(struct vcpu *vcpu, unsigned long req, void *arg)
{
	int r = kvm_ioctl(vcpu_state(vcpu)->fd, req, arg);

	return r < 0 ? r : 0;
}

static int vm_ioctl(struct vm *vm, unsigned long req, void *arg)
{
	int r = kvm_ioctl(vm_state(vm)->vm_fd, req, arg);

	return r < 0 ? r : 0;
}

static void kick_handler(int sig)
{
	(void)sig;
}

static int kick_install_err;

static void kick_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: KVM_RUN must come back with EINTR. */
	if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0)
		kick_install_err = -errno;
}

static int kick_setup(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, kick_install);
	return kick_install_err;
}

/* Open /dev/kvm and check the API version; *why is a static string. */
static int kvm_open(int *fd_out, const char **why)
{
	int fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	int r;

	if (fd < 0) {
		r = -errno;
		switch (errno) {
		case ENOENT:
			*why = KVM_DEV_PATH " does not exist";
			break;
		case EACCES:
		case EPERM:
			*why = "no permission to open " KVM_DEV_PATH;
			break;
		case ENXIO:
		case ENODEV:
			*why = KVM_DEV_PATH " has no KVM module behind it";
			break;
		default:
			*why = "cannot open " KVM_DEV_PATH;
			break;
		}
		return r;
	}
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_WANT_API_VERSION) {
		if (r < 0) {
			r = -errno;
			*why = KVM_DEV_PATH " does not answer KVM_GET_API_VERSION"
			       " (no KVM behind it, or an emulator)";
		} else {
			r = -EPROTO;
			*why = "KVM_GET_API_VERSION is not 12";
		}
		close(fd);
		return r;
	}
	*fd_out = fd;
	return 0;
}

/* The first required capability the host lacks, or NULL. */
static const struct kvm_cap_req *kvm_missing_cap(int fd)
{
	for (size_t i = 0; i < sizeof(kvm_caps) / sizeof(kvm_caps[0]); i++)
		if (ioctl(fd, KVM_CHECK_EXTENSION,
			  (unsigned long)kvm_caps[i].cap) <= 0)
			return &kvm_caps[i];
	return NULL;
}

bool kvm_backend_available(const char **why)
{
	const char *dummy;
	const struct kvm_cap_req *miss;
	int fd;

	if (!why)
		why = &dummy;
	if (kvm_open(&fd, why) < 0)
		return false;
	miss = kvm_missing_cap(fd);
	close(fd);
	if (miss) {
		*why = miss->missing;
		return false;
	}
	*why = NULL;
	return true;
}

/* ---- VM -------------------------------------------------------------- */

static void kvm_vm_exit(struct vm *vm)
{
	struct kvm_vm_state *s = vm_state(vm);

	if (!s)
		return;
	if (s->flic_fd >= 0)
		close(s->flic_fd);
	if (s->vm_fd >= 0)
		close(s->vm_fd);
	if (s->kvm_fd >= 0)
		close(s->kvm_fd);
	free(s);
	vm->backend = NULL;
}

/*
 * The floating interrupt controller (Linux KVM devices doc s390_flic.rst):
 * one per VM, created with KVM_CREATE_DEVICE type KVM_DEV_TYPE_FLIC.  It
 * holds the floating interruptions the VM's KVM_S390_INTERRUPT queued
 * (with or without the device); minivmm uses it only to read and replace
 * that list for migration and system reset (get/set_floating_irqs).
 */
static int kvm_flic_create(struct kvm_vm_state *s, char **err)
{
	struct kvm_create_device cd;
	int r;

	memset(&cd, 0, sizeof(cd));
	cd.type = KVM_DEV_TYPE_FLIC;
	r = kvm_ioctl(s->vm_fd, KVM_CREATE_DEVICE, &cd);
	if (r < 0) {
		error_setf(err, "kvm: KVM_CREATE_DEVICE KVM_DEV_TYPE_FLIC: %s",
			   strerror(-r));
		return r;
	}
	s->flic_fd = (int)cd.fd;
	return 0;
}

static int kvm_vm_init(struct vm *vm, char **err)
{
	struct kvm_vm_state *s;
	const struct kvm_cap_req *miss;
	const char *why;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s) {
		error_setf(err, "kvm: out of memory");
		return -ENOMEM;
	}
	s->kvm_fd = -1;
	s->vm_fd = -1;
	s->flic_fd = -1;
	vm->backend = s;

	r = kvm_open(&s->kvm_fd, &why);
	if (r < 0) {
		error_setf(err, "kvm: %s (%s)", why, strerror(-r));
		goto fail;
	}
	miss = kvm_missing_cap(s->kvm_fd);
	if (miss) {
		error_setf(err, "kvm: the host KVM lacks %s", miss->name);
		r = -EOPNOTSUPP;
		goto fail;
	}
	s->has_vcpu_resets =
		ioctl(s->kvm_fd, KVM_CHECK_EXTENSION,
		      (unsigned long)KVM_CAP_S390_VCPU_RESETS) > 0;

	r = kvm_ioctl(s->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (r < 0) {
		error_setf(err, "kvm: KVM_GET_VCPU_MMAP_SIZE: %s", strerror(-r));
		goto fail;
	}
	if ((size_t)r < sizeof(struct kvm_run)) {
		error_setf(err, "kvm: KVM_GET_VCPU_MMAP_SIZE %d is smaller than "
			"struct kvm_run", r);
		r = -EINVAL;
		goto fail;
	}
	s->run_size = (size_t)r;

	/* Type 0: a normal (not user-controlled, not protected) VM. */
	r = kvm_ioctl(s->kvm_fd, KVM_CREATE_VM, (void *)0);
	if (r < 0) {
		/* s390: the process needs page tables with PGSTEs, which
		 * the kernel allocates for binaries linked with
		 * -Wl,--s390-pgste (or with sysctl vm.allocate_pgste=1). */
		error_setf(err, "kvm: KVM_CREATE_VM: %s%s", strerror(-r),
			   r == -EINVAL ? " (is minivmm linked with "
			   "-Wl,--s390-pgste?)" : "");
		goto fail;
	}
	s->vm_fd = r;

	for (size_t i = 0; i < sizeof(kvm_caps) / sizeof(kvm_caps[0]); i++) {
		struct kvm_enable_cap cap;

		if (!kvm_caps[i].enable)
			continue;
		memset(&cap, 0, sizeof(cap));
		cap.cap = kvm_caps[i].cap;
		r = kvm_ioctl(s->vm_fd, KVM_ENABLE_CAP, &cap);
		if (r < 0) {
			error_setf(err, "kvm: KVM_ENABLE_CAP %s: %s",
				kvm_caps[i].name, strerror(-r));
			goto fail;
		}
	}

	r = kvm_flic_create(s, err);
	if (r < 0)
		goto fail;

	r = kick_setup();
	if (r < 0) {
		error_setf(err, "kvm: sigaction for the vCPU kick signal: %s",
			strerror(-r));
		goto fail;
	}
	return 0;

fail:
	kvm_vm_exit(vm);
	return r;
}

static int kvm_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *hva, char **err)
{
	struct kvm_vm_state *s = vm_state(vm);
	struct kvm_userspace_memory_region mr;
	int r;

	if (slot >= KVM_S390_MAX_SLOTS) {
		error_setf(err, "kvm: memory slot %u out of range (max %u)",
			slot, KVM_S390_MAX_SLOTS - 1);
		return -EINVAL;
	}
	if ((gpa | size | (uintptr_t)hva) & (KVM_S390_SLOT_ALIGN - 1)) {
		error_setf(err, "kvm: memory slot %u: guest address 0x%llx, size "
			"0x%llx and host address %p must be 1 MiB aligned",
			slot, (unsigned long long)gpa,
			(unsigned long long)size, hva);
		return -EINVAL;
	}
	memset(&mr, 0, sizeof(mr));
	mr.slot = slot;
	/* Dirty logging costs write faults and large pages: only while a
	 * migration asks for it (kvm_set_dirty_log). */
	mr.flags = s->slot_logging[slot] ? KVM_MEM_LOG_DIRTY_PAGES : 0;
	mr.guest_phys_addr = gpa;
	mr.memory_size = size;
	mr.userspace_addr = (uintptr_t)hva;
	r = vm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr);
	if (r < 0) {
		error_setf(err, "kvm: KVM_SET_USER_MEMORY_REGION slot %u "
			"[0x%llx, +0x%llx): %s", slot,
			(unsigned long long)gpa, (unsigned long long)size,
			strerror(-r));
		return r;
	}
	s->slot_pages[slot] = size / VM_PAGE_SIZE;
	s->slot_gpa[slot] = gpa;
	s->slot_hva[slot] = hva;
	return 0;
}

/*
 * Logging on or off: the same slot again with or without
 * KVM_MEM_LOG_DIRTY_PAGES (api.rst, KVM_SET_USER_MEMORY_REGION: "When
 * changing an existing slot ... its flags may be modified").  Turning it
 * on gives the slot an empty bitmap; KVM_GET_DIRTY_LOG fails with ENOENT
 * while it is off.
 */
static int kvm_set_dirty_log(struct vm *vm, uint32_t slot, bool on, char **err)
{
	struct kvm_vm_state *s = vm_state(vm);
	bool was;
	int r;

	if (slot >= KVM_S390_MAX_SLOTS || !s->slot_pages[slot]) {
		error_setf(err, "kvm: dirty log: memory slot %u is not defined",
			   slot);
		return -EINVAL;
	}
	was = s->slot_logging[slot];
	if (was == on)
		return 0;
	s->slot_logging[slot] = on;
	r = kvm_set_memory(vm, slot, s->slot_gpa[slot],
			   s->slot_pages[slot] * VM_PAGE_SIZE, s->slot_hva[slot],
			   err);
	if (r < 0)
		s->slot_logging[slot] = was;
	return r;
}

/* ---- vCPU ------------------------------------------------------------ */

static void kvm_vcpu_exit(struct vcpu *vcpu)
{
	struct kvm_vcpu_state *c = vcpu_state(vcpu);

	if (!c)
		return;
	if (c->run)
		munmap(c->run, c->run_size);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	vcpu->backend = NULL;
	vcpu->run = NULL;
}

static int kvm_set_mp_state(struct vcpu *vcpu, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };
	int r = vcpu_ioctl(vcpu, KVM_SET_MP_STATE, &mp);

	if (r == 0)
		vcpu_state(vcpu)->operating = state == KVM_MP_STATE_OPERATING;
	return r;
}

static int kvm_get_mp_state(struct vcpu *vcpu, uint32_t *state)
{
	struct kvm_mp_state mp;
	int r = vcpu_ioctl(vcpu, KVM_GET_MP_STATE, &mp);

	if (r == 0)
		*state = mp.mp_state;
	return r;
}

static int kvm_initial_reset(struct vcpu *vcpu)
{
	return vcpu_ioctl(vcpu, KVM_S390_INITIAL_RESET, NULL);
}

static int kvm_vcpu_init(struct vcpu *vcpu, char **err)
{
	struct kvm_vm_state *s = vm_state(vcpu->vm);
	struct kvm_vcpu_state *c;
	void *run;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c) {
		error_setf(err, "kvm: out of memory");
		return -ENOMEM;
	}
	c->fd = -1;
	c->run_size = s->run_size;
	c->has_vcpu_resets = s->has_vcpu_resets;
	atomic_init(&c->kick_pending, false);
	atomic_init(&c->thread_known, false);
	vcpu->backend = c;

	r = kvm_ioctl(s->vm_fd, KVM_CREATE_VCPU, (void *)(uintptr_t)vcpu->id);
	if (r < 0) {
		error_setf(err, "kvm: KVM_CREATE_VCPU %u: %s", vcpu->id,
			strerror(-r));
		goto fail;
	}
	c->fd = r;

	run = mmap(NULL, c->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   c->fd, 0);
	if (run == MAP_FAILED) {
		r = -errno;
		error_setf(err, "kvm: mmap of vCPU %u kvm_run: %s", vcpu->id,
			strerror(-r));
		goto fail;
	}
	c->run = run;
	vcpu->run = run;

	/* The kernel announces which run->s.regs fields it keeps current. */
	if ((c->run->kvm_valid_regs & KVM_SYNC_NEEDED) != KVM_SYNC_NEEDED) {
		error_setf(err, "kvm: vCPU %u syncs registers 0x%llx, minivmm "
			"needs 0x%llx", vcpu->id,
			(unsigned long long)c->run->kvm_valid_regs,
			(unsigned long long)KVM_SYNC_NEEDED);
		r = -EOPNOTSUPP;
		goto fail;
	}

	r = kvm_initial_reset(vcpu);
	if (r < 0) {
		error_setf(err, "kvm: KVM_S390_INITIAL_RESET vCPU %u: %s",
			vcpu->id, strerror(-r));
		goto fail;
	}
	/* Take over CPU-state control; every vCPU starts STOPPED (vm.h). */
	r = kvm_set_mp_state(vcpu, KVM_MP_STATE_STOPPED);
	if (r < 0) {
		error_setf(err, "kvm: KVM_SET_MP_STATE vCPU %u: %s", vcpu->id,
			strerror(-r));
		goto fail;
	}
	return 0;

fail:
	kvm_vcpu_exit(vcpu);
	return r;
}

static int kvm_vcpu_run(struct vcpu *vcpu)
{
	struct kvm_vcpu_state *c = vcpu_state(vcpu);
	struct kvm_run *run = c->run;
	sigset_t set;
	int r;

	if (!atomic_load_explicit(&c->thread_known, memory_order_relaxed)) {
		/* The kick signal must reach this thread. */
		sigemptyset(&set);
		sigaddset(&set, KVM_KICK_SIGNAL);
		r = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		if (r)
			return -r;
		c->thread = pthread_self();
		atomic_store_explicit(&c->thread_known, true,
				      memory_order_release);
	}

	/* vmm/vcpu.c runs only OPERATING vCPUs; tell KVM if it doesn't
	 * know yet (KVM_RUN of a stopped vCPU is EINVAL). */
	if (!c->operating) {
		r = kvm_set_mp_state(vcpu, KVM_MP_STATE_OPERATING);
		if (r < 0)
			return r;
	}

	if (atomic_exchange(&c->kick_pending, false)) {
		__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		run->exit_reason = KVM_EXIT_INTR;
		return 0;
	}

	r = ioctl(c->fd, KVM_RUN, 0);
	if (r < 0 && errno == EINTR) {
		/* Clear immediate_exit before the flag: a kick racing with
		 * this costs at most one spurious KVM_EXIT_INTR later. */
		__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		atomic_store(&c->kick_pending, false);
		run->exit_reason = KVM_EXIT_INTR;
		return 0;
	}
	if (r < 0)
		return -errno;
	return 0;
}

static void kvm_kick(struct vcpu *vcpu)
{
	struct kvm_vcpu_state *c = vcpu_state(vcpu);

	atomic_store(&c->kick_pending, true);
	__atomic_store_n(&c->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (atomic_load_explicit(&c->thread_known, memory_order_acquire) &&
	    !pthread_equal(c->thread, pthread_self()))
		pthread_kill(c->thread, KVM_KICK_SIGNAL);
}

static int kvm_get_regs(struct vcpu *vcpu, struct kvm_regs *regs)
{
	return vcpu_ioctl(vcpu, KVM_GET_REGS, regs);
}

static int kvm_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs)
{
	return vcpu_ioctl(vcpu, KVM_SET_REGS, (void *)regs);
}

static int kvm_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	return vcpu_ioctl(vcpu, KVM_GET_SREGS, sregs);
}

static int kvm_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	return vcpu_ioctl(vcpu, KVM_SET_SREGS, (void *)sregs);
}

static int kvm_get_fpu(struct vcpu *vcpu, struct kvm_fpu *fpu)
{
	return vcpu_ioctl(vcpu, KVM_GET_FPU, fpu);
}

static int kvm_set_fpu(struct vcpu *vcpu, const struct kvm_fpu *fpu)
{
	return vcpu_ioctl(vcpu, KVM_SET_FPU, (void *)fpu);
}

/* The kernel copies KVM_REG_SIZE(id) bytes (TODPR is a u32). */
static int kvm_one_reg_size(uint64_t id)
{
	unsigned int size =
		1U << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);

	return size == 4 || size == 8 ? (int)size : -EINVAL;
}

static int kvm_get_one_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg;
	uint32_t v32 = 0;
	uint64_t v64 = 0;
	int size = kvm_one_reg_size(id);
	int r;

	if (size < 0)
		return size;
	reg.id = id;
	reg.addr = size == 4 ? (uintptr_t)&v32 : (uintptr_t)&v64;
	r = vcpu_ioctl(vcpu, KVM_GET_ONE_REG, &reg);
	if (r == 0)
		*val = size == 4 ? v32 : v64;
	return r;
}

static int kvm_set_one_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg;
	uint32_t v32 = (uint32_t)val;
	uint64_t v64 = val;
	int size = kvm_one_reg_size(id);

	if (size < 0)
		return size;
	if (size == 4 && val > UINT32_MAX)
		return -EINVAL;
	reg.id = id;
	reg.addr = size == 4 ? (uintptr_t)&v32 : (uintptr_t)&v64;
	return vcpu_ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

static int kvm_set_initial_psw(struct vcpu *vcpu, uint64_t mask,
			       uint64_t addr)
{
	struct kvm_s390_psw psw = { .mask = mask, .addr = addr };
	int r = vcpu_ioctl(vcpu, KVM_S390_SET_INITIAL_PSW, &psw);

	/*
	 * The ioctl only works on a stopped vCPU (EBUSY otherwise) and does
	 * nothing but store run->psw_mask/psw_addr, which KVM_RUN loads on
	 * every entry; outside run() storing them ourselves is the same.
	 */
	if (r == -EBUSY) {
		vcpu->run->psw_mask = mask;
		vcpu->run->psw_addr = addr;
		r = 0;
	}
	return r;
}

/* Registers a CPU reset keeps and an initial CPU reset does not (PoP
 * "Resets", figure "Summary of Reset Functions"). */
struct kvm_saved_regs {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	uint64_t psw_mask, psw_addr;
	uint64_t prefix;
	uint64_t todpr, cputm, ckc, pp, gbea;
};

static const struct {
	uint64_t id;
	size_t off;
} kvm_reset_one_regs[] = {
	{ KVM_REG_S390_TODPR, offsetof(struct kvm_saved_regs, todpr) },
	{ KVM_REG_S390_CPU_TIMER, offsetof(struct kvm_saved_regs, cputm) },
	{ KVM_REG_S390_CLOCK_COMP, offsetof(struct kvm_saved_regs, ckc) },
	{ KVM_REG_S390_PP, offsetof(struct kvm_saved_regs, pp) },
	{ KVM_REG_S390_GBEA, offsetof(struct kvm_saved_regs, gbea) },
};
#define N_RESET_ONE_REGS \
	(sizeof(kvm_reset_one_regs) / sizeof(kvm_reset_one_regs[0]))

static int kvm_save_regs(struct vcpu *vcpu, struct kvm_saved_regs *sv)
{
	int r;

	if ((r = kvm_get_regs(vcpu, &sv->regs)) < 0 ||
	    (r = kvm_get_sregs(vcpu, &sv->sregs)) < 0 ||
	    (r = kvm_get_fpu(vcpu, &sv->fpu)) < 0)
		return r;
	for (size_t i = 0; i < N_RESET_ONE_REGS; i++) {
		r = kvm_get_one_reg(vcpu, kvm_reset_one_regs[i].id,
				    (uint64_t *)((char *)sv +
						 kvm_reset_one_regs[i].off));
		if (r < 0)
			return r;
	}
	sv->psw_mask = vcpu->run->psw_mask;
	sv->psw_addr = vcpu->run->psw_addr;
	sv->prefix = vcpu->run->s.regs.prefix;
	return 0;
}

static int kvm_restore_regs(struct vcpu *vcpu, const struct kvm_saved_regs *sv)
{
	int r;

	if ((r = kvm_set_regs(vcpu, &sv->regs)) < 0 ||
	    (r = kvm_set_sregs(vcpu, &sv->sregs)) < 0 ||
	    (r = kvm_set_fpu(vcpu, &sv->fpu)) < 0)
		return r;
	for (size_t i = 0; i < N_RESET_ONE_REGS; i++) {
		uint64_t v;

		memcpy(&v, (const char *)sv + kvm_reset_one_regs[i].off,
		       sizeof(v));
		r = kvm_set_one_reg(vcpu, kvm_reset_one_regs[i].id, v);
		if (r < 0)
			return r;
	}
	vcpu->run->psw_mask = sv->psw_mask;
	vcpu->run->psw_addr = sv->psw_addr;
	/* The prefix has no ioctl of its own: it is loaded at next entry. */
	vcpu->run->s.regs.prefix = sv->prefix;
	vcpu->run->kvm_dirty_regs |= KVM_SYNC_PREFIX;
	return 0;
}

/*
 * CPU reset (PoP "CPU Reset"): pending local interruptions are cleared,
 * the registers are kept.  Without KVM_S390_NORMAL_RESET: an initial reset
 * (which clears the same interruption state) with the registers saved
 * around it.
 */
static int kvm_normal_reset(struct vcpu *vcpu)
{
	struct kvm_saved_regs sv;
	int r;

	if (vcpu_state(vcpu)->has_vcpu_resets)
		return vcpu_ioctl(vcpu, KVM_S390_NORMAL_RESET, NULL);
	r = kvm_save_regs(vcpu, &sv);
	if (r < 0)
		return r;
	r = kvm_initial_reset(vcpu);
	if (r < 0)
		return r;
	return kvm_restore_regs(vcpu, &sv);
}

/*
 * Clear reset (PoP "Clear Reset"): an initial CPU reset that also zeroes
 * the general, access and floating-point registers and the FPC.  Clearing
 * storage is the VMM's job.  Without KVM_S390_CLEAR_RESET: initial reset,
 * then zero those registers.
 */
static int kvm_clear_reset(struct vcpu *vcpu)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	int r;

	if (vcpu_state(vcpu)->has_vcpu_resets)
		return vcpu_ioctl(vcpu, KVM_S390_CLEAR_RESET, NULL);
	r = kvm_initial_reset(vcpu);
	if (r < 0)
		return r;
	memset(&regs, 0, sizeof(regs));
	r = kvm_set_regs(vcpu, &regs);
	if (r < 0)
		return r;
	r = kvm_get_sregs(vcpu, &sregs);
	if (r < 0)
		return r;
	memset(sregs.acrs, 0, sizeof(sregs.acrs));
	r = kvm_set_sregs(vcpu, &sregs);
	if (r < 0)
		return r;
	memset(&fpu, 0, sizeof(fpu));
	return kvm_set_fpu(vcpu, &fpu);
}

static int kvm_irq(struct vcpu *vcpu, const struct kvm_s390_irq *irq)
{
	return vcpu_ioctl(vcpu, KVM_S390_IRQ, (void *)irq);
}

static int kvm_floating_irq(struct vm *vm,
			    const struct kvm_s390_interrupt *irq)
{
	return vm_ioctl(vm, KVM_S390_INTERRUPT, (void *)irq);
}

/*
 * Local pending interruptions for migration (KVM API "KVM_S390_GET_IRQ_STATE",
 * "KVM_S390_SET_IRQ_STATE"): the buffer is an array of kvm_s390_irq; GET
 * returns the number of bytes stored (-ENOBUFS when the buffer is too
 * small), SET replaces the vCPU's local interruptions with the array.
 * The floating ones live in the FLIC device (kvm_get/set_floating_irqs).
 */
static int kvm_get_irq_state(struct vcpu *vcpu, struct kvm_s390_irq *irqs,
			     unsigned int max)
{
	struct kvm_s390_irq_state st;
	int r;

	memset(&st, 0, sizeof(st));
	st.buf = (uintptr_t)irqs;
	st.len = max * (uint32_t)sizeof(*irqs);
	r = kvm_ioctl(vcpu_state(vcpu)->fd, KVM_S390_GET_IRQ_STATE, &st);
	if (r < 0)
		return r;
	return r / (int)sizeof(*irqs);
}

static int kvm_set_irq_state(struct vcpu *vcpu, const struct kvm_s390_irq *irqs,
			     unsigned int n)
{
	struct kvm_s390_irq_state st;

	memset(&st, 0, sizeof(st));
	st.buf = (uintptr_t)irqs;
	st.len = n * (uint32_t)sizeof(*irqs);
	return vcpu_ioctl(vcpu, KVM_S390_SET_IRQ_STATE, &st);
}

/* One FLIC group: attr->attr a length, attr->addr a buffer (or unused). */
static int kvm_flic_attr(struct vm *vm, unsigned long req, uint32_t group,
			 void *buf, uint64_t len)
{
	struct kvm_device_attr a;

	memset(&a, 0, sizeof(a));
	a.group = group;
	a.attr = len;
	a.addr = (uintptr_t)buf;
	return kvm_ioctl(vm_state(vm)->flic_fd, req, &a);
}

/*
 * KVM_DEV_FLIC_GET_ALL_IRQS copies every pending floating interruption
 * into the buffer as kvm_s390_irq and returns their number; they stay
 * pending.  A buffer too small is -ENOMEM there, -ENOBUFS at the seam.
 */
static int kvm_get_floating_irqs(struct vm *vm, struct kvm_s390_irq *irqs,
				 unsigned int max)
{
	int r;

	if (vm_state(vm)->flic_fd < 0)
		return -ENODEV;
	r = kvm_flic_attr(vm, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_GET_ALL_IRQS,
			  irqs, (uint64_t)max * sizeof(*irqs));
	if (r == -ENOMEM)
		return -ENOBUFS;
	if (r > (int)max)
		return -EPROTO;
	return r;
}

/*
 * Replace the list: KVM_DEV_FLIC_CLEAR_IRQS deletes every pending floating
 * interruption (none is delivered), then KVM_DEV_FLIC_ENQUEUE queues the
 * array in order (attr->attr: its length in bytes).  n == 0 only clears
 * (system reset).
 */
static int kvm_set_floating_irqs(struct vm *vm, const struct kvm_s390_irq *irqs,
				 unsigned int n)
{
	int r;

	if (vm_state(vm)->flic_fd < 0)
		return -ENODEV;
	r = kvm_flic_attr(vm, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_CLEAR_IRQS,
			  NULL, 0);
	if (r < 0 || n == 0)
		return r < 0 ? r : 0;
	r = kvm_flic_attr(vm, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE,
			  (void *)irqs, (uint64_t)n * sizeof(*irqs));
	return r < 0 ? r : 0;
}

/* ---- storage keys, dirty log, TOD ------------------------------------ */

static int kvm_get_skeys(struct vm *vm, uint64_t first_gfn, uint64_t count,
			 uint8_t *keys)
{
	uint64_t done = 0;

	while (done < count) {
		struct kvm_s390_skeys sk;
		uint64_t n = count - done;
		int r;

		if (n > KVM_S390_SKEYS_MAX)
			n = KVM_S390_SKEYS_MAX;
		memset(&sk, 0, sizeof(sk));
		sk.start_gfn = first_gfn + done;
		sk.count = n;
		sk.skeydata_addr = (uintptr_t)(keys + done);
		r = kvm_ioctl(vm_state(vm)->vm_fd, KVM_S390_GET_SKEYS, &sk);
		if (r < 0)
			return r;
		if (r == KVM_S390_GET_SKEYS_NONE) {
			/* The guest never used storage keys: all zero. */
			memset(keys + done, 0, count - done);
			return 0;
		}
		done += n;
	}
	return 0;
}

static int kvm_set_skeys(struct vm *vm, uint64_t first_gfn, uint64_t count,
			 const uint8_t *keys)
{
	uint64_t done = 0;

	while (done < count) {
		struct kvm_s390_skeys sk;
		uint64_t n = count - done;
		int r;

		if (n > KVM_S390_SKEYS_MAX)
			n = KVM_S390_SKEYS_MAX;
		memset(&sk, 0, sizeof(sk));
		sk.start_gfn = first_gfn + done;
		sk.count = n;
		sk.skeydata_addr = (uintptr_t)(keys + done);
		r = vm_ioctl(vm, KVM_S390_SET_SKEYS, &sk);
		if (r < 0)
			return r;
		done += n;
	}
	return 0;
}

/*
 * KVM's dirty bitmap is a little-endian bitmap (the kernel marks pages
 * with __set_bit_le): page n is bit n % 8 of byte n / 8.  minivmm's layout
 * is bit n % 64 of uint64_t word n / 64 in host order, so each word is
 * converted from little-endian (a byte swap on s390x).
 */
static int kvm_get_dirty_log(struct vm *vm, uint32_t slot, uint64_t *bitmap)
{
	struct kvm_vm_state *s = vm_state(vm);
	struct kvm_dirty_log log;
	uint64_t words;
	int r;

	if (slot >= KVM_S390_MAX_SLOTS || !s->slot_pages[slot])
		return -EINVAL;
	memset(&log, 0, sizeof(log));
	log.slot = slot;
	log.dirty_bitmap = bitmap;
	r = vm_ioctl(vm, KVM_GET_DIRTY_LOG, &log);
	if (r < 0)
		return r;
	words = (s->slot_pages[slot] + 63) / 64;
	for (uint64_t i = 0; i < words; i++)
		bitmap[i] = le64toh(bitmap[i]);
	return 0;
}

static int kvm_tod_attr(struct vm *vm, unsigned long req, uint64_t attr,
			void *val)
{
	struct kvm_device_attr a;

	memset(&a, 0, sizeof(a));
	a.group = KVM_S390_VM_TOD;
	a.attr = attr;
	a.addr = (uintptr_t)val;
	return vm_ioctl(vm, req, &a);
}

static int kvm_get_tod(struct vm *vm, uint64_t *tod)
{
	return kvm_tod_attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_TOD_LOW, tod);
}

static int kvm_set_tod(struct vm *vm, uint64_t tod)
{
	uint8_t high = 0;	/* TOD epoch index: not used by minivmm */
	int r;

	r = kvm_tod_attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_TOD_HIGH, &high);
	if (r < 0)
		return r;
	return kvm_tod_attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_TOD_LOW, &tod);
}

const struct backend_ops kvm_backend_ops = {
	.name = "kvm",
	.vm_init = kvm_vm_init,
	.vm_exit = kvm_vm_exit,
	.set_memory = kvm_set_memory,
	.vcpu_init = kvm_vcpu_init,
	.vcpu_exit = kvm_vcpu_exit,
	.run = kvm_vcpu_run,
	.kick = kvm_kick,
	.get_regs = kvm_get_regs,
	.set_regs = kvm_set_regs,
	.get_sregs = kvm_get_sregs,
	.set_sregs = kvm_set_sregs,
	.get_fpu = kvm_get_fpu,
	.set_fpu = kvm_set_fpu,
	.get_one_reg = kvm_get_one_reg,
	.set_one_reg = kvm_set_one_reg,
	.set_initial_psw = kvm_set_initial_psw,
	.initial_reset = kvm_initial_reset,
	.normal_reset = kvm_normal_reset,
	.clear_reset = kvm_clear_reset,
	.get_mp_state = kvm_get_mp_state,
	.set_mp_state = kvm_set_mp_state,
	.irq = kvm_irq,
	.floating_irq = kvm_floating_irq,
	.get_irq_state = kvm_get_irq_state,
	.set_irq_state = kvm_set_irq_state,
	.get_floating_irqs = kvm_get_floating_irqs,
	.set_floating_irqs = kvm_set_floating_irqs,
	.get_skeys = kvm_get_skeys,
	.set_skeys = kvm_set_skeys,
	.get_dirty_log = kvm_get_dirty_log,
	.set_dirty_log = kvm_set_dirty_log,
	.get_tod = kvm_get_tod,
	.set_tod = kvm_set_tod,
};
