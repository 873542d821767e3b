// SPDX-License-Identifier: MIT
/*
 * fdc: the explicit phase against fdc_reconstruct_phase(MSR).  Every
 * command of the table is walked byte by byte through the command phase,
 * its execution phase (held open by a masked DMA channel, or in non-DMA
 * mode) and its result phase; after every port access the two are
 * compared and each disagreement is recorded (the migration code sends
 * the fdc/phase subsection exactly then).  The only one expected: DOR
 * holding the controller in reset (MSR 0 looks like DMA execution).
 */
#include "fdc-harness.h"

static unsigned int disagreements, checks;
static unsigned int seen[4];

static void check(const char *what)
{
	struct fdc *f = H.vm->floppy->fdc;
	enum fdc_phase p = fdc_phase(f);
	uint8_t msr = fdc_msr(f);

	checks++;
	if (p >= 1 && p <= 3)
		seen[p]++;
	if (fdc_reconstruct_phase(msr) != p || fdc_phase_needed(f)) {
		disagreements++;
		ksft_print_msg("disagree: %s: phase %d, MSR 0x%02x -> %d\n", what,
			       p, msr, fdc_reconstruct_phase(msr));
	}
}

struct walk {
	const char *name;
	uint8_t bytes[9];
	unsigned int n;
	bool data;		/* has a data execution phase */
};

static const struct walk walks[] = {
	{ "READ DATA", { 0x46, 0, 0, 0, 1, 2, 2, 0x1b, 0xff }, 9, true },
	{ "READ DELETED DATA", { 0x6c, 0, 0, 0, 1, 2, 2, 0x1b, 0xff }, 9, true },
	{ "WRITE DATA", { 0x45, 0, 0, 0, 1, 2, 2, 0x1b, 0xff }, 9, true },
	{ "WRITE DELETED DATA", { 0x49, 0, 0, 0, 1, 2, 2, 0x1b, 0xff }, 9, true },
	{ "READ TRACK", { 0x42, 0, 0, 0, 1, 2, 2, 0x1b, 0xff }, 9, true },
	{ "VERIFY", { 0x56, 0x80, 0, 0, 1, 2, 2, 0x1b, 2 }, 9, false },
	{ "READ ID", { 0x4a, 0 }, 2, false },
	{ "FORMAT TRACK", { 0x4d, 0, 2, 1, 0x54, 0xf6 }, 6, true },
	{ "RECALIBRATE", { 0x07, 0 }, 2, false },
	{ "SENSE INTERRUPT STATUS", { 0x08 }, 1, false },
	{ "SPECIFY", { 0x03, 0xaf, 0x02 }, 3, false },
	{ "SENSE DRIVE STATUS", { 0x04, 0 }, 2, false },
	{ "SEEK", { 0x0f, 0, 1 }, 3, false },
	{ "RELATIVE SEEK", { 0xcf, 0, 1 }, 3, false },
	{ "CONFIGURE", { 0x13, 0, 0x20, 0 }, 4, false },
	{ "VERSION", { 0x10 }, 1, false },
	{ "DUMPREG", { 0x0e }, 1, false },
	{ "LOCK", { 0x94 }, 1, false },
	{ "PERPENDICULAR MODE", { 0x12, 0 }, 2, false },
	{ "PART ID", { 0x18 }, 1, false },
	{ "INVALID", { 0x01 }, 1, false },
};

/* Walk one command; pio: non-DMA mode.  Returns the phases it went through. */
static unsigned int walk(const struct walk *w, bool pio)
{
	unsigned int phases = 0;
	uint8_t id[4] = { 0, 0, 1, 2 };

	h_reset();
	CMD(0x03, 0xaf, pio ? 0x03 : 0x02);
	check("after SPECIFY");
	if (!pio) {
		h_dma(DMA_BUF, 512, !(w->bytes[0] & 1));	/* odd: WRITE, FORMAT */
		if (w->bytes[0] == 0x4d)
			h_mem_write(DMA_BUF, id, 4);
		outb(0x0a, 0x06);	/* masked: execution waits */
	}
	for (unsigned int i = 0; i < w->n; i++) {
		outb(FIFO, w->bytes[i]);
		check(w->name);
		phases |= 1u << fdc_phase(H.vm->floppy->fdc);
	}
	for (unsigned int guard = 0; guard < 2048; guard++) {
		enum fdc_phase p = fdc_phase(H.vm->floppy->fdc);
		uint8_t m = inb(MSR);

		check(w->name);
		phases |= 1u << p;
		if (p == FDC_PHASE_COMMAND && !(m & MSR_CB))
			break;
		if (p == FDC_PHASE_EXECUTION && !pio) {
			outb(0x0a, 0x02);	/* unmask: the transfer runs */
		} else if (m & MSR_DIO) {
			inb(FIFO);
		} else if (m & MSR_RQM) {
			outb(FIFO, w->bytes[0] == 0x4d ? id[guard % 4] : 0x5a);
		}
		check(w->name);
	}
	return phases;
}

int main(void)
{
	bool all_dma = true, all_pio = true;

	ksft_print_header();
	ksft_set_plan(5);
	h_setup(NULL, false);
	h_reset();
	for (size_t i = 0; i < sizeof(walks) / sizeof(walks[0]); i++) {
		unsigned int ph = walk(&walks[i], false);
		bool want_exec = walks[i].data;

		if (want_exec && !(ph & (1u << FDC_PHASE_EXECUTION)))
			all_dma = false;
		ph = walk(&walks[i], true);
		if (want_exec && !(ph & (1u << FDC_PHASE_EXECUTION)))
			all_pio = false;
	}
	ksft_test_result(all_dma && all_pio && seen[1] && seen[2] && seen[3],
			 "every command walked; data commands reach execution (DMA and non-DMA)\n");
	ksft_test_result(disagreements == 0,
			 "phase == reconstruct_phase(MSR) in all %u checks of the walks\n",
			 checks);
	unsigned int before = disagreements;
	outb(DOR, 0x08);
	check("DOR RESET# low");
	bool held = disagreements == before + 1 && fdc_phase_needed(H.vm->floppy->fdc);
	outb(DOR, 0x0c);
	check("reset released");
	ksft_test_result(held && disagreements == before + 1,
			 "recorded: DOR reset held -> phase COMMAND, MSR 0 reconstructs EXECUTION\n");
	ksft_test_result(fdc_reconstruct_phase(0x80) == FDC_PHASE_COMMAND &&
			 fdc_reconstruct_phase(0x90) == FDC_PHASE_COMMAND &&
			 fdc_reconstruct_phase(0xd0) == FDC_PHASE_RESULT &&
			 fdc_reconstruct_phase(0x10) == FDC_PHASE_EXECUTION &&
			 fdc_reconstruct_phase(0xb0) == FDC_PHASE_EXECUTION &&
			 fdc_reconstruct_phase(0xf0) == FDC_PHASE_EXECUTION &&
			 fdc_reconstruct_phase(0x00) == FDC_PHASE_EXECUTION,
			 "reconstruct_phase is the frozen MSR mapping\n");
	ksft_test_result(FDC_PHASE_COMMAND == 1 && FDC_PHASE_EXECUTION == 2 &&
			 FDC_PHASE_RESULT == 3, "phase values (migration ABI)\n");
	h_teardown();
	return ksft_finished();
}
