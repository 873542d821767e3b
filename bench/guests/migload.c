/* SPDX-License-Identifier: MIT */
/*
 * The guest that bench/migrate-live migrates, on minivmm and on QEMU.
 *
 * MIGLOAD_DIRTY=0 (idle): print "migload ready MEM_MIB" and wait enabled
 * for an interruption that never comes: memory beyond the image is as the
 * VMM gave it (zero), so a migration sends almost only zero-page markers.
 *
 * MIGLOAD_DIRTY=1: fill every byte from 1 MiB to the end of storage with
 * xorshift64 data (no two pages equal, nothing compressible), print
 * "migload ready MEM_MIB", then rewrite a MIGLOAD_WS_MIB working set
 * forever, 64 bytes of each page per pass: the pages a pre-copy pass
 * sends are dirtied again at once, as a busy guest's are.
 */
#include "lib/guest.h"

#ifndef MIGLOAD_DIRTY
#define MIGLOAD_DIRTY 0
#endif
#ifndef MIGLOAD_WS_MIB
#define MIGLOAD_WS_MIB 32
#endif

#define FILL_START	(1UL << 20)

static inline uint64_t xorshift(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* 64 bytes at p: eight successive xorshift values, one STMG. */
static inline uint64_t fill64(uint64_t *p, uint64_t x)
{
	register uint64_t r0 asm("r6"), r1 asm("r7"), r2 asm("r8"), r3 asm("r9");
	register uint64_t r4 asm("r10"), r5 asm("r11"), r6 asm("r12"), r7 asm("r13");

	r0 = x = xorshift(x);
	r1 = x = xorshift(x);
	r2 = x = xorshift(x);
	r3 = x = xorshift(x);
	r4 = x = xorshift(x);
	r5 = x = xorshift(x);
	r6 = x = xorshift(x);
	r7 = x = xorshift(x);
	asm volatile("stmg %%r6,%%r13,0(%[p])"
		     : : [p] "a" (p), "d" (r0), "d" (r1), "d" (r2), "d" (r3),
		       "d" (r4), "d" (r5), "d" (r6), "d" (r7)
		     : "memory");
	return x;
}

int main(void)
{
	uint64_t mem, x = 0x9e3779b97f4a7c15ULL;

	if (sclp_init())
		return 2;
	mem = sclp_memory_size();
	if (MIGLOAD_DIRTY) {
		for (uint64_t a = FILL_START; a + 64 <= mem; a += 64)
			x = fill64((uint64_t *)a, x);
	}
	printf("migload ready %lu\n", (unsigned long)(mem >> 20));
	if (!MIGLOAD_DIRTY) {
		for (;;)
			enabled_wait(PSW_MASK_EXT);
	}
	uint64_t ws = (uint64_t)MIGLOAD_WS_MIB << 20;

	if (ws > mem - FILL_START)
		ws = mem - FILL_START;
	for (uint64_t pass = 0;; pass++)
		for (uint64_t a = FILL_START; a < FILL_START + ws; a += PAGE_SIZE)
			x = fill64((uint64_t *)(a + (pass % 64) * 64), x);
}
