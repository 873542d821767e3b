/* SPDX-License-Identifier: MIT */
/*
 * Migration workload guest: counts MIGCOUNT_ITERS steps (migcount.h) with
 * its state in registers and a RAM table, printing "migcount progress N"
 * every MIGCOUNT_PROGRESS steps and "migcount done CHECKSUM" at the end,
 * then exits 0.  A VM saved mid-run and restored elsewhere must print the
 * same final checksum as one that ran straight through.
 */
#include "lib/guest.h"
#include "migcount.h"

static uint64_t tab[MIGCOUNT_WORDS];

int main(void)
{
	uint64_t x = 1;

	printf("migcount start\n");
	for (uint32_t i = 0; i < MIGCOUNT_ITERS; i++) {
		x = migcount_step(x, i, tab);
		if ((i + 1) % MIGCOUNT_PROGRESS == 0)
			printf("migcount progress %u\n", (i + 1) / MIGCOUNT_PROGRESS);
	}
	printf("migcount done %016llx\n",
	       (unsigned long long)migcount_sum(x, tab));
	return 0;
}
