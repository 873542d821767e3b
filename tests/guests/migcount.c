/* SPDX-License-Identifier: MIT */
/*
 * Migration workload guest: counts MIGCOUNT_ITERS steps (migcount.h) with
 * its state in registers and a RAM table, printing "migcount progress N"
 * every MIGCOUNT_PROGRESS steps and "migcount done CHECKSUM" at the end,
 * then exits 0 (-smp 2: see main()).  A VM saved mid-run and restored elsewhere must print the
 * same final checksum as one that ran straight through.
 */
#include "lib/guest.h"
#include "migcount.h"

static uint64_t tab[MIGCOUNT_WORDS];

static void count(void *arg)
{
	uint64_t x = 1;

	(void)arg;
	for (uint32_t i = 0; i < MIGCOUNT_ITERS; i++) {
		x = migcount_step(x, i, tab);
		if ((i + 1) % MIGCOUNT_PROGRESS == 0)
			printf("migcount progress %u\n", (i + 1) / MIGCOUNT_PROGRESS);
	}
	printf("migcount done %016llx\n",
	       (unsigned long long)migcount_sum(x, tab));
	exit(0);
}

/*
 * With two CPUs, CPU 1 counts and CPU 0 enters the stopped state for
 * good: a restore that started CPU 0 again (instead of keeping the
 * restored stopped state) would print "cpu0 resumed" and exit 3.
 */
int main(void)
{
	printf("migcount start\n");
	if (smp_count_cpus() > 1) {
		if (smp_start_cpu(1, count, NULL))
			return 2;
		sigp(stap(), SIGP_STOP, 0, NULL);
		printf("migcount cpu0 resumed\n");
		return 3;
	}
	count(NULL);
	return 0;
}
