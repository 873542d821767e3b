/* SPDX-License-Identifier: MIT */
/*
 * The software CPU's side of the backend seam (vmm/backend.h): VM and vCPU
 * lifetime, kvm_run synchronisation, register access, resets, interrupt
 * injection, storage keys, the dirty log and the TOD clock.  The CPU
 * itself (storage access, interruptions, the run loop) is softcpu.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/dat.h"
#include "arch/s390x/softcpu.h"

static inline struct soft_vm *svm_of(struct vm *vm)
{
	return vm->backend;
}

/* ---- kvm_run synchronisation ------------------------------------- */

#define SOFT_SYNC_REGS	(KVM_SYNC_PREFIX | KVM_SYNC_GPRS | KVM_SYNC_ACRS | \
			 KVM_SYNC_CRS | KVM_SYNC_ARCH0 | KVM_SYNC_FPRS)

static void sync_in(struct s390_cpu *cpu, struct kvm_run *run)
{
	uint64_t dirty = run->kvm_dirty_regs;

	cpu_load_psw(cpu, run->psw_mask, run->psw_addr);
	if (dirty & KVM_SYNC_PREFIX) {
		cpu->prefix = (uint32_t)run->s.regs.prefix & PREFIX_MASK;
		cpu_tlb_flush(cpu);
	}
	if (dirty & KVM_SYNC_GPRS)
		memcpy(cpu->gr, run->s.regs.gprs, sizeof(cpu->gr));
	if (dirty & KVM_SYNC_ACRS)
		memcpy(cpu->ar, run->s.regs.acrs, sizeof(cpu->ar));
	if (dirty & KVM_SYNC_CRS) {
		memcpy(cpu->cr, run->s.regs.crs, sizeof(cpu->cr));
		cpu_cr_changed(cpu);
	}
	if (dirty & KVM_SYNC_ARCH0) {
		cpu->todpr = (uint32_t)run->s.regs.todpr;
		soft_set_cputm(cpu, (int64_t)run->s.regs.cputm);
		cpu->ckc = run->s.regs.ckc;
		cpu->pp = run->s.regs.pp;
		cpu->gbea = run->s.regs.gbea;
	}
	if (dirty & KVM_SYNC_FPRS) {
		memcpy(cpu->fpr, run->s.regs.fprs, sizeof(cpu->fpr));
		cpu->fpc = run->s.regs.fpc;
	}
	run->kvm_dirty_regs = 0;
}

static void sync_out(struct s390_cpu *cpu, struct kvm_run *run)
{
	run->psw_mask = cpu_get_psw_mask(cpu);
	run->psw_addr = cpu->psw_addr;
	run->s.regs.prefix = cpu->prefix;
	memcpy(run->s.regs.gprs, cpu->gr, sizeof(cpu->gr));
	memcpy(run->s.regs.acrs, cpu->ar, sizeof(cpu->ar));
	memcpy(run->s.regs.crs, cpu->cr, sizeof(cpu->cr));
	run->s.regs.todpr = cpu->todpr;
	run->s.regs.cputm = (uint64_t)soft_get_cputm(cpu);
	run->s.regs.ckc = cpu->ckc;
	run->s.regs.pp = cpu->pp;
	run->s.regs.gbea = cpu->gbea;
	memcpy(run->s.regs.fprs, cpu->fpr, sizeof(cpu->fpr));
	run->s.regs.fpc = cpu->fpc;
	run->kvm_valid_regs = SOFT_SYNC_REGS;
}

/* ---- Resets (PoP "Resets", Figure 4-4) ---------------------------- */

void soft_cpu_reset(struct s390_cpu *cpu)
{
	/* CPU reset: pending interruptions cleared, registers kept. */
	struct soft_vm *svm = cpu->svm;

	pthread_mutex_lock(&svm->irq_lock);
	memset(cpu->emerg_pending, 0, sizeof(cpu->emerg_pending));
	cpu->extcall_pending = false;
	cpu->restart_pending = false;
	cpu->stop_pending = false;
	cpu->stop_store_status = false;
	cpu->prefix_pending = false;
	cpu->pgm_pending = false;
	pthread_mutex_unlock(&svm->irq_lock);
	cpu->in_execute = false;
}

void soft_cpu_initial_reset(struct s390_cpu *cpu)
{
	soft_cpu_reset(cpu);
	cpu->psw_mask = 0;
	cpu->amask = psw_amask(0);
	cpu->psw_addr = 0;
	cpu->cc = 0;
	cpu->prefix = 0;
	memset(cpu->cr, 0, sizeof(cpu->cr));
	cpu->cr[0] = CR0_RESET;
	cpu->cr[14] = CR14_RESET;
	cpu_tlb_flush(cpu);
	dat_space_update(cpu);
	cpu->fpc = 0;
	cpu->todpr = 0;
	cpu->ckc = 0;
	cpu->cputm_deadline = cpu_tod(cpu);
	cpu->gbea = 1;
	cpu->pp = 0;
}

/* ---- Backend operations ------------------------------------------ */

static int soft_vm_init(struct vm *vm, char **err)
{
	struct soft_vm *svm = calloc(1, sizeof(*svm));

	if (!svm) {
		if (err)
			*err = strdup("out of memory for the software CPU backend");
		return -ENOMEM;
	}
	svm->vm = vm;
	pthread_mutex_init(&svm->irq_lock, NULL);
	pthread_cond_init(&svm->wake, NULL);
	pthread_mutex_init(&svm->cdsg_lock, NULL);
	vm->backend = svm;
	return 0;
}

static void soft_vm_exit(struct vm *vm)
{
	struct soft_vm *svm = svm_of(vm);

	if (!svm)
		return;
	free(svm->skeys);
	free((void *)svm->dirty);
	pthread_mutex_destroy(&svm->irq_lock);
	pthread_cond_destroy(&svm->wake);
	pthread_mutex_destroy(&svm->cdsg_lock);
	free(svm);
	vm->backend = NULL;
}

static int soft_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa,
			   uint64_t size, void *hva, char **err)
{
	struct soft_vm *svm = svm_of(vm);

	if (slot != 0 || gpa != 0 || svm->mem) {
		if (err)
			*err = strdup("the software CPU supports one memory slot at absolute 0");
		return -EINVAL;
	}
	if (size == 0 || size % VM_PAGE_SIZE) {
		if (err)
			*err = strdup("memory size must be a non-zero multiple of 4 KiB");
		return -EINVAL;
	}
	svm->nframes = size / VM_PAGE_SIZE;
	svm->skeys = calloc(svm->nframes, 1);
	svm->dirty = calloc((svm->nframes + 63) / 64, sizeof(uint64_t));
	if (!svm->skeys || !svm->dirty) {
		free(svm->skeys);
		free((void *)svm->dirty);
		svm->skeys = NULL;
		svm->dirty = NULL;
		if (err)
			*err = strdup("out of memory for storage keys");
		return -ENOMEM;
	}
	svm->mem = hva;
	svm->mem_size = size;
	return 0;
}

static int soft_vcpu_init(struct vcpu *vcpu, char **err)
{
	struct soft_vm *svm = svm_of(vcpu->vm);
	struct s390_cpu *cpu = calloc(1, sizeof(*cpu));
	struct kvm_run *run = calloc(1, sizeof(*run));

	if (!cpu || !run || !svm->mem) {
		free(cpu);
		free(run);
		if (err)
			*err = strdup(svm->mem ? "out of memory for a vCPU"
					       : "vCPU created before guest memory");
		return svm->mem ? -ENOMEM : -EINVAL;
	}
	cpu->svm = svm;
	cpu->vcpu = vcpu;
	cpu->mem = svm->mem;
	cpu->mem_size = svm->mem_size;
	cpu->mp_state = KVM_MP_STATE_STOPPED;
	soft_cpu_initial_reset(cpu);
	vcpu->backend = cpu;
	vcpu->run = run;
	sync_out(cpu, run);
	pthread_mutex_lock(&svm->irq_lock);
	svm->cpus[vcpu->id] = cpu;
	pthread_mutex_unlock(&svm->irq_lock);
	return 0;
}

static void soft_vcpu_exit(struct vcpu *vcpu)
{
	struct s390_cpu *cpu = vcpu->backend;

	if (!cpu)
		return;
	pthread_mutex_lock(&cpu->svm->irq_lock);
	cpu->svm->cpus[vcpu->id] = NULL;
	pthread_mutex_unlock(&cpu->svm->irq_lock);
	free(vcpu->run);
	free(cpu);
	vcpu->run = NULL;
	vcpu->backend = NULL;
}

static int soft_run(struct vcpu *vcpu)
{
	struct s390_cpu *cpu = vcpu->backend;
	bool exited;

	sync_in(cpu, vcpu->run);
	vcpu->run->exit_reason = KVM_EXIT_UNKNOWN;
	do
		softcpu_loop(cpu, UINT64_MAX, &exited);
	while (!exited);
	sync_out(cpu, vcpu->run);
	return 0;
}

uint64_t softcpu_step(struct vcpu *vcpu, uint64_t n, bool *exited)
{
	struct s390_cpu *cpu = vcpu->backend;

	sync_in(cpu, vcpu->run);
	uint64_t done = softcpu_loop(cpu, n, exited);
	sync_out(cpu, vcpu->run);
	return done;
}

static void soft_kick(struct vcpu *vcpu)
{
	struct s390_cpu *cpu = vcpu->backend;
	struct soft_vm *svm = cpu->svm;

	pthread_mutex_lock(&svm->irq_lock);
	cpu->kicked = true;
	cpu_attention(cpu);
	pthread_cond_broadcast(&svm->wake);
	pthread_mutex_unlock(&svm->irq_lock);
}

static int soft_get_regs(struct vcpu *vcpu, struct kvm_regs *regs)
{
	memcpy(regs->gprs, softcpu_of(vcpu)->gr, sizeof(regs->gprs));
	return 0;
}

static int soft_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	memcpy(cpu->gr, regs->gprs, sizeof(cpu->gr));
	memcpy(vcpu->run->s.regs.gprs, cpu->gr, sizeof(cpu->gr));
	return 0;
}

static int soft_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	memcpy(sregs->acrs, cpu->ar, sizeof(sregs->acrs));
	memcpy(sregs->crs, cpu->cr, sizeof(sregs->crs));
	return 0;
}

static int soft_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	memcpy(cpu->ar, sregs->acrs, sizeof(cpu->ar));
	memcpy(cpu->cr, sregs->crs, sizeof(cpu->cr));
	/* Only these fields of kvm_run: as with KVM, a change the VMM made
	 * to another sync field (and marked dirty) must survive. */
	memcpy(vcpu->run->s.regs.acrs, cpu->ar, sizeof(cpu->ar));
	memcpy(vcpu->run->s.regs.crs, cpu->cr, sizeof(cpu->cr));
	cpu_cr_changed(cpu);
	return 0;
}

static int soft_get_fpu(struct vcpu *vcpu, struct kvm_fpu *fpu)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	fpu->fpc = cpu->fpc;
	memcpy(fpu->fprs, cpu->fpr, sizeof(fpu->fprs));
	return 0;
}

static int soft_set_fpu(struct vcpu *vcpu, const struct kvm_fpu *fpu)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	cpu->fpc = fpu->fpc;
	memcpy(cpu->fpr, fpu->fprs, sizeof(cpu->fpr));
	memcpy(vcpu->run->s.regs.fprs, cpu->fpr, sizeof(cpu->fpr));
	vcpu->run->s.regs.fpc = cpu->fpc;
	return 0;
}

static int soft_get_one_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	switch (id) {
	case KVM_REG_S390_TODPR:
		*val = cpu->todpr;
		return 0;
	case KVM_REG_S390_CPU_TIMER:
		*val = (uint64_t)soft_get_cputm(cpu);
		return 0;
	case KVM_REG_S390_CLOCK_COMP:
		*val = cpu->ckc;
		return 0;
	case KVM_REG_S390_PP:
		*val = cpu->pp;
		return 0;
	case KVM_REG_S390_GBEA:
		*val = cpu->gbea;
		return 0;
	default:
		return -EINVAL;
	}
}

static int soft_set_one_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	switch (id) {
	case KVM_REG_S390_TODPR:
		cpu->todpr = (uint32_t)val;
		break;
	case KVM_REG_S390_CPU_TIMER:
		soft_set_cputm(cpu, (int64_t)val);
		break;
	case KVM_REG_S390_CLOCK_COMP:
		cpu->ckc = val;
		break;
	case KVM_REG_S390_PP:
		cpu->pp = val;
		break;
	case KVM_REG_S390_GBEA:
		cpu->gbea = val;
		break;
	default:
		return -EINVAL;
	}
	/* The KVM_SYNC_ARCH0 fields of kvm_run, and nothing else. */
	vcpu->run->s.regs.todpr = cpu->todpr;
	vcpu->run->s.regs.cputm = (uint64_t)soft_get_cputm(cpu);
	vcpu->run->s.regs.ckc = cpu->ckc;
	vcpu->run->s.regs.pp = cpu->pp;
	vcpu->run->s.regs.gbea = cpu->gbea;
	return 0;
}

static int soft_set_initial_psw(struct vcpu *vcpu, uint64_t mask, uint64_t addr)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	cpu_load_psw(cpu, mask, addr);
	vcpu->run->psw_mask = mask;
	vcpu->run->psw_addr = addr;
	return 0;
}

static int soft_initial_reset(struct vcpu *vcpu)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	soft_cpu_initial_reset(cpu);
	sync_out(cpu, vcpu->run);
	return 0;
}

static int soft_normal_reset(struct vcpu *vcpu)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	soft_cpu_reset(cpu);
	sync_out(cpu, vcpu->run);
	return 0;
}

static int soft_clear_reset(struct vcpu *vcpu)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	soft_cpu_initial_reset(cpu);
	memset(cpu->gr, 0, sizeof(cpu->gr));
	memset(cpu->ar, 0, sizeof(cpu->ar));
	memset(cpu->fpr, 0, sizeof(cpu->fpr));
	sync_out(cpu, vcpu->run);
	return 0;
}

static int soft_get_mp_state(struct vcpu *vcpu, uint32_t *state)
{
	*state = softcpu_of(vcpu)->mp_state;
	return 0;
}

static int soft_set_mp_state(struct vcpu *vcpu, uint32_t state)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);

	switch (state) {
	case KVM_MP_STATE_STOPPED:
	case KVM_MP_STATE_OPERATING:
	case KVM_MP_STATE_LOAD:
	case KVM_MP_STATE_CHECK_STOP:
		break;
	default:
		return -EINVAL;
	}
	cpu->mp_state = state;
	return 0;
}

/* KVM_S390_IRQ: interruptions for one CPU. */
static int soft_irq(struct vcpu *vcpu, const struct kvm_s390_irq *irq)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);
	struct soft_vm *svm = cpu->svm;
	int rc = 0;

	pthread_mutex_lock(&svm->irq_lock);
	switch (irq->type) {
	case KVM_S390_PROGRAM_INT:
		if (cpu->pgm_pending) {
			rc = -EBUSY;
			break;
		}
		cpu->pgm_pending = true;
		cpu->pgm_info = irq->u.pgm;
		break;
	case KVM_S390_SIGP_STOP:
		cpu->stop_pending = true;
		cpu->stop_store_status |=
			!!(irq->u.stop.flags & KVM_S390_STOP_FLAG_STORE_STATUS);
		break;
	case KVM_S390_RESTART:
		cpu->restart_pending = true;
		break;
	case KVM_S390_SIGP_SET_PREFIX:
		cpu->prefix_pending = true;
		cpu->pending_prefix = irq->u.prefix.address & PREFIX_MASK;
		break;
	case KVM_S390_INT_EXTERNAL_CALL:
		if (cpu->extcall_pending) {
			rc = -EBUSY;
			break;
		}
		cpu->extcall_pending = true;
		cpu->extcall_src = irq->u.extcall.code;
		break;
	case KVM_S390_INT_EMERGENCY:
		if (irq->u.emerg.code >= VM_MAX_CPUS) {
			rc = -EINVAL;
			break;
		}
		cpu->emerg_pending[irq->u.emerg.code / 64] |=
			1ULL << (irq->u.emerg.code % 64);
		break;
	case KVM_S390_INT_CLOCK_COMP:
		/* Make the comparator condition true now. */
		cpu->ckc = 0;
		break;
	case KVM_S390_INT_CPU_TIMER:
		cpu->cputm_deadline = cpu_tod(cpu) - 1;
		break;
	case KVM_S390_MCHK:
		svm->mchk_pending = true;
		svm->mchk = irq->u.mchk;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (!rc) {
		cpu_attention(cpu);
		pthread_cond_broadcast(&svm->wake);
	}
	pthread_mutex_unlock(&svm->irq_lock);
	return rc;
}

/* KVM_S390_INTERRUPT on the VM: floating interruptions. */
static int soft_floating_irq(struct vm *vm, const struct kvm_s390_interrupt *irq)
{
	struct soft_vm *svm = svm_of(vm);
	int rc = 0;

	pthread_mutex_lock(&svm->irq_lock);
	if (irq->type == KVM_S390_INT_SERVICE) {
		/* KVM merges: the event-pending bit is or-ed in, the SCCB
		 * address of the newest request wins. */
		uint32_t pend = svm->service_pending ? svm->service_parm : 0;
		svm->service_parm = (irq->parm & ~3U) ? (irq->parm | (pend & 3U))
						      : (pend | irq->parm);
		svm->service_pending = true;
	} else if (irq->type == KVM_S390_INT_VIRTIO) {
		if (svm->ext_virtio_count == SOFT_MAX_EXT_VIRTIO) {
			rc = -EBUSY;
		} else {
			unsigned int i = (svm->ext_virtio_head + svm->ext_virtio_count) %
					 SOFT_MAX_EXT_VIRTIO;
			svm->ext_virtio[i].parm = irq->parm;
			svm->ext_virtio[i].parm64 = irq->parm64;
			svm->ext_virtio_count++;
		}
	} else if (irq->type == KVM_S390_MCHK) {
		svm->mchk_pending = true;
		svm->mchk.cr14 = irq->parm;
		svm->mchk.mcic = irq->parm64;
	} else if (irq->type <= KVM_S390_INT_IO_MAX) {
		if (svm->io_count == SOFT_MAX_IO_IRQS) {
			rc = -EBUSY;
		} else {
			unsigned int i = (svm->io_head + svm->io_count) % SOFT_MAX_IO_IRQS;
			svm->io[i].schid = (uint16_t)(irq->parm >> 16);
			svm->io[i].schnr = (uint16_t)irq->parm;
			svm->io[i].parm = (uint32_t)(irq->parm64 >> 32);
			svm->io[i].word = (uint32_t)irq->parm64;
			svm->io_count++;
		}
	} else {
		rc = -EINVAL;
	}
	if (!rc)
		soft_wake_all(svm);
	pthread_mutex_unlock(&svm->irq_lock);
	return rc;
}

static int soft_get_skeys(struct vm *vm, uint64_t first_gfn, uint64_t count,
			  uint8_t *keys)
{
	struct soft_vm *svm = svm_of(vm);

	if (first_gfn > svm->nframes || count > svm->nframes - first_gfn)
		return -EFAULT;
	memcpy(keys, svm->skeys + first_gfn, count);
	return 0;
}

static int soft_set_skeys(struct vm *vm, uint64_t first_gfn, uint64_t count,
			  const uint8_t *keys)
{
	struct soft_vm *svm = svm_of(vm);

	if (first_gfn > svm->nframes || count > svm->nframes - first_gfn)
		return -EFAULT;
	for (uint64_t i = 0; i < count; i++)
		if (keys[i] & 0x01)	/* bit 7 is reserved */
			return -EINVAL;
	memcpy(svm->skeys + first_gfn, keys, count);
	soft_tlb_flush_all(svm);
	return 0;
}

static int soft_get_dirty_log(struct vm *vm, uint32_t slot, uint64_t *bitmap)
{
	struct soft_vm *svm = svm_of(vm);

	if (slot != 0)
		return -EINVAL;
	/*
	 * A store through a TLB entry does not mark: the page was marked when
	 * the entry was made.  So clear first, then drop every entry and wait
	 * until no CPU can use one (soft_tlb_flush_sync).  A store through an
	 * old entry before that lands in a page reported now and is visible
	 * when this returns; a new entry marks its page again.  (Flushing
	 * first would let an entry made in between outlive the clearing.)
	 */
	for (uint64_t w = 0; w < (svm->nframes + 63) / 64; w++)
		bitmap[w] = atomic_exchange_explicit(&svm->dirty[w], 0,
						     memory_order_acq_rel);
	soft_tlb_flush_sync(svm);
	return 0;
}

static int soft_get_tod(struct vm *vm, uint64_t *tod)
{
	*tod = soft_host_tod() + (uint64_t)svm_of(vm)->tod_offset;
	return 0;
}

static int soft_set_tod(struct vm *vm, uint64_t tod)
{
	svm_of(vm)->tod_offset = (int64_t)(tod - soft_host_tod());
	return 0;
}

const struct backend_ops soft_backend_ops = {
	.name = "soft",
	.vm_init = soft_vm_init,
	.vm_exit = soft_vm_exit,
	.set_memory = soft_set_memory,
	.vcpu_init = soft_vcpu_init,
	.vcpu_exit = soft_vcpu_exit,
	.run = soft_run,
	.kick = soft_kick,
	.get_regs = soft_get_regs,
	.set_regs = soft_set_regs,
	.get_sregs = soft_get_sregs,
	.set_sregs = soft_set_sregs,
	.get_fpu = soft_get_fpu,
	.set_fpu = soft_set_fpu,
	.get_one_reg = soft_get_one_reg,
	.set_one_reg = soft_set_one_reg,
	.set_initial_psw = soft_set_initial_psw,
	.initial_reset = soft_initial_reset,
	.normal_reset = soft_normal_reset,
	.clear_reset = soft_clear_reset,
	.get_mp_state = soft_get_mp_state,
	.set_mp_state = soft_set_mp_state,
	.irq = soft_irq,
	.floating_irq = soft_floating_irq,
	.get_irq_state = soft_get_irq_state,
	.set_irq_state = soft_set_irq_state,
	.get_floating_irqs = soft_get_floating_irqs,
	.set_floating_irqs = soft_set_floating_irqs,
	.get_skeys = soft_get_skeys,
	.set_skeys = soft_set_skeys,
	.get_dirty_log = soft_get_dirty_log,
	.get_tod = soft_get_tod,
	.set_tod = soft_set_tod,
};
