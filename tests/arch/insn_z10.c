/* SPDX-License-Identifier: MIT */
/*
 * The z10 instructions Linux's decompressor requires the facilities of
 * (arch/s390x/insn-sys.c): COMPARE AND SWAP AND STORE (facilities 32, 33)
 * and MOVE WITH OPTIONAL SPECIFICATIONS (27).  Expected results from the
 * Principles of Operation.  "COMPARE AND SWAP AND STORE": GR0 bits 56-63
 * function code (4/8/16-byte compare and swap), bits 48-55 store
 * characteristic (1 << SC bytes stored), GR1 the 16-byte aligned
 * parameter list (replacement value at +0, store value at +16, both
 * left-justified).  "MOVE WITH OPTIONAL SPECIFICATIONS": a special-
 * operation exception when DAT is off (the DAT-on cases are DAT's tests).
 * Also EXTRACT CPU ATTRIBUTE (this CPU describes no caches: all ones) and
 * LOAD ADDRESS EXTENDED (LAE/LAEY: the ALET of the PSW's address space).
 */
#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define A	0x20000ULL	/* first operand */
#define B	0x21000ULL	/* second operand */
#define PL	0x22000ULL	/* parameter list */

static struct harness H;

/* SSF: C8 R3 x2 B1 D1 B2 D2; here CSST R3,0(4),0(5). */
static int csst(unsigned r3)
{
	uint64_t insn = 0xC8ULL << 40 | (uint64_t)r3 << 36 | 2ULL << 32 |
			4ULL << 28 | 5ULL << 12;
	return h_exec_insn(&H, insn, 6);
}

static void setup(unsigned fc, unsigned sc, uint64_t a, uint64_t b)
{
	h_reset(&H);
	for (unsigned i = 0; i < 32; i += 8)
		h_st64(&H, A + i, 0x1111111111111111ULL * (i / 8 + 1));
	for (unsigned i = 0; i < 16; i += 8)
		h_st64(&H, B + i, 0xEEEEEEEEEEEEEEEEULL);
	h_st64(&H, PL, 0xA1A2A3A4A5A6A7A8ULL);		/* replacement */
	h_st64(&H, PL + 8, 0xB1B2B3B4B5B6B7B8ULL);
	h_st64(&H, PL + 16, 0xC1C2C3C4C5C6C7C8ULL);	/* store value */
	h_st64(&H, PL + 24, 0xD1D2D3D4D5D6D7D8ULL);
	H.cpu->gr[0] = 0xFFFFFFFFFFFF0000ULL | sc << 8 | fc;
	H.cpu->gr[1] = PL + 5;	/* the low four bits are ignored */
	H.cpu->gr[4] = a;
	H.cpu->gr[5] = b;
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(15);
	h_init(&H);

	setup(0, 2, A, B);
	H.cpu->gr[2] = 0x9999999911111111ULL;
	int rc = csst(2);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 && h_ld32(&H, A) == 0xA1A2A3A4 &&
			 h_ld32(&H, A + 4) == 0x11111111 &&
			 h_ld32(&H, B) == 0xC1C2C3C4 && h_ld32(&H, B + 4) == 0xEEEEEEEE,
			 "fc 0 sc 2 equal: 4-byte swap, 4-byte store, cc 0\n");

	setup(0, 0, A, B + 3);
	H.cpu->gr[2] = 0x9999999922222222ULL;
	rc = csst(2);
	ksft_test_result(rc == 0 && H.cpu->cc == 1 &&
			 H.cpu->gr[2] == 0x9999999911111111ULL &&
			 h_ld32(&H, A) == 0x11111111 && h_ld32(&H, B) == 0xEEEEEEEE,
			 "fc 0 unequal: R3 bits 32-63 loaded, nothing stored, cc 1\n");

	setup(1, 3, A, B);
	H.cpu->gr[6] = 0x1111111111111111ULL;
	rc = csst(6);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 &&
			 h_ld64(&H, A) == 0xA1A2A3A4A5A6A7A8ULL &&
			 h_ld64(&H, B) == 0xC1C2C3C4C5C6C7C8ULL,
			 "fc 1 sc 3 equal: 8-byte swap and store\n");

	setup(1, 1, A, B + 2);
	H.cpu->gr[6] = 0x1111111111111111ULL;
	rc = csst(6);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 &&
			 h_ld32(&H, B) == 0xEEEEC1C2 && h_ld32(&H, B + 4) == 0xEEEEEEEE,
			 "sc 1: the leftmost 2 bytes of the store value\n");

	setup(2, 4, A, B);
	H.cpu->gr[2] = 0x1111111111111111ULL;
	H.cpu->gr[3] = 0x2222222222222222ULL;
	rc = csst(2);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 &&
			 h_ld64(&H, A) == 0xA1A2A3A4A5A6A7A8ULL &&
			 h_ld64(&H, A + 8) == 0xB1B2B3B4B5B6B7B8ULL &&
			 h_ld64(&H, B) == 0xC1C2C3C4C5C6C7C8ULL &&
			 h_ld64(&H, B + 8) == 0xD1D2D3D4D5D6D7D8ULL,
			 "fc 2 sc 4 equal: 16-byte swap and store (facility 33)\n");

	setup(2, 4, A, B);
	H.cpu->gr[2] = 0x1111111111111111ULL;
	H.cpu->gr[3] = 0;
	rc = csst(2);
	ksft_test_result(rc == 0 && H.cpu->cc == 1 &&
			 H.cpu->gr[2] == 0x1111111111111111ULL &&
			 H.cpu->gr[3] == 0x2222222222222222ULL &&
			 h_ld64(&H, B) == 0xEEEEEEEEEEEEEEEEULL,
			 "fc 2 unequal: the R3 pair loaded, cc 1\n");

	setup(2, 0, A, B);
	rc = csst(3);
	ksft_test_result(rc == PGM_SPECIFICATION && H.pgm_ilc == 6,
			 "fc 2 with odd R3: specification exception\n");

	setup(3, 0, A, B);
	rc = csst(2);
	ksft_test_result(rc == PGM_SPECIFICATION, "fc 3: specification exception\n");

	setup(0, 5, A, B);
	rc = csst(2);
	ksft_test_result(rc == PGM_SPECIFICATION, "sc 5: specification exception\n");

	setup(1, 2, A + 4, B);
	H.cpu->gr[6] = 0x1111111111111111ULL;
	int rc1 = csst(6);
	setup(0, 3, A, B + 4);
	rc = csst(6);
	ksft_test_result(rc1 == PGM_SPECIFICATION && rc == PGM_SPECIFICATION &&
			 h_ld64(&H, A) == 0x1111111111111111ULL,
			 "misaligned first or second operand: specification, nothing stored\n");

	/* MVCOS 0(4),0(5),6 with DAT off. */
	h_reset(&H);
	h_st64(&H, A, 0x0123456789abcdefULL);
	H.cpu->gr[4] = B;
	H.cpu->gr[5] = A;
	H.cpu->gr[6] = 8;
	rc = h_exec_insn(&H, 0xC8ULL << 40 | 6ULL << 36 | 4ULL << 28 | 5ULL << 12, 6);
	ksft_test_result(rc == PGM_SPECIAL_OPERATION && H.pgm_ilc == 6 &&
			 H.pgm_old_addr == H_CODE + 6 &&
			 h_ld64(&H, B) == 0xEEEEEEEEEEEEEEEEULL,
			 "MVCOS with DAT off: special operation, suppressed\n");

	/* ECAG 1,0,0x100(0): CPU-attribute request of Linux's MHz probe. */
	h_reset(&H);
	H.cpu->gr[1] = 5;
	rc = h_exec_insn(&H, 0xEB1000100000ULL | 0x4C, 6);
	ksft_test_result(rc == 0 && H.cpu->gr[1] == ~0ULL,
			 "ECAG: no attribute described, R1 all ones\n");

	/* LAE 2,0x123(3,4) in the primary mode: address, ALET 0. */
	h_reset(&H);
	H.cpu->gr[3] = 0x1000;
	H.cpu->gr[4] = 0x20000;
	H.cpu->ar[2] = 0xdeadbeef;
	rc = h_exec_insn(&H, 0x51234123ULL, 4);
	ksft_test_result(rc == 0 && H.cpu->gr[2] == 0x21123 && H.cpu->ar[2] == 0,
			 "LAE in the primary mode: address and ALET 0\n");

	/* The same in the home mode (ALET 2) and the AR mode (AR B2). */
	h_reset(&H);
	H.cpu->psw_mask |= (uint64_t)PSW_ASC_HOME << PSW_SHIFT_ASC;
	H.cpu->gr[4] = 0x20000;
	rc = h_exec_insn(&H, 0x51204123ULL, 4);
	bool home = rc == 0 && H.cpu->ar[2] == 2;
	h_reset(&H);
	H.cpu->psw_mask |= (uint64_t)PSW_ASC_ACCREG << PSW_SHIFT_ASC;
	H.cpu->gr[4] = 0x20000;
	H.cpu->ar[4] = 0x00010005;
	rc = h_exec_insn(&H, 0x51204123ULL, 4);
	ksft_test_result(home && rc == 0 && H.cpu->ar[2] == 0x00010005,
			 "LAE in the home mode: ALET 2; AR mode: AR B2\n");

	/* LAEY 2,-8(0,4) in the secondary mode: negative long displacement. */
	h_reset(&H);
	H.cpu->psw_mask |= (uint64_t)PSW_ASC_SECONDARY << PSW_SHIFT_ASC;
	H.cpu->gr[4] = 0x20000;
	rc = h_exec_insn(&H, 0xE3204FF8FF75ULL, 6);
	ksft_test_result(rc == 0 && H.cpu->gr[2] == 0x1fff8 && H.cpu->ar[2] == 1,
			 "LAEY in the secondary mode: address and ALET 1\n");

	h_fini(&H);
	return ksft_finished();
}
