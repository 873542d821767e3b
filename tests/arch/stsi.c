/* SPDX-License-Identifier: MIT */
/*
 * STORE SYSTEM INFORMATION levels the software CPU answers itself
 * (arch/s390x/insn-sys.c op_stsi), at the offsets of the PoP's SYSIB
 * formats that Linux reads (arch/s390/include/asm/sysinfo.h): 1.1.1
 * manufacturer/type, 1.2.1 and 2.2.1 the CPU address at 102, 1.2.2 and
 * 2.2.2 the total/configured CPU counts at 36/38, 2.2.2 the LPAR number
 * at 32 and name at 44; an unsupported level (15.1.2: no configuration-
 * topology facility) is cc 3.  Level 3.2.2 is userspace's (the
 * KVM_EXIT_S390_STSI handler, arch/s390x/intercept.c): one description at
 * 32 with the CPU counts at +4/+6, the name at +12, the control-program
 * identifier "KVM/Linux" at +24 (how Linux tells it runs on KVM), stored
 * through DAT when the PSW has it on.
 */
#include "arch/s390x/intercept.h"
#include "arch/s390x/dat.h"
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
	ksft_set_plan(8);
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

	/* 3.2.2 through the exit handler, DAT off: real address SYSIB. */
	static const uint8_t kvm[3] = { 0xD2, 0xE5, 0xD4 };
	uint8_t d[40];
	struct kvm_run *run = H.vcpu->run;
	rc = stsi(3, 2, 2);
	int handled = rc == -1 ? s390_handle_stsi(H.vcpu) : -1;
	h_peek(&H, SYSIB + 32, d, sizeof(d));
	ksft_test_result(handled == 0 && ld16(30) == 0x0001 && d[5] == 1 && d[7] == 1 &&
			 !memcmp(d + 12, "\xD4\xC9\xD5\xC9\xE5\xD4\xD4\x40", 8) &&
			 !memcmp(d + 24, kvm, 3),
			 "3.2.2 (userspace): count 1, CPUs, name at +12, 'KVM' at +24\n");

	/* DAT on: logical 0x40000 -> real SYSIB through a segment table at
	 * 0x50000 (ASCE in CR1, designation type segment, length 4K) and a
	 * page table at 0x51000 (PoP "Translation Tables"). */
	h_reset(&H);
	uint8_t junk[4096];
	memset(junk, 0xA5, sizeof(junk));
	h_poke(&H, SYSIB, junk, sizeof(junk));
	for (unsigned i = 0; i < 512; i++)
		h_st64(&H, 0x50000 + 8 * i, SEGMENT_I);
	for (unsigned i = 0; i < 256; i++)
		h_st64(&H, 0x51000 + 8 * i, PAGE_I);
	h_st64(&H, 0x50000, 0x51000);			/* segment 0 */
	h_st64(&H, 0x51000 + 8 * 0x40, SYSIB);		/* page 0x40 */
	run->s390_stsi.addr = 0x40000;
	run->s390_stsi.ar = 0;
	run->s390_stsi.fc = 3;
	run->s390_stsi.sel1 = 2;
	run->s390_stsi.sel2 = 2;
	run->psw_mask = 0x0400000180000000ULL;		/* DAT, primary */
	run->s.regs.crs[1] = 0x50000;
	run->s.regs.prefix = 0;
	handled = s390_handle_stsi(H.vcpu);
	h_peek(&H, SYSIB + 32, d, sizeof(d));
	uint8_t real[40];
	h_peek(&H, 0x40000 + 32, real, sizeof(real));
	ksft_test_result(handled == 0 && !memcmp(d + 24, kvm, 3) &&
			 memcmp(real + 24, kvm, 3) /* not at the real address */ &&
			 ld16(30) == 0x0001,
			 "3.2.2 (userspace) with DAT on: stored through the tables\n");

	h_fini(&H);
	return ksft_finished();
}
