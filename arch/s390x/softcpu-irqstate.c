// SPDX-License-Identifier: MIT
/*
 * Pending interruptions of the software CPU as kvm_s390_irq arrays, with
 * the semantics of KVM_S390_GET_IRQ_STATE / KVM_S390_SET_IRQ_STATE (the
 * vCPU's local interruptions) and of the FLIC's KVM_DEV_FLIC_GET_ALL_IRQS
 * / KVM_DEV_FLIC_ENQUEUE (the floating ones), for migration.
 *
 * What is not listed: clock-comparator and CPU-timer interruptions are
 * conditions of the CKC and CPU-timer registers here (re-evaluated from
 * them after a restore), not latched requests.  A machine check keeps
 * cr14, mcic, the failing-storage address and the external damage code;
 * the fixed logout area is not kept by this backend at all.
 */
#include <errno.h>
#include <string.h>

#include "arch/s390x/softcpu.h"

int soft_get_irq_state(struct vcpu *vcpu, struct kvm_s390_irq *irqs,
		       unsigned int max)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);
	struct soft_vm *svm = cpu->svm;
	struct kvm_s390_irq tmp[VM_MAX_CPUS + 8];
	unsigned int n = 0;

	memset(tmp, 0, sizeof(tmp));
	pthread_mutex_lock(&svm->irq_lock);
	if (cpu->restart_pending)
		tmp[n++].type = KVM_S390_RESTART;
	if (cpu->stop_pending) {
		tmp[n].type = KVM_S390_SIGP_STOP;
		tmp[n++].u.stop.flags = cpu->stop_store_status ?
					KVM_S390_STOP_FLAG_STORE_STATUS : 0;
	}
	if (cpu->prefix_pending) {
		tmp[n].type = KVM_S390_SIGP_SET_PREFIX;
		tmp[n++].u.prefix.address = cpu->pending_prefix;
	}
	if (cpu->pgm_pending) {
		tmp[n].type = KVM_S390_PROGRAM_INT;
		tmp[n++].u.pgm = cpu->pgm_info;
	}
	if (cpu->extcall_pending) {
		tmp[n].type = KVM_S390_INT_EXTERNAL_CALL;
		tmp[n++].u.extcall.code = cpu->extcall_src;
	}
	for (unsigned int src = 0; src < VM_MAX_CPUS; src++)
		if (cpu->emerg_pending[src / 64] & (1ULL << (src % 64))) {
			tmp[n].type = KVM_S390_INT_EMERGENCY;
			tmp[n++].u.emerg.code = (uint16_t)src;
		}
	pthread_mutex_unlock(&svm->irq_lock);
	if (n > max)
		return -ENOBUFS;
	memcpy(irqs, tmp, n * sizeof(tmp[0]));
	return (int)n;
}

int soft_set_irq_state(struct vcpu *vcpu, const struct kvm_s390_irq *irqs,
		       unsigned int n)
{
	struct s390_cpu *cpu = softcpu_of(vcpu);
	struct soft_vm *svm = cpu->svm;

	/* Check everything first: KVM rejects the whole array on a bad
	 * entry, and so do we, leaving the pending state unchanged. */
	for (unsigned int i = 0; i < n; i++) {
		switch (irqs[i].type) {
		case KVM_S390_RESTART:
		case KVM_S390_SIGP_STOP:
		case KVM_S390_SIGP_SET_PREFIX:
		case KVM_S390_PROGRAM_INT:
		case KVM_S390_INT_EXTERNAL_CALL:
			break;
		case KVM_S390_INT_EMERGENCY:
			if (irqs[i].u.emerg.code >= VM_MAX_CPUS)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	pthread_mutex_lock(&svm->irq_lock);
	memset(cpu->emerg_pending, 0, sizeof(cpu->emerg_pending));
	cpu->extcall_pending = false;
	cpu->restart_pending = false;
	cpu->stop_pending = false;
	cpu->stop_store_status = false;
	cpu->prefix_pending = false;
	cpu->pgm_pending = false;
	for (unsigned int i = 0; i < n; i++) {
		const struct kvm_s390_irq *q = &irqs[i];

		switch (q->type) {
		case KVM_S390_RESTART:
			cpu->restart_pending = true;
			break;
		case KVM_S390_SIGP_STOP:
			cpu->stop_pending = true;
			cpu->stop_store_status = !!(q->u.stop.flags &
					KVM_S390_STOP_FLAG_STORE_STATUS);
			break;
		case KVM_S390_SIGP_SET_PREFIX:
			cpu->prefix_pending = true;
			cpu->pending_prefix = q->u.prefix.address & PREFIX_MASK;
			break;
		case KVM_S390_PROGRAM_INT:
			cpu->pgm_pending = true;
			cpu->pgm_info = q->u.pgm;
			break;
		case KVM_S390_INT_EXTERNAL_CALL:
			cpu->extcall_pending = true;
			cpu->extcall_src = q->u.extcall.code;
			break;
		case KVM_S390_INT_EMERGENCY:
			cpu->emerg_pending[q->u.emerg.code / 64] |=
				1ULL << (q->u.emerg.code % 64);
			break;
		}
	}
	cpu_attention(cpu);
	pthread_cond_broadcast(&svm->wake);
	pthread_mutex_unlock(&svm->irq_lock);
	return 0;
}

int soft_get_floating_irqs(struct vm *vm, struct kvm_s390_irq *irqs,
			   unsigned int max)
{
	struct soft_vm *svm = vm->backend;
	unsigned int n = 0;
	int rc = 0;

	pthread_mutex_lock(&svm->irq_lock);
	unsigned int total = svm->service_pending + svm->mchk_pending +
			     svm->ext_virtio_count + svm->io_count;
	if (total > max) {
		rc = -ENOBUFS;
		goto out;
	}
	memset(irqs, 0, total * sizeof(*irqs));
	if (svm->mchk_pending) {
		irqs[n].type = KVM_S390_MCHK;
		irqs[n++].u.mchk = svm->mchk;
	}
	if (svm->service_pending) {
		irqs[n].type = KVM_S390_INT_SERVICE;
		irqs[n++].u.ext.ext_params = svm->service_parm;
	}
	for (unsigned int i = 0; i < svm->ext_virtio_count; i++) {
		unsigned int k = (svm->ext_virtio_head + i) % SOFT_MAX_EXT_VIRTIO;

		irqs[n].type = KVM_S390_INT_VIRTIO;
		irqs[n].u.ext.ext_params = svm->ext_virtio[k].parm;
		irqs[n++].u.ext.ext_params2 = svm->ext_virtio[k].parm64;
	}
	/* I/O in FIFO order; the type carries the AI bit like KVM's. */
	for (unsigned int i = 0; i < svm->io_count; i++) {
		const struct soft_io_irq *io =
			&svm->io[(svm->io_head + i) % SOFT_MAX_IO_IRQS];
		bool ai = io->word & 0x80000000u;

		irqs[n].type = ai ? KVM_S390_INT_IO(1, 0, 0, 0)
				  : KVM_S390_INT_IO(0, 0, 0, io->schnr);
		irqs[n].u.io.subchannel_id = io->schid;
		irqs[n].u.io.subchannel_nr = io->schnr;
		irqs[n].u.io.io_int_parm = io->parm;
		irqs[n++].u.io.io_int_word = io->word;
	}
	rc = (int)n;
out:
	pthread_mutex_unlock(&svm->irq_lock);
	return rc;
}

int soft_set_floating_irqs(struct vm *vm, const struct kvm_s390_irq *irqs,
			   unsigned int n)
{
	struct soft_vm *svm = vm->backend;
	unsigned int nio = 0, nvirtio = 0, nservice = 0, nmchk = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t t = irqs[i].type;

		if (t == KVM_S390_INT_SERVICE)
			nservice++;
		else if (t == KVM_S390_INT_VIRTIO)
			nvirtio++;
		else if (t == KVM_S390_MCHK)
			nmchk++;
		else if (t <= KVM_S390_INT_IO_MAX)
			nio++;
		else
			return -EINVAL;
	}
	if (nio > SOFT_MAX_IO_IRQS || nvirtio > SOFT_MAX_EXT_VIRTIO ||
	    nservice > 1 || nmchk > 1)
		return -EINVAL;

	pthread_mutex_lock(&svm->irq_lock);
	svm->service_pending = false;
	svm->service_parm = 0;
	svm->mchk_pending = false;
	svm->ext_virtio_head = svm->ext_virtio_count = 0;
	svm->io_head = svm->io_count = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct kvm_s390_irq *q = &irqs[i];

		if (q->type == KVM_S390_INT_SERVICE) {
			svm->service_pending = true;
			svm->service_parm = q->u.ext.ext_params;
		} else if (q->type == KVM_S390_INT_VIRTIO) {
			unsigned int k = svm->ext_virtio_count++;

			svm->ext_virtio[k].parm = q->u.ext.ext_params;
			svm->ext_virtio[k].parm64 = q->u.ext.ext_params2;
		} else if (q->type == KVM_S390_MCHK) {
			svm->mchk_pending = true;
			svm->mchk = q->u.mchk;
		} else {
			struct soft_io_irq *io = &svm->io[svm->io_count++];

			io->schid = q->u.io.subchannel_id;
			io->schnr = q->u.io.subchannel_nr;
			io->parm = q->u.io.io_int_parm;
			io->word = q->u.io.io_int_word;
		}
	}
	soft_wake_all(svm);
	pthread_mutex_unlock(&svm->irq_lock);
	return 0;
}
