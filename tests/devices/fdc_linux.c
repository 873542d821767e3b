// SPDX-License-Identifier: MIT
/*
 * fdc: what Linux drivers/block/floppy.c relies on: get_fdc_version()'s
 * probe (DUMPREG -> 10 bytes, CONFIGURE accepted, PERPENDICULAR MODE
 * wanting a parameter, UNLOCK -> 0x00, PARTID -> 82078), the reset
 * interrupt drained by up to four SENSE INTERRUPT STATUS while ST0 has
 * IC 11, output_byte()/result() MSR handshakes, and the interrupt at the
 * end of a READ.
 */
#include "fdc-harness.h"

int main(void)
{
	uint8_t r[10];
	int n;

	ksft_print_header();
	ksft_set_plan(6);
	h_setup(NULL, false);

	outb(DSR, 0x80);	/* reset_fdc() on an 82072A or later */
	unsigned int sensei = 0;
	bool irq = irq6();
	do {
		CMD(0x08);
		n = h_result(r, 2);
		sensei++;
	} while (n == 2 && (r[0] & 0xc0) == 0xc0 && sensei < 4);
	ksft_test_result(irq && sensei == 4 && !irq6(),
			 "reset interrupt: floppy_interrupt() drains four statuses\n");
	ksft_test_result(CMD(0x0e) && h_result(r, 10) == 10,
			 "DUMPREG answers 10 bytes (82072 or later)\n");
	ksft_test_result(CMD(0x13, 0, 0x1a, 0) && inb(MSR) == MSR_RQM,
			 "fdc_configure(): CONFIGURE taken, no result\n");
	outb(FIFO, 0x12);
	ksft_test_result((inb(MSR) & (MSR_RQM | MSR_DIO | MSR_NDMA)) == MSR_RQM &&
			 (outb(FIFO, 0), inb(MSR) == MSR_RQM),
			 "PERPENDICULAR MODE: need_more_output() sees MORE_OUTPUT\n");
	ksft_test_result(CMD(0x14) && h_result(r, 1) == 1 && r[0] == 0x00 &&
			 CMD(0x18) && h_result(r, 1) == 1 && (r[0] >> 5) == 0,
			 "UNLOCK -> 0x00, PARTID >> 5 == 0: an 82078\n");
	CMD(0x03, 0xcf, 0x06);
	outb(DOR, 0x1c);
	h_seek(0, 0, 1);
	h_dma(DMA_BUF, 512, true);
	CMD(0x46, 0x00, 1, 0, 1, 2, 1, 0x1b, 0xff);
	bool up = irq6();
	n = h_result(r, 7);
	ksft_test_result(up && n == 7 && r[0] == 0x00 && !irq6(),
			 "READ: interrupt with the result phase, ST0 0 with TC at EOT\n");
	h_teardown();
	return ksft_finished();
}
