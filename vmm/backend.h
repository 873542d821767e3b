/* SPDX-License-Identifier: MIT */
/*
 * The vCPU backend seam.
 *
 * Everything above this interface (vmm/vcpu.c, the intercept handlers in
 * arch/s390x/, devices, migration) is the same code whether the guest runs
 * under KVM on an s390x host or on the software CPU.  The contract is the
 * KVM one, described in the Linux KVM API document for s390:
 *
 *  - run() enters the guest and returns 0 with vcpu->run->exit_reason set
 *    (KVM_EXIT_S390_SIEIC with icptcode/ipa/ipb, KVM_EXIT_S390_RESET,
 *    KVM_EXIT_S390_STSI, KVM_EXIT_S390_TSCH, KVM_EXIT_INTR, ...), or a
 *    negative errno.  A kick() from another thread makes it return
 *    KVM_EXIT_INTR promptly.
 *  - On an instruction intercept the PSW in run->psw_mask/psw_addr already
 *    points past the instruction; a handler that wants it executed again
 *    rewinds by the instruction length.
 *  - run->s.regs is synced as with KVM_CAP_SYNC_REGS: after every exit the
 *    fields named in run->kvm_valid_regs are current; before entry, fields
 *    whose KVM_SYNC_* bit the VMM set in run->kvm_dirty_regs are loaded.
 *    run->psw_mask and run->psw_addr are always both ways.
 *  - The instructions a kernel handles itself never reach userspace
 *    (STFL, SPX/STPX, ISKE/SSKE/RRBE, STIDP, STAP, LPSWE, TPI, STSI for
 *    levels the kernel knows, the fast SIGP orders, DIAG 0x44/0x9c, ...);
 *    the ones KVM forwards (SERVC, channel I/O with CSS support, SIGP with
 *    KVM_CAP_S390_USER_SIGP, unknown DIAGs, disabled wait) do.
 *
 * Interrupts are injected with the uapi structures (kvm_s390_irq for one
 * vCPU, kvm_s390_interrupt for floating ones) from any thread.
 */
#ifndef MINIVMM_BACKEND_H
#define MINIVMM_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

struct vm;
struct vcpu;

struct backend_ops {
	const char *name;

	/* VM lifetime; vm->backend is the backend's own. */
	int (*vm_init)(struct vm *vm, char **err);
	void (*vm_exit)(struct vm *vm);
	/* KVM_SET_USER_MEMORY_REGION: guest absolute [gpa, gpa+size) at hva. */
	int (*set_memory)(struct vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *hva, char **err);

	/* vCPU lifetime; vcpu_init sets vcpu->run and vcpu->backend. */
	int (*vcpu_init)(struct vcpu *vcpu, char **err);
	void (*vcpu_exit)(struct vcpu *vcpu);

	/* KVM_RUN. Called only on the vCPU's own thread. */
	int (*run)(struct vcpu *vcpu);
	/* Make a concurrent or the next run() return KVM_EXIT_INTR. Any thread. */
	void (*kick)(struct vcpu *vcpu);

	/* Register access; valid only while the vCPU is not in run(). */
	int (*get_regs)(struct vcpu *vcpu, struct kvm_regs *regs);
	int (*set_regs)(struct vcpu *vcpu, const struct kvm_regs *regs);
	int (*get_sregs)(struct vcpu *vcpu, struct kvm_sregs *sregs);
	int (*set_sregs)(struct vcpu *vcpu, const struct kvm_sregs *sregs);
	int (*get_fpu)(struct vcpu *vcpu, struct kvm_fpu *fpu);
	int (*set_fpu)(struct vcpu *vcpu, const struct kvm_fpu *fpu);
	/* KVM_GET/SET_ONE_REG with KVM_REG_S390_* ids (TODPR, CPU timer, ...). */
	int (*get_one_reg)(struct vcpu *vcpu, uint64_t id, uint64_t *val);
	int (*set_one_reg)(struct vcpu *vcpu, uint64_t id, uint64_t val);
	/* KVM_S390_SET_INITIAL_PSW. */
	int (*set_initial_psw)(struct vcpu *vcpu, uint64_t mask, uint64_t addr);
	/* KVM_S390_INITIAL_RESET / KVM_S390_NORMAL_RESET / KVM_S390_CLEAR_RESET. */
	int (*initial_reset)(struct vcpu *vcpu);
	int (*normal_reset)(struct vcpu *vcpu);
	int (*clear_reset)(struct vcpu *vcpu);
	/* KVM_GET/SET_MP_STATE (KVM_MP_STATE_STOPPED, _OPERATING, ...). */
	int (*get_mp_state)(struct vcpu *vcpu, uint32_t *state);
	int (*set_mp_state)(struct vcpu *vcpu, uint32_t state);

	/* KVM_S390_IRQ on a vCPU; KVM_S390_INTERRUPT on the VM (floating). */
	int (*irq)(struct vcpu *vcpu, const struct kvm_s390_irq *irq);
	int (*floating_irq)(struct vm *vm, const struct kvm_s390_interrupt *irq);

	/*
	 * Pending interruptions, for migration (vCPU not in run()).
	 * KVM_S390_GET_IRQ_STATE / KVM_S390_SET_IRQ_STATE: the vCPU's local
	 * ones (external call, emergency signals, program, restart, stop,
	 * set prefix) as an array of kvm_s390_irq; get returns the count or
	 * -ENOBUFS when more than max are pending; set replaces them all.
	 * get/set_floating_irqs do the same for the VM's floating ones
	 * (service signal, I/O, virtio external, machine check), as the
	 * FLIC's KVM_DEV_FLIC_GET_ALL_IRQS / KVM_DEV_FLIC_ENQUEUE do; NULL
	 * when the backend cannot (then migration refuses to save).
	 */
	int (*get_irq_state)(struct vcpu *vcpu, struct kvm_s390_irq *irqs,
			     unsigned int max);
	int (*set_irq_state)(struct vcpu *vcpu, const struct kvm_s390_irq *irqs,
			     unsigned int n);
	int (*get_floating_irqs)(struct vm *vm, struct kvm_s390_irq *irqs,
				 unsigned int max);
	int (*set_floating_irqs)(struct vm *vm, const struct kvm_s390_irq *irqs,
				 unsigned int n);

	/* KVM_S390_GET_SKEYS / KVM_S390_SET_SKEYS. */
	int (*get_skeys)(struct vm *vm, uint64_t first_gfn, uint64_t count,
			 uint8_t *keys);
	int (*set_skeys)(struct vm *vm, uint64_t first_gfn, uint64_t count,
			 const uint8_t *keys);
	/* KVM_GET_DIRTY_LOG: fetch and clear the slot's 4K-page dirty bitmap. */
	int (*get_dirty_log)(struct vm *vm, uint32_t slot, uint64_t *bitmap);
	/*
	 * Switch the slot's dirty logging on or off (KVM: the slot again with
	 * or without KVM_MEM_LOG_DIRTY_PAGES; the kernel's log starts empty).
	 * NULL when the backend logs all the time (the software CPU: one bit
	 * test on the slow path of a store).  0 or -errno with *err set.
	 */
	int (*set_dirty_log)(struct vm *vm, uint32_t slot, bool on, char **err);
	/* KVM_S390_VM_TOD: the guest TOD clock (epoch index ignored). */
	int (*get_tod)(struct vm *vm, uint64_t *tod);
	int (*set_tod)(struct vm *vm, uint64_t tod);
};

extern const struct backend_ops soft_backend_ops;
#ifdef MINIVMM_HAVE_KVM
extern const struct backend_ops kvm_backend_ops;
#endif

/* Is /dev/kvm there and usable for s390 guests?  Sets *why when not. */
bool kvm_backend_available(const char **why);

#endif
