/* SPDX-License-Identifier: MIT */
/*
 * Live-migration workload guest: it never stops writing memory.  Round r
 * walks MIGLIVE_PAGES pages; each page is first checked against what
 * round r - 1 wrote there, then rewritten with round r's pattern, so a
 * guest migrated mid-round checks every page it had written before the
 * move (the rest of the round) and then all of them (the next round).
 * Each round ends with "miglive round R ok SUM" (SUM: a checksum of the
 * whole area); a mismatch prints "miglive BAD page P word W round R" and
 * exits 1.  It runs until the VMM is told to quit.
 */
#include "lib/guest.h"

#define MIGLIVE_PAGES	256		/* 1 MiB */
#define WORDS		(4096 / 8)

static uint64_t area[MIGLIVE_PAGES][WORDS] __attribute__((aligned(4096)));

static uint64_t pattern(uint64_t round, uint64_t page, uint64_t word)
{
	uint64_t x = (round << 40) ^ (page << 16) ^ word;

	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	return x;
}

int main(void)
{
	uint64_t round;

	printf("miglive start\n");
	for (uint64_t p = 0; p < MIGLIVE_PAGES; p++)
		for (uint64_t w = 0; w < WORDS; w++)
			area[p][w] = pattern(0, p, w);
	for (round = 1;; round++) {
		uint64_t sum = 0;

		for (uint64_t p = 0; p < MIGLIVE_PAGES; p++) {
			for (uint64_t w = 0; w < WORDS; w++) {
				if (area[p][w] != pattern(round - 1, p, w)) {
					printf("miglive BAD page %llu word %llu "
					       "round %llu\n",
					       (unsigned long long)p,
					       (unsigned long long)w,
					       (unsigned long long)round);
					exit(1);
				}
				area[p][w] = pattern(round, p, w);
				sum = (sum ^ area[p][w]) * 1099511628211ull;
			}
		}
		printf("miglive round %llu ok %016llx\n",
		       (unsigned long long)round, (unsigned long long)sum);
	}
	return 0;
}
