/* SPDX-License-Identifier: MIT */
/*
 * The VM and its vCPUs.
 *
 * struct vm owns everything a guest has: RAM, the vCPUs, the SCLP and
 * (later) the channel subsystem.  Nothing lives in file-scope statics, so
 * several VMs can exist in one process (the tests do that).
 *
 * A vCPU thread is a small state machine (vmm/vcpu.c):
 *
 *     STOPPED --start/restart--> OPERATING --stop/SIGP stop--> STOPPED
 *          \                         |
 *           +------- vm shutdown ----+--> FINISHED
 *
 * Only vmm/vcpu.c calls backend->run(); only it knows which backend runs.
 */
#ifndef MINIVMM_VM_H
#define MINIVMM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/backend.h"

#define VM_MAX_CPUS		64
#define VM_PAGE_SIZE		4096ULL
#define VM_MEM_INCREMENT	(1ULL << 20)	/* SCLP storage increment */

struct sclp;
struct css;
struct vm;
struct mainloop;
struct portio_bus;
struct pio_bridge;
struct floppy;
struct virtio_net_set;

enum vcpu_state {
	VCPU_STOPPED,
	VCPU_OPERATING,
	VCPU_FINISHED,
};

struct vcpu {
	struct vm *vm;
	unsigned int id;		/* CPU address for SIGP/STAP */
	struct kvm_run *run;		/* set by the backend's vcpu_init */
	void *backend;

	pthread_t thread;
	bool thread_started;
	/* Protected by vm->lock; waited on with cond. */
	enum vcpu_state state;
	bool stop_requested;		/* SIGP stop pending */
	bool store_status_on_stop;	/* SIGP stop and store status */
	pthread_cond_t cond;
	/*
	 * Pause (vm_pause): separate from the architected state above.  The
	 * thread sets paused (vm->lock) at a quiescent point, outside run()
	 * with the last exit handled, and waits there until vm_resume().
	 */
	bool paused;
	int tid;			/* host thread id, for query-cpus-fast */

	/* Statistics (vCPU thread only). */
	uint64_t exits;
};

/* Why the VM ended: the process exit status follows from it. */
enum vm_end {
	VM_RUNNING = 0,
	VM_END_SHUTDOWN,	/* all CPUs stopped, or SCLP/DIAG power off */
	VM_END_DISABLED_WAIT,	/* a disabled-wait PSW was loaded */
	VM_END_RESET,		/* DIAG 0x308 re-IPL / reboot requested */
	VM_END_ERROR,		/* an internal error or unrecoverable exit */
	VM_END_CHECKSTOP,	/* a CPU entered the check-stop state */
	VM_END_QUIT,		/* QMP quit */
	VM_END_SIGNAL,		/* SIGINT/SIGTERM/SIGHUP to minivmm */
};

/* Machine events, reported to the monitor (vmm/qmp.c) as QMP events. */
enum vm_event_type {
	VM_EVENT_STOP,
	VM_EVENT_RESUME,
	VM_EVENT_RESET,
	VM_EVENT_SHUTDOWN,
	VM_EVENT_POWERDOWN,
};

struct vm_event {
	enum vm_event_type type;
	bool guest;		/* RESET/SHUTDOWN: the guest caused it */
	const char *reason;	/* RESET/SHUTDOWN: QEMU's ShutdownCause name */
};

typedef void vm_event_fn(void *opaque, const struct vm_event *ev);
/* Reload the guest after a system reset (vmm/main.c: the boot loader). */
typedef int vm_boot_fn(void *opaque, struct vm *vm, char **err);

struct vm_config {
	const char *machine;		/* machine type name */
	uint64_t ram_size;		/* bytes, multiple of VM_MEM_INCREMENT */
	unsigned int ncpus;
	const struct backend_ops *backend;
	int console_in;			/* fd for SCLP console input, -1: none */
	int console_out;		/* fd for SCLP console output */
	bool qtest;			/* -accel qtest: no vCPU runs, virtual clock */
};

struct vm {
	const struct backend_ops *ops;
	void *backend;

	uint8_t *ram;
	uint64_t ram_size;
	unsigned int ncpus;
	struct vcpu *vcpus[VM_MAX_CPUS];
	char machine[64];

	struct sclp *sclp;
	struct css *css;		/* channel subsystem (devices/css.h) */

	pthread_mutex_t lock;		/* vCPU states, end state */
	pthread_cond_t cond;		/* signalled when the VM ends */
	atomic_int end;			/* enum vm_end, first one wins */
	uint64_t end_psw_mask, end_psw_addr;	/* for VM_END_DISABLED_WAIT */
	char end_msg[160];
	bool reboot_allowed;		/* DIAG 0x308 re-IPL restarts the guest */

	/* Control plane (vmm/mainloop.c, vmm/qmp.c, vmm/qtest.c). */
	struct mainloop *loop;		/* run by vm_run() on the main thread */
	struct portio_bus *portio;	/* devices/portio.c */
	struct pio_bridge *pio_bridge;	/* DIAG 0x0F10 -> portio (devices/pio-bridge.c) */
	struct floppy *floppy;		/* -drive if=floppy: DMA + fdc, or NULL */
	struct virtio_net_set *nets;	/* virtio-net devices, for QMP (devices/virtio-net.c) */
	bool qtest;			/* no vCPU threads; loop clock is virtual */
	/* -incoming: the CPU states came from a migration stream; vm_run()
	 * starts no CPU (a restored stopped CPU 0 stays stopped). */
	bool cpus_restored;
	bool pause_requested;		/* vm->lock; see vm_pause() */
	pthread_cond_t pause_cond;	/* a vCPU acknowledged the pause */
	vm_event_fn *event_fn;		/* loop thread only */
	void *event_opaque;
	vm_boot_fn *boot_fn;
	void *boot_opaque;
	void (*resume_fn)(void *opaque);	/* see vm_set_resume_hook() */
	void *resume_opaque;

	/* Dirty log (vm_dirty_log_*).  dirty_vmm holds the VMM's own writes
	 * (vm_mark_dirty), dirty_scratch receives the backend's log; both are
	 * ram_size/4096 bits, allocated with the VM. dirty_lock serializes
	 * start/stop/sync (the migration thread), never taken by writers. */
	atomic_bool dirty_logging;
	_Atomic uint64_t *dirty_vmm;
	uint64_t *dirty_scratch;
	pthread_mutex_t dirty_lock;
};

/* Lifetime. On failure *err is set (caller frees) and -errno returned. */
int vm_create(struct vm **out, const struct vm_config *cfg, char **err);
void vm_destroy(struct vm *vm);

/*
 * Start the vCPU threads (CPU 0 started at its current PSW; none under
 * qtest) and run vm->loop on the calling (main) thread until the VM ends;
 * then join the threads and report SHUTDOWN.
 */
enum vm_end vm_run(struct vm *vm);

/*
 * Pause every vCPU thread and wait until each has acknowledged at a
 * quiescent point, so register and storage state are stable afterwards.
 * Works before vm_run() too (-S: the threads start paused).  Returns true
 * if the VM was running.  Loop thread only (it blocks until the acks).
 */
bool vm_pause(struct vm *vm);
/* Let paused vCPUs go on; true if the VM was paused. */
bool vm_resume(struct vm *vm);
bool vm_is_paused(struct vm *vm);
/*
 * QMP system_reset: pause, clear-reset every CPU, reset the SCLP, reload
 * the guest through boot_fn, start CPU 0, report RESET and resume if it was
 * running.  0 or -errno with *err set.
 */
int vm_system_reset(struct vm *vm, const char *reason, char **err);
/* Guest re-IPL: stop this CPU, then vm_system_reset() on the loop
 * thread (vcpu's own thread). */
void vm_request_reboot(struct vcpu *vcpu);
/* QMP system_powerdown: SCLP signal quiesce and a POWERDOWN event. */
int vm_system_powerdown(struct vm *vm);
/* Report an event to the sink (loop thread only). */
void vm_emit_event(struct vm *vm, enum vm_event_type type, bool guest,
		   const char *reason);
void vm_set_event_sink(struct vm *vm, vm_event_fn *fn, void *opaque);
void vm_set_boot_hook(struct vm *vm, vm_boot_fn *fn, void *opaque);
/* fn(opaque) runs after vm_resume() resumed a paused VM, on the caller's
 * thread, no lock held (a completed live migration lets its devices go
 * when the source is continued, as QEMU's cont reactivates them). */
void vm_set_resume_hook(struct vm *vm, void (*fn)(void *opaque), void *opaque);

/* End the VM (first call wins); wakes and kicks every vCPU. Any thread. */
void vm_request_end(struct vm *vm, enum vm_end why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Guest absolute storage, bounds-checked; NULL when out of range. */
void *vm_absolute(struct vm *vm, uint64_t addr, uint64_t len);
/* Guest real -> absolute using the vCPU's prefix. */
uint64_t vm_real_to_abs(uint32_t prefix, uint64_t addr);

/* Copies with bounds checks; return 0 or -EFAULT. */
int vm_read(struct vm *vm, uint64_t addr, void *buf, uint64_t len);
int vm_write(struct vm *vm, uint64_t addr, const void *buf, uint64_t len);

/*
 * Dirty log, for live migration's pre-copy (vmm/vm.c).
 *
 * Start logging: from now on every write to guest RAM (guest CPUs through
 * the backend's log, the VMM's own writes through vm_mark_dirty) is
 * recorded.  The caller does a full pass first, so the initial state is
 * "nothing dirty".  0 or -errno with *err set.
 */
int  vm_dirty_log_start(struct vm *vm, char **err);
void vm_dirty_log_stop(struct vm *vm);
/*
 * OR into bitmap (ram_size/4096 bits, uint64_t words, bit (f % 64) of word
 * f / 64 = frame f) every frame written since the previous sync (or start),
 * and clear those marks.  Backend log (ops->get_dirty_log: software CPU
 * bitmap / KVM_GET_DIRTY_LOG) merged with the VMM's own marks.  Safe to
 * call from the migration thread while vCPUs run: a frame written after a
 * sync is reported by the next one.  0 or -errno with *err set (-EINVAL
 * when not logging).
 */
int  vm_dirty_log_sync(struct vm *vm, uint64_t *bitmap, char **err);
/*
 * The VMM wrote [gpa, gpa+len) of guest RAM (device DMA, virtqueue used
 * ring, IRB/SCHIB stores by intercept handlers, SCLP SCCB, ISA DMA, boot
 * loader...).  Call it after the write.  Cheap (one relaxed atomic load)
 * when not logging; out-of-range parts are ignored.  Any thread.
 */
void vm_mark_dirty(struct vm *vm, uint64_t gpa, uint64_t len);
/* Bitmap words for the dirty log of this VM: (ram_size/4096 + 63) / 64. */
uint64_t vm_dirty_log_words(const struct vm *vm);

/* vCPU state changes (vmm/vcpu.c); take vm->lock themselves. */
void vcpu_start(struct vcpu *vcpu);
void vcpu_request_stop(struct vcpu *vcpu, bool store_status);
void vcpu_enter_stopped(struct vcpu *vcpu);	/* own thread only */
bool vcpu_is_stopped(struct vcpu *vcpu);
struct vcpu *vm_find_vcpu(struct vm *vm, uint16_t cpu_addr);

/* The vCPU thread loop: handles every exit until the VM ends. */
void *vcpu_thread(void *arg);
/* Handle one exit (also used by single-threaded tests). 0 or -errno. */
int vcpu_handle_exit(struct vcpu *vcpu);

#endif
