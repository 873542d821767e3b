// SPDX-License-Identifier: MIT
/*
 * fdc: commands aborted by reset in each phase (half-sent command, DMA
 * execution waiting on a masked channel, half-read result), through DSR
 * and through DOR; afterwards DRQ is down and the next command works.
 */
#include "fdc-harness.h"

static bool works_after(void)
{
	uint8_t r[7];

	return inb(MSR) == MSR_RQM && h_reset() && !(inb(0x08) & 0x40) &&
	       CMD(0x10) && h_result(r, 1) == 1 && r[0] == 0x90;
}

int main(void)
{
	uint8_t r[7];

	ksft_print_header();
	ksft_set_plan(5);
	h_setup(NULL, false);
	h_reset();
	CMD(0x03, 0xaf, 0x02);

	CMD(0x46, 0x00, 0, 0);
	outb(DSR, 0x80);
	ksft_test_result(works_after(), "DSR reset in the command phase\n");
	h_dma(DMA_BUF, 512, true);
	outb(0x0a, 0x06);
	CMD(0x46, 0x00, 0, 0, 1, 2, SPT, 0x1b, 0xff);
	bool exec = fdc_phase(H.vm->floppy->fdc) == FDC_PHASE_EXECUTION;
	outb(DSR, 0x80);
	outb(0x0a, 0x02);	/* unmasking must not resume anything */
	ksft_test_result(exec && works_after(), "DSR reset in a waiting DMA execution\n");
	CMD(0x0e);
	inb(FIFO), inb(FIFO);
	outb(DOR, 0x08);
	outb(DOR, 0x0c);
	ksft_test_result(works_after(), "DOR reset in the result phase\n");
	CMD(0x03, 0xaf, 0x03);
	CMD(0x45, 0x00, 0, 0, 1, 2, SPT, 0x1b, 0xff);
	outb(FIFO, 1), outb(FIFO, 2);
	uint8_t sec[512];
	outb(DOR, 0x08);
	outb(DOR, 0x0c);
	ksft_test_result(works_after() && h_file_sector(H.img[0], 0, sec) &&
			 h_is_pattern(sec, 0, 1),
			 "DOR reset in a non-DMA WRITE: the sector is not written\n");
	CMD(0x0f, 0x00, 5);
	outb(DSR, 0x80);
	bool ok = irq6();
	for (unsigned int i = 0; i < 4; i++)
		ok = ok && CMD(0x08) && h_result(r, 2) == 2 && (r[0] & 0xc0) == 0xc0;
	ksft_test_result(ok && CMD(0x08) && h_result(r, 2) == 1 && r[0] == 0x80,
			 "a seek status pending at reset is dropped\n");
	h_teardown();
	return ksft_finished();
}
