/* SPDX-License-Identifier: MIT */
/*
 * Control and system instructions of the software CPU (PoP chapter 10,
 * "Control Instructions", and the interlocked-update instructions of
 * chapter 7), and the instructions that leave the CPU for userspace the
 * way KVM forwards them (SERVC, channel I/O, DIAG, SIGP).
 *
 * Where KVM handles an instruction in the kernel (STFL, SPX/STPX, STIDP,
 * STAP, ISKE/SSKE/RRBE, TPI, the fast SIGP orders, DIAG 0x44/0x9c, STSI
 * levels 1-2), it is done here; the rest exit with the instruction
 * intercept (icptcode 4) and the PSW past the instruction.
 */
#include <stdio.h>
#include <string.h>

#include "arch/s390x/dat.h"
#include "arch/s390x/softcpu.h"

/*
 * Facility list for STFL/STFLE (PoP "Facility Indications"): exactly the
 * facilities this CPU implements.  Bit n is bit 63-(n%64) of word n/64.
 */
#define FAC(n)	(1ULL << (63 - ((n) % 64)))
const uint64_t soft_facilities[4] = {
	FAC(0) |	/* N3 instructions */
	FAC(1) |	/* z/Architecture installed */
	FAC(2) |	/* z/Architecture active */
	FAC(3) |	/* DAT enhancement 1: IDTE, CSPG (dat.c) */
	FAC(7) |	/* STFLE */
	FAC(18) |	/* long displacement */
	FAC(19) |	/* long displacement, high performance */
	FAC(21) |	/* extended immediate */
	FAC(25) |	/* store clock fast */
	FAC(27) |	/* move with optional specifications */
	FAC(32) |	/* compare and swap and store */
	FAC(33) |	/* compare and swap and store 2 */
	FAC(34) |	/* general-instructions extension */
	FAC(35) |	/* execute extensions */
	FAC(40) |	/* load program parameter */
	FAC(41) |	/* floating-point support enhancement */
	FAC(45),	/* distinct operands, high word, interlocked access 1,
			 * load/store on condition 1, population count */
	0,
	0,
	0,
};

#define STFLE_DOUBLEWORDS	1

/* The S-format operand address, which must be aligned (else a
 * specification exception). */
static uint64_t aligned_s_operand(struct s390_cpu *cpu, uint64_t insn,
				  uint64_t align)
{
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	if (a & (align - 1))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	return a;
}

/* ---- PSW and control registers ------------------------------------ */

/* A PSW is valid when the unassigned bits (0, 2-4, 12, 24-30, 33-63) are
 * zero and the addressing mode is 24, 31 or 64 bit with an address that
 * fits it (PoP "Exceptions Associated with the PSW").  Bit 24 is the
 * runtime-instrumentation bit, unassigned without that facility.  An odd
 * instruction address is not a PSW-format error: it is recognized when
 * the instruction is fetched. */
#define PSW_MASK_BITS_24_30	0x000000FE00000000ULL

static bool psw_valid(uint64_t mask, uint64_t addr)
{
	if (mask & (PSW_MASK_RESERVED | PSW_MASK_BIT12 | PSW_MASK_BITS_24_30))
		return false;
	if ((mask & PSW_MASK_EA) && !(mask & PSW_MASK_BA))
		return false;
	if (!(mask & PSW_MASK_EA) && (addr >> 31))
		return false;
	if (!(mask & PSW_MASK_BA) && (addr >> 24))
		return false;
	return true;
}

/*
 * Make mask/addr the current PSW.  A PSW-format error is recognized early
 * (PoP "Early Exception Recognition"): the instruction that introduced the
 * PSW completes, and the specification exception follows with ILC 0 and
 * the invalid PSW as the program old PSW.
 */
static void load_psw_checked(struct s390_cpu *cpu, uint64_t mask, uint64_t addr)
{
	cpu_load_psw(cpu, mask, addr);
	if (!psw_valid(mask, addr)) {
		cpu->ilen = 0;
		cpu->insn_addr = addr;
		cpu_pgm(cpu, PGM_SPECIFICATION);
	}
}

static void op_lpswe(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = aligned_s_operand(cpu, insn, 8);
	uint64_t mask = cpu_ld64(cpu, a);
	uint64_t addr = cpu_ld64(cpu, a + 8);
	load_psw_checked(cpu, mask, addr);
}

/* LPSW loads an ESA/390-format short PSW: bits 0-32 go to PSW bits 0-32
 * with bit 12 inverted, bits 33-63 to the instruction address.  A short
 * PSW with bit 12 zero thus becomes a z PSW with bit 12 one: an early
 * specification exception. */
static void op_lpsw(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint32_t w0 = cpu_ld32(cpu, a), w1 = cpu_ld32(cpu, a + 4);
	uint64_t mask = ((uint64_t)(w0 ^ 0x00080000U) << 32) |
			((w1 & 0x80000000U) ? PSW_MASK_BA : 0);
	uint64_t addr = w1 & 0x7fffffffU;
	load_psw_checked(cpu, mask, addr);
}

/* Bits 0 and 2-4 of the system mask must be zero: a one there is a
 * PSW-format error, recognized early like any other. */
static void set_system_mask(struct s390_cpu *cpu, uint8_t m)
{
	load_psw_checked(cpu, (cpu_get_psw_mask(cpu) & 0x00FFFFFFFFFFFFFFULL) |
			 ((uint64_t)m << 56), cpu->psw_addr);
}

static void op_ssm(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint8_t m = cpu_ld8(cpu, cpu_ea(cpu, 0, F_B2(insn), F_D2(insn)));
	set_system_mask(cpu, m);
}

static void stxsm(struct s390_cpu *cpu, uint64_t insn, bool or)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_SI_B1(insn), F_SI_D1(insn));
	uint8_t old = (uint8_t)(cpu->psw_mask >> 56);
	uint8_t i2 = F_SI_I2(insn);
	cpu_st8(cpu, a, old);
	set_system_mask(cpu, or ? (old | i2) : (old & i2));
}

static void op_stosm(struct s390_cpu *cpu, uint64_t insn) { stxsm(cpu, insn, true); }
static void op_stnsm(struct s390_cpu *cpu, uint64_t insn) { stxsm(cpu, insn, false); }

static void op_ipm(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn);
	uint32_t pm = (uint32_t)((cpu->psw_mask & PSW_MASK_PM) >> PSW_SHIFT_PM);
	uint32_t v = (cpu->cc << 28) | (pm << 24);
	gr_set_lo(cpu, r1, (gr_lo(cpu, r1) & 0x00ffffffU) | v);
}

static void op_spm(struct s390_cpu *cpu, uint64_t insn)
{
	uint32_t v = gr_lo(cpu, F_R1(insn));
	cpu->cc = (v >> 28) & 3;
	cpu->psw_mask = (cpu->psw_mask & ~PSW_MASK_PM) |
			((uint64_t)((v >> 24) & 0xf) << PSW_SHIFT_PM);
}

static void op_epsw(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t m = cpu_get_psw_mask(cpu);
	gr_set_lo(cpu, F_RRE_R1(insn), (uint32_t)(m >> 32));
	if (F_RRE_R2(insn))
		gr_set_lo(cpu, F_RRE_R2(insn), (uint32_t)m);
}

/* LCTL/LCTLG/STCTL/STCTG: registers r1 through r3, wrapping after 15. */
static void op_lctlg(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));
	uint64_t v[16];
	unsigned n = ((r3 - r1) & 15) + 1;

	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	for (unsigned i = 0; i < n; i++)
		v[i] = cpu_ld64(cpu, a + 8 * i);
	for (unsigned i = 0; i < n; i++)
		cpu->cr[(r1 + i) & 15] = v[i];
	cpu_cr_changed(cpu);
}

static void op_lctl(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
	uint32_t v[16];
	unsigned n = ((r3 - r1) & 15) + 1;

	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	for (unsigned i = 0; i < n; i++)
		v[i] = cpu_ld32(cpu, a + 4 * i);
	for (unsigned i = 0; i < n; i++) {
		unsigned r = (r1 + i) & 15;
		cpu->cr[r] = (cpu->cr[r] & 0xffffffff00000000ULL) | v[i];
	}
	cpu_cr_changed(cpu);
}

static void op_stctg(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));
	unsigned n = ((r3 - r1) & 15) + 1;
	uint8_t buf[128];

	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	for (unsigned i = 0; i < n; i++)
		be64_st(buf + 8 * i, cpu->cr[(r1 + i) & 15]);
	cpu_st_bytes(cpu, a, buf, 8 * n);
}

static void op_stctl(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
	unsigned n = ((r3 - r1) & 15) + 1;
	uint8_t buf[64];

	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	for (unsigned i = 0; i < n; i++)
		be32_st(buf + 4 * i, (uint32_t)cpu->cr[(r1 + i) & 15]);
	cpu_st_bytes(cpu, a, buf, 4 * n);
}

/* ---- Prefix, CPU identity, facilities ----------------------------- */

static void op_spx(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = aligned_s_operand(cpu, insn, 4);
	uint32_t p = cpu_ld32(cpu, a) & PREFIX_MASK;
	if ((uint64_t)p + LOWCORE_SIZE > cpu->mem_size)
		cpu_pgm(cpu, PGM_ADDRESSING);
	cpu->prefix = p;
	cpu_tlb_flush(cpu);
}

static void op_stpx(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = aligned_s_operand(cpu, insn, 4);
	cpu_st32(cpu, a, cpu->prefix);
}

/* CPU ID: version 0, CPU number from the address, machine type 2827
 * (zEC12), format 0. */
static void op_stidp(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = aligned_s_operand(cpu, insn, 8);
	uint64_t id = ((uint64_t)(cpu->vcpu->id & 0xffffff) << 32) |
		      (0x2827ULL << 16);
	cpu_st64(cpu, a, id);
}

static void op_stap(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = aligned_s_operand(cpu, insn, 2);
	cpu_st16(cpu, a, (uint16_t)cpu->vcpu->id);
}

static void op_stfl(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	cpu_require_supervisor(cpu);
	uint8_t *p = cpu_real_ptr(cpu, LC_STFL_FAC_LIST, 4, true);
	be32_st(p, (uint32_t)(soft_facilities[0] >> 32));
}

static void op_stfle(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	unsigned want = (unsigned)(cpu->gr[0] & 0xff) + 1;
	unsigned n = want < STFLE_DOUBLEWORDS ? want : STFLE_DOUBLEWORDS;

	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	cpu_check_range(cpu, a, 8ULL * n, ACC_STORE);
	for (unsigned i = 0; i < n; i++)
		cpu_st64(cpu, a + 8 * i, soft_facilities[i]);
	cpu->cc = want < STFLE_DOUBLEWORDS ? 3 : 0;
	cpu->gr[0] = (cpu->gr[0] & ~0xffULL) | (STFLE_DOUBLEWORDS - 1);
}

/* ---- TOD clock, clock comparator, CPU timer ----------------------- */

/* STCK values are unique and increasing across the CPUs of a VM. */
static uint64_t unique_tod(struct s390_cpu *cpu)
{
	_Atomic uint64_t *last = &cpu->svm->last_tod;
	uint64_t t = cpu_tod(cpu);
	uint64_t prev = atomic_load(last);

	while (1) {
		uint64_t v = t > prev ? t : prev + 1;
		if (atomic_compare_exchange_weak(last, &prev, v))
			return v;
	}
}

static void op_stck(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_st64(cpu, cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn)), unique_tod(cpu));
	cpu->cc = 0;
}

static void op_stckf(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_st64(cpu, cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn)), cpu_tod(cpu));
	cpu->cc = 0;
}

/* STCKE: epoch index (0), the 64-bit TOD, zero bits, the TOD programmable
 * field in the last two bytes. */
static void op_stcke(struct s390_cpu *cpu, uint64_t insn)
{
	uint8_t buf[16] = { 0 };
	uint64_t t = unique_tod(cpu);

	be64_st(buf + 1, t);
	be16_st(buf + 14, (uint16_t)cpu->todpr);
	cpu_st_bytes(cpu, cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn)), buf, 16);
	cpu->cc = 0;
}

static void op_sck(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = aligned_s_operand(cpu, insn, 8);
	uint64_t t = cpu_ld64(cpu, a);
	cpu->vcpu->vm->ops->set_tod(cpu->vcpu->vm, t);
	cpu->cc = 0;
}

static void op_sckpf(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	cpu_require_supervisor(cpu);
	if (cpu->gr[0] & 0xffff0000U)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	cpu->todpr = (uint32_t)(cpu->gr[0] & 0xffff);
}


static void op_sckc(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	cpu->ckc = cpu_ld64(cpu, aligned_s_operand(cpu, insn, 8));
	cpu_attention(cpu);
}

static void op_stckc(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	cpu_st64(cpu, aligned_s_operand(cpu, insn, 8), cpu->ckc);
}

static void op_spt(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	soft_set_cputm(cpu, (int64_t)cpu_ld64(cpu, aligned_s_operand(cpu, insn, 8)));
	cpu_attention(cpu);
}

static void op_stpt(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	cpu_st64(cpu, aligned_s_operand(cpu, insn, 8), (uint64_t)soft_get_cputm(cpu));
}

static void op_lpp(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	cpu->pp = cpu_ld64(cpu, aligned_s_operand(cpu, insn, 8));
}

/* ---- PSW key, address-space control ------------------------------- */

static void op_spka(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned key = (unsigned)(cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn)) >> 4) & 0xf;

	/* Problem state: the PSW-key mask in CR3 bits 32-47 must allow it. */
	if ((cpu->psw_mask & PSW_MASK_PSTATE) &&
	    !(cpu->cr[3] & (0x80000000ULL >> key)))
		cpu_pgm(cpu, PGM_PRIVILEGED);
	cpu_load_psw(cpu, (cpu_get_psw_mask(cpu) & ~PSW_MASK_KEY) |
		     ((uint64_t)key << PSW_SHIFT_KEY), cpu->psw_addr);
}

static void op_ipk(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	if ((cpu->psw_mask & PSW_MASK_PSTATE) && !(cpu->cr[0] & (1ULL << 27)))
		cpu_pgm(cpu, PGM_PRIVILEGED);
	uint64_t key = (cpu->psw_mask & PSW_MASK_KEY) >> PSW_SHIFT_KEY;
	cpu->gr[2] = (cpu->gr[2] & ~0xf0ULL) | (key << 4);
}

/* SAC/SACF: without DAT the address-space control has no meaning, and the
 * PoP makes SAC a special-operation exception in the real mode. */
static void op_sacf(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned mode = (unsigned)(cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn)) >> 8) & 0xf;
	uint64_t asc;

	if (!(cpu->psw_mask & PSW_MASK_DAT))
		cpu_pgm(cpu, PGM_SPECIAL_OPERATION);
	switch (mode) {
	case 0: asc = PSW_ASC_PRIMARY; break;
	case 1: asc = PSW_ASC_SECONDARY; break;
	case 2: asc = PSW_ASC_ACCREG; break;
	case 3: asc = PSW_ASC_HOME; break;
	default:
		cpu_pgm(cpu, PGM_SPECIFICATION);
	}
	if (asc == PSW_ASC_HOME && (cpu->psw_mask & PSW_MASK_PSTATE))
		cpu_pgm(cpu, PGM_SPECIAL_OPERATION);
	cpu_load_psw(cpu, (cpu_get_psw_mask(cpu) & ~PSW_MASK_ASC) |
		     (asc << PSW_SHIFT_ASC), cpu->psw_addr);
}

/*
 * MOVE WITH OPTIONAL SPECIFICATIONS (SSF; facility 27), Linux's user-copy
 * instruction.  GR0 bits 32-47 and 48-63 are the operand-access controls
 * of the first and second operand: access key (bits 0-3), address-space
 * control (bits 8-9), key valid (bit 14), AS valid (bit 15); a control
 * that is not valid is taken from the PSW.  R3 is the true length; at
 * most 4096 bytes are moved (cc 3 when more were asked for, else cc 0).
 * Special operation: DAT off, home space in the problem state, secondary
 * space with the secondary-space control (CR0 bit 37) zero.  Privileged
 * operation: a key the PSW-key mask (CR3 bits 32-47) does not allow in
 * the problem state.
 */
#define CR0_SECONDARY_SPACE	0x0000000004000000ULL	/* bit 37 */

struct oac {
	unsigned key, as;
};

static struct oac mvcos_oac(const struct s390_cpu *cpu, uint16_t v)
{
	struct oac o = {
		(unsigned)((cpu->psw_mask & PSW_MASK_KEY) >> PSW_SHIFT_KEY),
		(unsigned)((cpu->psw_mask & PSW_MASK_ASC) >> PSW_SHIFT_ASC),
	};

	if (v & 0x0002)
		o.key = v >> 12;
	if (v & 0x0001) {
		o.as = (v >> 6) & 3;
		if (o.as == PSW_ASC_HOME && (cpu->psw_mask & PSW_MASK_PSTATE))
			cpu_pgm((struct s390_cpu *)cpu, PGM_SPECIAL_OPERATION);
	}
	return o;
}

static void op_mvcos(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r3 = F_R1(insn);
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));
	uint64_t len = cpu->gr[r3];

	if (!(cpu->psw_mask & PSW_MASK_DAT))
		cpu_pgm(cpu, PGM_SPECIAL_OPERATION);
	struct oac o1 = mvcos_oac(cpu, (uint16_t)(cpu->gr[0] >> 16));
	struct oac o2 = mvcos_oac(cpu, (uint16_t)cpu->gr[0]);
	if ((o1.as == PSW_ASC_SECONDARY || o2.as == PSW_ASC_SECONDARY) &&
	    !(cpu->cr[0] & CR0_SECONDARY_SPACE))
		cpu_pgm(cpu, PGM_SPECIAL_OPERATION);
	if ((cpu->psw_mask & PSW_MASK_PSTATE) &&
	    (!((cpu->cr[3] >> (31 - o1.key)) & 1) ||
	     !((cpu->cr[3] >> (31 - o2.key)) & 1)))
		cpu_pgm(cpu, PGM_PRIVILEGED);
	if (!(cpu->psw_mask & PSW_MASK_EA))
		len &= 0xffffffffULL;
	cpu->cc = 0;
	if (len > 4096) {
		len = 4096;
		cpu->cc = 3;
	}

	/* Each operand in its own address space and with its own key. */
	dat_move(cpu, a1, o1.as, o1.key, a2, o2.as, o2.key, len);
}

/* ---- Storage keys ------------------------------------------------- */

/* The absolute frame of the real address in R2 (addressing exception when
 * outside storage). */
static uint64_t key_frame(struct s390_cpu *cpu, unsigned r2)
{
	uint64_t real = cpu_wrap(cpu, cpu->gr[r2]);
	uint64_t abs = (uint64_t)(cpu_real_ptr(cpu, real, 1, false) - cpu->mem);
	return abs >> 12;
}

static void op_iske(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t f = key_frame(cpu, F_RRE_R2(insn));
	unsigned r1 = F_RRE_R1(insn);
	cpu->gr[r1] = (cpu->gr[r1] & ~0xffULL) | (cpu->svm->skeys[f] & 0xfe);
}

static void op_sske(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned m3 = F_RRF_R3(insn);
	uint64_t f = key_frame(cpu, F_RRE_R2(insn));
	uint8_t nk = (uint8_t)cpu->gr[F_RRE_R1(insn)] & 0xfe;
	uint8_t *k = &cpu->svm->skeys[f];

	/* M3: MR (bit 1) / MC (bit 2) keep the reference / change bit. */
	if (m3 & 0x4)
		nk = (uint8_t)((nk & ~0x04) | (*k & 0x04));
	if (m3 & 0x2)
		nk = (uint8_t)((nk & ~0x02) | (*k & 0x02));
	__atomic_store_n(k, nk, __ATOMIC_RELAXED);
	soft_tlb_flush_all(cpu->svm);
}

static void op_rrbe(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t f = key_frame(cpu, F_RRE_R2(insn));
	uint8_t old = __atomic_fetch_and(&cpu->svm->skeys[f], (uint8_t)~0x04,
					 __ATOMIC_RELAXED);
	cpu->cc = (old >> 1) & 3;	/* R in the high, C in the low bit */
	if (old & 0x04)
		soft_tlb_flush_all(cpu->svm);
}

/* TPROT: can storage at the first-operand address be fetched/stored with
 * the access key in bits 56-59 of the second-operand address? */
static void op_tprot(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	unsigned key = (unsigned)(cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn)) >> 4) & 0xf;

	uint64_t real = a;
	bool dat_prot = false;

	/* DAT on: no translation available is cc 3; a DAT-protected page
	 * can at most be fetched (dat.c). */
	if ((cpu->psw_mask & PSW_MASK_DAT) && !dat_tprot(cpu, a, &real, &dat_prot)) {
		cpu->cc = 3;
		return;
	}
	uint64_t abs = (uint64_t)(cpu_real_ptr(cpu, real, 1, false) - cpu->mem);
	uint8_t k = cpu->svm->skeys[abs >> 12];

	if (key == 0 || (k >> 4) == key)
		cpu->cc = dat_prot ? 1 : 0;
	else if (!(k & 0x08))
		cpu->cc = 1;
	else
		cpu->cc = 2;
}

/* PURGE TLB: this CPU's entries only (dat.c has the broadcast purges). */
static void op_ptlb(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	cpu_require_supervisor(cpu);
	cpu_tlb_flush(cpu);
}

/* ---- Interlocked updates (PoP "COMPARE AND SWAP", "LOAD AND ADD") -- */

static void op_cs(struct s390_cpu *cpu, uint64_t insn, int64_t disp)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), disp);

	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint32_t *p = (uint32_t *)cpu_ptr(cpu, a, 4, ACC_STORE);
	uint32_t expect = CPU_BE32(gr_lo(cpu, r1));
	uint32_t desired = CPU_BE32(gr_lo(cpu, r3));
	if (__atomic_compare_exchange_n(p, &expect, desired, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		cpu->cc = 0;
	} else {
		gr_set_lo(cpu, r1, CPU_BE32(expect));
		cpu->cc = 1;
	}
}

static void op_cs_rs(struct s390_cpu *cpu, uint64_t insn) { op_cs(cpu, insn, F_D2(insn)); }
static void op_csy(struct s390_cpu *cpu, uint64_t insn) { op_cs(cpu, insn, f_dl_dh(insn)); }

static void op_csg(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));

	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint64_t *p = (uint64_t *)cpu_ptr(cpu, a, 8, ACC_STORE);
	uint64_t expect = CPU_BE64(cpu->gr[r1]);
	uint64_t desired = CPU_BE64(cpu->gr[r3]);
	if (__atomic_compare_exchange_n(p, &expect, desired, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		cpu->cc = 0;
	} else {
		cpu->gr[r1] = CPU_BE64(expect);
		cpu->cc = 1;
	}
}

/* CDS: the even/odd pairs r1 and r3 against a doubleword. */
static void op_cds(struct s390_cpu *cpu, uint64_t insn, int64_t disp)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), disp);

	if ((r1 | r3) & 1 || (a & 7))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint64_t *p = (uint64_t *)cpu_ptr(cpu, a, 8, ACC_STORE);
	uint64_t expect = CPU_BE64(((uint64_t)gr_lo(cpu, r1) << 32) | gr_lo(cpu, r1 + 1));
	uint64_t desired = CPU_BE64(((uint64_t)gr_lo(cpu, r3) << 32) | gr_lo(cpu, r3 + 1));
	if (__atomic_compare_exchange_n(p, &expect, desired, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		cpu->cc = 0;
	} else {
		uint64_t v = CPU_BE64(expect);
		gr_set_lo(cpu, r1, (uint32_t)(v >> 32));
		gr_set_lo(cpu, r1 + 1, (uint32_t)v);
		cpu->cc = 1;
	}
}

static void op_cds_rs(struct s390_cpu *cpu, uint64_t insn) { op_cds(cpu, insn, F_D2(insn)); }
static void op_cdsy(struct s390_cpu *cpu, uint64_t insn) { op_cds(cpu, insn, f_dl_dh(insn)); }

/*
 * CDSG: 16 bytes.  The host may lack a 16-byte compare-and-swap, so the
 * quadword is updated under a lock shared by all CDSG users of the VM;
 * guests pair CDSG with CDSG on the same quadword (Linux does).
 */
static void op_cdsg(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));

	if ((r1 | r3) & 1 || (a & 15))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint8_t *p = cpu_ptr(cpu, a, 16, ACC_STORE);
	pthread_mutex_lock(&cpu->svm->cdsg_lock);
	uint64_t hi = be64_ld(p), lo = be64_ld(p + 8);
	if (hi == cpu->gr[r1] && lo == cpu->gr[r1 + 1]) {
		be64_st(p, cpu->gr[r3]);
		be64_st(p + 8, cpu->gr[r3 + 1]);
		cpu->cc = 0;
	} else {
		cpu->gr[r1] = hi;
		cpu->gr[r1 + 1] = lo;
		cpu->cc = 1;
	}
	pthread_mutex_unlock(&cpu->svm->cdsg_lock);
}

/*
 * COMPARE AND SWAP AND STORE (SSF; facilities 32 and 33).  GR0 bits 56-63
 * are the function code (0: 4-byte, 1: 8-byte, 2: 16-byte compare and
 * swap of the first operand against R3 / the pair R3, R3+1), bits 48-55
 * the store characteristic (the second operand is 1 << SC bytes, SC
 * 0-4).  GR1 addresses a 16-byte aligned parameter list: the replacement
 * value left-justified at +0, the store value left-justified at +16.
 * When the comparison is equal, the replacement value goes to the first
 * operand, the store value to the second, cc 0; else R3 gets the first
 * operand, cc 1.  Both operands must be aligned on their size.
 */
static void op_csst(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r3 = F_R1(insn);
	unsigned fc = (unsigned)(cpu->gr[0] & 0xff);
	unsigned sc = (unsigned)((cpu->gr[0] >> 8) & 0xff);
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));
	uint64_t pl = cpu_wrap(cpu, cpu->gr[1]) & ~15ULL;

	if (fc > 2 || sc > 4 || (fc == 2 && (r3 & 1)))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	unsigned size1 = 4U << fc, size2 = 1U << sc;
	if ((a1 & (size1 - 1)) || (a2 & (size2 - 1)))
		cpu_pgm(cpu, PGM_SPECIFICATION);

	uint8_t parm[32];
	cpu_ld_bytes(cpu, pl, parm, sizeof(parm));
	uint8_t *p1 = cpu_ptr(cpu, a1, size1, ACC_STORE);
	uint8_t *p2 = cpu_ptr(cpu, a2, size2, ACC_STORE);
	bool equal;

	/* The compare-and-swap and the store appear as one interlocked update
	 * to other CSST/CDSG users of the VM; the compare-and-swap alone is
	 * interlocked against every other CPU's CS/CSG. */
	pthread_mutex_lock(&cpu->svm->cdsg_lock);
	if (fc == 0) {
		uint32_t expect = CPU_BE32(gr_lo(cpu, r3));
		uint32_t desired;
		memcpy(&desired, parm, 4);
		equal = __atomic_compare_exchange_n((uint32_t *)p1, &expect, desired,
						    false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
		if (!equal)
			gr_set_lo(cpu, r3, CPU_BE32(expect));
	} else if (fc == 1) {
		uint64_t expect = CPU_BE64(cpu->gr[r3]);
		uint64_t desired;
		memcpy(&desired, parm, 8);
		equal = __atomic_compare_exchange_n((uint64_t *)p1, &expect, desired,
						    false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
		if (!equal)
			cpu->gr[r3] = CPU_BE64(expect);
	} else {
		uint64_t hi = be64_ld(p1), lo = be64_ld(p1 + 8);
		equal = hi == cpu->gr[r3] && lo == cpu->gr[r3 + 1];
		if (equal) {
			memcpy(p1, parm, 16);
		} else {
			cpu->gr[r3] = hi;
			cpu->gr[r3 + 1] = lo;
		}
	}
	if (equal)
		memcpy(p2, parm + 16, size2);
	pthread_mutex_unlock(&cpu->svm->cdsg_lock);
	cpu->cc = equal ? 0 : 1;
}

/* TEST AND SET: leftmost bit of the byte to cc, byte set to ones. */
static void op_ts(struct s390_cpu *cpu, uint64_t insn)
{
	uint8_t *p = cpu_ptr(cpu, cpu_ea(cpu, 0, F_SI_B1(insn), F_SI_D1(insn)), 1,
			     ACC_STORE);
	uint8_t old = __atomic_exchange_n(p, 0xff, __ATOMIC_SEQ_CST);
	cpu->cc = old >> 7;
}

enum la_op { LA_ADD, LA_ADDL, LA_AND, LA_OR, LA_XOR };

/* LOAD AND ADD/AND/OR/EXCLUSIVE OR (interlocked-access facility 1). */
static void load_and(struct s390_cpu *cpu, uint64_t insn, bool g, enum la_op op)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));
	unsigned size = g ? 8 : 4;

	if (a & (size - 1))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint8_t *p = cpu_ptr(cpu, a, size, ACC_STORE);
	uint64_t v3 = g ? cpu->gr[r3] : gr_lo(cpu, r3);
	uint64_t old, res;
	bool carry = false;

	for (;;) {
		if (g) {
			uint64_t raw = __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
			old = CPU_BE64(raw);
		} else {
			uint32_t raw = __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST);
			old = CPU_BE32(raw);
		}
		switch (op) {
		case LA_ADD:
		case LA_ADDL:
			res = old + v3;
			break;
		case LA_AND:
			res = old & v3;
			break;
		case LA_OR:
			res = old | v3;
			break;
		default:
			res = old ^ v3;
			break;
		}
		if (!g)
			res = (uint32_t)res;
		bool ok;
		if (g) {
			uint64_t e = CPU_BE64(old), d = CPU_BE64(res);
			ok = __atomic_compare_exchange_n((uint64_t *)p, &e, d, false,
							 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		} else {
			uint32_t e = CPU_BE32((uint32_t)old), d = CPU_BE32((uint32_t)res);
			ok = __atomic_compare_exchange_n((uint32_t *)p, &e, d, false,
							 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		}
		if (ok)
			break;
	}
	if (g)
		cpu->gr[r1] = old;
	else
		gr_set_lo(cpu, r1, (uint32_t)old);

	switch (op) {
	case LA_ADD: {
		int64_t s = g ? (int64_t)res : (int32_t)res;
		int64_t x = g ? (int64_t)old : (int32_t)old;
		int64_t y = g ? (int64_t)v3 : (int32_t)v3;
		bool ovf = (x >= 0) == (y >= 0) && (s >= 0) != (x >= 0);
		cpu->cc = ovf ? 3 : s == 0 ? 0 : s < 0 ? 1 : 2;
		if (ovf && (cpu->psw_mask & ((uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM)))
			cpu_pgm(cpu, PGM_FIXPOINT_OVERFLOW);
		break;
	}
	case LA_ADDL:
		carry = g ? res < old : (uint32_t)res < (uint32_t)old;
		cpu->cc = (res != 0) | (carry << 1);
		break;
	default:
		cpu->cc = res != 0;
		break;
	}
}

static void op_laa(struct s390_cpu *c, uint64_t i) { load_and(c, i, false, LA_ADD); }
static void op_laag(struct s390_cpu *c, uint64_t i) { load_and(c, i, true, LA_ADD); }
static void op_laal(struct s390_cpu *c, uint64_t i) { load_and(c, i, false, LA_ADDL); }
static void op_laalg(struct s390_cpu *c, uint64_t i) { load_and(c, i, true, LA_ADDL); }
static void op_lan(struct s390_cpu *c, uint64_t i) { load_and(c, i, false, LA_AND); }
static void op_lang(struct s390_cpu *c, uint64_t i) { load_and(c, i, true, LA_AND); }
static void op_lao(struct s390_cpu *c, uint64_t i) { load_and(c, i, false, LA_OR); }
static void op_laog(struct s390_cpu *c, uint64_t i) { load_and(c, i, true, LA_OR); }
static void op_lax(struct s390_cpu *c, uint64_t i) { load_and(c, i, false, LA_XOR); }
static void op_laxg(struct s390_cpu *c, uint64_t i) { load_and(c, i, true, LA_XOR); }

/* ---- Access registers --------------------------------------------- */

static void lam_stam(struct s390_cpu *cpu, uint64_t insn, int64_t disp, bool load)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint64_t a = cpu_ea(cpu, 0, F_B2(insn), disp);
	unsigned n = ((r3 - r1) & 15) + 1;
	uint8_t buf[64];

	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	if (load) {
		cpu_ld_bytes(cpu, a, buf, 4 * n);
		for (unsigned i = 0; i < n; i++)
			cpu->ar[(r1 + i) & 15] = be32_ld(buf + 4 * i);
	} else {
		for (unsigned i = 0; i < n; i++)
			be32_st(buf + 4 * i, cpu->ar[(r1 + i) & 15]);
		cpu_st_bytes(cpu, a, buf, 4 * n);
	}
}

static void op_lam(struct s390_cpu *c, uint64_t i) { lam_stam(c, i, F_D2(i), true); }
static void op_lamy(struct s390_cpu *c, uint64_t i) { lam_stam(c, i, f_dl_dh(i), true); }
static void op_stam(struct s390_cpu *c, uint64_t i) { lam_stam(c, i, F_D2(i), false); }
static void op_stamy(struct s390_cpu *c, uint64_t i) { lam_stam(c, i, f_dl_dh(i), false); }

static void op_ear(struct s390_cpu *cpu, uint64_t insn)
{
	gr_set_lo(cpu, F_RRE_R1(insn), cpu->ar[F_RRE_R2(insn)]);
}

static void op_sar(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->ar[F_RRE_R1(insn)] = gr_lo(cpu, F_RRE_R2(insn));
}

static void op_cpya(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->ar[F_RRE_R1(insn)] = cpu->ar[F_RRE_R2(insn)];
}

/* ---- Real-address loads and stores -------------------------------- */

static void op_lura(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_wrap(cpu, cpu->gr[F_RRE_R2(insn)]);
	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	gr_set_lo(cpu, F_RRE_R1(insn), be32_ld(cpu_real_ptr(cpu, a, 4, false)));
}

static void op_lurag(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_wrap(cpu, cpu->gr[F_RRE_R2(insn)]);
	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	cpu->gr[F_RRE_R1(insn)] = be64_ld(cpu_real_ptr(cpu, a, 8, false));
}

static void op_stura(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_wrap(cpu, cpu->gr[F_RRE_R2(insn)]);
	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	be32_st(cpu_real_ptr(cpu, a, 4, true), gr_lo(cpu, F_RRE_R1(insn)));
}

static void op_sturg(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_wrap(cpu, cpu->gr[F_RRE_R2(insn)]);
	if (a & 7)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	be64_st(cpu_real_ptr(cpu, a, 8, true), cpu->gr[F_RRE_R1(insn)]);
}

/* ---- Interruption-related ----------------------------------------- */

static void op_svc(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_interrupt_svc(cpu, (uint8_t)(insn >> 48));
}

/* No-operation hints: NIAI, PFD, PFDRL. */
static void op_nop(struct s390_cpu *cpu, uint64_t insn)
{
	(void)cpu;
	(void)insn;
}

/* ---- Instructions KVM forwards to userspace ----------------------- */

/* Privileged instructions the VMM handles (SERVC, channel I/O). */
static void op_priv_intercept(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	cpu_intercept_insn(cpu, insn);
}

/*
 * TEST PENDING INTERRUPTION: KVM answers it in the kernel from the
 * floating I/O queue.  Operand address zero stores the three-word
 * interruption code in the lowcore (0xB8); otherwise two words go to the
 * operand.
 */
static void op_tpi(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	struct soft_io_irq irq;
	struct soft_vm *svm = cpu->svm;
	bool got;

	if (a & 3)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	if (a)
		cpu_check_range(cpu, a, 8, ACC_STORE);
	pthread_mutex_lock(&svm->irq_lock);
	got = soft_dequeue_io(svm, (uint8_t)(cpu->cr[6] >> 24), 0, &irq);
	pthread_mutex_unlock(&svm->irq_lock);
	if (!got) {
		cpu->cc = 0;
		return;
	}
	if (a) {
		cpu_st32(cpu, a, ((uint32_t)irq.schid << 16) | irq.schnr);
		cpu_st32(cpu, a + 4, irq.parm);
	} else {
		uint8_t *lc = cpu_real_ptr(cpu, LC_SUBCHANNEL_ID, 12, true);
		be16_st(lc, irq.schid);
		be16_st(lc + 2, irq.schnr);
		be32_st(lc + 4, irq.parm);
		be32_st(lc + 8, irq.word);
	}
	cpu->cc = 1;
}

/* TEST SUBCHANNEL: KVM dequeues a pending I/O interruption for the
 * subchannel in GR1 and hands both to userspace (KVM_EXIT_S390_TSCH). */
static void op_tsch(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	struct soft_vm *svm = cpu->svm;
	struct kvm_run *run = cpu->vcpu->run;
	struct soft_io_irq irq;
	uint32_t sch = (uint32_t)cpu->gr[1];
	bool got = false;

	if (sch & 0x00010000U) {
		pthread_mutex_lock(&svm->irq_lock);
		got = soft_dequeue_io(svm, 0xff, sch, &irq);
		pthread_mutex_unlock(&svm->irq_lock);
	}
	run->exit_reason = KVM_EXIT_S390_TSCH;
	run->s390_tsch.dequeued = got;
	run->s390_tsch.subchannel_id = got ? irq.schid : (uint16_t)(sch >> 16);
	run->s390_tsch.subchannel_nr = got ? irq.schnr : (uint16_t)sch;
	run->s390_tsch.io_int_parm = got ? irq.parm : 0;
	run->s390_tsch.io_int_word = got ? irq.word : 0;
	run->s390_tsch.ipb = (uint32_t)(insn >> 16);
	cpu->exit_pending = true;
	longjmp(cpu->jmp, 1);
}

/*
 * SIGNAL PROCESSOR: with KVM_CAP_S390_USER_SIGP the kernel answers sense,
 * sense running, external call and (conditional) emergency signal, and
 * forwards every other order to userspace.
 */
static void op_sigp(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	uint8_t order = (uint8_t)cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
	uint16_t dst = (uint16_t)cpu->gr[r3];
	uint64_t param = cpu->gr[r1 | 1];
	uint32_t status = 0;
	int cc = soft_sigp_kernel(cpu, order, dst, param, &status);

	if (cc < 0)
		cpu_intercept_insn(cpu, insn);
	if (cc == SIGP_CC_STATUS_STORED)
		gr_set_lo(cpu, r1, status);
	cpu->cc = (unsigned)cc;
}

/*
 * DIAGNOSE: the code is bits 48-63 of the second-operand address.  KVM
 * handles 0x10 (release pages), 0x44 (time-slice end), 0x9c (directed
 * yield) and the reset subcodes 3 and 4 of 0x308 (as KVM_EXIT_S390_RESET);
 * everything else goes to userspace.
 */
static void op_diag(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	unsigned code = (unsigned)cpu_ea(cpu, 0, F_B2(insn), F_D2(insn)) & 0xffff;

	switch (code) {
	case 0x10:
	case 0x44:
	case 0x9c:
		return;
	case DIAG_IPL: {
		unsigned subcode = (unsigned)cpu->gr[F_R3(insn)] & 0xffff;
		struct kvm_run *run = cpu->vcpu->run;

		if (subcode != 3 && subcode != 4)
			break;
		run->exit_reason = KVM_EXIT_S390_RESET;
		run->s390_reset_flags = (subcode == 3 ? KVM_S390_RESET_CLEAR : 0) |
			KVM_S390_RESET_SUBSYSTEM | KVM_S390_RESET_IPL |
			KVM_S390_RESET_CPU_INIT;
		cpu->exit_pending = true;
		longjmp(cpu->jmp, 1);
	}
	default:
		break;
	}
	cpu_intercept_insn(cpu, insn);
}

/*
 * STORE SYSTEM INFORMATION (PoP "STORE SYSTEM INFORMATION"): function code
 * 0 reports the current configuration level (3: a virtual machine); the
 * basic-machine and LPAR levels 1 and 2 describe a zEC12 with as many CPUs
 * as the VM; level 3.2.2 is left to userspace (KVM_EXIT_S390_STSI), which
 * names the VM, as with KVM_CAP_S390_USER_STSI.
 */
static void op_stsi(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	unsigned fc = (unsigned)(cpu->gr[0] >> 28) & 0xf;
	unsigned sel1 = (unsigned)cpu->gr[0] & 0xff;
	unsigned sel2 = (unsigned)cpu->gr[1] & 0xffff;
	uint8_t sysib[4096];
	unsigned ncpus = cpu->vcpu->vm->ncpus;

	if ((cpu->gr[0] & 0x0fffff00U) || (cpu->gr[1] & 0xffff0000U))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	if (fc == 0) {
		cpu->gr[0] = (cpu->gr[0] & ~0xffffffffULL) | (3U << 28);
		cpu->cc = 0;
		return;
	}
	if (a & 0xfff)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	memset(sysib, 0, sizeof(sysib));
	if (fc == 1 && sel1 == 1 && sel2 == 1) {
		/* SYSIB 1.1.1: manufacturer, type, model (EBCDIC). */
		static const uint8_t ibm[4] = { 0xC9, 0xC2, 0xD4, 0x40 };
		static const uint8_t type[4] = { 0xF2, 0xF8, 0xF2, 0xF7 };
		memset(sysib + 32, 0x40, 16 * 4);
		memcpy(sysib + 32, ibm, 4);
		memcpy(sysib + 48, type, 4);
	} else if ((fc == 1 || fc == 2) && sel1 == 2 && sel2 == 1) {
		/* SYSIB 1.2.1 / 2.2.1: the executing CPU's address at 102
		 * (2.2.1: its CPU identifier in the configuration at 100). */
		if (fc == 2)
			be16_st(sysib + 100, (uint16_t)cpu->vcpu->id);
		be16_st(sysib + 102, (uint16_t)cpu->vcpu->id);
	} else if ((fc == 1 || fc == 2) && sel1 == 2 && sel2 == 2) {
		/* SYSIB 1.2.2 / 2.2.2: total and configured CPU counts at 36
		 * and 38 (1.2.2: capability at 32; 2.2.2: LPAR number at 32,
		 * name at 44, EBCDIC "MINIVMM "). */
		static const uint8_t name[8] = {
			0xD4, 0xC9, 0xD5, 0xC9, 0xE5, 0xD4, 0xD4, 0x40 };
		be16_st(sysib + 36, (uint16_t)ncpus);
		be16_st(sysib + 38, (uint16_t)ncpus);
		if (fc == 2) {
			be16_st(sysib + 32, 1);
			memcpy(sysib + 44, name, sizeof(name));
		}
	} else if (fc == 3 && sel1 == 2 && sel2 == 2) {
		struct kvm_run *run = cpu->vcpu->run;

		cpu_check_range(cpu, a, 4096, ACC_STORE);
		run->exit_reason = KVM_EXIT_S390_STSI;
		run->s390_stsi.addr = a;
		run->s390_stsi.ar = (uint8_t)F_S_B2(insn);
		run->s390_stsi.fc = (uint8_t)fc;
		run->s390_stsi.sel1 = (uint8_t)sel1;
		run->s390_stsi.sel2 = (uint16_t)sel2;
		cpu->cc = 0;
		cpu->gr[0] &= ~0xffffffffULL;
		cpu->exit_pending = true;
		longjmp(cpu->jmp, 1);
	} else {
		cpu->cc = 3;
		return;
	}
	cpu_st_bytes(cpu, a, sysib, 4096);
	cpu->cc = 0;
}

/*
 * EXTRACT CPU ATTRIBUTE (general-instructions extension).  Bits 56-63 of
 * the second-operand address select the attribute (topology summary,
 * line size, total size, associativity), the cache level and type; bits
 * 48-55 further attributes of later machines.  This CPU describes no
 * caches: every request answers all ones in R1, the architected value for
 * a level or attribute that is not described (as QEMU's CPUs do); Linux
 * then reports no cache information and no CPU speed.
 */
static void op_ecag(struct s390_cpu *cpu, uint64_t insn)
{
	(void)cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));
	cpu->gr[F_R1(insn)] = ~0ULL;
}

static const struct insn_def defs[] = {
	{ 0x0400, "SPM", op_spm },
	{ 0x0A00, "SVC", op_svc },
	{ 0x8000, "SSM", op_ssm },
	{ 0x8200, "LPSW", op_lpsw },
	{ 0x8300, "DIAG", op_diag },
	{ 0x9300, "TS", op_ts },
	{ 0x9A00, "LAM", op_lam },
	{ 0x9B00, "STAM", op_stam },
	{ 0xAC00, "STNSM", op_stnsm },
	{ 0xAD00, "STOSM", op_stosm },
	{ 0xAE00, "SIGP", op_sigp },
	{ 0xB600, "STCTL", op_stctl },
	{ 0xB700, "LCTL", op_lctl },
	{ 0xBA00, "CS", op_cs_rs },
	{ 0xBB00, "CDS", op_cds_rs },
	{ 0x0107, "SCKPF", op_sckpf },
	{ 0xB202, "STIDP", op_stidp },
	{ 0xB204, "SCK", op_sck },
	{ 0xB205, "STCK", op_stck },
	{ 0xB206, "SCKC", op_sckc },
	{ 0xB207, "STCKC", op_stckc },
	{ 0xB208, "SPT", op_spt },
	{ 0xB209, "STPT", op_stpt },
	{ 0xB20A, "SPKA", op_spka },
	{ 0xB20B, "IPK", op_ipk },
	{ 0xB20D, "PTLB", op_ptlb },
	{ 0xB210, "SPX", op_spx },
	{ 0xB211, "STPX", op_stpx },
	{ 0xB212, "STAP", op_stap },
	{ 0xB220, "SERVC", op_priv_intercept },
	{ 0xB222, "IPM", op_ipm },
	{ 0xB229, "ISKE", op_iske },
	{ 0xB22A, "RRBE", op_rrbe },
	{ 0xB22B, "SSKE", op_sske },
	{ 0xB230, "CSCH", op_priv_intercept },
	{ 0xB231, "HSCH", op_priv_intercept },
	{ 0xB232, "MSCH", op_priv_intercept },
	{ 0xB233, "SSCH", op_priv_intercept },
	{ 0xB234, "STSCH", op_priv_intercept },
	{ 0xB235, "TSCH", op_tsch },
	{ 0xB236, "TPI", op_tpi },
	{ 0xB237, "SAL", op_priv_intercept },
	{ 0xB238, "RSCH", op_priv_intercept },
	{ 0xB239, "STCRW", op_priv_intercept },
	{ 0xB23A, "STCPS", op_priv_intercept },
	{ 0xB23B, "RCHP", op_priv_intercept },
	{ 0xB23C, "SCHM", op_priv_intercept },
	{ 0xB246, "STURA", op_stura },
	{ 0xB24B, "LURA", op_lura },
	{ 0xB24D, "CPYA", op_cpya },
	{ 0xB24E, "SAR", op_sar },
	{ 0xB24F, "EAR", op_ear },
	{ 0xB25F, "CHSC", op_priv_intercept },
	{ 0xB276, "XSCH", op_priv_intercept },
	{ 0xB278, "STCKE", op_stcke },
	{ 0xB279, "SACF", op_sacf },
	{ 0xB27C, "STCKF", op_stckf },
	{ 0xB27D, "STSI", op_stsi },
	{ 0xB280, "LPP", op_lpp },
	{ 0xB2B0, "STFLE", op_stfle },
	{ 0xB2B1, "STFL", op_stfl },
	{ 0xB2B2, "LPSWE", op_lpswe },
	{ 0xB2FA, "NIAI", op_nop },
	{ 0xB905, "LURAG", op_lurag },
	{ 0xB925, "STURG", op_sturg },
	{ 0xB98D, "EPSW", op_epsw },
	{ 0xC602, "PFDRL", op_nop },
	{ 0xC800, "MVCOS", op_mvcos },
	{ 0xC802, "CSST", op_csst },
	{ 0xE336, "PFD", op_nop },
	{ 0xE501, "TPROT", op_tprot },
	{ 0xEB14, "CSY", op_csy },
	{ 0xEB25, "STCTG", op_stctg },
	{ 0xEB2F, "LCTLG", op_lctlg },
	{ 0xEB30, "CSG", op_csg },
	{ 0xEB31, "CDSY", op_cdsy },
	{ 0xEB3E, "CDSG", op_cdsg },
	{ 0xEB4C, "ECAG", op_ecag },
	{ 0xEB9A, "LAMY", op_lamy },
	{ 0xEB9B, "STAMY", op_stamy },
	{ 0xEBF4, "LAN", op_lan },
	{ 0xEBE4, "LANG", op_lang },
	{ 0xEBF6, "LAO", op_lao },
	{ 0xEBE6, "LAOG", op_laog },
	{ 0xEBF7, "LAX", op_lax },
	{ 0xEBE7, "LAXG", op_laxg },
	{ 0xEBF8, "LAA", op_laa },
	{ 0xEBE8, "LAAG", op_laag },
	{ 0xEBFA, "LAAL", op_laal },
	{ 0xEBEA, "LAALG", op_laalg },
};

const struct insn_table insn_table_sys = { defs, sizeof(defs) / sizeof(defs[0]) };
