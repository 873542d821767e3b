/* SPDX-License-Identifier: MIT */
/*
 * Convergence workload guest (tests/migrate/live/converge.c): it dirties
 * MIGDIRTY_PAGES pages (2 MiB) over and over, far faster than the
 * max-bandwidth the test sets, so pre-copy cannot converge until the
 * limits change.  Round r checks every word against round r - 1's
 * pattern and writes round r's, so a guest migrated mid-round checks the
 * pages it wrote before the move and then all of them.  Each round ends
 * with "migdirty round R ok"; a mismatch prints "migdirty BAD page P word
 * W round R" and exits 1.  It runs until the VMM is told to quit.
 */
#include "lib/guest.h"

#define MIGDIRTY_PAGES	512		/* 2 MiB */
#define WORDS		(4096 / 8)

static uint64_t area[MIGDIRTY_PAGES][WORDS] __attribute__((aligned(4096)));

static uint64_t pattern(uint64_t round, uint64_t page, uint64_t word)
{
	uint64_t x = (round << 40) ^ (page << 16) ^ word ^ 0x5bd1e995ull;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 29;
	return x;
}

int main(void)
{
	printf("migdirty start\n");
	for (uint64_t p = 0; p < MIGDIRTY_PAGES; p++)
		for (uint64_t w = 0; w < WORDS; w++)
			area[p][w] = pattern(0, p, w);
	for (uint64_t round = 1;; round++) {
		for (uint64_t p = 0; p < MIGDIRTY_PAGES; p++) {
			for (uint64_t w = 0; w < WORDS; w++) {
				if (area[p][w] != pattern(round - 1, p, w)) {
					printf("migdirty BAD page %llu word %llu "
					       "round %llu\n",
					       (unsigned long long)p,
					       (unsigned long long)w,
					       (unsigned long long)round);
					exit(1);
				}
				area[p][w] = pattern(round, p, w);
			}
		}
		printf("migdirty round %llu ok\n", (unsigned long long)round);
	}
	return 0;
}
