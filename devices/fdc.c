/* SPDX-License-Identifier: MIT */
/*
 * Intel 82078-compatible floppy disk controller (Intel 82078 44-pin CHMOS
 * single-chip floppy disk controller datasheet, order number 290474; the
 * section names below are the datasheet's).
 *
 * Registers ("Register Description"), primary base 0x3f0:
 *   +0 SRA  r   status A (PS/2): bit 7 INT PENDING, 6 DRV2# (0: a second
 *               drive is installed), 4 TRK0#, 3 HDSEL, 1 WP#, 0 DIR
 *   +1 SRB  r   status B (PS/2): bits 7-6 ones, 5 DRIVE SEL0, 1-0 MOT EN1/0
 *   +2 DOR  rw  digital output: 1-0 drive select, 2 RESET# (0 holds the
 *               controller in reset), 3 DMA GATE# (gates INT and DRQ),
 *               7-4 motor enables
 *   +3 TDR  rw  tape drive: 1-0 tape select (kept, no tape drives)
 *   +4 MSR  r   main status: 7 RQM, 6 DIO, 5 NON DMA, 4 CMD BUSY,
 *               3-0 DRVx BUSY
 *   +4 DSR  w   data rate select: 7 SW RESET (self-clearing), 6 POWER
 *               DOWN, 4-2 precompensation, 1-0 data rate
 *   +5 FIFO rw  command bytes, data (non-DMA), result bytes
 *   +7 DIR  r   digital input: 7 DSKCHG of the drive DOR selects
 *   +7 CCR  w   configuration control: 1-0 data rate (same latch as DSR)
 * Port +6 belongs to the IDE controller on a PC; it floats here.
 *
 * Phases ("Command/Result Phases").  The host writes a command byte and
 * its parameters while MSR says RQM=1 DIO=0 (command phase); CMD BUSY goes
 * up after the first byte.  Then the controller executes (execution
 * phase): seeks; data transfers either by DMA (MSR RQM=0, the 8237 moves
 * the bytes; a masked channel or a closed DMA gate keeps the controller
 * waiting here) or, after SPECIFY with ND=1, through the FIFO (MSR NON DMA
 * =1 with RQM/DIO for each byte).  Finally the host reads the result
 * bytes while RQM=1 DIO=1 (result phase); CMD BUSY drops after the last.
 * Commands without a result (SPECIFY, SEEK, RECALIBRATE, PERPENDICULAR
 * MODE, CONFIGURE) return to the command phase after their last byte.
 *
 * The phase is kept as explicit state (`phase`) and MSR is derived from
 * it at every transition; fdc_reconstruct_phase() is the inverse an
 * implementation without the field would use.  They disagree while DOR
 * holds the controller in reset (MSR reads 0, which looks like a DMA
 * execution phase): that, and any other disagreement the tests find, is
 * when the migration stream must carry the fdc/phase subsection.
 *
 * Interrupt ("Interrupts", "Polling"): INT rises on entering the result
 * phase of READ/WRITE/VERIFY/FORMAT/READ ID (cleared by reading the first
 * result byte), at the start of a non-DMA execution phase (cleared by a
 * FIFO access), at the end of SEEK/RECALIBRATE/RELATIVE SEEK and when a
 * reset ends (the polling ready-change status of the four drive
 * positions; both cleared by SENSE INTERRUPT STATUS).  The IRQ 6 line is
 * INT gated by DOR bit 3.
 *
 * Not modelled: motors and timing (commands complete at once), data
 * rates (any rate reads any medium), deleted-data marks and CRCs (a raw
 * image has none), 82078 power management, SAVE/RESTORE, DRIVE
 * SPECIFICATION, FORMAT AND WRITE (all invalid here).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/block-file.h"
#include "devices/fdc.h"
#include "devices/fdc-priv.h"
#include "devices/isa-dma.h"
#include "devices/portio.h"
#include "vmm/error.h"

#define FDC_NPORTS_LOW		6	/* 0x3f0-0x3f5 */
#define FDC_DIR_PORT		(FDC_BASE_PORT + 7)
#define FDC_SECTOR_N		2	/* N: 128 << 2 = 512 bytes */
#define FDC_MAX_PARAMS		10

/* Register offsets. */
#define REG_SRA		0
#define REG_SRB		1
#define REG_DOR		2
#define REG_TDR		3
#define REG_MSR		4	/* write: DSR */
#define REG_FIFO	5
#define REG_DIR		7	/* write: CCR */

#define SRA_INTPEND	0x80
#define SRA_NDRV2	0x40
#define SRA_NTRK0	0x10
#define SRA_HDSEL	0x08
#define SRA_NWP		0x02

#define DOR_SEL_MASK	0x03
#define DOR_NRESET	0x04
#define DOR_DMA_GATE	0x08
#define DOR_POWER_ON	(DOR_NRESET | DOR_DMA_GATE)

#define DSR_SW_RESET	0x80
#define DSR_POWER_DOWN	0x40
#define DIR_DSKCHG	0x80

/* Status register 0-3 ("Status Register 0" ...). */
#define ST0_DS		0x03
#define ST0_HD		0x04
#define ST0_EC		0x10	/* equipment check */
#define ST0_SE		0x20	/* seek end */
#define ST0_AT		0x40	/* IC 01: abnormal termination */
#define ST0_IC		0x80	/* IC 10: invalid command */
#define ST0_RDYCHG	0xc0	/* IC 11: polling (ready change) */
#define ST1_MA		0x01	/* missing address mark */
#define ST1_NW		0x02	/* not writable */
#define ST1_ND		0x04	/* no data: sector not found */
#define ST1_DE		0x20	/* data error */
#define ST1_EN		0x80	/* end of cylinder */
#define ST2_BC		0x02	/* bad cylinder */
#define ST2_WC		0x10	/* wrong cylinder */
#define ST2_DD		0x20	/* data error in data field */
#define ST2_CM		0x40	/* control mark (deleted data) */
#define ST3_DS		0x03
#define ST3_HD		0x04
#define ST3_TS		0x08	/* two-sided */
#define ST3_T0		0x10
#define ST3_RDY		0x20
#define ST3_WP		0x40

/* Command byte flags. */
#define CMD_MT		0x80
#define CMD_MFM		0x40
#define CMD_SK		0x20
#define CMD_RSEEK_DIR	0x40	/* RELATIVE SEEK: 1 steps inward */
#define CMD_LOCK	0x80

/* CONFIGURE byte 2. */
#define CONF_EIS	0x40	/* implied seek */
#define CONF_EFIFO	0x20	/* 1: FIFO disabled (the reset default) */
#define CONF_POLL	0x10	/* 1: polling disabled */
#define CONF_FIFOTHR	0x0f

#define VERSION_82078	0x90	/* VERSION result: enhanced controller */
#define PART_ID_82078	0x01	/* PART ID: 82078, stepping 1 */

struct fdc_command {
	uint8_t opcode, mask;
	const char *name;
	uint8_t nbytes;		/* command byte plus parameters */
	void (*fn)(struct fdc *f, uint8_t cmd);
};

/* ---- formats ------------------------------------------------------------- */

static const struct fdc_geometry fdc_formats[] = {
	{ 368640, 40, 2, 9, "360K 5.25\" DD" },
	{ 737280, 80, 2, 9, "720K 3.5\" DD" },
	{ 1228800, 80, 2, 15, "1.2M 5.25\" HD" },
	{ 1474560, 80, 2, 18, "1.44M 3.5\" HD" },
	{ 2949120, 80, 2, 36, "2.88M 3.5\" ED" },
};

const struct fdc_geometry *fdc_geometry_for_size(uint64_t bytes)
{
	for (size_t i = 0; i < sizeof(fdc_formats) / sizeof(fdc_formats[0]); i++)
		if (fdc_formats[i].bytes == bytes)
			return &fdc_formats[i];
	return NULL;
}

/* ---- interrupt, phases ------------------------------------------------------ */

void fdc_update_line(struct fdc *f)
{
	bool level = f->intr && (f->dor & DOR_DMA_GATE);

	if (level != f->line) {
		f->line = level;
		portio_set_irq(f->bus, FDC_IRQ, level);
	}
}

static void raise_irq(struct fdc *f)
{
	f->intr = true;
	fdc_update_line(f);
}

static void lower_irq(struct fdc *f)
{
	f->intr = false;
	fdc_update_line(f);
}

/* Polling and seek statuses keep INT up until SENSE INTERRUPT takes them. */
static bool status_pending(const struct fdc *f)
{
	if (f->reset_sensei)
		return true;
	for (unsigned int i = 0; i < FDC_DRIVES; i++)
		if (f->drives[i].int_pending)
			return true;
	return false;
}

static bool pio_mode(const struct fdc *f)
{
	return f->specify[1] & 1;
}

static void to_command_phase(struct fdc *f)
{
	f->phase = FDC_PHASE_COMMAND;
	f->msr = FDC_MSR_RQM;
	f->data_pos = f->data_len = 0;
	f->xfer = XFER_NONE;
	isa_dma_set_drq(f->dma, FDC_DMA_CHANNEL, false);
}

static void to_result_phase(struct fdc *f, uint32_t len)
{
	f->phase = FDC_PHASE_RESULT;
	f->msr = FDC_MSR_RQM | FDC_MSR_DIO | FDC_MSR_CMD_BUSY;
	f->data_pos = 0;
	f->data_len = len;
	f->xfer = XFER_NONE;
	isa_dma_set_drq(f->dma, FDC_DMA_CHANNEL, false);
}

/* Execution: DMA leaves RQM down; non-DMA offers each byte through RQM. */
static void to_execution_phase(struct fdc *f, enum fdc_xfer x, uint32_t len)
{
	f->phase = FDC_PHASE_EXECUTION;
	f->xfer = (uint8_t)x;
	f->data_pos = 0;
	f->data_len = len;
	f->msr = FDC_MSR_CMD_BUSY;
	if (pio_mode(f))
		f->msr |= FDC_MSR_RQM | FDC_MSR_NON_DMA |
			  (x == XFER_READ ? FDC_MSR_DIO : 0);
}

/* FROZEN AS MIGRATION ABI: see fdc.h.  Only the MSR value goes in. */
enum fdc_phase fdc_reconstruct_phase(uint8_t msr)
{
	if (msr & FDC_MSR_NON_DMA)
		return FDC_PHASE_EXECUTION;
	if (!(msr & FDC_MSR_RQM))
		return FDC_PHASE_EXECUTION;
	if (msr & FDC_MSR_DIO)
		return FDC_PHASE_RESULT;
	return FDC_PHASE_COMMAND;
}

/* ---- drives and sectors --------------------------------------------------- */

static struct fdc_drive *drive(struct fdc *f, unsigned int ds)
{
	return ds < FDC_DRIVES ? &f->drives[ds] : NULL;
}

/* Move the head; a step pulse with a disk in clears the disk-change line. */
static void seek_to(struct fdc_drive *d, uint8_t track)
{
	if (d->track != track && d->media)
		d->dskchg = false;
	if (d->track != track)
		d->sect = 1;
	d->track = track;
}

/*
 * Byte offset of the sector whose ID (c, h, r, n) the command asks for, at
 * the drive's physical position (track, hds); -1 with ST1/ST2 bits when
 * no such sector passes under the head.
 */
static int64_t sector_offset(struct fdc *f, struct fdc_drive *d, uint8_t hds,
			     uint8_t c, uint8_t h, uint8_t r, uint8_t n)
{
	const struct fdc_geometry *g = d ? d->geo : NULL;

	if (!g) {
		f->st1 |= ST1_MA;	/* no index, no address marks */
		return -1;
	}
	if (d->track >= g->tracks || hds >= g->heads) {
		f->st1 |= ST1_MA;
		return -1;
	}
	if (c != d->track) {
		f->st1 |= ST1_ND;
		f->st2 |= c == 0xff ? ST2_BC : ST2_WC;
		return -1;
	}
	if (h != hds || r < 1 || r > g->sectors || n != FDC_SECTOR_N) {
		f->st1 |= ST1_ND;
		return -1;
	}
	return (((int64_t)d->track * g->heads + hds) * g->sectors + (r - 1)) *
	       FDC_SECTOR;
}

/* ---- data transfers --------------------------------------------------------- */

/* End a data transfer: result bytes ST0 ST1 ST2 C H R N, INT up. */
static void finish_xfer(struct fdc *f)
{
	f->fifo[0] = (uint8_t)(f->st0 | f->xfer_hds << 2 | f->xfer_drive);
	f->fifo[1] = f->st1;
	f->fifo[2] = f->st2;
	f->fifo[3] = f->xfer_c;
	f->fifo[4] = f->xfer_h;
	f->fifo[5] = f->xfer_r;
	f->fifo[6] = f->xfer_n;
	to_result_phase(f, 7);
	raise_irq(f);
}

static void fail_xfer(struct fdc *f)
{
	f->st0 |= ST0_AT;
	finish_xfer(f);
}

/*
 * After a sector: the ID of the next one, following the datasheet table
 * "Result Phase Termination Values" (MT switches to head 1 at EOT on head
 * 0; otherwise EOT ends the cylinder).  Returns false when the track ends.
 */
static bool next_sector(struct fdc *f, bool mt)
{
	if (f->xfer_r != f->xfer_eot) {
		f->xfer_r++;
		return true;
	}
	f->xfer_r = 1;
	if (mt && f->xfer_hds == 0) {
		f->xfer_hds = 1;
		f->xfer_h = (uint8_t)(f->xfer_h ^ 1);
		return true;
	}
	if (mt)
		f->xfer_h = (uint8_t)(f->xfer_h ^ 1);
	f->xfer_c++;
	return false;
}

/*
 * Move the current sector between the FIFO and the image: loaded for a
 * read, stored for a write; false after fail_xfer() (ST1 NW on a
 * read-only medium; an I/O error is a data error, ST2 DD on a read).
 */
static bool sector_io(struct fdc *f, bool write)
{
	struct fdc_drive *d = drive(f, f->xfer_drive);
	int64_t off = sector_offset(f, d, f->xfer_hds, f->xfer_c, f->xfer_h,
				    f->xfer_r, f->xfer_n);

	if (off < 0) {
		fail_xfer(f);
		return false;
	}
	if (write && d->readonly) {
		f->st1 |= ST1_NW;
		fail_xfer(f);
		return false;
	}
	int rc = write ? block_file_pwrite(d->media, f->fifo, FDC_SECTOR, (uint64_t)off)
		       : block_file_pread(d->media, f->fifo, FDC_SECTOR, (uint64_t)off);
	if (rc < 0) {
		f->st1 |= ST1_DE;
		if (!write)
			f->st2 |= ST2_DD;
		fail_xfer(f);
		return false;
	}
	d->sect = (uint8_t)(f->xfer_r % d->geo->sectors + 1);
	return true;
}

/* FORMAT: the 4 ID bytes in fifo[0..3] name one sector to fill. */
static bool format_sector(struct fdc *f)
{
	struct fdc_drive *d = drive(f, f->xfer_drive);
	uint8_t r = f->fifo[2];
	int64_t off;

	f->xfer_c = f->fifo[0];
	f->xfer_h = f->fifo[1];
	f->xfer_r = r;
	f->xfer_n = f->fifo[3];
	/* A raw image holds the standard layout only: R and N must fit it
	 * (C and H of the ID are taken as written; the image cannot differ). */
	off = sector_offset(f, d, f->xfer_hds, d->track, f->xfer_hds, r,
			    f->xfer_n);
	if (off < 0) {
		fail_xfer(f);
		return false;
	}
	memset(f->fifo, f->xfer_fill, FDC_SECTOR);
	if (block_file_pwrite(d->media, f->fifo, FDC_SECTOR, (uint64_t)off) < 0) {
		f->st1 |= ST1_DE;
		fail_xfer(f);
		return false;
	}
	return true;
}

/* Is the command byte a multi-track one (MT is only meaningful for some)? */
static bool xfer_mt(const struct fdc *f)
{
	return (f->cmd & CMD_MT) && (f->cmd & 0x1f) != 0x02;
}

/*
 * One sector (or FORMAT ID) has passed through the FIFO or DMA.  tc: the
 * DMA controller signalled terminal count during it.  Returns true while
 * the execution phase goes on.
 */
static bool sector_done(struct fdc *f, bool tc)
{
	if (f->xfer == XFER_FORMAT) {
		if (!format_sector(f))
			return false;
		if (--f->xfer_left == 0 || tc) {
			finish_xfer(f);
			return false;
		}
		f->data_len = 4;
		return true;
	}
	if (f->xfer == XFER_WRITE && !sector_io(f, true))
		return false;
	/* READ DELETED DATA on a normal sector: CM, and SK=0 stops here. */
	if ((f->cmd & 0x1f) == 0x0c && !(f->cmd & CMD_SK)) {
		f->st2 |= ST2_CM;
		next_sector(f, xfer_mt(f));
		finish_xfer(f);
		return false;
	}
	bool more = next_sector(f, xfer_mt(f));
	if (tc) {
		finish_xfer(f);
		return false;
	}
	if (!more) {
		/* EOT without TC: the normal end in non-DMA mode. */
		f->st1 |= ST1_EN;
		fail_xfer(f);
		return false;
	}
	f->data_len = FDC_SECTOR;
	return !(f->xfer == XFER_READ && !sector_io(f, false));
}

/*
 * Run a DMA execution phase as far as the DMA side lets it: until the
 * result phase, or until the channel is masked or the DOR gate closed
 * (then DRQ stays up and the DMA controller's ready callback resumes).
 */
static void run_dma(struct fdc *f)
{
	while (f->phase == FDC_PHASE_EXECUTION && !pio_mode(f)) {
		bool tc = false;
		size_t n;

		if (!(f->dor & DOR_DMA_GATE) ||
		    !isa_dma_ready(f->dma, FDC_DMA_CHANNEL)) {
			isa_dma_set_drq(f->dma, FDC_DMA_CHANNEL, true);
			return;
		}
		if (f->data_pos >= f->data_len || f->data_len > FDC_FIFO_SIZE)
			f->data_pos = 0;	/* cannot happen; keep bounds */
		n = isa_dma_transfer(f->dma, FDC_DMA_CHANNEL, f->fifo + f->data_pos,
				     f->data_len - f->data_pos,
				     f->xfer == XFER_READ ? ISA_DMA_TO_MEMORY
							  : ISA_DMA_FROM_MEMORY,
				     &tc);
		f->data_pos += (uint32_t)n;
		if (f->data_pos < f->data_len) {
			if (!tc)
				continue;	/* the channel went away */
			/* TC inside a sector: a write completes it with zeros. */
			memset(f->fifo + f->data_pos, 0, f->data_len - f->data_pos);
			f->data_pos = f->data_len;
		}
		f->data_pos = 0;
		if (!sector_done(f, tc))
			return;
	}
}

static void dma_ready(void *opaque)
{
	struct fdc *f = opaque;

	pthread_mutex_lock(&f->lock);
	if (f->phase == FDC_PHASE_EXECUTION && f->xfer != XFER_NONE)
		run_dma(f);
	pthread_mutex_unlock(&f->lock);
}

/* Enter the execution phase of a data transfer (everything checked). */
static void start_xfer(struct fdc *f, enum fdc_xfer x, uint32_t len)
{
	to_execution_phase(f, x, len);
	if (x == XFER_READ && !sector_io(f, false))
		return;
	if (pio_mode(f))
		raise_irq(f);	/* non-DMA: INT asks for the first byte */
	else
		run_dma(f);
}

/* Common set-up of the 9-byte READ/WRITE/VERIFY commands. */
static struct fdc_drive *xfer_params(struct fdc *f, uint8_t cmd)
{
	struct fdc_drive *d;

	f->cmd = cmd;
	f->xfer_drive = f->fifo[1] & 3;
	f->xfer_hds = (f->fifo[1] >> 2) & 1;
	f->xfer_c = f->fifo[2];
	f->xfer_h = f->fifo[3];
	f->xfer_r = f->fifo[4];
	f->xfer_n = f->fifo[5];
	f->xfer_eot = f->fifo[6];
	f->last_eot = f->xfer_eot;
	f->st0 = f->st1 = f->st2 = 0;
	d = drive(f, f->xfer_drive);
	if (d) {
		d->head = f->xfer_hds;
		if (f->config & CONF_EIS)
			seek_to(d, f->xfer_c);	/* implied seek */
	}
	return d;
}

/* ---- command handlers ------------------------------------------------------- */

static void cmd_read(struct fdc *f, uint8_t cmd)
{
	struct fdc_drive *d = xfer_params(f, cmd);

	/* Check the first sector before any data moves. */
	if (!d || sector_offset(f, d, f->xfer_hds, f->xfer_c, f->xfer_h,
				f->xfer_r, f->xfer_n) < 0) {
		fail_xfer(f);
		return;
	}
	start_xfer(f, XFER_READ, FDC_SECTOR);
}

static void cmd_read_track(struct fdc *f, uint8_t cmd)
{
	/* READ TRACK starts at the index: the first sector of the track. */
	f->fifo[4] = 1;
	cmd_read(f, cmd);
}

static void cmd_write(struct fdc *f, uint8_t cmd)
{
	struct fdc_drive *d = xfer_params(f, cmd);

	if (d && d->media && d->readonly) {
		f->st1 |= ST1_NW;
		fail_xfer(f);
		return;
	}
	if (!d || sector_offset(f, d, f->xfer_hds, f->xfer_c, f->xfer_h,
				f->xfer_r, f->xfer_n) < 0) {
		fail_xfer(f);
		return;
	}
	start_xfer(f, XFER_WRITE, FDC_SECTOR);
}

/*
 * VERIFY: like READ DATA without a data transfer.  EC=1 (byte 1 bit 7):
 * verify SC sectors (byte 8) and end normally; EC=0: verify to EOT.
 */
static void cmd_verify(struct fdc *f, uint8_t cmd)
{
	bool ec = f->fifo[1] & 0x80;
	unsigned int count = f->fifo[8];
	struct fdc_drive *d = xfer_params(f, cmd);

	for (unsigned int i = 0; ; i++) {
		if (ec && i == count)
			break;
		if (sector_offset(f, d, f->xfer_hds, f->xfer_c, f->xfer_h,
				  f->xfer_r, f->xfer_n) < 0) {
			fail_xfer(f);
			return;
		}
		if (!next_sector(f, xfer_mt(f))) {
			if (ec && i + 1 < count)
				f->st1 |= ST1_EN;
			break;
		}
	}
	if (f->st1)
		f->st0 |= ST0_AT;
	finish_xfer(f);
}

static void cmd_read_id(struct fdc *f, uint8_t cmd)
{
	struct fdc_drive *d;

	f->cmd = cmd;
	f->xfer_drive = f->fifo[1] & 3;
	f->xfer_hds = (f->fifo[1] >> 2) & 1;
	f->st0 = f->st1 = f->st2 = 0;
	d = drive(f, f->xfer_drive);
	if (!d || !d->geo || d->track >= d->geo->tracks ||
	    f->xfer_hds >= d->geo->heads) {
		f->st1 |= ST1_MA;
		f->xfer_c = d ? d->track : 0;
		f->xfer_h = f->xfer_hds;
		f->xfer_r = 0;
		f->xfer_n = FDC_SECTOR_N;
		fail_xfer(f);
		return;
	}
	d->head = f->xfer_hds;
	if (d->sect < 1 || d->sect > d->geo->sectors)
		d->sect = 1;
	f->xfer_c = d->track;
	f->xfer_h = f->xfer_hds;
	f->xfer_r = d->sect;
	f->xfer_n = FDC_SECTOR_N;
	d->sect = (uint8_t)(d->sect % d->geo->sectors + 1);
	finish_xfer(f);
}

/* FORMAT TRACK: HDS/DS, N, SC, GPL, D; then 4 ID bytes per sector. */
static void cmd_format(struct fdc *f, uint8_t cmd)
{
	struct fdc_drive *d;

	f->cmd = cmd;
	f->xfer_drive = f->fifo[1] & 3;
	f->xfer_hds = (f->fifo[1] >> 2) & 1;
	f->xfer_n = f->fifo[2];
	f->xfer_left = f->fifo[3];
	f->xfer_fill = f->fifo[5];
	f->st0 = f->st1 = f->st2 = 0;
	d = drive(f, f->xfer_drive);
	f->xfer_c = d ? d->track : 0;
	f->xfer_h = f->xfer_hds;
	f->xfer_r = 0;
	if (!d || !d->geo || d->track >= d->geo->tracks ||
	    f->xfer_hds >= d->geo->heads) {
		f->st1 |= ST1_MA;
		fail_xfer(f);
		return;
	}
	if (d->readonly) {
		f->st1 |= ST1_NW;
		fail_xfer(f);
		return;
	}
	if (f->xfer_left == 0) {
		finish_xfer(f);
		return;
	}
	d->head = f->xfer_hds;
	start_xfer(f, XFER_FORMAT, 4);
}

/* Seek-type commands end with INT and a status for SENSE INTERRUPT. */
static void seek_end(struct fdc *f, unsigned int ds, uint8_t hds, bool ok)
{
	struct fdc_drive *d = drive(f, ds);
	uint8_t st0 = (uint8_t)(ST0_SE | hds << 2 | ds);

	to_command_phase(f);
	if (!d)
		return;		/* no drive there: nothing answers */
	d->int_pending = true;
	d->int_st0 = ok ? st0 : (uint8_t)(st0 | ST0_AT | ST0_EC);
	raise_irq(f);
}

static void cmd_recalibrate(struct fdc *f, uint8_t cmd)
{
	unsigned int ds = f->fifo[1] & 3;
	struct fdc_drive *d = drive(f, ds);

	(void)cmd;
	if (d) {
		seek_to(d, 0);
		d->head = 0;
	}
	seek_end(f, ds, 0, d != NULL);
}

static void cmd_seek(struct fdc *f, uint8_t cmd)
{
	unsigned int ds = f->fifo[1] & 3;
	uint8_t hds = (f->fifo[1] >> 2) & 1;
	struct fdc_drive *d = drive(f, ds);

	(void)cmd;
	if (d) {
		seek_to(d, f->fifo[2]);
		d->head = hds;
	}
	seek_end(f, ds, hds, d != NULL);
}

static void cmd_relative_seek(struct fdc *f, uint8_t cmd)
{
	unsigned int ds = f->fifo[1] & 3;
	uint8_t hds = (f->fifo[1] >> 2) & 1;
	struct fdc_drive *d = drive(f, ds);

	if (d) {
		int t = d->track + ((cmd & CMD_RSEEK_DIR) ? f->fifo[2] : -f->fifo[2]);

		seek_to(d, (uint8_t)(t < 0 ? 0 : t > 255 ? 255 : t));
		d->head = hds;
	}
	seek_end(f, ds, hds, d != NULL);
}

/*
 * SENSE INTERRUPT STATUS: the polling statuses after a reset first (ST0
 * 0xc0 | drive position), then a seek end; with nothing pending it is an
 * invalid command.  INT drops when no status is left.
 */
static void cmd_sense_interrupt(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	if (f->reset_sensei) {
		unsigned int pos = FDC_RESET_SENSEI - f->reset_sensei;
		struct fdc_drive *d = drive(f, pos);

		f->reset_sensei--;
		f->fifo[0] = (uint8_t)(ST0_RDYCHG | pos);
		f->fifo[1] = d ? d->track : 0;
	} else {
		struct fdc_drive *d = NULL;

		for (unsigned int i = 0; i < FDC_DRIVES && !d; i++)
			if (f->drives[i].int_pending)
				d = &f->drives[i];
		if (!d) {
			f->fifo[0] = ST0_IC;
			to_result_phase(f, 1);
			return;
		}
		d->int_pending = false;
		f->fifo[0] = d->int_st0;
		f->fifo[1] = d->track;
	}
	if (!status_pending(f))
		lower_irq(f);
	to_result_phase(f, 2);
}

static void cmd_sense_drive(struct fdc *f, uint8_t cmd)
{
	unsigned int ds = f->fifo[1] & 3;
	uint8_t hds = (f->fifo[1] >> 2) & 1;
	struct fdc_drive *d = drive(f, ds);
	uint8_t st3 = (uint8_t)(hds << 2 | ds);

	(void)cmd;
	if (d) {
		d->head = hds;
		st3 |= ST3_RDY | ST3_TS;
		if (d->track == 0)
			st3 |= ST3_T0;
		if (d->media && d->readonly)
			st3 |= ST3_WP;
	}
	f->fifo[0] = st3;
	to_result_phase(f, 1);
}

static void cmd_specify(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	f->specify[0] = f->fifo[1];
	f->specify[1] = f->fifo[2];
	to_command_phase(f);
}

static void cmd_configure(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	f->config = f->fifo[2] & (CONF_EIS | CONF_EFIFO | CONF_POLL | CONF_FIFOTHR);
	f->pretrk = f->fifo[3];
	to_command_phase(f);
}

static void cmd_version(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	f->fifo[0] = VERSION_82078;
	to_result_phase(f, 1);
}

static void cmd_part_id(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	f->fifo[0] = PART_ID_82078;
	to_result_phase(f, 1);
}

/* DUMPREG: PCN0-3, SRT/HUT, HLT/ND, SC/EOT, LOCK|D3-0|GAP|WGATE, config, PRETRK. */
static void cmd_dumpreg(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	f->fifo[0] = f->drives[0].track;
	f->fifo[1] = f->drives[1].track;
	f->fifo[2] = 0;
	f->fifo[3] = 0;
	f->fifo[4] = f->specify[0];
	f->fifo[5] = f->specify[1];
	f->fifo[6] = f->last_eot;
	f->fifo[7] = (uint8_t)((f->locked ? 0x80 : 0) | (f->perpendicular & 0x7f));
	f->fifo[8] = f->config;
	f->fifo[9] = f->pretrk;
	to_result_phase(f, 10);
}

static void cmd_lock(struct fdc *f, uint8_t cmd)
{
	f->locked = cmd & CMD_LOCK;
	f->fifo[0] = f->locked ? 0x10 : 0;
	to_result_phase(f, 1);
}

/* PERPENDICULAR MODE: OW<<7 | D3-D0<<2 | GAP<<1 | WGATE; D bits need OW. */
static void cmd_perpendicular(struct fdc *f, uint8_t cmd)
{
	uint8_t b = f->fifo[1];

	(void)cmd;
	if (b & 0x80)
		f->perpendicular = b & 0x3f;
	else
		f->perpendicular = (uint8_t)((f->perpendicular & 0x3c) | (b & 3));
	to_command_phase(f);
}

static void cmd_invalid(struct fdc *f, uint8_t cmd)
{
	(void)cmd;
	f->fifo[0] = ST0_IC;
	to_result_phase(f, 1);
}

/*
 * The command set ("Command Set/Descriptions").  A command byte selects
 * the first row with (byte & mask) == opcode; the flag bits MT/MFM/SK a
 * command does not define must be 0.  The last row catches everything
 * else as an invalid command (ST0 0x80).
 */
static const struct fdc_command fdc_commands[] = {
	{ 0x06, 0x1f, "READ DATA", 9, cmd_read },
	{ 0x0c, 0x1f, "READ DELETED DATA", 9, cmd_read },
	{ 0x05, 0x3f, "WRITE DATA", 9, cmd_write },
	{ 0x09, 0x3f, "WRITE DELETED DATA", 9, cmd_write },
	{ 0x02, 0x9f, "READ TRACK", 9, cmd_read_track },
	{ 0x16, 0x1f, "VERIFY", 9, cmd_verify },
	{ 0x0a, 0xbf, "READ ID", 2, cmd_read_id },
	{ 0x0d, 0xbf, "FORMAT TRACK", 6, cmd_format },
	{ 0x07, 0xff, "RECALIBRATE", 2, cmd_recalibrate },
	{ 0x08, 0xff, "SENSE INTERRUPT STATUS", 1, cmd_sense_interrupt },
	{ 0x03, 0xff, "SPECIFY", 3, cmd_specify },
	{ 0x04, 0xff, "SENSE DRIVE STATUS", 2, cmd_sense_drive },
	{ 0x0f, 0xff, "SEEK", 3, cmd_seek },
	{ 0x8f, 0xbf, "RELATIVE SEEK", 3, cmd_relative_seek },
	{ 0x13, 0xff, "CONFIGURE", 4, cmd_configure },
	{ 0x10, 0xff, "VERSION", 1, cmd_version },
	{ 0x0e, 0xff, "DUMPREG", 1, cmd_dumpreg },
	{ 0x14, 0x7f, "LOCK", 1, cmd_lock },
	{ 0x12, 0xff, "PERPENDICULAR MODE", 2, cmd_perpendicular },
	{ 0x18, 0xff, "PART ID", 1, cmd_part_id },
	{ 0x00, 0x00, "INVALID", 1, cmd_invalid },
};
#define FDC_NCOMMANDS	(sizeof(fdc_commands) / sizeof(fdc_commands[0]))

static const struct fdc_command *lookup_command(uint8_t b)
{
	for (size_t i = 0; i < FDC_NCOMMANDS; i++)
		if ((b & fdc_commands[i].mask) == fdc_commands[i].opcode)
			return &fdc_commands[i];
	return &fdc_commands[FDC_NCOMMANDS - 1];
}

/* ---- reset ------------------------------------------------------------------ */

/*
 * Software reset (DOR RESET# low, DSR SW RESET): abandon any command, drop
 * INT and DRQ, reset CONFIGURE unless LOCKed (EFIFO, FIFOTHR, PRETRK are
 * what LOCK keeps; EIS and POLL always reset), clear PERPENDICULAR GAP and
 * WGATE.  SPECIFY values and the drives' PCNs survive.
 */
static void soft_reset(struct fdc *f)
{
	to_command_phase(f);
	f->cmd = 0;
	f->st0 = f->st1 = f->st2 = 0;
	f->reset_sensei = 0;
	for (unsigned int i = 0; i < FDC_DRIVES; i++)
		f->drives[i].int_pending = false;
	if (f->locked) {
		f->config &= CONF_EFIFO | CONF_FIFOTHR;
	} else {
		f->config = CONF_EFIFO;
		f->pretrk = 0;
	}
	f->perpendicular &= 0x3c;
	f->dsr &= 0x1f;
	lower_irq(f);
}

/* Leaving reset: the controller polls the four drive positions. */
static void reset_done(struct fdc *f)
{
	f->msr = FDC_MSR_RQM;
	f->reset_sensei = FDC_RESET_SENSEI;
	raise_irq(f);
}

static void hold_in_reset(struct fdc *f)
{
	soft_reset(f);
	f->msr = 0;		/* not ready while RESET# is low */
}

/* ---- port access ------------------------------------------------------------ */

static uint8_t read_fifo(struct fdc *f)
{
	uint8_t b = 0;

	if (!(f->msr & FDC_MSR_RQM) || !(f->msr & FDC_MSR_DIO))
		return 0;	/* not offered: the bus reads nothing useful */
	if (f->data_len > FDC_FIFO_SIZE || f->data_pos >= f->data_len) {
		to_command_phase(f);	/* cannot happen; stay defined */
		return 0;
	}
	b = f->fifo[f->data_pos++];
	if (f->phase == FDC_PHASE_RESULT) {
		if (f->data_pos == 1 && !status_pending(f))
			lower_irq(f);
		if (f->data_pos == f->data_len)
			to_command_phase(f);
		return b;
	}
	/* Non-DMA read execution. */
	lower_irq(f);
	if (f->data_pos == f->data_len) {
		f->data_pos = 0;
		sector_done(f, false);
	}
	return b;
}

static void write_fifo(struct fdc *f, uint8_t b)
{
	if (!(f->msr & FDC_MSR_RQM) || (f->msr & FDC_MSR_DIO))
		return;		/* not expecting a byte: dropped */
	if (f->phase == FDC_PHASE_EXECUTION) {
		/* Non-DMA write or FORMAT execution. */
		if (f->data_len > FDC_FIFO_SIZE || f->data_pos >= f->data_len) {
			to_command_phase(f);
			return;
		}
		lower_irq(f);
		f->fifo[f->data_pos++] = b;
		if (f->data_pos == f->data_len) {
			f->data_pos = 0;
			sector_done(f, false);
		}
		return;
	}
	/* Command phase. */
	if (f->data_pos == 0) {
		const struct fdc_command *c = lookup_command(b);

		f->cmd = b;
		f->data_len = c->nbytes;
		f->msr |= FDC_MSR_CMD_BUSY;
	}
	if (f->data_len > FDC_MAX_PARAMS || f->data_pos >= f->data_len) {
		to_command_phase(f);
		return;
	}
	f->fifo[f->data_pos++] = b;
	if (f->data_pos == f->data_len) {
		const struct fdc_command *c = lookup_command(f->fifo[0]);

		f->data_pos = 0;
		c->fn(f, f->fifo[0]);
	}
}

static void write_dor(struct fdc *f, uint8_t v)
{
	uint8_t old = f->dor;

	f->dor = v;
	if (!(v & DOR_NRESET)) {
		if (old & DOR_NRESET)
			hold_in_reset(f);
	} else if (!(old & DOR_NRESET)) {
		reset_done(f);
	}
	fdc_update_line(f);
	/* Opening the DMA gate lets a waiting DMA transfer go on. */
	if ((v & DOR_DMA_GATE) && !(old & DOR_DMA_GATE) &&
	    f->phase == FDC_PHASE_EXECUTION && f->xfer != XFER_NONE)
		run_dma(f);
}

static uint32_t fdc_read(void *opaque, uint16_t port, unsigned int size)
{
	struct fdc *f = opaque;
	struct fdc_drive *d;
	uint32_t v = 0xff;

	(void)size;		/* an 8-bit device: wider reads see one byte */
	pthread_mutex_lock(&f->lock);
	d = drive(f, f->dor & DOR_SEL_MASK);
	switch (port - FDC_BASE_PORT) {
	case REG_SRA:
		v = (f->intr ? SRA_INTPEND : 0) | SRA_NWP | SRA_NTRK0;
		if (d && d->track == 0)
			v &= ~SRA_NTRK0;
		if (d && d->media && d->readonly)
			v &= ~SRA_NWP;
		if (d && d->head)
			v |= SRA_HDSEL;
		break;
	case REG_SRB:
		v = 0xc0 | ((f->dor & DOR_SEL_MASK) & 1 ? 0x20 : 0) |
		    ((f->dor >> 4) & 3);
		break;
	case REG_DOR:
		v = f->dor;
		break;
	case REG_TDR:
		v = f->tdr;
		break;
	case REG_MSR:
		v = f->msr;
		f->dsr &= (uint8_t)~DSR_POWER_DOWN;	/* an MSR read wakes it */
		break;
	case REG_FIFO:
		v = read_fifo(f);
		break;
	case REG_DIR:
		v = d && d->dskchg ? DIR_DSKCHG : 0;
		break;
	}
	pthread_mutex_unlock(&f->lock);
	return v;
}

static void fdc_write(void *opaque, uint16_t port, unsigned int size, uint32_t val)
{
	struct fdc *f = opaque;
	uint8_t b = (uint8_t)val;

	(void)size;
	pthread_mutex_lock(&f->lock);
	switch (port - FDC_BASE_PORT) {
	case REG_DOR:
		write_dor(f, b);
		break;
	case REG_TDR:
		if (f->dor & DOR_NRESET)
			f->tdr = b & 3;
		break;
	case REG_MSR:		/* DSR */
		if (!(f->dor & DOR_NRESET))
			break;
		f->dsr = b & (uint8_t)~DSR_SW_RESET;
		if (b & DSR_SW_RESET) {
			soft_reset(f);
			reset_done(f);
		}
		break;
	case REG_FIFO:
		if (f->dor & DOR_NRESET)
			write_fifo(f, b);
		break;
	case REG_DIR:		/* CCR: the data rate */
		f->dsr = (uint8_t)((f->dsr & ~3) | (b & 3));
		break;
	}
	pthread_mutex_unlock(&f->lock);
}

static const struct portio_ops fdc_ops = {
	.name = "fdc",
	.read = fdc_read,
	.write = fdc_write,
};

/* ---- life cycle, media, accessors ------------------------------------------ */

static void power_on(struct fdc *f)
{
	f->dor = DOR_POWER_ON;	/* as a PC BIOS leaves it */
	f->tdr = 0;
	f->dsr = 0x02;		/* 250 kbps */
	f->specify[0] = f->specify[1] = 0;
	f->locked = false;
	f->perpendicular = 0;
	f->last_eot = 0;
	soft_reset(f);
	for (unsigned int i = 0; i < FDC_DRIVES; i++) {
		struct fdc_drive *d = &f->drives[i];

		d->track = d->head = 0;
		d->sect = 1;
		d->dskchg = true;	/* no step since power-on */
	}
	memset(f->fifo, 0, sizeof(f->fifo));
}

void fdc_reset(struct fdc *f)
{
	pthread_mutex_lock(&f->lock);
	power_on(f);
	pthread_mutex_unlock(&f->lock);
}

int fdc_create(struct fdc **out, struct portio_bus *bus, struct isa_dma *dma,
	       char **err)
{
	struct fdc *f = calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (!dma) {
		free(f);
		error_setf(err, "fdc: needs the ISA DMA controller");
		return -EINVAL;
	}
	if (!f) {
		error_setf(err, "fdc: out of memory");
		return -ENOMEM;
	}
	f->bus = bus;
	f->dma = dma;
	pthread_mutex_init(&f->lock, NULL);
	power_on(f);
	rc = portio_register(bus, FDC_BASE_PORT, FDC_NPORTS_LOW, &fdc_ops, f, err);
	if (rc < 0)
		goto fail;
	rc = portio_register(bus, FDC_DIR_PORT, 1, &fdc_ops, f, err);
	if (rc < 0) {
		portio_unregister(bus, FDC_BASE_PORT);
		goto fail;
	}
	isa_dma_set_handler(dma, FDC_DMA_CHANNEL, dma_ready, f);
	*out = f;
	return 0;
fail:
	pthread_mutex_destroy(&f->lock);
	free(f);
	return rc;
}

void fdc_destroy(struct fdc *f)
{
	if (!f)
		return;
	isa_dma_set_handler(f->dma, FDC_DMA_CHANNEL, NULL, NULL);
	portio_unregister(f->bus, FDC_BASE_PORT);
	portio_unregister(f->bus, FDC_DIR_PORT);
	for (unsigned int i = 0; i < FDC_DRIVES; i++)
		block_file_close(f->drives[i].media);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static void eject_locked(struct fdc_drive *d)
{
	block_file_close(d->media);
	d->media = NULL;
	d->geo = NULL;
	d->readonly = false;
	d->dskchg = true;
}

static int insert_media(struct fdc *f, unsigned int drv, struct block_file *bf,
			const char *path, bool readonly, char **err);

int fdc_insert(struct fdc *f, unsigned int drv, const char *path, bool readonly,
	       char **err)
{
	struct block_file *bf;
	int rc;

	if (drv >= FDC_DRIVES) {
		error_setf(err, "fdc: no floppy drive %u (0 or 1)", drv);
		return -EINVAL;
	}
	rc = block_file_open(&bf, path, readonly, err);
	if (rc < 0)
		return rc;
	return insert_media(f, drv, bf, path, readonly, err);
}

int fdc_insert_fd(struct fdc *f, unsigned int drv, int fd, const char *name,
		  bool readonly, char **err)
{
	struct block_file *bf;
	int rc;

	if (drv >= FDC_DRIVES) {
		close(fd);
		error_setf(err, "fdc: no floppy drive %u (0 or 1)", drv);
		return -EINVAL;
	}
	rc = block_file_open_fd(&bf, fd, name, readonly, err);
	if (rc < 0)
		return rc;
	return insert_media(f, drv, bf, name, readonly, err);
}

static int insert_media(struct fdc *f, unsigned int drv, struct block_file *bf,
			const char *path, bool readonly, char **err)
{
	const struct fdc_geometry *geo;

	geo = fdc_geometry_for_size(bf->size);
	if (!geo) {
		error_setf(err, "%s: %llu bytes is no floppy format (360K "
			   "368640, 720K 737280, 1.2M 1228800, 1.44M 1474560, "
			   "2.88M 2949120)", path, (unsigned long long)bf->size);
		block_file_close(bf);
		return -EINVAL;
	}
	pthread_mutex_lock(&f->lock);
	eject_locked(&f->drives[drv]);
	f->drives[drv].media = bf;
	f->drives[drv].geo = geo;
	f->drives[drv].readonly = readonly;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

int fdc_eject(struct fdc *f, unsigned int drv, char **err)
{
	if (drv >= FDC_DRIVES) {
		error_setf(err, "fdc: no floppy drive %u (0 or 1)", drv);
		return -EINVAL;
	}
	pthread_mutex_lock(&f->lock);
	eject_locked(&f->drives[drv]);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

bool fdc_has_media(struct fdc *f, unsigned int drv)
{
	bool r;

	if (drv >= FDC_DRIVES)
		return false;
	pthread_mutex_lock(&f->lock);
	r = f->drives[drv].media != NULL;
	pthread_mutex_unlock(&f->lock);
	return r;
}

enum fdc_phase fdc_phase(struct fdc *f)
{
	enum fdc_phase p;

	pthread_mutex_lock(&f->lock);
	p = f->phase;
	pthread_mutex_unlock(&f->lock);
	return p;
}

uint8_t fdc_msr(struct fdc *f)
{
	uint8_t m;

	pthread_mutex_lock(&f->lock);
	m = f->msr;
	pthread_mutex_unlock(&f->lock);
	return m;
}

bool fdc_phase_needed(struct fdc *f)
{
	bool r;

	pthread_mutex_lock(&f->lock);
	r = fdc_reconstruct_phase(f->msr) != f->phase;
	pthread_mutex_unlock(&f->lock);
	return r;
}
