/* SPDX-License-Identifier: MIT */
/*
 * The floppy controller's state, shared by the register model
 * (devices/fdc.c) and its migration description (devices/fdc-state.c).
 * Nothing else includes this; the device's interface is devices/fdc.h.
 */
#ifndef MINIVMM_FDC_PRIV_H
#define MINIVMM_FDC_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/fdc.h"

struct block_file;
struct isa_dma;
struct portio_bus;

#define FDC_SECTOR		512
#define FDC_FIFO_SIZE		FDC_SECTOR	/* one sector; commands fit */
#define FDC_RESET_SENSEI	4	/* drive positions polled after reset */

/* What the execution phase moves. */
enum fdc_xfer {
	XFER_NONE,
	XFER_READ,		/* READ DATA, READ DELETED DATA, READ TRACK */
	XFER_WRITE,		/* WRITE DATA, WRITE DELETED DATA */
	XFER_FORMAT,		/* FORMAT TRACK: 4 ID bytes per sector */
};

struct fdc_drive {
	/* Media: configuration, not migrated (each side opens its image). */
	struct block_file *media;
	const struct fdc_geometry *geo;		/* NULL without media */
	bool readonly;
	/* Guest-visible state (migrated). */
	uint8_t track;		/* present cylinder number (PCN) */
	uint8_t head;		/* last head selected */
	uint8_t sect;		/* sector under the head, for READ ID */
	bool dskchg;		/* disk-change latch: DIR bit 7 */
	bool int_pending;	/* seek ended, SENSE INTERRUPT not yet issued */
	uint8_t int_st0;	/* ... its ST0 */
};


/*
 * All controller state.  Fields marked "guest-visible" are what the
 * migration state table will describe; the rest is wiring or
 * configuration and gets one line why not.
 */
struct fdc {
	/* Wiring, not migrated. */
	struct portio_bus *bus;
	struct isa_dma *dma;
	pthread_mutex_t lock;	/* vCPU threads (DIAG bridge), qtest, QMP */
	bool line;		/* level last sent on IRQ 6: derived */

	/* Guest-visible registers. */
	uint8_t dor, tdr, dsr;
	uint8_t msr;		/* derived from phase at each transition */
	bool intr;		/* INT before the DOR gate (SRA bit 7) */
	enum fdc_phase phase;	/* explicit; see fdc_reconstruct_phase() */

	/* Guest-visible FIFO: command, sector data or result bytes. */
	uint8_t fifo[FDC_FIFO_SIZE];
	uint32_t data_pos, data_len;	/* data_len <= FDC_FIFO_SIZE always */
	uint8_t cmd;			/* command byte being handled */

	/* Guest-visible execution state of a data transfer. */
	uint8_t xfer;			/* enum fdc_xfer */
	uint8_t xfer_drive, xfer_hds;	/* DS and HDS of the command */
	uint8_t xfer_c, xfer_h, xfer_r, xfer_n, xfer_eot;
	uint8_t xfer_left;		/* FORMAT: sectors left */
	uint8_t xfer_fill;		/* FORMAT: filler byte */
	uint8_t st0, st1, st2;

	/* Guest-visible configuration. */
	uint8_t specify[2];	/* SRT<<4|HUT, HLT<<1|ND */
	uint8_t config;		/* CONFIGURE: EIS|EFIFO|POLL|FIFOTHR */
	uint8_t pretrk;
	bool locked;
	uint8_t perpendicular;	/* D3-D0<<2 | GAP<<1 | WGATE */
	uint8_t last_eot;	/* DUMPREG SC/EOT */
	uint8_t reset_sensei;	/* polling statuses left after reset (0-4) */

	struct fdc_drive drives[FDC_DRIVES];
};

/* Recompute INT, SRA and the IRQ 6 level after a state change (lock held). */
void fdc_update_line(struct fdc *f);

#endif
