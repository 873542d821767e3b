/* SPDX-License-Identifier: MIT */
/*
 * A floppy command stopped in one 82078 phase across a save/restore
 * (tests/migrate/guest/continuity.c runs it; MIGFLOPPY_PHASE picks the
 * phase, one image per phase):
 *
 *   1 command    READ DATA by ISA DMA, C 10 H 0 R 1-2: 4 of the 9
 *                command bytes sent (8237 channel 2 already programmed);
 *   2 execution  non-DMA WRITE DATA, C 30 H 0 R 1-2: the command sent,
 *                256 of the 1024 data bytes through the FIFO (no sector
 *                complete, so nothing reached the image yet);
 *   3 result     non-DMA READ DATA, C 10 H 1 R 5-6: the data read, 3 of
 *                the 7 result bytes read.
 *
 * The guest stops there (migguest.h), the runner saves, and after "go"
 * the guest goes on with the same driver code as if nothing happened:
 * the rest of the command, the result phase, the data checked (phase 2
 * reads the sectors back), then one more command from scratch.  The
 * runner gives both processes the image of floppy-pattern.h and checks
 * it afterwards (phase 2: C 30 H 0 R 1-2 hold flp_written_byte()).
 * Run with: -drive file=IMG,if=floppy,format=raw
 */
#include "lib/guest.h"
#include "lib/fdc.h"
#include "lib/tap.h"
#include "floppy-pattern.h"
#include "migguest.h"

#ifndef MIGFLOPPY_PHASE
#define MIGFLOPPY_PHASE 1
#endif

#define IRQ_WAIT_US	(MIGGUEST_WAIT_S * 1000000ULL)

static uint8_t dma_buf[2 * FLP_SECTOR] __attribute__((aligned(4096), unused));
static uint8_t pio_buf[2 * FLP_SECTOR];
static int irq_seen;

static bool wait_irq(void)
{
	return pio_wait_irq(FDC_IRQ, &irq_seen, IRQ_WAIT_US);
}

/* Reset through DOR, four SENSE INTERRUPTs, SPECIFY, motor on, SEEK c. */
static bool setup(uint8_t spec2, int c)
{
	uint8_t st0, pcn;
	bool ok;

	pio_enable(1u << FDC_IRQ);
	outb(FDC_DOR, 0);
	outb(FDC_DOR, DOR_NRESET | DOR_DMA_GATE);
	ok = wait_irq();
	for (int i = 0; i < 4; i++)
		ok = ok && fdc_sense_interrupt(&st0, &pcn);
	ok = ok && fdc_cmd((const uint8_t[]){ CMD_SPECIFY, SPEC1, spec2 }, 3);
	outb(FDC_DOR, DOR_MOTOR0 | DOR_NRESET | DOR_DMA_GATE);
	ok = ok && fdc_cmd((const uint8_t[]){ CMD_SEEK, 0, (uint8_t)c }, 3) &&
	     wait_irq() && fdc_sense_interrupt(&st0, &pcn) && st0 == ST0_SE &&
	     pcn == c;
	return ok;
}

static bool is_image(const uint8_t *buf, uint32_t lba, int n)
{
	for (int s = 0; s < n; s++)
		for (uint32_t i = 0; i < FLP_SECTOR; i++)
			if (buf[s * FLP_SECTOR + i] != flp_image_byte(lba + (uint32_t)s, i)) {
				tap_diag("LBA %u byte %u: 0x%02x", lba + (uint32_t)s,
					 i, buf[s * FLP_SECTOR + i]);
				return false;
			}
	return true;
}

static __attribute__((unused)) bool is_written(const uint8_t *buf, uint32_t lba, int n)
{
	for (int s = 0; s < n; s++)
		for (uint32_t i = 0; i < FLP_SECTOR; i++)
			if (buf[s * FLP_SECTOR + i] != flp_written_byte(lba + (uint32_t)s, i))
				return false;
	return true;
}

static bool result_is(const uint8_t *b, uint8_t st0, uint8_t st1, uint8_t c,
		      uint8_t h, uint8_t r)
{
	if (b[0] == st0 && b[1] == st1 && b[2] == 0 && b[3] == c && b[4] == h &&
	    b[5] == r && b[6] == 2)
		return true;
	tap_diag("result %02x %02x %02x C %u H %u R %u N %u, want %02x %02x 00 "
		 "C %u H %u R %u N 2", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
		 st0, st1, c, h, r);
	return false;
}

/* READ/WRITE DATA command bytes: cmd, head/drive, C, H, R, N, EOT, GPL, DTL. */
static void rw_bytes(uint8_t *b, uint8_t cmd, uint8_t c, uint8_t h, uint8_t r,
		     uint8_t eot)
{
	const uint8_t v[9] = { cmd, (uint8_t)(h << 2), c, h, r, 2, eot, GPL, 0xff };

	memcpy(b, v, 9);
}

#if MIGFLOPPY_PHASE == 1
#define NAME "migfloppy-command"
static bool stopped_command(void)
{
	uint8_t cmd[9], res[7] = { 0 };

	if (!setup(SPEC2_DMA, 10))
		return false;
	memset(dma_buf, 0, sizeof(dma_buf));
	fdc_dma_setup(dma_buf, sizeof(dma_buf), true);
	rw_bytes(cmd, CMD_MFM | CMD_READ, 10, 0, 1, FLP_SPT);
	if (!fdc_cmd(cmd, 4) || migguest_stop_here(NAME) == 0)
		return false;
	bool ok = fdc_cmd(cmd + 4, 5) && wait_irq() && fdc_result(res, 7) == 7;
	tap_ok(ok && result_is(res, 0, 0, 10, 0, 3),
	       "READ DATA stopped after 4 command bytes: the rest, the DMA "
	       "transfer and the result phase (ST0 0, next R 3)");
	tap_ok(ok && is_image(dma_buf, FLP_LBA(10, 0, 1), 2),
	       "the DMA buffer holds LBAs %u-%u", FLP_LBA(10, 0, 1),
	       FLP_LBA(10, 0, 1) + 1);
	/* Non-DMA from here on: the next command from scratch. */
	return fdc_cmd((const uint8_t[]){ CMD_SPECIFY, SPEC1, SPEC2_NON_DMA }, 3);
}
#elif MIGFLOPPY_PHASE == 2
#define NAME "migfloppy-execution"
static bool stopped_command(void)
{
	uint8_t cmd[9], res[7] = { 0 };
	uint32_t lba = FLP_LBA(30, 0, 1);

	if (!setup(SPEC2_NON_DMA, 30))
		return false;
	for (uint32_t i = 0; i < sizeof(pio_buf); i++)
		pio_buf[i] = flp_written_byte(lba + i / FLP_SECTOR, i % FLP_SECTOR);
	rw_bytes(cmd, CMD_MFM | CMD_WRITE, 30, 0, 1, 2);
	if (!fdc_cmd(cmd, 9) || !wait_irq() || fdc_pio_transfer(pio_buf, 256, false) != 256 ||
	    migguest_stop_here(NAME) == 0)
		return false;
	int n = fdc_pio_transfer(pio_buf + 256, (int)sizeof(pio_buf) - 256, false);
	bool ok = n == (int)sizeof(pio_buf) - 256 && wait_irq() && fdc_result(res, 7) == 7;
	tap_ok(ok && result_is(res, ST0_AT, ST1_EN, 31, 0, 1),
	       "WRITE DATA stopped after 256 of 1024 FIFO bytes: %d more, the "
	       "result phase (ends at EOT)", n);
	/* Read the two sectors back. */
	memset(pio_buf, 0, sizeof(pio_buf));
	rw_bytes(cmd, CMD_MFM | CMD_READ, 30, 0, 1, 2);
	ok = fdc_cmd(cmd, 9) && wait_irq() &&
	     fdc_pio_transfer(pio_buf, sizeof(pio_buf), true) == (int)sizeof(pio_buf) &&
	     wait_irq() && fdc_result(res, 7) == 7;
	tap_ok(ok && is_written(pio_buf, lba, 2),
	       "read back: LBAs %u-%u hold what was written", lba, lba + 1);
	return true;
}
#else
#define NAME "migfloppy-result"
static bool stopped_command(void)
{
	uint8_t cmd[9], res[7] = { 0 };

	if (!setup(SPEC2_NON_DMA, 10))
		return false;
	memset(pio_buf, 0, sizeof(pio_buf));
	rw_bytes(cmd, CMD_MFM | CMD_READ, 10, 1, 5, 6);
	if (!fdc_cmd(cmd, 9) || !wait_irq() ||
	    fdc_pio_transfer(pio_buf, sizeof(pio_buf), true) != (int)sizeof(pio_buf) ||
	    !wait_irq() || fdc_result(res, 3) != 3 || migguest_stop_here(NAME) == 0)
		return false;
	bool ok = fdc_result(res + 3, 4) == 4;
	tap_ok(ok && result_is(res, ST0_AT | ST0_HD, ST1_EN, 11, 1, 1),
	       "READ DATA stopped after 3 of 7 result bytes: the other 4 (ST0 "
	       "0x%02x ST1 0x%02x C %u H %u R %u)", res[0], res[1], res[3],
	       res[4], res[5]);
	tap_ok(is_image(pio_buf, FLP_LBA(10, 1, 5), 2), "the FIFO data: LBAs %u-%u",
	       FLP_LBA(10, 1, 5), FLP_LBA(10, 1, 5) + 1);
	return true;
}
#endif

int main(void)
{
	uint8_t cmd[9], res[7] = { 0 };

	sclp_init();
	pio_irq_init();
	if (!stopped_command()) {
		printf("not ok 1 " NAME ": set-up or the stopped command\n1..1\n");
		return 1;
	}
	/* The controller goes on: a non-DMA READ DATA from scratch. */
	memset(pio_buf, 0, sizeof(pio_buf));
	rw_bytes(cmd, CMD_MFM | CMD_READ, 10, 0, 7, 7);
	uint8_t st0, pcn;
	bool ok = fdc_cmd((const uint8_t[]){ CMD_SEEK, 0, 10 }, 3) && wait_irq() &&
		  fdc_sense_interrupt(&st0, &pcn) && pcn == 10 &&
		  fdc_cmd(cmd, 9) && wait_irq() &&
		  fdc_pio_transfer(pio_buf, FLP_SECTOR, true) == FLP_SECTOR &&
		  wait_irq() && fdc_result(res, 7) == 7;
	tap_ok(ok && (res[0] & 0xc0) == ST0_AT && res[1] == ST1_EN &&
	       is_image(pio_buf, FLP_LBA(10, 0, 7), 1),
	       "the next command from scratch: non-DMA READ DATA of LBA %u",
	       FLP_LBA(10, 0, 7));
	outb(FDC_DOR, DOR_NRESET | DOR_DMA_GATE);
	pio_enable(0);
	printf(NAME " done\n");
	tap_plan(3);
	return tap_done();
}
