// SPDX-License-Identifier: MIT
/*
 * fdc: RECALIBRATE, SEEK and RELATIVE SEEK with their interrupt and SENSE
 * INTERRUPT STATUS, SENSE DRIVE STATUS (ST3), implied seek, READ ID, and
 * the disk-change line cleared by a step with a disk in.
 */
#include "fdc-harness.h"

int main(void)
{
	uint8_t r[7];

	ksft_print_header();
	ksft_set_plan(9);
	h_setup(NULL, false);
	h_reset();
	CMD(0x03, 0xaf, 0x02);

	outb(DOR, 0x1c);		/* drive 0, motor on */
	ksft_test_result(inb(DIR) & 0x80, "disk-change line set after power-on\n");
	ksft_test_result(CMD(0x07, 0x00) && inb(MSR) == MSR_RQM && irq6() &&
			 CMD(0x08) && h_result(r, 2) == 2 && r[0] == 0x20 && r[1] == 0 &&
			 !irq6(),
			 "RECALIBRATE: IRQ, SENSE INTERRUPT ST0 0x20 PCN 0, IRQ low\n");
	ksft_test_result(inb(DIR) & 0x80, "no step from track 0: disk-change stays\n");
	ksft_test_result(h_seek(0, 1, 40) && !(inb(DIR) & 0x80),
			 "SEEK to 40 head 1: ST0 0x24 PCN 40; the step clears disk-change\n");
	ksft_test_result(CMD(0xcf, 0x00, 10) && irq6() && CMD(0x08) &&
			 h_result(r, 2) == 2 && r[1] == 50 &&
			 CMD(0x8f, 0x00, 60) && CMD(0x08) && h_result(r, 2) == 2 &&
			 r[1] == 0,
			 "RELATIVE SEEK +10 -> 50, -60 -> 0 (stops at 0)\n");
	ksft_test_result(CMD(0x04, 0x05) && h_result(r, 1) == 1 && r[0] == 0x3d &&
			 CMD(0x04, 0x00) && h_result(r, 1) == 1 && r[0] == 0x38,
			 "SENSE DRIVE STATUS: ST3 RDY|TS|T0 with HD and DS\n");
	h_seek(0, 0, 3);
	ksft_test_result(CMD(0x4a, 0x00) && irq6() && h_result(r, 7) == 7 &&
			 r[0] == 0 && r[3] == 3 && r[6] == 2 && r[5] >= 1 && r[5] <= SPT,
			 "READ ID: C 3, a sector number, N 2, with an interrupt\n");
	CMD(0x13, 0x00, 0x40 | 0x20, 0x00);	/* implied seek on */
	h_dma(DMA_BUF, 512, true);
	ksft_test_result(CMD(0x46, 0x00, 9, 0, 1, 2, SPT, 0x1b, 0xff) &&
			 h_result(r, 7) == 7 && r[0] == 0 &&
			 CMD(0x0e) && h_result(r, 7) == -1,
			 "implied seek: READ at C 9 while the head is at 3 succeeds\n");
	h_reset();
	CMD(0x0e);
	uint8_t d[10];
	ksft_test_result(h_result(d, 10) == 10 && d[0] == 9,
			 "DUMPREG PCN0 is 9 after the implied seek\n");
	h_teardown();
	return ksft_finished();
}
