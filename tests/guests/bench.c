/* SPDX-License-Identifier: MIT */
/*
 * Benchmark guest (for bench/, not a test): fixed workloads whose time is
 * measured with the guest's TOD clock, so that minivmm and QEMU can be
 * compared running the same image.  Each line is
 *   bench NAME ITERATIONS TIME_US CHECKSUM
 * and the checksums must agree between any two correct CPUs.
 */
#include "lib/guest.h"

static uint8_t buf_a[1 << 16], buf_b[1 << 16];

static uint64_t w_integer(uint64_t n)
{
	uint64_t x = 1, h = 0;

	for (uint64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		h ^= (x >> 17) * 0x9e3779b97f4a7c15ULL + (h << 5);
		h += x / ((i & 0xff) + 1);
	}
	return h;
}

static uint64_t w_memory(uint64_t n)
{
	uint64_t h = 0;

	for (uint64_t i = 0; i < n; i++) {
		memset(buf_a, (int)i, sizeof(buf_a));
		memcpy(buf_b, buf_a, sizeof(buf_b));
		memmove(buf_b + 1, buf_b, sizeof(buf_b) - 1);
		h = h * 31 + buf_b[i & 0xffff];
	}
	return h;
}

static uint64_t w_crc(uint64_t n)
{
	static uint32_t table[256];
	uint32_t crc = 0xffffffffu;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	for (size_t i = 0; i < sizeof(buf_a); i++)
		buf_a[i] = (uint8_t)(i * 13);
	for (uint64_t r = 0; r < n; r++)
		for (size_t i = 0; i < sizeof(buf_a); i++)
			crc = table[(crc ^ buf_a[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint64_t w_float(uint64_t n)
{
	double s = 0, x = 0.5;
	uint64_t u;

	for (uint64_t i = 1; i <= n; i++) {
		s += x / (double)i - s * 1e-9;
		x = x * 1.0000001 + 1e-12;
		s = __builtin_sqrt(s * s + 1e-6);
	}
	memcpy(&u, &s, sizeof(u));
	return u;
}

static uint64_t w_svc(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("svc 7" : : : "memory");
	return (uint64_t)svc_info[stap()].count;
}

static uint64_t w_console(uint64_t n)
{
	uint64_t h = 0;

	for (uint64_t i = 0; i < n; i++)
		h += (uint64_t)printf("# console line %llu\n", (unsigned long long)i);
	return h;
}

static const struct {
	const char *name;
	uint64_t (*fn)(uint64_t);
	uint64_t iterations;
} workloads[] = {
	{ "integer", w_integer, 2000000 },
	{ "memory", w_memory, 50 },
	{ "crc32", w_crc, 20 },
	{ "float", w_float, 1000000 },
	{ "svc", w_svc, 200000 },
	{ "console", w_console, 200 },
};

int main(void)
{
	uint64_t total = stck();

	sclp_init();
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		uint64_t t0 = stck(), sum = workloads[i].fn(workloads[i].iterations);
		uint64_t us = (stck() - t0) >> 12;

		printf("bench %s %llu %llu 0x%016llx\n", workloads[i].name,
		       (unsigned long long)workloads[i].iterations,
		       (unsigned long long)us, (unsigned long long)sum);
	}
	printf("bench total 1 %llu 0x0\n", (unsigned long long)((stck() - total) >> 12));
	return 0;
}
