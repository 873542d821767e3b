/* SPDX-License-Identifier: MIT */
/*
 * Known-length loop (bench/run): BENCH_LOOPS iterations of an 8-instruction
 * body (load, add, exclusive-or, rotate, store, add immediate, compare,
 * branch on count), so the guest executes exactly 8 * BENCH_LOOPS loop
 * instructions.  Two images differing only in BENCH_LOOPS, run under
 * callgrind, give host instructions per guest instruction for this mix
 * as the difference of their totals divided by 8 * the difference of
 * their iteration counts: everything else (start-up, printing, exit)
 * cancels out.
 *
 * Output: bench loop ITERATIONS TIME_US CHECKSUM TOD_TICKS
 */
#include "lib/guest.h"

#ifndef BENCH_LOOPS
#define BENCH_LOOPS 1000000
#endif

#define LOOP_INSNS 8

/* Its own page: a store to a page holding translated code makes QEMU's
 * TCG discard that code on every iteration. */
static uint64_t cell[2] __attribute__((aligned(PAGE_SIZE)));

int main(void)
{
	uint64_t n = BENCH_LOOPS, acc = 1, mix = 0, cmp = 0, t0, t1;

	if (sclp_init())
		return 2;
	cell[0] = 0x0123456789abcdefULL;
	t0 = stck();
	asm volatile(
		"0:	lg	%%r1,0(%[p])\n"
		"	agr	%[acc],%%r1\n"
		"	xgr	%[mix],%[acc]\n"
		"	rllg	%[mix],%[mix],7\n"
		"	stg	%[mix],8(%[p])\n"
		"	aghi	%[cmp],3\n"
		"	cgr	%[cmp],%[acc]\n"
		"	brctg	%[n],0b\n"
		: [n] "+d"(n), [acc] "+d"(acc), [mix] "+d"(mix), [cmp] "+d"(cmp)
		: [p] "a"(cell)
		: "r1", "cc", "memory");
	t1 = stck();
	printf("bench loop %llu %llu 0x%016llx %llu\n",
	       (unsigned long long)BENCH_LOOPS,
	       (unsigned long long)((t1 - t0) >> 12),
	       (unsigned long long)(cell[1] ^ cmp),
	       (unsigned long long)(t1 - t0));
	printf("loop instructions %llu\n",
	       (unsigned long long)BENCH_LOOPS * LOOP_INSNS);
	return 0;
}
