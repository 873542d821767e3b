// SPDX-License-Identifier: MIT
/*
 * fdc: non-DMA (SPECIFY ND=1) transfers through the FIFO: MSR NON DMA
 * with RQM/DIO per byte, the execution-phase interrupt, READ ending at
 * EOT with ST1 EN (what Linux's pseudo-DMA expects), WRITE into the
 * image file, READ TRACK.
 */
#include "fdc-harness.h"

static uint8_t buf[SPT * 512];

/* Read bytes while MSR says RQM|DIO|NON DMA; returns the count. */
static unsigned int pio_in(uint8_t *b, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && (inb(MSR) & 0xf0) == (MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB))
		b[n++] = inb(FIFO);
	return n;
}

static unsigned int pio_out(const uint8_t *b, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && (inb(MSR) & 0xf0) == (MSR_RQM | MSR_NDMA | MSR_CB))
		outb(FIFO, b[n++]);
	return n;
}

int main(void)
{
	uint8_t res[7], sec[512];
	bool irq_at_start;
	unsigned int n;

	ksft_print_header();
	ksft_set_plan(6);
	h_setup(NULL, false);
	h_reset();
	CMD(0x03, 0xaf, 0x03);		/* SPECIFY ND=1 */
	h_seek(0, 0, 2);

	CMD(0x46, 0x00, 2, 0, 17, 2, 18, 0x1b, 0xff);
	irq_at_start = irq6();
	ksft_test_result(irq_at_start && inb(MSR) == 0xf0 &&
			 fdc_phase(H.vm->floppy->fdc) == FDC_PHASE_EXECUTION,
			 "non-DMA READ: execution phase MSR 0xf0, IRQ asks for data\n");
	n = pio_in(buf, sizeof(buf));
	int rn = h_result(res, 7);
	ksft_test_result(n == 1024 && h_is_pattern(buf, h_lba(2, 0, 17), 2) &&
			 rn == 7 && res[0] == 0x40 && res[1] == 0x80 && res[3] == 3 &&
			 res[5] == 1,
			 "sectors 17-18 read through the FIFO, then EOT: ST0 0x40 ST1 EN\n");
	ksft_test_result(!irq6(), "IRQ cleared by the first result byte\n");

	for (unsigned int i = 0; i < 512; i++)
		buf[i] = (uint8_t)(i * 3 + 1);
	CMD(0x45, 0x00, 2, 0, 5, 2, 5, 0x1b, 0xff);
	bool w_irq = irq6() && inb(MSR) == (MSR_RQM | MSR_NDMA | MSR_CB);
	n = pio_out(buf, 512);
	rn = h_result(res, 7);
	ksft_test_result(w_irq && n == 512 && rn == 7 && res[1] == 0x80 &&
			 h_file_sector(H.img[0], h_lba(2, 0, 5), sec) &&
			 !memcmp(sec, buf, 512),
			 "non-DMA WRITE of sector 5 (EOT 5) lands in the image\n");

	CMD(0x42, 0x04, 2, 1, 9, 2, SPT, 0x1b, 0xff);	/* READ TRACK, head 1 */
	n = pio_in(buf, sizeof(buf));
	rn = h_result(res, 7);
	ksft_test_result(n == SPT * 512 && h_is_pattern(buf, h_lba(2, 1, 1), SPT) &&
			 rn == 7 && (res[0] & 0x07) == 0x04,
			 "READ TRACK reads head 1 from sector 1 to EOT\n");

	CMD(0x46, 0x00, 2, 0, 1, 2, SPT, 0x1b, 0xff);
	n = pio_in(buf, 100);
	outb(DSR, 0x80);		/* abandon it */
	ksft_test_result(n == 100 && inb(MSR) == MSR_RQM && h_reset(),
			 "a reset in the middle of a non-DMA READ: back to idle\n");
	h_teardown();
	return ksft_finished();
}
