/* SPDX-License-Identifier: MIT */
/*
 * CPU self-test guest: plain, well-defined C that exercises the integer,
 * branch, storage and floating-point instructions gcc emits for zEC12.
 * Each check prints the computed value next to the expected one, which
 * was obtained by running this same file natively (x86-64, gcc, with
 * -DGUEST_LINUX_USER): well-defined C gives identical results anywhere,
 * except the one byte-order check, which states the big-endian layout.
 *
 * Built twice: as a freestanding guest (test guest-cpu) and, with
 * -DGUEST_LINUX_USER, as a static Linux s390x program run under
 * qemu-s390x for the differential test (guest-cpu-diff), whose output
 * must match the guest's line by line.
 */
#ifdef GUEST_LINUX_USER
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#else
#include "lib/guest.h"
#endif
#include "lib/tap.h"

#define NCHECKS 40

static void check(const char *name, uint64_t got, uint64_t want)
{
	tap_ok(got == want, "%s = 0x%016llx", name, (unsigned long long)got);
	if (got != want)
		tap_diag("expected 0x%016llx", (unsigned long long)want);
}

/* Keep gcc from computing the results at compile time. */
static uint64_t opaque(uint64_t v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}

static uint64_t dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double opaque_d(double d)
{
	uint64_t u = opaque(dbits(d));

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* ---- integer ----------------------------------------------------------- */
static uint64_t t_add32(void)
{
	uint32_t a = (uint32_t)opaque(0xfffffff0u), acc = 0;

	for (int i = 0; i < 100; i++) {
		acc += a * (uint32_t)i;
		acc ^= acc << 3;
		a -= 0x1234567u;
	}
	return acc;
}

static uint64_t t_sdiv(void)
{
	int32_t a = (int32_t)opaque((uint64_t)-7), b = (int32_t)opaque(2);
	int64_t c = (int64_t)opaque((uint64_t)-1000000000000LL);
	int64_t d = (int64_t)opaque(7);

	return (uint64_t)(uint32_t)(a / b) << 48 ^ (uint64_t)(uint32_t)(a % b) << 32 ^
	       (uint64_t)(c / d) ^ (uint64_t)(c % d) << 8;
}

static uint64_t t_mul64(void)
{
	uint64_t a = opaque(0x9e3779b97f4a7c15ULL), b = opaque(0xbf58476d1ce4e5b9ULL);

	return a * b;
}

static uint64_t t_mul128hi(void)
{
	unsigned __int128 p = (unsigned __int128)opaque(0x9e3779b97f4a7c15ULL) *
			      opaque(0xbf58476d1ce4e5b9ULL);

	return (uint64_t)(p >> 64);
}

static uint64_t t_smul(void)
{
	int64_t a = (int64_t)opaque((uint64_t)-123456789LL), b = (int64_t)opaque(987654321);

	return (uint64_t)(a * b);
}

static uint64_t t_udiv64(void)
{
	uint64_t a = opaque(0xfedcba9876543210ULL), b = opaque(0x12345ULL);

	return (a / b) ^ (a % b) << 40;
}

static uint64_t t_div128(void)
{
	unsigned __int128 n = ((unsigned __int128)opaque(0x123456789ULL) << 64) |
			      opaque(0xabcdef0123456789ULL);
	uint64_t d = opaque(0xfedcba987ULL);

	return (uint64_t)(n / d) ^ (uint64_t)(n % d);
}

static uint64_t t_shifts(void)
{
	int64_t s = (int64_t)opaque((uint64_t)-0x123456789LL);
	uint64_t u = opaque(0x8000000000000001ULL);
	uint32_t w = (uint32_t)opaque(0x80000001u);
	unsigned k = (unsigned)opaque(13);

	return (uint64_t)(s >> 7) ^ (u >> k) ^ (u << (k + 40)) ^ (uint64_t)(w >> 31) ^
	       ((uint64_t)(w << 1) << 20);
}

static uint64_t t_rotate(void)
{
	uint64_t u = opaque(0x0123456789abcdefULL);
	uint32_t w = (uint32_t)opaque(0x89abcdefu);
	unsigned k = (unsigned)opaque(21);

	return ((u << k) | (u >> (64 - k))) ^
	       (uint64_t)((w << (k - 10)) | (w >> (32 - (k - 10))));
}

static uint64_t t_bits(void)
{
	uint64_t u = opaque(0x00f0000000001000ULL);

	return (uint64_t)__builtin_popcountll(opaque(0xdeadbeefcafef00dULL)) << 32 |
	       (uint64_t)__builtin_clzll(u) << 16 | (uint64_t)__builtin_ctzll(u);
}

static uint64_t t_bswap(void)
{
	return __builtin_bswap64(opaque(0x0102030405060708ULL)) ^
	       __builtin_bswap32((uint32_t)opaque(0xa1b2c3d4u));
}

static uint64_t t_signext(void)
{
	int8_t b = (int8_t)(uint8_t)opaque(0x80);
	int16_t h = (int16_t)(uint16_t)opaque(0x8001);
	int32_t w = (int32_t)(uint32_t)opaque(0xfffffffe);

	return (uint64_t)(int64_t)b ^ ((uint64_t)(int64_t)h << 8) ^
	       ((uint64_t)(int64_t)w << 16);
}

static uint64_t t_compare(void)
{
	int64_t a = (int64_t)opaque((uint64_t)-5), b = (int64_t)opaque(3);
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	return (uint64_t)((a < b) | (ua < ub) << 1 | (a > b) << 2 | (ua > ub) << 3 |
			  ((int32_t)a < (int32_t)b) << 4 | ((uint32_t)ua > (uint32_t)ub) << 5);
}

static uint64_t t_sum(void)
{
	uint64_t s = 0, n = opaque(100000);

	for (uint64_t i = 1; i <= n; i++)
		s += i;
	return s;
}

static uint64_t t_lcg(void)
{
	uint64_t x = opaque(42);

	for (int i = 0; i < 1000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	return x;
}

/* ---- storage ------------------------------------------------------------ */
static uint64_t fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t t_memcpy(void)
{
	uint8_t a[300], b[300];

	for (int i = 0; i < 300; i++)
		a[i] = (uint8_t)(i * 7 + 3);
	memcpy(b, a, opaque(300));
	memcpy(b + 1, a + 5, opaque(257));
	return fnv1a(b, sizeof(b));
}

static uint64_t t_memmove(void)
{
	uint8_t a[300];

	for (int i = 0; i < 300; i++)
		a[i] = (uint8_t)(i ^ 0x5a);
	memmove(a + 10, a, opaque(280));	/* forward overlap */
	memmove(a, a + 33, opaque(200));	/* backward overlap */
	return fnv1a(a, sizeof(a));
}

static uint64_t t_memset(void)
{
	uint8_t a[300];

	memset(a, 0x11, sizeof(a));
	memset(a + 3, 0xa5, opaque(290));
	memset(a + 100, 0, opaque(1));
	return fnv1a(a, sizeof(a));
}

static uint64_t t_memcmp(void)
{
	uint8_t a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = b[i] = (uint8_t)i;
	b[40] = 0x80;
	return (uint64_t)(memcmp(a, b, opaque(40)) == 0) |
	       (uint64_t)(memcmp(a, b, opaque(64)) < 0) << 1 |
	       (uint64_t)(memcmp(b, a, opaque(64)) > 0) << 2 |
	       (uint64_t)strlen("The quick brown fox") << 8;
}

static const char fox[] = "The quick brown fox jumps over the lazy dog";

static uint64_t t_crc32(void)
{
	static uint32_t table[256];
	uint32_t crc = 0xffffffffu;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	for (size_t i = 0; i < sizeof(fox) - 1; i++)
		crc = table[(crc ^ (uint8_t)fox[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

static uint64_t t_fnv(void)
{
	return fnv1a(fox, opaque(sizeof(fox) - 1));
}

static void quicksort(int64_t *v, long lo, long hi)
{
	while (lo < hi) {
		int64_t pivot = v[(lo + hi) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				int64_t t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

static uint64_t t_sort(void)
{
	int64_t v[200];
	uint64_t x = opaque(7), h = 0;

	for (int i = 0; i < 200; i++) {
		x = x * 2862933555777941757ULL + 3037000493ULL;
		v[i] = (int64_t)x >> 20;
	}
	quicksort(v, 0, 199);
	for (int i = 1; i < 200; i++)
		if (v[i - 1] > v[i])
			return 0;
	for (int i = 0; i < 200; i++)
		h = h * 31 + (uint64_t)v[i];
	return h;
}

static uint64_t t_sieve(void)
{
	static uint8_t composite[10000];
	uint64_t count = 0, n = opaque(10000);

	for (uint64_t i = 2; i < n; i++) {
		if (composite[i])
			continue;
		count++;
		for (uint64_t j = i * i; j < n; j += i)
			composite[j] = 1;
	}
	return count;
}

static uint64_t t_matrix(void)
{
	int32_t a[8][8], b[8][8], c[8][8];
	uint64_t h = 0;

	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++) {
			a[i][j] = (int32_t)opaque((uint64_t)(i * 8 + j)) - 20;
			b[i][j] = (i + 1) * (j - 3);
		}
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++) {
			c[i][j] = 0;
			for (int k = 0; k < 8; k++)
				c[i][j] += a[i][k] * b[k][j];
		}
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			h = h * 1000003 + (uint64_t)(int64_t)c[i][j];
	return h;
}

static uint64_t t_string(void)
{
	char s[64];
	const char *num = "-1234567890123";
	int64_t v = 0;
	bool neg = false;
	size_t n;

	for (const char *p = num; *p; p++) {
		if (*p == '-')
			neg = true;
		else
			v = v * 10 + (*p - '0');
	}
	n = strlen(fox);
	for (size_t i = 0; i < n; i++)
		s[i] = fox[n - 1 - i];
	s[n] = 0;
	return (uint64_t)(neg ? -v : v) ^ fnv1a(s, n) ^
	       (uint64_t)(strcmp(s, fox) > 0) << 63;
}

/* ---- control flow ------------------------------------------------------ */
static uint64_t fib(uint64_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t ackermann(uint64_t m, uint64_t n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static uint64_t t_recursion(void)
{
	return fib(opaque(25)) << 16 | ackermann(opaque(2), opaque(3));
}

static __attribute__((noinline)) uint64_t sw(unsigned k)
{
	switch (k) {
	case 0: return 11;
	case 1: return 23;
	case 2: return 37;
	case 3: return 41;
	case 4: return 59;
	case 5: return 61;
	case 6: return 79;
	case 7: return 83;
	case 8: return 97;
	case 9: return 101;
	case 10: return 113;
	case 11: return 127;
	case 12: return 131;
	case 13: return 149;
	default: return 1000 + k;
	}
}

static uint64_t t_switch(void)
{
	uint64_t h = 0;

	for (unsigned k = 0; k < 20; k++)
		h = h * 131 + sw(k);
	return h;
}

static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ b; }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * b; }
static uint64_t op_sub(uint64_t a, uint64_t b) { return a - b; }

static uint64_t t_fnptr(void)
{
	static uint64_t (*const ops[])(uint64_t, uint64_t) = {
		op_add, op_xor, op_mul, op_sub,
	};
	uint64_t acc = opaque(17);

	for (unsigned i = 0; i < 64; i++)
		acc = ops[(i * 7) % 4](acc, i + 3);
	return acc;
}

static uint64_t vsum(int n, ...)
{
	va_list ap;
	uint64_t s = 0;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s = s * 10 + (uint64_t)va_arg(ap, long long);
	va_end(ap);
	return s;
}

static uint64_t t_varargs(void)
{
	return vsum(9, 1LL, 2LL, 3LL, 4LL, 5LL, 6LL, 7LL, 8LL, (long long)opaque(9));
}

struct rec {
	uint64_t id;
	int32_t vals[5];
	uint16_t tag;
	uint8_t flags;
	char name[13];
};

static __attribute__((noinline)) struct rec make_rec(uint64_t id)
{
	struct rec r = { .id = id, .vals = { -1, 2, -3, 4, -5 }, .tag = 0xbeef,
			 .flags = 0x81, .name = "minivmm-rec" };
	return r;
}

static uint64_t t_struct(void)
{
	struct rec a = make_rec(opaque(0x1122334455667788ULL)), b, c[3];

	b = a;
	b.vals[2] = 300;
	c[1] = b;
	c[2] = c[1];
	c[2].tag++;
	return c[2].id ^ (uint64_t)(int64_t)(c[2].vals[0] + c[2].vals[2] + a.vals[2]) ^
	       (uint64_t)c[2].tag << 16 ^ (uint64_t)c[2].flags << 40 ^
	       fnv1a(c[2].name, strlen(c[2].name));
}

struct bf {
	unsigned a : 3;
	unsigned b : 9;
	signed c : 5;
	unsigned d : 15;
};

static uint64_t t_bitfield(void)
{
	struct bf x = { 0 };

	x.a = (unsigned)opaque(13);	/* truncated to 5 */
	x.b = (unsigned)opaque(300);
	x.c = -(int)opaque(9);
	x.d = (unsigned)opaque(40000);
	x.b += 250;			/* wraps modulo 512 */
	return (uint64_t)x.a | (uint64_t)x.b << 8 | ((uint64_t)(int64_t)x.c << 20 ^
		(uint64_t)x.d << 40);
}

/* Storage is big-endian on z/Architecture (not checked natively). */
static uint64_t t_byteorder(void)
{
	uint32_t w = (uint32_t)opaque(0x11223344u);
	uint8_t b[4];

	memcpy(b, &w, 4);
	return (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3];
}

/* ---- binary floating point ------------------------------------------- */
static uint64_t t_fp_basic(void)
{
	double a = opaque_d(1.0), b = opaque_d(3.0);

	return dbits(a / b) ^ dbits(a / b * b) << 1 ^ dbits(a + b * 0.1);
}

static uint64_t t_fp_sqrt(void)
{
	return dbits(__builtin_sqrt(opaque_d(2.0)));
}

static uint64_t t_fp_convert(void)
{
	double d = opaque_d(-12345.75);
	float f = (float)opaque_d(0.1);

	return (uint64_t)(int64_t)d ^ (uint64_t)(int64_t)(d * 1e6) << 8 ^
	       dbits((double)f) ^ dbits((double)(int64_t)opaque(0x7fffffffffffULL));
}

static uint64_t t_fp_poly(void)
{
	double x = opaque_d(0.7), s = 0, t = 1;

	/* exp(x) by its Taylor series, 20 terms */
	for (int i = 1; i <= 20; i++) {
		s += t;
		t = t * x / i;
	}
	return dbits(s);
}

static uint64_t t_fp_compare(void)
{
	double a = opaque_d(-0.0), b = opaque_d(0.0), c = opaque_d(1e300);
	double inf = c * c, nan = inf - inf;

	return (uint64_t)((a == b) | (a < b) << 1 | (nan == nan) << 2 | (nan != nan) << 3 |
			  (inf > c) << 4 | (-inf < -c) << 5) ^ dbits(inf) << 8;
}

static uint64_t t_float(void)
{
	float a = (float)opaque_d(1.5), s = 0;

	for (int i = 0; i < 10; i++)
		s = s * a + (float)i;
	{
		uint32_t u;

		memcpy(&u, &s, 4);
		return u;
	}
}

struct check {
	const char *name;
	uint64_t (*fn)(void);
	uint64_t want;
};

static const struct check checks[NCHECKS] = {
	{ "add32", t_add32, 0x0000000062bb133eULL },
	{ "sdiv", t_sdiv, 0x0002ffde42f302b7ULL },
	{ "mul64", t_mul64, 0xd67411c46c86742dULL },
	{ "mul128hi", t_mul128hi, 0x7641f3080ff92329ULL },
	{ "smul", t_smul, 0xfe4eceeb0400ac7bULL },
	{ "udiv64", t_udiv64, 0x010aaf004fa01c4dULL },
	{ "div128", t_div128, 0x124924985d9abb43ULL },
	{ "shifts", t_shifts, 0xffdbfffffd997531ULL },
	{ "rotate", t_rotate, 0xacf13579e38f5825ULL },
	{ "bits", t_bits, 0x0000002a0008000cULL },
	{ "bswap", t_bswap, 0x08070605d0c0b0a0ULL },
	{ "signext", t_signext, 0xffffffffff81fe80ULL },
	{ "compare", t_compare, 0x0000000000000039ULL },
	{ "sum", t_sum, 5000050000ULL },
	{ "lcg", t_lcg, 0x3476d861fa86c872ULL },
	{ "memcpy", t_memcpy, 0x03b5ebecf066c57dULL },
	{ "memmove", t_memmove, 0xf179b626a3fc034dULL },
	{ "memset", t_memset, 0xa90a36f58c09527cULL },
	{ "memcmp", t_memcmp, 0x0000000000001307ULL },
	{ "crc32", t_crc32, 0x414fa339 },
	{ "fnv1a", t_fnv, 0xf3f9b7f5e7e47110ULL },
	{ "sort", t_sort, 0x64b07a7d67e44143ULL },
	{ "sieve", t_sieve, 1229 },
	{ "matrix", t_matrix, 0xf2bb8d4136d56500ULL },
	{ "string", t_string, 0x3b114a8f8b7621f1ULL },
	{ "recursion", t_recursion, 75025ULL << 16 | 9 },
	{ "switch", t_switch, 0x5f6d49b5d3028291ULL },
	{ "fnptr", t_fnptr, 0x8805a61bc2b5fc21ULL },
	{ "varargs", t_varargs, 123456789 },
	{ "struct", t_struct, 0x2363b39f9f18ef41ULL },
	{ "bitfield", t_bitfield, 0xffe3bfffff702605ULL },
	{ "byteorder", t_byteorder, 0x11223344 },
	{ "fp_basic", t_fp_basic, 0x7fc1999999999998ULL },
	{ "fp_sqrt", t_fp_sqrt, 0x3ff6a09e667f3bcdULL },
	{ "fp_convert", t_fp_convert, 0x7d6664b982ce2007ULL },
	{ "fp_poly", t_fp_poly, 0x40001c2a61268987ULL },
	{ "fp_compare", t_fp_compare, 0xf000000000000039ULL },
	{ "float", t_float, 0x00000000434ea900ULL },
	{ "fp_sqrt_again", t_fp_sqrt, 0x3ff6a09e667f3bcdULL },
	{ "crc32_again", t_crc32, 0x414fa339 },
};

int main(void)
{
	tap_plan(NCHECKS);
	for (int i = 0; i < NCHECKS; i++)
		check(checks[i].name, checks[i].fn(), checks[i].want);
	return tap_done();
}
