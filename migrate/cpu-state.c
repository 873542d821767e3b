// SPDX-License-Identifier: MIT
/*
 * State descriptions of the CPUs, the TOD clock and the floating
 * interruptions.  Everything goes through the backend seam
 * (vmm/backend.h), so the same tables save a software-CPU guest and a KVM
 * guest (the KVM API document names the ioctls behind each op):
 *
 *   cpu  (one per vCPU, instance = CPU address)
 *     PSW            kvm_run psw_mask/psw_addr (synced on every exit)
 *     prefix         kvm_run s.regs.prefix (KVM_SYNC_PREFIX)
 *     GPRs           KVM_GET_REGS
 *     ARs, CRs       KVM_GET_SREGS
 *     FPRs, FPC      KVM_GET_FPU
 *     TOD programmable register, CPU timer, clock comparator, PP, GBEA
 *                    KVM_GET_ONE_REG (KVM_REG_S390_*)
 *     mp_state       KVM_GET_MP_STATE (and the VMM's own started flag)
 *     pending local interruptions   KVM_S390_GET_IRQ_STATE
 *   tod  the guest TOD clock (KVM_S390_VM_TOD).  Restored first, so the
 *        CPU timers (kept relative to it) come out right.
 *   flic the pending floating interruptions (service signal, I/O,
 *        virtio external, machine check), FLIC semantics.
 *
 * Interruptions travel as struct mig_irq, a fixed big-endian layout, not
 * as the host-endian kvm_s390_irq union; irq_to_mig/mig_to_irq say where
 * each member goes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate.h"
#include "migrate/vmstate.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define CPU_MAX_LOCAL_IRQS	(VM_MAX_CPUS + 16)
#define FLIC_MAX_IRQS		4200

struct mig_irq {
	uint64_t type;
	uint64_t p64[3];
	uint32_t p32[4];
};

static const struct vms_field irq_fields[] = {
	VMS_SCALAR(struct mig_irq, type, VMS_U64, 1),
	VMS_ARRAY(struct mig_irq, p64, VMS_U64, 1),
	VMS_ARRAY(struct mig_irq, p32, VMS_U32, 1),
};
const struct vms_desc mig_irq_vmsd = {
	.name = "irq", .version = 1, .min_version = 1,
	.size = sizeof(struct mig_irq), VMS_FIELDS(irq_fields),
};

static bool is_io_type(uint64_t t)
{
	return t <= KVM_S390_INT_IO_MAX;
}

static void irq_to_mig(const struct kvm_s390_irq *q, struct mig_irq *m)
{
	memset(m, 0, sizeof(*m));
	m->type = q->type;
	switch (q->type) {
	case KVM_S390_INT_SERVICE:
	case KVM_S390_INT_VIRTIO:
		m->p32[0] = q->u.ext.ext_params;
		m->p64[0] = q->u.ext.ext_params2;
		break;
	case KVM_S390_MCHK:
		m->p64[0] = q->u.mchk.cr14;
		m->p64[1] = q->u.mchk.mcic;
		m->p64[2] = q->u.mchk.failing_storage_address;
		m->p32[0] = q->u.mchk.ext_damage_code;
		break;
	case KVM_S390_PROGRAM_INT: {
		const struct kvm_s390_pgm_info *p = &q->u.pgm;

		m->p64[0] = p->trans_exc_code;
		m->p64[1] = p->mon_code;
		m->p64[2] = p->per_address;
		m->p32[0] = p->data_exc_code;
		m->p32[1] = p->code | (uint32_t)p->mon_class_nr << 16;
		m->p32[2] = (uint32_t)p->per_code << 24 |
			    (uint32_t)p->per_atmid << 16 |
			    (uint32_t)p->exc_access_id << 8 | p->per_access_id;
		m->p32[3] = (uint32_t)p->op_access_id << 8 | p->flags;
		break;
	}
	case KVM_S390_INT_EXTERNAL_CALL:
		m->p32[0] = q->u.extcall.code;
		break;
	case KVM_S390_INT_EMERGENCY:
		m->p32[0] = q->u.emerg.code;
		break;
	case KVM_S390_SIGP_STOP:
		m->p32[0] = q->u.stop.flags;
		break;
	case KVM_S390_SIGP_SET_PREFIX:
		m->p32[0] = q->u.prefix.address;
		break;
	case KVM_S390_RESTART:
		break;
	default:
		if (is_io_type(q->type)) {
			m->p32[0] = q->u.io.subchannel_id;
			m->p32[1] = q->u.io.subchannel_nr;
			m->p32[2] = q->u.io.io_int_parm;
			m->p32[3] = q->u.io.io_int_word;
		}
		break;
	}
}

/* 0, or -EINVAL for a type that is not a local (local = true) or a
 * floating interruption. */
static int mig_to_irq(const struct mig_irq *m, struct kvm_s390_irq *q,
		      bool local)
{
	memset(q, 0, sizeof(*q));
	q->type = m->type;
	switch (m->type) {
	case KVM_S390_INT_SERVICE:
	case KVM_S390_INT_VIRTIO:
		if (local)
			return -EINVAL;
		q->u.ext.ext_params = m->p32[0];
		q->u.ext.ext_params2 = m->p64[0];
		return 0;
	case KVM_S390_MCHK:
		if (local)
			return -EINVAL;
		q->u.mchk.cr14 = m->p64[0];
		q->u.mchk.mcic = m->p64[1];
		q->u.mchk.failing_storage_address = m->p64[2];
		q->u.mchk.ext_damage_code = m->p32[0];
		return 0;
	case KVM_S390_PROGRAM_INT: {
		struct kvm_s390_pgm_info *p = &q->u.pgm;

		p->trans_exc_code = m->p64[0];
		p->mon_code = m->p64[1];
		p->per_address = m->p64[2];
		p->data_exc_code = m->p32[0];
		p->code = (uint16_t)m->p32[1];
		p->mon_class_nr = (uint16_t)(m->p32[1] >> 16);
		p->per_code = (uint8_t)(m->p32[2] >> 24);
		p->per_atmid = (uint8_t)(m->p32[2] >> 16);
		p->exc_access_id = (uint8_t)(m->p32[2] >> 8);
		p->per_access_id = (uint8_t)m->p32[2];
		p->op_access_id = (uint8_t)(m->p32[3] >> 8);
		p->flags = (uint8_t)m->p32[3];
		return local ? 0 : -EINVAL;
	}
	case KVM_S390_INT_EXTERNAL_CALL:
		q->u.extcall.code = (uint16_t)m->p32[0];
		return local && m->p32[0] < VM_MAX_CPUS ? 0 : -EINVAL;
	case KVM_S390_INT_EMERGENCY:
		q->u.emerg.code = (uint16_t)m->p32[0];
		return local && m->p32[0] < VM_MAX_CPUS ? 0 : -EINVAL;
	case KVM_S390_SIGP_STOP:
		q->u.stop.flags = m->p32[0];
		return local ? 0 : -EINVAL;
	case KVM_S390_SIGP_SET_PREFIX:
		q->u.prefix.address = m->p32[0];
		return local ? 0 : -EINVAL;
	case KVM_S390_RESTART:
		return local ? 0 : -EINVAL;
	default:
		if (local || !is_io_type(m->type) || m->p32[0] > 0xffff ||
		    m->p32[1] > 0xffff)
			return -EINVAL;
		q->u.io.subchannel_id = (uint16_t)m->p32[0];
		q->u.io.subchannel_nr = (uint16_t)m->p32[1];
		q->u.io.io_int_parm = m->p32[2];
		q->u.io.io_int_word = m->p32[3];
		return 0;
	}
}

/* ---- cpu ---------------------------------------------------------- */

struct cpu_state {
	uint64_t psw_mask, psw_addr;
	uint64_t gprs[16];
	uint32_t acrs[16];
	uint64_t crs[16];
	uint64_t fprs[16];
	uint32_t fpc;
	uint32_t prefix;
	uint32_t todpr;
	uint64_t cputm, ckc, pp, gbea;
	uint32_t mp_state;
	bool operating;		/* the VMM's STOPPED/OPERATING (vmm/vcpu.c) */
	uint32_t nirqs;
	struct mig_irq irqs[CPU_MAX_LOCAL_IRQS];
};

static const uint64_t one_reg_ids[] = {
	KVM_REG_S390_TODPR, KVM_REG_S390_CPU_TIMER, KVM_REG_S390_CLOCK_COMP,
	KVM_REG_S390_PP, KVM_REG_S390_GBEA,
};

static int cpu_pre_save(void *dev, void *state, char **err)
{
	struct vcpu *vcpu = dev;
	struct cpu_state *s = state;
	const struct backend_ops *ops = vcpu->vm->ops;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	uint64_t v[5];
	struct kvm_s390_irq irqs[CPU_MAX_LOCAL_IRQS];
	int rc;

	if (!ops->get_irq_state) {
		error_setf(err, "cpu %u: backend %s cannot save pending "
			   "interruptions", vcpu->id, ops->name);
		return -ENOTSUP;
	}
	if (!(vcpu->run->kvm_valid_regs & KVM_SYNC_PREFIX)) {
		error_setf(err, "cpu %u: prefix not synced", vcpu->id);
		return -EIO;
	}
	if ((rc = ops->get_regs(vcpu, &regs)) || (rc = ops->get_sregs(vcpu, &sregs)) ||
	    (rc = ops->get_fpu(vcpu, &fpu)) || (rc = ops->get_mp_state(vcpu, &s->mp_state))) {
		error_setf(err, "cpu %u: cannot read registers", vcpu->id);
		return rc;
	}
	for (unsigned int i = 0; i < 5; i++)
		if ((rc = ops->get_one_reg(vcpu, one_reg_ids[i], &v[i]))) {
			error_setf(err, "cpu %u: cannot read one_reg %u", vcpu->id, i);
			return rc;
		}
	rc = ops->get_irq_state(vcpu, irqs, CPU_MAX_LOCAL_IRQS);
	if (rc < 0) {
		error_setf(err, "cpu %u: cannot read pending interruptions", vcpu->id);
		return rc;
	}
	s->nirqs = (uint32_t)rc;
	for (uint32_t i = 0; i < s->nirqs; i++)
		irq_to_mig(&irqs[i], &s->irqs[i]);
	s->psw_mask = vcpu->run->psw_mask;
	s->psw_addr = vcpu->run->psw_addr;
	s->prefix = (uint32_t)vcpu->run->s.regs.prefix;
	memcpy(s->gprs, regs.gprs, sizeof(s->gprs));
	memcpy(s->acrs, sregs.acrs, sizeof(s->acrs));
	memcpy(s->crs, sregs.crs, sizeof(s->crs));
	memcpy(s->fprs, fpu.fprs, sizeof(s->fprs));
	s->fpc = fpu.fpc;
	s->todpr = (uint32_t)v[0];
	s->cputm = v[1];
	s->ckc = v[2];
	s->pp = v[3];
	s->gbea = v[4];
	s->operating = !vcpu_is_stopped(vcpu);
	return 0;
}

static int cpu_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	struct cpu_state *s = state;
	struct kvm_s390_irq q;

	(void)dev;
	(void)version;
	(void)present;
	/* PoP "Prefix": bits 0-32 and 51-63 of the prefix are zero. */
	if (s->prefix & ~0x7fffe000u) {
		error_setf(err, "prefix %#x is not a valid prefix", s->prefix);
		return -EINVAL;
	}
	switch (s->mp_state) {
	case KVM_MP_STATE_STOPPED:
	case KVM_MP_STATE_OPERATING:
	case KVM_MP_STATE_LOAD:
	case KVM_MP_STATE_CHECK_STOP:
		break;
	default:
		error_setf(err, "mp_state %u unknown", s->mp_state);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < s->nirqs; i++)
		if (mig_to_irq(&s->irqs[i], &q, true)) {
			error_setf(err, "pending interruption %u: type %#llx is "
				   "not a valid local interruption", i,
				   (unsigned long long)s->irqs[i].type);
			return -EINVAL;
		}
	return 0;
}

static void cpu_commit(void *dev, const void *state)
{
	struct vcpu *vcpu = dev;
	const struct cpu_state *s = state;
	const struct backend_ops *ops = vcpu->vm->ops;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_s390_irq irqs[CPU_MAX_LOCAL_IRQS];
	const uint64_t v[5] = { s->todpr, s->cputm, s->ckc, s->pp, s->gbea };

	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	memset(&fpu, 0, sizeof(fpu));
	memcpy(regs.gprs, s->gprs, sizeof(regs.gprs));
	memcpy(sregs.acrs, s->acrs, sizeof(sregs.acrs));
	memcpy(sregs.crs, s->crs, sizeof(sregs.crs));
	memcpy(fpu.fprs, s->fprs, sizeof(fpu.fprs));
	fpu.fpc = s->fpc;
	ops->set_regs(vcpu, &regs);
	ops->set_sregs(vcpu, &sregs);
	ops->set_fpu(vcpu, &fpu);
	for (unsigned int i = 0; i < 5; i++)
		ops->set_one_reg(vcpu, one_reg_ids[i], v[i]);
	/* PSW and prefix through kvm_run, as KVM_SYNC_PREFIX wants them. */
	vcpu->run->psw_mask = s->psw_mask;
	vcpu->run->psw_addr = s->psw_addr;
	vcpu->run->s.regs.prefix = s->prefix;
	vcpu->run->kvm_dirty_regs |= KVM_SYNC_PREFIX;
	for (uint32_t i = 0; i < s->nirqs; i++)
		mig_to_irq(&s->irqs[i], &irqs[i], true);	/* checked in post_load */
	ops->set_irq_state(vcpu, irqs, s->nirqs);
	ops->set_mp_state(vcpu, s->mp_state);
	if (s->operating)
		vcpu_start(vcpu);
}

static const struct vms_field cpu_fields[] = {
	VMS_SCALAR(struct cpu_state, psw_mask, VMS_U64, 1),
	VMS_SCALAR(struct cpu_state, psw_addr, VMS_U64, 1),
	VMS_ARRAY(struct cpu_state, gprs, VMS_U64, 1),
	VMS_ARRAY(struct cpu_state, acrs, VMS_U32, 1),
	VMS_ARRAY(struct cpu_state, crs, VMS_U64, 1),
	VMS_ARRAY(struct cpu_state, fprs, VMS_U64, 1),
	VMS_SCALAR(struct cpu_state, fpc, VMS_U32, 1),
	VMS_SCALAR(struct cpu_state, prefix, VMS_U32, 1),
	VMS_SCALAR(struct cpu_state, todpr, VMS_U32, 1),
	VMS_SCALAR(struct cpu_state, cputm, VMS_U64, 1),
	VMS_SCALAR(struct cpu_state, ckc, VMS_U64, 1),
	VMS_SCALAR(struct cpu_state, pp, VMS_U64, 1),
	VMS_SCALAR(struct cpu_state, gbea, VMS_U64, 1),
	VMS_SCALAR(struct cpu_state, mp_state, VMS_U32, 1),
	VMS_SCALAR(struct cpu_state, operating, VMS_BOOL, 1),
	VMS_SCALAR(struct cpu_state, nirqs, VMS_U32, 1),
	VMS_VSTRUCTS(struct cpu_state, irqs, mig_irq_vmsd, nirqs, 1),
};

const struct vms_desc cpu_vmsd = {
	.name = "cpu", .version = 1, .min_version = 1,
	.size = sizeof(struct cpu_state), VMS_FIELDS(cpu_fields),
	.pre_save = cpu_pre_save, .post_load = cpu_post_load,
	.commit = cpu_commit,
};

/* ---- tod ---------------------------------------------------------- */

struct tod_state {
	uint64_t tod;		/* guest TOD clock at the moment of the save */
};

static int tod_pre_save(void *dev, void *state, char **err)
{
	struct vm *vm = dev;
	struct tod_state *s = state;
	int rc = vm->ops->get_tod(vm, &s->tod);

	if (rc)
		error_setf(err, "cannot read the TOD clock");
	return rc;
}

/* The guest's clock goes on from where it stood when it was saved (what
 * QEMU does for s390 too): no jump by the time the stream sat in a file. */
static void tod_commit(void *dev, const void *state)
{
	struct vm *vm = dev;

	vm->ops->set_tod(vm, ((const struct tod_state *)state)->tod);
}

static const struct vms_field tod_fields[] = {
	VMS_SCALAR(struct tod_state, tod, VMS_U64, 1),
};

const struct vms_desc tod_vmsd = {
	.name = "tod", .version = 1, .min_version = 1,
	.size = sizeof(struct tod_state), VMS_FIELDS(tod_fields),
	.pre_save = tod_pre_save, .commit = tod_commit,
};

/* ---- flic --------------------------------------------------------- */

struct flic_state {
	uint32_t nirqs;
	struct mig_irq irqs[FLIC_MAX_IRQS];
};

static int flic_pre_save(void *dev, void *state, char **err)
{
	struct vm *vm = dev;
	struct flic_state *s = state;
	struct kvm_s390_irq *irqs;
	int rc;

	if (!vm->ops->get_floating_irqs) {
		error_setf(err, "backend %s cannot save floating interruptions",
			   vm->ops->name);
		return -ENOTSUP;
	}
	irqs = calloc(FLIC_MAX_IRQS, sizeof(*irqs));
	if (!irqs) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	rc = vm->ops->get_floating_irqs(vm, irqs, FLIC_MAX_IRQS);
	if (rc < 0) {
		error_setf(err, "cannot read floating interruptions");
		free(irqs);
		return rc;
	}
	s->nirqs = (uint32_t)rc;
	for (uint32_t i = 0; i < s->nirqs; i++)
		irq_to_mig(&irqs[i], &s->irqs[i]);
	free(irqs);
	return 0;
}

static int flic_post_load(void *dev, void *state, uint32_t version,
			  const bool *present, char **err)
{
	struct vm *vm = dev;
	struct flic_state *s = state;
	struct kvm_s390_irq q;

	(void)version;
	(void)present;
	if (!vm->ops->set_floating_irqs) {
		error_setf(err, "backend %s cannot restore floating interruptions",
			   vm->ops->name);
		return -ENOTSUP;
	}
	for (uint32_t i = 0; i < s->nirqs; i++)
		if (mig_to_irq(&s->irqs[i], &q, false)) {
			error_setf(err, "interruption %u: type %#llx is not a "
				   "valid floating interruption", i,
				   (unsigned long long)s->irqs[i].type);
			return -EINVAL;
		}
	return 0;
}

static void flic_commit(void *dev, const void *state)
{
	struct vm *vm = dev;
	const struct flic_state *s = state;
	struct kvm_s390_irq *irqs = calloc(s->nirqs ? s->nirqs : 1, sizeof(*irqs));

	if (!irqs)
		return;
	for (uint32_t i = 0; i < s->nirqs; i++)
		mig_to_irq(&s->irqs[i], &irqs[i], false);
	if (vm->ops->set_floating_irqs(vm, irqs, s->nirqs) < 0)
		vm_request_end(vm, VM_END_ERROR, "cannot restore the floating "
			       "interruptions");
	free(irqs);
}

static const struct vms_field flic_fields[] = {
	VMS_SCALAR(struct flic_state, nirqs, VMS_U32, 1),
	VMS_VSTRUCTS(struct flic_state, irqs, mig_irq_vmsd, nirqs, 1),
};

const struct vms_desc flic_vmsd = {
	.name = "flic", .version = 1, .min_version = 1,
	.size = sizeof(struct flic_state), VMS_FIELDS(flic_fields),
	.pre_save = flic_pre_save, .post_load = flic_post_load,
	.commit = flic_commit,
};
