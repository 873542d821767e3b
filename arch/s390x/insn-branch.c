/* SPDX-License-Identifier: MIT */
/*
 * Branch, shift, rotate, address, load/store-on-condition and execute
 * instructions of the software CPU (PoP chapter 7, "General Instructions").
 *
 * Conventions used throughout (PoP "Branching", "Sequential Instruction
 * Fetching"):
 *
 *   - cpu->psw_addr is the updated instruction address when a handler
 *     runs; a successful branch replaces it with the branch address,
 *     wrapped in the current addressing mode.
 *   - Relative-branch addresses are the instruction address plus twice
 *     the signed halfword count in the instruction.
 *   - A condition-code mask M selects the branch when bit (8 >> cc) of M
 *     is one.
 *   - Register number 0 in the R2 field of BCR/BALR/BASR/BCTR/BSM/BASSM
 *     means "no branch", not "branch to the contents of GR 0".
 *
 * Related-instruction families share one helper each: all compare-and-
 * branch/jump/trap forms go through cmp_act() with a per-opcode form
 * descriptor, all shifts through do_shift(), all rotate-then-selected-
 * bits operations through rotate_selected().
 */
#include <stdatomic.h>

#include "arch/s390x/softcpu.h"

/* ---- Common helpers ------------------------------------------------- */

/* PoP "Condition-Code Mask": mask bit 8 selects cc 0, 4 cc 1, 2 cc 2, 1 cc 3. */
static inline bool cc_selected(const struct s390_cpu *cpu, unsigned mask)
{
	return (mask >> (3 - cpu->cc)) & 1;
}

/*
 * Address of a relative operand (branch target, LARL): the instruction
 * address plus twice the signed halfword count; under EXECUTE, the
 * target's own address (cpu_rel_base).
 */
static inline uint64_t rel_addr(const struct s390_cpu *cpu, int64_t halfwords)
{
	return cpu_wrap(cpu, cpu_rel_base(cpu) + (uint64_t)(halfwords * 2));
}

static inline void branch_to(struct s390_cpu *cpu, uint64_t addr)
{
	cpu->psw_addr = cpu_wrap(cpu, addr);
}

/* RX/RS base-displacement operand with an optional index. */
static inline uint64_t ea_rx(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, F_X2(insn), F_B2(insn), F_D2(insn));
}

static inline uint64_t ea_rxy(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, F_X2(insn), F_B2(insn), f_dl_dh(insn));
}

static inline uint64_t ea_rsy(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));
}

/*
 * Store an address into R1 the way LOAD ADDRESS does (PoP "LOAD ADDRESS"):
 * 64-bit mode replaces the register; 31-bit mode sets bits 33-63 and zeroes
 * bit 32; 24-bit mode sets bits 40-63 and zeroes bits 32-39.  Bits 0-31 are
 * unchanged outside the 64-bit mode.  addr is already wrapped.
 */
static void set_address(struct s390_cpu *cpu, unsigned r1, uint64_t addr)
{
	if (cpu->psw_mask & PSW_MASK_EA)
		cpu->gr[r1] = addr;
	else
		gr_set_lo(cpu, r1, (uint32_t)addr);
}

/*
 * Link information of BRANCH AND SAVE (BAS, BASR, BRAS, BRASL): the updated
 * instruction address, with PSW bit 32 in bit 32 of R1 in the 31-bit mode
 * and zeros in bits 32-39 in the 24-bit mode.
 */
static void link_save(struct s390_cpu *cpu, unsigned r1, uint64_t next)
{
	if (cpu->psw_mask & PSW_MASK_EA)
		cpu->gr[r1] = next;
	else if (cpu->psw_mask & PSW_MASK_BA)
		gr_set_lo(cpu, r1, 0x80000000u | (uint32_t)(next & 0x7fffffff));
	else
		gr_set_lo(cpu, r1, (uint32_t)(next & 0xffffff));
}

/*
 * Link information of BRANCH AND LINK (BAL, BALR): as BAS, except that in
 * the 24-bit mode bits 32-39 of R1 receive the instruction-length code
 * (2 bits), the condition code (2 bits) and the program mask (4 bits).
 * The ILC is that of EXECUTE when BAL is its target, which cpu->ilen is.
 */
static void link_bal(struct s390_cpu *cpu, unsigned r1, uint64_t next)
{
	if (cpu->psw_mask & (PSW_MASK_EA | PSW_MASK_BA)) {
		link_save(cpu, r1, next);
		return;
	}
	uint32_t ilc = (cpu->ilen / 2) & 3;
	uint32_t pm = (uint32_t)(cpu->psw_mask >> PSW_SHIFT_PM) & 0xf;
	gr_set_lo(cpu, r1, ilc << 30 | (cpu->cc & 3) << 28 | pm << 24 |
			   (uint32_t)(next & 0xffffff));
}

/*
 * Set the addressing mode from a BSM/BASSM branch operand and branch (PoP
 * "BRANCH AND SET MODE"): bit 63 one selects the 64-bit mode (branch
 * address = bits 0-62, bit 63 as zero); otherwise bit 32 selects 31-bit
 * (address bits 33-63) or 24-bit (address bits 40-63) mode.
 */
static void branch_set_mode(struct s390_cpu *cpu, uint64_t op2)
{
	if (op2 & 1) {
		cpu_set_amode(cpu, PSW_MASK_EA | PSW_MASK_BA);
		cpu->psw_addr = op2 & ~1ULL;
	} else if (op2 & 0x80000000ULL) {
		cpu_set_amode(cpu, PSW_MASK_BA);
		cpu->psw_addr = op2 & 0x7fffffffULL;
	} else {
		cpu_set_amode(cpu, 0);
		cpu->psw_addr = op2 & 0xffffffULL;
	}
}

/* Condition code of a signed result: 0 zero, 1 negative, 2 positive. */
static inline unsigned cc_signed(int64_t v)
{
	return v == 0 ? 0 : v < 0 ? 1 : 2;
}

/* ---- BRANCH ON CONDITION ------------------------------------------- */

static void op_bcr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned m1 = F_R1(insn), r2 = F_R2(insn);

	if (r2 == 0) {
		/*
		 * BCR 15,0 serializes; BCR 14,0 serializes too with the
		 * fast-BCR-serialization facility.  Other CPUs run on other
		 * host threads, so make our stores visible to them.
		 */
		if (m1 == 15 || m1 == 14)
			atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	if (cc_selected(cpu, m1))
		branch_to(cpu, cpu->gr[r2]);
}

static void op_bc(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_R1(insn)))
		cpu->psw_addr = ea_rx(cpu, insn);
}

static void op_brc(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_R1(insn)))
		cpu->psw_addr = rel_addr(cpu, sext16(F_I2_16(insn)));
}

static void op_brcl(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_R1(insn)))
		cpu->psw_addr = rel_addr(cpu, sext32(F_I2_32(insn)));
}

/* ---- BRANCH AND LINK / SAVE (/ SET MODE) --------------------------- */

/* In all of these the branch address is taken before R1 is replaced. */

static void op_balr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r2 = F_R2(insn);
	uint64_t target = cpu->gr[r2];

	link_bal(cpu, F_R1(insn), cpu->psw_addr);
	if (r2)
		branch_to(cpu, target);
}

static void op_bal(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t target = ea_rx(cpu, insn);

	link_bal(cpu, F_R1(insn), cpu->psw_addr);
	cpu->psw_addr = target;
}

static void op_basr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r2 = F_R2(insn);
	uint64_t target = cpu->gr[r2];

	link_save(cpu, F_R1(insn), cpu->psw_addr);
	if (r2)
		branch_to(cpu, target);
}

static void op_bas(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t target = ea_rx(cpu, insn);

	link_save(cpu, F_R1(insn), cpu->psw_addr);
	cpu->psw_addr = target;
}

static void op_bras(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t target = rel_addr(cpu, sext16(F_I2_16(insn)));

	link_save(cpu, F_R1(insn), cpu->psw_addr);
	cpu->psw_addr = target;
}

static void op_brasl(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t target = rel_addr(cpu, sext32(F_I2_32(insn)));

	link_save(cpu, F_R1(insn), cpu->psw_addr);
	cpu->psw_addr = target;
}

/*
 * BSM: R1 (if nonzero) records the current mode: bit 63 set to one in the
 * 64-bit mode, else bit 32 replaced by PSW bit 32 (bit 63 unchanged).
 */
static void op_bsm(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_R1(insn), r2 = F_R2(insn);
	uint64_t op2 = cpu->gr[r2];

	if (r1) {
		if (cpu->psw_mask & PSW_MASK_EA)
			cpu->gr[r1] |= 1;
		else if (cpu->psw_mask & PSW_MASK_BA)
			cpu->gr[r1] |= 0x80000000ULL;
		else
			cpu->gr[r1] &= ~0x80000000ULL;
	}
	if (r2)
		branch_set_mode(cpu, op2);
}

/*
 * BASSM: link information as BAS, except that in the 64-bit mode bit 63 of
 * R1 is set to one so that BSM 0,R1 returns in the 64-bit mode.
 */
static void op_bassm(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_R1(insn), r2 = F_R2(insn);
	uint64_t op2 = cpu->gr[r2];

	if (cpu->psw_mask & PSW_MASK_EA)
		cpu->gr[r1] = cpu->psw_addr | 1;
	else
		link_save(cpu, r1, cpu->psw_addr);
	if (r2)
		branch_set_mode(cpu, op2);
}

/* ---- BRANCH ON COUNT ----------------------------------------------- */

/* Decrement bits 32-63 (or 0-31 for BRCTH, 0-63 for the G forms) of R1;
 * branch when the result is nonzero. */
enum count_width { COUNT_LO, COUNT_HI, COUNT_64 };

static bool count_down(struct s390_cpu *cpu, unsigned r1, enum count_width w)
{
	switch (w) {
	case COUNT_LO:
		gr_set_lo(cpu, r1, gr_lo(cpu, r1) - 1);
		return gr_lo(cpu, r1) != 0;
	case COUNT_HI:
		gr_set_hi(cpu, r1, gr_hi(cpu, r1) - 1);
		return gr_hi(cpu, r1) != 0;
	case COUNT_64:
	default:
		return --cpu->gr[r1] != 0;
	}
}

static void op_bctr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r2 = F_R2(insn);
	uint64_t target = cpu->gr[r2];

	if (count_down(cpu, F_R1(insn), COUNT_LO) && r2)
		branch_to(cpu, target);
}

static void op_bctgr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r2 = F_RRE_R2(insn);
	uint64_t target = cpu->gr[r2];

	if (count_down(cpu, F_RRE_R1(insn), COUNT_64) && r2)
		branch_to(cpu, target);
}

static void op_bct(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t target = ea_rx(cpu, insn);

	if (count_down(cpu, F_R1(insn), COUNT_LO))
		cpu->psw_addr = target;
}

static void op_bctg(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t target = ea_rxy(cpu, insn);

	if (count_down(cpu, F_R1(insn), COUNT_64))
		cpu->psw_addr = target;
}

static void op_brct(struct s390_cpu *cpu, uint64_t insn)
{
	if (count_down(cpu, F_R1(insn), COUNT_LO))
		cpu->psw_addr = rel_addr(cpu, sext16(F_I2_16(insn)));
}

static void op_brctg(struct s390_cpu *cpu, uint64_t insn)
{
	if (count_down(cpu, F_R1(insn), COUNT_64))
		cpu->psw_addr = rel_addr(cpu, sext16(F_I2_16(insn)));
}

static void op_brcth(struct s390_cpu *cpu, uint64_t insn)
{
	if (count_down(cpu, F_R1(insn), COUNT_HI))
		cpu->psw_addr = rel_addr(cpu, sext32(F_I2_32(insn)));
}

/* ---- BRANCH ON INDEX ----------------------------------------------- */

/*
 * PoP "BRANCH ON INDEX HIGH / LOW OR EQUAL": R3 is the increment and
 * R3|1 the comparand (the same register when R3 is odd).  Both are taken
 * before R1 is replaced by the sum, and the comparison is signed.
 */
static bool index_step(struct s390_cpu *cpu, uint64_t insn, bool wide,
		       bool high)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);

	if (wide) {
		int64_t inc = (int64_t)cpu->gr[r3];
		int64_t cmp = (int64_t)cpu->gr[r3 | 1];
		int64_t sum = (int64_t)(cpu->gr[r1] + (uint64_t)inc);

		cpu->gr[r1] = (uint64_t)sum;
		return high ? sum > cmp : sum <= cmp;
	}
	int32_t inc = (int32_t)gr_lo(cpu, r3);
	int32_t cmp = (int32_t)gr_lo(cpu, r3 | 1);
	int32_t sum = (int32_t)(gr_lo(cpu, r1) + (uint32_t)inc);

	gr_set_lo(cpu, r1, (uint32_t)sum);
	return high ? sum > cmp : sum <= cmp;
}

#define BX_INSN(name, wide, high, ea)					\
static void op_##name(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	uint64_t target = ea;						\
	if (index_step(cpu, insn, wide, high))				\
		cpu->psw_addr = target;					\
}
BX_INSN(bxh, false, true, cpu_ea(cpu, 0, F_B2(insn), F_D2(insn)))
BX_INSN(bxle, false, false, cpu_ea(cpu, 0, F_B2(insn), F_D2(insn)))
BX_INSN(bxhg, true, true, ea_rsy(cpu, insn))
BX_INSN(bxleg, true, false, ea_rsy(cpu, insn))
BX_INSN(brxh, false, true, rel_addr(cpu, sext16(F_I2_16(insn))))
BX_INSN(brxle, false, false, rel_addr(cpu, sext16(F_I2_16(insn))))
BX_INSN(brxhg, true, true, rel_addr(cpu, sext16(F_RIE_I2(insn))))
BX_INSN(brxlg, true, false, rel_addr(cpu, sext16(F_RIE_I2(insn))))

/* ---- COMPARE AND BRANCH / JUMP / TRAP ------------------------------ */

/* Data-exception code of COMPARE AND TRAP (PoP "Data-Exception Code"). */
#define DXC_COMPARE_AND_TRAP	0xFF

enum cmp_fmt {
	CMP_RIE_B,	/* CRJ:  R1 R2 RI4 M3 */
	CMP_RIE_C,	/* CIJ:  R1 M3 RI4 I2(8) */
	CMP_RRS,	/* CRB:  R1 R2 B4 D4 M3 */
	CMP_RIS,	/* CIB:  R1 M3 B4 D4 I2(8) */
	CMP_RRF_C,	/* CRT:  M3 R1 R2 */
	CMP_RIE_A,	/* CIT:  R1 I2(16) M3 */
};

enum cmp_act { ACT_JUMP, ACT_BRANCH, ACT_TRAP };

struct cmp_form {
	enum cmp_fmt fmt;
	bool wide;	/* 64-bit operands */
	bool logical;	/* unsigned comparison, unsigned immediate */
};

static enum cmp_act cmp_action(enum cmp_fmt fmt)
{
	switch (fmt) {
	case CMP_RIE_B:
	case CMP_RIE_C:
		return ACT_JUMP;
	case CMP_RRS:
	case CMP_RIS:
		return ACT_BRANCH;
	default:
		return ACT_TRAP;
	}
}

/*
 * Compare the first operand with a register or an immediate, then branch,
 * jump or trap when the mask bit of the result (8 equal, 4 first operand
 * low, 2 first operand high) is one.  The 8- and 16-bit immediates are
 * sign-extended for the arithmetic forms and zero-extended for the logical
 * ones.
 */
static void cmp_act(struct s390_cpu *cpu, uint64_t insn,
		    const struct cmp_form *f)
{
	unsigned r1, m3;
	uint64_t op2;

	switch (f->fmt) {
	case CMP_RIE_B:
	case CMP_RRS:
		r1 = F_R1(insn);
		op2 = cpu->gr[F_R3(insn)];
		m3 = F_RIE_M3(insn);
		break;
	case CMP_RIE_C:
	case CMP_RIS:
		r1 = F_R1(insn);
		m3 = F_R3(insn);
		op2 = f->logical ? F_RIE_I3_8(insn)
				 : (uint64_t)sext8(F_RIE_I3_8(insn));
		break;
	case CMP_RRF_C:
		r1 = F_RRE_R1(insn);
		op2 = cpu->gr[F_RRE_R2(insn)];
		m3 = F_RRF_R3(insn);
		break;
	case CMP_RIE_A:
	default:
		r1 = F_R1(insn);
		m3 = F_RIE_M3(insn);
		op2 = f->logical ? F_RIE_I2(insn)
				 : (uint64_t)sext16(F_RIE_I2(insn));
		break;
	}

	uint64_t op1 = cpu->gr[r1];
	int rel;	/* -1 low, 0 equal, 1 high */

	if (f->wide && f->logical) {
		rel = op1 < op2 ? -1 : op1 > op2;
	} else if (f->wide) {
		rel = (int64_t)op1 < (int64_t)op2 ? -1
		      : (int64_t)op1 > (int64_t)op2;
	} else if (f->logical) {
		uint32_t a = (uint32_t)op1, b = (uint32_t)op2;
		rel = a < b ? -1 : a > b;
	} else {
		int32_t a = (int32_t)op1, b = (int32_t)op2;
		rel = a < b ? -1 : a > b;
	}

	unsigned bit = rel == 0 ? 8 : rel < 0 ? 4 : 2;
	if (!(m3 & bit))
		return;

	switch (cmp_action(f->fmt)) {
	case ACT_JUMP:
		cpu->psw_addr = rel_addr(cpu, sext16(F_RIE_I2(insn)));
		break;
	case ACT_BRANCH:
		cpu->psw_addr = cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
		break;
	case ACT_TRAP:
		cpu_data_exception(cpu, DXC_COMPARE_AND_TRAP);
	}
}

#define CMP_INSN(name, fmt, wide, logical)				\
static void op_##name(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	static const struct cmp_form form = { fmt, wide, logical };	\
	cmp_act(cpu, insn, &form);					\
}
CMP_INSN(crj, CMP_RIE_B, false, false)
CMP_INSN(cgrj, CMP_RIE_B, true, false)
CMP_INSN(clrj, CMP_RIE_B, false, true)
CMP_INSN(clgrj, CMP_RIE_B, true, true)
CMP_INSN(cij, CMP_RIE_C, false, false)
CMP_INSN(cgij, CMP_RIE_C, true, false)
CMP_INSN(clij, CMP_RIE_C, false, true)
CMP_INSN(clgij, CMP_RIE_C, true, true)
CMP_INSN(crb, CMP_RRS, false, false)
CMP_INSN(cgrb, CMP_RRS, true, false)
CMP_INSN(clrb, CMP_RRS, false, true)
CMP_INSN(clgrb, CMP_RRS, true, true)
CMP_INSN(cib, CMP_RIS, false, false)
CMP_INSN(cgib, CMP_RIS, true, false)
CMP_INSN(clib, CMP_RIS, false, true)
CMP_INSN(clgib, CMP_RIS, true, true)
CMP_INSN(crt, CMP_RRF_C, false, false)
CMP_INSN(cgrt, CMP_RRF_C, true, false)
CMP_INSN(clrt, CMP_RRF_C, false, true)
CMP_INSN(clgrt, CMP_RRF_C, true, true)
CMP_INSN(cit, CMP_RIE_A, false, false)
CMP_INSN(cgit, CMP_RIE_A, true, false)
CMP_INSN(clfit, CMP_RIE_A, false, true)
CMP_INSN(clgit, CMP_RIE_A, true, true)

/* ---- Addresses and addressing mode --------------------------------- */

static void op_la(struct s390_cpu *cpu, uint64_t insn)
{
	set_address(cpu, F_R1(insn), ea_rx(cpu, insn));
}

static void op_lay(struct s390_cpu *cpu, uint64_t insn)
{
	set_address(cpu, F_R1(insn), ea_rxy(cpu, insn));
}

/*
 * LOAD ADDRESS EXTENDED (LAE; LAEY with the general-instructions
 * extension): the address as LA/LAY, and access register R1 the ALET of
 * the address space the PSW's address-space control selects: 0 primary,
 * 1 secondary, 2 home, the contents of access register B2 in the
 * access-register mode (0 when B2 is 0).
 */
static void set_lae_alet(struct s390_cpu *cpu, unsigned r1, unsigned b2)
{
	switch ((cpu->psw_mask & PSW_MASK_ASC) >> PSW_SHIFT_ASC) {
	case PSW_ASC_PRIMARY: cpu->ar[r1] = 0; break;
	case PSW_ASC_SECONDARY: cpu->ar[r1] = 1; break;
	case PSW_ASC_HOME: cpu->ar[r1] = 2; break;
	default: cpu->ar[r1] = b2 ? cpu->ar[b2] : 0; break;
	}
}

static void op_lae(struct s390_cpu *cpu, uint64_t insn)
{
	set_address(cpu, F_R1(insn), ea_rx(cpu, insn));
	set_lae_alet(cpu, F_R1(insn), F_B2(insn));
}

static void op_laey(struct s390_cpu *cpu, uint64_t insn)
{
	set_address(cpu, F_R1(insn), ea_rxy(cpu, insn));
	set_lae_alet(cpu, F_R1(insn), F_B2(insn));
}

static void op_larl(struct s390_cpu *cpu, uint64_t insn)
{
	set_address(cpu, F_R1(insn), rel_addr(cpu, sext32(F_I2_32(insn))));
}

/* TEST ADDRESSING MODE: cc 0 24-bit, 1 31-bit, 3 64-bit (2: EA without BA). */
static void op_tam(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	cpu->cc = (cpu->psw_mask & PSW_MASK_EA ? 2 : 0) |
		  (cpu->psw_mask & PSW_MASK_BA ? 1 : 0);
}

/*
 * SET ADDRESSING MODE.  The specification exception of SAM24 (bits 0-39)
 * and SAM31 (bits 0-32) tests the address of the SAM instruction itself,
 * so an updated address just past the end of the new range wraps to 0
 * (PoP programming note); the operation is suppressed.
 */
static void set_mode(struct s390_cpu *cpu, uint64_t ea_ba, uint64_t limit)
{
	if (cpu->insn_addr & ~limit)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	cpu_set_amode(cpu, ea_ba);
	cpu->psw_addr = cpu_wrap(cpu, cpu->psw_addr);
}

static void op_sam24(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	set_mode(cpu, 0, 0xffffffULL);
}

static void op_sam31(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	set_mode(cpu, PSW_MASK_BA, 0x7fffffffULL);
}

static void op_sam64(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	set_mode(cpu, PSW_MASK_64, ~0ULL);
}

/* ---- Shifts --------------------------------------------------------- */

enum shift_kind { SH_LEFT_LOGICAL, SH_RIGHT_LOGICAL, SH_LEFT_ARITH,
		  SH_RIGHT_ARITH };
enum shift_src {
	SRC_R1_32,	/* RS-a: R1 bits 32-63 shifted in place */
	SRC_R3_32,	/* RSY-a K forms: R3 bits 32-63 into R1 bits 32-63 */
	SRC_R3_64,	/* RSY-a G forms: R3 into R1 */
	SRC_PAIR,	/* RS-a double: even/odd pair R1, R1+1 */
};

struct shift_form {
	enum shift_kind kind;
	enum shift_src src;
};

/*
 * All shifts work on a left-justified 64-bit value: 32-bit operands sit in
 * bits 0-31 with zeros below, so that bits shifted out on the right fall
 * off and the arithmetic left shift sees the zeros coming in from the
 * right pass through bit position 1 exactly as in a 32-bit register.
 *
 * Arithmetic left shift (PoP "SHIFT LEFT SINGLE"): the sign bit stays;
 * overflow when a bit unlike the sign leaves bit position 1, that is when
 * bits 0..n of the operand are not all equal.
 */
static void do_shift(struct s390_cpu *cpu, uint64_t insn,
		     const struct shift_form *f)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn), b2 = F_B2(insn);
	int64_t d2 = f->src == SRC_R3_32 || f->src == SRC_R3_64
		     ? f_dl_dh(insn) : (int64_t)F_D2(insn);
	unsigned n = (unsigned)((b2 ? cpu->gr[b2] : 0) + (uint64_t)d2) & 63;
	uint64_t v;

	switch (f->src) {
	case SRC_R1_32:
		v = (uint64_t)gr_lo(cpu, r1) << 32;
		break;
	case SRC_R3_32:
		v = (uint64_t)gr_lo(cpu, r3) << 32;
		break;
	case SRC_R3_64:
		v = cpu->gr[r3];
		break;
	case SRC_PAIR:
	default:
		if (r1 & 1)
			cpu_pgm(cpu, PGM_SPECIFICATION);
		v = (uint64_t)gr_lo(cpu, r1) << 32 | gr_lo(cpu, r1 + 1);
		break;
	}

	bool overflow = false;
	uint64_t keep = f->src == SRC_R1_32 || f->src == SRC_R3_32
			? 0xffffffff00000000ULL : ~0ULL;

	switch (f->kind) {
	case SH_LEFT_LOGICAL:
		v <<= n;
		break;
	case SH_RIGHT_LOGICAL:
		v = (v >> n) & keep;
		break;
	case SH_RIGHT_ARITH:
		v = (uint64_t)((int64_t)v >> n) & keep;
		break;
	case SH_LEFT_ARITH:
	default: {
		uint64_t sign = v & 0x8000000000000000ULL;
		uint64_t shifted = v << n;

		overflow = (uint64_t)((int64_t)shifted >> n) != v;
		v = sign | (shifted & 0x7fffffffffffffffULL);
		break;
	}
	}

	switch (f->src) {
	case SRC_R1_32:
	case SRC_R3_32:
		gr_set_lo(cpu, r1, (uint32_t)(v >> 32));
		break;
	case SRC_R3_64:
		cpu->gr[r1] = v;
		break;
	case SRC_PAIR:
	default:
		gr_set_lo(cpu, r1, (uint32_t)(v >> 32));
		gr_set_lo(cpu, r1 + 1, (uint32_t)v);
		break;
	}

	if (f->kind == SH_LEFT_LOGICAL || f->kind == SH_RIGHT_LOGICAL)
		return;
	if (overflow) {
		cpu->cc = 3;
		if (cpu->psw_mask & ((uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM))
			cpu_pgm(cpu, PGM_FIXPOINT_OVERFLOW);
		return;
	}
	cpu->cc = cc_signed((int64_t)v);
}

#define SHIFT_INSN(name, kind, src)					\
static void op_##name(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	static const struct shift_form form = { kind, src };		\
	do_shift(cpu, insn, &form);					\
}
SHIFT_INSN(sll, SH_LEFT_LOGICAL, SRC_R1_32)
SHIFT_INSN(srl, SH_RIGHT_LOGICAL, SRC_R1_32)
SHIFT_INSN(sla, SH_LEFT_ARITH, SRC_R1_32)
SHIFT_INSN(sra, SH_RIGHT_ARITH, SRC_R1_32)
SHIFT_INSN(sllk, SH_LEFT_LOGICAL, SRC_R3_32)
SHIFT_INSN(srlk, SH_RIGHT_LOGICAL, SRC_R3_32)
SHIFT_INSN(slak, SH_LEFT_ARITH, SRC_R3_32)
SHIFT_INSN(srak, SH_RIGHT_ARITH, SRC_R3_32)
SHIFT_INSN(sllg, SH_LEFT_LOGICAL, SRC_R3_64)
SHIFT_INSN(srlg, SH_RIGHT_LOGICAL, SRC_R3_64)
SHIFT_INSN(slag, SH_LEFT_ARITH, SRC_R3_64)
SHIFT_INSN(srag, SH_RIGHT_ARITH, SRC_R3_64)
SHIFT_INSN(sldl, SH_LEFT_LOGICAL, SRC_PAIR)
SHIFT_INSN(srdl, SH_RIGHT_LOGICAL, SRC_PAIR)
SHIFT_INSN(slda, SH_LEFT_ARITH, SRC_PAIR)
SHIFT_INSN(srda, SH_RIGHT_ARITH, SRC_PAIR)

/* ---- Rotates -------------------------------------------------------- */

static inline uint64_t rol64(uint64_t v, unsigned n)
{
	n &= 63;
	return n ? v << n | v >> (64 - n) : v;
}

static inline uint32_t rol32(uint32_t v, unsigned n)
{
	n &= 31;
	return n ? v << n | v >> (32 - n) : v;
}

static void op_rll(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned n = (unsigned)ea_rsy(cpu, insn) & 63;

	gr_set_lo(cpu, F_R1(insn), rol32(gr_lo(cpu, F_R3(insn)), n));
}

static void op_rllg(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned n = (unsigned)ea_rsy(cpu, insn) & 63;

	cpu->gr[F_R1(insn)] = rol64(cpu->gr[F_R3(insn)], n);
}

/*
 * ROTATE THEN <op> SELECTED BITS (PoP "ROTATE THEN AND/OR/EXCLUSIVE OR/
 * INSERT SELECTED BITS").  R2 is rotated left by I5 bits 2-7; I3 and I4
 * give the start and end bit positions of the selected range, which wraps
 * around from bit 63 to bit 0 when start > end.
 *
 *   RNSBG/ROSBG/RXSBG: the selected bits of R1 are ANDed/ORed/XORed with
 *     the rotated bits; cc 0 when the selected result bits are all zero,
 *     else 1.  I3 bit 0 (T) set: test only, R1 unchanged.
 *   RISBG/RISBGN: the selected bits of R1 are replaced by the rotated bits;
 *     I4 bit 0 (Z) set: the unselected bits are zeroed.  RISBG sets cc
 *     from the signed 64-bit result, RISBGN leaves it.
 *   RISBHG/RISBLG: as RISBGN but positions are I3/I4 bits 3-7 within the
 *     high (bits 0-31) or low (bits 32-63) word; the other word of R1 is
 *     unchanged and Z zeroes only unselected bits of the addressed word.
 */
enum rsbg_op { RSBG_AND, RSBG_OR, RSBG_XOR, RSBG_INSERT };

struct rsbg_form {
	enum rsbg_op op;
	unsigned base;		/* 0, or 32 for RISBLG */
	unsigned pos_mask;	/* 0x3f, or 0x1f for the word forms */
	uint64_t word;		/* bits of R1 the instruction may change */
	bool sets_cc;
};

/* Bits start..end (PoP numbering, bit 0 = MSB), wrapping when start > end. */
static uint64_t range_mask(unsigned start, unsigned end)
{
	uint64_t from_start = ~0ULL >> start;
	uint64_t to_end = ~0ULL << (63 - end);

	return start <= end ? from_start & to_end : from_start | to_end;
}

static void rotate_selected(struct s390_cpu *cpu, uint64_t insn,
			    const struct rsbg_form *f)
{
	unsigned r1 = F_R1(insn), r2 = F_R3(insn);
	uint8_t i3 = F_RIE_I3(insn), i4 = F_RIE_I4(insn), i5 = F_RIE_I5(insn);
	unsigned start = f->base + (i3 & f->pos_mask);
	unsigned end = f->base + (i4 & f->pos_mask);
	uint64_t mask = range_mask(start, end) & f->word;
	uint64_t rot = rol64(cpu->gr[r2], i5 & 0x3f);
	uint64_t old = cpu->gr[r1];
	uint64_t res;

	switch (f->op) {
	case RSBG_INSERT:
		res = (old & ~mask) | (rot & mask);
		if (i4 & 0x80)			/* Z */
			res &= mask | ~f->word;
		cpu->gr[r1] = res;
		if (f->sets_cc)
			cpu->cc = cc_signed((int64_t)res);
		return;
	case RSBG_AND:
		res = old & (rot | ~mask);
		break;
	case RSBG_OR:
		res = old | (rot & mask);
		break;
	case RSBG_XOR:
	default:
		res = old ^ (rot & mask);
		break;
	}
	cpu->cc = (res & mask) ? 1 : 0;
	if (!(i3 & 0x80))			/* T */
		cpu->gr[r1] = res;
}

#define HI_WORD	0xffffffff00000000ULL
#define LO_WORD	0x00000000ffffffffULL
#define RSBG_INSN(name, op, base, pos_mask, word, sets_cc)		\
static void op_##name(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	static const struct rsbg_form form =				\
		{ op, base, pos_mask, word, sets_cc };			\
	rotate_selected(cpu, insn, &form);				\
}
RSBG_INSN(rnsbg, RSBG_AND, 0, 0x3f, ~0ULL, true)
RSBG_INSN(rosbg, RSBG_OR, 0, 0x3f, ~0ULL, true)
RSBG_INSN(rxsbg, RSBG_XOR, 0, 0x3f, ~0ULL, true)
RSBG_INSN(risbg, RSBG_INSERT, 0, 0x3f, ~0ULL, true)
RSBG_INSN(risbgn, RSBG_INSERT, 0, 0x3f, ~0ULL, false)
RSBG_INSN(risbhg, RSBG_INSERT, 0, 0x1f, HI_WORD, false)
RSBG_INSN(risblg, RSBG_INSERT, 32, 0x1f, LO_WORD, false)

/* ---- Load / store on condition -------------------------------------- */

/*
 * The M3 mask selects as for BRANCH ON CONDITION.  When the condition is
 * not met no storage is accessed (PoP leaves access exceptions model-
 * dependent then; this model recognizes none).
 */
static void op_locr(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_RRF_R3(insn)))
		gr_set_lo(cpu, F_RRE_R1(insn), gr_lo(cpu, F_RRE_R2(insn)));
}

static void op_locgr(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_RRF_R3(insn)))
		cpu->gr[F_RRE_R1(insn)] = cpu->gr[F_RRE_R2(insn)];
}

static void op_loc(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_M3(insn)))
		gr_set_lo(cpu, F_R1(insn), cpu_ld32(cpu, ea_rsy(cpu, insn)));
}

static void op_locg(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_M3(insn)))
		cpu->gr[F_R1(insn)] = cpu_ld64(cpu, ea_rsy(cpu, insn));
}

static void op_stoc(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_M3(insn)))
		cpu_st32(cpu, ea_rsy(cpu, insn), gr_lo(cpu, F_R1(insn)));
}

static void op_stocg(struct s390_cpu *cpu, uint64_t insn)
{
	if (cc_selected(cpu, F_M3(insn)))
		cpu_st64(cpu, ea_rsy(cpu, insn), cpu->gr[F_R1(insn)]);
}

/* ---- EXECUTE -------------------------------------------------------- */

/*
 * PoP "EXECUTE": fetch the target instruction at addr (instruction fetch,
 * so an odd address is a specification exception), OR bits 56-63 of R1
 * into its bits 8-15 unless R1 is 0, and execute it.  A target that is
 * itself EXECUTE or EXECUTE RELATIVE LONG (after the OR) is an execute
 * exception.  The updated instruction address, ILC and all exceptions
 * are those of the EXECUTE instruction.
 */
static void execute_at(struct s390_cpu *cpu, unsigned r1, uint64_t addr)
{
	if (addr & 1)
		cpu_pgm(cpu, PGM_SPECIFICATION);

	uint64_t insn = (uint64_t)be16_ld(cpu_ptr(cpu, addr, 2, ACC_IFETCH)) << 48;
	unsigned len = insn_length((uint8_t)(insn >> 56));

	/* An even address keeps each halfword within one page. */
	for (unsigned off = 2; off < len; off += 2) {
		uint64_t a = cpu_wrap(cpu, addr + off);
		uint64_t hw = be16_ld(cpu_ptr(cpu, a, 2, ACC_IFETCH));

		insn |= hw << (48 - 8 * off);
	}
	if (r1)
		insn |= (cpu->gr[r1] & 0xff) << 48;

	uint8_t op = (uint8_t)(insn >> 56);
	if (op == 0x44 || (op == 0xC6 && ((insn >> 48) & 0xf) == 0))
		cpu_pgm(cpu, PGM_EXECUTE);

	cpu_execute_target(cpu, insn, addr);
}

static void op_ex(struct s390_cpu *cpu, uint64_t insn)
{
	execute_at(cpu, F_R1(insn), ea_rx(cpu, insn));
}

static void op_exrl(struct s390_cpu *cpu, uint64_t insn)
{
	execute_at(cpu, F_R1(insn), rel_addr(cpu, sext32(F_I2_32(insn))));
}

/* ---- Branch-prediction hints ----------------------------------------- */

/* BRANCH PREDICTION (RELATIVE) PRELOAD: hints without effect here; no
 * storage is accessed, so no exceptions either. */
static void op_bp_hint(struct s390_cpu *cpu, uint64_t insn)
{
	(void)cpu;
	(void)insn;
}

/* ---- Table ---------------------------------------------------------- */

static const struct insn_def defs[] = {
	/* Branch on condition. */
	{ 0x0700, "BCR", op_bcr },
	{ 0x4700, "BC", op_bc },
	{ 0xA704, "BRC", op_brc },
	{ 0xC004, "BRCL", op_brcl },
	/* Branch and link / save / set mode. */
	{ 0x0500, "BALR", op_balr },
	{ 0x4500, "BAL", op_bal },
	{ 0x0D00, "BASR", op_basr },
	{ 0x4D00, "BAS", op_bas },
	{ 0xA705, "BRAS", op_bras },
	{ 0xC005, "BRASL", op_brasl },
	{ 0x0B00, "BSM", op_bsm },
	{ 0x0C00, "BASSM", op_bassm },
	/* Branch on count. */
	{ 0x0600, "BCTR", op_bctr },
	{ 0x4600, "BCT", op_bct },
	{ 0xB946, "BCTGR", op_bctgr },
	{ 0xE346, "BCTG", op_bctg },
	{ 0xA706, "BRCT", op_brct },
	{ 0xA707, "BRCTG", op_brctg },
	{ 0xCC06, "BRCTH", op_brcth },
	/* Branch on index. */
	{ 0x8600, "BXH", op_bxh },
	{ 0x8700, "BXLE", op_bxle },
	{ 0xEB44, "BXHG", op_bxhg },
	{ 0xEB45, "BXLEG", op_bxleg },
	{ 0x8400, "BRXH", op_brxh },
	{ 0x8500, "BRXLE", op_brxle },
	{ 0xEC44, "BRXHG", op_brxhg },
	{ 0xEC45, "BRXLG", op_brxlg },
	/* Compare and jump (relative). */
	{ 0xEC76, "CRJ", op_crj },
	{ 0xEC64, "CGRJ", op_cgrj },
	{ 0xEC77, "CLRJ", op_clrj },
	{ 0xEC65, "CLGRJ", op_clgrj },
	{ 0xEC7E, "CIJ", op_cij },
	{ 0xEC7C, "CGIJ", op_cgij },
	{ 0xEC7F, "CLIJ", op_clij },
	{ 0xEC7D, "CLGIJ", op_clgij },
	/* Compare and branch. */
	{ 0xECF6, "CRB", op_crb },
	{ 0xECE4, "CGRB", op_cgrb },
	{ 0xECF7, "CLRB", op_clrb },
	{ 0xECE5, "CLGRB", op_clgrb },
	{ 0xECFE, "CIB", op_cib },
	{ 0xECFC, "CGIB", op_cgib },
	{ 0xECFF, "CLIB", op_clib },
	{ 0xECFD, "CLGIB", op_clgib },
	/* Compare and trap. */
	{ 0xB972, "CRT", op_crt },
	{ 0xB960, "CGRT", op_cgrt },
	{ 0xB973, "CLRT", op_clrt },
	{ 0xB961, "CLGRT", op_clgrt },
	{ 0xEC72, "CIT", op_cit },
	{ 0xEC70, "CGIT", op_cgit },
	{ 0xEC73, "CLFIT", op_clfit },
	{ 0xEC71, "CLGIT", op_clgit },
	/* Addresses and addressing mode. */
	{ 0x4100, "LA", op_la },
	{ 0xE371, "LAY", op_lay },
	{ 0x5100, "LAE", op_lae },
	{ 0xE375, "LAEY", op_laey },
	{ 0xC000, "LARL", op_larl },
	{ 0x010B, "TAM", op_tam },
	{ 0x010C, "SAM24", op_sam24 },
	{ 0x010D, "SAM31", op_sam31 },
	{ 0x010E, "SAM64", op_sam64 },
	/* Shifts. */
	{ 0x8900, "SLL", op_sll },
	{ 0x8800, "SRL", op_srl },
	{ 0x8B00, "SLA", op_sla },
	{ 0x8A00, "SRA", op_sra },
	{ 0xEBDF, "SLLK", op_sllk },
	{ 0xEBDE, "SRLK", op_srlk },
	{ 0xEBDD, "SLAK", op_slak },
	{ 0xEBDC, "SRAK", op_srak },
	{ 0xEB0D, "SLLG", op_sllg },
	{ 0xEB0C, "SRLG", op_srlg },
	{ 0xEB0B, "SLAG", op_slag },
	{ 0xEB0A, "SRAG", op_srag },
	{ 0x8D00, "SLDL", op_sldl },
	{ 0x8C00, "SRDL", op_srdl },
	{ 0x8F00, "SLDA", op_slda },
	{ 0x8E00, "SRDA", op_srda },
	/* Rotates. */
	{ 0xEB1D, "RLL", op_rll },
	{ 0xEB1C, "RLLG", op_rllg },
	{ 0xEC54, "RNSBG", op_rnsbg },
	{ 0xEC56, "ROSBG", op_rosbg },
	{ 0xEC57, "RXSBG", op_rxsbg },
	{ 0xEC55, "RISBG", op_risbg },
	{ 0xEC59, "RISBGN", op_risbgn },
	{ 0xEC5D, "RISBHG", op_risbhg },
	{ 0xEC51, "RISBLG", op_risblg },
	/* Load / store on condition. */
	{ 0xB9F2, "LOCR", op_locr },
	{ 0xB9E2, "LOCGR", op_locgr },
	{ 0xEBF2, "LOC", op_loc },
	{ 0xEBE2, "LOCG", op_locg },
	{ 0xEBF3, "STOC", op_stoc },
	{ 0xEBE3, "STOCG", op_stocg },
	/* Execute. */
	{ 0x4400, "EX", op_ex },
	{ 0xC600, "EXRL", op_exrl },
	/* Branch-prediction hints (execution-hint facility). */
	{ 0xC700, "BPP", op_bp_hint },
	{ 0xC500, "BPRP", op_bp_hint },
};

const struct insn_table insn_table_branch = {
	defs, sizeof(defs) / sizeof(defs[0])
};
