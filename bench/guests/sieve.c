/* SPDX-License-Identifier: MIT */
/*
 * CPU-bound benchmark guest (bench/run): a prime sieve, a table-driven
 * CRC-32 and a heap sort, each run a fixed number of rounds so that the
 * same image takes the same guest instructions on any correct CPU.
 *
 * BENCH_SCALE (set by bench/meson.build) multiplies the rounds: the large
 * image takes a few seconds on minivmm's software CPU, the small one is
 * the fixed workload counted under callgrind.
 *
 * Output, one line per workload and a total:
 *   bench NAME ROUNDS TIME_US CHECKSUM TOD_TICKS
 * TIME_US and TOD_TICKS are the same interval read from the TOD clock
 * (bit 51 is one microsecond, so a tick is 1/4096 us).  Under QEMU with
 * "-icount shift=0" the virtual clock advances 1 ns per guest
 * instruction, so TOD_TICKS * 1000 / 4096 is an instruction count: that
 * is how bench/run counts the guest instructions of this workload.
 */
#include "lib/guest.h"

#ifndef BENCH_SCALE
#define BENCH_SCALE 1
#endif

#define SIEVE_SIZE	(1u << 20)	/* numbers 0 .. 2^20-1 */
#define CRC_SIZE	(1u << 16)
#define SORT_SIZE	(1u << 14)

static uint8_t composite[SIEVE_SIZE];
static uint8_t crc_buf[CRC_SIZE];
static uint32_t sort_buf[SORT_SIZE];

/* Sieve of Eratosthenes; the checksum is the number of primes below
 * SIEVE_SIZE (82025 for 2^20) times the rounds. */
static uint64_t w_sieve(uint64_t rounds)
{
	uint64_t primes = 0;

	for (uint64_t r = 0; r < rounds; r++) {
		memset(composite, 0, sizeof(composite));
		for (uint32_t i = 2; i * i < SIEVE_SIZE; i++) {
			if (composite[i])
				continue;
			for (uint32_t j = i * i; j < SIEVE_SIZE; j += i)
				composite[j] = 1;
		}
		for (uint32_t i = 2; i < SIEVE_SIZE; i++)
			primes += !composite[i];
	}
	return primes;
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320), one table lookup
 * per byte, chained across rounds. */
static uint64_t w_crc32(uint64_t rounds)
{
	static uint32_t table[256];
	uint32_t crc = 0xffffffffu;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
		table[i] = c;
	}
	for (uint32_t i = 0; i < CRC_SIZE; i++)
		crc_buf[i] = (uint8_t)(i * 7 + (i >> 8));
	for (uint64_t r = 0; r < rounds; r++)
		for (uint32_t i = 0; i < CRC_SIZE; i++)
			crc = table[(crc ^ crc_buf[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

static void sift_down(uint32_t *a, uint32_t root, uint32_t n)
{
	for (;;) {
		uint32_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		uint32_t t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Heap sort of pseudo-random words (a 32-bit LCG); the checksum mixes the
 * sorted order in, so an unsorted result changes it. */
static uint64_t w_sort(uint64_t rounds)
{
	uint32_t x = 12345;
	uint64_t h = 0;

	for (uint64_t r = 0; r < rounds; r++) {
		for (uint32_t i = 0; i < SORT_SIZE; i++) {
			x = x * 1664525u + 1013904223u;
			sort_buf[i] = x;
		}
		for (uint32_t i = SORT_SIZE / 2; i-- > 0;)
			sift_down(sort_buf, i, SORT_SIZE);
		for (uint32_t n = SORT_SIZE; n-- > 1;) {
			uint32_t t = sort_buf[0];
			sort_buf[0] = sort_buf[n];
			sort_buf[n] = t;
			sift_down(sort_buf, 0, n);
		}
		for (uint32_t i = 1; i < SORT_SIZE; i++)
			if (sort_buf[i - 1] > sort_buf[i])
				return 0;	/* not sorted: a CPU bug */
		for (uint32_t i = 0; i < SORT_SIZE; i += 64)
			h = h * 31 + sort_buf[i];
	}
	return h;
}

static const struct {
	const char *name;
	uint64_t (*fn)(uint64_t);
	uint64_t rounds;
} workloads[] = {
	{ "sieve", w_sieve, 2 * BENCH_SCALE },
	{ "crc32", w_crc32, 20 * BENCH_SCALE },
	{ "sort", w_sort, 2 * BENCH_SCALE },
};

static void report(const char *name, uint64_t rounds, uint64_t ticks,
		   uint64_t sum)
{
	printf("bench %s %llu %llu 0x%016llx %llu\n", name,
	       (unsigned long long)rounds, (unsigned long long)(ticks >> 12),
	       (unsigned long long)sum, (unsigned long long)ticks);
}

int main(void)
{
	uint64_t start, all = 0;

	if (sclp_init())
		return 2;
	start = stck();
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		uint64_t t0 = stck();
		uint64_t sum = workloads[i].fn(workloads[i].rounds);

		report(workloads[i].name, workloads[i].rounds, stck() - t0, sum);
		all = all * 0x100000001b3ULL ^ sum;
	}
	/* The total includes the printing of the lines above. */
	report("total", 1, stck() - start, all);
	return 0;
}
