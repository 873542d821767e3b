/* SPDX-License-Identifier: MIT */
/*
 * Frames of guest RAM that no page backs yet (never written since the RAM
 * was mapped, or discarded): they read as zero, and reading one to find
 * that out costs a page fault (the kernel maps its zero page).  The
 * migration writer sends ZERO for them without touching them, and the
 * loader skips a ZERO page that is already untouched.
 *
 * The answer comes from the kernel's page tables (/proc/self/pagemap),
 * not from bookkeeping of our own, so no write path can be missed;
 * migrate/untouched.c says why it is exact and when it is not used.
 */
#ifndef MINIVMM_MIGRATE_UNTOUCHED_H
#define MINIVMM_MIGRATE_UNTOUCHED_H

#include <stdint.h>

#define MIG_UNTOUCHED_MAX	256u	/* frames per query */

struct mig_untouched;

/*
 * For RAM [ram, ram + size) (page aligned).  NULL when the answer would
 * not be exact (not private anonymous memory, no pagemap, or a pagemap
 * that does not describe this address space, as under qemu-user); the
 * caller then reads the pages.  *why (may be NULL) says which.
 */
struct mig_untouched *mig_untouched_open(const void *ram, uint64_t size,
					 const char **why);
void mig_untouched_close(struct mig_untouched *u);

/*
 * bits[(i / 64)] bit (i % 64) set: frame first + i (i < n <= 256) has no
 * page, i.e. reads as zero.  Returns 0, or -errno with bits all clear
 * (nothing known: read the pages).
 */
int mig_untouched_get(struct mig_untouched *u, uint64_t first, unsigned int n,
		      uint64_t bits[MIG_UNTOUCHED_MAX / 64]);

#endif
