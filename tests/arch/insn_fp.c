/* SPDX-License-Identifier: MIT */
/*
 * Floating-point support and BFP instructions of the software CPU
 * (arch/s390x/insn-fp.c), one instruction at a time through the cpu
 * harness.  Expected values come from the Principles of Operation, ch. 9
 * and 19, and IEEE 754 (results given as bit patterns).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define PLAN 151

static struct harness H;

/* ---- Encoders -------------------------------------------------------- */

static uint64_t e_rr(unsigned op, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 8 | r1 << 4 | r2;
}

static uint64_t e_rx(unsigned op, unsigned r1, unsigned x2, unsigned b2,
		     unsigned d2)
{
	return (uint64_t)op << 24 | (uint64_t)r1 << 20 | x2 << 16 | b2 << 12 | d2;
}

static uint64_t e_rre(unsigned op, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 16 | r1 << 4 | r2;
}

/* RRF-e: opcode, M3, M4, R1, R2 (also CPSDR's R3 in the M3 slot). */
static uint64_t e_rrf(unsigned op, unsigned m3, unsigned m4, unsigned r1,
		      unsigned r2)
{
	return (uint64_t)op << 16 | m3 << 12 | m4 << 8 | r1 << 4 | r2;
}

/* RRD (MADBR R1,R3,R2). */
static uint64_t e_rrd(unsigned op, unsigned r1, unsigned r3, unsigned r2)
{
	return (uint64_t)op << 16 | r1 << 12 | r3 << 4 | r2;
}

/* RXE/RXY with the ED prefix; d may be negative (RXY). */
static uint64_t e_ed(unsigned r1, unsigned x2, unsigned b2, int32_t d,
		     unsigned op2)
{
	uint32_t ud = (uint32_t)d;

	return (uint64_t)0xed << 40 | (uint64_t)r1 << 36 | (uint64_t)x2 << 32 |
	       (uint64_t)b2 << 28 | (uint64_t)(ud & 0xfff) << 16 |
	       (uint64_t)((ud >> 12) & 0xff) << 8 | op2;
}

/* RXF (MADB R1,R3,D2(X2,B2)). */
static uint64_t e_rxf(unsigned r1, unsigned r3, unsigned x2, unsigned b2,
		      unsigned d2, unsigned op2)
{
	return (uint64_t)0xed << 40 | (uint64_t)r3 << 36 | (uint64_t)x2 << 32 |
	       (uint64_t)b2 << 28 | (uint64_t)d2 << 16 | (uint64_t)r1 << 12 | op2;
}

static uint64_t e_s(unsigned op, unsigned b2, unsigned d2)
{
	return (uint64_t)op << 16 | b2 << 12 | d2;
}

/* ---- Helpers --------------------------------------------------------- */

#define A	0x20000ULL

/* FPC bits. */
#define FPC_MASK_I	0x80000000u
#define FPC_MASK_Z	0x40000000u
#define FPC_MASK_X	0x08000000u
#define FPC_FLAG_I	0x00800000u
#define FPC_FLAG_Z	0x00400000u
#define FPC_FLAG_O	0x00200000u
#define FPC_FLAG_X	0x00080000u

/* Bit patterns. */
#define D_ONE		0x3ff0000000000000ULL
#define D_TWO		0x4000000000000000ULL
#define D_THREE		0x4008000000000000ULL
#define D_MONE		0xbff0000000000000ULL
#define D_PZERO		0x0000000000000000ULL
#define D_NZERO		0x8000000000000000ULL
#define D_PINF		0x7ff0000000000000ULL
#define D_NINF		0xfff0000000000000ULL
#define D_DNAN		0x7ff8000000000000ULL
#define D_QNAN		0x7ff8000000001234ULL
#define D_SNAN		0x7ff0000000001234ULL
#define D_MAX		0x7fefffffffffffffULL
#define D_THIRD		0x3fd5555555555555ULL
#define F_ONE		0x3f800000u
#define F_TWO		0x40000000u

static struct s390_cpu *cpu(void)
{
	return H.cpu;
}

static void reset(void)
{
	h_reset(&H);
	cpu()->cr[0] |= CR0_AFP;
}

static int run(uint64_t insn, unsigned len)
{
	return h_exec_insn(&H, insn, len);
}

static uint64_t dbits(double d)
{
	uint64_t b;

	memcpy(&b, &d, 8);
	return b;
}

static uint32_t fhi(unsigned r)
{
	return (uint32_t)(cpu()->fpr[r] >> 32);
}

static void set_fhi(unsigned r, uint32_t v)
{
	cpu()->fpr[r] = (cpu()->fpr[r] & 0xffffffffULL) | (uint64_t)v << 32;
}

static uint32_t lc_dxc(void)
{
	return h_ld32(&H, LC_DATA_EXC_CODE);
}

static uint32_t fpc_dxc(void)
{
	return (cpu()->fpc >> 8) & 0xff;
}

/* Run a long RRE op on f1, f2 and return f1. */
static uint64_t rre64(unsigned op, uint64_t a, uint64_t b, int *rc)
{
	cpu()->fpr[1] = a;
	cpu()->fpr[2] = b;
	*rc = run(e_rre(op, 1, 2), 4);
	return cpu()->fpr[1];
}

/* ---- Loads, stores, moves ------------------------------------------- */

static void test_moves(void)
{
	int rc;

	reset();
	h_st64(&H, A, D_SNAN);
	cpu()->gr[2] = A;
	rc = run(e_rx(0x68, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == D_SNAN && cpu()->fpc == 0,
			 "LD loads an SNaN bit-exactly, no exception\n");

	cpu()->fpr[3] = 0x0123456789abcdefULL;
	cpu()->gr[2] = A + 0x1008;
	rc = run(e_ed(3, 0, 2, -0x1000, 0x67), 6);
	ksft_test_result(rc == 0 && h_ld64(&H, A + 8) == 0x0123456789abcdefULL,
			 "STDY with a negative displacement\n");
	rc = run(e_ed(4, 0, 2, -0x1000, 0x65), 6);
	ksft_test_result(rc == 0 && cpu()->fpr[4] == 0x0123456789abcdefULL,
			 "LDY loads the doubleword\n");

	h_st32(&H, A + 16, 0xdeadbeef);
	cpu()->fpr[5] = 0x1111111122222222ULL;
	cpu()->gr[2] = A;
	rc = run(e_rx(0x78, 5, 0, 2, 16), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[5] == 0xdeadbeef22222222ULL,
			 "LE loads bits 0-31, bits 32-63 unchanged\n");
	rc = run(e_rx(0x70, 5, 0, 2, 20), 4);
	ksft_test_result(rc == 0 && h_ld32(&H, A + 20) == 0xdeadbeef,
			 "STE stores bits 0-31\n");
	cpu()->gr[2] = A + 0x1000;
	rc = run(e_ed(6, 0, 2, -0x1000 + 16, 0x64), 6);
	ksft_test_result(rc == 0 && fhi(6) == 0xdeadbeef, "LEY\n");
	rc = run(e_ed(6, 0, 2, -0x1000 + 24, 0x66), 6);
	ksft_test_result(rc == 0 && h_ld32(&H, A + 24) == 0xdeadbeef, "STEY\n");

	/* STD across a page boundary. */
	cpu()->gr[2] = 0x30000 - 3;
	cpu()->fpr[7] = 0xa1a2a3a4a5a6a7a8ULL;
	rc = run(e_rx(0x60, 7, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && h_ld64(&H, 0x30000 - 3) == 0xa1a2a3a4a5a6a7a8ULL,
			 "STD across a page boundary\n");

	cpu()->fpr[8] = 0x1111111122222222ULL;
	cpu()->fpr[9] = 0x3333333344444444ULL;
	rc = run(e_rr(0x38, 8, 9), 2);
	ksft_test_result(rc == 0 && cpu()->fpr[8] == 0x3333333322222222ULL,
			 "LER copies bits 0-31 only\n");
	rc = run(e_rr(0x28, 8, 9), 2);
	ksft_test_result(rc == 0 && cpu()->fpr[8] == 0x3333333344444444ULL,
			 "LDR copies the register\n");

	cpu()->fpr[10] = 0xffffffffffffffffULL;
	rc = run(e_rre(0xb374, 10, 0), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[10] == 0x00000000ffffffffULL,
			 "LZER zeroes bits 0-31\n");
	rc = run(e_rre(0xb375, 10, 0), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[10] == 0, "LZDR\n");
	cpu()->fpr[1] = cpu()->fpr[3] = 5;
	rc = run(e_rre(0xb376, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0 && cpu()->fpr[3] == 0,
			 "LZXR zeroes the register pair 1/3\n");
	rc = run(e_rre(0xb376, 2, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "LZXR 2: invalid pair, specification exception\n");
	cpu()->fpr[4] = 7;
	cpu()->fpr[6] = 8;
	rc = run(e_rre(0xb365, 1, 4), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 7 && cpu()->fpr[3] == 8,
			 "LXR copies the pair\n");

	cpu()->gr[3] = 0xfedcba9876543210ULL;
	rc = run(e_rre(0xb3c1, 12, 3), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[12] == 0xfedcba9876543210ULL,
			 "LDGR is bit-exact\n");
	cpu()->fpr[13] = D_SNAN;
	rc = run(e_rre(0xb3cd, 4, 13), 4);
	ksft_test_result(rc == 0 && cpu()->gr[4] == D_SNAN,
			 "LGDR of an SNaN is bit-exact\n");

	cpu()->cc = 1;
	cpu()->fpr[2] = D_ONE;
	rc = run(e_rre(0xb373, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == D_MONE && cpu()->cc == 1,
			 "LCDFR flips the sign, CC unchanged\n");
	cpu()->fpr[2] = D_SNAN;
	rc = run(e_rre(0xb371, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == (D_SNAN | D_NZERO) &&
			 cpu()->fpc == 0,
			 "LNDFR sets the sign of an SNaN without exception\n");
	cpu()->fpr[2] = D_MONE;
	rc = run(e_rre(0xb370, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == D_ONE, "LPDFR\n");
	cpu()->fpr[3] = D_NZERO;
	cpu()->fpr[2] = D_THREE;
	rc = run(e_rrf(0xb372, 3, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == (D_THREE | D_NZERO),
			 "CPSDR takes the sign of R3\n");
}

/* ---- Arithmetic ------------------------------------------------------ */

static void test_arith(void)
{
	int rc;
	uint64_t r;

	reset();
	r = rre64(0xb31a, dbits(1.5), dbits(2.25), &rc);
	ksft_test_result(rc == 0 && r == dbits(3.75) && cpu()->cc == 2 &&
			 cpu()->fpc == 0, "ADBR 1.5 + 2.25 = 3.75, CC 2\n");
	r = rre64(0xb31a, D_ONE, D_MONE, &rc);
	ksft_test_result(rc == 0 && r == D_PZERO && cpu()->cc == 0,
			 "ADBR 1 + -1 = +0 (nearest), CC 0\n");
	cpu()->fpc = 3;		/* toward -inf */
	r = rre64(0xb31a, D_ONE, D_MONE, &rc);
	ksft_test_result(rc == 0 && r == D_NZERO && cpu()->cc == 0,
			 "ADBR 1 + -1 = -0 when rounding toward -inf\n");

	reset();
	h_st64(&H, A, dbits(-4.0));
	cpu()->gr[2] = A;
	cpu()->fpr[1] = D_ONE;
	rc = run(e_ed(1, 0, 2, 0, 0x1a), 6);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(-3.0) && cpu()->cc == 1,
			 "ADB from storage: CC 1\n");

	cpu()->fpr[1] = 0x3fc00000aaaaaaaaULL;	/* 1.5f, low half kept */
	set_fhi(2, 0x40200000);			/* 2.5f */
	rc = run(e_rre(0xb30a, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0x40800000aaaaaaaaULL &&
			 cpu()->cc == 2,
			 "AEBR 1.5f + 2.5f = 4f, bits 32-63 unchanged\n");
	h_st32(&H, A, 0x3f800000);
	rc = run(e_ed(1, 0, 2, 0, 0x0b), 6);
	ksft_test_result(rc == 0 && fhi(1) == 0x40400000, "SEB 4f - 1f = 3f\n");

	r = rre64(0xb31b, D_ONE, D_THREE, &rc);
	ksft_test_result(rc == 0 && r == dbits(-2.0) && cpu()->cc == 1,
			 "SDBR 1 - 3 = -2, CC 1\n");
	cpu()->cc = 3;
	r = rre64(0xb31c, D_THREE, dbits(-2.0), &rc);
	ksft_test_result(rc == 0 && r == dbits(-6.0) && cpu()->cc == 3,
			 "MDBR 3 * -2 = -6, CC unchanged\n");
	set_fhi(1, 0x40400000);
	set_fhi(2, 0xc0000000);
	rc = run(e_rre(0xb317, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0xc0c00000, "MEEBR 3f * -2f\n");

	r = rre64(0xb31d, D_ONE, D_THREE, &rc);
	ksft_test_result(rc == 0 && r == D_THIRD && cpu()->fpc == FPC_FLAG_X,
			 "DDBR 1/3 nearest, inexact flag\n");
	cpu()->fpc = 1;
	r = rre64(0xb31d, D_ONE, D_THREE, &rc);
	ksft_test_result(rc == 0 && r == D_THIRD, "DDBR 1/3 toward zero\n");
	cpu()->fpc = 2;
	r = rre64(0xb31d, D_ONE, D_THREE, &rc);
	ksft_test_result(rc == 0 && r == D_THIRD + 1, "DDBR 1/3 toward +inf\n");
	set_fhi(1, F_ONE);
	set_fhi(2, 0x40400000);
	cpu()->fpc = 0;
	rc = run(e_rre(0xb30d, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x3eaaaaab, "DEBR 1f/3f\n");

	/* Round to prepare for shorter precision (FPC mode 7): 1 + 2^-60. */
	cpu()->fpc = 7;
	r = rre64(0xb31a, D_ONE, dbits(0x1p-60), &rc);
	ksft_test_result(rc == 0 && r == (D_ONE | 1),
			 "ADBR rounding mode 7 sets the last bit when inexact\n");
	cpu()->fpc = 0;
	r = rre64(0xb31a, D_ONE, dbits(0x1p-60), &rc);
	ksft_test_result(rc == 0 && r == D_ONE, "ADBR nearest: 1 + 2^-60 = 1\n");

	/* Division by zero. */
	cpu()->fpc = 0;
	r = rre64(0xb31d, D_ONE, D_PZERO, &rc);
	ksft_test_result(rc == 0 && r == D_PINF && cpu()->fpc == FPC_FLAG_Z,
			 "DDBR 1/0 = +inf, divide-by-zero flag\n");
	cpu()->fpc = FPC_MASK_Z;
	h_st32(&H, LC_DATA_EXC_CODE, 0);
	r = rre64(0xb31d, D_ONE, D_NZERO, &rc);
	ksft_test_result(rc == PGM_DATA && r == D_ONE && fpc_dxc() == 0x40 &&
			 lc_dxc() == 0x40 && cpu()->fpc == (FPC_MASK_Z | 0x4000),
			 "DDBR 1/-0 with the mask on: DXC 40, suppressed\n");

	/* Invalid operation and NaNs. */
	cpu()->fpc = 0;
	r = rre64(0xb31a, D_PINF, D_NINF, &rc);
	ksft_test_result(rc == 0 && r == D_DNAN && cpu()->cc == 3 &&
			 cpu()->fpc == FPC_FLAG_I,
			 "ADBR inf + -inf = default NaN, CC 3, invalid flag\n");
	cpu()->fpc = 0;
	r = rre64(0xb31a, D_ONE, D_QNAN | D_NZERO, &rc);
	ksft_test_result(rc == 0 && r == (D_QNAN | D_NZERO) && cpu()->fpc == 0,
			 "ADBR with a QNaN operand returns it, no flag\n");
	r = rre64(0xb31c, D_QNAN, D_SNAN, &rc);
	ksft_test_result(rc == 0 && r == (D_SNAN | 0x0008000000000000ULL) &&
			 cpu()->fpc == FPC_FLAG_I,
			 "MDBR SNaN beats QNaN: quieted SNaN, invalid flag\n");
	cpu()->fpc = FPC_MASK_I;
	r = rre64(0xb31b, D_SNAN, D_ONE, &rc);
	ksft_test_result(rc == PGM_DATA && r == D_SNAN && fpc_dxc() == 0x80,
			 "SDBR SNaN with the invalid mask: DXC 80, suppressed\n");

	/* Inexact traps complete the operation. */
	cpu()->fpc = FPC_MASK_X;
	r = rre64(0xb31d, D_ONE, D_THREE, &rc);
	ksft_test_result(rc == PGM_DATA && r == D_THIRD && fpc_dxc() == 0x08,
			 "DDBR inexact trap: result stored, DXC 08 (truncated)\n");
	cpu()->fpc = FPC_MASK_X | 2;
	r = rre64(0xb31d, D_ONE, D_THREE, &rc);
	ksft_test_result(rc == PGM_DATA && r == D_THIRD + 1 &&
			 fpc_dxc() == 0x0c,
			 "DDBR inexact trap, rounded up: DXC 0C (incremented)\n");

	cpu()->fpc = 0;
	r = rre64(0xb31c, D_MAX, D_TWO, &rc);
	ksft_test_result(rc == 0 && r == D_PINF &&
			 cpu()->fpc == (FPC_FLAG_O | FPC_FLAG_X),
			 "MDBR overflow: +inf, overflow and inexact flags\n");
	cpu()->fpc = 1;
	r = rre64(0xb31c, D_MAX, D_TWO, &rc);
	ksft_test_result(rc == 0 && r == D_MAX,
			 "MDBR overflow toward zero: largest finite\n");

	/* Square root. */
	cpu()->fpc = 0;
	r = rre64(0xb315, 0, D_TWO, &rc);
	ksft_test_result(rc == 0 && r == 0x3ff6a09e667f3bcdULL,
			 "SQDBR 2 = 1.4142135623730951\n");
	cpu()->fpc = 0;
	r = rre64(0xb315, 0, D_MONE, &rc);
	ksft_test_result(rc == 0 && r == D_DNAN && cpu()->fpc == FPC_FLAG_I,
			 "SQDBR -1: default NaN, invalid\n");
	cpu()->fpc = 0;
	r = rre64(0xb315, 0, D_NZERO, &rc);
	ksft_test_result(rc == 0 && r == D_NZERO && cpu()->fpc == 0,
			 "SQDBR -0 = -0\n");
	set_fhi(2, 0x41800000);
	rc = run(e_rre(0xb314, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x40800000, "SQEBR 16f = 4f\n");

	/* Fused multiply and add: one rounding. */
	cpu()->fpr[1] = D_MONE;
	cpu()->fpr[2] = dbits(1.0 + 0x1p-52);
	cpu()->fpr[3] = dbits(1.0 - 0x1p-52);
	rc = run(e_rrd(0xb31e, 1, 2, 3), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(-0x1p-104),
			 "MADBR rounds once: (1+e)(1-e) - 1 = -e^2\n");
	cpu()->fpr[1] = D_ONE;
	cpu()->fpr[2] = D_TWO;
	h_st64(&H, A, D_THREE);
	cpu()->gr[4] = A;
	rc = run(e_rxf(1, 2, 0, 4, 0, 0x1f), 6);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(5.0),
			 "MSDB 2 * 3 - 1 = 5\n");
	set_fhi(1, F_ONE);
	set_fhi(2, F_TWO);
	set_fhi(3, 0x40400000);
	rc = run(e_rrd(0xb30e, 1, 2, 3), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x40e00000, "MAEBR 2f*3f+1f = 7f\n");

	/* NaN choice of multiply and add: op2, then op3, then op1, a
	 * signaling NaN having no priority (as qemu-s390x). */
	cpu()->fpc = 0;
	cpu()->fpr[1] = D_SNAN;
	cpu()->fpr[2] = D_QNAN | D_NZERO;	/* op3 */
	cpu()->fpr[3] = D_ONE;			/* op2 */
	rc = run(e_rrd(0xb31e, 1, 2, 3), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == (D_QNAN | D_NZERO) &&
			 cpu()->fpc == FPC_FLAG_I,
			 "MADBR NaNs: op3 QNaN chosen over op1 SNaN, invalid\n");
	cpu()->fpc = 0;
	cpu()->fpr[1] = D_QNAN;
	cpu()->fpr[2] = D_SNAN;
	cpu()->fpr[3] = D_SNAN | D_NZERO;
	rc = run(e_rrd(0xb31e, 1, 2, 3), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] ==
			 (D_SNAN | D_NZERO | 0x0008000000000000ULL),
			 "MADBR NaNs: op2 first, quieted\n");

	set_fhi(1, 0x4b7fffff);		/* 16777215f */
	set_fhi(2, 0x4b7fffff);
	rc = run(e_rre(0xb30c, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(281474943156225.0),
			 "MDEBR short*short -> long is exact\n");
}

/* ---- Compare and test ---------------------------------------------- */

static void test_compare(void)
{
	static const struct {
		uint64_t a, b;
		unsigned cc;
		const char *name;
	} cases[] = {
		{ D_ONE, D_ONE, 0, "1 == 1" },
		{ D_PZERO, D_NZERO, 0, "+0 == -0" },
		{ D_MONE, D_ONE, 1, "-1 < 1" },
		{ D_PINF, D_MAX, 2, "inf > max" },
		{ D_QNAN, D_ONE, 3, "QNaN unordered" },
	};
	int rc;

	reset();
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpu()->fpc = 0;
		rre64(0xb319, cases[i].a, cases[i].b, &rc);
		ksft_test_result(rc == 0 && cpu()->cc == cases[i].cc &&
				 cpu()->fpc == 0,
				 "CDBR %s: CC %u\n", cases[i].name, cases[i].cc);
	}
	rre64(0xb319, D_SNAN, D_ONE, &rc);
	ksft_test_result(rc == 0 && cpu()->cc == 3 && cpu()->fpc == FPC_FLAG_I,
			 "CDBR with an SNaN: CC 3, invalid flag\n");
	cpu()->fpc = 0;
	rre64(0xb318, D_QNAN, D_ONE, &rc);
	ksft_test_result(rc == 0 && cpu()->cc == 3 && cpu()->fpc == FPC_FLAG_I,
			 "KDBR with a QNaN signals invalid\n");
	cpu()->fpc = FPC_MASK_I;
	cpu()->cc = 0;
	rre64(0xb318, D_QNAN, D_ONE, &rc);
	ksft_test_result(rc == PGM_DATA && fpc_dxc() == 0x80,
			 "KDBR QNaN with the invalid mask: DXC 80\n");

	cpu()->fpc = 0;
	set_fhi(1, 0xbf800000);
	h_st32(&H, A, F_ONE);
	cpu()->gr[2] = A;
	rc = run(e_ed(1, 0, 2, 0, 0x09), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1, "CEB -1f < 1f: CC 1\n");
	h_st64(&H, A, D_ONE);
	cpu()->fpr[1] = D_TWO;
	rc = run(e_ed(1, 0, 2, 0, 0x19), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 2, "CDB 2 > 1: CC 2\n");

	uint64_t r = rre64(0xb312, 0, dbits(-0.5), &rc);
	ksft_test_result(rc == 0 && r == dbits(-0.5) && cpu()->cc == 1,
			 "LTDBR negative: CC 1\n");
	r = rre64(0xb312, 0, D_NZERO, &rc);
	ksft_test_result(rc == 0 && cpu()->cc == 0, "LTDBR -0: CC 0\n");
	r = rre64(0xb312, 0, D_SNAN, &rc);
	ksft_test_result(rc == 0 && r == (D_SNAN | 0x0008000000000000ULL) &&
			 cpu()->cc == 3 && cpu()->fpc == FPC_FLAG_I,
			 "LTDBR SNaN: quieted, CC 3, invalid\n");
	cpu()->fpc = 0;
	r = rre64(0xb313, 0, D_ONE, &rc);
	ksft_test_result(rc == 0 && r == D_MONE && cpu()->cc == 1,
			 "LCDBR 1 = -1, CC 1\n");
	r = rre64(0xb313, 0, D_SNAN, &rc);
	ksft_test_result(rc == 0 && r == (D_SNAN | D_NZERO) && cpu()->cc == 3 &&
			 cpu()->fpc == 0,
			 "LCDBR SNaN: sign flipped, no exception, CC 3\n");
	r = rre64(0xb311, 0, D_ONE, &rc);
	ksft_test_result(rc == 0 && r == D_MONE && cpu()->cc == 1, "LNDBR\n");
	r = rre64(0xb310, 0, D_NINF, &rc);
	ksft_test_result(rc == 0 && r == D_PINF && cpu()->cc == 2, "LPDBR\n");
	set_fhi(2, 0x80000000);
	rc = run(e_rre(0xb300, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0 && cpu()->cc == 0,
			 "LPEBR -0f = +0f, CC 0\n");

	/* TEST DATA CLASS: mask bits 52..63 = +0 -0 +n -n +s -s +i -i +q -q
	 * +sn -sn. */
	static const struct {
		uint64_t v;
		unsigned mask, cc;
		const char *name;
	} tc[] = {
		{ D_PZERO, 0x800, 1, "+0" },
		{ D_NZERO, 0x400, 1, "-0" },
		{ D_ONE, 0x200, 1, "+normal" },
		{ D_MONE, 0x100, 1, "-normal" },
		{ 0x0000000000000001ULL, 0x080, 1, "+subnormal" },
		{ D_NINF, 0x010, 1, "-inf" },
		{ D_QNAN, 0x008, 1, "+QNaN" },
		{ D_SNAN | D_NZERO, 0x001, 1, "-SNaN" },
		{ D_ONE, 0xdff, 0, "+normal not selected" },
	};
	for (unsigned i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		cpu()->fpr[1] = tc[i].v;
		cpu()->gr[2] = 0;
		rc = run(e_ed(1, 0, 0, (int32_t)tc[i].mask, 0x11), 6);
		ksft_test_result(rc == 0 && cpu()->cc == tc[i].cc,
				 "TCDB %s: CC %u\n", tc[i].name, tc[i].cc);
	}
	set_fhi(1, 0xff800000);
	rc = run(e_ed(1, 0, 0, 0x010, 0x10), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1, "TCEB -inf\n");
}

/* ---- Conversions ----------------------------------------------------- */

static void test_convert(void)
{
	int rc;

	reset();
	set_fhi(2, 0x3fc00000);
	rc = run(e_rre(0xb304, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(1.5), "LDEBR 1.5f\n");
	set_fhi(2, 0xff800001);		/* -SNaN payload 1 */
	rc = run(e_rre(0xb304, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0xfff8000020000000ULL &&
			 cpu()->fpc == FPC_FLAG_I,
			 "LDEBR SNaN: quiet long NaN with the payload\n");

	cpu()->fpc = 0;
	cpu()->fpr[1] = 0x00000000ccccccccULL;
	cpu()->fpr[2] = D_THIRD;
	rc = run(e_rre(0xb344, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0x3eaaaaabccccccccULL &&
			 cpu()->fpc == FPC_FLAG_X,
			 "LEDBR 1/3 nearest, inexact, bits 32-63 kept\n");
	rc = run(e_rrf(0xb344, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x3eaaaaaa,
			 "LEDBRA M3=5 rounds toward zero\n");
	cpu()->fpr[2] = dbits(1.0 + 0x1p-24);	/* a tie between floats */
	rc = run(e_rrf(0xb344, 4, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == F_ONE,
			 "LEDBRA M3=4 tie to even\n");
	rc = run(e_rrf(0xb344, 1, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x3f800001,
			 "LEDBRA M3=1 tie away from zero\n");
	cpu()->fpc = 0;
	cpu()->fpr[2] = D_MAX;
	rc = run(e_rre(0xb344, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x7f800000 &&
			 cpu()->fpc == (FPC_FLAG_O | FPC_FLAG_X),
			 "LEDBR of DBL_MAX overflows to +inf\n");

	/* Fixed -> BFP. */
	cpu()->fpc = 0;
	cpu()->gr[2] = (uint32_t)-7;
	rc = run(e_rre(0xb395, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(-7.0) &&
			 cpu()->fpc == 0, "CDFBR -7\n");
	cpu()->gr[2] = (1ULL << 53) + 1;
	rc = run(e_rre(0xb3a5, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0x4340000000000000ULL &&
			 cpu()->fpc == FPC_FLAG_X,
			 "CDGBR 2^53+1 nearest even = 2^53, inexact\n");
	rc = run(e_rrf(0xb3a5, 6, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0x4340000000000001ULL,
			 "CDGBRA M3=6 rounds up to 2^53+2\n");
	cpu()->fpc = 0;
	rc = run(e_rrf(0xb3a5, 6, 4, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpc == 0,
			 "CDGBRA M4 bit 1 suppresses the inexact flag\n");
	cpu()->gr[2] = 16777217;
	rc = run(e_rre(0xb394, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x4b800000, "CEFBR 2^24+1 -> 2^24\n");
	rc = run(e_rrf(0xb394, 1, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x4b800001,
			 "CEFBRA M3=1 tie away -> 2^24+2\n");
	cpu()->gr[2] = ~0ULL;
	rc = run(e_rrf(0xb3a1, 0, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0x43f0000000000000ULL,
			 "CDLGBR 2^64-1 -> 2^64\n");
	cpu()->gr[2] = 0xffffffff00000005ULL;
	rc = run(e_rrf(0xb391, 0, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(5.0),
			 "CDLFBR uses bits 32-63\n");

	/* BFP -> fixed with rounding modes. */
	static const struct {
		uint64_t v;
		unsigned m3;
		int32_t want;
		unsigned cc;
	} cf[] = {
		{ 0x4004000000000000ULL, 4, 2, 2 },	/* 2.5 ties even */
		{ 0x4004000000000000ULL, 1, 3, 2 },	/* ties away */
		{ 0x4004000000000000ULL, 5, 2, 2 },	/* toward 0 */
		{ 0x4004000000000000ULL, 6, 3, 2 },	/* toward +inf */
		{ 0xc004000000000000ULL, 7, -3, 1 },	/* -2.5 toward -inf */
		{ 0xc004000000000000ULL, 5, -2, 1 },
		{ 0x400c000000000000ULL, 3, 3, 2 },	/* 3.5 round to odd */
		{ 0x4010000000000000ULL, 3, 4, 2 },	/* 4.0 exact */
		{ D_NZERO, 0, 0, 0 },
	};
	for (unsigned i = 0; i < sizeof(cf) / sizeof(cf[0]); i++) {
		cpu()->fpr[2] = cf[i].v;
		cpu()->gr[1] = 0xabcdabcd00000000ULL;
		rc = run(e_rrf(0xb399, cf[i].m3, 0, 1, 2), 4);
		ksft_test_result(rc == 0 && cpu()->gr[1] ==
				 (0xabcdabcd00000000ULL | (uint32_t)cf[i].want) &&
				 cpu()->cc == cf[i].cc,
				 "CFDBR %016" PRIx64 " M3=%u -> %d, CC %u\n",
				 cf[i].v, cf[i].m3, cf[i].want, cf[i].cc);
	}
	cpu()->fpc = 0;
	cpu()->fpr[2] = dbits(3e9);
	rc = run(e_rrf(0xb399, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 0x7fffffff &&
			 cpu()->cc == 3 && (cpu()->fpc & FPC_FLAG_I),
			 "CFDBR 3e9: invalid, 7FFFFFFF, CC 3\n");
	ksft_test_result(cpu()->fpc == (FPC_FLAG_I | FPC_FLAG_X),
			 "CFDBR out of range: invalid and inexact flags\n");
	cpu()->fpc = 0;
	cpu()->fpr[2] = D_QNAN;
	rc = run(e_rrf(0xb3a9, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->gr[1] == 0x8000000000000000ULL &&
			 cpu()->cc == 3 && cpu()->fpc == FPC_FLAG_I,
			 "CGDBR NaN: 8000...0, CC 3, invalid flag only\n");
	cpu()->fpc = FPC_MASK_I;
	cpu()->gr[1] = 99;
	rc = run(e_rrf(0xb3a9, 5, 0, 1, 2), 4);
	ksft_test_result(rc == PGM_DATA && cpu()->gr[1] == 99 &&
			 fpc_dxc() == 0x80,
			 "CGDBR NaN with the invalid mask: suppressed, DXC 80\n");
	cpu()->fpc = 0;
	cpu()->fpr[2] = dbits(-1.5);
	rc = run(e_rrf(0xb3a9, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->gr[1] == (uint64_t)-1 &&
			 cpu()->cc == 1 && cpu()->fpc == FPC_FLAG_X,
			 "CGDBR -1.5 toward zero = -1, CC 1, inexact\n");
	cpu()->fpr[2] = dbits(-9223372036854775808.0);
	rc = run(e_rrf(0xb3a9, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->gr[1] == 0x8000000000000000ULL &&
			 cpu()->cc == 1, "CGDBR -2^63 fits\n");
	set_fhi(2, 0x40600000);		/* 3.5f */
	rc = run(e_rrf(0xb398, 4, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 4, "CFEBR 3.5f -> 4\n");
	cpu()->fpr[2] = dbits(4e9);
	rc = run(e_rrf(0xb39d, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 4000000000u &&
			 cpu()->cc == 2, "CLFDBR 4e9\n");
	cpu()->fpc = 0;
	cpu()->fpr[2] = dbits(-0.5);
	rc = run(e_rrf(0xb39d, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 0 &&
			 cpu()->cc == 1 && cpu()->fpc == FPC_FLAG_X,
			 "CLFDBR -0.5 toward zero: 0, CC 1, inexact\n");
	cpu()->fpc = 0;
	cpu()->fpr[2] = D_MONE;
	rc = run(e_rrf(0xb3ad, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->gr[1] == 0 && cpu()->cc == 3 &&
			 (cpu()->fpc & FPC_FLAG_I),
			 "CLGDBR -1: invalid, 0, CC 3\n");
	rc = run(e_rrf(0xb399, 2, 0, 1, 2), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "CFDBR M3=2: specification exception\n");

	/* LOAD FP INTEGER. */
	cpu()->fpc = 0;
	cpu()->fpr[2] = dbits(2.5);
	rc = run(e_rrf(0xb35f, 4, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(2.0) &&
			 cpu()->fpc == FPC_FLAG_X, "FIDBR 2.5 M3=4 = 2\n");
	rc = run(e_rrf(0xb35f, 1, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == dbits(3.0),
			 "FIDBR 2.5 M3=1 = 3\n");
	cpu()->fpc = 0;
	cpu()->fpr[2] = dbits(-0.25);
	rc = run(e_rrf(0xb35f, 5, 4, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == D_NZERO && cpu()->fpc == 0,
			 "FIDBRA -0.25 toward zero = -0, inexact suppressed\n");
	set_fhi(2, 0xc0600000);		/* -3.5f */
	rc = run(e_rrf(0xb357, 7, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0xc0800000, "FIEBR -3.5f M3=7 = -4f\n");
}

/* ---- Short-format forms --------------------------------------------- */

static void test_short(void)
{
	int rc;

	reset();
	cpu()->gr[2] = A;
	h_st32(&H, A, 0x40400000);		/* 3f */
	cpu()->fpr[1] = 0x40c0000055555555ULL;	/* 6f */
	rc = run(e_ed(1, 0, 2, 0, 0x0d), 6);
	ksft_test_result(rc == 0 && cpu()->fpr[1] == 0x4000000055555555ULL,
			 "DEB 6f/3f = 2f, bits 32-63 unchanged\n");
	rc = run(e_ed(1, 0, 2, 0, 0x17), 6);
	ksft_test_result(rc == 0 && fhi(1) == 0x40c00000, "MEEB 2f*3f = 6f\n");
	h_st32(&H, A, 0x41100000);		/* 9f */
	rc = run(e_ed(1, 0, 2, 0, 0x14), 6);
	ksft_test_result(rc == 0 && fhi(1) == 0x40400000, "SQEB 9f = 3f\n");
	set_fhi(1, F_ONE);
	set_fhi(3, F_TWO);
	h_st32(&H, A, 0x40400000);
	rc = run(e_rxf(1, 3, 0, 2, 0, 0x0f), 6);
	ksft_test_result(rc == 0 && fhi(1) == 0x40a00000, "MSEB 2f*3f-1f = 5f\n");

	cpu()->fpc = 0;
	set_fhi(1, 0x7fc00000);
	set_fhi(2, F_ONE);
	rc = run(e_rre(0xb308, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 3 && cpu()->fpc == FPC_FLAG_I,
			 "KEBR QNaN: CC 3, invalid\n");
	cpu()->fpc = 0;
	set_fhi(2, 0x7f800001);		/* SNaN */
	rc = run(e_rre(0xb302, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x7fc00001 && cpu()->cc == 3 &&
			 cpu()->fpc == FPC_FLAG_I, "LTEBR SNaN: quieted, CC 3\n");
	set_fhi(2, F_TWO);
	rc = run(e_rre(0xb301, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0xc0000000 && cpu()->cc == 1,
			 "LNEBR 2f = -2f, CC 1\n");
	rc = run(e_rre(0xb303, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0xc0000000 && cpu()->cc == 1,
			 "LCEBR 2f = -2f\n");

	cpu()->gr[2] = 0xfffffffff0000000ULL;	/* bits 32-63: 4026531840 */
	rc = run(e_rrf(0xb390, 0, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x4f700000,
			 "CELFBR 4026531840 exact\n");
	cpu()->gr[2] = 0x7fffffffffffffffULL;
	rc = run(e_rre(0xb3a4, 1, 2), 4);
	ksft_test_result(rc == 0 && fhi(1) == 0x5f000000,
			 "CEGBR 2^63-1 rounds to 2^63\n");
	set_fhi(2, 0x4f800000);			/* 2^32 */
	cpu()->fpc = 0;
	rc = run(e_rrf(0xb39c, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 0xffffffffu &&
			 cpu()->cc == 3 && (cpu()->fpc & FPC_FLAG_I),
			 "CLFEBR 2^32: invalid, FFFFFFFF, CC 3\n");
	set_fhi(2, 0xdf000000);			/* -2^63 */
	rc = run(e_rrf(0xb3a8, 5, 0, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->gr[1] == 0x8000000000000000ULL &&
			 cpu()->cc == 1, "CGEBR -2^63f fits\n");
}

/* ---- FPC and the AFP-register control ------------------------------ */

static void test_fpc_afp(void)
{
	int rc;

	reset();
	cpu()->gr[1] = 0xffffffff00000001ULL;
	rc = run(e_rre(0xb384, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu()->fpc == 1, "SFPC sets the FPC\n");
	cpu()->gr[2] = 0x5555555555555555ULL;
	rc = run(e_rre(0xb38c, 2, 0), 4);
	ksft_test_result(rc == 0 && cpu()->gr[2] == 0x5555555500000001ULL,
			 "EFPC reads the FPC into bits 32-63\n");
	cpu()->gr[1] = 0x80;
	rc = run(e_rre(0xb384, 1, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION && cpu()->fpc == 1,
			 "SFPC reserved bit 24: specification, FPC unchanged\n");
	cpu()->gr[1] = 5;
	rc = run(e_rre(0xb384, 1, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "SFPC rounding mode 5: specification\n");

	h_st32(&H, A, 0xf8000007);
	cpu()->gr[2] = A;
	rc = run(e_s(0xb29d, 2, 0), 4);
	ksft_test_result(rc == 0 && cpu()->fpc == 0xf8000007, "LFPC\n");
	rc = run(e_s(0xb29c, 2, 8), 4);
	ksft_test_result(rc == 0 && h_ld32(&H, A + 8) == 0xf8000007, "STFPC\n");
	h_st32(&H, A, 0x01000000);
	rc = run(e_s(0xb29d, 2, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION, "LFPC reserved bit 7\n");

	cpu()->fpc = 7;
	rc = run(e_s(0xb299, 0, 0xff2), 4);
	ksft_test_result(rc == 0 && cpu()->fpc == 2,
			 "SRNM sets the rounding mode from address bits 62-63\n");
	rc = run(e_s(0xb2b8, 0, 0x007), 4);
	ksft_test_result(rc == 0 && cpu()->fpc == 7, "SRNMB 7\n");
	rc = run(e_s(0xb2b8, 0, 0x005), 4);
	ksft_test_result(rc == PGM_SPECIFICATION && cpu()->fpc == 7,
			 "SRNMB 5: specification\n");

	/* AFP-register control off. */
	reset();
	cpu()->cr[0] &= ~CR0_AFP;
	cpu()->fpr[2] = D_ONE;
	h_st32(&H, LC_DATA_EXC_CODE, 0xffffffff);
	rc = run(e_rr(0x28, 0, 2), 2);
	ksft_test_result(rc == 0 && cpu()->fpr[0] == D_ONE,
			 "AFP off: LDR 0,2 is allowed\n");
	rc = run(e_rr(0x28, 1, 2), 2);
	ksft_test_result(rc == PGM_DATA && lc_dxc() == 1 && cpu()->fpc == 0,
			 "AFP off: LDR 1,2 is a data exception, DXC 1\n");
	rc = run(e_rx(0x68, 9, 0, 0, 0x200), 4);
	ksft_test_result(rc == PGM_DATA && lc_dxc() == 1,
			 "AFP off: LD 9 is a data exception, DXC 1\n");
	rc = run(e_rre(0xb3c1, 3, 1), 4);
	ksft_test_result(rc == PGM_DATA && lc_dxc() == 1,
			 "AFP off: LDGR 3 is a data exception, DXC 1\n");
	rc = run(e_rre(0xb31a, 0, 2), 4);
	ksft_test_result(rc == PGM_DATA && lc_dxc() == 2 && cpu()->fpr[0] == D_ONE,
			 "AFP off: ADBR is a data exception, DXC 2\n");
	rc = run(e_rre(0xb38c, 1, 0), 4);
	ksft_test_result(rc == PGM_DATA && lc_dxc() == 2,
			 "AFP off: EFPC is a data exception, DXC 2\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(PLAN);
	h_init(&H);

	test_moves();
	test_arith();
	test_compare();
	test_convert();
	test_short();
	test_fpc_afp();

	h_fini(&H);
	return ksft_finished();
}
