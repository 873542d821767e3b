/* SPDX-License-Identifier: MIT */
/*
 * What the virtio-blk continuity guest (migblk.c) and its runner
 * (continuity.c) agree on: a 1 MiB image whose byte i of sector s is
 * migblk_img_byte(s, i); MIGBLK_NREQ requests queued at once, the even
 * ones writing MIGBLK_SECTORS sectors each from MIGBLK_WRITE_BASE on
 * (contiguous, migblk_wr_byte()), the odd ones reading MIGBLK_SECTORS
 * sectors each at MIGBLK_READ_BASE + 64 * i (the image pattern).
 */
#ifndef MIGBLK_H
#define MIGBLK_H

#include <stdint.h>

#define MIGBLK_IMG_BYTES	(1u << 20)
#define MIGBLK_NREQ		12
#define MIGBLK_SECTORS		32	/* 16 KiB per request */
#define MIGBLK_WRITE_BASE	64
#define MIGBLK_READ_BASE	1024

static inline uint8_t migblk_img_byte(uint32_t s, uint32_t i)
{
	return (uint8_t)(s * 131 + i * 7 + 3);
}

static inline uint8_t migblk_wr_byte(uint32_t s, uint32_t i)
{
	return (uint8_t)((s * 37 + i * 11 + 0x5a) ^ 0xa5);
}

/* Sector of request r (even: written, odd: read). */
static inline uint32_t migblk_sector(unsigned int r)
{
	return r % 2 ? MIGBLK_READ_BASE + 64 * r
		     : MIGBLK_WRITE_BASE + MIGBLK_SECTORS * (r / 2);
}

#endif
