/* SPDX-License-Identifier: MIT */
/*
 * Branch, shift, rotate, address, load/store-on-condition and EXECUTE
 * instructions of the software CPU (arch/s390x/insn-branch.c), one
 * instruction at a time through the cpu harness.  Expected values come
 * from the Principles of Operation, chapter 7.
 */
#include <inttypes.h>
#include <stdio.h>

#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct harness H;

/* ---- Instruction encoders (PoP "Instruction Formats") -------------- */

/* Constant expressions, so that case tables can hold encoded insns. */
#define E_RR(op, r1, r2)	((uint64_t)(op) << 8 | (r1) << 4 | (r2))
#define E_RX(op, r1, x2, b2, d2)					\
	((uint64_t)(op) << 24 | (uint64_t)(r1) << 20 | (x2) << 16 |	\
	 (b2) << 12 | ((d2) & 0xfff))
#define E_RI(op, r1, ext, i2)						\
	((uint64_t)(op) << 24 | (uint64_t)(r1) << 20 | (ext) << 16 |	\
	 (uint16_t)(i2))
#define E_RIL(op, r1, ext, i2)						\
	((uint64_t)(op) << 40 | (uint64_t)(r1) << 36 |			\
	 (uint64_t)(ext) << 32 | (uint32_t)(i2))
/* B9xx RRE/RRF: opcode, m3 in bits 16-19, r1, r2. */
#define E_RRF(op, m3, r1, r2)						\
	((uint64_t)(op) << 16 | (m3) << 12 | (r1) << 4 | (r2))
/* Generic 6-byte: op, two nibbles, a halfword, a byte, the extension. */
#define E6(op, a, b, mid, byte4, op2)					\
	((uint64_t)(op) << 40 | (uint64_t)(a) << 36 |			\
	 (uint64_t)(b) << 32 | (uint64_t)(uint16_t)(mid) << 16 |	\
	 (uint64_t)(uint8_t)(byte4) << 8 | (op2))
/* RSY/RXY with a 20-bit signed displacement. */
#define E_RSY(op, r1, r3, b2, d, op2)					\
	E6(op, r1, r3, (b2) << 12 | ((uint32_t)(d) & 0xfff),		\
	   ((uint32_t)(d) >> 12) & 0xff, op2)

/* ---- Helpers -------------------------------------------------------- */

#define MODE_64	PSW_MASK_64
#define MODE_31	PSW_MASK_BA
#define MODE_24	0ULL

static struct s390_cpu *cpu(void)
{
	return H.cpu;
}

static void reset(void)
{
	h_reset(&H);
}

static void set_mode(uint64_t mode)
{
	cpu()->psw_mask = (cpu()->psw_mask & ~PSW_MASK_64) | mode;
}

static int run(uint64_t insn, unsigned len)
{
	return h_exec_insn(&H, insn, len);
}

static uint64_t next(unsigned len)
{
	return H_CODE + len;
}

/*
 * h.pgm_ilc is the halfword at real 140: the ILC sits in its bits 13-14,
 * so the value is the length in bytes of the interrupted instruction
 * (of EXECUTE when the target was interrupted).
 */

/* Condition code in the program old PSW (bits 18-19). */
static unsigned pgm_old_cc(void)
{
	return (unsigned)(h_ld64(&H, LC_PGM_OLD_PSW) >> PSW_SHIFT_CC) & 3;
}

static uint64_t gr(unsigned r)
{
	return cpu()->gr[r];
}

/* ---- Branch on condition: every cc against every mask --------------- */

enum bc_kind { K_BRC, K_BRCL, K_BC, K_BCR };

/* Returns true when the branch behaved as PoP says for all 16 masks. */
static bool bc_all_masks(enum bc_kind k, unsigned cc)
{
	for (unsigned m = 0; m < 16; m++) {
		uint64_t insn, target;
		unsigned len;

		reset();
		cpu()->cc = cc;
		switch (k) {
		case K_BRC:
			insn = E_RI(0xA7, m, 4, 0x40);
			len = 4;
			target = H_CODE + 0x80;
			break;
		case K_BRCL:
			insn = E_RIL(0xC0, m, 4, 0x1000);
			len = 6;
			target = H_CODE + 0x2000;
			break;
		case K_BC:
			cpu()->gr[3] = H_DATA;
			cpu()->gr[4] = 0x100;
			insn = E_RX(0x47, m, 4, 3, 0x24);
			len = 4;
			target = H_DATA + 0x124;
			break;
		case K_BCR:
		default:
			cpu()->gr[5] = H_DATA + 0x40;
			insn = E_RR(0x07, m, 5);
			len = 2;
			target = H_DATA + 0x40;
			break;
		}
		bool taken = (m >> (3 - cc)) & 1;
		if (run(insn, len) != 0)
			return false;
		if (cpu()->psw_addr != (taken ? target : next(len)))
			return false;
		if (cpu()->cc != cc)
			return false;
	}
	return true;
}

static void test_branch_on_condition(void)
{
	static const char *const names[] = { "BRC", "BRCL", "BC", "BCR" };

	for (unsigned k = K_BRC; k <= K_BCR; k++)
		for (unsigned cc = 0; cc < 4; cc++)
			ksft_test_result(bc_all_masks(k, cc),
					 "%s masks 0-15 with cc %u\n",
					 names[k], cc);
}
#define N_BC 16

static void test_branch_misc(void)
{
	/* BRC with a negative offset. */
	reset();
	int rc = run(E_RI(0xA7, 15, 4, -8), 4);
	ksft_test_result(rc == 0 && cpu()->psw_addr == H_CODE - 16,
			 "BRC 15 backwards by 8 halfwords\n");

	/* BRCL with a large negative offset. */
	reset();
	rc = run(E_RIL(0xC0, 15, 4, -0x7000), 6);
	ksft_test_result(rc == 0 && cpu()->psw_addr == H_CODE - 0xE000,
			 "BRCL 15 backwards by 0x7000 halfwords\n");

	/* BCR 15,0 and 14,0 are serialization, not branches to GR0. */
	reset();
	cpu()->gr[0] = H_DATA;
	rc = run(E_RR(0x07, 15, 0), 2);
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(2),
			 "BCR 15,0 does not branch\n");
	reset();
	cpu()->gr[0] = H_DATA;
	rc = run(E_RR(0x07, 14, 0), 2);
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(2),
			 "BCR 14,0 does not branch\n");

	/* BCR target wraps in the 31-bit mode. */
	reset();
	set_mode(MODE_31);
	cpu()->gr[5] = 0xFFFFFFFF80020000ULL;
	rc = run(E_RR(0x07, 15, 5), 2);
	ksft_test_result(rc == 0 && cpu()->psw_addr == 0x20000,
			 "BCR target truncated to 31 bits\n");

	/* BC with index and base in the 24-bit mode wraps to 24 bits. */
	reset();
	set_mode(MODE_24);
	cpu()->gr[2] = 0x7F020000;
	rc = run(E_RX(0x47, 15, 0, 2, 0x10), 4);
	ksft_test_result(rc == 0 && cpu()->psw_addr == 0x020010,
			 "BC target truncated to 24 bits\n");
}
#define N_BRMISC 6

/* ---- Branch and link / save ----------------------------------------- */

static void test_link(void)
{
	int rc;

	/* BAS in each mode. */
	reset();
	cpu()->gr[1] = 0xAAAAAAAABBBBBBBBULL;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x4D, 1, 0, 2, 0x8), 4);
	ksft_test_result(rc == 0 && gr(1) == next(4) &&
			 cpu()->psw_addr == H_DATA + 8,
			 "BAS 64-bit link and target\n");

	reset();
	set_mode(MODE_31);
	cpu()->gr[1] = 0xAAAAAAAABBBBBBBBULL;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x4D, 1, 0, 2, 0x8), 4);
	ksft_test_result(rc == 0 && gr(1) == (0xAAAAAAAA00000000ULL |
					      0x80000000 | next(4)) &&
			 cpu()->psw_addr == H_DATA + 8,
			 "BAS 31-bit link has bit 32 set, high word kept\n");

	reset();
	set_mode(MODE_24);
	cpu()->gr[1] = 0xAAAAAAAABBBBBBBBULL;
	cpu()->gr[2] = H_DATA;
	cpu()->cc = 3;
	rc = run(E_RX(0x4D, 1, 0, 2, 0x8), 4);
	ksft_test_result(rc == 0 && gr(1) == (0xAAAAAAAA00000000ULL | next(4)),
			 "BAS 24-bit link has bits 32-39 zero\n");

	/* BAL 24-bit: ILC, CC, program mask in bits 32-39. */
	reset();
	set_mode(MODE_24);
	cpu()->psw_mask |= 0xAULL << PSW_SHIFT_PM;
	cpu()->cc = 2;
	cpu()->gr[1] = 0x1111111122222222ULL;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x45, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 &&
			 gr(1) == (0x1111111100000000ULL | 2u << 30 |
				   2u << 28 | 0xAu << 24 | next(4)) &&
			 cpu()->psw_addr == H_DATA,
			 "BAL 24-bit link: ILC 2, cc, program mask\n");

	reset();
	set_mode(MODE_24);
	cpu()->cc = 1;
	cpu()->gr[3] = H_DATA;
	rc = run(E_RR(0x05, 1, 3), 2);
	ksft_test_result(rc == 0 &&
			 (uint32_t)gr(1) == (1u << 30 | 1u << 28 | next(2)) &&
			 cpu()->psw_addr == H_DATA,
			 "BALR 24-bit link: ILC 1, cc 1\n");

	reset();
	set_mode(MODE_31);
	cpu()->gr[3] = H_DATA;
	rc = run(E_RR(0x05, 1, 3), 2);
	ksft_test_result(rc == 0 && (uint32_t)gr(1) == (0x80000000u | next(2)),
			 "BALR 31-bit link as BASR\n");

	reset();
	cpu()->gr[3] = H_DATA;
	rc = run(E_RX(0x45, 1, 0, 3, 0x10), 4);
	ksft_test_result(rc == 0 && gr(1) == next(4) &&
			 cpu()->psw_addr == H_DATA + 0x10,
			 "BAL 64-bit link is the full address\n");

	/* BASR with R2 = 0: link, no branch. */
	reset();
	cpu()->gr[0] = H_DATA;
	rc = run(E_RR(0x0D, 14, 0), 2);
	ksft_test_result(rc == 0 && gr(14) == next(2) &&
			 cpu()->psw_addr == next(2),
			 "BASR 14,0 links without branching\n");

	/* BASR R1 = R2: the branch address is the old contents. */
	reset();
	cpu()->gr[7] = H_DATA + 0x300;
	rc = run(E_RR(0x0D, 7, 7), 2);
	ksft_test_result(rc == 0 && gr(7) == next(2) &&
			 cpu()->psw_addr == H_DATA + 0x300,
			 "BASR 7,7 branches to the old GR7\n");

	/* BALR with R2 = 0. */
	reset();
	rc = run(E_RR(0x05, 2, 0), 2);
	ksft_test_result(rc == 0 && gr(2) == next(2) &&
			 cpu()->psw_addr == next(2),
			 "BALR 2,0 links without branching\n");

	/* BRAS / BRASL forwards and backwards. */
	reset();
	rc = run(E_RI(0xA7, 14, 5, -2), 4);
	ksft_test_result(rc == 0 && gr(14) == next(4) &&
			 cpu()->psw_addr == H_CODE - 4,
			 "BRAS backwards\n");
	reset();
	rc = run(E_RIL(0xC0, 14, 5, 0x8000), 6);
	ksft_test_result(rc == 0 && gr(14) == next(6) &&
			 cpu()->psw_addr == H_CODE + 0x10000,
			 "BRASL forwards by 0x8000 halfwords\n");
	reset();
	set_mode(MODE_31);
	cpu()->gr[14] = 0x5555555500000000ULL;
	rc = run(E_RIL(0xC0, 14, 5, -0x10), 6);
	ksft_test_result(rc == 0 &&
			 gr(14) == (0x5555555580000000ULL | next(6)) &&
			 cpu()->psw_addr == H_CODE - 0x20,
			 "BRASL 31-bit link and backward target\n");
}
#define N_LINK 13

/* ---- Branch and set mode ------------------------------------------- */

static void test_set_mode(void)
{
	int rc;

	/* 64 -> 31 with BSM; R1 bit 63 set in the 64-bit mode. */
	reset();
	cpu()->gr[1] = 0x100;
	cpu()->gr[2] = 0xFFFFFFFF80020000ULL;
	rc = run(E_RR(0x0B, 1, 2), 2);
	ksft_test_result(rc == 0 && (cpu()->psw_mask & PSW_MASK_64) == MODE_31 &&
			 cpu()->psw_addr == 0x20000 && gr(1) == 0x101,
			 "BSM 64->31, R1 bit 63 set\n");

	/* 64 -> 24. */
	reset();
	cpu()->gr[2] = 0x0000000012345678ULL;
	rc = run(E_RR(0x0B, 0, 2), 2);
	ksft_test_result(rc == 0 && (cpu()->psw_mask & PSW_MASK_64) == MODE_24 &&
			 cpu()->psw_addr == 0x345678,
			 "BSM 64->24 truncates to 24 bits\n");

	/* 31 -> 64; R1 bit 32 set from PSW bit 32. */
	reset();
	set_mode(MODE_31);
	cpu()->gr[1] = 0x12345678;
	cpu()->gr[2] = 0x0000000100020001ULL;
	rc = run(E_RR(0x0B, 1, 2), 2);
	ksft_test_result(rc == 0 && (cpu()->psw_mask & PSW_MASK_64) == MODE_64 &&
			 cpu()->psw_addr == 0x100020000ULL &&
			 gr(1) == 0x92345678,
			 "BSM 31->64, R1 bit 32 set\n");

	/* 24 -> 31; R1 bit 32 cleared. */
	reset();
	set_mode(MODE_24);
	cpu()->gr[1] = 0xFFFFFFFF;
	cpu()->gr[2] = 0x80030000;
	rc = run(E_RR(0x0B, 1, 2), 2);
	ksft_test_result(rc == 0 && (cpu()->psw_mask & PSW_MASK_64) == MODE_31 &&
			 cpu()->psw_addr == 0x30000 && gr(1) == 0x7FFFFFFF,
			 "BSM 24->31, R1 bit 32 cleared\n");

	/* BSM with R2 = 0: no branch, no mode change. */
	reset();
	cpu()->gr[1] = 0;
	rc = run(E_RR(0x0B, 1, 0), 2);
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(2) &&
			 (cpu()->psw_mask & PSW_MASK_64) == MODE_64 && gr(1) == 1,
			 "BSM 1,0 sets R1 bit 63 only\n");

	/* BASSM 64 -> 31: link has bit 63 set. */
	reset();
	cpu()->gr[2] = 0x80040000;
	rc = run(E_RR(0x0C, 14, 2), 2);
	ksft_test_result(rc == 0 && gr(14) == (next(2) | 1) &&
			 (cpu()->psw_mask & PSW_MASK_64) == MODE_31 &&
			 cpu()->psw_addr == 0x40000,
			 "BASSM 64->31 link has bit 63 set\n");

	/* BASSM 31 -> 24: 31-bit link. */
	reset();
	set_mode(MODE_31);
	cpu()->gr[14] = 0xCCCCCCCC00000000ULL;
	cpu()->gr[2] = 0x00050000;
	rc = run(E_RR(0x0C, 14, 2), 2);
	ksft_test_result(rc == 0 &&
			 gr(14) == (0xCCCCCCCC80000000ULL | next(2)) &&
			 (cpu()->psw_mask & PSW_MASK_64) == MODE_24 &&
			 cpu()->psw_addr == 0x50000,
			 "BASSM 31->24 link has bit 32 set\n");

	/* TAM in each mode. */
	static const struct { uint64_t mode; unsigned cc; } tam[] = {
		{ MODE_24, 0 }, { MODE_31, 1 }, { MODE_64, 3 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(tam); i++) {
		reset();
		set_mode(tam[i].mode);
		rc = run(0x010B, 2);
		ksft_test_result(rc == 0 && cpu()->cc == tam[i].cc,
				 "TAM cc %u\n", tam[i].cc);
	}

	/* SAM24/SAM31/SAM64 set the mode bits. */
	static const struct { uint16_t op; uint64_t mode; } sam[] = {
		{ 0x010C, MODE_24 }, { 0x010D, MODE_31 }, { 0x010E, MODE_64 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(sam); i++) {
		reset();
		set_mode(i == 2 ? MODE_24 : MODE_64);
		rc = run(sam[i].op, 2);
		ksft_test_result(rc == 0 &&
				 (cpu()->psw_mask & PSW_MASK_64) == sam[i].mode &&
				 cpu()->psw_addr == next(2),
				 "SAM%s sets the mode\n",
				 i == 0 ? "24" : i == 1 ? "31" : "64");
	}
}
#define N_SETMODE 13

/* ---- Branch on count ------------------------------------------------ */

static void test_count(void)
{
	int rc;

	reset();
	cpu()->gr[1] = 0xDEADBEEF00000003ULL;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x46, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && gr(1) == 0xDEADBEEF00000002ULL &&
			 cpu()->psw_addr == H_DATA,
			 "BCT 3 -> 2 taken, high word kept\n");

	reset();
	cpu()->gr[1] = 1;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x46, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && gr(1) == 0 && cpu()->psw_addr == next(4),
			 "BCT 1 -> 0 not taken\n");

	reset();
	cpu()->gr[1] = 0x500000000ULL;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x46, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && gr(1) == 0x5FFFFFFFFULL &&
			 cpu()->psw_addr == H_DATA,
			 "BCT 0 -> 0xFFFFFFFF taken, no borrow\n");

	/* BCT 1,0(1): the branch address uses R1 before the decrement. */
	reset();
	cpu()->gr[1] = H_DATA;
	rc = run(E_RX(0x46, 1, 0, 1, 0), 4);
	ksft_test_result(rc == 0 && gr(1) == H_DATA - 1 &&
			 cpu()->psw_addr == H_DATA,
			 "BCT 1,0(1) address formed before decrement\n");

	reset();
	cpu()->gr[1] = 5;
	rc = run(E_RR(0x06, 1, 0), 2);
	ksft_test_result(rc == 0 && gr(1) == 4 && cpu()->psw_addr == next(2),
			 "BCTR 1,0 decrements without branching\n");

	reset();
	cpu()->gr[1] = 5;
	cpu()->gr[4] = H_DATA;
	rc = run(E_RR(0x06, 1, 4), 2);
	ksft_test_result(rc == 0 && gr(1) == 4 && cpu()->psw_addr == H_DATA,
			 "BCTR 1,4 branches\n");

	reset();
	cpu()->gr[1] = 0x100000000ULL;
	cpu()->gr[4] = H_DATA;
	rc = run(E_RRF(0xB946, 0, 1, 4), 4);
	ksft_test_result(rc == 0 && gr(1) == 0xFFFFFFFF &&
			 cpu()->psw_addr == H_DATA,
			 "BCTGR borrows across the word\n");

	reset();
	cpu()->gr[1] = 1;
	cpu()->gr[4] = H_DATA;
	rc = run(E_RSY(0xE3, 1, 0, 4, -0x10, 0x46), 6);
	ksft_test_result(rc == 0 && gr(1) == 0 && cpu()->psw_addr == next(6),
			 "BCTG 1 -> 0 not taken\n");

	reset();
	cpu()->gr[1] = 2;
	cpu()->gr[4] = H_DATA;
	rc = run(E_RSY(0xE3, 1, 0, 4, -0x10, 0x46), 6);
	ksft_test_result(rc == 0 && gr(1) == 1 &&
			 cpu()->psw_addr == H_DATA - 0x10,
			 "BCTG negative displacement\n");

	/* BRCT as a loop counter: taken exactly n-1 times for n. */
	unsigned taken = 0;
	reset();
	cpu()->gr[6] = 10;
	for (unsigned i = 0; i < 20; i++) {
		if (run(E_RI(0xA7, 6, 6, -4), 4) != 0)
			break;
		if (cpu()->psw_addr != H_CODE - 8)
			break;
		taken++;
	}
	ksft_test_result(taken == 9 && gr(6) == 0,
			 "BRCT loop of 10 runs the body 10 times\n");

	reset();
	cpu()->gr[6] = 0xFFFFFFFF00000001ULL;
	rc = run(E_RI(0xA7, 6, 7, 8), 4);
	ksft_test_result(rc == 0 && gr(6) == 0xFFFFFFFF00000000ULL &&
			 cpu()->psw_addr == H_CODE + 16,
			 "BRCTG counts 64 bits\n");

	reset();
	cpu()->gr[6] = 0x00000002FFFFFFFFULL;
	rc = run(E_RIL(0xCC, 6, 6, 0x20), 6);
	ksft_test_result(rc == 0 && gr(6) == 0x00000001FFFFFFFFULL &&
			 cpu()->psw_addr == H_CODE + 0x40,
			 "BRCTH counts the high word\n");

	reset();
	cpu()->gr[6] = 0x00000001FFFFFFFFULL;
	rc = run(E_RIL(0xCC, 6, 6, 0x20), 6);
	ksft_test_result(rc == 0 && gr(6) == 0x00000000FFFFFFFFULL &&
			 cpu()->psw_addr == next(6),
			 "BRCTH high word 1 -> 0 not taken\n");
}
#define N_COUNT 13

/* ---- Branch on index ------------------------------------------------ */

struct bx_case {
	const char *name;
	uint64_t insn;
	unsigned len;
	uint64_t r1, r4, r5;	/* R1 = GR1, R3 = GR4 or GR5 */
	uint64_t want_r1;
	uint64_t target;	/* 0: not taken */
};

static const struct bx_case bx_cases[] = {
	/* BXH 1,4: increment GR4, comparand GR5. */
	{ "BXH even R3 taken", 0x86142000, 4, 10, 1, 10, 11, H_DATA },
	{ "BXH sum == comparand not taken", 0x86142000, 4, 9, 1, 10, 10, 0 },
	{ "BXLE sum == comparand taken", 0x87142000, 4, 9, 1, 10, 10, H_DATA },
	{ "BXLE sum > comparand not taken", 0x87142000, 4, 10, 1, 10, 11, 0 },
	/* Odd R3: GR5 is both increment and comparand. */
	{ "BXH odd R3 (-1) taken", 0x86152000, 4, 5, 0, 0xFFFFFFFF,
	  4, H_DATA },
	{ "BXLE odd R3 counting down", 0x87152000, 4, 0, 0, 0xFFFFFFFF,
	  0xFFFFFFFF, H_DATA },
	/* 32-bit compare is signed and ignores the high words. */
	{ "BXLE odd R3: 1 + -1 = 0 > -1 not taken", 0x87152000, 4, 1, 0,
	  0xFFFFFFFF, 0, 0 },
	{ "BXLEG odd R3: 1 + -1 = 0 > -1 not taken", 0xEB1520000045ULL, 6,
	  1, 0, (uint64_t)-1, 0, 0 },
	{ "BXH signed 32-bit", 0x86142000, 4, 0x7FFFFFFF, 1, 0,
	  0x80000000, 0 },
	{ "BXHG 64-bit", 0xEB1420000044ULL, 6, 0x100000000ULL, 0x100000000ULL,
	  0x1FFFFFFFFULL, 0x200000000ULL, H_DATA },
	{ "BXLEG 64-bit not taken", 0xEB1420000045ULL, 6, 0x100000000ULL, 0x100000000ULL,
	  0x1FFFFFFFFULL, 0x200000000ULL, 0 },
	{ "BRXH backwards", 0x8414FFFC, 4, 10, 1, 10, 11, H_CODE - 8 },
	{ "BRXLE forwards", 0x85140010, 4, 9, 1, 10, 10, H_CODE + 0x20 },
	{ "BRXHG", 0xEC1400200044ULL, 6, 20, (uint64_t)-5, 10, 15, H_CODE + 0x40 },
	{ "BRXLG", 0xEC1400200045ULL, 6, 20, (uint64_t)-5, 10, 15, 0 },
};

static void test_index(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(bx_cases); i++) {
		const struct bx_case *c = &bx_cases[i];

		reset();
		cpu()->gr[1] = c->r1;
		cpu()->gr[2] = H_DATA;
		cpu()->gr[4] = c->r4;
		cpu()->gr[5] = c->r5;
		int rc = run(c->insn, c->len);
		uint64_t want_pc = c->target ? c->target : next(c->len);
		ksft_test_result(rc == 0 && gr(1) == c->want_r1 &&
				 cpu()->psw_addr == want_pc,
				 "%s\n", c->name);
	}

	/* R1 = R3 (odd): increment and comparand are the old value. */
	reset();
	cpu()->gr[2] = H_DATA;
	cpu()->gr[3] = 4;
	int rc = run(0x86332000, 4);	/* BXH 3,3: 8 > 4 */
	ksft_test_result(rc == 0 && gr(3) == 8 && cpu()->psw_addr == H_DATA,
			 "BXH 3,3 compares with the old GR3\n");
}
#define N_INDEX (ARRAY_SIZE(bx_cases) + 1)

/* ---- Compare and branch / jump -------------------------------------- */

struct cj_case {
	const char *name;
	uint64_t insn;
	uint64_t op1, op2;	/* GR1, GR2 */
	bool taken;
	bool relative;		/* jump to H_CODE + 0x20, else H_DATA + 0x10 */
};

/* RIE-b: EC r1 r2 ri4 m3 op; RIE-c: EC r1 m3 ri4 i2 op;
 * RRS: EC r1 r2 b4d4 m3 op; RIS: EC r1 m3 b4d4 i2 op. */
#define RIE_B(op, m3)	E6(0xEC, 1, 2, 0x10, (m3) << 4, op)
#define RIE_C(op, m3, i2) E6(0xEC, 1, m3, 0x10, i2, op)
#define RRS(op, m3)	E6(0xEC, 1, 2, 0x3010, (m3) << 4, op)
#define RIS(op, m3, i2)	E6(0xEC, 1, m3, 0x3010, i2, op)

static const struct cj_case cj_cases[] = {
	{ "CRJ equal, mask 8", RIE_B(0x76, 8), 5, 5, true, true },
	{ "CRJ equal, mask 6", RIE_B(0x76, 6), 5, 5, false, true },
	{ "CRJ -1 low vs 1 (signed)", RIE_B(0x76, 4), 0xFFFFFFFF, 1, true, true },
	{ "CRJ ignores high words", RIE_B(0x76, 8), 0x1200000005ULL, 5, true, true },
	{ "CGRJ 64-bit high", RIE_B(0x64, 2), 0x100000000ULL, 5, true, true },
	{ "CGRJ 64-bit negative low", RIE_B(0x64, 2), (uint64_t)-1, 1, false, true },
	{ "CLRJ 0xFFFFFFFF high (logical)", RIE_B(0x77, 2), 0xFFFFFFFF, 1, true, true },
	{ "CLGRJ logical low", RIE_B(0x65, 4), 1, (uint64_t)-1, true, true },
	{ "CIJ -1 equal to I2 0xFF", RIE_C(0x7E, 8, 0xFF), 0xFFFFFFFF, 0, true, true },
	{ "CIJ 0 high vs -1", RIE_C(0x7E, 2, 0xFF), 0, 0, true, true },
	{ "CGIJ 64-bit low", RIE_C(0x7C, 4, 0x01), (uint64_t)-7, 0, true, true },
	{ "CLIJ 0xFF zero-extended", RIE_C(0x7F, 4, 0xFF), 0x80, 0, true, true },
	{ "CLIJ not equal", RIE_C(0x7F, 8, 0xFF), 0xFFFFFFFF, 0, false, true },
	{ "CLGIJ high", RIE_C(0x7D, 2, 0x10), 0x100000000ULL, 0, true, true },
	{ "CRB equal", RRS(0xF6, 8), 7, 7, true, false },
	{ "CRB low mask 2 not taken", RRS(0xF6, 2), 6, 7, false, false },
	{ "CGRB high", RRS(0xE4, 2), 0x200000000ULL, 7, true, false },
	{ "CLRB logical high", RRS(0xF7, 2), 0x80000000, 1, true, false },
	{ "CLGRB logical low", RRS(0xE5, 4), 0, 1, true, false },
	{ "CIB equal -2", RIS(0xFE, 8, 0xFE), 0xFFFFFFFE, 0, true, false },
	{ "CGIB low", RIS(0xFC, 4, 0x00), (uint64_t)-1, 0, true, false },
	{ "CLIB high", RIS(0xFF, 2, 0x7F), 0x80, 0, true, false },
	{ "CLGIB equal 200", RIS(0xFD, 8, 200), 200, 0, true, false },
	{ "CLGIB mask 1 never selects", RIS(0xFD, 1, 200), 200, 0, false, false },
};

static void test_compare_branch(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cj_cases); i++) {
		const struct cj_case *c = &cj_cases[i];

		reset();
		cpu()->cc = 1;
		cpu()->gr[1] = c->op1;
		cpu()->gr[2] = c->op2;
		cpu()->gr[3] = H_DATA;
		int rc = run(c->insn, 6);
		uint64_t want = !c->taken ? next(6)
				: c->relative ? H_CODE + 0x20 : H_DATA + 0x10;
		ksft_test_result(rc == 0 && cpu()->psw_addr == want &&
				 cpu()->cc == 1, "%s\n", c->name);
	}

	/* Negative relative offset. */
	reset();
	cpu()->gr[1] = 1;
	cpu()->gr[2] = 1;
	int rc = run(E6(0xEC, 1, 2, 0xFFF0, 0x80, 0x76), 6);
	ksft_test_result(rc == 0 && cpu()->psw_addr == H_CODE - 0x20,
			 "CRJ backwards\n");
}
#define N_CJ (ARRAY_SIZE(cj_cases) + 1)

/* ---- Compare and trap ----------------------------------------------- */

struct ct_case {
	const char *name;
	uint64_t insn;
	unsigned len;
	uint64_t op1, op2;
	bool trap;
};

static const struct ct_case ct_cases[] = {
	{ "CRT equal traps", 0xB9728012, 4, 3, 3, true },
	{ "CRT low mask 8 no trap", 0xB9728012, 4, 2, 3, false },
	{ "CGRT high traps", 0xB9602012, 4, 0x100000000ULL, 3, true },
	{ "CLRT logical high traps", 0xB9732012, 4, 0xFFFFFFFF, 3, true },
	{ "CLGRT logical low no trap on mask 2", 0xB9612012, 4, 1, 3, false },
	{ "CIT -1 equal traps", 0xEC10FFFF8072ULL, 6, 0xFFFFFFFF, 0, true },
	{ "CGIT low traps", 0xEC10FFFF4070ULL, 6, (uint64_t)-2, 0, true },
	{ "CLFIT 0xFFFF zero-extended", 0xEC10FFFF4073ULL, 6, 0xFFFE, 0, true },
	{ "CLGIT high no trap on mask 4", 0xEC1000104071ULL, 6, 0x11, 0, false },
};

static void test_compare_trap(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(ct_cases); i++) {
		const struct ct_case *c = &ct_cases[i];

		reset();
		h_st32(&H, LC_DATA_EXC_CODE, 0);
		cpu()->gr[1] = c->op1;
		cpu()->gr[2] = c->op2;
		int rc = run(c->insn, c->len);
		bool ok = c->trap
			? rc == PGM_DATA && h_ld32(&H, LC_DATA_EXC_CODE) == 0xFF &&
			  H.pgm_old_addr == next(c->len)
			: rc == 0 && cpu()->psw_addr == next(c->len);
		ksft_test_result(ok, "%s\n", c->name);
	}

	/* With AFP on, the DXC also goes into the FPC. */
	reset();
	cpu()->cr[0] |= CR0_AFP;
	cpu()->fpc = 0x80000000;
	cpu()->gr[1] = 1;
	int rc = run(0xB9728011, 4);
	ksft_test_result(rc == PGM_DATA && cpu()->fpc == 0x8000FF00 &&
			 H.pgm_ilc == 4,
			 "CRT with AFP stores DXC 0xFF in the FPC\n");

	reset();
	cpu()->cr[0] &= ~CR0_AFP;
	cpu()->fpc = 0;
	cpu()->gr[1] = 1;
	rc = run(0xB9728011, 4);
	ksft_test_result(rc == PGM_DATA && cpu()->fpc == 0,
			 "CRT without AFP leaves the FPC\n");
}
#define N_CT (ARRAY_SIZE(ct_cases) + 2)

/* ---- Addresses ------------------------------------------------------ */

static void test_address(void)
{
	int rc;

	reset();
	cpu()->gr[2] = 0x100;
	cpu()->gr[3] = 0x1000;
	rc = run(E_RX(0x41, 1, 2, 3, 0xFFF), 4);
	ksft_test_result(rc == 0 && gr(1) == 0x20FF, "LA x+b+d\n");

	reset();
	set_mode(MODE_31);
	cpu()->gr[1] = 0x1234567800000000ULL;
	cpu()->gr[3] = 0xFFFFFFFFFFFFFFFFULL;
	rc = run(E_RX(0x41, 1, 0, 3, 0x2), 4);
	ksft_test_result(rc == 0 && gr(1) == 0x1234567800000001ULL,
			 "LA 31-bit wraps, bit 32 zero, high word kept\n");

	reset();
	set_mode(MODE_24);
	cpu()->gr[1] = 0xFFFFFFFFFFFFFFFFULL;
	cpu()->gr[3] = 0x7F123456;
	rc = run(E_RX(0x41, 1, 0, 3, 0x1), 4);
	ksft_test_result(rc == 0 && gr(1) == 0xFFFFFFFF00123457ULL,
			 "LA 24-bit bits 32-39 zero\n");

	reset();
	cpu()->gr[3] = 0x10;
	rc = run(E_RX(0x41, 3, 0, 3, 0), 4);
	ksft_test_result(rc == 0 && gr(3) == 0x10 && cpu()->psw_addr == next(4),
			 "LA 3,0(3) is a no-op\n");

	reset();
	cpu()->gr[3] = 0x10000;
	rc = run(E_RSY(0xE3, 1, 0, 3, -0x80000, 0x71), 6);
	ksft_test_result(rc == 0 && gr(1) == (uint64_t)(0x10000 - 0x80000),
			 "LAY most negative displacement\n");

	reset();
	rc = run(E_RIL(0xC0, 1, 0, -0x100), 6);
	ksft_test_result(rc == 0 && gr(1) == H_CODE - 0x200, "LARL backwards\n");

	reset();
	set_mode(MODE_31);
	cpu()->gr[1] = 0xABCDEF0000000000ULL;
	rc = run(E_RIL(0xC0, 1, 0, 0x10), 6);
	ksft_test_result(rc == 0 && gr(1) == (0xABCDEF0000000000ULL | (H_CODE + 0x20)),
			 "LARL 31-bit keeps the high word\n");
}
#define N_ADDR 7

/* ---- Shifts ---------------------------------------------------------- */

struct sh_case {
	const char *name;
	uint64_t insn;
	unsigned len;
	uint64_t r1, r3, r2;	/* GR2/GR3 for pairs: even GR2, odd GR3 */
	uint64_t want_r1, want_r3;
	int want_cc;		/* -1: cc must be unchanged (preset 1) */
};

/* SHIFT rs: op 1,d(4) with GR4 = 0 unless set; RSY: op 1,3,d(4). */
#define RS(op, r1, d)		E_RX(op, r1, 0, 4, d)
#define RSY(op2, d)		E_RSY(0xEB, 1, 3, 4, d, op2)

static const struct sh_case sh_cases[] = {
	{ "SLL 1", RS(0x89, 1, 1), 4, 0xFFFFFFFF80000001ULL, 0, 0,
	  0xFFFFFFFF00000002ULL, 0, -1 },
	{ "SLL 32 clears", RS(0x89, 1, 32), 4, 0x12345678, 0, 0, 0, 0, -1 },
	{ "SLL uses only 6 address bits (65 = 1)", RS(0x89, 1, 65), 4, 1, 0, 0,
	  2, 0, -1 },
	{ "SRL 4", RS(0x88, 1, 4), 4, 0x55555555F0000000ULL, 0, 0,
	  0x555555550F000000ULL, 0, -1 },
	{ "SRL 31", RS(0x88, 1, 31), 4, 0x80000000, 0, 0, 1, 0, -1 },
	{ "SLA no overflow", RS(0x8B, 1, 2), 4, 0x10000000, 0, 0,
	  0x40000000, 0, 2 },
	{ "SLA overflow keeps sign", RS(0x8B, 1, 1), 4, 0x40000001, 0, 0,
	  0x00000002, 0, 3 },
	{ "SLA -1 by 31", RS(0x8B, 1, 31), 4, 0xFFFFFFFF, 0, 0,
	  0x80000000, 0, 1 },
	{ "SLA -1 by 32 overflows", RS(0x8B, 1, 32), 4, 0xFFFFFFFF, 0, 0,
	  0x80000000, 0, 3 },
	{ "SLA negative no overflow", RS(0x8B, 1, 3), 4, 0xFFFFFFF0, 0, 0,
	  0xFFFFFF80, 0, 1 },
	{ "SLA zero", RS(0x8B, 1, 5), 4, 0, 0, 0, 0, 0, 0 },
	{ "SRA -8 by 2", RS(0x8A, 1, 2), 4, 0xFFFFFFF8, 0, 0,
	  0xFFFFFFFE, 0, 1 },
	{ "SRA to zero", RS(0x8A, 1, 3), 4, 5, 0, 0, 0, 0, 0 },
	{ "SRA by 63 of negative", RS(0x8A, 1, 63), 4, 0x80000000, 0, 0,
	  0xFFFFFFFF, 0, 1 },
	{ "SRA positive", RS(0x8A, 1, 1), 4, 0x7FFFFFFF, 0, 0,
	  0x3FFFFFFF, 0, 2 },
	{ "SLLK from R3, R1 high kept", RSY(0xDF, 4), 6,
	  0xAAAAAAAA00000000ULL, 0x1234567801234567ULL, 0,
	  0xAAAAAAAA12345670ULL, 0x1234567801234567ULL, -1 },
	{ "SRLK", RSY(0xDE, 8), 6, 0, 0x8000000080000000ULL, 0,
	  0x00800000, 0x8000000080000000ULL, -1 },
	{ "SLAK overflow", RSY(0xDD, 1), 6, 0, 0x80000000, 0,
	  0x80000000, 0x80000000, 3 },
	{ "SRAK", RSY(0xDC, 4), 6, 0, 0x80000000, 0,
	  0xF8000000, 0x80000000, 1 },
	{ "SLLG", RSY(0x0D, 36), 6, 0, 0x0000000012345678ULL, 0,
	  0x2345678000000000ULL, 0x12345678, -1 },
	{ "SLLG negative displacement (-1 = 63)", RSY(0x0D, -1), 6, 0, 1, 0,
	  0x8000000000000000ULL, 1, -1 },
	{ "SRLG", RSY(0x0C, 60), 6, 0, 0xF000000000000000ULL, 0,
	  0xF, 0xF000000000000000ULL, -1 },
	{ "SLAG overflow", RSY(0x0B, 1), 6, 0, 0x4000000000000000ULL, 0,
	  0, 0x4000000000000000ULL, 3 },
	{ "SLAG -1 by 63", RSY(0x0B, 63), 6, 0, (uint64_t)-1, 0,
	  0x8000000000000000ULL, (uint64_t)-1, 1 },
	{ "SLAG positive", RSY(0x0B, 8), 6, 0, 0x10, 0, 0x1000, 0x10, 2 },
	{ "SRAG", RSY(0x0A, 4), 6, 0, 0x8000000000000000ULL, 0,
	  0xF800000000000000ULL, 0x8000000000000000ULL, 1 },
	{ "SRAG zero", RSY(0x0A, 4), 6, 0, 0xF, 0, 0, 0xF, 0 },
};

/* Even/odd pairs: R1 = 2 (GR2/GR3). */
struct pair_case {
	const char *name;
	uint64_t insn;
	uint64_t hi, lo, want_hi, want_lo;
	int want_cc;
};

static const struct pair_case pair_cases[] = {
	{ "SLDL 36", E_RX(0x8D, 2, 0, 0, 36),
	  0xAAAAAAAA00000001ULL, 0x12345678, 0xAAAAAAAA23456780ULL, 0, -1 },
	{ "SRDL 4", E_RX(0x8C, 2, 0, 0, 4),
	  0x12345678, 0x9ABCDEF0, 0x01234567, 0x89ABCDEF, -1 },
	{ "SLDA overflow", E_RX(0x8F, 2, 0, 0, 1),
	  0x40000000, 0, 0, 0, 3 },
	{ "SLDA positive", E_RX(0x8F, 2, 0, 0, 32),
	  0, 0x1234, 0x1234, 0, 2 },
	{ "SRDA negative", E_RX(0x8E, 2, 0, 0, 36),
	  0x80000000, 0, 0xFFFFFFFF, 0xF8000000, 1 },
	{ "SRDA zero", E_RX(0x8E, 2, 0, 0, 63),
	  0x7FFFFFFF, 0xFFFFFFFF, 0, 0, 0 },
};

static void test_shift(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(sh_cases); i++) {
		const struct sh_case *c = &sh_cases[i];

		reset();
		cpu()->cc = 1;
		if (c->want_cc == 1)
			cpu()->cc = 0;
		unsigned before = cpu()->cc;
		cpu()->gr[1] = c->r1;
		cpu()->gr[3] = c->r3;
		cpu()->gr[4] = 0;
		int rc = run(c->insn, c->len);
		bool cc_ok = c->want_cc < 0 ? cpu()->cc == before
					    : cpu()->cc == (unsigned)c->want_cc;
		bool ok = rc == 0 && gr(1) == c->want_r1 && cc_ok &&
			  (c->len == 4 || gr(3) == c->want_r3);
		if (!ok)
			ksft_print_msg("%s: rc %d r1 %016" PRIx64 " cc %u\n",
				       c->name, rc, gr(1), cpu()->cc);
		ksft_test_result(ok, "%s\n", c->name);
	}

	for (unsigned i = 0; i < ARRAY_SIZE(pair_cases); i++) {
		const struct pair_case *c = &pair_cases[i];

		reset();
		cpu()->cc = c->want_cc == 1 ? 0 : 1;
		unsigned before = cpu()->cc;
		cpu()->gr[2] = c->hi;
		cpu()->gr[3] = c->lo;
		int rc = run(c->insn, 4);
		bool cc_ok = c->want_cc < 0 ? cpu()->cc == before
					    : cpu()->cc == (unsigned)c->want_cc;
		ksft_test_result(rc == 0 && gr(2) == c->want_hi &&
				 gr(3) == c->want_lo && cc_ok, "%s\n", c->name);
	}

	/* Odd R1 of a pair: specification, registers unchanged. */
	reset();
	cpu()->gr[3] = 0x1234;
	int rc = run(E_RX(0x8D, 3, 0, 0, 4), 4);
	ksft_test_result(rc == PGM_SPECIFICATION && gr(3) == 0x1234,
			 "SLDL odd R1 is a specification exception\n");

	/* Fixed-point overflow interruption when the program mask allows. */
	reset();
	cpu()->psw_mask |= (uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM;
	cpu()->gr[1] = 0x40000000;
	rc = run(RS(0x8B, 1, 1), 4);
	ksft_test_result(rc == PGM_FIXPOINT_OVERFLOW && (uint32_t)gr(1) == 0 &&
			 pgm_old_cc() == 3 && H.pgm_old_addr == next(4),
			 "SLA overflow interrupts, completed with cc 3\n");

	reset();
	cpu()->psw_mask |= (uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM;
	cpu()->gr[3] = 0x4000000000000000ULL;
	rc = run(RSY(0x0B, 2), 6);
	ksft_test_result(rc == PGM_FIXPOINT_OVERFLOW && gr(1) == 0 &&
			 pgm_old_cc() == 3,
			 "SLAG overflow interrupts\n");

	reset();
	cpu()->psw_mask |= (uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM;
	cpu()->gr[1] = 0x20000000;
	rc = run(RS(0x8B, 1, 1), 4);
	ksft_test_result(rc == 0 && gr(1) == 0x40000000 && cpu()->cc == 2,
			 "SLA without overflow does not interrupt\n");

	/* Shift amount from base register plus displacement. */
	reset();
	cpu()->gr[1] = 1;
	cpu()->gr[4] = 0xFFFFFFFFFFFFFF03ULL;
	rc = run(RS(0x89, 1, 0x1), 4);
	ksft_test_result(rc == 0 && gr(1) == 0x10, "SLL amount = (GR4 + 1) & 63\n");

	/* Rotates. */
	reset();
	cpu()->gr[1] = 0x1111111100000000ULL;
	cpu()->gr[3] = 0x9999999980000001ULL;
	rc = run(RSY(0x1D, 1), 6);
	ksft_test_result(rc == 0 && gr(1) == 0x1111111100000003ULL, "RLL 1\n");

	reset();
	cpu()->gr[3] = 0x12345678;
	rc = run(RSY(0x1D, 32), 6);
	ksft_test_result(rc == 0 && (uint32_t)gr(1) == 0x12345678,
			 "RLL 32 is identity\n");

	reset();
	cpu()->gr[3] = 0x8000000000000001ULL;
	rc = run(RSY(0x1C, 4), 6);
	ksft_test_result(rc == 0 && gr(1) == 0x18, "RLLG 4\n");

	reset();
	cpu()->gr[3] = 0x0123456789ABCDEFULL;
	rc = run(RSY(0x1C, 0), 6);
	ksft_test_result(rc == 0 && gr(1) == 0x0123456789ABCDEFULL,
			 "RLLG 0 copies\n");
}
#define N_SHIFT (ARRAY_SIZE(sh_cases) + ARRAY_SIZE(pair_cases) + 9)

/* ---- Rotate then selected bits --------------------------------------- */

struct rsbg_case {
	const char *name;
	uint8_t op2;
	uint8_t i3, i4, i5;
	uint64_t r1, r2, want;
	int want_cc;	/* -1: unchanged (preset 3) */
};

static const struct rsbg_case rsbg_cases[] = {
	{ "RISBG zero-extend low halfword", 0x55, 48, 63 | 0x80, 0,
	  0xFFFFFFFFFFFFFFFFULL, 0x123456789ABCDEF0ULL, 0xDEF0, 2 },
	{ "RISBG insert keeps other bits", 0x55, 56, 63, 16,
	  0x1111111111111111ULL, 0x00AB000000000000ULL,
	  0x11111111111111ABULL, 2 },
	{ "RISBG wrap-around range 60..3", 0x55, 60, 3 | 0x80, 0,
	  0, 0xFFFFFFFFFFFFFFFFULL, 0xF00000000000000FULL, 1 },
	{ "RISBG rotate 4, Z, result zero", 0x55, 0, 3 | 0x80, 4,
	  0xFFFFFFFFFFFFFFFFULL, 0xF0FFFFFFFFFFFFFFULL, 0, 0 },
	{ "RISBG single bit 0", 0x55, 0, 0, 63,
	  0, 1, 0x8000000000000000ULL, 1 },
	{ "RISBG ignores I3/I4 bits 1", 0x55, 48 | 0x40, 63 | 0xC0, 0,
	  0xFF, 0x1234, 0x1234, 2 },
	{ "RISBGN leaves cc", 0x59, 48, 63 | 0x80, 0,
	  0xFFFFFFFFFFFFFFFFULL, 0x1234, 0x1234, -1 },
	{ "RISBHG into high word, low kept", 0x5D, 0, 31 | 0x80, 32,
	  0x11111111AAAAAAAAULL, 0x00000000CAFEBABEULL,
	  0xCAFEBABEAAAAAAAAULL, -1 },
	{ "RISBHG Z zeroes only the high word", 0x5D, 24, 31 | 0x80, 32,
	  0x11111111AAAAAAAAULL, 0x00000000000000BEULL,
	  0x000000BEAAAAAAAAULL, -1 },
	{ "RISBLG into low word, high kept", 0x51, 16, 31 | 0x80, 0,
	  0x22222222FFFFFFFFULL, 0x000000000000BEEFULL,
	  0x222222220000BEEFULL, -1 },
	{ "RISBLG without Z", 0x51, 0, 7, 24,
	  0x22222222FFFFFFFFULL, 0x0000000000000042ULL,
	  0x2222222242FFFFFFULL, -1 },
	{ "RNSBG selected AND", 0x54, 56, 63, 0,
	  0xFFFFFFFFFFFFFF0FULL, 0x00000000000000FCULL,
	  0xFFFFFFFFFFFFFF0CULL, 1 },
	{ "RNSBG result zero cc 0", 0x54, 56, 63, 0,
	  0xF0, 0x0F, 0x00, 0 },
	{ "ROSBG rotated OR", 0x56, 0, 7, 56,
	  0, 0xAB, 0xAB00000000000000ULL, 1 },
	{ "ROSBG test only (T)", 0x56, 0 | 0x80, 7, 56,
	  0x5, 0xAB, 0x5, 1 },
	{ "RXSBG selected XOR zero", 0x57, 32, 63, 0,
	  0x1234567812345678ULL, 0x0000000012345678ULL,
	  0x1234567800000000ULL, 0 },
	{ "RXSBG test only (T), cc from the result", 0x57, 32 | 0x80, 63, 32,
	  0x1, 0x100000000ULL, 0x1, 0 },
};

static void test_rsbg(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(rsbg_cases); i++) {
		const struct rsbg_case *c = &rsbg_cases[i];

		reset();
		cpu()->cc = 3;
		cpu()->gr[1] = c->r1;
		cpu()->gr[2] = c->r2;
		int rc = run(E6(0xEC, 1, 2, (uint16_t)(c->i3 << 8 | c->i4),
				c->i5, c->op2), 6);
		bool cc_ok = c->want_cc < 0 ? cpu()->cc == 3
					    : cpu()->cc == (unsigned)c->want_cc;
		bool ok = rc == 0 && gr(1) == c->want && cc_ok &&
			  gr(2) == c->r2;
		if (!ok)
			ksft_print_msg("%s: rc %d r1 %016" PRIx64 " cc %u\n",
				       c->name, rc, gr(1), cpu()->cc);
		ksft_test_result(ok, "%s\n", c->name);
	}
}
#define N_RSBG ARRAY_SIZE(rsbg_cases)

/* ---- Load / store on condition -------------------------------------- */

enum loc_kind { L_LOCR, L_LOCGR, L_LOC, L_LOCG, L_STOC, L_STOCG };

static bool loc_all(enum loc_kind k)
{
	for (unsigned cc = 0; cc < 4; cc++) {
		for (unsigned m = 0; m < 16; m++) {
			uint64_t insn;
			unsigned len;
			bool sel = (m >> (3 - cc)) & 1;

			reset();
			cpu()->cc = cc;
			cpu()->gr[1] = 0x1111111122222222ULL;
			cpu()->gr[2] = 0x3333333344444444ULL;
			cpu()->gr[4] = H_DATA;
			h_st64(&H, H_DATA + 8, 0x5555555566666666ULL);
			switch (k) {
			case L_LOCR:
				insn = E_RRF(0xB9F2, m, 1, 2), len = 4;
				break;
			case L_LOCGR:
				insn = E_RRF(0xB9E2, m, 1, 2), len = 4;
				break;
			case L_LOC:
				insn = E_RSY(0xEB, 1, m, 4, 8, 0xF2), len = 6;
				break;
			case L_LOCG:
				insn = E_RSY(0xEB, 1, m, 4, 8, 0xE2), len = 6;
				break;
			case L_STOC:
				insn = E_RSY(0xEB, 1, m, 4, 8, 0xF3), len = 6;
				break;
			case L_STOCG:
			default:
				insn = E_RSY(0xEB, 1, m, 4, 8, 0xE3), len = 6;
				break;
			}
			if (run(insn, len) != 0 || cpu()->cc != cc ||
			    cpu()->psw_addr != next(len))
				return false;

			uint64_t r1 = gr(1), mem = h_ld64(&H, H_DATA + 8);
			uint64_t want_r1 = 0x1111111122222222ULL;
			uint64_t want_mem = 0x5555555566666666ULL;
			if (sel) {
				switch (k) {
				case L_LOCR:
					want_r1 = 0x1111111144444444ULL;
					break;
				case L_LOCGR:
					want_r1 = 0x3333333344444444ULL;
					break;
				case L_LOC:
					want_r1 = 0x1111111155555555ULL;
					break;
				case L_LOCG:
					want_r1 = 0x5555555566666666ULL;
					break;
				case L_STOC:
					want_mem = 0x2222222266666666ULL;
					break;
				case L_STOCG:
				default:
					want_mem = 0x1111111122222222ULL;
					break;
				}
			}
			if (r1 != want_r1 || mem != want_mem)
				return false;
		}
	}
	return true;
}

static void test_loc(void)
{
	static const char *const names[] = {
		"LOCR", "LOCGR", "LOC", "LOCG", "STOC", "STOCG",
	};

	for (unsigned k = L_LOCR; k <= L_STOCG; k++)
		ksft_test_result(loc_all(k), "%s all cc x mask combinations\n",
				 names[k]);

	/* LOC with the condition false accesses no storage. */
	reset();
	cpu()->cc = 0;
	cpu()->gr[4] = 0x7FFFFFF0000ULL;	/* far outside storage */
	int rc = run(E_RSY(0xEB, 1, 7, 4, 0, 0xF2), 6);
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(6),
			 "LOC not selected: no access exception\n");

	/* ... and when selected an addressing exception is recognized. */
	reset();
	cpu()->cc = 0;
	cpu()->gr[4] = 0x7FFFFFF0000ULL;
	rc = run(E_RSY(0xEB, 1, 8, 4, 0, 0xF2), 6);
	ksft_test_result(rc == PGM_ADDRESSING,
			 "LOC selected beyond storage: addressing\n");
}
#define N_LOC 8

/* ---- EXECUTE --------------------------------------------------------- */

static void put_target(uint64_t addr, uint64_t insn, unsigned len)
{
	uint8_t b[6];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(insn >> (8 * (len - 1 - i)));
	h_poke(&H, addr, b, len);
}

static void test_execute(void)
{
	int rc;

	/* EX 1,0(2) of LA 0,8 with GR1 byte 0x56: LA 5,8(6). */
	reset();
	put_target(H_DATA, 0x41000008, 4);
	cpu()->gr[1] = 0xFFFFFF56;
	cpu()->gr[2] = H_DATA;
	cpu()->gr[6] = 0x1000;
	rc = run(E_RX(0x44, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && gr(5) == 0x1008 && gr(0) == 0 &&
			 cpu()->psw_addr == next(4),
			 "EX ORs R1 bits 56-63 into the target\n");

	/* R1 = 0: no modification. */
	reset();
	put_target(H_DATA, 0x41300010, 4);
	cpu()->gr[0] = 0xFF;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && gr(3) == 0x10 && gr(0) == 0xFF,
			 "EX 0,... executes the target unmodified\n");

	/* Variable shift via EX of SLL (the storage is not modified). */
	reset();
	put_target(H_DATA + 0x10, 0x89000004, 4);	/* SLL 0,4 */
	cpu()->gr[0] = 1;
	cpu()->gr[7] = 0x30;				/* -> SLL 3,4 */
	cpu()->gr[3] = 0x0000000F;
	cpu()->gr[4] = H_DATA;
	rc = run(E_RX(0x44, 7, 0, 4, 0x10), 4);
	uint8_t stored[4];
	h_peek(&H, H_DATA + 0x10, stored, 4);
	ksft_test_result(rc == 0 && gr(3) == 0xF0 && gr(0) == 1 &&
			 stored[1] == 0x00,
			 "EX modifies a copy, not the target in storage\n");

	/* 6-byte target: EX of RISBG with the R1/R2 byte supplied. */
	reset();
	put_target(H_DATA, E6(0xEC, 0, 0, 0x303F | 0x80, 0, 0x55), 6);
	cpu()->gr[1] = 0x89;
	cpu()->gr[9] = 0x123456789ABCDEF0ULL;
	cpu()->gr[8] = (uint64_t)-1;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x44, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && gr(8) == 0xDEF0 && cpu()->cc == 2 &&
			 cpu()->psw_addr == next(4),
			 "EX of a 6-byte RISBG target\n");

	/* EXRL relative target, forwards. */
	reset();
	put_target(H_CODE + 0x100, 0x41000020, 4);
	cpu()->gr[3] = 0x40;
	rc = run(E_RIL(0xC6, 3, 0, 0x80), 6);
	ksft_test_result(rc == 0 && gr(4) == 0x20 && cpu()->psw_addr == next(6),
			 "EXRL executes a relative target\n");

	/* Relative operands of an EXECUTE target are relative to the
	 * target's own address (PoP "EXECUTE"): LARL 5,+0x10 at
	 * H_CODE+0x100 gives H_CODE+0x120, not EXRL's address + 0x20. */
	reset();
	put_target(H_CODE + 0x100, 0xC05000000010ULL, 6);
	rc = run(E_RIL(0xC6, 0, 0, 0x80), 6);
	ksft_test_result(rc == 0 && gr(5) == H_CODE + 0x120 &&
			 cpu()->psw_addr == next(6),
			 "LARL under EXRL is relative to the target\n");

	/* EXRL backwards. */
	reset();
	put_target(H_CODE - 0x40, 0x0700, 2);	/* BCR 0,x: a no-op */
	cpu()->gr[3] = 0x0F;
	rc = run(E_RIL(0xC6, 3, 0, -0x20), 6);
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(6),
			 "EXRL of BCR 0 backwards is a no-op\n");

	/* A branch target of EX changes the PSW address. */
	reset();
	put_target(H_DATA, 0x07F0, 2);		/* BCR 15,0 + R2 from R1 */
	cpu()->gr[1] = 0x05;
	cpu()->gr[5] = H_DATA + 0x200;
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x44, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && cpu()->psw_addr == H_DATA + 0x200,
			 "EX of BCR 15,5 branches\n");

	/* BAL as target in the 24-bit mode: ILC of EX (2) and of EXRL (3). */
	reset();
	set_mode(MODE_24);
	put_target(H_DATA, 0x0510, 2);		/* BALR 1,0 */
	cpu()->gr[2] = H_DATA;
	cpu()->cc = 0;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && (uint32_t)gr(1) == (2u << 30 | next(4)),
			 "EX of BALR: link ILC is 2 (EX)\n");
	reset();
	set_mode(MODE_24);
	put_target(H_CODE + 0x40, 0x0510, 2);
	cpu()->cc = 0;
	rc = run(E_RIL(0xC6, 0, 0, 0x20), 6);
	ksft_test_result(rc == 0 && (uint32_t)gr(1) == (3u << 30 | next(6)),
			 "EXRL of BALR: link ILC is 3 (EXRL)\n");

	/* Targets from the other families: the classic uses of EXECUTE. */
	reset();
	put_target(H_DATA, 0x92005000, 4);		/* MVI 0(5),0 */
	cpu()->gr[1] = 0x5A;
	cpu()->gr[2] = H_DATA;
	cpu()->gr[5] = H_DATA + 0x100;
	h_st32(&H, H_DATA + 0x100, 0);
	rc = run(E_RX(0x44, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && h_ld32(&H, H_DATA + 0x100) == 0x5A000000,
			 "EX of MVI supplies the immediate byte\n");

	reset();
	put_target(H_DATA, 0x1A00, 2);			/* AR 0,0 */
	cpu()->gr[1] = 0x23;				/* -> AR 2,3 */
	cpu()->gr[2] = 5;
	cpu()->gr[3] = 7;
	cpu()->gr[4] = H_DATA;
	rc = run(E_RX(0x44, 1, 0, 4, 0), 4);
	ksft_test_result(rc == 0 && gr(2) == 12 && cpu()->cc == 2 &&
			 cpu()->psw_addr == next(4),
			 "EX of AR supplies R1 and R2\n");

	reset();
	put_target(H_DATA, 0xD20050006000ULL, 6);	/* MVC 0(1,5),0(6) */
	h_st64(&H, H_DATA + 0x200, 0x0102030405060708ULL);
	h_st64(&H, H_DATA + 0x208, 0x090A0B0C0D0E0F10ULL);
	h_st64(&H, H_DATA + 0x300, 0);
	h_st64(&H, H_DATA + 0x308, 0);
	cpu()->gr[1] = 0xFFFFFF0A;			/* length code 10 */
	cpu()->gr[2] = H_DATA;
	cpu()->gr[5] = H_DATA + 0x300;
	cpu()->gr[6] = H_DATA + 0x200;
	rc = run(E_RX(0x44, 1, 0, 2, 0), 4);
	ksft_test_result(rc == 0 &&
			 h_ld64(&H, H_DATA + 0x300) == 0x0102030405060708ULL &&
			 h_ld64(&H, H_DATA + 0x308) == 0x090A0B0000000000ULL,
			 "EX of MVC moves length code + 1 bytes\n");

	/* Execute exceptions. */
	reset();
	put_target(H_DATA, 0x44000000, 4);
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_EXECUTE && H.pgm_ilc == 4 &&
			 H.pgm_old_addr == next(4),
			 "EX of EX: execute exception\n");

	reset();
	put_target(H_DATA, 0xC60000000000ULL, 6);
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_EXECUTE, "EX of EXRL: execute exception\n");

	reset();
	put_target(H_CODE + 0x20, 0x44000000, 4);
	rc = run(E_RIL(0xC6, 0, 0, 0x10), 6);
	ksft_test_result(rc == PGM_EXECUTE && H.pgm_ilc == 6,
			 "EXRL of EX: execute exception, ILC of EXRL\n");

	/* Odd target address: specification. */
	reset();
	put_target(H_DATA, 0x41000008, 4);
	cpu()->gr[2] = H_DATA + 1;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "EX odd target address: specification\n");

	/* Target beyond storage: addressing. */
	reset();
	cpu()->gr[2] = 0x7FFFFFF0000ULL;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_ADDRESSING,
			 "EX target beyond storage: addressing\n");

	/* Program interruption of the target reports EX's address/ILC. */
	reset();
	put_target(H_DATA, 0x8D300000, 4);	/* SLDL 3: odd pair */
	cpu()->gr[2] = H_DATA;
	rc = run(E_RX(0x44, 0, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION && H.pgm_ilc == 4 &&
			 H.pgm_old_addr == next(4),
			 "exception in the target: ILC and address of EX\n");
}
#define N_EX 19

/* ---- Hints ------------------------------------------------------------ */

static void test_hints(void)
{
	reset();
	int rc = run(0xC71020040002ULL, 6);	/* BPP 1,.+4,4(2) */
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(6), "BPP no-op\n");
	reset();
	rc = run(0xC51002000003ULL, 6);		/* BPRP 1,.+4,.+6 */
	ksft_test_result(rc == 0 && cpu()->psw_addr == next(6), "BPRP no-op\n");
}
#define N_HINTS 2

int main(void)
{
	ksft_print_header();
	ksft_set_plan(N_BC + N_BRMISC + N_LINK + N_SETMODE + N_COUNT + N_INDEX +
		      N_CJ + N_CT + N_ADDR + N_SHIFT + N_RSBG + N_LOC + N_EX +
		      N_HINTS);
	h_init(&H);

	test_branch_on_condition();
	test_branch_misc();
	test_link();
	test_set_mode();
	test_count();
	test_index();
	test_compare_branch();
	test_compare_trap();
	test_address();
	test_shift();
	test_rsbg();
	test_loc();
	test_execute();
	test_hints();

	h_fini(&H);
	return ksft_finished();
}
