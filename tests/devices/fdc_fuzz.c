// SPDX-License-Identifier: MIT
/*
 * fdc: bounded random fuzzing (fixed seeds, so failures reproduce).
 * Random bytes into the FIFO in every phase, random accesses of every
 * size to the controller's and the DMA controller's ports; after each
 * access the controller must be in a defined state (a phase, an MSR that
 * goes with it, the FIFO index inside its buffer) and at the end a reset
 * must bring back a working controller.  VENOM (CVE-2015-3456) was a FIFO
 * index running past its buffer: ASan builds catch any overrun here.
 */
#include "fdc-harness.h"

static uint32_t rng = 1;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static bool defined(void)
{
	struct fdc *f = H.vm->floppy->fdc;
	enum fdc_phase p = fdc_phase(f);
	uint8_t m = fdc_msr(f);

	if (p < FDC_PHASE_COMMAND || p > FDC_PHASE_RESULT)
		return false;
	if (m == 0)		/* held in reset */
		return p == FDC_PHASE_COMMAND && !(inb(DOR) & 0x04);
	return fdc_reconstruct_phase(m) == p;
}

int main(void)
{
	static const uint16_t ports[] = { 0x3f0, 0x3f1, 0x3f2, 0x3f3, 0x3f4, 0x3f5,
		0x3f5, 0x3f5, 0x3f5, 0x3f5, 0x3f7, 0x04, 0x05, 0x08, 0x0a, 0x0b, 0x0c,
		0x81 };
	unsigned int bad = 0, ops = 0;
	uint8_t r[2];

	ksft_print_header();
	ksft_set_plan(3);
	h_setup(NULL, false);
	h_reset();
	for (uint32_t seed = 1; seed <= 4; seed++) {
		rng = seed * 2654435761u;
		for (unsigned int i = 0; i < 3000; i++, ops++) {
			uint32_t x = rnd();
			uint16_t port = ports[x % (sizeof(ports) / sizeof(ports[0]))];
			unsigned int size = 1u << ((x >> 8) % 3);
			uint32_t val = rnd();

			if (port == 0x3f2 && !(val & 0x04) && (x & 0x100))
				val |= 0x04;	/* mostly out of reset */
			if ((x >> 12) & 1) {
				if (size == 1)
					outb(port, (uint8_t)val);
				else
					free(qtest_cmd(H.q, "out%c 0x%x 0x%x",
						       size == 2 ? 'w' : 'l', port,
						       size == 2 ? val & 0xffff : val));
			} else {
				free(qtest_cmd(H.q, "in%c 0x%x", size == 1 ? 'b' :
					       size == 2 ? 'w' : 'l', port));
			}
			if (!defined())
				bad++;
		}
	}
	ksft_test_result(bad == 0, "%u random accesses, state defined after each\n", ops);
	outb(DOR, 0x0c);
	outb(0x0d, 0);		/* DMA master clear */
	ksft_test_result(h_reset() && CMD(0x10) && h_result(r, 1) == 1 && r[0] == 0x90,
			 "after the fuzzing a reset gives a working controller\n");
	/* FIFO-only fuzz: random command streams, the result drained. */
	bad = 0;
	rng = 99;
	for (unsigned int i = 0; i < 20000; i++) {
		outb(FIFO, (uint8_t)rnd());
		if (rnd() % 4 == 0)
			inb(FIFO);
		if (!defined())
			bad++;
	}
	ksft_test_result(bad == 0 && h_reset(), "20000 random FIFO bytes\n");
	h_teardown();
	return ksft_finished();
}
