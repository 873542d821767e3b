/* SPDX-License-Identifier: MIT */
/*
 * Storage operands of intercepted instructions (arch/s390x/intercept.c
 * s390_guest_rw: what userspace handlers of STSCH, MSCH, SSCH, TSCH,
 * STCRW, CHSC and STSI 3.2.2 use).  With DAT on in the exit's PSW the
 * logical address goes through the tables of the PSW's address space
 * (PoP chapter 3), with DAT off it is real (prefixing); exceptions are
 * injected as program interruptions with the PoP's translation-exception
 * identification and nothing is copied.  Tables: a segment table at
 * 0x50000 (ASCE in CR1, or CR7 for the secondary space) and a page table
 * at 0x51000 mapping logical pages 0x40 and 0x41 to the discontiguous
 * frames 0x30000 and 0x36000; page 0x42 is invalid and 0x43 DAT-protected.
 */
#include "arch/s390x/dat.h"
#include "arch/s390x/intercept.h"
#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

static struct harness H;

static void setup(uint64_t psw_mask)
{
	h_reset(&H);
	H.cpu->pgm_pending = false;
	for (unsigned i = 0; i < 512; i++)
		h_st64(&H, 0x50000 + 8 * i, SEGMENT_I);
	for (unsigned i = 0; i < 256; i++)
		h_st64(&H, 0x51000 + 8 * i, PAGE_I);
	h_st64(&H, 0x50000, 0x51000);
	h_st64(&H, 0x51000 + 8 * 0x40, 0x30000);
	h_st64(&H, 0x51000 + 8 * 0x41, 0x36000);
	h_st64(&H, 0x51000 + 8 * 0x43, 0x37000 | PAGE_P);
	struct kvm_run *run = H.vcpu->run;
	run->psw_mask = psw_mask;
	run->s.regs.crs[1] = 0x50000;
	run->s.regs.crs[7] = 0x50000;
	run->s.regs.prefix = 0;
	run->s390_sieic.ipa = 0xb234;	/* an S-format, 4-byte instruction */
}

#define DAT_PRIMARY	0x0400000180000000ULL
#define DAT_SECONDARY	0x0400800180000000ULL
#define REAL		0x0000000180000000ULL

int main(void)
{
	ksft_print_header();
	ksft_set_plan(7);
	h_init(&H);

	uint8_t buf[64], want[64];
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(0x80 + i);

	setup(DAT_PRIMARY);
	h_poke(&H, 0x30fe0, want, 32);
	h_poke(&H, 0x36000, want + 32, 32);
	int rc = s390_guest_rw(H.vcpu, 0x40fe0, 0, buf, 64, false);
	ksft_test_result(rc == 0 && !memcmp(buf, want, 64) && !H.cpu->pgm_pending,
			 "read across a page boundary into two discontiguous frames\n");

	setup(DAT_SECONDARY);
	rc = s390_guest_rw(H.vcpu, 0x41010, 0, want, 16, true);
	h_peek(&H, 0x36010, buf, 16);
	ksft_test_result(rc == 0 && !memcmp(buf, want, 16),
			 "write in the secondary space (CR7)\n");

	setup(DAT_PRIMARY);
	memset(buf, 0, sizeof(buf));
	h_poke(&H, 0x31ff0, buf, 16);
	rc = s390_guest_rw(H.vcpu, 0x41ff0, 0, want, 32, true);
	h_peek(&H, 0x36ff0, buf, 16);
	ksft_test_result(rc == -1 && H.cpu->pgm_pending &&
			 H.cpu->pgm_info.code == PGM_PAGE_TRANS &&
			 H.cpu->pgm_info.trans_exc_code == 0x42000 &&
			 buf[0] == 0 && buf[15] == 0,
			 "second page invalid: page translation, TEID 0x42000, nothing stored\n");

	setup(DAT_SECONDARY);
	rc = s390_guest_rw(H.vcpu, 0x43000, 0, want, 8, true);
	ksft_test_result(rc == -1 && H.cpu->pgm_info.code == PGM_PROTECTION &&
			 H.cpu->pgm_info.trans_exc_code == (0x43000 | TEID_DAT_PROT |
							    PSW_ASC_SECONDARY),
			 "store into a DAT-protected page: protection, TEID bit 61, space 10\n");

	setup(DAT_PRIMARY);
	rc = s390_guest_rw(H.vcpu, 0x43000, 0, buf, 8, false);
	bool fetch_ok = rc == 0 && !H.cpu->pgm_pending;
	rc = s390_guest_rw(H.vcpu, 0x40000000, 0, NULL, 8, false);
	ksft_test_result(fetch_ok && rc == -1 &&
			 H.cpu->pgm_info.code == PGM_SEGMENT_TRANS,
			 "fetch from a protected page works; an invalid segment: segment translation\n");

	setup(REAL);
	h_poke(&H, 0x40100, want, 8);
	rc = s390_guest_rw(H.vcpu, 0x40100, 0, buf, 8, false);
	ksft_test_result(rc == 0 && !memcmp(buf, want, 8),
			 "DAT off: the address is real\n");

	setup(REAL);
	rc = s390_guest_rw(H.vcpu, 1ULL << 30, 0, buf, 8, false);
	ksft_test_result(rc == -1 && H.cpu->pgm_info.code == PGM_ADDRESSING,
			 "outside storage: addressing exception\n");

	h_fini(&H);
	return ksft_finished();
}
