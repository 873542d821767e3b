// SPDX-License-Identifier: MIT
/*
 * fdc: power-on state, reset through DOR (held and released) and DSR, the
 * reset interrupt and its four polling statuses, IRQ 6 gated by DOR bit 3.
 */
#include "fdc-harness.h"

int main(void)
{
	uint8_t r[4];

	ksft_print_header();
	ksft_set_plan(9);
	h_setup(NULL, false);

	ksft_test_result(inb(MSR) == MSR_RQM && inb(DOR) == 0x0c && !irq6() &&
			 inb(0x3f6) == 0xff,
			 "power-on: MSR RQM, DOR 0x0c, IRQ low, port 0x3f6 floats\n");
	outb(DOR, 0x08);
	ksft_test_result(inb(MSR) == 0x00 && !irq6() &&
			 fdc_phase(H.vm->floppy->fdc) == FDC_PHASE_COMMAND,
			 "DOR RESET# low holds the controller: MSR 0, IRQ low\n");
	outb(FIFO, 0x10);
	ksft_test_result(inb(MSR) == 0x00, "FIFO writes ignored while in reset\n");
	outb(DOR, 0x0c);
	ksft_test_result(inb(MSR) == MSR_RQM && irq6() && (inb(SRA) & 0x80),
			 "leaving reset: RQM, IRQ 6 raised, SRA INT PENDING\n");
	bool ok = true;
	for (unsigned int i = 0; i < 4; i++) {
		ok = ok && CMD(0x08) && h_result(r, 2) == 2 && r[0] == (0xc0 | i) &&
		     r[1] == 0;
		if (i < 3)
			ok = ok && irq6();
	}
	ksft_test_result(ok && !irq6(),
			 "four SENSE INTERRUPT STATUS: ST0 0xc0-0xc3, PCN 0; IRQ low after\n");
	ksft_test_result(CMD(0x08) && h_result(r, 2) == 1 && r[0] == 0x80,
			 "a fifth SENSE INTERRUPT STATUS is invalid (ST0 0x80)\n");
	ksft_test_result(h_reset(), "DSR software reset: IRQ, four polling statuses\n");
	outb(DOR, 0x04);		/* DMA gate closed */
	outb(DSR, 0x80);
	ok = !irq6() && (inb(SRA) & 0x80);
	outb(DOR, 0x0c);
	ksft_test_result(ok && irq6(),
			 "DOR DMA gate off masks IRQ 6, SRA still shows INT\n");
	for (unsigned int i = 0; i < 4; i++)
		CMD(0x08), h_result(r, 2);
	ksft_test_result(inb(DSR) == MSR_RQM && (inb(SRB) & 0xc0) == 0xc0 &&
			 (outb(TDR, 0x03), inb(TDR) == 0x03),
			 "MSR after reset; SRB ones in bits 7-6; TDR keeps bits 1-0\n");
	h_teardown();
	return ksft_finished();
}
