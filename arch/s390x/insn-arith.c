/* SPDX-License-Identifier: MIT */
/*
 * Fixed-point arithmetic, logical, compare and load/store instructions of
 * the software CPU (z/Architecture Principles of Operation, chapter 7
 * "General Instructions").
 *
 * Most of these instructions have the same shape: take a first operand
 * from a general register, a second operand from a register, storage or
 * an immediate field (possibly sign- or zero-extended), combine them and
 * set the condition code.  Those are described by one row each in
 * ALU_INSNS below (format, second-operand extension, operation, width)
 * and executed by alu(), which the compiler specializes per row.  The
 * instructions with other shapes (storage-immediate, register fields,
 * multiple registers, even/odd register pairs) have their own small
 * groups further down.
 *
 * Condition codes (PoP ch. 7, per instruction):
 *   signed arithmetic   0 zero, 1 < 0, 2 > 0, 3 overflow
 *   logical arithmetic  CC = 2 * carry-out (= no borrow)
 *                            + (result != 0)
 *   compare             0 equal, 1 first operand low, 2 first high
 *   AND/OR/XOR          0 zero, 1 nonzero
 * A fixed-point overflow sets CC 3 and completes the instruction; the
 * program interruption (code 8) follows only when the fixed-point
 * overflow mask, PSW bit 20, is one ("Fixed-Point Overflow Exception").
 */
#include "arch/s390x/softcpu.h"

/* ---- Common helpers ------------------------------------------------- */

/* Operand width of a row: 32 = bits 32-63, 64 = whole register,
 * HI = bits 0-31 (the high-word facility's "high" operand). */
enum width { W32, W64, WHI };

static inline uint64_t wmask(enum width w)
{
	return w == W64 ? ~0ULL : 0xffffffffULL;
}

static inline uint64_t wsign(enum width w)
{
	return w == W64 ? 1ULL << 63 : 1ULL << 31;
}

/* CC for a signed result: 0 zero, 1 negative, 2 positive. */
static inline unsigned cc_signed(uint64_t r, enum width w)
{
	r &= wmask(w);
	if (r == 0)
		return 0;
	return (r & wsign(w)) ? 1 : 2;
}

/* CC of COMPARE / COMPARE LOGICAL. */
static inline unsigned cc_cmp_s(int64_t a, int64_t b)
{
	return a == b ? 0 : a < b ? 1 : 2;
}

static inline unsigned cc_cmp_u(uint64_t a, uint64_t b)
{
	return a == b ? 0 : a < b ? 1 : 2;
}

static inline int64_t as_signed(uint64_t v, enum width w)
{
	return w == W64 ? (int64_t)v : (int64_t)(int32_t)(uint32_t)v;
}

/* Signed add/subtract in width w; *ovf set on fixed-point overflow. */
static inline uint64_t add_s(uint64_t a, uint64_t b, enum width w, bool *ovf)
{
	uint64_t r = (a + b) & wmask(w);
	*ovf = (~(a ^ b) & (a ^ r) & wsign(w)) != 0;
	return r;
}

static inline uint64_t sub_s(uint64_t a, uint64_t b, enum width w, bool *ovf)
{
	uint64_t r = (a - b) & wmask(w);
	*ovf = ((a ^ b) & (a ^ r) & wsign(w)) != 0;
	return r;
}

/*
 * Logical add a + b + cin in width w; *carry is the carry out of bit 0.
 * Logical subtraction is a + ~b + 1 (and with borrow, a + ~b + carry),
 * so "carry" means "no borrow" there, exactly as the CC encodes it.
 */
static inline uint64_t add_l(uint64_t a, uint64_t b, unsigned cin,
			     enum width w, bool *carry)
{
	if (w != W64) {
		uint64_t s = (a & 0xffffffffULL) + (b & 0xffffffffULL) + cin;
		*carry = (s >> 32) != 0;
		return s & 0xffffffffULL;
	}
	uint64_t r = a + b;
	bool c = r < a;
	uint64_t r2 = r + cin;
	*carry = c || r2 < r;
	return r2;
}

static inline unsigned cc_logical(uint64_t r, bool carry)
{
	return (carry ? 2u : 0u) | (r != 0 ? 1u : 0u);
}

/* The carry (= no borrow) that ADD LOGICAL WITH CARRY and SUBTRACT
 * LOGICAL WITH BORROW take from the condition code (CC 2 or 3). */
static inline unsigned cc_carry_in(const struct s390_cpu *cpu)
{
	return (cpu->cc >> 1) & 1;
}

/* Fixed-point overflow: CC 3, and the interruption when PSW bit 20 is
 * on.  Called after the result has been stored (the instruction is
 * completed, not suppressed). */
static void fixpoint_overflow(struct s390_cpu *cpu)
{
	cpu->cc = 3;
	if (cpu->psw_mask & ((uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM))
		cpu_pgm(cpu, PGM_FIXPOINT_OVERFLOW);
}

static inline void set_cc_or_overflow(struct s390_cpu *cpu, uint64_t r,
				      enum width w, bool ovf)
{
	if (ovf)
		fixpoint_overflow(cpu);
	else
		cpu->cc = cc_signed(r, w);
}

/*
 * The compare-and-trap data exception (DXC FF) of LOAD AND TRAP: the
 * DXC goes to real locations 144-147 and, with the AFP-register control
 * (CR0 bit 45) on, to byte 2 of the FPC (PoP "Data-Exception Code").
 */
#define DXC_COMPARE_AND_TRAP	0xFF

static _Noreturn void trap(struct s390_cpu *cpu)
{
	cpu_data_exception(cpu, DXC_COMPARE_AND_TRAP);
}

/* Even/odd register pair operands (MR, DR, DSG, MLG, FLOGR, ...). */
static inline void require_even(struct s390_cpu *cpu, unsigned r1)
{
	if (r1 & 1)
		cpu_pgm(cpu, PGM_SPECIFICATION);
}

/* Effective addresses of the storage-operand formats. */
static inline uint64_t ea_rx(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, F_X2(insn), F_B2(insn), F_D2(insn));
}

static inline uint64_t ea_rxy(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, F_X2(insn), F_B2(insn), f_dl_dh(insn));
}

/* RS/RSY/SI/SIY have no index register. */
static inline uint64_t ea_rs(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
}

static inline uint64_t ea_rsy(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, 0, F_B2(insn), f_dl_dh(insn));
}

/*
 * RIL relative-long storage operands (LRL, STGRL, CGFRL, ...): the
 * address is the instruction address plus twice the signed I2; the
 * operand must be aligned on an integral boundary of its size, or a
 * specification exception is recognized (PoP "LOAD RELATIVE LONG").
 */
static inline uint64_t ea_ril(struct s390_cpu *cpu, uint64_t insn,
			      unsigned size)
{
	int64_t off = 2 * (int64_t)(int32_t)F_I2_32(insn);
	uint64_t a = cpu_wrap(cpu, cpu_rel_base(cpu) + (uint64_t)off);
	if (a & (size - 1))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	return a;
}

static inline uint64_t ld_size(struct s390_cpu *cpu, uint64_t a,
			       unsigned size)
{
	switch (size) {
	case 1:
		return cpu_ld8(cpu, a);
	case 2:
		return cpu_ld16(cpu, a);
	case 4:
		return cpu_ld32(cpu, a);
	default:
		return cpu_ld64(cpu, a);
	}
}

static inline void st_size(struct s390_cpu *cpu, uint64_t a, unsigned size,
			   uint64_t v)
{
	switch (size) {
	case 1:
		cpu_st8(cpu, a, (uint8_t)v);
		break;
	case 2:
		cpu_st16(cpu, a, (uint16_t)v);
		break;
	case 4:
		cpu_st32(cpu, a, (uint32_t)v);
		break;
	default:
		cpu_st64(cpu, a, v);
		break;
	}
}

/* ---- Register/storage/immediate operations (the ALU rows) ----------- */

/* Instruction format of a row: where R1, the first-operand register and
 * the second operand come from. */
enum shape {
	SH_RR,		/* R1 op= GR(R2) */
	SH_RRE,		/* R1 op= GR(R2), 16-bit opcode */
	SH_RRF,		/* R1 = GR(R2) op GR(R3) (distinct operands) */
	SH_RX,		/* R1 op= storage at D2(X2,B2), 12-bit D2 */
	SH_RXY,		/* R1 op= storage at D2(X2,B2), 20-bit D2 */
	SH_RI,		/* R1 op= I2 (16 bits) */
	SH_RIL,		/* R1 op= I2 (32 bits) */
	SH_RIE,		/* R1 = GR(R3) op I2 (16 bits) */
	SH_RILR,	/* R1 op= storage at insn address + 2 * I2 */
};

/* How the second operand is taken (its storage size) and extended. */
enum ext {
	X_S8,		/* byte, sign-extended */
	X_U8,		/* byte, zero-extended */
	X_S16,		/* halfword, sign-extended */
	X_U16,		/* halfword, zero-extended */
	X_32,		/* word, zero-extended (32-bit operations) */
	X_S32,		/* word, sign-extended */
	X_U31,		/* word with bit 32 cleared, zero-extended */
	X_H32,		/* register bits 0-31 (high word) */
	X_64,		/* doubleword */
};

enum aop {
	A_LOAD,		/* LOAD: no CC */
	A_LAT,		/* LOAD AND TRAP: LOAD, then trap on zero */
	A_LT,		/* LOAD AND TEST */
	A_LC,		/* LOAD COMPLEMENT */
	A_LN,		/* LOAD NEGATIVE */
	A_LP,		/* LOAD POSITIVE */
	A_ADD,		/* ADD */
	A_SUB,		/* SUBTRACT */
	A_ADDL,		/* ADD LOGICAL */
	A_ADDLN,	/* ADD LOGICAL, CC unchanged (ALSIHN) */
	A_SUBL,		/* SUBTRACT LOGICAL */
	A_ALC,		/* ADD LOGICAL WITH CARRY */
	A_SLB,		/* SUBTRACT LOGICAL WITH BORROW */
	A_AND,
	A_OR,
	A_XOR,
	A_CMP,		/* COMPARE */
	A_CMPL,		/* COMPARE LOGICAL */
	A_MUL,		/* MULTIPLY SINGLE / HALFWORD: no CC, no overflow */
};

static inline unsigned ext_size(enum ext x)
{
	switch (x) {
	case X_S8:
	case X_U8:
		return 1;
	case X_S16:
	case X_U16:
		return 2;
	case X_64:
		return 8;
	default:
		return 4;
	}
}

static inline uint64_t extend(uint64_t v, enum ext x)
{
	switch (x) {
	case X_S8:
		return (uint64_t)sext8((uint8_t)v);
	case X_U8:
		return v & 0xff;
	case X_S16:
		return (uint64_t)sext16((uint16_t)v);
	case X_U16:
		return v & 0xffff;
	case X_S32:
		return (uint64_t)sext32((uint32_t)v);
	case X_U31:
		return v & 0x7fffffffULL;
	case X_H32:
		return v >> 32;
	case X_64:
		return v;
	default:
		return v & 0xffffffffULL;
	}
}

static inline unsigned alu_r1(uint64_t insn, enum shape sh)
{
	return (sh == SH_RRE || sh == SH_RRF) ? F_RRE_R1(insn) : F_R1(insn);
}

/* Fetches (with all access checks) the extended second operand. */
static inline uint64_t alu_op2(struct s390_cpu *cpu, uint64_t insn,
			       enum shape sh, enum ext x)
{
	uint64_t raw;

	switch (sh) {
	case SH_RR:
		raw = cpu->gr[F_R2(insn)];
		break;
	case SH_RRE:
		raw = cpu->gr[F_RRE_R2(insn)];
		break;
	case SH_RRF:
		raw = cpu->gr[F_RRF_R3(insn)];
		break;
	case SH_RX:
		raw = ld_size(cpu, ea_rx(cpu, insn), ext_size(x));
		break;
	case SH_RXY:
		raw = ld_size(cpu, ea_rxy(cpu, insn), ext_size(x));
		break;
	case SH_RI:
		raw = F_I2_16(insn);
		break;
	case SH_RIE:
		raw = F_RIE_I2(insn);
		break;
	case SH_RIL:
		raw = F_I2_32(insn);
		break;
	default: /* SH_RILR */
		raw = ld_size(cpu, ea_ril(cpu, insn, ext_size(x)),
			      ext_size(x));
		break;
	}
	return extend(raw, x);
}

static inline uint64_t rd_w(const struct s390_cpu *cpu, unsigned r,
			    enum width w)
{
	switch (w) {
	case W64:
		return cpu->gr[r];
	case WHI:
		return gr_hi(cpu, r);
	default:
		return gr_lo(cpu, r);
	}
}

static inline void wr_w(struct s390_cpu *cpu, unsigned r, enum width w,
			uint64_t v)
{
	switch (w) {
	case W64:
		cpu->gr[r] = v;
		break;
	case WHI:
		gr_set_hi(cpu, r, (uint32_t)v);
		break;
	default:
		gr_set_lo(cpu, r, (uint32_t)v);
		break;
	}
}

__attribute__((always_inline))
static inline void alu(struct s390_cpu *cpu, uint64_t insn, enum shape sh,
		       enum ext x, enum aop op, enum width w)
{
	unsigned r1 = alu_r1(insn, sh);
	unsigned rs = sh == SH_RRF ? F_RRE_R2(insn) :
		      sh == SH_RIE ? F_R3(insn) : r1;
	uint64_t b = alu_op2(cpu, insn, sh, x) & wmask(w);
	uint64_t a = rd_w(cpu, rs, w);
	uint64_t r = 0;
	bool flag = false;

	switch (op) {
	case A_LOAD:
		wr_w(cpu, r1, w, b);
		return;
	case A_LAT:
		/* The operand is loaded; the trap follows (completion). */
		wr_w(cpu, r1, w, b);
		if (b == 0)
			trap(cpu);
		return;
	case A_LT:
		wr_w(cpu, r1, w, b);
		cpu->cc = cc_signed(b, w);
		return;
	case A_LC:
		r = sub_s(0, b, w, &flag);
		wr_w(cpu, r1, w, r);
		set_cc_or_overflow(cpu, r, w, flag);
		return;
	case A_LN:
		r = (b & wsign(w)) ? b : (0 - b) & wmask(w);
		wr_w(cpu, r1, w, r);
		cpu->cc = r ? 1 : 0;
		return;
	case A_LP:
		r = (b & wsign(w)) ? sub_s(0, b, w, &flag) : b;
		wr_w(cpu, r1, w, r);
		set_cc_or_overflow(cpu, r, w, flag);
		return;
	case A_ADD:
	case A_SUB:
		r = op == A_ADD ? add_s(a, b, w, &flag) : sub_s(a, b, w, &flag);
		wr_w(cpu, r1, w, r);
		set_cc_or_overflow(cpu, r, w, flag);
		return;
	case A_ADDL:
	case A_ADDLN:
		r = add_l(a, b, 0, w, &flag);
		break;
	case A_SUBL:
		r = add_l(a, ~b, 1, w, &flag);
		break;
	case A_ALC:
		r = add_l(a, b, cc_carry_in(cpu), w, &flag);
		break;
	case A_SLB:
		r = add_l(a, ~b, cc_carry_in(cpu), w, &flag);
		break;
	case A_AND:
	case A_OR:
	case A_XOR:
		r = op == A_AND ? a & b : op == A_OR ? a | b : a ^ b;
		wr_w(cpu, r1, w, r);
		cpu->cc = r != 0;
		return;
	case A_CMP:
		cpu->cc = cc_cmp_s(as_signed(a, w), as_signed(b, w));
		return;
	case A_CMPL:
		cpu->cc = cc_cmp_u(a, b);
		return;
	case A_MUL:
		wr_w(cpu, r1, w, (a * b) & wmask(w));
		return;
	}
	/* Logical add/subtract family. */
	wr_w(cpu, r1, w, r);
	if (op != A_ADDLN)
		cpu->cc = cc_logical(r, flag);
}

/*
 * One row per instruction: opcode (softcpu.h encoding), mnemonic,
 * format, second-operand extension, operation, width.
 */
#define ALU_INSNS(ROW)							\
	/* LOAD, LOAD HALFWORD, LOAD BYTE, LOAD LOGICAL CHARACTER /	\
	 * HALFWORD / THIRTY ONE BITS, LOAD IMMEDIATE, LOAD RELATIVE	\
	 * LONG (PoP ch. 7 "LOAD" and following) */			\
	ROW(0x1800, LR,     RR,   32,  LOAD, W32)				\
	ROW(0x5800, L,      RX,   32,  LOAD, W32)				\
	ROW(0xE358, LY,     RXY,  32,  LOAD, W32)				\
	ROW(0xB904, LGR,    RRE,  64,  LOAD, W64)				\
	ROW(0xE304, LG,     RXY,  64,  LOAD, W64)				\
	ROW(0xB914, LGFR,   RRE,  S32, LOAD, W64)				\
	ROW(0xE314, LGF,    RXY,  S32, LOAD, W64)				\
	ROW(0xB927, LHR,    RRE,  S16, LOAD, W32)				\
	ROW(0x4800, LH,     RX,   S16, LOAD, W32)				\
	ROW(0xE378, LHY,    RXY,  S16, LOAD, W32)				\
	ROW(0xB907, LGHR,   RRE,  S16, LOAD, W64)				\
	ROW(0xE315, LGH,    RXY,  S16, LOAD, W64)				\
	ROW(0xB926, LBR,    RRE,  S8,  LOAD, W32)				\
	ROW(0xE376, LB,     RXY,  S8,  LOAD, W32)				\
	ROW(0xB906, LGBR,   RRE,  S8,  LOAD, W64)				\
	ROW(0xE377, LGB,    RXY,  S8,  LOAD, W64)				\
	ROW(0xB994, LLCR,   RRE,  U8,  LOAD, W32)				\
	ROW(0xE394, LLC,    RXY,  U8,  LOAD, W32)				\
	ROW(0xB984, LLGCR,  RRE,  U8,  LOAD, W64)				\
	ROW(0xE390, LLGC,   RXY,  U8,  LOAD, W64)				\
	ROW(0xB995, LLHR,   RRE,  U16, LOAD, W32)				\
	ROW(0xE395, LLH,    RXY,  U16, LOAD, W32)				\
	ROW(0xB985, LLGHR,  RRE,  U16, LOAD, W64)				\
	ROW(0xE391, LLGH,   RXY,  U16, LOAD, W64)				\
	ROW(0xB916, LLGFR,  RRE,  32,  LOAD, W64)				\
	ROW(0xE316, LLGF,   RXY,  32,  LOAD, W64)				\
	ROW(0xB917, LLGTR,  RRE,  U31, LOAD, W64)				\
	ROW(0xE317, LLGT,   RXY,  U31, LOAD, W64)				\
	ROW(0xA708, LHI,    RI,   S16, LOAD, W32)				\
	ROW(0xA709, LGHI,   RI,   S16, LOAD, W64)				\
	ROW(0xC001, LGFI,   RIL,  S32, LOAD, W64)				\
	ROW(0xC40D, LRL,    RILR, 32,  LOAD, W32)				\
	ROW(0xC408, LGRL,   RILR, 64,  LOAD, W64)				\
	ROW(0xC40C, LGFRL,  RILR, S32, LOAD, W64)				\
	ROW(0xC40E, LLGFRL, RILR, 32,  LOAD, W64)				\
	ROW(0xC405, LHRL,   RILR, S16, LOAD, W32)				\
	ROW(0xC404, LGHRL,  RILR, S16, LOAD, W64)				\
	ROW(0xC402, LLHRL,  RILR, U16, LOAD, W32)				\
	ROW(0xC406, LLGHRL, RILR, U16, LOAD, W64)				\
	/* LOAD AND TRAP (load-and-trap facility, STFLE bit 49) */	\
	ROW(0xE39F, LAT,    RXY,  32,  LAT,  W32)				\
	ROW(0xE385, LGAT,   RXY,  64,  LAT,  W64)				\
	ROW(0xE39D, LLGFAT, RXY,  32,  LAT,  W64)				\
	ROW(0xE39C, LLGTAT, RXY,  U31, LAT,  W64)				\
	ROW(0xE3C8, LFHAT,  RXY,  32,  LAT,  WHI)				\
	/* LOAD AND TEST, LOAD COMPLEMENT/NEGATIVE/POSITIVE */		\
	ROW(0x1200, LTR,    RR,   32,  LT,   W32)				\
	ROW(0xE312, LT,     RXY,  32,  LT,   W32)				\
	ROW(0xB902, LTGR,   RRE,  64,  LT,   W64)				\
	ROW(0xE302, LTG,    RXY,  64,  LT,   W64)				\
	ROW(0xB912, LTGFR,  RRE,  S32, LT,   W64)				\
	ROW(0xE332, LTGF,   RXY,  S32, LT,   W64)				\
	ROW(0x1300, LCR,    RR,   32,  LC,   W32)				\
	ROW(0xB903, LCGR,   RRE,  64,  LC,   W64)				\
	ROW(0xB913, LCGFR,  RRE,  S32, LC,   W64)				\
	ROW(0x1100, LNR,    RR,   32,  LN,   W32)				\
	ROW(0xB901, LNGR,   RRE,  64,  LN,   W64)				\
	ROW(0xB911, LNGFR,  RRE,  S32, LN,   W64)				\
	ROW(0x1000, LPR,    RR,   32,  LP,   W32)				\
	ROW(0xB900, LPGR,   RRE,  64,  LP,   W64)				\
	ROW(0xB910, LPGFR,  RRE,  S32, LP,   W64)				\
	/* ADD, ADD HALFWORD, ADD IMMEDIATE */				\
	ROW(0x1A00, AR,     RR,   32,  ADD,  W32)				\
	ROW(0x5A00, A,      RX,   32,  ADD,  W32)				\
	ROW(0xE35A, AY,     RXY,  32,  ADD,  W32)				\
	ROW(0xB9F8, ARK,    RRF,  32,  ADD,  W32)				\
	ROW(0xB908, AGR,    RRE,  64,  ADD,  W64)				\
	ROW(0xE308, AG,     RXY,  64,  ADD,  W64)				\
	ROW(0xB9E8, AGRK,   RRF,  64,  ADD,  W64)				\
	ROW(0xB918, AGFR,   RRE,  S32, ADD,  W64)				\
	ROW(0xE318, AGF,    RXY,  S32, ADD,  W64)				\
	ROW(0x4A00, AH,     RX,   S16, ADD,  W32)				\
	ROW(0xE37A, AHY,    RXY,  S16, ADD,  W32)				\
	ROW(0xA70A, AHI,    RI,   S16, ADD,  W32)				\
	ROW(0xA70B, AGHI,   RI,   S16, ADD,  W64)				\
	ROW(0xECD8, AHIK,   RIE,  S16, ADD,  W32)				\
	ROW(0xECD9, AGHIK,  RIE,  S16, ADD,  W64)				\
	ROW(0xC209, AFI,    RIL,  S32, ADD,  W32)				\
	ROW(0xC208, AGFI,   RIL,  S32, ADD,  W64)				\
	/* ADD LOGICAL (WITH SIGNED IMMEDIATE / WITH CARRY) */		\
	ROW(0x1E00, ALR,    RR,   32,  ADDL, W32)				\
	ROW(0x5E00, AL,     RX,   32,  ADDL, W32)				\
	ROW(0xE35E, ALY,    RXY,  32,  ADDL, W32)				\
	ROW(0xB9FA, ALRK,   RRF,  32,  ADDL, W32)				\
	ROW(0xB90A, ALGR,   RRE,  64,  ADDL, W64)				\
	ROW(0xE30A, ALG,    RXY,  64,  ADDL, W64)				\
	ROW(0xB9EA, ALGRK,  RRF,  64,  ADDL, W64)				\
	ROW(0xB91A, ALGFR,  RRE,  32,  ADDL, W64)				\
	ROW(0xE31A, ALGF,   RXY,  32,  ADDL, W64)				\
	ROW(0xC20B, ALFI,   RIL,  32,  ADDL, W32)				\
	ROW(0xC20A, ALGFI,  RIL,  32,  ADDL, W64)				\
	ROW(0xECDA, ALHSIK, RIE,  S16, ADDL, W32)				\
	ROW(0xECDB, ALGHSIK, RIE, S16, ADDL, W64)				\
	ROW(0xB998, ALCR,   RRE,  32,  ALC,  W32)				\
	ROW(0xE398, ALC,    RXY,  32,  ALC,  W32)				\
	ROW(0xB988, ALCGR,  RRE,  64,  ALC,  W64)				\
	ROW(0xE388, ALCG,   RXY,  64,  ALC,  W64)				\
	/* SUBTRACT, SUBTRACT HALFWORD */				\
	ROW(0x1B00, SR,     RR,   32,  SUB,  W32)				\
	ROW(0x5B00, S,      RX,   32,  SUB,  W32)				\
	ROW(0xE35B, SY,     RXY,  32,  SUB,  W32)				\
	ROW(0xB9F9, SRK,    RRF,  32,  SUB,  W32)				\
	ROW(0xB909, SGR,    RRE,  64,  SUB,  W64)				\
	ROW(0xE309, SG,     RXY,  64,  SUB,  W64)				\
	ROW(0xB9E9, SGRK,   RRF,  64,  SUB,  W64)				\
	ROW(0xB919, SGFR,   RRE,  S32, SUB,  W64)				\
	ROW(0xE319, SGF,    RXY,  S32, SUB,  W64)				\
	ROW(0x4B00, SH,     RX,   S16, SUB,  W32)				\
	ROW(0xE37B, SHY,    RXY,  S16, SUB,  W32)				\
	/* SUBTRACT LOGICAL (IMMEDIATE / WITH BORROW) */		\
	ROW(0x1F00, SLR,    RR,   32,  SUBL, W32)				\
	ROW(0x5F00, SL,     RX,   32,  SUBL, W32)				\
	ROW(0xE35F, SLY,    RXY,  32,  SUBL, W32)				\
	ROW(0xB9FB, SLRK,   RRF,  32,  SUBL, W32)				\
	ROW(0xB90B, SLGR,   RRE,  64,  SUBL, W64)				\
	ROW(0xE30B, SLG,    RXY,  64,  SUBL, W64)				\
	ROW(0xB9EB, SLGRK,  RRF,  64,  SUBL, W64)				\
	ROW(0xB91B, SLGFR,  RRE,  32,  SUBL, W64)				\
	ROW(0xE31B, SLGF,   RXY,  32,  SUBL, W64)				\
	ROW(0xC205, SLFI,   RIL,  32,  SUBL, W32)				\
	ROW(0xC204, SLGFI,  RIL,  32,  SUBL, W64)				\
	ROW(0xB999, SLBR,   RRE,  32,  SLB,  W32)				\
	ROW(0xE399, SLB,    RXY,  32,  SLB,  W32)				\
	ROW(0xB989, SLBGR,  RRE,  64,  SLB,  W64)				\
	ROW(0xE389, SLBG,   RXY,  64,  SLB,  W64)				\
	/* COMPARE, COMPARE HALFWORD (IMMEDIATE / RELATIVE LONG) */	\
	ROW(0x1900, CR,     RR,   32,  CMP,  W32)				\
	ROW(0x5900, C,      RX,   32,  CMP,  W32)				\
	ROW(0xE359, CY,     RXY,  32,  CMP,  W32)				\
	ROW(0xB920, CGR,    RRE,  64,  CMP,  W64)				\
	ROW(0xE320, CG,     RXY,  64,  CMP,  W64)				\
	ROW(0xB930, CGFR,   RRE,  S32, CMP,  W64)				\
	ROW(0xE330, CGF,    RXY,  S32, CMP,  W64)				\
	ROW(0x4900, CH,     RX,   S16, CMP,  W32)				\
	ROW(0xE379, CHY,    RXY,  S16, CMP,  W32)				\
	ROW(0xE334, CGH,    RXY,  S16, CMP,  W64)				\
	ROW(0xA70E, CHI,    RI,   S16, CMP,  W32)				\
	ROW(0xA70F, CGHI,   RI,   S16, CMP,  W64)				\
	ROW(0xC20D, CFI,    RIL,  S32, CMP,  W32)				\
	ROW(0xC20C, CGFI,   RIL,  S32, CMP,  W64)				\
	ROW(0xC60D, CRL,    RILR, 32,  CMP,  W32)				\
	ROW(0xC608, CGRL,   RILR, 64,  CMP,  W64)				\
	ROW(0xC60C, CGFRL,  RILR, S32, CMP,  W64)				\
	ROW(0xC605, CHRL,   RILR, S16, CMP,  W32)				\
	ROW(0xC604, CGHRL,  RILR, S16, CMP,  W64)				\
	/* COMPARE LOGICAL (IMMEDIATE / RELATIVE LONG) */		\
	ROW(0x1500, CLR,    RR,   32,  CMPL, W32)				\
	ROW(0x5500, CL,     RX,   32,  CMPL, W32)				\
	ROW(0xE355, CLY,    RXY,  32,  CMPL, W32)				\
	ROW(0xB921, CLGR,   RRE,  64,  CMPL, W64)				\
	ROW(0xE321, CLG,    RXY,  64,  CMPL, W64)				\
	ROW(0xB931, CLGFR,  RRE,  32,  CMPL, W64)				\
	ROW(0xE331, CLGF,   RXY,  32,  CMPL, W64)				\
	ROW(0xC20F, CLFI,   RIL,  32,  CMPL, W32)				\
	ROW(0xC20E, CLGFI,  RIL,  32,  CMPL, W64)				\
	ROW(0xC60F, CLRL,   RILR, 32,  CMPL, W32)				\
	ROW(0xC60A, CLGRL,  RILR, 64,  CMPL, W64)				\
	ROW(0xC60E, CLGFRL, RILR, 32,  CMPL, W64)				\
	ROW(0xC607, CLHRL,  RILR, U16, CMPL, W32)				\
	ROW(0xC606, CLGHRL, RILR, U16, CMPL, W64)				\
	/* AND, OR, EXCLUSIVE OR (register and storage forms) */	\
	ROW(0x1400, NR,     RR,   32,  AND,  W32)				\
	ROW(0x5400, N,      RX,   32,  AND,  W32)				\
	ROW(0xE354, NY,     RXY,  32,  AND,  W32)				\
	ROW(0xB9F4, NRK,    RRF,  32,  AND,  W32)				\
	ROW(0xB980, NGR,    RRE,  64,  AND,  W64)				\
	ROW(0xE380, NG,     RXY,  64,  AND,  W64)				\
	ROW(0xB9E4, NGRK,   RRF,  64,  AND,  W64)				\
	ROW(0x1600, OR,     RR,   32,  OR,   W32)				\
	ROW(0x5600, O,      RX,   32,  OR,   W32)				\
	ROW(0xE356, OY,     RXY,  32,  OR,   W32)				\
	ROW(0xB9F6, ORK,    RRF,  32,  OR,   W32)				\
	ROW(0xB981, OGR,    RRE,  64,  OR,   W64)				\
	ROW(0xE381, OG,     RXY,  64,  OR,   W64)				\
	ROW(0xB9E6, OGRK,   RRF,  64,  OR,   W64)				\
	ROW(0x1700, XR,     RR,   32,  XOR,  W32)				\
	ROW(0x5700, X,      RX,   32,  XOR,  W32)				\
	ROW(0xE357, XY,     RXY,  32,  XOR,  W32)				\
	ROW(0xB9F7, XRK,    RRF,  32,  XOR,  W32)				\
	ROW(0xB982, XGR,    RRE,  64,  XOR,  W64)				\
	ROW(0xE382, XG,     RXY,  64,  XOR,  W64)				\
	ROW(0xB9E7, XGRK,   RRF,  64,  XOR,  W64)				\
	/* MULTIPLY HALFWORD (IMMEDIATE), MULTIPLY SINGLE (IMMEDIATE):	\
	 * rightmost bits of the product, overflow ignored, CC kept */	\
	ROW(0x4C00, MH,     RX,   S16, MUL,  W32)				\
	ROW(0xE37C, MHY,    RXY,  S16, MUL,  W32)				\
	ROW(0xA70C, MHI,    RI,   S16, MUL,  W32)				\
	ROW(0xA70D, MGHI,   RI,   S16, MUL,  W64)				\
	ROW(0xB252, MSR,    RRE,  32,  MUL,  W32)				\
	ROW(0x7100, MS,     RX,   32,  MUL,  W32)				\
	ROW(0xE351, MSY,    RXY,  32,  MUL,  W32)				\
	ROW(0xB90C, MSGR,   RRE,  64,  MUL,  W64)				\
	ROW(0xE30C, MSG,    RXY,  64,  MUL,  W64)				\
	ROW(0xB91C, MSGFR,  RRE,  S32, MUL,  W64)				\
	ROW(0xE31C, MSGF,   RXY,  S32, MUL,  W64)				\
	ROW(0xC201, MSFI,   RIL,  S32, MUL,  W32)				\
	ROW(0xC200, MSGFI,  RIL,  S32, MUL,  W64)				\
	/* High-word facility: operations on bits 0-31 of R1 */		\
	ROW(0xE3CA, LFH,    RXY,  32,  LOAD, WHI)				\
	ROW(0xE3C0, LBH,    RXY,  S8,  LOAD, WHI)				\
	ROW(0xE3C4, LHH,    RXY,  S16, LOAD, WHI)				\
	ROW(0xE3C2, LLCH,   RXY,  U8,  LOAD, WHI)				\
	ROW(0xE3C6, LLHH,   RXY,  U16, LOAD, WHI)				\
	ROW(0xB9C8, AHHHR,  RRF,  H32, ADD,  WHI)				\
	ROW(0xB9D8, AHHLR,  RRF,  32,  ADD,  WHI)				\
	ROW(0xCC08, AIH,    RIL,  S32, ADD,  WHI)				\
	ROW(0xB9CA, ALHHHR, RRF,  H32, ADDL, WHI)				\
	ROW(0xB9DA, ALHHLR, RRF,  32,  ADDL, WHI)				\
	ROW(0xCC0A, ALSIH,  RIL,  S32, ADDL, WHI)				\
	ROW(0xCC0B, ALSIHN, RIL,  S32, ADDLN, WHI)			\
	ROW(0xB9C9, SHHHR,  RRF,  H32, SUB,  WHI)				\
	ROW(0xB9D9, SHHLR,  RRF,  32,  SUB,  WHI)				\
	ROW(0xB9CB, SLHHHR, RRF,  H32, SUBL, WHI)				\
	ROW(0xB9DB, SLHHLR, RRF,  32,  SUBL, WHI)				\
	ROW(0xB9CD, CHHR,   RRE,  H32, CMP,  WHI)				\
	ROW(0xB9DD, CHLR,   RRE,  32,  CMP,  WHI)				\
	ROW(0xE3CD, CHF,    RXY,  32,  CMP,  WHI)				\
	ROW(0xCC0D, CIH,    RIL,  S32, CMP,  WHI)				\
	ROW(0xB9CF, CLHHR,  RRE,  H32, CMPL, WHI)				\
	ROW(0xB9DF, CLHLR,  RRE,  32,  CMPL, WHI)				\
	ROW(0xE3CF, CLHF,   RXY,  32,  CMPL, WHI)				\
	ROW(0xCC0F, CLIH,   RIL,  32,  CMPL, WHI)

#define ALU_FN(opc, name, sh, x, op, w)					\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		alu(cpu, insn, SH_##sh, X_##x, A_##op, w);		\
	}
ALU_INSNS(ALU_FN)

/* ---- Immediate operations on a register field ------------------------ */

/*
 * INSERT IMMEDIATE, LOAD LOGICAL IMMEDIATE, AND/OR/EXCLUSIVE OR
 * IMMEDIATE and TEST UNDER MASK (high/low): a 16- or 32-bit immediate
 * applies to the field of R1 at bit offset `shift` (from the right);
 * PoP ch. 7 "INSERT IMMEDIATE", "AND IMMEDIATE", "TEST UNDER MASK".
 */
enum fop { FO_INSERT, FO_LLI, FO_AND, FO_OR, FO_XOR, FO_TM };

/* CC of TEST UNDER MASK (RI forms): 0 selected bits all zeros or mask
 * zero, 1 mixed with leftmost selected bit zero, 2 mixed with it one,
 * 3 all ones. */
static unsigned cc_tm16(uint16_t val, uint16_t mask)
{
	uint16_t sel = val & mask;

	if (sel == 0)
		return 0;
	if (sel == mask)
		return 3;
	/* leftmost one bit of the mask */
	uint16_t top = (uint16_t)(0x8000u >> (__builtin_clz(mask) - 16));
	return (val & top) ? 2 : 1;
}

__attribute__((always_inline))
static inline void field_op(struct s390_cpu *cpu, uint64_t insn,
			    unsigned shift, unsigned bits, enum fop op)
{
	unsigned r1 = F_R1(insn);
	uint64_t fmask = (bits == 32 ? 0xffffffffULL : 0xffffULL) << shift;
	uint64_t imm = (bits == 32 ? (uint64_t)F_I2_32(insn) :
		       (uint64_t)F_I2_16(insn)) << shift;
	uint64_t g = cpu->gr[r1];

	switch (op) {
	case FO_INSERT:
		cpu->gr[r1] = (g & ~fmask) | imm;
		return;
	case FO_LLI:
		cpu->gr[r1] = imm;
		return;
	case FO_AND:
		g &= imm | ~fmask;
		break;
	case FO_OR:
		g |= imm;
		break;
	case FO_XOR:
		g ^= imm;
		break;
	case FO_TM:
		cpu->cc = cc_tm16((uint16_t)(g >> shift), (uint16_t)(imm >> shift));
		return;
	}
	cpu->gr[r1] = g;
	/* The CC reflects the modified field only. */
	cpu->cc = (g & fmask) != 0;
}

#define FIELD_INSNS(ROW)							\
	ROW(0xC009, IILF,  0,  32, INSERT)				\
	ROW(0xC008, IIHF,  32, 32, INSERT)				\
	ROW(0xA503, IILL,  0,  16, INSERT)				\
	ROW(0xA502, IILH,  16, 16, INSERT)				\
	ROW(0xA501, IIHL,  32, 16, INSERT)				\
	ROW(0xA500, IIHH,  48, 16, INSERT)				\
	ROW(0xC00F, LLILF, 0,  32, LLI)					\
	ROW(0xC00E, LLIHF, 32, 32, LLI)					\
	ROW(0xA50F, LLILL, 0,  16, LLI)					\
	ROW(0xA50E, LLILH, 16, 16, LLI)					\
	ROW(0xA50D, LLIHL, 32, 16, LLI)					\
	ROW(0xA50C, LLIHH, 48, 16, LLI)					\
	ROW(0xC00B, NILF,  0,  32, AND)					\
	ROW(0xC00A, NIHF,  32, 32, AND)					\
	ROW(0xA507, NILL,  0,  16, AND)					\
	ROW(0xA506, NILH,  16, 16, AND)					\
	ROW(0xA505, NIHL,  32, 16, AND)					\
	ROW(0xA504, NIHH,  48, 16, AND)					\
	ROW(0xC00D, OILF,  0,  32, OR)					\
	ROW(0xC00C, OIHF,  32, 32, OR)					\
	ROW(0xA50B, OILL,  0,  16, OR)					\
	ROW(0xA50A, OILH,  16, 16, OR)					\
	ROW(0xA509, OIHL,  32, 16, OR)					\
	ROW(0xA508, OIHH,  48, 16, OR)					\
	ROW(0xC007, XILF,  0,  32, XOR)					\
	ROW(0xC006, XIHF,  32, 32, XOR)					\
	ROW(0xA701, TMLL,  0,  16, TM)					\
	ROW(0xA700, TMLH,  16, 16, TM)					\
	ROW(0xA703, TMHL,  32, 16, TM)					\
	ROW(0xA702, TMHH,  48, 16, TM)

#define FIELD_FN(opc, name, shift, bits, op)				\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		field_op(cpu, insn, shift, bits, FO_##op);		\
	}
FIELD_INSNS(FIELD_FN)

/* ---- Storage-immediate operations ----------------------------------- */

/*
 * SI/SIY byte operations: AND/OR/EXCLUSIVE OR (NI, OI, XI), COMPARE
 * LOGICAL (CLI) and TEST UNDER MASK (TM).  PoP ch. 7: TM sets CC 0 when
 * the selected bits are all zeros or the mask is zero, 1 when mixed,
 * 3 when all ones.  With the interlocked-access facility 2 (zEC12) the
 * NI/OI/XI update of the byte is interlocked against other CPUs: Linux
 * relies on it for set_bit()/clear_bit() with constant bit numbers.
 */
enum siop { SI_AND, SI_OR, SI_XOR, SI_CLI, SI_TM };

__attribute__((always_inline))
static inline void si_op(struct s390_cpu *cpu, uint64_t insn, bool siy,
			 enum siop op)
{
	uint64_t a = siy ? ea_rsy(cpu, insn) : ea_rs(cpu, insn);
	uint8_t i2 = F_SI_I2(insn);
	uint8_t v;

	switch (op) {
	case SI_TM: {
		uint8_t sel = cpu_ld8(cpu, a) & i2;
		cpu->cc = sel == 0 ? 0 : sel == i2 ? 3 : 1;
		return;
	}
	case SI_CLI:
		cpu->cc = cc_cmp_u(cpu_ld8(cpu, a), i2);
		return;
	default:
		break;
	}

	uint8_t *p = cpu_ptr(cpu, a, 1, ACC_STORE);
	if (op == SI_AND)
		v = __atomic_and_fetch(p, i2, __ATOMIC_SEQ_CST);
	else if (op == SI_OR)
		v = __atomic_or_fetch(p, i2, __ATOMIC_SEQ_CST);
	else
		v = __atomic_xor_fetch(p, i2, __ATOMIC_SEQ_CST);
	cpu->cc = v != 0;
}

#define SI_INSNS(ROW)							\
	ROW(0x9400, NI,   false, AND)					\
	ROW(0xEB54, NIY,  true,  AND)					\
	ROW(0x9600, OI,   false, OR)					\
	ROW(0xEB56, OIY,  true,  OR)					\
	ROW(0x9700, XI,   false, XOR)					\
	ROW(0xEB57, XIY,  true,  XOR)					\
	ROW(0x9500, CLI,  false, CLI)					\
	ROW(0xEB55, CLIY, true,  CLI)					\
	ROW(0x9100, TM,   false, TM)					\
	ROW(0xEB51, TMY,  true,  TM)

#define SI_FN(opc, name, siy, op)					\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		si_op(cpu, insn, siy, SI_##op);				\
	}
SI_INSNS(SI_FN)

/*
 * SIL: MOVE (16/32/64 <- 16-bit immediate, sign-extended) and COMPARE
 * (LOGICAL) with a halfword immediate (PoP ch. 7 "MOVE", "COMPARE
 * HALFWORD IMMEDIATE", "COMPARE LOGICAL IMMEDIATE").
 */
enum silop { SIL_MOVE, SIL_CMP, SIL_CMPL };

__attribute__((always_inline))
static inline void sil_op(struct s390_cpu *cpu, uint64_t insn, unsigned size,
			  enum silop op)
{
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	uint16_t i2 = F_SIL_I2(insn);
	uint64_t v;

	if (op == SIL_MOVE) {
		st_size(cpu, a, size, (uint64_t)sext16(i2));
		return;
	}
	v = ld_size(cpu, a, size);
	if (op == SIL_CMPL) {
		cpu->cc = cc_cmp_u(v, i2);
		return;
	}
	int64_t sv = size == 2 ? sext16((uint16_t)v) :
		     size == 4 ? sext32((uint32_t)v) : (int64_t)v;
	cpu->cc = cc_cmp_s(sv, sext16(i2));
}

#define SIL_INSNS(ROW)							\
	ROW(0xE544, MVHHI,  2, MOVE)					\
	ROW(0xE54C, MVHI,   4, MOVE)					\
	ROW(0xE548, MVGHI,  8, MOVE)					\
	ROW(0xE554, CHHSI,  2, CMP)					\
	ROW(0xE55C, CHSI,   4, CMP)					\
	ROW(0xE558, CGHSI,  8, CMP)					\
	ROW(0xE555, CLHHSI, 2, CMPL)					\
	ROW(0xE55D, CLFHSI, 4, CMPL)					\
	ROW(0xE559, CLGHSI, 8, CMPL)

#define SIL_FN(opc, name, size, op)					\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		sil_op(cpu, insn, size, SIL_##op);			\
	}
SIL_INSNS(SIL_FN)

/*
 * SIY: ADD IMMEDIATE (ASI, AGSI) and ADD LOGICAL WITH SIGNED IMMEDIATE
 * (ALSI, ALGSI) to storage.  The signed 8-bit I2 is sign-extended; for
 * the logical forms it is then added as an unsigned value.  On overflow
 * the sum is stored before the interruption.  With the interlocked-
 * access facility 1 the update is interlocked when the operand is on an
 * integral boundary (Linux's atomic_add() of a constant is one ASI).
 */
static inline uint64_t asi_sum(uint64_t v, uint64_t i2, enum width w,
			       bool logical, bool *flag)
{
	return logical ? add_l(v, i2, 0, w, flag) : add_s(v, i2, w, flag);
}

__attribute__((always_inline))
static inline void asi_op(struct s390_cpu *cpu, uint64_t insn, enum width w,
			  bool logical)
{
	uint64_t a = ea_rsy(cpu, insn);
	unsigned size = w == W64 ? 8 : 4;
	uint64_t i2 = (uint64_t)sext8(F_SI_I2(insn)) & wmask(w);
	uint64_t r;
	bool flag;

	if (a & (size - 1)) {
		r = asi_sum(ld_size(cpu, a, size), i2, w, logical, &flag);
		st_size(cpu, a, size, r);
	} else if (size == 4) {
		uint32_t *p = (uint32_t *)(void *)cpu_ptr(cpu, a, 4, ACC_STORE);
		uint32_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST), nv;
		do {
			r = asi_sum(CPU_BE32(old), i2, w, logical, &flag);
			nv = CPU_BE32((uint32_t)r);
		} while (!__atomic_compare_exchange_n(p, &old, nv, false,
						      __ATOMIC_SEQ_CST,
						      __ATOMIC_SEQ_CST));
	} else {
		uint64_t *p = (uint64_t *)(void *)cpu_ptr(cpu, a, 8, ACC_STORE);
		uint64_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST), nv;
		do {
			r = asi_sum(CPU_BE64(old), i2, w, logical, &flag);
			nv = CPU_BE64(r);
		} while (!__atomic_compare_exchange_n(p, &old, nv, false,
						      __ATOMIC_SEQ_CST,
						      __ATOMIC_SEQ_CST));
	}
	if (logical)
		cpu->cc = cc_logical(r, flag);
	else
		set_cc_or_overflow(cpu, r, w, flag);
}

static void op_ASI(struct s390_cpu *cpu, uint64_t insn)
{
	asi_op(cpu, insn, W32, false);
}

static void op_AGSI(struct s390_cpu *cpu, uint64_t insn)
{
	asi_op(cpu, insn, W64, false);
}

static void op_ALSI(struct s390_cpu *cpu, uint64_t insn)
{
	asi_op(cpu, insn, W32, true);
}

static void op_ALGSI(struct s390_cpu *cpu, uint64_t insn)
{
	asi_op(cpu, insn, W64, true);
}

/* ---- Stores ---------------------------------------------------------- */

/*
 * STORE, STORE HALFWORD, STORE CHARACTER, STORE RELATIVE LONG, STORE
 * REVERSED and the high-word stores (PoP ch. 7 "STORE" and following):
 * the rightmost `size` bytes of the chosen register word go to storage.
 */
enum stfrom { ST_LO, ST_HI, ST_REV };

__attribute__((always_inline))
static inline void store_op(struct s390_cpu *cpu, uint64_t insn,
			    enum shape sh, unsigned size, enum stfrom from)
{
	uint64_t v = cpu->gr[F_R1(insn)];
	uint64_t a = sh == SH_RX ? ea_rx(cpu, insn) :
		     sh == SH_RXY ? ea_rxy(cpu, insn) :
		     ea_ril(cpu, insn, size);

	if (from == ST_HI)
		v >>= 32;
	if (from == ST_REV)
		v = size == 2 ? __builtin_bswap16((uint16_t)v) :
		    size == 4 ? __builtin_bswap32((uint32_t)v) :
		    __builtin_bswap64(v);
	st_size(cpu, a, size, v);
}

#define STORE_INSNS(ROW)							\
	ROW(0x5000, ST,    RX,   4, LO)					\
	ROW(0xE350, STY,   RXY,  4, LO)					\
	ROW(0xE324, STG,   RXY,  8, LO)					\
	ROW(0x4000, STH,   RX,   2, LO)					\
	ROW(0xE370, STHY,  RXY,  2, LO)					\
	ROW(0x4200, STC,   RX,   1, LO)					\
	ROW(0xE372, STCY,  RXY,  1, LO)					\
	ROW(0xC40F, STRL,  RILR, 4, LO)					\
	ROW(0xC40B, STGRL, RILR, 8, LO)					\
	ROW(0xC407, STHRL, RILR, 2, LO)					\
	ROW(0xE33E, STRV,  RXY,  4, REV)					\
	ROW(0xE32F, STRVG, RXY,  8, REV)					\
	ROW(0xE33F, STRVH, RXY,  2, REV)					\
	ROW(0xE3CB, STFH,  RXY,  4, HI)					\
	ROW(0xE3C3, STCH,  RXY,  1, HI)					\
	ROW(0xE3C7, STHH,  RXY,  2, HI)

#define STORE_FN(opc, name, sh, size, from)				\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		store_op(cpu, insn, SH_##sh, size, ST_##from);		\
	}
STORE_INSNS(STORE_FN)

/* ---- Load reversed and insert character ------------------------------ */

/* LOAD REVERSED (PoP ch. 7): LRVH replaces only bits 48-63, LRV/LRVR
 * bits 32-63. */
static void op_LRVR(struct s390_cpu *cpu, uint64_t insn)
{
	gr_set_lo(cpu, F_RRE_R1(insn),
		  __builtin_bswap32(gr_lo(cpu, F_RRE_R2(insn))));
}

static void op_LRVGR(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->gr[F_RRE_R1(insn)] = __builtin_bswap64(cpu->gr[F_RRE_R2(insn)]);
}

static void op_LRV(struct s390_cpu *cpu, uint64_t insn)
{
	gr_set_lo(cpu, F_R1(insn),
		  __builtin_bswap32(cpu_ld32(cpu, ea_rxy(cpu, insn))));
}

static void op_LRVG(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->gr[F_R1(insn)] = __builtin_bswap64(cpu_ld64(cpu, ea_rxy(cpu, insn)));
}

static void op_LRVH(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_R1(insn);
	uint16_t v = __builtin_bswap16(cpu_ld16(cpu, ea_rxy(cpu, insn)));

	cpu->gr[r1] = (cpu->gr[r1] & ~0xffffULL) | v;
}

/* INSERT CHARACTER: bits 56-63 of R1 only. */
static void insert_char(struct s390_cpu *cpu, uint64_t insn, uint64_t a)
{
	unsigned r1 = F_R1(insn);
	uint8_t v = cpu_ld8(cpu, a);

	cpu->gr[r1] = (cpu->gr[r1] & ~0xffULL) | v;
}

static void op_IC(struct s390_cpu *cpu, uint64_t insn)
{
	insert_char(cpu, insn, ea_rx(cpu, insn));
}

static void op_ICY(struct s390_cpu *cpu, uint64_t insn)
{
	insert_char(cpu, insn, ea_rxy(cpu, insn));
}

/* ---- Characters under mask ------------------------------------------ */

/*
 * INSERT CHARACTERS UNDER MASK, STORE CHARACTERS UNDER MASK, COMPARE
 * LOGICAL CHARACTERS UNDER MASK (PoP ch. 7).  The four bits of M3 select
 * bytes of a register word (bits 32-63, or 0-31 for the ...H forms);
 * the selected bytes correspond, left to right, to a contiguous storage
 * field as long as the number of one bits in the mask.  With a zero mask
 * no storage is accessed.
 */
enum cmop { CM_INSERT, CM_STORE, CM_COMPARE };

__attribute__((always_inline))
static inline void charmask_op(struct s390_cpu *cpu, uint64_t insn,
			       bool rsy, bool high, enum cmop op)
{
	unsigned r1 = F_R1(insn);
	unsigned m3 = F_M3(insn);
	uint64_t a = rsy ? ea_rsy(cpu, insn) : ea_rs(cpu, insn);
	unsigned shift = high ? 32 : 0;
	uint32_t word = (uint32_t)(cpu->gr[r1] >> shift);
	uint8_t buf[4];
	unsigned n = 0;

	if (op == CM_STORE) {
		for (unsigned i = 0; i < 4; i++)
			if (m3 & (8u >> i))
				buf[n++] = (uint8_t)(word >> (24 - 8 * i));
		if (n)
			cpu_st_bytes(cpu, a, buf, n);
		return;
	}

	unsigned cnt = (unsigned)__builtin_popcount(m3);
	if (cnt)
		cpu_ld_bytes(cpu, a, buf, cnt);

	if (op == CM_COMPARE) {
		/* CC 0 equal (or zero mask), 1 first operand low, 2 high. */
		unsigned cc = 0;
		for (unsigned i = 0; i < 4 && cc == 0; i++) {
			if (!(m3 & (8u >> i)))
				continue;
			uint8_t r = (uint8_t)(word >> (24 - 8 * i));
			uint8_t s = buf[n++];
			if (r != s)
				cc = r < s ? 1 : 2;
		}
		cpu->cc = cc;
		return;
	}

	/* CC 0 all inserted bits zero (or zero mask), 1 leftmost inserted
	 * bit one, 2 leftmost inserted bit zero and not all zero. */
	unsigned cc = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (!(m3 & (8u >> i)))
			continue;
		uint8_t s = buf[n];
		if (n == 0 && (s & 0x80))
			cc = 1;
		else if (s && cc == 0)
			cc = 2;
		n++;
		word = (word & ~(0xffu << (24 - 8 * i))) |
		       ((uint32_t)s << (24 - 8 * i));
	}
	cpu->gr[r1] = (cpu->gr[r1] & ~(0xffffffffULL << shift)) |
		      ((uint64_t)word << shift);
	cpu->cc = cc;
}

#define CHARMASK_INSNS(ROW)						\
	ROW(0xBF00, ICM,   false, false, INSERT)				\
	ROW(0xEB81, ICMY,  true,  false, INSERT)				\
	ROW(0xEB80, ICMH,  true,  true,  INSERT)				\
	ROW(0xBE00, STCM,  false, false, STORE)				\
	ROW(0xEB2D, STCMY, true,  false, STORE)				\
	ROW(0xEB2C, STCMH, true,  true,  STORE)				\
	ROW(0xBD00, CLM,   false, false, COMPARE)				\
	ROW(0xEB21, CLMY,  true,  false, COMPARE)				\
	ROW(0xEB20, CLMH,  true,  true,  COMPARE)

#define CHARMASK_FN(opc, name, rsy, high, op)				\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		charmask_op(cpu, insn, rsy, high, CM_##op);		\
	}
CHARMASK_INSNS(CHARMASK_FN)

/* ---- Multiple registers ---------------------------------------------- */

/*
 * LOAD MULTIPLE / STORE MULTIPLE (PoP ch. 7): registers R1 through R3,
 * wrapping from 15 to 0, to or from consecutive words (bits 32-63; bits
 * 0-31 for the ...H forms) or doublewords (...G).  The whole storage
 * operand is accessed (and checked) before any register changes.
 */
enum mpart { MP_LO, MP_HI, MP_64 };

__attribute__((always_inline))
static inline void lm_op(struct s390_cpu *cpu, uint64_t insn, bool rsy,
			 enum mpart part, bool store)
{
	unsigned r1 = F_R1(insn), r3 = F_R3(insn);
	unsigned n = ((r3 - r1) & 15) + 1;
	unsigned size = part == MP_64 ? 8 : 4;
	uint64_t a = rsy ? ea_rsy(cpu, insn) : ea_rs(cpu, insn);
	uint8_t buf[16 * 8];

	if (store) {
		for (unsigned i = 0; i < n; i++) {
			uint64_t g = cpu->gr[(r1 + i) & 15];
			if (part == MP_64)
				be64_st(buf + 8 * i, g);
			else
				be32_st(buf + 4 * i,
					(uint32_t)(part == MP_HI ? g >> 32 : g));
		}
		cpu_check_range(cpu, a, (uint64_t)n * size, ACC_STORE);
		cpu_st_bytes(cpu, a, buf, (uint64_t)n * size);
		return;
	}

	cpu_ld_bytes(cpu, a, buf, (uint64_t)n * size);
	for (unsigned i = 0; i < n; i++) {
		unsigned r = (r1 + i) & 15;
		if (part == MP_64)
			cpu->gr[r] = be64_ld(buf + 8 * i);
		else if (part == MP_HI)
			gr_set_hi(cpu, r, be32_ld(buf + 4 * i));
		else
			gr_set_lo(cpu, r, be32_ld(buf + 4 * i));
	}
}

#define MULTI_INSNS(ROW)							\
	ROW(0x9800, LM,   false, LO, false)				\
	ROW(0xEB98, LMY,  true,  LO, false)				\
	ROW(0xEB04, LMG,  true,  64, false)				\
	ROW(0xEB96, LMH,  true,  HI, false)				\
	ROW(0x9000, STM,  false, LO, true)				\
	ROW(0xEB90, STMY, true,  LO, true)				\
	ROW(0xEB24, STMG, true,  64, true)				\
	ROW(0xEB26, STMH, true,  HI, true)

#define MULTI_FN(opc, name, rsy, part, store)				\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		lm_op(cpu, insn, rsy, MP_##part, store);		\
	}
MULTI_INSNS(MULTI_FN)

/* ---- Multiply and divide into an even/odd register pair --------------- */

/*
 * PoP ch. 7 "MULTIPLY", "MULTIPLY LOGICAL", "DIVIDE", "DIVIDE LOGICAL",
 * "DIVIDE SINGLE".  R1 designates an even/odd pair (specification
 * exception when odd, recognized before the operand is fetched).  The
 * 32-bit forms use bits 32-63 of both registers; the pair's high
 * halves are untouched.  A zero divisor or a quotient that does not
 * fit raises the fixed-point-divide exception (instruction suppressed,
 * registers unchanged).  No condition code is set.
 */
enum mdop { MD_M, MD_ML, MD_MLG, MD_D, MD_DL, MD_DLG, MD_DSG };

__attribute__((always_inline))
static inline void muldiv(struct s390_cpu *cpu, uint64_t insn, enum shape sh,
			  enum ext x, enum mdop op)
{
	unsigned r1 = alu_r1(insn, sh);

	require_even(cpu, r1);
	uint64_t b = alu_op2(cpu, insn, sh, x);
	uint64_t hi = cpu->gr[r1], lo = cpu->gr[r1 + 1];

	switch (op) {
	case MD_M: {
		int64_t p = (int64_t)(int32_t)(uint32_t)lo * (int32_t)(uint32_t)b;
		gr_set_lo(cpu, r1, (uint32_t)((uint64_t)p >> 32));
		gr_set_lo(cpu, r1 + 1, (uint32_t)p);
		return;
	}
	case MD_ML: {
		uint64_t p = (uint64_t)(uint32_t)lo * (uint32_t)b;
		gr_set_lo(cpu, r1, (uint32_t)(p >> 32));
		gr_set_lo(cpu, r1 + 1, (uint32_t)p);
		return;
	}
	case MD_MLG: {
		__extension__ unsigned __int128 p =
			(unsigned __int128)lo * b;
		cpu->gr[r1] = (uint64_t)(p >> 64);
		cpu->gr[r1 + 1] = (uint64_t)p;
		return;
	}
	case MD_D: {
		int64_t n = (int64_t)(((hi & 0xffffffffULL) << 32) |
				      (lo & 0xffffffffULL));
		int64_t d = (int32_t)(uint32_t)b;
		if (d == 0 || (d == -1 && n == INT64_MIN))
			cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
		int64_t q = n / d, r = n % d;
		if (q != (int32_t)q)
			cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
		gr_set_lo(cpu, r1, (uint32_t)r);
		gr_set_lo(cpu, r1 + 1, (uint32_t)q);
		return;
	}
	case MD_DL: {
		uint64_t n = ((hi & 0xffffffffULL) << 32) | (lo & 0xffffffffULL);
		uint32_t d = (uint32_t)b;
		if (d == 0 || n / d > 0xffffffffULL)
			cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
		gr_set_lo(cpu, r1, (uint32_t)(n % d));
		gr_set_lo(cpu, r1 + 1, (uint32_t)(n / d));
		return;
	}
	case MD_DLG: {
		/* The quotient fits in 64 bits iff the high half of the
		 * dividend is below the divisor. */
		if (b == 0 || hi >= b)
			cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
		__extension__ unsigned __int128 n =
			((unsigned __int128)hi << 64) | lo;
		cpu->gr[r1] = (uint64_t)(n % b);
		cpu->gr[r1 + 1] = (uint64_t)(n / b);
		return;
	}
	case MD_DSG: {
		/* Dividend: all of R1+1; R1 is not an input. */
		int64_t n = (int64_t)lo, d = (int64_t)b;
		if (d == 0 || (d == -1 && n == INT64_MIN))
			cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
		cpu->gr[r1] = (uint64_t)(n % d);
		cpu->gr[r1 + 1] = (uint64_t)(n / d);
		return;
	}
	}
}

#define MULDIV_INSNS(ROW)							\
	ROW(0x1C00, MR,    RR,  32,  M)					\
	ROW(0x5C00, M,     RX,  32,  M)					\
	ROW(0xE35C, MFY,   RXY, 32,  M)					\
	ROW(0xB996, MLR,   RRE, 32,  ML)					\
	ROW(0xE396, ML,    RXY, 32,  ML)					\
	ROW(0xB986, MLGR,  RRE, 64,  MLG)					\
	ROW(0xE386, MLG,   RXY, 64,  MLG)					\
	ROW(0x1D00, DR,    RR,  32,  D)					\
	ROW(0x5D00, D,     RX,  32,  D)					\
	ROW(0xB997, DLR,   RRE, 32,  DL)					\
	ROW(0xE397, DL,    RXY, 32,  DL)					\
	ROW(0xB987, DLGR,  RRE, 64,  DLG)					\
	ROW(0xE387, DLG,   RXY, 64,  DLG)					\
	ROW(0xB90D, DSGR,  RRE, 64,  DSG)					\
	ROW(0xE30D, DSG,   RXY, 64,  DSG)					\
	ROW(0xB91D, DSGFR, RRE, S32, DSG)					\
	ROW(0xE31D, DSGF,  RXY, S32, DSG)

#define MULDIV_FN(opc, name, sh, x, op)					\
	static void op_##name(struct s390_cpu *cpu, uint64_t insn)	\
	{								\
		muldiv(cpu, insn, SH_##sh, X_##x, MD_##op);		\
	}
MULDIV_INSNS(MULDIV_FN)

/* ---- Bit counting ------------------------------------------------------ */

/*
 * FIND LEFTMOST ONE (PoP ch. 7): R1 (even) gets the bit number of the
 * leftmost one of GR(R2), 64 if none; R1+1 gets GR(R2) with that bit
 * cleared.  CC 0 no one bit found, 2 found.
 */
static void op_FLOGR(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn);

	require_even(cpu, r1);
	uint64_t v = cpu->gr[F_RRE_R2(insn)];
	if (v == 0) {
		cpu->gr[r1] = 64;
		cpu->gr[r1 + 1] = 0;
		cpu->cc = 0;
		return;
	}
	unsigned n = (unsigned)__builtin_clzll(v);
	cpu->gr[r1] = n;
	cpu->gr[r1 + 1] = v & ~(1ULL << (63 - n));
	cpu->cc = 2;
}

/*
 * POPULATION COUNT (facility 45, PoP ch. 7): each byte of R1 gets the
 * number of one bits of the same byte of R2.  CC 0 result zero, 1 not.
 * (The M3 "whole register" option of facility 61 is not provided.)
 */
static void op_POPCNT(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t v = cpu->gr[F_RRE_R2(insn)], r = 0;

	for (unsigned i = 0; i < 64; i += 8)
		r |= (uint64_t)__builtin_popcount((unsigned)(v >> i) & 0xff) << i;
	cpu->gr[F_RRE_R1(insn)] = r;
	cpu->cc = r != 0;
}

/* ---- The table ---------------------------------------------------------- */

#define DEF(opc, name, ...)	{ opc, #name, op_##name },

static const struct insn_def defs[] = {
	ALU_INSNS(DEF)
	FIELD_INSNS(DEF)
	SI_INSNS(DEF)
	SIL_INSNS(DEF)
	STORE_INSNS(DEF)
	CHARMASK_INSNS(DEF)
	MULTI_INSNS(DEF)
	MULDIV_INSNS(DEF)
	{ 0xEB6A, "ASI", op_ASI },
	{ 0xEB7A, "AGSI", op_AGSI },
	{ 0xEB6E, "ALSI", op_ALSI },
	{ 0xEB7E, "ALGSI", op_ALGSI },
	{ 0xB91F, "LRVR", op_LRVR },
	{ 0xB90F, "LRVGR", op_LRVGR },
	{ 0xE31E, "LRV", op_LRV },
	{ 0xE30F, "LRVG", op_LRVG },
	{ 0xE31F, "LRVH", op_LRVH },
	{ 0x4300, "IC", op_IC },
	{ 0xE373, "ICY", op_ICY },
	{ 0xB983, "FLOGR", op_FLOGR },
	{ 0xB9E1, "POPCNT", op_POPCNT },
};

const struct insn_table insn_table_arith = {
	defs, sizeof(defs) / sizeof(defs[0])
};
