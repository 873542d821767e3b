/* SPDX-License-Identifier: MIT */
/*
 * Instruction intercepts (icptcode 4), dispatched by the first byte of
 * ipa and then by the second, and the s390-specific exits.
 *
 * On an instruction intercept the PSW already points past the
 * instruction (KVM's convention); a handler completes the instruction by
 * setting registers and the condition code, or injects a program
 * interruption with the instruction's length so the kernel (or the
 * software CPU) delivers it as the architecture requires.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/s390x/intercept.h"
#include "arch/s390x/s390.h"
#include "arch/s390x/sclp.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

/* ---- Register helpers ---------------------------------------------- */

uint64_t s390_gpr(struct vcpu *vcpu, unsigned int r)
{
	return vcpu->run->s.regs.gprs[r & 15];
}

void s390_set_gpr(struct vcpu *vcpu, unsigned int r, uint64_t v)
{
	vcpu->run->s.regs.gprs[r & 15] = v;
	vcpu->run->kvm_dirty_regs |= KVM_SYNC_GPRS;
}

void s390_set_cc(struct vcpu *vcpu, unsigned int cc)
{
	vcpu->run->psw_mask = (vcpu->run->psw_mask & ~PSW_MASK_CC) |
			      ((uint64_t)(cc & 3) << PSW_SHIFT_CC);
}

unsigned int s390_icpt_ilen(struct vcpu *vcpu)
{
	static const uint8_t len[4] = { 2, 4, 4, 6 };
	return len[vcpu->run->s390_sieic.ipa >> 14];
}

int s390_program_interrupt(struct vcpu *vcpu, uint16_t code)
{
	struct kvm_s390_irq irq = {
		.type = KVM_S390_PROGRAM_INT,
		.u.pgm.code = code,
		/* ILC_MASK covers bits 1-2: the length in bytes fits as is. */
		.u.pgm.flags = KVM_S390_PGM_FLAGS_ILC_VALID |
			       (s390_icpt_ilen(vcpu) & KVM_S390_PGM_FLAGS_ILC_MASK),
	};

	return vcpu->vm->ops->irq(vcpu, &irq);
}

/* Operand address of an RS- or S-format instruction, in the PSW's
 * addressing mode: B2 in ipb bits 0-3, D2 in bits 4-15. */
uint64_t s390_icpt_b2d2(struct vcpu *vcpu)
{
	uint32_t ipb = vcpu->run->s390_sieic.ipb;
	unsigned int b2 = ipb >> 28;
	uint64_t a = (ipb >> 16) & 0xfff;
	uint64_t mask = vcpu->run->psw_mask;

	if (b2)
		a += s390_gpr(vcpu, b2);
	if (!(mask & PSW_MASK_EA))
		a &= (mask & PSW_MASK_BA) ? 0x7fffffffULL : 0xffffffULL;
	return a;
}

static uint32_t vcpu_prefix(struct vcpu *vcpu)
{
	return (uint32_t)vcpu->run->s.regs.prefix;
}

/* ---- B2xx: SERVC and the channel-I/O instructions ------------------ */

/* SERVICE CALL: R1 command word, R2 SCCB real address. */
static int handle_servc(struct vcpu *vcpu)
{
	uint32_t ipb = vcpu->run->s390_sieic.ipb;
	unsigned int r1 = (ipb >> 20) & 0xf, r2 = (ipb >> 16) & 0xf;
	uint64_t sccb = s390_gpr(vcpu, r2);
	uint64_t abs = vm_real_to_abs(vcpu_prefix(vcpu), sccb);
	int rc = sclp_service_call(vcpu->vm->sclp, vcpu,
				   (uint32_t)s390_gpr(vcpu, r1), abs);

	if (rc < 0)
		return s390_program_interrupt(vcpu, (uint16_t)-rc);
	s390_set_cc(vcpu, (unsigned int)rc);
	return 0;
}

/*
 * Channel-subsystem instructions.  minivmm's channel subsystem has no
 * subchannels yet (devices arrive with the css), so every subchannel is
 * "not operational" (cc 3) and no channel report is pending.  The
 * subchannel-id operand is still checked the way the architecture
 * requires: bits 32-47 of GR1 must be zero but for the subchannel-set
 * id (bits 45-46) and the one bit 47, else an operand exception.
 */
static int handle_subchannel_insn(struct vcpu *vcpu)
{
	uint32_t schid = (uint32_t)s390_gpr(vcpu, 1);

	if (((schid >> 16) & ~0x0006U) != 0x0001)
		return s390_program_interrupt(vcpu, PGM_OPERAND);
	s390_set_cc(vcpu, 3);
	return 0;
}

/* STORE CHANNEL REPORT WORD: none pending: store zeros, cc 1. */
static int handle_stcrw(struct vcpu *vcpu)
{
	uint64_t a = s390_icpt_b2d2(vcpu);
	uint32_t zero = 0;

	if (a & 3)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	if (vm_write(vcpu->vm, vm_real_to_abs(vcpu_prefix(vcpu), a), &zero, 4) < 0)
		return s390_program_interrupt(vcpu, PGM_ADDRESSING);
	s390_set_cc(vcpu, 1);
	return 0;
}

/* CHANNEL SUBSYSTEM CALL: with no channel subsystem model, every command
 * answers "command not supported" (response code 0x0002 in the response
 * block, whose offset is the request length). */
static int handle_chsc(struct vcpu *vcpu)
{
	uint32_t ipb = vcpu->run->s390_sieic.ipb;
	unsigned int r1 = (ipb >> 20) & 0xf;
	uint64_t a = vm_real_to_abs(vcpu_prefix(vcpu), s390_gpr(vcpu, r1));
	uint8_t hdr[4];

	if (a & 0xfff)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	if (vm_read(vcpu->vm, a, hdr, 4) < 0)
		return s390_program_interrupt(vcpu, PGM_ADDRESSING);
	uint16_t len = be16_ld(hdr);
	if (len < 16 || len > 4096 - 8)
		return s390_program_interrupt(vcpu, PGM_OPERAND);
	uint8_t resp[8] = { 0 };
	be16_st(resp, 8);
	be16_st(resp + 2, 0x0002);
	if (vm_write(vcpu->vm, a + len, resp, sizeof(resp)) < 0)
		return s390_program_interrupt(vcpu, PGM_ADDRESSING);
	s390_set_cc(vcpu, 0);
	return 0;
}

struct insn_handler {
	uint8_t op;
	const char *name;
	int (*fn)(struct vcpu *vcpu);
};

static const struct insn_handler b2_handlers[] = {
	{ 0x20, "SERVC", handle_servc },
	{ 0x30, "CSCH", handle_subchannel_insn },
	{ 0x31, "HSCH", handle_subchannel_insn },
	{ 0x32, "MSCH", handle_subchannel_insn },
	{ 0x33, "SSCH", handle_subchannel_insn },
	{ 0x34, "STSCH", handle_subchannel_insn },
	{ 0x38, "RSCH", handle_subchannel_insn },
	{ 0x39, "STCRW", handle_stcrw },
	{ 0x5f, "CHSC", handle_chsc },
	{ 0x76, "XSCH", handle_subchannel_insn },
};

static int dispatch(const struct insn_handler *tab, size_t n, uint8_t op,
		    struct vcpu *vcpu)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].op == op)
			return tab[i].fn(vcpu);
	/* Not an instruction this machine has: operation exception. */
	return s390_program_interrupt(vcpu, PGM_OPERATION);
}

static int handle_b2(struct vcpu *vcpu)
{
	return dispatch(b2_handlers, sizeof(b2_handlers) / sizeof(b2_handlers[0]),
			vcpu->run->s390_sieic.ipa & 0xff, vcpu);
}

/* First level: the primary opcode (ipa bits 0-7). */
static const struct insn_handler primary_handlers[] = {
	{ 0x83, "DIAG", s390_handle_diag },
	{ 0xae, "SIGP", s390_handle_sigp },
	{ 0xb2, "B2xx", handle_b2 },
};

int s390_handle_instruction(struct vcpu *vcpu)
{
	return dispatch(primary_handlers,
			sizeof(primary_handlers) / sizeof(primary_handlers[0]),
			vcpu->run->s390_sieic.ipa >> 8, vcpu);
}

/* ---- Other interception codes -------------------------------------- */

/* Program-interruption intercepts happen only with PER or when the host
 * asked for them; minivmm asks for neither. */
int s390_handle_program_icpt(struct vcpu *vcpu)
{
	vm_request_end(vcpu->vm, VM_END_ERROR,
		       "CPU %u: unexpected program-interruption intercept (ipa %04x)",
		       vcpu->id, vcpu->run->s390_sieic.ipa);
	return -EINVAL;
}

/* KVM_CAP_S390_USER_INSTR0: instruction 0x0000 reaches userspace. */
int s390_handle_operexc(struct vcpu *vcpu)
{
	return s390_program_interrupt(vcpu, PGM_OPERATION);
}

int s390_handle_noop_icpt(struct vcpu *vcpu)
{
	(void)vcpu;
	return 0;
}

/* A disabled wait: the guest is done (or dead); report its PSW. */
int s390_handle_wait(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	vm->end_psw_mask = vcpu->run->psw_mask;
	vm->end_psw_addr = vcpu->run->psw_addr;
	vm_request_end(vm, VM_END_DISABLED_WAIT,
		       "CPU %u entered a disabled wait, PSW %016llx %016llx",
		       vcpu->id, (unsigned long long)vcpu->run->psw_mask,
		       (unsigned long long)vcpu->run->psw_addr);
	return 0;
}

int s390_handle_stop(struct vcpu *vcpu)
{
	vcpu_enter_stopped(vcpu);
	return 0;
}

int s390_handle_validity(struct vcpu *vcpu)
{
	/* The software CPU ends the VM with its reason before this exit. */
	vm_request_end(vcpu->vm, VM_END_CHECKSTOP,
		       "CPU %u: SIE validity intercept (ipb %08x)", vcpu->id,
		       vcpu->run->s390_sieic.ipb);
	return 0;
}

/* DIAG 0x308 subcodes 3 and 4 (re-IPL).  minivmm ends like QEMU with
 * -no-reboot: the guest asked for a reset, the VMM exits. */
int s390_handle_reset(struct vcpu *vcpu)
{
	vm_request_end(vcpu->vm, VM_END_RESET,
		       "guest requested a %s reset and re-IPL (DIAG 0x308)",
		       (vcpu->run->s390_reset_flags & KVM_S390_RESET_CLEAR) ?
		       "clear" : "normal");
	return 0;
}

/* STSI 3.2.2 with KVM_CAP_S390_USER_STSI: describe this VM (PoP
 * "SYSIB 3.2.2"): one level-3 description, the CPU counts, the name
 * "MINIVMM" and the control-program identifier "KVM/Linux", in EBCDIC. */
int s390_handle_stsi(struct vcpu *vcpu)
{
	static const uint8_t name[8] = { 0xD4, 0xC9, 0xD5, 0xC9, 0xE5, 0xD4, 0xD4, 0x40 };
	static const uint8_t cpi[16] = { 0xD2, 0xE5, 0xD4, 0x61, 0xD3, 0x89, 0x95, 0xA4,
					 0xA7, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40 };
	struct kvm_run *run = vcpu->run;
	uint8_t sysib[4096] = { 0 };
	uint16_t n = (uint16_t)vcpu->vm->ncpus;
	uint64_t a;

	if (run->s390_stsi.fc != 3 || run->s390_stsi.sel1 != 2 ||
	    run->s390_stsi.sel2 != 2)
		return 0;
	if (run->psw_mask & PSW_MASK_DAT)
		return 0;	/* the kernel-provided block stays */
	a = vm_real_to_abs(vcpu_prefix(vcpu), run->s390_stsi.addr);
	sysib[31] = 1;			/* count of descriptions */
	uint8_t *d = sysib + 32;	/* first description */
	be16_st(d + 4, n);		/* total CPUs */
	be16_st(d + 6, n);		/* configured */
	memcpy(d + 24, name, sizeof(name));
	be32_st(d + 32, 0x80000000U);	/* caf: capability */
	memcpy(d + 36, cpi, sizeof(cpi));
	if (vm_write(vcpu->vm, a, sysib, sizeof(sysib)) < 0)
		return s390_program_interrupt(vcpu, PGM_ADDRESSING);
	return 0;
}

/* TEST SUBCHANNEL after the kernel dequeued (or not) an I/O interruption:
 * with no subchannels, cc 3. */
int s390_handle_tsch(struct vcpu *vcpu)
{
	s390_set_cc(vcpu, 3);
	return 0;
}
