/* SPDX-License-Identifier: MIT */
/*
 * The floppy from the guest, driven the way a PC driver (Linux
 * drivers/block/floppy.c) drives an Intel 82078 through the port-I/O
 * bridge (lib/pio.c, DIAG 0x0F10): reset through DOR and four SENSE
 * INTERRUPT STATUS, SPECIFY, RECALIBRATE and SEEK each ended by SENSE
 * INTERRUPT, READ DATA by ISA DMA (8237 channel 2 programmed like
 * Linux's fd_dma_setup(): mask, clear flip-flop, mode, address, page,
 * count, unmask) and by non-DMA transfers through the FIFO, a
 * multi-track multi-sector read, WRITE DATA both ways, READ ID and a
 * sector that is not there.  Every interrupt is taken as external
 * interruption 0x2603 with parameter 0x50490006 (IRQ 6).
 *
 * The runner (floppy-run.c) gives it a 1.44M image in the layout of
 * floppy-pattern.h and checks afterwards that the written sectors hold
 * flp_written_byte() and nothing else changed.
 * Run with: -drive file=IMG,if=floppy,format=raw
 */
#include "lib/guest.h"
#include "lib/fdc.h"
#include "lib/tap.h"
#include "floppy-pattern.h"

#define IRQ_WAIT_US	2000000	/* TOD microseconds; a miss fails, never hangs */

/* ISA DMA reaches 16 MiB and wraps inside 64 KiB: one aligned page. */
static uint8_t dma_buf[8 * FLP_SECTOR] __attribute__((aligned(65536)));
static uint8_t pio_buf[2 * FLP_SECTOR];
static int irq_seen;

static bool wait_irq(void)
{
	return pio_wait_irq(FDC_IRQ, &irq_seen, IRQ_WAIT_US);
}

/* ---- commands --------------------------------------------------------- */

struct result {
	uint8_t st0, st1, st2, c, h, r, n;
};

/* A READ/WRITE DATA command byte plus its 8 parameters; waits for the
 * result-phase interrupt (after the non-DMA transfer, if any) and reads
 * the 7 result bytes.  buf/len: the non-DMA data (NULL with DMA). */
static bool rw_command(uint8_t cmd, uint8_t c, uint8_t h, uint8_t r,
		       uint8_t eot, uint8_t *buf, int len, struct result *res)
{
	bool to_host = (cmd & 0x1f) == CMD_READ;
	uint8_t b[7];

	if (!FDC_CMD(cmd, (uint8_t)(h << 2), c, h, r, 2, eot, GPL, 0xff))
		return false;
	if (buf) {
		/* INT at the start of a non-DMA execution phase. */
		if (!wait_irq()) {
			tap_diag("no interrupt for the non-DMA execution phase");
			return false;
		}
		int n = fdc_pio_transfer(buf, len, to_host);
		if (n != len) {
			tap_diag("non-DMA transfer stopped after %d of %d bytes", n, len);
			return false;
		}
	}
	if (!wait_irq()) {
		tap_diag("no result-phase interrupt (MSR 0x%02x)", inb(FDC_MSR));
		return false;
	}
	if (fdc_result(b, 7) != 7)
		return false;
	*res = (struct result){ b[0], b[1], b[2], b[3], b[4], b[5], b[6] };
	return true;
}

static bool result_is(const struct result *x, uint8_t st0, uint8_t st1,
		      uint8_t c, uint8_t h, uint8_t r)
{
	if (x->st0 == st0 && x->st1 == st1 && x->st2 == 0 && x->c == c &&
	    x->h == h && x->r == r && x->n == 2)
		return true;
	tap_diag("result ST0 %02x ST1 %02x ST2 %02x C %u H %u R %u N %u, "
		 "want %02x %02x 00 %u %u %u 2", x->st0, x->st1, x->st2, x->c,
		 x->h, x->r, x->n, st0, st1, c, h, r);
	return false;
}

/* SEEK (or RECALIBRATE with c < 0) and its SENSE INTERRUPT. */
static bool seek(int c, uint8_t *st0, uint8_t *pcn)
{
	bool ok = c < 0 ? FDC_CMD(CMD_RECAL, 0) : FDC_CMD(CMD_SEEK, 0, (uint8_t)c);

	return ok && wait_irq() && fdc_sense_interrupt(st0, pcn);
}

/* Does buf hold the image pattern of n sectors from lba on? */
static bool is_image(const uint8_t *buf, uint32_t lba, int n)
{
	for (int s = 0; s < n; s++)
		for (uint32_t i = 0; i < FLP_SECTOR; i++)
			if (buf[s * FLP_SECTOR + i] != flp_image_byte(lba + (uint32_t)s, i)) {
				tap_diag("LBA %u byte %u: 0x%02x, want 0x%02x",
					 lba + (uint32_t)s, i, buf[s * FLP_SECTOR + i],
					 flp_image_byte(lba + (uint32_t)s, i));
				return false;
			}
	return true;
}

static void fill_written(uint8_t *buf, uint32_t lba, int n)
{
	for (int s = 0; s < n; s++)
		for (uint32_t i = 0; i < FLP_SECTOR; i++)
			buf[s * FLP_SECTOR + i] = flp_written_byte(lba + (uint32_t)s, i);
}

static bool is_written(const uint8_t *buf, uint32_t lba, int n)
{
	for (int s = 0; s < n; s++)
		for (uint32_t i = 0; i < FLP_SECTOR; i++)
			if (buf[s * FLP_SECTOR + i] != flp_written_byte(lba + (uint32_t)s, i))
				return false;
	return true;
}

/* ---- the test ---------------------------------------------------------- */

static void bridge(void)
{
	uint64_t lines = 0;
	int64_t magic = pio_diag(PIO_FN_QUERY, 0, 0, 0, &lines);

	tap_ok(magic == PIO_MAGIC && lines == PIO_LINES,
	       "bridge: QUERY says PIO1 (0x%llx) with %llu lines",
	       (unsigned long long)magic, (unsigned long long)lines);
	tap_ok(pio_diag(PIO_FN_IN, FDC_MSR, 3, 0, NULL) == -22 &&
	       pio_diag(PIO_FN_OUT, 0x10000, 1, 0, NULL) == -22 &&
	       pio_diag(PIO_FN_ENABLE, 1u << PIO_LINES, 0, 0, NULL) == -22 &&
	       pio_diag(99, 0, 0, 0, NULL) == -38,
	       "bridge: bad size, port and mask give -EINVAL, bad function -ENOSYS");
	tap_ok(pio_in(0x2f8, 1) == 0xff && pio_in(0x2f8, 2) == 0xffff &&
	       pio_in(0x2f8, 4) == 0xffffffffu,
	       "bridge: an unassigned port reads all ones in 1, 2 and 4 bytes");
	tap_ok(pio_enable(1u << FDC_IRQ) == 0 && pio_enable(1u << FDC_IRQ) == 1u << FDC_IRQ,
	       "bridge: ENABLE line 6, the previous mask was 0");
}

static void reset(void)
{
	uint8_t st0 = 0, pcn = 0, r[10];
	bool ok = true;

	/* Linux reset_fdc() through DOR: RESET# low, then high with the
	 * DMA gate open; the controller polls the four drive positions. */
	outb(FDC_DOR, 0);
	uint8_t msr_in_reset = inb(FDC_MSR);
	outb(FDC_DOR, DOR_NRESET | DOR_DMA_GATE);
	bool irq = wait_irq();
	tap_ok(msr_in_reset == 0 && irq && pio_irq.last_param == 0x50490006u &&
	       pio_irq.last_cpu_addr == 0x0d00 && pio_irq.last_param64 == 0 &&
	       (pio_levels() & (1u << FDC_IRQ)) && (inb(FDC_SRA) & SRA_INTPEND),
	       "reset through DOR: MSR 0 while held, then external interruption "
	       "0x2603 param 0x%x CPU address 0x%x, line 6 high",
	       pio_irq.last_param, pio_irq.last_cpu_addr);

	for (int i = 0; i < 4; i++) {
		bool got = fdc_sense_interrupt(&st0, &pcn);

		if (!got || st0 != (ST0_RDYCHG | i) || pcn != 0) {
			tap_diag("SENSE INTERRUPT %d: ST0 0x%02x PCN %u", i, st0, pcn);
			ok = false;
		}
	}
	tap_ok(ok && !(pio_levels() & (1u << FDC_IRQ)) && !(inb(FDC_SRA) & SRA_INTPEND),
	       "SENSE INTERRUPT STATUS x4: ST0 0xc0-0xc3 (polling), then line 6 low");

	tap_ok(FDC_CMD(CMD_VERSION) && fdc_result(r, 1) == 1 && r[0] == 0x90,
	       "VERSION: 0x%02x (enhanced controller)", r[0]);
	bool spec = FDC_CMD(CMD_SPECIFY, SPEC1, SPEC2_DMA) &&
		    inb(FDC_MSR) == MSR_RQM;
	tap_ok(spec && FDC_CMD(CMD_DUMPREG) && fdc_result(r, 10) == 10 &&
	       r[4] == SPEC1 && r[5] == SPEC2_DMA,
	       "SPECIFY: no result phase, DUMPREG shows SRT/HUT 0x%02x HLT/ND 0x%02x",
	       r[4], r[5]);
}

static void seeks(void)
{
	uint8_t st0 = 0, pcn = 0xff;

	outb(FDC_DOR, DOR_MOTOR0 | DOR_NRESET | DOR_DMA_GATE);
	bool changed = inb(FDC_DIR) & DIR_DSKCHG;
	tap_ok(seek(-1, &st0, &pcn) && st0 == ST0_SE && pcn == 0,
	       "RECALIBRATE: interrupt, SENSE INTERRUPT ST0 0x%02x PCN %u", st0, pcn);
	tap_ok(seek(5, &st0, &pcn) && st0 == ST0_SE && pcn == 5 && changed &&
	       !(inb(FDC_DIR) & DIR_DSKCHG),
	       "SEEK 5: ST0 0x%02x PCN %u; the disk-change line cleared by the step",
	       st0, pcn);
}

static void dma_reads(void)
{
	struct result res = { 0 };
	uint8_t st0, pcn;
	uint32_t lba = FLP_LBA(5, 0, 1);

	/* One sector: C 5 H 0 R 1, terminal count after 512 bytes. */
	memset(dma_buf, 0, sizeof(dma_buf));
	fdc_dma_setup(dma_buf, FLP_SECTOR, true);
	bool ok = rw_command(CMD_MFM | CMD_READ, 5, 0, 1, FLP_SPT, NULL, 0, &res);
	tap_ok(ok && result_is(&res, 0, 0, 5, 0, 2),
	       "READ DATA by DMA, C 5 H 0 R 1: interrupt, ST0 0, next R 2");
	uint8_t status = inb(DMA_STATUS), masks = inb(DMA_ALL_MASK);
	tap_ok(is_image(dma_buf, lba, 1) && dma_buf[FLP_SECTOR] == 0 &&
	       (status & (1u << DMA_CHAN)) && (masks & (1u << DMA_CHAN)),
	       "the sector's bytes are LBA %u's, nothing past them; 8237 status "
	       "has TC 2, channel 2 masked again", lba);

	/* Four sectors across both heads: MT from C 10 H 0 R 17. */
	lba = FLP_LBA(10, 0, 17);
	memset(dma_buf, 0, sizeof(dma_buf));
	bool sk = seek(10, &st0, &pcn) && pcn == 10;
	fdc_dma_setup(dma_buf, 4 * FLP_SECTOR, true);
	ok = sk && rw_command(CMD_MT | CMD_MFM | CMD_READ, 10, 0, 17, FLP_SPT,
			      NULL, 0, &res);
	tap_ok(ok && result_is(&res, ST0_HD, 0, 10, 1, 3),
	       "multi-track READ DATA of 4 sectors by DMA: ends on head 1 R 3");
	tap_ok(is_image(dma_buf, lba, 4) && dma_buf[4 * FLP_SECTOR] == 0,
	       "4 sectors hold LBAs %u-%u", lba, lba + 3);
}

static void pio_read(void)
{
	struct result res = { 0 };
	uint32_t lba = FLP_LBA(10, 1, 5);

	/* ND=1: data through the FIFO; the transfer ends at EOT (no TC
	 * without DMA), which the datasheet reports as IC 01 with EN. */
	FDC_CMD(CMD_SPECIFY, SPEC1, SPEC2_NON_DMA);
	memset(pio_buf, 0, sizeof(pio_buf));
	bool ok = rw_command(CMD_MFM | CMD_READ, 10, 1, 5, 6, pio_buf,
			     2 * FLP_SECTOR, &res);
	tap_ok(ok && result_is(&res, ST0_AT | ST0_HD, ST1_EN, 11, 1, 1),
	       "non-DMA READ DATA C 10 H 1 R 5-6: FIFO bytes, ends at EOT with EN");
	tap_ok(is_image(pio_buf, lba, 2), "non-DMA: 2 sectors hold LBAs %u-%u",
	       lba, lba + 1);
	FDC_CMD(CMD_SPECIFY, SPEC1, SPEC2_DMA);
}

static void writes(void)
{
	struct result res = { 0 };
	uint8_t st0, pcn;
	uint32_t lba = FLP_LBA(FLP_WRITE_DMA_C, 0, FLP_WRITE_DMA_R);
	int n = FLP_WRITE_DMA_N;

	/* DMA: two sectors from storage (8237 read transfer). */
	bool sk = seek(FLP_WRITE_DMA_C, &st0, &pcn) && pcn == FLP_WRITE_DMA_C;
	fill_written(dma_buf, lba, n);
	fdc_dma_setup(dma_buf, (uint32_t)n * FLP_SECTOR, false);
	bool ok = sk && rw_command(CMD_MFM | CMD_WRITE, FLP_WRITE_DMA_C, 0,
				   FLP_WRITE_DMA_R, FLP_SPT, NULL, 0, &res);
	tap_ok(ok && result_is(&res, 0, 0, FLP_WRITE_DMA_C, 0,
			       (uint8_t)(FLP_WRITE_DMA_R + n)),
	       "WRITE DATA by DMA, C %d H 0 R %d-%d", FLP_WRITE_DMA_C,
	       FLP_WRITE_DMA_R, FLP_WRITE_DMA_R + n - 1);
	memset(dma_buf, 0, sizeof(dma_buf));
	fdc_dma_setup(dma_buf, (uint32_t)n * FLP_SECTOR, true);
	ok = rw_command(CMD_MFM | CMD_READ, FLP_WRITE_DMA_C, 0, FLP_WRITE_DMA_R,
			FLP_SPT, NULL, 0, &res);
	tap_ok(ok && res.st0 == 0 && is_written(dma_buf, lba, n),
	       "read back by DMA: the written bytes");

	/* Non-DMA: the last sector of the cylinder, head 1. */
	lba = FLP_LBA(FLP_WRITE_PIO_C, FLP_WRITE_PIO_H, FLP_WRITE_PIO_R);
	FDC_CMD(CMD_SPECIFY, SPEC1, SPEC2_NON_DMA);
	fill_written(pio_buf, lba, 1);
	ok = rw_command(CMD_MFM | CMD_WRITE, FLP_WRITE_PIO_C, FLP_WRITE_PIO_H,
			FLP_WRITE_PIO_R, FLP_WRITE_PIO_R, pio_buf, FLP_SECTOR, &res);
	tap_ok(ok && result_is(&res, ST0_AT | ST0_HD, ST1_EN, FLP_WRITE_PIO_C + 1,
			       FLP_WRITE_PIO_H, 1),
	       "non-DMA WRITE DATA C %d H %d R %d through the FIFO",
	       FLP_WRITE_PIO_C, FLP_WRITE_PIO_H, FLP_WRITE_PIO_R);
	memset(pio_buf, 0, sizeof(pio_buf));
	ok = rw_command(CMD_MFM | CMD_READ, FLP_WRITE_PIO_C, FLP_WRITE_PIO_H,
			FLP_WRITE_PIO_R, FLP_WRITE_PIO_R, pio_buf, FLP_SECTOR, &res);
	tap_ok(ok && (res.st0 & ST0_IC_MASK) == ST0_AT && res.st1 == ST1_EN &&
	       is_written(pio_buf, lba, 1),
	       "non-DMA read back: the written bytes");
	FDC_CMD(CMD_SPECIFY, SPEC1, SPEC2_DMA);
}

static void read_id_and_errors(void)
{
	struct result res = { 0 };
	uint8_t b[7] = { 0 };
	bool ok;

	/* READ ID on head 1 of the present cylinder (20). */
	ok = FDC_CMD(CMD_MFM | CMD_READ_ID, 1 << 2) && wait_irq() &&
	     fdc_result(b, 7) == 7;
	tap_ok(ok && b[0] == ST0_HD && b[1] == 0 && b[2] == 0 &&
	       b[3] == FLP_WRITE_PIO_C && b[4] == 1 && b[5] >= 1 &&
	       b[5] <= FLP_SPT && b[6] == 2,
	       "READ ID: ST0 0x%02x, ID C %u H %u R %u N %u", b[0], b[3], b[4],
	       b[5], b[6]);

	/* A sector number the track does not have: no data. */
	fdc_dma_setup(dma_buf, FLP_SECTOR, true);
	ok = rw_command(CMD_MFM | CMD_READ, FLP_WRITE_PIO_C, 0, FLP_SPT + 1,
			FLP_SPT + 1, NULL, 0, &res);
	tap_ok(ok && (res.st0 & ST0_IC_MASK) == ST0_AT && (res.st1 & ST1_ND),
	       "READ DATA of R %d: abnormal termination, ST1 ND (0x%02x 0x%02x)",
	       FLP_SPT + 1, res.st0, res.st1);
	outb(DMA_MASK, 0x04 | DMA_CHAN);
}

int main(void)
{
	sclp_init();
	pio_irq_init();
	tap_plan(24);

	bool low = (uintptr_t)dma_buf + sizeof(dma_buf) <= 16u << 20;
	tap_ok(low, "DMA buffer at 0x%lx, below 16 MiB in one 64 KiB page",
	       (unsigned long)(uintptr_t)dma_buf);
	if (!low)
		return tap_done();
	bridge();
	reset();
	seeks();
	dma_reads();
	pio_read();
	writes();
	read_id_and_errors();

	outb(FDC_DOR, DOR_NRESET | DOR_DMA_GATE);	/* motor off */
	tap_ok(pio_enable(0) == 1u << FDC_IRQ && pio_irq.other == 0 &&
	       ext_info[0].virtio == pio_irq.count[FDC_IRQ],
	       "line 6 disabled; %d interruptions, all with parameter 0x50490006",
	       pio_irq.count[FDC_IRQ]);
	return tap_done();
}
