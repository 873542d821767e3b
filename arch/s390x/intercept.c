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

#include "arch/s390x/dat.h"
#include "arch/s390x/intercept.h"
#include "arch/s390x/s390.h"
#include "arch/s390x/sclp.h"
#include "devices/css.h"
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

/* One page of an operand: the absolute address of logical address a, or
 * -1 with the program interruption injected (PoP "Translation-Exception
 * Identification": the page address and the address space in bits 62-63,
 * bit 61 for DAT protection; the access id is the AR number). */
static int64_t operand_page(struct vcpu *vcpu, uint64_t a, unsigned int ar,
			    bool write)
{
	static const unsigned int asce_cr[4] = { 1, 1, 7, 13 };
	struct kvm_run *run = vcpu->run;

	if (run->psw_mask & PSW_MASK_DAT) {
		unsigned int as = (unsigned int)((run->psw_mask & PSW_MASK_ASC) >>
						 PSW_SHIFT_ASC);
		unsigned int space = as;
		struct dat_walk w;
		int code;

		if (as == PSW_ASC_ACCREG) {
			/* ALETs 0 and 1 name the primary and secondary spaces;
			 * others would need ART, which is not offered. */
			uint32_t alet = ar ? run->s.regs.acrs[ar & 15] : 0;
			if (alet > 1) {
				s390_program_interrupt(vcpu, PGM_ALEN_TRANS);
				return -1;
			}
			space = alet ? PSW_ASC_SECONDARY : PSW_ASC_PRIMARY;
		}
		code = dat_walk(vcpu->vm->ram, vcpu->vm->ram_size,
				run->s.regs.crs[asce_cr[space]], a, &w);
		uint64_t teid = (a & ~0xfffULL) | as;
		if (!code && write && w.prot) {
			code = PGM_PROTECTION;
			teid |= TEID_DAT_PROT;
		}
		if (code) {
			struct kvm_s390_irq irq = {
				.type = KVM_S390_PROGRAM_INT,
				.u.pgm.code = (uint16_t)code,
				.u.pgm.trans_exc_code = teid,
				.u.pgm.exc_access_id = (uint8_t)(as == PSW_ASC_ACCREG ? ar : 0),
				.u.pgm.flags = KVM_S390_PGM_FLAGS_ILC_VALID |
					(s390_icpt_ilen(vcpu) & KVM_S390_PGM_FLAGS_ILC_MASK),
			};
			vcpu->vm->ops->irq(vcpu, &irq);
			return -1;
		}
		a = w.frame | (a & 0xfff);
	}
	a = vm_real_to_abs(vcpu_prefix(vcpu), a);
	if (!vm_absolute(vcpu->vm, a, 1)) {
		s390_program_interrupt(vcpu, PGM_ADDRESSING);
		return -1;
	}
	return (int64_t)a;
}

int s390_guest_rw(struct vcpu *vcpu, uint64_t a, unsigned int ar, void *buf,
		  uint64_t len, bool write)
{
	uint64_t amask = (vcpu->run->psw_mask & PSW_MASK_EA) ? ~0ULL :
			 (vcpu->run->psw_mask & PSW_MASK_BA) ? 0x7fffffffULL : 0xffffffULL;
	uint64_t abs[2];
	unsigned int pages = 0;

	/* Operands here are at most a page (CHSC: exactly one, aligned):
	 * translate both pages before copying anything. */
	if (len == 0 || len > 4096) {
		s390_program_interrupt(vcpu, PGM_SPECIFICATION);
		return -1;
	}
	for (uint64_t off = 0; off < len; pages++) {
		uint64_t la = (a + off) & amask;
		int64_t r = operand_page(vcpu, la, ar, write);

		if (r < 0)
			return -1;
		abs[pages] = (uint64_t)r;
		off += 4096 - (la & 0xfff);
	}
	if (!buf)
		return 0;
	for (uint64_t off = 0, i = 0; off < len; i++) {
		uint64_t n = 4096 - (abs[i] & 0xfff);

		if (n > len - off)
			n = len - off;
		if (write)
			vm_write(vcpu->vm, abs[i], (const uint8_t *)buf + off, n);
		else
			vm_read(vcpu->vm, abs[i], (uint8_t *)buf + off, n);
		off += n;
	}
	return 0;
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
 * Channel-subsystem instructions (PoP chapter 14).  The handlers decode
 * operands and leave the semantics to devices/css.c, which returns the
 * condition code or a negative program-interruption code.  Operand
 * addresses are logical (s390_guest_rw: DAT, prefix); an operand that is
 * stored is checked before the instruction changes any state (TSCH,
 * STCRW).  GR1 must hold a valid subsystem-identification word, else
 * operand exception.
 */
static int css_result(struct vcpu *vcpu, int rc)
{
	if (rc < 0)
		return s390_program_interrupt(vcpu, (uint16_t)-rc);
	s390_set_cc(vcpu, (unsigned int)rc);
	return 0;
}

/* The second-operand block of an S-format I/O instruction, aligned to
 * `align`: its logical address, or a negative program-interruption code. */
static int64_t css_operand(struct vcpu *vcpu, uint64_t align)
{
	uint64_t a = s390_icpt_b2d2(vcpu);

	if (a & (align - 1))
		return -PGM_SPECIFICATION;
	return (int64_t)a;
}

/* B2 of an S-format instruction: the access register of its operand. */
static unsigned int icpt_b2(struct vcpu *vcpu)
{
	return vcpu->run->s390_sieic.ipb >> 28;
}

static int handle_subchannel_insn(struct vcpu *vcpu)
{
	struct css *css = vcpu->vm->css;
	uint32_t schid = (uint32_t)s390_gpr(vcpu, 1);
	uint8_t op = vcpu->run->s390_sieic.ipa & 0xff;
	uint8_t buf[SCHIB_SIZE > ORB_SIZE ? SCHIB_SIZE : ORB_SIZE];
	int64_t a;

	if (!css_schid_valid(schid))
		return s390_program_interrupt(vcpu, PGM_OPERAND);
	switch (op) {
	case 0x30:
		return css_result(vcpu, css_csch(css, schid));
	case 0x31:
		return css_result(vcpu, css_hsch(css, schid));
	case 0x38:
		return css_result(vcpu, css_rsch(css, schid));
	case 0x76:
		return css_result(vcpu, css_xsch(css, schid));
	case 0x32:	/* MSCH: SCHIB operand, word aligned */
		if ((a = css_operand(vcpu, 4)) < 0)
			return s390_program_interrupt(vcpu, (uint16_t)-a);
		if (s390_guest_rw(vcpu, (uint64_t)a, icpt_b2(vcpu), buf, SCHIB_SIZE, false))
			return 0;
		return css_result(vcpu, css_msch(css, schid, buf));
	case 0x33:	/* SSCH: ORB operand, word aligned */
		if ((a = css_operand(vcpu, 4)) < 0)
			return s390_program_interrupt(vcpu, (uint16_t)-a);
		if (s390_guest_rw(vcpu, (uint64_t)a, icpt_b2(vcpu), buf, ORB_SIZE, false))
			return 0;
		return css_result(vcpu, css_ssch(css, schid, buf));
	case 0x34:	/* STSCH: SCHIB stored, word aligned */
	default: {
		int rc;

		if ((a = css_operand(vcpu, 4)) < 0)
			return s390_program_interrupt(vcpu, (uint16_t)-a);
		if (s390_guest_rw(vcpu, (uint64_t)a, icpt_b2(vcpu), NULL, SCHIB_SIZE, true))
			return 0;
		rc = css_stsch(css, schid, buf);
		if (rc == 0)
			s390_guest_rw(vcpu, (uint64_t)a, icpt_b2(vcpu), buf, SCHIB_SIZE, true);
		return css_result(vcpu, rc);
	}
	}
}

/* STORE CHANNEL REPORT WORD: a CRW or zeros, cc 0 or 1. */
static int handle_stcrw(struct vcpu *vcpu)
{
	int64_t a = css_operand(vcpu, 4);
	uint8_t crw[CRW_SIZE];
	int cc;

	if (a < 0)
		return s390_program_interrupt(vcpu, (uint16_t)-a);
	if (s390_guest_rw(vcpu, (uint64_t)a, icpt_b2(vcpu), NULL, CRW_SIZE, true))
		return 0;
	cc = css_stcrw(vcpu->vm->css, crw);
	s390_guest_rw(vcpu, (uint64_t)a, icpt_b2(vcpu), crw, CRW_SIZE, true);
	s390_set_cc(vcpu, (unsigned int)cc);
	return 0;
}

/* SET CHANNEL MONITOR: operands in GR1 and GR2. */
static int handle_schm(struct vcpu *vcpu)
{
	return css_result(vcpu, css_schm(vcpu->vm->css, s390_gpr(vcpu, 1),
					 s390_gpr(vcpu, 2)));
}

/* RESET CHANNEL PATH: CHPID in GR1 bits 56-63, bits 32-55 zero. */
static int handle_rchp(struct vcpu *vcpu)
{
	uint32_t gr1 = (uint32_t)s390_gpr(vcpu, 1);

	if (gr1 & 0xffffff00U)
		return s390_program_interrupt(vcpu, PGM_OPERAND);
	return css_result(vcpu, css_rchp(vcpu->vm->css, (uint8_t)gr1));
}

/* SET ADDRESS LIMIT: the limit in GR1 is accepted but unused (ORB
 * address-limit checking is not offered); bit 32 and bits 48-63 must be
 * zero, else operand exception. */
static int handle_sal(struct vcpu *vcpu)
{
	if ((uint32_t)s390_gpr(vcpu, 1) & 0x8000ffffU)
		return s390_program_interrupt(vcpu, PGM_OPERAND);
	return 0;
}

/* CHANNEL SUBSYSTEM CALL: R1 holds the 4K-aligned command block. */
static int handle_chsc(struct vcpu *vcpu)
{
	uint32_t ipb = vcpu->run->s390_sieic.ipb;
	unsigned int r1 = (ipb >> 20) & 0xf;
	uint64_t a = s390_gpr(vcpu, r1);
	uint8_t *block;
	int64_t abs;
	int rc;

	if (a & 0xfff)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	/* The block is one page, read and written in place. */
	abs = operand_page(vcpu, a, r1, true);
	if (abs < 0)
		return 0;
	block = vm_absolute(vcpu->vm, (uint64_t)abs, 4096);
	if (!block)
		return s390_program_interrupt(vcpu, PGM_ADDRESSING);
	rc = css_chsc(vcpu->vm->css, block);
	if (rc == 0)	/* the response went into the block */
		vm_mark_dirty(vcpu->vm, (uint64_t)abs, 4096);
	return css_result(vcpu, rc);
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
	{ 0x37, "SAL", handle_sal },
	{ 0x38, "RSCH", handle_subchannel_insn },
	{ 0x39, "STCRW", handle_stcrw },
	{ 0x3b, "RCHP", handle_rchp },
	{ 0x3c, "SCHM", handle_schm },
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
/* Linux's PSW after an SCLP signal quiesce (system_powerdown) or a halt
 * on a machine that quiesced: a disabled wait at 0xfff.  QEMU ends such a
 * guest as shut down, any other disabled wait as a guest panic. */
#define QUIESCE_PSW_ADDR	0xfffULL

int s390_handle_wait(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (vcpu->run->psw_addr == QUIESCE_PSW_ADDR) {
		vm_request_end(vm, VM_END_SHUTDOWN, "CPU %u quiesced (disabled "
			       "wait at 0xfff): guest shut down", vcpu->id);
		return 0;
	}
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

/* DIAG 0x308 subcodes 3 and 4 (re-IPL): the machine is reset and the
 * guest loaded again, as QEMU reboots; with -no-reboot minivmm ends
 * instead (exit status 0, "guest requested a ... reset and re-IPL"). */
int s390_handle_reset(struct vcpu *vcpu)
{
	if (vcpu->vm->reboot_allowed) {
		vm_request_reboot(vcpu);
		return 0;
	}
	vm_request_end(vcpu->vm, VM_END_RESET,
		       "guest requested a %s reset and re-IPL (DIAG 0x308)",
		       (vcpu->run->s390_reset_flags & KVM_S390_RESET_CLEAR) ?
		       "clear" : "normal");
	return 0;
}

/* STSI 3.2.2 with KVM_CAP_S390_USER_STSI: describe this VM (PoP
 * "SYSIB 3.2.2": a description of 64 bytes from byte 32 with the CPU
 * counts at 4-7, the name at 12, the capability adjustment factor at 20
 * and the control-program identifier at 24): name "MINIVMM", identifier
 * "KVM/Linux" in EBCDIC, which is how Linux recognizes KVM.  The operand
 * is a logical address; the CPU checked it for storing before the exit. */
int s390_handle_stsi(struct vcpu *vcpu)
{
	static const uint8_t name[8] = { 0xD4, 0xC9, 0xD5, 0xC9, 0xE5, 0xD4, 0xD4, 0x40 };
	static const uint8_t cpi[16] = { 0xD2, 0xE5, 0xD4, 0x61, 0xD3, 0x89, 0x95, 0xA4,
					 0xA7, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40 };
	struct kvm_run *run = vcpu->run;
	uint8_t sysib[4096] = { 0 };
	uint16_t n = (uint16_t)vcpu->vm->ncpus;

	if (run->s390_stsi.fc != 3 || run->s390_stsi.sel1 != 2 ||
	    run->s390_stsi.sel2 != 2)
		return 0;
	sysib[31] = 1;			/* count of descriptions */
	uint8_t *d = sysib + 32;	/* first description */
	be16_st(d + 4, n);		/* total CPUs */
	be16_st(d + 6, n);		/* configured */
	memcpy(d + 12, name, sizeof(name));
	be32_st(d + 20, 1000);		/* caf: one CPU's capacity */
	memcpy(d + 24, cpi, sizeof(cpi));
	s390_guest_rw(vcpu, run->s390_stsi.addr, run->s390_stsi.ar, sysib,
		      sizeof(sysib), true);
	return 0;
}

/* TEST SUBCHANNEL after the kernel dequeued (or not) an I/O interruption
 * for the subchannel (KVM_EXIT_S390_TSCH): the IRB goes to the operand
 * (ipb carries B2/D2), word aligned. */
int s390_handle_tsch(struct vcpu *vcpu)
{
	uint32_t schid = (uint32_t)s390_gpr(vcpu, 1);
	uint32_t ipb = vcpu->run->s390_tsch.ipb;
	unsigned int b2 = ipb >> 28;
	uint64_t a = (ipb >> 16) & 0xfff;
	uint64_t mask = vcpu->run->psw_mask;
	uint8_t irb[IRB_SIZE];
	int rc;

	if (b2)
		a += s390_gpr(vcpu, b2);
	if (!(mask & PSW_MASK_EA))
		a &= (mask & PSW_MASK_BA) ? 0x7fffffffULL : 0xffffffULL;
	if (!css_schid_valid(schid))
		return s390_program_interrupt(vcpu, PGM_OPERAND);
	if (a & 3)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	if (s390_guest_rw(vcpu, a, b2, NULL, IRB_SIZE, true))
		return 0;
	rc = css_tsch(vcpu->vm->css, schid, irb);
	if (rc != 3)
		s390_guest_rw(vcpu, a, b2, irb, IRB_SIZE, true);
	return css_result(vcpu, rc);
}
