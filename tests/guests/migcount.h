/* SPDX-License-Identifier: MIT */
/*
 * The migcount workload, shared by the guest (tests/guests/migcount.c)
 * and the host test that checks its result (tests/migrate/guest/):
 * MIGCOUNT_ITERS steps of a 64-bit LCG whose state lives in registers,
 * each step also folding into a RAM table, so a save/restore that loses
 * either registers or RAM changes the final checksum.
 */
#ifndef MIGCOUNT_H
#define MIGCOUNT_H

#include <stdint.h>

#define MIGCOUNT_ITERS		(1u << 22)	/* steps in all */
#define MIGCOUNT_PROGRESS	(1u << 15)	/* steps between progress lines */
#define MIGCOUNT_WORDS		4096		/* RAM table, 32 KiB */

/* One step: x is the register state, tab the RAM table. */
static inline uint64_t migcount_step(uint64_t x, uint32_t i, uint64_t *tab)
{
	x = x * 6364136223846793005ull + 1442695040888963407ull;
	tab[(x >> 20) % MIGCOUNT_WORDS] += x ^ i;
	return x;
}

/* The final checksum: the register state and every table word. */
static inline uint64_t migcount_sum(uint64_t x, const uint64_t *tab)
{
	uint64_t s = x;

	for (uint32_t i = 0; i < MIGCOUNT_WORDS; i++)
		s = (s ^ tab[i]) * 1099511628211ull;
	return s;
}

#endif
