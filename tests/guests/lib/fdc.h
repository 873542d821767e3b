/* SPDX-License-Identifier: MIT */
/*
 * Guest-side Intel 82078 floppy controller helpers on the port-I/O
 * bridge (lib/pio.h), for the floppy guests (tests/guests/floppy.c,
 * tests/migrate/guest/migfloppy.c): the register and bit names of the
 * datasheet, the FIFO handshakes of the command, execution (non-DMA) and
 * result phases, SENSE INTERRUPT STATUS, and 8237 channel 2 programmed
 * like Linux's fd_dma_setup().  Every poll is bounded by POLL_LIMIT MSR
 * reads.  Header only: each guest includes what it uses.
 */
#ifndef GUEST_FDC_H
#define GUEST_FDC_H

#include "pio.h"
#include "tap.h"

/* 82078 registers (datasheet "Register Description"), primary base. */
#define FDC_SRA		0x3f0
#define FDC_DOR		0x3f2
#define FDC_MSR		0x3f4	/* write: DSR */
#define FDC_FIFO	0x3f5
#define FDC_DIR		0x3f7	/* write: CCR */
#define FDC_IRQ		6

#define DOR_NRESET	0x04
#define DOR_DMA_GATE	0x08
#define DOR_MOTOR0	0x10
#define MSR_CMD_BUSY	0x10
#define MSR_NON_DMA	0x20
#define MSR_DIO		0x40
#define MSR_RQM		0x80
#define DIR_DSKCHG	0x80
#define SRA_INTPEND	0x80

/* Command bytes ("Command Set/Descriptions"). */
#define CMD_MT		0x80
#define CMD_MFM		0x40
#define CMD_READ	0x06
#define CMD_WRITE	0x05
#define CMD_READ_ID	0x0a
#define CMD_RECAL	0x07
#define CMD_SENSEI	0x08
#define CMD_SPECIFY	0x03
#define CMD_SEEK	0x0f
#define CMD_VERSION	0x10
#define CMD_DUMPREG	0x0e

#define ST0_IC_MASK	0xc0
#define ST0_AT		0x40
#define ST0_RDYCHG	0xc0
#define ST0_SE		0x20
#define ST0_HD		0x04
#define ST1_ND		0x04
#define ST1_EN		0x80

/* SPECIFY: SRT 3 ms / HUT 240 ms (0xdf), HLT 2 ms (0x02), ND in bit 0. */
#define SPEC1		0xdf
#define SPEC2_DMA	0x02
#define SPEC2_NON_DMA	0x03

/* 8237 first controller (Intel 8237A datasheet; PC/AT port map). */
#define DMA_CH2_ADDR	0x04
#define DMA_CH2_COUNT	0x05
#define DMA_STATUS	0x08
#define DMA_MASK	0x0a
#define DMA_MODE	0x0b
#define DMA_FLIPFLOP	0x0c
#define DMA_ALL_MASK	0x0f
#define DMA_PAGE_CH2	0x81
#define DMA_CHAN	2
#define DMA_MODE_SINGLE	0x40
#define DMA_MODE_WRITE	0x04	/* to memory: a disk read */
#define DMA_MODE_READ	0x08	/* from memory: a disk write */

#define GPL		0x1b	/* gap length for 3.5" HD */
#define POLL_LIMIT	100000

/* ---- FIFO handshakes (datasheet "Command/Result Phases") ---------- */

/* One command or parameter byte when MSR offers RQM=1 DIO=0. */
static inline bool fdc_out(uint8_t b)
{
	for (int i = 0; i < POLL_LIMIT; i++) {
		uint8_t msr = inb(FDC_MSR);

		if ((msr & (MSR_RQM | MSR_DIO | MSR_NON_DMA)) == MSR_RQM) {
			outb(FDC_FIFO, b);
			return true;
		}
	}
	tap_diag("fdc_out(0x%02x): MSR 0x%02x never asked for it", b,
		 inb(FDC_MSR));
	return false;
}

/* n command bytes; false at the first the FDC did not take. */
static inline bool fdc_cmd(const uint8_t *bytes, int n)
{
	for (int i = 0; i < n; i++)
		if (!fdc_out(bytes[i]))
			return false;
	return true;
}

#define FDC_CMD(...) \
	fdc_cmd((const uint8_t[]){ __VA_ARGS__ }, \
		(int)sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* Result bytes while MSR says RQM=1 DIO=1; returns how many (at most max). */
static inline int fdc_result(uint8_t *r, int max)
{
	int n = 0;

	for (int i = 0; i < POLL_LIMIT && n < max; i++) {
		uint8_t msr = inb(FDC_MSR);

		if ((msr & (MSR_RQM | MSR_DIO | MSR_NON_DMA)) == (MSR_RQM | MSR_DIO))
			r[n++] = inb(FDC_FIFO);
		else if ((msr & (MSR_RQM | MSR_DIO)) == MSR_RQM)
			break;		/* back in the command phase */
	}
	return n;
}

/* SENSE INTERRUPT STATUS: ST0 and PCN; false unless 2 bytes came. */
static inline bool fdc_sense_interrupt(uint8_t *st0, uint8_t *pcn)
{
	uint8_t r[2];

	if (!FDC_CMD(CMD_SENSEI) || fdc_result(r, 2) != 2)
		return false;
	*st0 = r[0];
	*pcn = r[1];
	return true;
}

/* Non-DMA execution phase: up to len bytes through the FIFO while MSR
 * has NON DMA; returns how many moved. */
static inline int fdc_pio_transfer(uint8_t *buf, int len, bool to_host)
{
	uint8_t want = MSR_RQM | MSR_NON_DMA | (to_host ? MSR_DIO : 0);
	int n = 0;

	for (int spins = 0; n < len && spins < POLL_LIMIT; spins++) {
		uint8_t msr = inb(FDC_MSR);

		if ((msr & (MSR_RQM | MSR_DIO | MSR_NON_DMA)) == want) {
			if (to_host)
				buf[n++] = inb(FDC_FIFO);
			else
				outb(FDC_FIFO, buf[n++]);
			spins = 0;
		} else if (!(msr & MSR_NON_DMA)) {
			break;		/* the execution phase ended */
		}
	}
	return n;
}

/* ---- 8237 channel 2, as Linux's fd_dma_setup() programs it -------- */

/* 8237 channel 2 for len bytes at buf (below 16 MiB, inside one 64 KiB
 * page): to memory (a disk read) or from it. */
static inline void fdc_dma_setup(void *buf, uint32_t len, bool to_memory)
{
	uint32_t a = (uint32_t)(uintptr_t)buf, count = len - 1;

	outb(DMA_MASK, 0x04 | DMA_CHAN);		/* set mask bit */
	outb(DMA_FLIPFLOP, 0);
	outb(DMA_MODE, DMA_MODE_SINGLE | DMA_CHAN |
		       (to_memory ? DMA_MODE_WRITE : DMA_MODE_READ));
	outb(DMA_CH2_ADDR, (uint8_t)a);
	outb(DMA_CH2_ADDR, (uint8_t)(a >> 8));
	outb(DMA_PAGE_CH2, (uint8_t)(a >> 16));
	outb(DMA_CH2_COUNT, (uint8_t)count);
	outb(DMA_CH2_COUNT, (uint8_t)(count >> 8));
	outb(DMA_MASK, DMA_CHAN);			/* clear mask bit */
}

#endif
