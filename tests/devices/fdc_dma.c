// SPDX-License-Identifier: MIT
/*
 * fdc: READ DATA and WRITE DATA through the 8237 (channel 2, page
 * register, 24-bit address): single sectors, a whole track, multi-track
 * across both heads, terminal count inside a track, reading past EOT
 * (end of cylinder), sector not found, a masked channel that keeps the
 * controller in the execution phase until it is unmasked, and writes
 * landing in the image file.
 */
#include "fdc-harness.h"

static uint8_t buf[2 * SPT * 512];

/* READ DATA (MT if mt) of C/H/R..EOT with DMA set up for nsec sectors. */
static int read_dma(bool mt, uint8_t c, uint8_t h, uint8_t r, uint8_t eot,
		    unsigned int nsec, uint8_t *res)
{
	h_dma(DMA_BUF, nsec * 512, true);
	if (!CMD((uint8_t)(0x46 | (mt ? 0x80 : 0)), (uint8_t)(h << 2), c, h, r, 2,
		 eot, 0x1b, 0xff))
		return -1;
	if (!irq6())
		return -2;
	return h_result(res, 7);
}

int main(void)
{
	uint8_t res[7], sec[512];
	int n;

	ksft_print_header();
	ksft_set_plan(9);
	h_setup(NULL, false);
	h_reset();
	CMD(0x03, 0xaf, 0x02);		/* SPECIFY, DMA mode */

	n = read_dma(false, 0, 0, 1, SPT, 1, res);
	ksft_test_result(n == 7 && res[0] == 0x00 && res[1] == 0 && res[2] == 0 &&
			 res[3] == 0 && res[4] == 0 && res[5] == 2 && res[6] == 2 &&
			 !irq6() && h_mem_read(DMA_BUF, buf, 512) &&
			 h_is_pattern(buf, 0, 1),
			 "READ DATA C0 H0 R1 by DMA: data, TC -> ST0 0, next R 2, IRQ cleared\n");

	h_seek(0, 1, 5);
	n = read_dma(false, 5, 1, 1, SPT, SPT, res);
	ksft_test_result(n == 7 && res[0] == 0x04 && res[1] == 0 && res[3] == 6 &&
			 res[4] == 1 && res[5] == 1 && h_mem_read(DMA_BUF, buf, SPT * 512) &&
			 h_is_pattern(buf, h_lba(5, 1, 1), SPT),
			 "whole track C5 H1: TC at EOT -> C 6, R 1\n");

	n = read_dma(true, 5, 0, 10, SPT, 2 * SPT - 9, res);
	ksft_test_result(n == 7 && res[0] == 0x04 && res[3] == 6 && res[4] == 0 &&
			 res[5] == 1 && h_mem_read(DMA_BUF, buf, (2 * SPT - 9) * 512) &&
			 h_is_pattern(buf, h_lba(5, 0, 10), 2 * SPT - 9),
			 "multi-track from H0 R10 through H1 EOT: ST0 head 1, C 6 H 0 R 1\n");

	n = read_dma(false, 5, 0, 3, SPT, 4, res);
	ksft_test_result(n == 7 && res[0] == 0 && res[3] == 5 && res[5] == 7,
			 "TC after 4 sectors ends normally with R 7\n");

	n = read_dma(false, 5, 0, 17, SPT, 4, res);
	ksft_test_result(n == 7 && res[0] == 0x40 && res[1] == 0x80 && res[3] == 6 &&
			 res[5] == 1,
			 "past EOT without TC: abnormal, ST1 EN (end of cylinder)\n");

	n = read_dma(false, 5, 0, 19, SPT, 1, res);
	int n2 = read_dma(false, 4, 0, 1, SPT, 1, res + 0);
	ksft_test_result(n == 7 && n2 == 7 && res[0] == 0x40 && res[1] == 0x04 &&
			 res[2] == 0x10,
			 "sector 19 and wrong cylinder: ST1 ND (+ ST2 WC)\n");

	/* WRITE DATA C5 H0 R2-3 from storage. */
	for (unsigned int i = 0; i < 1024; i++)
		buf[i] = (uint8_t)(0xa5 ^ i);
	h_mem_write(DMA_BUF + 0x20000, buf, 1024);	/* page 3: 24-bit address */
	h_dma(DMA_BUF + 0x20000, 1024, false);
	n = CMD(0x45, 0x00, 5, 0, 2, 2, SPT, 0x1b, 0xff) ? h_result(res, 7) : -1;
	bool f1 = h_file_sector(H.img[0], h_lba(5, 0, 2), sec) && !memcmp(sec, buf, 512);
	bool f2 = h_file_sector(H.img[0], h_lba(5, 0, 3), sec) && !memcmp(sec, buf + 512, 512);
	ksft_test_result(n == 7 && res[0] == 0 && res[5] == 4 && f1 && f2,
			 "WRITE DATA by DMA from page 3: both sectors in the image file\n");

	/* A masked channel: the controller waits in the execution phase. */
	h_dma(DMA_BUF, 512, true);
	outb(0x0a, 0x06);		/* mask it again */
	CMD(0x46, 0x00, 5, 0, 2, 2, SPT, 0x1b, 0xff);
	bool waiting = inb(MSR) == MSR_CB && !irq6() &&
		       fdc_phase(H.vm->floppy->fdc) == FDC_PHASE_EXECUTION &&
		       (inb(0x08) & 0x40);
	outb(0x0a, 0x02);		/* unmask: the transfer runs */
	n = h_result(res, 7);
	ksft_test_result(waiting && n == 7 && res[0] == 0 &&
			 h_mem_read(DMA_BUF, sec, 512) && !memcmp(sec, buf, 512),
			 "masked channel: execution phase with DRQ; unmasking completes it\n");
	ksft_test_result((inb(0x08) & 0x04) && !(inb(0x08) & 0x04),
			 "8237 status: TC of channel 2, cleared by the read\n");
	h_teardown();
	return ksft_finished();
}
