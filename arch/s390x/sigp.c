/* SPDX-License-Identifier: MIT */
/*
 * SIGNAL PROCESSOR orders that reach userspace (KVM_CAP_S390_USER_SIGP):
 * start, stop, stop and store status, restart, set prefix, store status
 * at address, initial CPU reset, CPU reset, set architecture.  The fast
 * orders (sense, external call, emergency signal, ...) are answered by
 * the kernel or the software CPU and never get here.
 *
 * Orders that need the target stopped (set prefix, store status) act on
 * its registers from this thread: a stopped vCPU's thread is parked and
 * does not touch them.  Orders that must stop a running CPU first (the
 * resets) make it stop and answer "busy" (cc 2) until it has; Linux and
 * the PoP retry on busy.
 */
#include <errno.h>
#include <string.h>

#include "arch/s390x/intercept.h"
#include "arch/s390x/s390.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

/* Store status (PoP "Store Status") from the registers as userspace sees
 * them: the sync registers in kvm_run, current after every exit and
 * including what handlers changed since. */
int s390_store_status(struct vcpu *vcpu, uint64_t addr, bool arch_byte)
{
	const struct kvm_sync_regs *r = &vcpu->run->s.regs;
	uint8_t area[0x200];
#define SA(off) (area + (off) - LC_FPREGS_SAVE)	/* index by lowcore offset */

	memset(area, 0, sizeof(area));
	for (int i = 0; i < 16; i++) {
		be64_st(SA(LC_FPREGS_SAVE) + 8 * i, r->fprs[i]);
		be64_st(SA(LC_GPREGS_SAVE) + 8 * i, r->gprs[i]);
		be32_st(SA(LC_AREGS_SAVE) + 4 * i, r->acrs[i]);
		be64_st(SA(LC_CREGS_SAVE) + 8 * i, r->crs[i]);
	}
	be64_st(SA(LC_PSW_SAVE), vcpu->run->psw_mask);
	be64_st(SA(LC_PSW_SAVE) + 8, vcpu->run->psw_addr);
	be32_st(SA(LC_PREFIX_SAVE), (uint32_t)r->prefix);
	be32_st(SA(LC_FPC_SAVE), r->fpc);
	be32_st(SA(LC_TODPR_SAVE), (uint32_t)r->todpr);
	be64_st(SA(LC_CPUTM_SAVE), r->cputm);
	be64_st(SA(LC_CKC_SAVE), r->ckc >> 8);
	if (arch_byte) {
		uint8_t one = 1;
		if (vm_write(vcpu->vm, LC_ARCH_MODE_ID, &one, 1) < 0)
			return -EFAULT;
	}
	/* Only the architected fields, not the gaps between them. */
	static const struct { uint16_t off, len; } fields[] = {
		{ LC_FPREGS_SAVE, 128 }, { LC_GPREGS_SAVE, 128 },
		{ LC_PSW_SAVE, 16 }, { LC_PREFIX_SAVE, 4 }, { LC_FPC_SAVE, 4 },
		{ LC_TODPR_SAVE, 4 }, { LC_CPUTM_SAVE, 8 }, { LC_CKC_SAVE, 8 },
		{ LC_AREGS_SAVE, 64 }, { LC_CREGS_SAVE, 128 },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t dst = addr + fields[i].off - LC_FPREGS_SAVE;
		if (vm_write(vcpu->vm, dst, SA(fields[i].off), fields[i].len) < 0)
			return -EFAULT;
	}
#undef SA
	return 0;
}

static int status_stored(uint32_t *status, uint32_t bits)
{
	*status = bits;
	return SIGP_CC_STATUS_STORED;
}

/* Make a running target stop; cc 2 (busy) until it has. */
static bool target_stopped_or_stop(struct vcpu *t)
{
	if (vcpu_is_stopped(t))
		return true;
	if (!t->stop_requested)
		vcpu_request_stop(t, false);
	return false;
}

static int sigp_stop(struct vcpu *src, struct vcpu *t, bool store)
{
	if (t == src) {
		/* Stopping oneself: the instruction completes, then the CPU
		 * is stopped (status stored at absolute 0x1200 first). */
		if (store)
			s390_store_status(t, LC_FPREGS_SAVE, true);
		vcpu_enter_stopped(t);
		return SIGP_CC_ORDER_CODE_ACCEPTED;
	}
	if (vcpu_is_stopped(t)) {
		if (store)
			s390_store_status(t, LC_FPREGS_SAVE, true);
		return SIGP_CC_ORDER_CODE_ACCEPTED;
	}
	vcpu_request_stop(t, store);
	return SIGP_CC_ORDER_CODE_ACCEPTED;
}

static int sigp_restart(struct vcpu *t)
{
	struct kvm_s390_irq irq = { .type = KVM_S390_RESTART };

	if (t->vm->ops->irq(t, &irq) < 0)
		return SIGP_CC_BUSY;
	vcpu_start(t);
	return SIGP_CC_ORDER_CODE_ACCEPTED;
}

static int sigp_set_prefix(struct vcpu *t, uint64_t param, uint32_t *status)
{
	uint32_t prefix = (uint32_t)param & PREFIX_MASK;

	if (!vcpu_is_stopped(t))
		return status_stored(status, SIGP_STAT_INCORRECT_STATE);
	if ((uint64_t)prefix + LOWCORE_SIZE > t->vm->ram_size)
		return status_stored(status, SIGP_STAT_INVALID_PARAMETER);
	t->run->s.regs.prefix = prefix;
	t->run->kvm_dirty_regs |= KVM_SYNC_PREFIX;
	return SIGP_CC_ORDER_CODE_ACCEPTED;
}

static int sigp_store_status_at(struct vcpu *t, uint64_t param, uint32_t *status)
{
	uint64_t addr = param & 0x7ffffe00ULL;

	if (!vcpu_is_stopped(t))
		return status_stored(status, SIGP_STAT_INCORRECT_STATE);
	if (addr + 0x200 > t->vm->ram_size)
		return status_stored(status, SIGP_STAT_INVALID_PARAMETER);
	/* The area at addr takes the layout of lowcore 0x1200-0x13ff. */
	if (s390_store_status(t, addr, false) < 0)
		return status_stored(status, SIGP_STAT_INVALID_PARAMETER);
	return SIGP_CC_ORDER_CODE_ACCEPTED;
}

static int sigp_reset(struct vcpu *t, bool initial)
{
	const struct backend_ops *ops = t->vm->ops;

	if (!target_stopped_or_stop(t))
		return SIGP_CC_BUSY;
	if (initial)
		ops->initial_reset(t);
	else
		ops->normal_reset(t);
	/* The reset values are now in kvm_run; nothing of ours is dirty. */
	t->run->kvm_dirty_regs = 0;
	return SIGP_CC_ORDER_CODE_ACCEPTED;
}

/* SET ARCHITECTURE: this machine is z/Architecture only; a request for
 * ESA/390 mode is refused, z/Architecture is already in effect. */
static int sigp_set_arch(struct vcpu *src, uint64_t param, uint32_t *status)
{
	struct vm *vm = src->vm;

	if ((param & 0xff) == 0)
		return status_stored(status, SIGP_STAT_INVALID_PARAMETER);
	for (unsigned int i = 0; i < vm->ncpus; i++)
		if (vm->vcpus[i] != src && !vcpu_is_stopped(vm->vcpus[i]))
			return status_stored(status, SIGP_STAT_INCORRECT_STATE);
	return status_stored(status, SIGP_STAT_INVALID_PARAMETER);
}

int s390_sigp(struct vcpu *vcpu, uint8_t order, uint16_t dst, uint64_t param,
	      uint32_t *status)
{
	if (order == SIGP_SET_ARCHITECTURE)
		return sigp_set_arch(vcpu, param, status);

	struct vcpu *t = vm_find_vcpu(vcpu->vm, dst);
	if (!t)
		return SIGP_CC_NOT_OPERATIONAL;
	/* A stop still in flight makes the target busy for other orders. */
	if (t != vcpu && t->stop_requested && !vcpu_is_stopped(t) &&
	    order != SIGP_STOP && order != SIGP_STOP_AND_STORE_STATUS)
		return SIGP_CC_BUSY;

	switch (order) {
	case SIGP_START:
		vcpu_start(t);
		return SIGP_CC_ORDER_CODE_ACCEPTED;
	case SIGP_STOP:
		return sigp_stop(vcpu, t, false);
	case SIGP_STOP_AND_STORE_STATUS:
		return sigp_stop(vcpu, t, true);
	case SIGP_RESTART:
		return sigp_restart(t);
	case SIGP_SET_PREFIX:
		return sigp_set_prefix(t, param, status);
	case SIGP_STORE_STATUS_AT_ADDRESS:
		return sigp_store_status_at(t, param, status);
	case SIGP_INITIAL_CPU_RESET:
		return t == vcpu ? status_stored(status, SIGP_STAT_INCORRECT_STATE)
				 : sigp_reset(t, true);
	case SIGP_CPU_RESET:
		return t == vcpu ? status_stored(status, SIGP_STAT_INCORRECT_STATE)
				 : sigp_reset(t, false);
	default:
		return status_stored(status, SIGP_STAT_INVALID_ORDER);
	}
}

/* The intercepted SIGP R1,R3,D2(B2): order in the address bits 56-63,
 * parameter in R1+1 (R1 odd: R1), CPU address in R3. */
int s390_handle_sigp(struct vcpu *vcpu)
{
	uint16_t ipa = vcpu->run->s390_sieic.ipa;
	unsigned int r1 = (ipa >> 4) & 0xf, r3 = ipa & 0xf;
	uint8_t order = (uint8_t)s390_icpt_b2d2(vcpu);
	uint32_t status = 0;
	int cc;

	if (vcpu->run->psw_mask & PSW_MASK_PSTATE)
		return s390_program_interrupt(vcpu, PGM_PRIVILEGED);
	cc = s390_sigp(vcpu, order, (uint16_t)s390_gpr(vcpu, r3),
		       s390_gpr(vcpu, r1 | 1), &status);
	if (cc == SIGP_CC_STATUS_STORED)
		s390_set_gpr(vcpu, r1, (s390_gpr(vcpu, r1) & ~0xffffffffULL) | status);
	s390_set_cc(vcpu, (unsigned int)cc);
	return 0;
}
