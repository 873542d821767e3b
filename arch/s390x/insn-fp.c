/* SPDX-License-Identifier: MIT */
/*
 * Floating-point support and binary floating-point (BFP) instructions
 * (z/Architecture Principles of Operation, ch. 9 "Floating-Point Overview
 * and Support Instructions" and ch. 19 "Binary-Floating-Point
 * Instructions"), long (binary64) and short (binary32) formats.
 *
 * Register model: fpr[] holds the raw 64-bit register contents.  A short
 * operand occupies bits 0-31 (the high half); short results leave bits
 * 32-63 unchanged.
 *
 * AFP-register control (CR0 bit 45): when zero, using an FPR other than
 * 0, 2, 4 or 6 is a data exception with DXC 1, and every BFP and FPC
 * instruction is a data exception with DXC 2.
 *
 * Arithmetic is done with host IEEE doubles/floats under the host's
 * dynamic rounding mode; everything the host does differently from the
 * architecture is handled here: NaN propagation and the default NaN
 * (positive, quiet), round-to-prepare-for-shorter-precision (round to odd:
 * truncate, then set the last bit when inexact), round-to-nearest-with-
 * ties-away (only used by the conversions, rounded by hand), and the IEEE
 * exception actions selected by the FPC masks:
 *
 *   invalid, divide by zero: mask 1 -> data exception, DXC 80/40, the
 *     operation is suppressed; mask 0 -> flag, default result;
 *   overflow, underflow, inexact: mask 1 -> the result is stored and a
 *     data exception with DXC 2x/1x/08 (+08 inexact, +04 incremented)
 *     completes the instruction; mask 0 -> flags.
 *   Not implemented: the exponent-wrapped (scaled) result of a trapping
 *     overflow/underflow; the rounded result is stored instead.
 *
 * Tininess is detected the way the host detects it (after rounding on
 * x86 and s390x hosts).
 */
#include <fenv.h>
#include <math.h>

#include "arch/s390x/hostfp.h"
#include "arch/s390x/softcpu.h"

/* FPC register (PoP "Floating-Point-Control (FPC) Register"). */
#define FPC_MASK_SHIFT	24		/* bits 0-7: IEEE masks */
#define FPC_FLAG_SHIFT	16		/* bits 8-15: IEEE flags */
#define FPC_DXC		0x0000ff00u	/* bits 16-23 */
#define FPC_BRM		0x00000007u	/* bits 29-31: BFP rounding mode */
#define FPC_RESERVED	0x03030088u	/* bits 6-7, 14-15, 24, 28 */

/* IEEE exception bits, as in the mask, flag and DXC bytes. */
#define X_I	0x80u	/* invalid operation */
#define X_Z	0x40u	/* division by zero */
#define X_O	0x20u	/* overflow */
#define X_U	0x10u	/* underflow */
#define X_X	0x08u	/* inexact */
#define DXC_INCREMENTED	0x04u

/* Data-exception codes for the AFP-register control. */
#define DXC_AFP_REGISTER	0x01
#define DXC_BFP_INSTRUCTION	0x02

/* Rounding modes: FPC bits 29-31 values plus ties-away (M3 = 1). */
enum {
	RM_NE = 0,	/* nearest, ties to even */
	RM_TZ = 1,	/* toward 0 */
	RM_UP = 2,	/* toward +inf */
	RM_DOWN = 3,	/* toward -inf */
	RM_ODD = 7,	/* prepare for shorter precision */
	RM_TA = 8,	/* nearest, ties away from 0 */
};

#define SIGN64		0x8000000000000000ULL
#define EXP64		0x7ff0000000000000ULL
#define FRAC64		0x000fffffffffffffULL
#define QBIT64		0x0008000000000000ULL
#define DNAN64		0x7ff8000000000000ULL
#define SIGN32		0x80000000u
#define EXP32		0x7f800000u
#define FRAC32		0x007fffffu
#define QBIT32		0x00400000u
#define DNAN32		0x7fc00000u

/* ---- AFP checks and register access -------------------------------- */

static void fpr_check(struct s390_cpu *cpu, unsigned r)
{
	if (!(cpu->cr[0] & CR0_AFP) && (r & 9))
		cpu_data_exception(cpu, DXC_AFP_REGISTER);
}

static void bfp_check(struct s390_cpu *cpu)
{
	if (!(cpu->cr[0] & CR0_AFP))
		cpu_data_exception(cpu, DXC_BFP_INSTRUCTION);
}

static inline uint32_t fpr_s(const struct s390_cpu *cpu, unsigned r)
{
	return (uint32_t)(cpu->fpr[r] >> 32);
}

static inline void set_fpr_s(struct s390_cpu *cpu, unsigned r, uint32_t v)
{
	cpu->fpr[r] = (cpu->fpr[r] & 0xffffffffULL) | ((uint64_t)v << 32);
}

static inline double d_of(uint64_t b)
{
	double d;
	memcpy(&d, &b, 8);
	return d;
}

static inline uint64_t bits_d(double d)
{
	uint64_t b;
	memcpy(&b, &d, 8);
	return b;
}

static inline float f_of(uint32_t b)
{
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static inline uint32_t bits_f(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static inline bool nan64(uint64_t b)
{
	return (b & EXP64) == EXP64 && (b & FRAC64);
}

static inline bool snan64(uint64_t b)
{
	return nan64(b) && !(b & QBIT64);
}

static inline bool nan32(uint32_t b)
{
	return (b & EXP32) == EXP32 && (b & FRAC32);
}

static inline bool snan32(uint32_t b)
{
	return nan32(b) && !(b & QBIT32);
}

/* Condition code of a result: 0 zero, 1 negative, 2 positive, 3 NaN. */
static unsigned cc64(uint64_t b)
{
	if (nan64(b))
		return 3;
	if (!(b & ~SIGN64))
		return 0;
	return (b & SIGN64) ? 1 : 2;
}

static unsigned cc32(uint32_t b)
{
	if (nan32(b))
		return 3;
	if (!(b & ~SIGN32))
		return 0;
	return (b & SIGN32) ? 1 : 2;
}

/* ---- IEEE exceptions ----------------------------------------------- */

static unsigned fpc_mask(const struct s390_cpu *cpu)
{
	return (cpu->fpc >> FPC_MASK_SHIFT) & 0xf8;
}

/* Invalid operation and division by zero with their mask on suppress
 * the instruction: call before anything is stored. */
static void ieee_suppress(struct s390_cpu *cpu, unsigned exc)
{
	unsigned m = fpc_mask(cpu) & exc;

	if (m & X_I)
		cpu_data_exception(cpu, X_I);
	if (m & X_Z)
		cpu_data_exception(cpu, X_Z);
}

/* After the result is stored: trap (completion) on an enabled overflow,
 * underflow or inexact; otherwise set the flags. */
static void ieee_complete(struct s390_cpu *cpu, unsigned exc, bool incr)
{
	unsigned m = fpc_mask(cpu);
	unsigned tail = (exc & X_X) ? X_X | (incr ? DXC_INCREMENTED : 0) : 0;

	if (exc & m & X_O)
		cpu_data_exception(cpu, (uint8_t)(X_O | tail));
	if (exc & m & X_U)
		cpu_data_exception(cpu, (uint8_t)(X_U | tail));
	if (exc & m & X_X)
		cpu_data_exception(cpu, (uint8_t)tail);
	cpu->fpc |= (exc & 0xf8u) << FPC_FLAG_SHIFT;
}

static void ieee_signal(struct s390_cpu *cpu, unsigned exc)
{
	ieee_suppress(cpu, exc);
	ieee_complete(cpu, exc, false);
}

/* Does the caller need to know whether rounding incremented? */
static bool need_incr(const struct s390_cpu *cpu)
{
	return fpc_mask(cpu) & (X_O | X_U | X_X);
}

/* ---- Rounding modes ------------------------------------------------ */

static unsigned fpc_rm(const struct s390_cpu *cpu)
{
	return cpu->fpc & FPC_BRM;
}

/* Rounding mode from an M3 field (PoP "Rounding Method"); 2 and 8-15
 * are invalid (specification exception). */
static unsigned m3_rm(struct s390_cpu *cpu, unsigned m3)
{
	switch (m3) {
	case 0: return fpc_rm(cpu);
	case 1: return RM_TA;
	case 3: return RM_ODD;
	case 4: return RM_NE;
	case 5: return RM_TZ;
	case 6: return RM_UP;
	case 7: return RM_DOWN;
	default: cpu_pgm(cpu, PGM_SPECIFICATION);
	}
}

static int host_rm(unsigned rm)
{
	switch (rm) {
	case RM_TZ:
	case RM_ODD:
		return FE_TOWARDZERO;
	case RM_UP:
		return FE_UPWARD;
	case RM_DOWN:
		return FE_DOWNWARD;
	default:
		return FE_TONEAREST;
	}
}

static unsigned host_exc(int fe)
{
	return ((fe & FE_INVALID) ? X_I : 0) | ((fe & FE_DIVBYZERO) ? X_Z : 0) |
	       ((fe & FE_OVERFLOW) ? X_O : 0) | ((fe & FE_UNDERFLOW) ? X_U : 0) |
	       ((fe & FE_INEXACT) ? X_X : 0);
}

/* ---- Host arithmetic ----------------------------------------------- */

enum fop { F_ADD, F_SUB, F_MUL, F_DIV, F_SQRT, F_MADD, F_MSUB };

/*
 * One operation under rounding mode rm.  The volatile operands and result
 * keep the compiler from moving the arithmetic across the fenv calls.
 * F_MADD/F_MSUB compute a*b+c / a*b-c with a single rounding.
 */
static uint64_t host_d(enum fop op, uint64_t a, uint64_t b, uint64_t c,
		       unsigned rm, unsigned *exc)
{
	volatile double va = d_of(a), vb = d_of(b), vc = d_of(c), vr = 0;
	unsigned int saved = hostfp_enter(host_rm(rm));

	switch (op) {
	case F_ADD: vr = va + vb; break;
	case F_SUB: vr = va - vb; break;
	case F_MUL: vr = va * vb; break;
	case F_DIV: vr = va / vb; break;
	case F_SQRT: vr = sqrt(va); break;
	case F_MADD: vr = fma(va, vb, vc); break;
	case F_MSUB: vr = fma(va, vb, -vc); break;
	}
	*exc = host_exc(hostfp_raised());
	hostfp_leave(saved);
	uint64_t r = bits_d(vr);
	if (rm == RM_ODD && (*exc & X_X) && (r & EXP64) != EXP64)
		r |= 1;
	return r;
}

static uint32_t host_f(enum fop op, uint32_t a, uint32_t b, uint32_t c,
		       unsigned rm, unsigned *exc)
{
	volatile float va = f_of(a), vb = f_of(b), vc = f_of(c), vr = 0;
	unsigned int saved = hostfp_enter(host_rm(rm));

	switch (op) {
	case F_ADD: vr = va + vb; break;
	case F_SUB: vr = va - vb; break;
	case F_MUL: vr = va * vb; break;
	case F_DIV: vr = va / vb; break;
	case F_SQRT: vr = sqrtf(va); break;
	case F_MADD: vr = fmaf(va, vb, vc); break;
	case F_MSUB: vr = fmaf(va, vb, -vc); break;
	}
	*exc = host_exc(hostfp_raised());
	hostfp_leave(saved);
	uint32_t r = bits_f(vr);
	if (rm == RM_ODD && (*exc & X_X) && (r & EXP32) != EXP32)
		r |= 1;
	return r;
}

static unsigned nops(enum fop op)
{
	return op == F_SQRT ? 1 : (op == F_MADD || op == F_MSUB) ? 3 : 2;
}

/*
 * Architected result of op on long operands v[0..n) (first operand
 * first; for multiply and add v = { op1, op3, op2 }): for the two-operand
 * ops a signaling NaN (op1's first) gives invalid operation and its quiet
 * form, else the first quiet NaN is the result; an invalid
 * operation on non-NaNs gives the default NaN.  *incr tells whether
 * rounding increased the magnitude (computed only when a trap may need it).
 */
static uint64_t arith64(struct s390_cpu *cpu, enum fop op, const uint64_t *v,
			unsigned rm, unsigned *exc, bool *incr)
{
	unsigned n = nops(op);

	*incr = false;
	*exc = 0;
	if (n == 3) {
		/* Multiply and add: the first NaN of op2, op3, op1 (a
		 * signaling one has no priority over a quiet one). */
		static const unsigned order[3] = { 2, 1, 0 };

		for (unsigned i = 0; i < 3; i++)
			if (snan64(v[i]))
				*exc = X_I;
		for (unsigned i = 0; i < 3; i++)
			if (nan64(v[order[i]]))
				return v[order[i]] | QBIT64;
	}
	for (unsigned i = 0; i < n; i++)
		if (snan64(v[i])) {
			*exc = X_I;
			return v[i] | QBIT64;
		}
	for (unsigned i = 0; i < n; i++)
		if (nan64(v[i]))
			return v[i];
	/* Host operand order: a op b (+/- c). */
	uint64_t a = v[0], b = n > 1 ? v[1] : 0, c = n > 2 ? v[2] : 0;
	if (op == F_MADD || op == F_MSUB) {
		/* v = { op1 (addend), op3, op2 }: op1 = op3 * op2 +/- op1. */
		a = v[1];
		b = v[2];
		c = v[0];
	}
	uint64_t r = host_d(op, a, b, c, rm, exc);
	if (nan64(r))
		r = DNAN64;
	if ((*exc & X_X) && need_incr(cpu)) {
		unsigned e;
		uint64_t t = host_d(op, a, b, c, RM_TZ, &e);
		*incr = (r & ~SIGN64) != (t & ~SIGN64);
	}
	return r;
}

static uint32_t arith32(struct s390_cpu *cpu, enum fop op, const uint32_t *v,
			unsigned rm, unsigned *exc, bool *incr)
{
	unsigned n = nops(op);

	*incr = false;
	*exc = 0;
	if (n == 3) {
		/* Multiply and add: the first NaN of op2, op3, op1 (a
		 * signaling one has no priority over a quiet one). */
		static const unsigned order[3] = { 2, 1, 0 };

		for (unsigned i = 0; i < 3; i++)
			if (snan32(v[i]))
				*exc = X_I;
		for (unsigned i = 0; i < 3; i++)
			if (nan32(v[order[i]]))
				return v[order[i]] | QBIT32;
	}
	for (unsigned i = 0; i < n; i++)
		if (snan32(v[i])) {
			*exc = X_I;
			return v[i] | QBIT32;
		}
	for (unsigned i = 0; i < n; i++)
		if (nan32(v[i]))
			return v[i];
	uint32_t a = v[0], b = n > 1 ? v[1] : 0, c = n > 2 ? v[2] : 0;
	if (op == F_MADD || op == F_MSUB) {
		a = v[1];
		b = v[2];
		c = v[0];
	}
	uint32_t r = host_f(op, a, b, c, rm, exc);
	if (nan32(r))
		r = DNAN32;
	if ((*exc & X_X) && need_incr(cpu)) {
		unsigned e;
		uint32_t t = host_f(op, a, b, c, RM_TZ, &e);
		*incr = (r & ~SIGN32) != (t & ~SIGN32);
	}
	return r;
}

/* ---- BFP arithmetic handlers ---------------------------------------- */

static uint64_t rxe_addr(const struct s390_cpu *cpu, uint64_t insn)
{
	return cpu_ea(cpu, F_X2(insn), F_B2(insn), F_D2(insn));
}

/* Two-operand long op: r1 = r1 op v2; ADD/SUBTRACT set the CC. */
static void bin64(struct s390_cpu *cpu, enum fop op, unsigned r1, uint64_t v2,
		  bool set_cc)
{
	uint64_t v[2] = { cpu->fpr[r1], v2 };
	unsigned exc;
	bool incr;
	uint64_t r = arith64(cpu, op, v, fpc_rm(cpu), &exc, &incr);

	ieee_suppress(cpu, exc);
	cpu->fpr[r1] = r;
	if (set_cc)
		cpu->cc = cc64(r);
	ieee_complete(cpu, exc, incr);
}

static void bin32(struct s390_cpu *cpu, enum fop op, unsigned r1, uint32_t v2,
		  bool set_cc)
{
	uint32_t v[2] = { fpr_s(cpu, r1), v2 };
	unsigned exc;
	bool incr;
	uint32_t r = arith32(cpu, op, v, fpc_rm(cpu), &exc, &incr);

	ieee_suppress(cpu, exc);
	set_fpr_s(cpu, r1, r);
	if (set_cc)
		cpu->cc = cc32(r);
	ieee_complete(cpu, exc, incr);
}

/* RRE long/short register forms and RXE storage forms. */
#define BFP_BIN(name, op, cc)						\
static void op_##name##dbr(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	bin64(cpu, op, F_RRE_R1(insn), cpu->fpr[F_RRE_R2(insn)], cc);	\
}									\
static void op_##name##db(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	bin64(cpu, op, F_R1(insn), cpu_ld64(cpu, rxe_addr(cpu, insn)), cc); \
}									\
static void op_##name##ebr(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	bin32(cpu, op, F_RRE_R1(insn), fpr_s(cpu, F_RRE_R2(insn)), cc);	\
}									\
static void op_##name##eb(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	bin32(cpu, op, F_R1(insn), cpu_ld32(cpu, rxe_addr(cpu, insn)), cc); \
}

BFP_BIN(a, F_ADD, true)		/* ADBR ADB AEBR AEB */
BFP_BIN(s, F_SUB, true)		/* SDBR SDB SEBR SEB */
BFP_BIN(m, F_MUL, false)	/* MDBR MDB MEEBR MEEB */
BFP_BIN(d, F_DIV, false)	/* DDBR DDB DEBR DEB */

/* MULTIPLY AND ADD/SUBTRACT: r1 = r3 * op2 +/- r1 (one rounding). */
static void fused64(struct s390_cpu *cpu, enum fop op, unsigned r1,
		    unsigned r3, uint64_t v2)
{
	uint64_t v[3] = { cpu->fpr[r1], cpu->fpr[r3], v2 };
	unsigned exc;
	bool incr;
	uint64_t r = arith64(cpu, op, v, fpc_rm(cpu), &exc, &incr);

	ieee_suppress(cpu, exc);
	cpu->fpr[r1] = r;
	ieee_complete(cpu, exc, incr);
}

static void fused32(struct s390_cpu *cpu, enum fop op, unsigned r1,
		    unsigned r3, uint32_t v2)
{
	uint32_t v[3] = { fpr_s(cpu, r1), fpr_s(cpu, r3), v2 };
	unsigned exc;
	bool incr;
	uint32_t r = arith32(cpu, op, v, fpc_rm(cpu), &exc, &incr);

	ieee_suppress(cpu, exc);
	set_fpr_s(cpu, r1, r);
	ieee_complete(cpu, exc, incr);
}

/* RRD: R1 in bits 16-19, R3 in 24-27, R2 in 28-31.
 * RXF: R3 in bits 8-11, X2 B2 D2, R1 in bits 32-35. */
#define RRD_R1(i)	((unsigned)((i) >> 44) & 0xf)
#define RRD_R3(i)	((unsigned)((i) >> 36) & 0xf)
#define RRD_R2(i)	((unsigned)((i) >> 32) & 0xf)
#define RXF_R3(i)	F_R1(i)
#define RXF_R1(i)	((unsigned)((i) >> 28) & 0xf)

#define BFP_FUSED(name, op)						\
static void op_##name##dbr(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	fused64(cpu, op, RRD_R1(insn), RRD_R3(insn),			\
		cpu->fpr[RRD_R2(insn)]);				\
}									\
static void op_##name##db(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	fused64(cpu, op, RXF_R1(insn), RXF_R3(insn),			\
		cpu_ld64(cpu, rxe_addr(cpu, insn)));			\
}									\
static void op_##name##ebr(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	fused32(cpu, op, RRD_R1(insn), RRD_R3(insn),			\
		fpr_s(cpu, RRD_R2(insn)));				\
}									\
static void op_##name##eb(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	fused32(cpu, op, RXF_R1(insn), RXF_R3(insn),			\
		cpu_ld32(cpu, rxe_addr(cpu, insn)));			\
}

BFP_FUSED(ma, F_MADD)	/* MADBR MADB MAEBR MAEB */
BFP_FUSED(ms, F_MSUB)	/* MSDBR MSDB MSEBR MSEB */

/* SQUARE ROOT. */
static void sqrt64(struct s390_cpu *cpu, unsigned r1, uint64_t v2)
{
	unsigned exc;
	bool incr;
	uint64_t r = arith64(cpu, F_SQRT, &v2, fpc_rm(cpu), &exc, &incr);

	ieee_suppress(cpu, exc);
	cpu->fpr[r1] = r;
	ieee_complete(cpu, exc, incr);
}

static void sqrt32(struct s390_cpu *cpu, unsigned r1, uint32_t v2)
{
	unsigned exc;
	bool incr;
	uint32_t r = arith32(cpu, F_SQRT, &v2, fpc_rm(cpu), &exc, &incr);

	ieee_suppress(cpu, exc);
	set_fpr_s(cpu, r1, r);
	ieee_complete(cpu, exc, incr);
}

static void op_sqdbr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	sqrt64(cpu, F_RRE_R1(insn), cpu->fpr[F_RRE_R2(insn)]);
}

static void op_sqdb(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	sqrt64(cpu, F_R1(insn), cpu_ld64(cpu, rxe_addr(cpu, insn)));
}

static void op_sqebr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	sqrt32(cpu, F_RRE_R1(insn), fpr_s(cpu, F_RRE_R2(insn)));
}

static void op_sqeb(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	sqrt32(cpu, F_R1(insn), cpu_ld32(cpu, rxe_addr(cpu, insn)));
}

/* MULTIPLY short -> long (MDEBR/MDEB): the product of two 24-bit
 * significands is exact in binary64. */
static void mde(struct s390_cpu *cpu, unsigned r1, uint32_t v2)
{
	uint32_t a = fpr_s(cpu, r1);
	uint64_t r;

	if (snan32(a) || snan32(v2)) {
		ieee_suppress(cpu, X_I);
		uint32_t s = snan32(a) ? a : v2;
		r = ((uint64_t)(s & SIGN32) << 32) | EXP64 | QBIT64 |
		    ((uint64_t)(s & FRAC32) << 29);
		cpu->fpr[r1] = r;
		ieee_complete(cpu, X_I, false);
		return;
	}
	if (nan32(a) || nan32(v2)) {
		uint32_t s = nan32(a) ? a : v2;
		cpu->fpr[r1] = ((uint64_t)(s & SIGN32) << 32) | EXP64 |
			       ((uint64_t)(s & FRAC32) << 29);
		return;
	}
	double p = (double)f_of(a) * (double)f_of(v2);
	if (isnan(p)) {		/* 0 * inf */
		ieee_suppress(cpu, X_I);
		cpu->fpr[r1] = DNAN64;
		ieee_complete(cpu, X_I, false);
		return;
	}
	cpu->fpr[r1] = bits_d(p);
}

static void op_mdebr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	mde(cpu, F_RRE_R1(insn), fpr_s(cpu, F_RRE_R2(insn)));
}

static void op_mdeb(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	mde(cpu, F_R1(insn), cpu_ld32(cpu, rxe_addr(cpu, insn)));
}

/* ---- Comparison and test ------------------------------------------ */

/* COMPARE (quiet: only SNaNs signal) and COMPARE AND SIGNAL (any NaN
 * signals).  CC 0 equal, 1 first low, 2 first high, 3 unordered. */
static void cmp64(struct s390_cpu *cpu, uint64_t a, uint64_t b, bool sig)
{
	if (nan64(a) || nan64(b)) {
		if (sig || snan64(a) || snan64(b))
			ieee_signal(cpu, X_I);
		cpu->cc = 3;
		return;
	}
	double x = d_of(a), y = d_of(b);
	cpu->cc = x == y ? 0 : x < y ? 1 : 2;
}

static void cmp32(struct s390_cpu *cpu, uint32_t a, uint32_t b, bool sig)
{
	if (nan32(a) || nan32(b)) {
		if (sig || snan32(a) || snan32(b))
			ieee_signal(cpu, X_I);
		cpu->cc = 3;
		return;
	}
	float x = f_of(a), y = f_of(b);
	cpu->cc = x == y ? 0 : x < y ? 1 : 2;
}

#define BFP_CMP(name, sig)						\
static void op_##name##dbr(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	cmp64(cpu, cpu->fpr[F_RRE_R1(insn)], cpu->fpr[F_RRE_R2(insn)], sig); \
}									\
static void op_##name##db(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	cmp64(cpu, cpu->fpr[F_R1(insn)],				\
	      cpu_ld64(cpu, rxe_addr(cpu, insn)), sig);			\
}									\
static void op_##name##ebr(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	cmp32(cpu, fpr_s(cpu, F_RRE_R1(insn)), fpr_s(cpu, F_RRE_R2(insn)), sig); \
}									\
static void op_##name##eb(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	cmp32(cpu, fpr_s(cpu, F_R1(insn)),				\
	      cpu_ld32(cpu, rxe_addr(cpu, insn)), sig);			\
}

BFP_CMP(c, false)	/* CDBR CDB CEBR CEB */
BFP_CMP(k, true)	/* KDBR KDB KEBR KEB */

/* LOAD AND TEST: an SNaN is invalid and becomes quiet. */
static void op_ltdbr(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t v = cpu->fpr[F_RRE_R2(insn)];
	unsigned exc = snan64(v) ? X_I : 0;

	bfp_check(cpu);
	ieee_suppress(cpu, exc);
	if (exc)
		v |= QBIT64;
	cpu->fpr[F_RRE_R1(insn)] = v;
	cpu->cc = cc64(v);
	ieee_complete(cpu, exc, false);
}

static void op_ltebr(struct s390_cpu *cpu, uint64_t insn)
{
	uint32_t v = fpr_s(cpu, F_RRE_R2(insn));
	unsigned exc = snan32(v) ? X_I : 0;

	bfp_check(cpu);
	ieee_suppress(cpu, exc);
	if (exc)
		v |= QBIT32;
	set_fpr_s(cpu, F_RRE_R1(insn), v);
	cpu->cc = cc32(v);
	ieee_complete(cpu, exc, false);
}

/* LOAD COMPLEMENT/NEGATIVE/POSITIVE (BFP): sign only, no exceptions,
 * even for SNaNs; CC as for a result. */
enum sign_op { SIGN_FLIP, SIGN_SET, SIGN_CLEAR };

static uint64_t sign64(enum sign_op s, uint64_t v)
{
	return s == SIGN_FLIP ? v ^ SIGN64 : s == SIGN_SET ? v | SIGN64 :
	       v & ~SIGN64;
}

#define BFP_SIGN(l, e, s)						\
static void op_##l(struct s390_cpu *cpu, uint64_t insn)			\
{									\
	uint64_t v = sign64(s, cpu->fpr[F_RRE_R2(insn)]);		\
									\
	bfp_check(cpu);							\
	cpu->fpr[F_RRE_R1(insn)] = v;					\
	cpu->cc = cc64(v);						\
}									\
static void op_##e(struct s390_cpu *cpu, uint64_t insn)			\
{									\
	uint32_t v = (uint32_t)(sign64(s, cpu->fpr[F_RRE_R2(insn)]) >> 32); \
									\
	bfp_check(cpu);							\
	set_fpr_s(cpu, F_RRE_R1(insn), v);				\
	cpu->cc = cc32(v);						\
}

BFP_SIGN(lcdbr, lcebr, SIGN_FLIP)
BFP_SIGN(lndbr, lnebr, SIGN_SET)
BFP_SIGN(lpdbr, lpebr, SIGN_CLEAR)

/* TEST DATA CLASS: bits 52-63 of the second-operand address select the
 * classes (+0 -0 +normal -normal +subnormal -subnormal +inf -inf +QNaN
 * -QNaN +SNaN -SNaN, bit 52 first); CC 1 if the operand's class is
 * selected.  The address does not access storage. */
static unsigned data_class(bool neg, bool zero, bool normal, bool inf,
			   bool qnan, bool snan)
{
	unsigned idx = zero ? 0 : normal ? 2 : inf ? 6 : qnan ? 8 : snan ? 10 : 4;
	return idx + (neg ? 1 : 0);
}

static void op_tcdb(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t v = cpu->fpr[F_R1(insn)];
	uint64_t e = v & EXP64, f = v & FRAC64;

	bfp_check(cpu);
	unsigned idx = data_class(v & SIGN64, !e && !f, e && e != EXP64,
				  e == EXP64 && !f, nan64(v) && !snan64(v),
				  snan64(v));
	cpu->cc = (rxe_addr(cpu, insn) >> (11 - idx)) & 1;
}

static void op_tceb(struct s390_cpu *cpu, uint64_t insn)
{
	uint32_t v = fpr_s(cpu, F_R1(insn));
	uint32_t e = v & EXP32, f = v & FRAC32;

	bfp_check(cpu);
	unsigned idx = data_class(v & SIGN32, !e && !f, e && e != EXP32,
				  e == EXP32 && !f, nan32(v) && !snan32(v),
				  snan32(v));
	cpu->cc = (rxe_addr(cpu, insn) >> (11 - idx)) & 1;
}

/* ---- Lengthening and rounding between formats ---------------------- */

/* short -> long, exact; an SNaN is invalid and becomes quiet. */
static void lde(struct s390_cpu *cpu, unsigned r1, uint32_t v)
{
	if (nan32(v)) {
		unsigned exc = snan32(v) ? X_I : 0;

		ieee_suppress(cpu, exc);
		cpu->fpr[r1] = ((uint64_t)(v & SIGN32) << 32) | EXP64 | QBIT64 |
			       ((uint64_t)(v & FRAC32) << 29);
		ieee_complete(cpu, exc, false);
		return;
	}
	cpu->fpr[r1] = bits_d((double)f_of(v));
}

static void op_ldebr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	lde(cpu, F_RRE_R1(insn), fpr_s(cpu, F_RRE_R2(insn)));
}

static void op_ldeb(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	lde(cpu, F_R1(insn), cpu_ld32(cpu, rxe_addr(cpu, insn)));
}

/* long -> short under rounding mode rm.  RM_TA is rounded by hand: the
 * part of the value below the short format's last place is exact in
 * double, and so is the short format's unit in the last place. */
static uint32_t cvt_d2f(struct s390_cpu *cpu, uint64_t v, unsigned rm,
			unsigned *exc, bool *incr)
{
	volatile double vx = d_of(v);
	volatile float vr, tz;
	unsigned int saved;

	*incr = false;
	if (nan64(v)) {
		*exc = snan64(v) ? X_I : 0;
		return (uint32_t)((v & SIGN64) >> 32) | EXP32 | QBIT32 |
		       (uint32_t)((v & FRAC64) >> 29);
	}
	if (rm == RM_TA) {
		saved = hostfp_enter(FE_TOWARDZERO);
		tz = (float)vx;
		hostfp_leave(saved);
		double x = vx, t = tz;
		double diff = fabs(x - t);
		uint32_t r = bits_f(tz);

		*exc = 0;
		if (diff == 0)
			return r;
		float away = nextafterf(tz, signbit(x) ? -INFINITY : INFINITY);
		/* The last place of the largest finite number is 2^104. */
		double ulp = isinf(away) ? ldexp(1.0, 104) : fabs(away - t);
		*exc = X_X;
		if (2 * diff >= ulp) {
			r = bits_f(away);
			*incr = true;
			if (isinf(away))
				*exc |= X_O;
		}
		if ((r & EXP32) == 0)
			*exc |= X_U;
		return r;
	}
	saved = hostfp_enter(host_rm(rm));
	vr = (float)vx;
	*exc = host_exc(hostfp_raised());
	hostfp_leave(saved);
	uint32_t r = bits_f(vr);
	if (rm == RM_ODD && (*exc & X_X) && (r & EXP32) != EXP32)
		r |= 1;
	if ((*exc & X_X) && need_incr(cpu)) {
		saved = hostfp_enter(FE_TOWARDZERO);
		tz = (float)vx;
		hostfp_leave(saved);
		*incr = (r & ~SIGN32) != (bits_f(tz) & ~SIGN32);
	}
	return r;
}

static void ledbr_common(struct s390_cpu *cpu, uint64_t insn, unsigned rm,
			 bool xxc)
{
	unsigned exc;
	bool incr;
	uint32_t r = cvt_d2f(cpu, cpu->fpr[F_RRE_R2(insn)], rm, &exc, &incr);

	if (xxc)
		exc &= ~X_X;
	ieee_suppress(cpu, exc);
	set_fpr_s(cpu, F_RRE_R1(insn), r);
	ieee_complete(cpu, exc, incr);
}

/* B344 LEDBR / LEDBRA (M3 rounding, M4 bit 1 suppresses inexact). */
static void op_ledbr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	unsigned rm = m3_rm(cpu, F_RRF_R3(insn));
	ledbr_common(cpu, insn, rm, F_RRF_M4(insn) & 4);
}

/* ---- Integral values and fixed-point conversions ------------------- */

/* Round x to an integral value in mode rm; *inexact when it changed.
 * |x| < 2^52: trunc(x) and x - trunc(x) are exact. */
static double round_int(double x, unsigned rm, bool *inexact)
{
	*inexact = false;
	if (!isfinite(x) || fabs(x) >= 4503599627370496.0)
		return x;
	double t = trunc(x), f = x - t;
	double away = signbit(x) ? -1.0 : 1.0;
	bool odd = fmod(t, 2.0) != 0;

	if (f == 0)
		return x;
	*inexact = true;
	switch (rm) {
	case RM_NE:
		if (fabs(f) > 0.5 || (fabs(f) == 0.5 && odd))
			t += away;
		break;
	case RM_TA:
		if (fabs(f) >= 0.5)
			t += away;
		break;
	case RM_UP:
		if (f > 0)
			t += 1.0;
		break;
	case RM_DOWN:
		if (f < 0)
			t -= 1.0;
		break;
	case RM_ODD:
		if (!odd)
			t += away;
		break;
	default:	/* RM_TZ */
		break;
	}
	/* Keep the sign of a zero result (e.g. -0.3 toward zero is -0). */
	return t == 0 ? copysign(0.0, x) : t;
}

/* LOAD FP INTEGER: FIDBR(A), FIEBR(A). */
static void op_fidbr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	unsigned rm = m3_rm(cpu, F_RRF_R3(insn));
	uint64_t v = cpu->fpr[F_RRE_R2(insn)];
	unsigned exc = 0;
	bool inexact, incr = false;

	if (nan64(v)) {
		exc = snan64(v) ? X_I : 0;
		v |= QBIT64;
	} else {
		double r = round_int(d_of(v), rm, &inexact);

		incr = fabs(r) > fabs(d_of(v));
		v = bits_d(r);
		if (inexact && !(F_RRF_M4(insn) & 4))
			exc = X_X;
	}
	ieee_suppress(cpu, exc);
	cpu->fpr[F_RRE_R1(insn)] = v;
	ieee_complete(cpu, exc, incr);
}

static void op_fiebr(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	unsigned rm = m3_rm(cpu, F_RRF_R3(insn));
	uint32_t v = fpr_s(cpu, F_RRE_R2(insn));
	unsigned exc = 0;
	bool inexact, incr = false;

	if (nan32(v)) {
		exc = snan32(v) ? X_I : 0;
		v |= QBIT32;
	} else {
		double x = f_of(v);
		double r = round_int(x, rm, &inexact);

		incr = fabs(r) > fabs(x);
		v = bits_f((float)r);
		if (inexact && !(F_RRF_M4(insn) & 4))
			exc = X_X;
	}
	ieee_suppress(cpu, exc);
	set_fpr_s(cpu, F_RRE_R1(insn), v);
	ieee_complete(cpu, exc, incr);
}

/*
 * CONVERT TO FIXED / CONVERT TO LOGICAL.  A NaN or a rounded value out
 * of range is an invalid operation; with the mask off the result is the
 * most negative (signed; NaN and too-negative) or largest (too positive)
 * number, or 0 (logical: NaN and negative), CC 3, and for a number
 * inexact is also recognized (as qemu-s390x does).  Otherwise the CC gives the sign of the source.
 */
struct to_fixed {
	unsigned bits;		/* 32 or 64 */
	bool is_signed;
};

static void to_fixed(struct s390_cpu *cpu, uint64_t insn, double x, bool nan,
		     struct to_fixed t)
{
	unsigned r1 = F_RRE_R1(insn);
	unsigned rm = m3_rm(cpu, F_RRF_R3(insn));
	bool xxc = F_RRF_M4(insn) & 4;
	uint64_t res;
	unsigned exc = 0, cc;
	bool inexact = false, incr = false;
	double lo = t.is_signed ? -ldexp(1.0, (int)t.bits - 1) : 0.0;
	double hi = ldexp(1.0, t.is_signed ? (int)t.bits - 1 : (int)t.bits);
	uint64_t maxv = t.is_signed ? (UINT64_MAX >> (65 - t.bits)) :
				      (UINT64_MAX >> (64 - t.bits));
	uint64_t minv = t.is_signed ? ~maxv : 0;
	double r = nan ? 0 : round_int(x, rm, &inexact);

	if (nan || r < lo || r >= hi) {
		/* Out of range numbers are also inexact, NaNs are not. */
		exc = X_I | (nan || xxc ? 0 : X_X);
		res = (nan || signbit(x)) ? minv : maxv;
		cc = 3;
	} else {
		if (t.is_signed && r < 0)
			res = -(uint64_t)(-r);	/* |r| <= 2^63 */
		else
			res = (uint64_t)r;
		cc = x == 0 ? 0 : x < 0 ? 1 : 2;
		if (inexact && !xxc)
			exc = X_X;
		incr = fabs(r) > fabs(x);
	}
	ieee_suppress(cpu, exc);
	if (t.bits == 32)
		gr_set_lo(cpu, r1, (uint32_t)res);
	else
		cpu->gr[r1] = res;
	cpu->cc = cc;
	ieee_complete(cpu, exc, incr);
}

#define BFP_TO_FIXED(name, bits, sgn, lng)				\
static void op_##name(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	if (lng) {							\
		uint64_t v = cpu->fpr[F_RRE_R2(insn)];			\
		to_fixed(cpu, insn, d_of(v), nan64(v),			\
			 (struct to_fixed){ bits, sgn });		\
	} else {							\
		uint32_t v = fpr_s(cpu, F_RRE_R2(insn));		\
		to_fixed(cpu, insn, f_of(v), nan32(v),			\
			 (struct to_fixed){ bits, sgn });		\
	}								\
}

BFP_TO_FIXED(cfdbr, 32, true, true)
BFP_TO_FIXED(cgdbr, 64, true, true)
BFP_TO_FIXED(cfebr, 32, true, false)
BFP_TO_FIXED(cgebr, 64, true, false)
BFP_TO_FIXED(clfdbr, 32, false, true)
BFP_TO_FIXED(clgdbr, 64, false, true)
BFP_TO_FIXED(clfebr, 32, false, false)
BFP_TO_FIXED(clgebr, 64, false, false)

/* Integer magnitude m (negative when neg) rounded to p significant bits
 * in mode rm; exact arithmetic on the integer, so every mode is exact. */
static double int_to_fp(uint64_t m, bool neg, unsigned p, unsigned rm,
			bool *inexact, bool *incr)
{
	*inexact = *incr = false;
	if (m == 0)
		return 0.0;
	unsigned len = 64 - (unsigned)__builtin_clzll(m);
	if (len <= p)
		return neg ? -(double)m : (double)m;
	unsigned shift = len - p;
	uint64_t q = m >> shift, rem = m & ((1ULL << shift) - 1);
	uint64_t half = 1ULL << (shift - 1);
	bool up = false;

	switch (rm) {
	case RM_NE: up = rem > half || (rem == half && (q & 1)); break;
	case RM_TA: up = rem >= half; break;
	case RM_UP: up = rem && !neg; break;
	case RM_DOWN: up = rem && neg; break;
	case RM_ODD: up = rem && !(q & 1); break;
	default: break;
	}
	*inexact = rem != 0;
	*incr = up;
	if (up)
		q++;
	double r = ldexp((double)q, (int)shift);
	return neg ? -r : r;
}

static void from_fixed(struct s390_cpu *cpu, uint64_t insn, uint64_t m,
		       bool neg, bool lng)
{
	unsigned r1 = F_RRE_R1(insn);
	unsigned rm = m3_rm(cpu, F_RRF_R3(insn));
	bool inexact, incr;
	double r = int_to_fp(m, neg, lng ? 53 : 24, rm, &inexact, &incr);
	unsigned exc = (inexact && !(F_RRF_M4(insn) & 4)) ? X_X : 0;

	if (lng)
		cpu->fpr[r1] = bits_d(r);
	else
		set_fpr_s(cpu, r1, bits_f((float)r));
	ieee_complete(cpu, exc, incr);
}

/* CONVERT FROM FIXED / FROM LOGICAL: source in R2 (32: bits 32-63). */
#define BFP_FROM_FIXED(name, src, sgn, lng)				\
static void op_##name(struct s390_cpu *cpu, uint64_t insn)		\
{									\
	bfp_check(cpu);							\
	uint64_t g = cpu->gr[F_RRE_R2(insn)];				\
	int64_t s = src == 32 ? (int64_t)(int32_t)g : (int64_t)g;	\
	uint64_t u = src == 32 ? (uint32_t)g : g;			\
	if (sgn)							\
		from_fixed(cpu, insn, s < 0 ? -(uint64_t)s : (uint64_t)s, \
			   s < 0, lng);					\
	else								\
		from_fixed(cpu, insn, u, false, lng);			\
}

BFP_FROM_FIXED(cdfbr, 32, true, true)
BFP_FROM_FIXED(cdgbr, 64, true, true)
BFP_FROM_FIXED(cefbr, 32, true, false)
BFP_FROM_FIXED(cegbr, 64, true, false)
BFP_FROM_FIXED(cdlfbr, 32, false, true)
BFP_FROM_FIXED(cdlgbr, 64, false, true)
BFP_FROM_FIXED(celfbr, 32, false, false)
BFP_FROM_FIXED(celgbr, 64, false, false)

/* ---- Support instructions (ch. 9) --------------------------------- */

/* 68 LD, ED65 LDY, 78 LE, ED64 LEY, 60 STD, ED67 STDY, 70 STE, ED66 STEY */
static void op_ld(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	cpu->fpr[F_R1(insn)] = cpu_ld64(cpu, rxe_addr(cpu, insn));
}

static void op_ldy(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	cpu->fpr[F_R1(insn)] = cpu_ld64(cpu, cpu_ea(cpu, F_X2(insn), F_B2(insn),
						    f_dl_dh(insn)));
}

static void op_le(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	set_fpr_s(cpu, F_R1(insn), cpu_ld32(cpu, rxe_addr(cpu, insn)));
}

static void op_ley(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	set_fpr_s(cpu, F_R1(insn), cpu_ld32(cpu, cpu_ea(cpu, F_X2(insn),
				   F_B2(insn), f_dl_dh(insn))));
}

static void op_std(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	cpu_st64(cpu, rxe_addr(cpu, insn), cpu->fpr[F_R1(insn)]);
}

static void op_stdy(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	cpu_st64(cpu, cpu_ea(cpu, F_X2(insn), F_B2(insn), f_dl_dh(insn)),
		 cpu->fpr[F_R1(insn)]);
}

static void op_ste(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	cpu_st32(cpu, rxe_addr(cpu, insn), fpr_s(cpu, F_R1(insn)));
}

static void op_stey(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	cpu_st32(cpu, cpu_ea(cpu, F_X2(insn), F_B2(insn), f_dl_dh(insn)),
		 fpr_s(cpu, F_R1(insn)));
}

/* 28 LDR, 38 LER: register copies (LER: bits 0-31 only). */
static void op_ldr(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	fpr_check(cpu, F_R2(insn));
	cpu->fpr[F_R1(insn)] = cpu->fpr[F_R2(insn)];
}

static void op_ler(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_R1(insn));
	fpr_check(cpu, F_R2(insn));
	set_fpr_s(cpu, F_R1(insn), fpr_s(cpu, F_R2(insn)));
}

/* Extended operands occupy register pairs r, r+2 with r in
 * {0,1,4,5,8,9,12,13}; others are a specification exception. */
static void ext_pair_check(struct s390_cpu *cpu, unsigned r)
{
	if (r & 2)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	fpr_check(cpu, r);
}

/* B365 LXR */
static void op_lxr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn);

	ext_pair_check(cpu, r1);
	ext_pair_check(cpu, r2);
	uint64_t hi = cpu->fpr[r2], lo = cpu->fpr[r2 + 2];
	cpu->fpr[r1] = hi;
	cpu->fpr[r1 + 2] = lo;
}

/* B375 LZDR, B374 LZER, B376 LZXR: LOAD ZERO (+0). */
static void op_lzdr(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_RRE_R1(insn));
	cpu->fpr[F_RRE_R1(insn)] = 0;
}

static void op_lzer(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_RRE_R1(insn));
	set_fpr_s(cpu, F_RRE_R1(insn), 0);
}

static void op_lzxr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn);

	ext_pair_check(cpu, r1);
	cpu->fpr[r1] = 0;
	cpu->fpr[r1 + 2] = 0;
}

/* B3C1 LDGR, B3CD LGDR: bit-exact transfers between GRs and FPRs. */
static void op_ldgr(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_RRE_R1(insn));
	cpu->fpr[F_RRE_R1(insn)] = cpu->gr[F_RRE_R2(insn)];
}

static void op_lgdr(struct s390_cpu *cpu, uint64_t insn)
{
	fpr_check(cpu, F_RRE_R2(insn));
	cpu->gr[F_RRE_R1(insn)] = cpu->fpr[F_RRE_R2(insn)];
}

/* B373 LCDFR, B371 LNDFR, B370 LPDFR: sign of the long register, no CC. */
static void sign_fr(struct s390_cpu *cpu, uint64_t insn, enum sign_op s)
{
	fpr_check(cpu, F_RRE_R1(insn));
	fpr_check(cpu, F_RRE_R2(insn));
	cpu->fpr[F_RRE_R1(insn)] = sign64(s, cpu->fpr[F_RRE_R2(insn)]);
}

static void op_lcdfr(struct s390_cpu *cpu, uint64_t insn)
{
	sign_fr(cpu, insn, SIGN_FLIP);
}

static void op_lndfr(struct s390_cpu *cpu, uint64_t insn)
{
	sign_fr(cpu, insn, SIGN_SET);
}

static void op_lpdfr(struct s390_cpu *cpu, uint64_t insn)
{
	sign_fr(cpu, insn, SIGN_CLEAR);
}

/* B372 CPSDR R1,R3,R2: sign of R3, everything else from R2. */
static void op_cpsdr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn), r3 = F_RRF_R3(insn);

	fpr_check(cpu, r1);
	fpr_check(cpu, r2);
	fpr_check(cpu, r3);
	cpu->fpr[r1] = (cpu->fpr[r3] & SIGN64) | (cpu->fpr[r2] & ~SIGN64);
}

/* ---- FPC instructions ---------------------------------------------- */

/* A new FPC value is valid when its reserved bits are zero and the BFP
 * rounding mode is not 4-6 (specification exception otherwise). */
static void fpc_set(struct s390_cpu *cpu, uint32_t v)
{
	unsigned brm = v & FPC_BRM;

	if ((v & FPC_RESERVED) || (brm >= 4 && brm <= 6))
		cpu_pgm(cpu, PGM_SPECIFICATION);
	cpu->fpc = v;
}

/* B38C EFPC: R1 bits 32-63 <- FPC. */
static void op_efpc(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	gr_set_lo(cpu, F_RRE_R1(insn), cpu->fpc);
}

/* B384 SFPC: FPC <- R1 bits 32-63. */
static void op_sfpc(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	fpc_set(cpu, gr_lo(cpu, F_RRE_R1(insn)));
}

/* B29D LFPC, B29C STFPC (S format). */
static void op_lfpc(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	fpc_set(cpu, cpu_ld32(cpu, cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn))));
}

static void op_stfpc(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	cpu_st32(cpu, cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn)), cpu->fpc);
}

/* B299 SRNM: FPC bits 29-31 <- 0 and bits 62-63 of the address.
 * B2B8 SRNMB: FPC bits 29-31 <- bits 61-63 of the address (4-6 invalid). */
static void op_srnm(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	cpu->fpc = (cpu->fpc & ~FPC_BRM) | (uint32_t)(a & 3);
}

static void op_srnmb(struct s390_cpu *cpu, uint64_t insn)
{
	bfp_check(cpu);
	uint64_t a = cpu_ea(cpu, 0, F_S_B2(insn), F_S_D2(insn));
	unsigned brm = (unsigned)(a & 7);

	if (brm >= 4 && brm <= 6)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	cpu->fpc = (cpu->fpc & ~FPC_BRM) | brm;
}

static const struct insn_def defs[] = {
	/* Support (ch. 9). */
	{ 0x2800, "LDR", op_ldr },
	{ 0x3800, "LER", op_ler },
	{ 0x6000, "STD", op_std },
	{ 0x6800, "LD", op_ld },
	{ 0x7000, "STE", op_ste },
	{ 0x7800, "LE", op_le },
	{ 0xED64, "LEY", op_ley },
	{ 0xED65, "LDY", op_ldy },
	{ 0xED66, "STEY", op_stey },
	{ 0xED67, "STDY", op_stdy },
	{ 0xB365, "LXR", op_lxr },
	{ 0xB370, "LPDFR", op_lpdfr },
	{ 0xB371, "LNDFR", op_lndfr },
	{ 0xB372, "CPSDR", op_cpsdr },
	{ 0xB373, "LCDFR", op_lcdfr },
	{ 0xB374, "LZER", op_lzer },
	{ 0xB375, "LZDR", op_lzdr },
	{ 0xB376, "LZXR", op_lzxr },
	{ 0xB3C1, "LDGR", op_ldgr },
	{ 0xB3CD, "LGDR", op_lgdr },
	{ 0xB29C, "STFPC", op_stfpc },
	{ 0xB29D, "LFPC", op_lfpc },
	{ 0xB299, "SRNM", op_srnm },
	{ 0xB2B8, "SRNMB", op_srnmb },
	{ 0xB384, "SFPC", op_sfpc },
	{ 0xB38C, "EFPC", op_efpc },
	/* BFP (ch. 19). */
	{ 0xB300, "LPEBR", op_lpebr },
	{ 0xB301, "LNEBR", op_lnebr },
	{ 0xB302, "LTEBR", op_ltebr },
	{ 0xB303, "LCEBR", op_lcebr },
	{ 0xB304, "LDEBR", op_ldebr },
	{ 0xB308, "KEBR", op_kebr },
	{ 0xB309, "CEBR", op_cebr },
	{ 0xB30A, "AEBR", op_aebr },
	{ 0xB30B, "SEBR", op_sebr },
	{ 0xB30C, "MDEBR", op_mdebr },
	{ 0xB30D, "DEBR", op_debr },
	{ 0xB30E, "MAEBR", op_maebr },
	{ 0xB30F, "MSEBR", op_msebr },
	{ 0xB310, "LPDBR", op_lpdbr },
	{ 0xB311, "LNDBR", op_lndbr },
	{ 0xB312, "LTDBR", op_ltdbr },
	{ 0xB313, "LCDBR", op_lcdbr },
	{ 0xB314, "SQEBR", op_sqebr },
	{ 0xB315, "SQDBR", op_sqdbr },
	{ 0xB317, "MEEBR", op_mebr },
	{ 0xB318, "KDBR", op_kdbr },
	{ 0xB319, "CDBR", op_cdbr },
	{ 0xB31A, "ADBR", op_adbr },
	{ 0xB31B, "SDBR", op_sdbr },
	{ 0xB31C, "MDBR", op_mdbr },
	{ 0xB31D, "DDBR", op_ddbr },
	{ 0xB31E, "MADBR", op_madbr },
	{ 0xB31F, "MSDBR", op_msdbr },
	{ 0xB344, "LEDBR", op_ledbr },
	{ 0xB357, "FIEBR", op_fiebr },
	{ 0xB35F, "FIDBR", op_fidbr },
	{ 0xB390, "CELFBR", op_celfbr },
	{ 0xB391, "CDLFBR", op_cdlfbr },
	{ 0xB394, "CEFBR", op_cefbr },
	{ 0xB395, "CDFBR", op_cdfbr },
	{ 0xB398, "CFEBR", op_cfebr },
	{ 0xB399, "CFDBR", op_cfdbr },
	{ 0xB39C, "CLFEBR", op_clfebr },
	{ 0xB39D, "CLFDBR", op_clfdbr },
	{ 0xB3A0, "CELGBR", op_celgbr },
	{ 0xB3A1, "CDLGBR", op_cdlgbr },
	{ 0xB3A4, "CEGBR", op_cegbr },
	{ 0xB3A5, "CDGBR", op_cdgbr },
	{ 0xB3A8, "CGEBR", op_cgebr },
	{ 0xB3A9, "CGDBR", op_cgdbr },
	{ 0xB3AC, "CLGEBR", op_clgebr },
	{ 0xB3AD, "CLGDBR", op_clgdbr },
	{ 0xED04, "LDEB", op_ldeb },
	{ 0xED08, "KEB", op_keb },
	{ 0xED09, "CEB", op_ceb },
	{ 0xED0A, "AEB", op_aeb },
	{ 0xED0B, "SEB", op_seb },
	{ 0xED0C, "MDEB", op_mdeb },
	{ 0xED0D, "DEB", op_deb },
	{ 0xED0E, "MAEB", op_maeb },
	{ 0xED0F, "MSEB", op_mseb },
	{ 0xED10, "TCEB", op_tceb },
	{ 0xED11, "TCDB", op_tcdb },
	{ 0xED14, "SQEB", op_sqeb },
	{ 0xED15, "SQDB", op_sqdb },
	{ 0xED17, "MEEB", op_meb },
	{ 0xED18, "KDB", op_kdb },
	{ 0xED19, "CDB", op_cdb },
	{ 0xED1A, "ADB", op_adb },
	{ 0xED1B, "SDB", op_sdb },
	{ 0xED1C, "MDB", op_mdb },
	{ 0xED1D, "DDB", op_ddb },
	{ 0xED1E, "MADB", op_madb },
	{ 0xED1F, "MSDB", op_msdb },
};

const struct insn_table insn_table_fp = {
	defs, sizeof(defs) / sizeof(defs[0])
};
