/* SPDX-License-Identifier: MIT */
/*
 * STORE SYSTEM INFORMATION levels the software CPU answers itself
 * (arch/s390x/insn-sys.c op_stsi), at the offsets of the PoP's SYSIB
 * formats that Linux reads (arch/s390/include/asm/sysinfo.h): 1.1.1
 * manufacturer/type, 1.2.1 and 2.2.1 the CPU address at 102, 1.2.2 and
 * 2.2.2 the total/configured CPU counts at 36/38, 2.2.2 the LPAR number
 * at 32 and name at 44; an unsupported level (15.1.2: no configuration-
 * topology facility) is cc 3.
 */
#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define SYSIB	0x30000ULL

static struct harness H;

static int stsi(unsigned fc, unsigned sel1, unsigned sel2)
{
	h_reset(&H);
	uint8_t junk[4096];
	memset(junk, 0xA5, sizeof(junk));
	h_poke(&H, SYSIB, junk, sizeof(junk));
	H.cpu->gr[0] = (uint64_t)fc << 28 | sel1;
	H.cpu->gr[1] = sel2;
	H.cpu->gr[2] = SYSIB;
	return h_exec_insn(&H, 0xB27D2000, 4);	/* STSI 0(2) */
}

static uint16_t ld16(uint64_t off)
{
	uint8_t b[2];
	h_peek(&H, SYSIB + off, b, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(6);
	h_init(&H);	/* one CPU, address 0 */

	int rc = stsi(1, 1, 1);
	uint8_t b[8];
	h_peek(&H, SYSIB + 32, b, 4);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 && !memcmp(b, "\xC9\xC2\xD4\x40", 4) &&
			 h_ld32(&H, SYSIB + 48) == 0xF2F8F2F7,
			 "1.1.1: manufacturer 'IBM', type 2827 (EBCDIC)\n");

	rc = stsi(1, 2, 2);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 && ld16(36) == 1 && ld16(38) == 1 &&
			 ld16(0) == 0,
			 "1.2.2: total and configured CPUs at 36/38\n");

	rc = stsi(2, 2, 2);
	h_peek(&H, SYSIB + 44, b, 8);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 && ld16(36) == 1 && ld16(38) == 1 &&
			 ld16(32) == 1 && !memcmp(b, "\xD4\xC9\xD5\xC9\xE5\xD4\xD4\x40", 8),
			 "2.2.2: CPUs at 36/38, LPAR number 1, name MINIVMM\n");

	rc = stsi(1, 2, 1);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 && ld16(102) == 0 && ld16(80) == 0,
			 "1.2.1: CPU address at 102\n");

	rc = stsi(2, 2, 1);
	ksft_test_result(rc == 0 && H.cpu->cc == 0 && ld16(100) == 0 && ld16(102) == 0,
			 "2.2.1: CPU id and address at 100/102\n");

	rc = stsi(15, 1, 2);
	ksft_test_result(rc == 0 && H.cpu->cc == 3 && ld16(0) == 0xA5A5,
			 "15.1.2 (no topology facility): cc 3, nothing stored\n");

	h_fini(&H);
	return ksft_finished();
}
