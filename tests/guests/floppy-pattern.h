/* SPDX-License-Identifier: MIT */
/*
 * The bytes the floppy guest test agrees on, shared by the guest
 * (floppy.c) and the host-side runner (floppy-run.c): the 1.44M image the
 * runner makes, which sectors the guest writes, and what it writes.
 *
 * Image: sector LBA s holds 128 big-endian 32-bit words, word k =
 * s << 16 | k, so a sector read from the wrong place or at the wrong
 * offset is caught.  LBA = (C * 2 + H) * 18 + R - 1.
 */
#ifndef FLOPPY_PATTERN_H
#define FLOPPY_PATTERN_H

#include <stdint.h>

#define FLP_SECTOR		512
#define FLP_TRACKS		80
#define FLP_HEADS		2
#define FLP_SPT			18
#define FLP_SECTORS		(FLP_TRACKS * FLP_HEADS * FLP_SPT)	/* 2880 */
#define FLP_IMAGE_BYTES		(FLP_SECTORS * FLP_SECTOR)		/* 1474560 */

#define FLP_LBA(c, h, r)	(((c) * FLP_HEADS + (h)) * FLP_SPT + (r) - 1)

/* What the guest writes: WRITE DATA by DMA to C 20 H 0 R 1-2, by non-DMA
 * to C 20 H 1 R 18 (the last sector of the cylinder). */
#define FLP_WRITE_DMA_C		20
#define FLP_WRITE_DMA_R		1
#define FLP_WRITE_DMA_N		2
#define FLP_WRITE_PIO_C		20
#define FLP_WRITE_PIO_H		1
#define FLP_WRITE_PIO_R		18

static inline uint8_t flp_image_byte(uint32_t lba, uint32_t i)
{
	uint32_t word = lba << 16 | i / 4;

	return (uint8_t)(word >> (8 * (3 - i % 4)));
}

static inline uint8_t flp_written_byte(uint32_t lba, uint32_t i)
{
	return (uint8_t)(lba * 31 + i * 7 + 0x5a);
}

static inline int flp_is_written(uint32_t lba)
{
	uint32_t dma = FLP_LBA(FLP_WRITE_DMA_C, 0, FLP_WRITE_DMA_R);

	return (lba >= dma && lba < dma + FLP_WRITE_DMA_N) ||
	       lba == FLP_LBA(FLP_WRITE_PIO_C, FLP_WRITE_PIO_H, FLP_WRITE_PIO_R);
}

#endif
