/* SPDX-License-Identifier: MIT */
/*
 * The disk images of the continuity guests (migblk.c: migblk.h's
 * pattern; migfloppy.c: floppy-pattern.h's) as the runner makes them and
 * as the guest must leave them (migblk writes its write requests' sectors;
 * migfloppy-execution writes C 30 H 0 R 1-2).  Shared by the runners
 * that save and restore these guests (guest/continuity.c; the live
 * in-flight test has the same contents).
 */
#ifndef MINIVMM_TESTS_MIGRATE_MIGIMAGE_H
#define MINIVMM_TESTS_MIGRATE_MIGIMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/ksft.h"
#include "tests/guests/floppy-pattern.h"
#include "migblk.h"

static inline uint8_t migimg_byte(bool floppy, uint64_t off)
{
	if (floppy)
		return flp_image_byte((uint32_t)(off / FLP_SECTOR), off % FLP_SECTOR);
	return migblk_img_byte((uint32_t)(off / 512), off % 512);
}

/* What the guest called name leaves at off. */
static inline uint8_t migimg_final_byte(bool floppy, uint64_t off,
					const char *name)
{
	uint32_t s = (uint32_t)(off / 512), i = off % 512;

	if (floppy) {
		uint32_t w = FLP_LBA(30, 0, 1);

		if (!strcmp(name, "migfloppy-execution") && s >= w && s < w + 2)
			return flp_written_byte(s, i);
		return flp_image_byte(s, i);
	}
	if (s >= MIGBLK_WRITE_BASE &&
	    s < MIGBLK_WRITE_BASE + MIGBLK_SECTORS * (MIGBLK_NREQ / 2))
		return migblk_wr_byte(s, i);
	return migblk_img_byte(s, i);
}

static inline uint64_t migimg_size(bool floppy)
{
	return floppy ? FLP_IMAGE_BYTES : MIGBLK_IMG_BYTES;
}

/* Write the first contents to path; 0 or -1. */
static inline int migimg_make(const char *path, bool floppy)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	for (uint64_t o = 0; o < migimg_size(floppy); o++)
		fputc(migimg_byte(floppy, o), f);
	return fclose(f);
}

/* Does path hold what the guest called name must leave? */
static inline bool migimg_check(const char *path, bool floppy,
				const char *name)
{
	FILE *f = fopen(path, "rb");
	uint64_t o = 0;
	int c;
	bool ok = f != NULL;

	while (ok && (c = fgetc(f)) != EOF) {
		if (o >= migimg_size(floppy) ||
		    (uint8_t)c != migimg_final_byte(floppy, o, name)) {
			ksft_print_msg("image byte %llu: 0x%02x, want 0x%02x\n",
				       (unsigned long long)o, c,
				       migimg_final_byte(floppy, o, name));
			ok = false;
		}
		o++;
	}
	if (f)
		fclose(f);
	return ok && o == migimg_size(floppy);
}

#endif
