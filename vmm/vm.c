/* SPDX-License-Identifier: MIT */
/*
 * VM lifetime: guest storage, vCPUs, the SCLP, and the run/stop protocol
 * between the main thread and the vCPU threads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/s390x/s390.h"
#include "arch/s390x/sclp.h"
#include "seccomp/seccomp.h"
#include "devices/css.h"
#include "devices/fdc-setup.h"
#include "devices/pio-bridge.h"
#include "devices/portio.h"
#include "vmm/error.h"
#include "vmm/mainloop.h"
#include "vmm/vm.h"

uint64_t vm_real_to_abs(uint32_t prefix, uint64_t addr)
{
	if (addr < LOWCORE_SIZE)
		return addr + prefix;
	if (addr >= prefix && addr < (uint64_t)prefix + LOWCORE_SIZE)
		return addr - prefix;
	return addr;
}

void *vm_absolute(struct vm *vm, uint64_t addr, uint64_t len)
{
	if (addr > vm->ram_size || len > vm->ram_size - addr)
		return NULL;
	return vm->ram + addr;
}

int vm_read(struct vm *vm, uint64_t addr, void *buf, uint64_t len)
{
	void *p = vm_absolute(vm, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vm_write(struct vm *vm, uint64_t addr, const void *buf, uint64_t len)
{
	void *p = vm_absolute(vm, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	vm_mark_dirty(vm, addr, len);
	return 0;
}

/*
 * Guest storage: anonymous memory aligned to 1 MiB, because s390 KVM
 * accepts only memory slots whose host address and size are 1 MiB
 * aligned (segment tables map it in 1 MiB units).
 */
static int map_guest_ram(struct vm *vm, char **err)
{
	size_t align = VM_MEM_INCREMENT;
	size_t len = vm->ram_size + align;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		int e = errno;
		error_setf(err, "cannot allocate %llu MiB of guest memory: %s",
			   (unsigned long long)(vm->ram_size >> 20), strerror(e));
		return -e;
	}
	uint8_t *ram = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (ram > p)
		munmap(p, (size_t)(ram - p));
	size_t tail = (size_t)(p + len - (ram + vm->ram_size));
	if (tail)
		munmap(ram + vm->ram_size, tail);
	vm->ram = ram;
	return 0;
}

/* ---- Dirty log ----------------------------------------------------- */

uint64_t vm_dirty_log_words(const struct vm *vm)
{
	return (vm->ram_size / VM_PAGE_SIZE + 63) / 64;
}

/*
 * Ordering: a writer stores to guest RAM, then marks (release); the sync
 * takes the marks (acquire) before the caller reads the frames, so a write
 * is either seen by this pass's read or marked for the next sync.
 * Starting is not a full barrier against writers whose relaxed flag load
 * still sees "off": their RAM store is then older than the caller's first
 * full-pass read of that frame, which happens after this returns.
 */
void vm_mark_dirty(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (!atomic_load_explicit(&vm->dirty_logging, memory_order_relaxed))
		return;
	if (!len || gpa >= vm->ram_size)
		return;
	if (len > vm->ram_size - gpa)
		len = vm->ram_size - gpa;
	for (uint64_t f = gpa / VM_PAGE_SIZE;
	     f <= (gpa + len - 1) / VM_PAGE_SIZE; f++) {
		_Atomic uint64_t *w = &vm->dirty_vmm[f / 64];
		uint64_t bit = 1ULL << (f % 64);

		if (!(atomic_load_explicit(w, memory_order_relaxed) & bit))
			atomic_fetch_or_explicit(w, bit, memory_order_release);
	}
}

/* Take (and clear) the VMM's marks and the backend's log; OR them into
 * bitmap, or drop them when bitmap is NULL. */
static int dirty_collect(struct vm *vm, uint64_t *bitmap, char **err)
{
	uint64_t words = vm_dirty_log_words(vm);
	int rc;

	memset(vm->dirty_scratch, 0, words * sizeof(uint64_t));
	rc = vm->ops->get_dirty_log(vm, 0, vm->dirty_scratch);
	if (rc < 0) {
		error_setf(err, "%s: reading the dirty log: %s", vm->ops->name,
			   strerror(-rc));
		return rc;
	}
	for (uint64_t i = 0; i < words; i++) {
		uint64_t own = atomic_exchange_explicit(&vm->dirty_vmm[i], 0,
							memory_order_acq_rel);
		if (bitmap)
			bitmap[i] |= vm->dirty_scratch[i] | own;
	}
	return 0;
}

int vm_dirty_log_start(struct vm *vm, char **err)
{
	int rc = 0;

	pthread_mutex_lock(&vm->dirty_lock);
	if (atomic_load(&vm->dirty_logging)) {
		error_setf(err, "dirty logging is already on");
		rc = -EBUSY;
		goto out;
	}
	if (vm->ops->set_dirty_log) {
		rc = vm->ops->set_dirty_log(vm, 0, true, err);
		if (rc < 0)
			goto out;
	}
	atomic_store(&vm->dirty_logging, true);
	/* Forget what was logged before (the software CPU logs always). */
	rc = dirty_collect(vm, NULL, err);
	if (rc < 0) {
		atomic_store(&vm->dirty_logging, false);
		if (vm->ops->set_dirty_log)
			vm->ops->set_dirty_log(vm, 0, false, NULL);
	}
out:
	pthread_mutex_unlock(&vm->dirty_lock);
	return rc;
}

void vm_dirty_log_stop(struct vm *vm)
{
	pthread_mutex_lock(&vm->dirty_lock);
	if (atomic_exchange(&vm->dirty_logging, false) && vm->ops->set_dirty_log)
		vm->ops->set_dirty_log(vm, 0, false, NULL);
	pthread_mutex_unlock(&vm->dirty_lock);
}

int vm_dirty_log_sync(struct vm *vm, uint64_t *bitmap, char **err)
{
	int rc;

	pthread_mutex_lock(&vm->dirty_lock);
	if (!atomic_load(&vm->dirty_logging)) {
		error_setf(err, "dirty logging is off");
		rc = -EINVAL;
	} else {
		rc = dirty_collect(vm, bitmap, err);
	}
	pthread_mutex_unlock(&vm->dirty_lock);
	return rc;
}

static void vm_free(struct vm *vm)
{
	/* The SCLP's input thread injects interrupts: stop it first. */
	if (vm->sclp)
		sclp_destroy(vm->sclp);
	vm->sclp = NULL;
	css_destroy(vm->css);
	vm->css = NULL;
	floppy_destroy(vm->floppy);	/* its ports are on vm->portio */
	vm->floppy = NULL;
	pio_bridge_destroy(vm->pio_bridge);
	vm->pio_bridge = NULL;
	for (unsigned int i = 0; i < VM_MAX_CPUS; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		if (vcpu->backend)
			vm->ops->vcpu_exit(vcpu);
		pthread_cond_destroy(&vcpu->cond);
		free(vcpu);
	}
	if (vm->backend)
		vm->ops->vm_exit(vm);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	portio_bus_destroy(vm->portio);
	mainloop_destroy(vm->loop);
	pthread_mutex_destroy(&vm->lock);
	pthread_cond_destroy(&vm->cond);
	pthread_cond_destroy(&vm->pause_cond);
	free((void *)vm->dirty_vmm);
	free(vm->dirty_scratch);
	pthread_mutex_destroy(&vm->dirty_lock);
	free(vm);
}

int vm_create(struct vm **out, const struct vm_config *cfg, char **err)
{
	struct vm *vm;
	int rc;

	if (!cfg->backend) {
		error_setf(err, "no vCPU backend selected");
		return -EINVAL;
	}
	if (cfg->ncpus < 1 || cfg->ncpus > VM_MAX_CPUS) {
		error_setf(err, "%u CPUs requested; minivmm supports 1 to %u",
			   cfg->ncpus, VM_MAX_CPUS);
		return -EINVAL;
	}
	if (cfg->ram_size == 0 || cfg->ram_size % VM_MEM_INCREMENT) {
		error_setf(err, "guest memory must be a non-zero multiple of 1 MiB");
		return -EINVAL;
	}

	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	pthread_mutex_init(&vm->dirty_lock, NULL);
	vm->qtest = cfg->qtest;
	vm->reboot_allowed = true;	/* as QEMU without -no-reboot */
	vm->ops = cfg->backend;
	vm->ncpus = cfg->ncpus;
	vm->ram_size = cfg->ram_size;
	snprintf(vm->machine, sizeof(vm->machine), "%s",
		 cfg->machine ? cfg->machine : "");

	rc = map_guest_ram(vm, err);
	if (rc < 0)
		goto fail;
	vm->dirty_vmm = calloc(vm_dirty_log_words(vm), sizeof(uint64_t));
	vm->dirty_scratch = calloc(vm_dirty_log_words(vm), sizeof(uint64_t));
	if (!vm->dirty_vmm || !vm->dirty_scratch) {
		error_setf(err, "out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	rc = mainloop_create(&vm->loop, vm->qtest, err);
	if (rc < 0)
		goto fail;
	rc = portio_bus_create(&vm->portio, err);
	if (rc < 0)
		goto fail;

	rc = vm->ops->vm_init(vm, err);
	if (rc < 0)
		goto fail;
	rc = vm->ops->set_memory(vm, 0, 0, vm->ram_size, vm->ram, err);
	if (rc < 0)
		goto fail;

	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = calloc(1, sizeof(*vcpu));

		if (!vcpu) {
			rc = -ENOMEM;
			error_setf(err, "out of memory");
			goto fail;
		}
		vcpu->vm = vm;
		vcpu->id = i;
		vcpu->state = VCPU_STOPPED;
		pthread_cond_init(&vcpu->cond, NULL);
		vm->vcpus[i] = vcpu;
		rc = vm->ops->vcpu_init(vcpu, err);
		if (rc < 0)
			goto fail;
	}

	rc = css_create(&vm->css, vm, err);
	if (rc < 0)
		goto fail;

	rc = sclp_create(&vm->sclp, vm, cfg->console_in, cfg->console_out, err);
	if (rc < 0)
		goto fail;

	*out = vm;
	return 0;
fail:
	vm_free(vm);
	return rc;
}

void vm_destroy(struct vm *vm)
{
	if (vm)
		vm_free(vm);
}

void vm_request_end(struct vm *vm, enum vm_end why, const char *fmt, ...)
{
	int expected = VM_RUNNING;

	if (!atomic_compare_exchange_strong(&vm->end, &expected, (int)why))
		return;
	pthread_mutex_lock(&vm->lock);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->end_msg, sizeof(vm->end_msg), fmt, ap);
	va_end(ap);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		pthread_cond_broadcast(&vcpu->cond);
		if (vcpu->run)
			vm->ops->kick(vcpu);
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->lock);
	mainloop_wake(vm->loop);	/* vm_run() looks at vm->end */
}

struct vcpu *vm_find_vcpu(struct vm *vm, uint16_t cpu_addr)
{
	if (cpu_addr >= vm->ncpus)
		return NULL;
	return vm->vcpus[cpu_addr];
}

enum vm_end vm_run(struct vm *vm)
{
	/* CPU 0 is the IPL CPU; the others wait for SIGP.  Under qtest no
	 * CPU runs: the test drives devices and storage itself.  After
	 * -incoming the restored states say which CPUs operate. */
	if (!vm->qtest) {
		if (!vm->cpus_restored)
			vcpu_start(vm->vcpus[0]);
		for (unsigned int i = 0; i < vm->ncpus; i++) {
			struct vcpu *vcpu = vm->vcpus[i];

			/* Marked started before the thread exists, under the
			 * lock: a vm_pause() racing with this loop must wait
			 * for a CPU that is already running guest code. */
			pthread_mutex_lock(&vm->lock);
			vcpu->thread_started = true;
			int rc = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
			if (rc)
				vcpu->thread_started = false;
			pthread_mutex_unlock(&vm->lock);
			if (rc) {
				vm_request_end(vm, VM_END_ERROR,
					       "cannot start vCPU thread %u: %s",
					       i, strerror(rc));
				break;
			}
		}
	}

	/* The main thread's allowlist, now that the vCPU threads exist (they
	 * would inherit it and could only narrow it).  seccomp/seccomp.h */
	{
		char *err = NULL;

		if (sandbox_enter(SANDBOX_MAIN, &err) < 0) {
			vm_request_end(vm, VM_END_ERROR, "main thread: %s",
				       err ? err : "cannot enter the sandbox");
			free(err);
		}
	}

	/* The main thread runs the loop: monitors, qtest, timers, posted work. */
	while (atomic_load(&vm->end) == VM_RUNNING) {
		int rc = mainloop_iterate(vm->loop, -1);

		if (rc < 0)
			vm_request_end(vm, VM_END_ERROR, "main loop: %s",
				       strerror(-rc));
	}

	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (vcpu->thread_started) {
			pthread_join(vcpu->thread, NULL);
			vcpu->thread_started = false;
		}
	}

	/* QEMU reports every orderly end as SHUTDOWN with its cause. */
	enum vm_end end = (enum vm_end)atomic_load(&vm->end);
	switch (end) {
	case VM_END_SHUTDOWN:
		vm_emit_event(vm, VM_EVENT_SHUTDOWN, true, "guest-shutdown");
		break;
	case VM_END_RESET:
		vm_emit_event(vm, VM_EVENT_SHUTDOWN, true, "guest-reset");
		break;
	case VM_END_QUIT:
		vm_emit_event(vm, VM_EVENT_SHUTDOWN, false, "host-qmp-quit");
		break;
	case VM_END_SIGNAL:
		vm_emit_event(vm, VM_EVENT_SHUTDOWN, false, "host-signal");
		break;
	case VM_END_DISABLED_WAIT:
	case VM_END_CHECKSTOP:
		vm_emit_event(vm, VM_EVENT_SHUTDOWN, true, "guest-panic");
		break;
	default:
		vm_emit_event(vm, VM_EVENT_SHUTDOWN, false, "host-error");
		break;
	}
	return end;
}

/* ---- Pause / resume / reset (the control plane's view of the VM) ---- */

void vm_set_event_sink(struct vm *vm, vm_event_fn *fn, void *opaque)
{
	vm->event_fn = fn;
	vm->event_opaque = opaque;
}

void vm_set_boot_hook(struct vm *vm, vm_boot_fn *fn, void *opaque)
{
	vm->boot_fn = fn;
	vm->boot_opaque = opaque;
}

void vm_set_resume_hook(struct vm *vm, void (*fn)(void *opaque), void *opaque)
{
	vm->resume_fn = fn;
	vm->resume_opaque = opaque;
}

void vm_emit_event(struct vm *vm, enum vm_event_type type, bool guest,
		   const char *reason)
{
	struct vm_event ev = { .type = type, .guest = guest, .reason = reason };

	if (vm->event_fn)
		vm->event_fn(vm->event_opaque, &ev);
}

/* Every started vCPU thread has acknowledged the pause (or finished). */
static bool all_paused_locked(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (vcpu->thread_started && vcpu->state != VCPU_FINISHED &&
		    !vcpu->paused)
			return false;
	}
	return true;
}

bool vm_pause(struct vm *vm)
{
	bool was_running;

	pthread_mutex_lock(&vm->lock);
	was_running = !vm->pause_requested;
	vm->pause_requested = true;
	/* Wake stopped CPUs (they ack too) and get running ones out of run(). */
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		pthread_cond_broadcast(&vcpu->cond);
		if (vcpu->thread_started && vcpu->run)
			vm->ops->kick(vcpu);
	}
	while (!all_paused_locked(vm) && atomic_load(&vm->end) == VM_RUNNING)
		pthread_cond_wait(&vm->pause_cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
	return was_running;
}

bool vm_resume(struct vm *vm)
{
	bool was_paused;

	pthread_mutex_lock(&vm->lock);
	was_paused = vm->pause_requested;
	vm->pause_requested = false;
	for (unsigned int i = 0; i < vm->ncpus; i++)
		pthread_cond_broadcast(&vm->vcpus[i]->cond);
	pthread_mutex_unlock(&vm->lock);
	if (was_paused && vm->resume_fn)
		vm->resume_fn(vm->resume_opaque);
	return was_paused;
}

bool vm_is_paused(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	bool paused = vm->pause_requested;
	pthread_mutex_unlock(&vm->lock);
	return paused;
}

/*
 * A system reset as QEMU's s390 machine does it for system_reset: every
 * CPU gets a clear reset (PoP "CPU Reset": registers, prefix, pending
 * interruptions) and enters the stopped state, the pending floating
 * interruptions are dropped, the SCLP event facility and the channel
 * subsystem are reset (subsystem reset), the guest is loaded
 * again, and CPU 0 starts at the IPL PSW.  Storage is not cleared (no
 * "load clear").
 */
int vm_system_reset(struct vm *vm, const char *reason, char **err)
{
	bool was_running = vm_pause(vm);
	int rc = 0;

	pthread_mutex_lock(&vm->lock);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (vcpu->state != VCPU_FINISHED)
			vcpu->state = VCPU_STOPPED;
		vcpu->stop_requested = false;
		vcpu->store_status_on_stop = false;
	}
	pthread_mutex_unlock(&vm->lock);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		vm->ops->clear_reset(vm->vcpus[i]);
		vm->ops->set_mp_state(vm->vcpus[i], KVM_MP_STATE_STOPPED);
	}
	/* The floating interruptions go too (QEMU resets the FLIC:
	 * KVM_DEV_FLIC_CLEAR_IRQS); replacing them by none clears them. */
	if (vm->ops->set_floating_irqs)
		vm->ops->set_floating_irqs(vm, NULL, 0);
	sclp_reset(vm->sclp);
	if (vm->floppy)
		fdc_reset(vm->floppy->fdc);
	if (vm->pio_bridge)
		pio_bridge_reset(vm->pio_bridge);
	css_reset(vm->css);	/* subchannels, virtio devices, CRWs */
	if (vm->boot_fn)
		rc = vm->boot_fn(vm->boot_opaque, vm, err);
	if (rc == 0 && !vm->qtest)
		vcpu_start(vm->vcpus[0]);
	else if (rc < 0)	/* nothing left to run: end rather than hang */
		vm_request_end(vm, VM_END_ERROR, "system reset: %s",
			       err && *err ? *err : strerror(-rc));
	vm_emit_event(vm, VM_EVENT_RESET, false, reason);
	if (was_running)
		vm_resume(vm);
	return rc;
}

static void reboot_on_loop(void *opaque)
{
	struct vm *vm = opaque;
	char *err = NULL;

	if (atomic_load(&vm->end) != VM_RUNNING)
		return;
	/* On failure vm_system_reset() has ended the VM with the reason. */
	vm_system_reset(vm, "guest-reset", &err);
	free(err);
}

/*
 * A guest re-IPL (DIAG 0x308 subcode 3 or 4, KVM_EXIT_S390_RESET): the
 * CPU that asked enters the stopped state (without ending the VM when it
 * was the last one operating), and the loop thread resets the machine and
 * loads the guest again with vm_system_reset(), as QEMU reboots.
 */
void vm_request_reboot(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->lock);
	vcpu->state = VCPU_STOPPED;
	vcpu->stop_requested = false;
	vm->ops->set_mp_state(vcpu, KVM_MP_STATE_STOPPED);
	pthread_mutex_unlock(&vm->lock);
	if (mainloop_post(vm->loop, reboot_on_loop, vm) < 0)
		vm_request_end(vm, VM_END_ERROR, "guest reboot: out of memory");
}

int vm_system_powerdown(struct vm *vm)
{
	/* The guest sees a signal-quiesce event (queued if not yet enabled). */
	sclp_signal_quiesce(vm->sclp);
	vm_emit_event(vm, VM_EVENT_POWERDOWN, false, NULL);
	return 0;
}
