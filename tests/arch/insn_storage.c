/* SPDX-License-Identifier: MIT */
/*
 * Storage-to-storage, string and decimal-conversion instructions of the
 * software CPU (arch/s390x/insn-storage.c), one instruction at a time
 * through the cpu harness.  Expected values come from the Principles of
 * Operation, chapter 7 (each case names the rule it checks).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define PLAN 132

static struct harness H;

/* ---- Instruction encoders (PoP "Instruction Formats") -------------- */

static uint64_t e_ss(unsigned op, unsigned l, unsigned b1, unsigned d1,
		     unsigned b2, unsigned d2)
{
	return (uint64_t)op << 40 | (uint64_t)l << 32 | (uint64_t)b1 << 28 |
	       (uint64_t)d1 << 16 | (uint64_t)b2 << 12 | d2;
}

/* SS-b: L1 and L2 (lengths minus one) in one byte. */
static uint64_t e_ss2(unsigned op, unsigned l1, unsigned b1, unsigned d1,
		      unsigned l2, unsigned b2, unsigned d2)
{
	return e_ss(op, l1 << 4 | l2, b1, d1, b2, d2);
}

static uint64_t e_rr(unsigned op, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 8 | r1 << 4 | r2;
}

static uint64_t e_rre(unsigned op, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 16 | r1 << 4 | r2;
}

static uint64_t e_rx(unsigned op, unsigned r1, unsigned x2, unsigned b2,
		     unsigned d2)
{
	return (uint64_t)op << 24 | (uint64_t)r1 << 20 | x2 << 16 | b2 << 12 | d2;
}

static uint64_t e_rs(unsigned op, unsigned r1, unsigned r3, unsigned b2,
		     unsigned d2)
{
	return e_rx(op, r1, r3, b2, d2);
}

static uint64_t e_rxy(unsigned op, unsigned r1, unsigned x2, unsigned b2,
		      int32_t d, unsigned op2)
{
	uint32_t ud = (uint32_t)d;

	return (uint64_t)op << 40 | (uint64_t)r1 << 36 | (uint64_t)x2 << 32 |
	       (uint64_t)b2 << 28 | (uint64_t)(ud & 0xfff) << 16 |
	       (uint64_t)((ud >> 12) & 0xff) << 8 | op2;
}

static uint64_t e_si(unsigned op, uint8_t i2, unsigned b1, unsigned d1)
{
	return (uint64_t)op << 24 | (uint64_t)i2 << 16 | b1 << 12 | d1;
}

/* ---- Helpers -------------------------------------------------------- */

static struct s390_cpu *cpu(void)
{
	return H.cpu;
}

static void set_mode(uint64_t mode)
{
	cpu()->psw_mask = (cpu()->psw_mask & ~PSW_MASK_64) | mode;
}

static int run(uint64_t insn, unsigned len)
{
	return h_exec_insn(&H, insn, len);
}

static void fill(uint64_t addr, uint8_t v, uint64_t len)
{
	uint8_t buf[4096];

	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);

		memset(buf, v, n);
		h_poke(&H, addr, buf, n);
		addr += n;
		len -= n;
	}
}

static void poke_str(uint64_t addr, const char *s, size_t n)
{
	h_poke(&H, addr, s, n);
}

static bool peek_eq(uint64_t addr, const void *want, size_t n)
{
	uint8_t buf[16384];

	h_peek(&H, addr, buf, n);
	return memcmp(buf, want, n) == 0;
}

static uint8_t peek8(uint64_t addr)
{
	uint8_t b;

	h_peek(&H, addr, &b, 1);
	return b;
}

static void pattern(uint64_t addr, uint64_t len, unsigned seed)
{
	uint8_t buf[16384];

	for (uint64_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + seed);
	h_poke(&H, addr, buf, len);
}

static bool pattern_at(uint64_t addr, uint64_t len, unsigned seed)
{
	uint8_t buf[16384];

	h_peek(&H, addr, buf, len);
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != (uint8_t)(i * 7 + seed))
			return false;
	return true;
}

/* Packed decimal of n bytes: the digits right-aligned, then the sign. */
static void packed(uint8_t *b, unsigned n, const char *digits, uint8_t sign)
{
	size_t nd = strlen(digits);

	memset(b, 0, n);
	b[n - 1] = sign;
	for (size_t i = 0; i < nd; i++) {
		unsigned nib = (unsigned)(i + 1);	/* from the right */
		unsigned d = (unsigned)(digits[nd - 1 - i] - '0');
		uint8_t *p = &b[n - 1 - nib / 2];

		*p = (uint8_t)((nib & 1) ? (*p & 0x0f) | d << 4 : (*p & 0xf0) | d);
	}
}

static uint32_t dxc(void)
{
	return h_ld32(&H, LC_DATA_EXC_CODE);
}

#define A	0x20000ULL	/* operand areas */
#define B	0x28000ULL
#define PG	0x30000ULL	/* a page boundary: operands at PG - k */

/* ---- MVC, MVN, MVZ, MVCIN, MVI ------------------------------------- */

static void test_mvc(void)
{
	h_reset(&H);
	pattern(B, 16, 1);
	fill(A, 0, 32);
	cpu()->gr[1] = A;
	cpu()->gr[2] = B;
	cpu()->cc = 2;
	int rc = run(e_ss(0xd2, 15, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && pattern_at(A, 16, 1) && peek8(A + 16) == 0 &&
			 cpu()->cc == 2 && cpu()->psw_addr == H_CODE + 6,
			 "MVC moves L+1 bytes, CC unchanged\n");

	/* L = 0 moves one byte. */
	fill(A, 0, 4);
	rc = run(e_ss(0xd2, 0, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek8(A) == 1 && peek8(A + 1) == 0,
			 "MVC with L=0 moves one byte\n");

	/* MVC 1(255,r1),0(r1): byte-at-a-time overlap propagates byte 0. */
	uint8_t want[256];
	pattern(A, 300, 3);
	h_poke(&H, A, "\xab", 1);
	rc = run(e_ss(0xd2, 255, 1, 1, 1, 0), 6);
	memset(want, 0xab, sizeof(want));
	ksft_test_result(rc == 0 && peek_eq(A, want, 256) &&
			 peek8(A + 257) == (uint8_t)(257 * 7 + 3),
			 "MVC 1(255),0 propagates the first byte (memset idiom)\n");

	/* Distance 2: a two-byte pattern repeats. */
	poke_str(A, "xy", 2);
	rc = run(e_ss(0xd2, 9, 1, 2, 1, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "xyxyxyxyxyxy", 12),
			 "MVC 2(10),0 repeats a two-byte pattern\n");

	/* Destination below the source: a plain left shift. */
	poke_str(A, "abcdefgh", 8);
	rc = run(e_ss(0xd2, 6, 1, 0, 1, 1), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "bcdefghh", 8),
			 "MVC 0(7),1 shifts left like memmove\n");

	/* Destination crossing a page boundary. */
	pattern(B, 200, 5);
	cpu()->gr[1] = PG - 100;
	rc = run(e_ss(0xd2, 199, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && pattern_at(PG - 100, 200, 5),
			 "MVC with the destination across a page boundary\n");

	/* Source crossing a page boundary. */
	pattern(PG - 7, 64, 9);
	cpu()->gr[1] = A;
	cpu()->gr[2] = PG - 7;
	rc = run(e_ss(0xd2, 63, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && pattern_at(A, 64, 9),
			 "MVC with the source across a page boundary\n");

	/* Overlapping propagation across a page boundary (slow path). */
	h_poke(&H, PG - 3, "\x5a", 1);
	cpu()->gr[1] = PG - 3;
	rc = run(e_ss(0xd2, 99, 1, 1, 1, 0), 6);
	memset(want, 0x5a, 101);
	ksft_test_result(rc == 0 && peek_eq(PG - 3, want, 101),
			 "MVC overlap propagation across a page boundary\n");

	/* Destination runs past the end of storage: addressing exception,
	 * suppressed, nothing stored (not even the bytes in storage). */
	uint64_t end = H.cpu->mem_size;
	fill(end - 8, 0x11, 8);
	cpu()->gr[1] = end - 8;
	cpu()->gr[2] = B;
	rc = run(e_ss(0xd2, 15, 1, 0, 2, 0), 6);
	memset(want, 0x11, 8);
	ksft_test_result(rc == PGM_ADDRESSING && peek_eq(end - 8, want, 8),
			 "MVC past the end of storage stores nothing\n");

	/* Source past the end of storage. */
	fill(A, 0x22, 16);
	cpu()->gr[1] = A;
	cpu()->gr[2] = end - 4;
	rc = run(e_ss(0xd2, 15, 1, 0, 2, 0), 6);
	memset(want, 0x22, 16);
	ksft_test_result(rc == PGM_ADDRESSING && peek_eq(A, want, 16),
			 "MVC with the source past the end of storage\n");

	/* 24-bit mode: the address wraps at 16 MiB (0xffffff + 1 = 0). */
	h_reset(&H);
	set_mode(0);
	pattern(0x30000, 4, 11);
	cpu()->gr[1] = 0xff000000ULL | 0x20000;	/* high bits ignored */
	cpu()->gr[2] = 0x30000;
	rc = run(e_ss(0xd2, 3, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && pattern_at(0x20000, 4, 11),
			 "MVC in 24-bit mode ignores address bits 0-39\n");
}

static void test_mvn_mvz_mvcin_mvi(void)
{
	h_reset(&H);
	cpu()->gr[1] = A;
	cpu()->gr[2] = B;
	h_poke(&H, A, "\x12\x34\x56", 3);
	h_poke(&H, B, "\xab\xcd\xef", 3);
	int rc = run(e_ss(0xd1, 2, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\x1b\x3d\x5f", 3),
			 "MVN moves the numeric (low) nibbles\n");

	h_poke(&H, A, "\x12\x34\x56", 3);
	rc = run(e_ss(0xd3, 2, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\xa2\xc4\xe6", 3),
			 "MVZ moves the zone (high) nibbles\n");

	/* MVCIN: second-operand address is its rightmost byte. */
	poke_str(B, "12345", 5);
	cpu()->gr[2] = B + 4;
	rc = run(e_ss(0xe8, 4, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "54321", 5),
			 "MVCIN reverses the byte order\n");

	fill(A, 0, 4);
	cpu()->gr[1] = A;
	rc = run(e_si(0x92, 0xc7, 1, 2), 4);
	ksft_test_result(rc == 0 && peek_eq(A, "\0\0\xc7\0", 4),
			 "MVI stores the immediate byte\n");

	/* MVIY -4096(1),0x5a: SIY has I2 where RXY has R1/X2. */
	cpu()->gr[1] = A + 0x1000;
	rc = run(e_rxy(0xeb, 0x5, 0xa, 1, -0x1000, 0x52), 6);
	ksft_test_result(rc == 0 && peek8(A) == 0x5a,
			 "MVIY with a negative 20-bit displacement\n");
}

/* ---- CLC, NC, OC, XC ------------------------------------------------ */

static void test_clc(void)
{
	static const struct {
		const char *a, *b;
		unsigned len, cc;
		const char *name;
	} cases[] = {
		{ "abcdef", "abcdef", 6, 0, "equal" },
		{ "abcdef", "abcdeg", 6, 1, "first low" },
		{ "abcdeg", "abcdef", 6, 2, "first high" },
		{ "\x80", "\x7f", 1, 2, "unsigned: 80 > 7f" },
		{ "\x00\xff", "\x01\x00", 2, 1, "leftmost difference decides" },
	};

	h_reset(&H);
	cpu()->gr[1] = A;
	cpu()->gr[2] = B;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		poke_str(A, cases[i].a, cases[i].len);
		poke_str(B, cases[i].b, cases[i].len);
		int rc = run(e_ss(0xd5, cases[i].len - 1, 1, 0, 2, 0), 6);
		ksft_test_result(rc == 0 && cpu()->cc == cases[i].cc,
				 "CLC %s: CC %u\n", cases[i].name, cases[i].cc);
	}

	/* 256 bytes, the difference on the other side of a page boundary. */
	pattern(PG - 128, 256, 1);
	pattern(B, 256, 1);
	cpu()->gr[1] = PG - 128;
	int rc = run(e_ss(0xd5, 255, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 0,
			 "CLC 256 equal bytes across a page boundary: CC 0\n");
	h_poke(&H, PG + 100, "\xff", 1);
	rc = run(e_ss(0xd5, 255, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 2,
			 "CLC difference in the second page: CC 2\n");

	/* Operand past the end of storage: addressing exception. */
	cpu()->gr[1] = H.cpu->mem_size - 2;
	rc = run(e_ss(0xd5, 3, 1, 0, 2, 0), 6);
	ksft_test_result(rc == PGM_ADDRESSING, "CLC past storage end\n");
}

static void test_logical(void)
{
	h_reset(&H);
	cpu()->gr[1] = A;
	cpu()->gr[2] = B;

	pattern(A, 256, 7);
	int rc = run(e_ss(0xd7, 255, 1, 0, 1, 0), 6);
	uint8_t zero[300] = { 0 };
	ksft_test_result(rc == 0 && cpu()->cc == 0 && peek_eq(A, zero, 256),
			 "XC of a field with itself clears it, CC 0\n");

	h_poke(&H, A, "\x0f\xf0\x55", 3);
	h_poke(&H, B, "\xff\xf0\x55", 3);
	rc = run(e_ss(0xd7, 2, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 &&
			 peek_eq(A, "\xf0\x00\x00", 3),
			 "XC nonzero result: CC 1\n");

	h_poke(&H, A, "\x0f\xf0", 2);
	h_poke(&H, B, "\xf0\x0f", 2);
	rc = run(e_ss(0xd4, 1, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && peek_eq(A, "\0\0", 2),
			 "NC zero result: CC 0\n");

	h_poke(&H, A, "\x3c\xff", 2);
	h_poke(&H, B, "\x0f\x01", 2);
	rc = run(e_ss(0xd4, 1, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && peek_eq(A, "\x0c\x01", 2),
			 "NC nonzero result: CC 1\n");

	h_poke(&H, A, "\x10\x00", 2);
	h_poke(&H, B, "\x01\x80", 2);
	rc = run(e_ss(0xd6, 1, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && peek_eq(A, "\x11\x80", 2),
			 "OC: CC 1\n");

	fill(A, 0, 8);
	fill(B, 0, 8);
	rc = run(e_ss(0xd6, 7, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 0, "OC of zeros: CC 0\n");

	/* XC 1(3),0: byte-at-a-time, each result feeds the next byte. */
	h_poke(&H, A, "\x01\x02\x04\x08", 4);
	rc = run(e_ss(0xd7, 2, 1, 1, 1, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\x01\x03\x07\x0f", 4),
			 "XC overlapping by one byte processes left to right\n");

	/* Across a page boundary. */
	pattern(PG - 10, 20, 3);
	cpu()->gr[1] = PG - 10;
	rc = run(e_ss(0xd7, 19, 1, 0, 1, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && peek_eq(PG - 10, zero, 20),
			 "XC clear across a page boundary\n");

	pattern(PG - 10, 20, 3);
	pattern(B, 20, 4);
	cpu()->gr[2] = B;
	rc = run(e_ss(0xd6, 19, 1, 0, 2, 0), 6);
	uint8_t got[20];
	h_peek(&H, PG - 10, got, 20);
	bool ok = true;
	for (unsigned i = 0; i < 20; i++)
		ok &= got[i] == (uint8_t)((uint8_t)(i * 7 + 3) | (uint8_t)(i * 7 + 4));
	ksft_test_result(rc == 0 && ok && cpu()->cc == 1,
			 "OC across a page boundary\n");
}

/* ---- TR, TRT, TRTR --------------------------------------------------- */

static void test_tr(void)
{
	uint8_t tab[256];

	h_reset(&H);
	for (unsigned i = 0; i < 256; i++)
		tab[i] = (uint8_t)(i >= 'a' && i <= 'z' ? i - 32 : i);
	h_poke(&H, B, tab, 256);
	poke_str(A, "hello, World", 12);
	cpu()->gr[1] = A;
	cpu()->gr[2] = B;
	int rc = run(e_ss(0xdc, 11, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "HELLO, WORLD", 12),
			 "TR translates through the table\n");

	poke_str(PG - 3, "abcdef", 6);
	cpu()->gr[1] = PG - 3;
	rc = run(e_ss(0xdc, 5, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(PG - 3, "ABCDEF", 6),
			 "TR across a page boundary\n");

	/* Table crossing a page boundary. */
	h_poke(&H, PG - 100, tab, 256);
	poke_str(A, "xyz", 3);
	cpu()->gr[1] = A;
	cpu()->gr[2] = PG - 100;
	rc = run(e_ss(0xdc, 2, 1, 0, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "XYZ", 3),
			 "TR with the table across a page boundary\n");
}

static void test_trt(void)
{
	uint8_t tab[256] = { 0 };

	h_reset(&H);
	tab[','] = 0x11;
	tab[';'] = 0x22;
	h_poke(&H, B, tab, 256);
	poke_str(A, "abc,def;", 8);
	cpu()->gr[1] = 0x1234567800000000ULL;
	cpu()->gr[2] = 0xaaaaaaaaaaaaaa00ULL;
	cpu()->gr[3] = A;
	cpu()->gr[4] = B;
	int rc = run(e_ss(0xdd, 7, 3, 0, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[1] == A + 3 &&
			 cpu()->gr[2] == 0xaaaaaaaaaaaaaa11ULL,
			 "TRT stops at the first nonzero function byte: CC 1\n");

	rc = run(e_ss(0xdd, 2, 3, 4, 4, 0), 6);	/* "def" */
	ksft_test_result(rc == 0 && cpu()->cc == 0,
			 "TRT all function bytes zero: CC 0\n");
	cpu()->gr[1] = 0;
	rc = run(e_ss(0xdd, 3, 3, 4, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 2 && cpu()->gr[1] == A + 7 &&
			 (cpu()->gr[2] & 0xff) == 0x22,
			 "TRT nonzero at the last byte: CC 2\n");

	/* 24-bit mode: bits 0-39 of GR1 unchanged. */
	set_mode(0);
	cpu()->gr[1] = 0xdeadbeefcc000000ULL;
	rc = run(e_ss(0xdd, 7, 3, 0, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->gr[1] == (0xdeadbeefcc000000ULL |
						     (A + 3)),
			 "TRT in 24-bit mode sets GR1 bits 40-63 only\n");

	/* 31-bit mode: bit 32 set to zero. */
	set_mode(PSW_MASK_BA);
	cpu()->gr[1] = 0xdeadbeefffffffffULL;
	rc = run(e_ss(0xdd, 7, 3, 0, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->gr[1] == (0xdeadbeef00000000ULL |
						     (A + 3)),
			 "TRT in 31-bit mode sets GR1 bits 32-63\n");

	/* TRTR: right to left, the address designates the rightmost byte. */
	set_mode(PSW_MASK_64);
	cpu()->gr[3] = A + 7;
	rc = run(e_ss(0xd0, 7, 3, 0, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[1] == A + 7 &&
			 (cpu()->gr[2] & 0xff) == 0x22,
			 "TRTR finds the rightmost match first\n");
	cpu()->gr[3] = A + 6;	/* "abc,def" -> ',' at A+3, not leftmost */
	rc = run(e_ss(0xd0, 6, 3, 0, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[1] == A + 3,
			 "TRTR match before the leftmost byte: CC 1\n");
	cpu()->gr[3] = A + 6;	/* "def" + from A+3: ',' is leftmost */
	rc = run(e_ss(0xd0, 3, 3, 0, 4, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 2 && cpu()->gr[1] == A + 3,
			 "TRTR match at the leftmost byte: CC 2\n");
}

/* ---- PACK, UNPK, MVO ------------------------------------------------- */

static void test_decimal_moves(void)
{
	h_reset(&H);
	cpu()->gr[1] = A;
	cpu()->gr[2] = B;

	h_poke(&H, B, "\xf1\xf2\xf3\xc4", 4);
	fill(A, 0xee, 4);
	int rc = run(e_ss2(0xf2, 2, 1, 0, 3, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\x01\x23\x4c\xee", 4),
			 "PACK F1F2F3C4 -> 01234C\n");

	rc = run(e_ss2(0xf2, 1, 1, 0, 3, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\x23\x4c", 2),
			 "PACK into a short field drops leftmost digits\n");

	h_poke(&H, B, "\x01\x23\x4c", 3);
	rc = run(e_ss2(0xf3, 4, 1, 0, 2, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\xf0\xf1\xf2\xf3\xc4", 5),
			 "UNPK 01234C -> F0F1F2F3C4\n");

	rc = run(e_ss2(0xf3, 6, 1, 0, 2, 2, 0), 6);
	ksft_test_result(rc == 0 &&
			 peek_eq(A, "\xf0\xf0\xf0\xf1\xf2\xf3\xc4", 7),
			 "UNPK pads with F0 on the left\n");

	/* PoP MVO example: 7788990C with 123456 -> 0123456C. */
	h_poke(&H, A, "\x77\x88\x99\x0c", 4);
	h_poke(&H, B, "\x12\x34\x56", 3);
	rc = run(e_ss2(0xf1, 3, 1, 0, 2, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\x01\x23\x45\x6c", 4),
			 "MVO shifts the second operand by one digit\n");

	/* PACK across a page boundary. */
	h_poke(&H, PG - 2, "\xf9\xf8\xf7\xf6", 4);
	cpu()->gr[2] = PG - 2;
	rc = run(e_ss2(0xf2, 2, 1, 0, 3, 2, 0), 6);
	ksft_test_result(rc == 0 && peek_eq(A, "\x09\x87\x6f", 3),
			 "PACK with the source across a page boundary\n");
}

/* ---- ED, EDMK -------------------------------------------------------- */

static void test_edit(void)
{
	/* fill, ds ds ',' ds ds ss '.' ds ds ' ' 'C' 'R' (EBCDIC) */
	static const uint8_t pat[13] = { 0x40, 0x20, 0x20, 0x6b, 0x20, 0x20, 0x21,
					 0x4b, 0x20, 0x20, 0x40, 0xc3, 0xd9 };
	static const struct {
		uint8_t src[4];
		uint8_t want[13];
		unsigned cc;
		const char *name;
	} cases[] = {
		{ { 0x02, 0x57, 0x42, 0x6c },
		  { 0x40, 0x40, 0xf2, 0x6b, 0xf5, 0xf7, 0xf4, 0x4b, 0xf2, 0xf6,
		    0x40, 0x40, 0x40 }, 2, "+2574.26: ' 2,574.26   ', CC 2" },
		{ { 0x00, 0x00, 0x02, 0x6d },
		  { 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x4b, 0xf2, 0xf6,
		    0x40, 0xc3, 0xd9 }, 1, "-0.26: '.26 CR' after the starter, CC 1" },
		{ { 0x00, 0x00, 0x00, 0x0c },
		  { 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x4b, 0xf0, 0xf0,
		    0x40, 0x40, 0x40 }, 0, "zero: '.00', CC 0" },
	};

	h_reset(&H);
	cpu()->gr[2] = A;
	cpu()->gr[3] = B;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_poke(&H, A, pat, sizeof(pat));
		h_poke(&H, B, cases[i].src, 4);
		int rc = run(e_ss(0xde, 12, 2, 0, 3, 0), 6);
		ksft_test_result(rc == 0 && cpu()->cc == cases[i].cc &&
				 peek_eq(A, cases[i].want, 13),
				 "ED %s\n", cases[i].name);
	}

	/* EDMK: GR1 gets the first digit made significant by a nonzero digit. */
	h_poke(&H, A, pat, sizeof(pat));
	h_poke(&H, B, cases[0].src, 4);
	cpu()->gr[1] = 0;
	int rc = run(e_ss(0xdf, 12, 2, 0, 3, 0), 6);
	ksft_test_result(rc == 0 && cpu()->gr[1] == A + 2 && cpu()->cc == 2,
			 "EDMK marks the first significant digit\n");
	h_poke(&H, A, pat, sizeof(pat));
	h_poke(&H, B, cases[1].src, 4);
	cpu()->gr[1] = 0x77;
	rc = run(e_ss(0xdf, 12, 2, 0, 3, 0), 6);
	ksft_test_result(rc == 0 && cpu()->gr[1] == 0x77,
			 "EDMK: significance from the starter leaves GR1 alone\n");

	/* Field separator: fill '*', two fields, the last one decides. */
	h_poke(&H, A, "\x5c\x20\x20\x22\x20\x21\x20", 7);
	h_poke(&H, B, "\x12\x00\x5d", 3);
	rc = run(e_ss(0xdf, 6, 2, 0, 3, 0), 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[1] == A + 1 &&
			 peek_eq(A, "\x5c\xf1\xf2\x5c\x5c\x5c\xf5", 7),
			 "EDMK with a field separator\n");

	/* Invalid digit: data exception, nothing stored. */
	h_poke(&H, A, pat, sizeof(pat));
	h_poke(&H, B, "\x02\xa7\x42\x6c", 4);
	rc = run(e_ss(0xde, 12, 2, 0, 3, 0), 6);
	ksft_test_result(rc == PGM_DATA && peek_eq(A, pat, sizeof(pat)),
			 "ED invalid digit: data exception, pattern unchanged\n");
}

/* ---- CVB, CVD and friends -------------------------------------------- */

static void test_cvb_cvd(void)
{
	static const struct {
		uint64_t dec;
		int32_t bin;
	} ok[] = {
		{ 0x000000000012345cULL, 12345 },
		{ 0x000000000012345dULL, -12345 },
		{ 0x000000000012345bULL, -12345 },
		{ 0x000000000000000fULL, 0 },
		{ 0x000002147483647aULL, 2147483647 },
		{ 0x000002147483648dULL, -2147483647 - 1 },
	};

	h_reset(&H);
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		h_st64(&H, A, ok[i].dec);
		cpu()->gr[5] = 0xcafef00d00000000ULL;
		cpu()->gr[2] = A;
		int rc = run(e_rx(0x4f, 5, 0, 2, 0), 4);
		ksft_test_result(rc == 0 && cpu()->gr[5] ==
				 (0xcafef00d00000000ULL | (uint32_t)ok[i].bin),
				 "CVB %016" PRIx64 " -> %d\n", ok[i].dec,
				 ok[i].bin);
	}

	/* Invalid digit: data exception, DXC 0, R1 unchanged. */
	h_st32(&H, LC_DATA_EXC_CODE, 0xffffffff);
	h_st64(&H, A, 0x00000000001a345cULL);
	cpu()->gr[5] = 77;
	int rc = run(e_rx(0x4f, 5, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_DATA && dxc() == 0 && cpu()->gr[5] == 77,
			 "CVB invalid digit: data exception DXC 0\n");

	h_st64(&H, A, 0x0000000000123459ULL);
	rc = run(e_rx(0x4f, 5, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_DATA && cpu()->gr[5] == 77,
			 "CVB invalid sign: data exception\n");

	/* 2^31: fixed-point divide, low 32 bits of the result in R1. */
	h_st64(&H, A, 0x000002147483648cULL);
	rc = run(e_rx(0x4f, 5, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_FIXPOINT_DIVIDE &&
			 (uint32_t)cpu()->gr[5] == 0x80000000u,
			 "CVB 2147483648: fixed-point divide, R1 = 80000000\n");

	h_st64(&H, A, 0x999999999999999dULL);
	rc = run(e_rx(0x4f, 5, 0, 2, 0), 4);
	ksft_test_result(rc == PGM_FIXPOINT_DIVIDE, "CVB 15 nines: overflow\n");

	/* CVBY with index and negative displacement. */
	h_st64(&H, A, 0x000000000000042cULL);
	cpu()->gr[2] = A + 0x100;
	cpu()->gr[3] = 0x10;
	rc = run(e_rxy(0xe3, 5, 3, 2, -0x110, 0x06), 6);
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[5] == 42,
			 "CVBY with index and negative displacement\n");

	/* CVBG: 16 bytes, 31 digits. */
	uint8_t big[16];
	packed(big, 16, "12", 0xd);
	cpu()->gr[2] = A;
	h_poke(&H, A, big, 16);
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x0e), 6);
	ksft_test_result(rc == 0 && cpu()->gr[5] == (uint64_t)-12,
			 "CVBG -12\n");
	packed(big, 16, "9223372036854775807", 0xc);
	h_poke(&H, A, big, 16);
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x0e), 6);
	ksft_test_result(rc == 0 && cpu()->gr[5] == 0x7fffffffffffffffULL,
			 "CVBG 9223372036854775807\n");
	packed(big, 16, "9223372036854775808", 0xc);
	h_poke(&H, A, big, 16);
	cpu()->gr[5] = 5;
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x0e), 6);
	ksft_test_result(rc == PGM_FIXPOINT_DIVIDE && cpu()->gr[5] == 5,
			 "CVBG 2^63: fixed-point divide, R1 unchanged\n");
	packed(big, 16, "9223372036854775808", 0xd);
	h_poke(&H, A, big, 16);
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x0e), 6);
	ksft_test_result(rc == 0 && cpu()->gr[5] == 0x8000000000000000ULL,
			 "CVBG -2^63\n");
	packed(big, 16, "1234567890123456789012345678901", 0xc);
	h_poke(&H, A, big, 16);
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x0e), 6);
	ksft_test_result(rc == PGM_FIXPOINT_DIVIDE, "CVBG 31 digits: overflow\n");
	big[3] = 0x1b;
	h_poke(&H, A, big, 16);
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x0e), 6);
	ksft_test_result(rc == PGM_DATA,
			 "CVBG invalid digit beats overflow: data exception\n");

	/* CVD. */
	static const struct {
		int32_t bin;
		uint64_t dec;
	} cvd[] = {
		{ 12345, 0x000000000012345cULL },
		{ -1, 0x000000000000001dULL },
		{ 0, 0x000000000000000cULL },
		{ 2147483647, 0x000002147483647cULL },
		{ -2147483647 - 1, 0x000002147483648dULL },
	};
	for (unsigned i = 0; i < sizeof(cvd) / sizeof(cvd[0]); i++) {
		cpu()->gr[5] = 0xffffffff00000000ULL | (uint32_t)cvd[i].bin;
		rc = run(e_rx(0x4e, 5, 0, 2, 0), 4);
		ksft_test_result(rc == 0 && h_ld64(&H, A) == cvd[i].dec,
				 "CVD %d -> %016" PRIx64 "\n", cvd[i].bin,
				 cvd[i].dec);
	}

	cpu()->gr[5] = 9876;
	cpu()->gr[2] = A + 0x1000;
	rc = run(e_rxy(0xe3, 5, 0, 2, -0x1000, 0x26), 6);
	ksft_test_result(rc == 0 && h_ld64(&H, A) == 0x000000000009876cULL,
			 "CVDY with a negative displacement\n");

	cpu()->gr[5] = 0x8000000000000000ULL;
	cpu()->gr[2] = A;
	rc = run(e_rxy(0xe3, 5, 0, 2, 0, 0x2e), 6);
	uint8_t want[16];
	packed(want, 16, "9223372036854775808", 0xd);
	ksft_test_result(rc == 0 && peek_eq(A, want, 16), "CVDG -2^63\n");

	/* Round trips CVD -> CVB. */
	static const int32_t vals[] = { 1, -99, 100000, -2000000000, 7 };
	bool rt = true;
	for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		cpu()->gr[5] = (uint32_t)vals[i];
		rt &= run(e_rx(0x4e, 5, 0, 2, 0), 4) == 0;
		cpu()->gr[6] = 0;
		rt &= run(e_rx(0x4f, 6, 0, 2, 0), 4) == 0;
		rt &= (int32_t)cpu()->gr[6] == vals[i];
	}
	ksft_test_result(rt, "CVD/CVB round trips\n");

	/* CVD across a page boundary. */
	cpu()->gr[2] = PG - 3;
	cpu()->gr[5] = 55;
	rc = run(e_rx(0x4e, 5, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && h_ld64(&H, PG - 3) == 0x55cULL,
			 "CVD across a page boundary\n");
}

/* ---- MVCL, CLCL, MVCLE, CLCLE ---------------------------------------- */

static void test_mvcl(void)
{
	h_reset(&H);
	pattern(B, 5000, 2);
	fill(A, 0, 6000);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 0xabcdef0000000000ULL | 5000;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0x1234567840000000ULL | 5000;	/* pad 40 */
	int rc = run(e_rr(0x0e, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && pattern_at(A, 5000, 2) &&
			 peek8(A + 5000) == 0,
			 "MVCL equal lengths across pages: CC 0\n");
	ksft_test_result(cpu()->gr[2] == A + 5000 && cpu()->gr[4] == B + 5000 &&
			 cpu()->gr[3] == 0xabcdef0000000000ULL &&
			 cpu()->gr[5] == 0x1234567840000000ULL,
			 "MVCL registers: addresses advanced, lengths 0, pad kept\n");

	/* Padding: len1 10, len2 4. */
	poke_str(B, "abcd", 4);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 10;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0x40000000ULL | 4;	/* pad '@' */
	rc = run(e_rr(0x0e, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 2 &&
			 peek_eq(A, "abcd@@@@@@", 10) &&
			 cpu()->gr[4] == B + 4 && (cpu()->gr[5] & 0xffffff) == 0,
			 "MVCL pads a longer first operand: CC 2\n");

	/* len1 < len2. */
	cpu()->gr[2] = A;
	cpu()->gr[3] = 2;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 4;
	rc = run(e_rr(0x0e, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[5] == 2 &&
			 cpu()->gr[4] == B + 2,
			 "MVCL shorter first operand: CC 1, R2+1 = 2\n");

	/* Destructive overlap: nothing moved, CC 3, registers unchanged. */
	pattern(A, 100, 1);
	cpu()->gr[2] = A + 10;
	cpu()->gr[3] = 50;
	cpu()->gr[4] = A;
	cpu()->gr[5] = 50;
	rc = run(e_rr(0x0e, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 3 && pattern_at(A, 100, 1) &&
			 cpu()->gr[2] == A + 10 && cpu()->gr[3] == 50,
			 "MVCL destructive overlap: CC 3, nothing moved\n");

	/* Overlap with the destination below the source is fine. */
	cpu()->gr[2] = A;
	cpu()->gr[3] = 50;
	cpu()->gr[4] = A + 10;
	cpu()->gr[5] = 50;
	rc = run(e_rr(0x0e, 2, 4), 2);
	uint8_t want[64];
	for (unsigned i = 0; i < 50; i++)
		want[i] = (uint8_t)((i + 10) * 7 + 1);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && peek_eq(A, want, 50),
			 "MVCL nondestructive overlap moves\n");

	rc = run(e_rr(0x0e, 3, 4), 2);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "MVCL odd R1: specification exception\n");

	/* Zero first-operand length: nothing moved, CC from lengths. */
	cpu()->gr[2] = A;
	cpu()->gr[3] = 0;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 3;
	rc = run(e_rr(0x0e, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[5] == 3,
			 "MVCL zero length: CC 1, no movement\n");

	/* 24-bit mode register updates. */
	set_mode(0);
	poke_str(B, "xyz", 3);
	cpu()->gr[2] = 0x11111111ff000000ULL | A;
	cpu()->gr[3] = 0x22222222ff000003ULL;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 3;
	rc = run(e_rr(0x0e, 2, 4), 2);
	ksft_test_result(rc == 0 && peek_eq(A, "xyz", 3) &&
			 cpu()->gr[2] == (0x1111111100000000ULL | (A + 3)) &&
			 cpu()->gr[3] == 0x22222222ff000000ULL,
			 "MVCL in 24-bit mode: address bits 32-39 zeroed\n");
}

static void test_clcl(void)
{
	h_reset(&H);
	poke_str(A, "abc   ", 6);
	poke_str(B, "abc", 3);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 6;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0x20000000ULL | 3;	/* pad: ASCII blank */
	int rc = run(e_rr(0x0f, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && cpu()->gr[2] == A + 6 &&
			 cpu()->gr[3] == 0 && cpu()->gr[4] == B + 3 &&
			 cpu()->gr[5] == 0x20000000ULL,
			 "CLCL equal with padding: CC 0\n");

	poke_str(A, "abcx", 4);
	poke_str(B, "abcy", 4);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 4;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 4;
	rc = run(e_rr(0x0f, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[2] == A + 3 &&
			 cpu()->gr[3] == 1 && cpu()->gr[4] == B + 3 &&
			 cpu()->gr[5] == 1,
			 "CLCL unequal: CC 1, registers at the difference\n");

	/* First operand shorter; pad 0x00 compares low against 'z'. */
	poke_str(A, "ab", 2);
	poke_str(B, "abz", 3);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 2;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 3;
	rc = run(e_rr(0x0f, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[2] == A + 2 &&
			 cpu()->gr[3] == 0 && cpu()->gr[4] == B + 2,
			 "CLCL pad byte compares low: CC 1\n");

	cpu()->gr[2] = A;
	cpu()->gr[3] = 2;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0xff000000ULL | 3;
	rc = run(e_rr(0x0f, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 2,
			 "CLCL pad byte FF compares high: CC 2\n");

	/* Long equal compare across pages. */
	pattern(A, 7000, 3);
	pattern(B, 7000, 3);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 7000;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 7000;
	rc = run(e_rr(0x0f, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && cpu()->gr[2] == A + 7000,
			 "CLCL 7000 equal bytes: CC 0\n");

	cpu()->gr[2] = A;
	cpu()->gr[3] = 0;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0;
	rc = run(e_rr(0x0f, 2, 4), 2);
	ksft_test_result(rc == 0 && cpu()->cc == 0, "CLCL both empty: CC 0\n");
}

static void test_mvcle_clcle(void)
{
	h_reset(&H);
	pattern(B, 100, 6);
	fill(A, 0, 200);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 150;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 100;
	/* MVCLE 2,4,0x5c: pad byte from the address. */
	int rc = run(e_rs(0xa8, 2, 4, 0, 0x5c), 4);
	uint8_t pad[50];
	memset(pad, 0x5c, sizeof(pad));
	ksft_test_result(rc == 0 && cpu()->cc == 2 && pattern_at(A, 100, 6) &&
			 peek_eq(A + 100, pad, 50) && peek8(A + 150) == 0 &&
			 cpu()->gr[2] == A + 150 && cpu()->gr[3] == 0 &&
			 cpu()->gr[4] == B + 100 && cpu()->gr[5] == 0,
			 "MVCLE with padding: CC 2\n");

	/* Pad byte is bits 56-63 of B2+D2 (base register added). */
	cpu()->gr[2] = A;
	cpu()->gr[3] = 3;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0;
	cpu()->gr[6] = 0x1200;
	rc = run(e_rs(0xa8, 2, 4, 6, 0x034), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 2 && peek_eq(A, "444", 3),
			 "MVCLE pad from the second-operand address\n");

	/* Long move: CC 3 partial completions, then CC 0. */
	pattern(B, 10000, 8);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 10000;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 10000;
	rc = run(e_rs(0xa8, 2, 4, 0, 0), 4);
	bool partial = rc == 0 && cpu()->cc == 3 && cpu()->gr[3] < 10000 &&
		       cpu()->gr[2] == A + (10000 - cpu()->gr[3]);
	unsigned n = 1;
	while (rc == 0 && cpu()->cc == 3 && n < 100) {
		rc = run(e_rs(0xa8, 2, 4, 0, 0), 4);
		n++;
	}
	ksft_test_result(partial, "MVCLE long move stops with CC 3\n");
	ksft_test_result(rc == 0 && cpu()->cc == 0 && pattern_at(A, 10000, 8) &&
			 cpu()->gr[3] == 0 && cpu()->gr[5] == 0,
			 "MVCLE re-executed completes the move (%u runs)\n", n);

	/* 31-bit mode: lengths are bits 32-63, bits 0-31 unchanged. */
	set_mode(PSW_MASK_BA);
	poke_str(B, "q", 1);
	cpu()->gr[2] = 0x5555555500000000ULL | A;
	cpu()->gr[3] = 0x6666666600000001ULL;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 0x7777777700000001ULL;
	rc = run(e_rs(0xa8, 2, 4, 0, 0), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && peek8(A) == 'q' &&
			 cpu()->gr[2] == (0x5555555500000000ULL | (A + 1)) &&
			 cpu()->gr[3] == 0x6666666600000000ULL &&
			 cpu()->gr[5] == 0x7777777700000000ULL,
			 "MVCLE in 31-bit mode keeps register bits 0-31\n");
	set_mode(PSW_MASK_64);

	rc = run(e_rs(0xa8, 2, 5, 0, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "MVCLE odd R3: specification exception\n");

	/* CLCLE. */
	poke_str(A, "hello", 5);
	poke_str(B, "hellO", 5);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 5;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 5;
	rc = run(e_rs(0xa9, 2, 4, 0, 0), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 2 && cpu()->gr[2] == A + 4 &&
			 cpu()->gr[3] == 1 && cpu()->gr[4] == B + 4,
			 "CLCLE unequal: CC 2 ('o' > 'O')\n");

	poke_str(A, "ab  ", 4);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 4;
	cpu()->gr[4] = A;
	cpu()->gr[5] = 2;
	rc = run(e_rs(0xa9, 2, 4, 0, 0x20), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && cpu()->gr[3] == 0,
			 "CLCLE equal with the pad from the address\n");

	pattern(A, 9000, 1);
	pattern(B, 9000, 1);
	h_poke(&H, B + 8999, "\xff", 1);
	cpu()->gr[2] = A;
	cpu()->gr[3] = 9000;
	cpu()->gr[4] = B;
	cpu()->gr[5] = 9000;
	rc = run(e_rs(0xa9, 2, 4, 0, 0), 4);
	partial = rc == 0 && cpu()->cc == 3 && cpu()->gr[3] < 9000;
	n = 1;
	while (rc == 0 && cpu()->cc == 3 && n < 100) {
		rc = run(e_rs(0xa9, 2, 4, 0, 0), 4);
		n++;
	}
	ksft_test_result(partial, "CLCLE long compare stops with CC 3\n");
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[2] == A + 8999 &&
			 cpu()->gr[3] == 1,
			 "CLCLE re-executed finds the last-byte difference\n");
}

/* ---- MVST, CLST, SRST, CKSM ----------------------------------------- */

static void test_mvst(void)
{
	h_reset(&H);
	poke_str(B, "hello\0zz", 8);
	fill(A, 0xee, 16);
	cpu()->gr[0] = 0;
	cpu()->gr[2] = A;
	cpu()->gr[4] = B;
	int rc = run(e_rre(0xb255, 2, 4), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && peek_eq(A, "hello\0\xee", 7) &&
			 cpu()->gr[2] == A + 5 && cpu()->gr[4] == B,
			 "MVST moves through the terminator: CC 1, R1 at it\n");

	poke_str(B, "a$b", 3);
	cpu()->gr[0] = '$';
	cpu()->gr[2] = A;
	rc = run(e_rre(0xb255, 2, 4), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && peek_eq(A, "a$", 2) &&
			 cpu()->gr[2] == A + 1,
			 "MVST with terminator '$' from R0\n");

	cpu()->gr[0] = 0x100;
	rc = run(e_rre(0xb255, 2, 4), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "MVST R0 bits 32-55 nonzero: specification\n");
	cpu()->gr[0] = 0xffffffff00000000ULL;	/* bits 0-31 are ignored */
	cpu()->gr[2] = A;
	poke_str(B, "\0", 1);
	rc = run(e_rre(0xb255, 2, 4), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1, "MVST ignores R0 bits 0-31\n");

	/* A 6000-byte string: CC 3 then CC 1. */
	fill(B, 'x', 6000);
	poke_str(B + 6000, "\0", 1);
	cpu()->gr[0] = 0;
	cpu()->gr[2] = A;
	cpu()->gr[4] = B;
	rc = run(e_rre(0xb255, 2, 4), 4);
	bool partial = rc == 0 && cpu()->cc == 3 &&
		       cpu()->gr[2] - A == cpu()->gr[4] - B && cpu()->gr[2] > A;
	unsigned n = 1;
	while (rc == 0 && cpu()->cc == 3 && n < 100) {
		rc = run(e_rre(0xb255, 2, 4), 4);
		n++;
	}
	ksft_test_result(partial, "MVST long string: CC 3 with R1/R2 advanced\n");
	uint8_t xs[6000];
	memset(xs, 'x', sizeof(xs));
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[2] == A + 6000 &&
			 peek_eq(A, xs, 6000) && peek8(A + 6000) == 0,
			 "MVST re-executed completes (%u runs)\n", n);
}

static void test_clst(void)
{
	static const struct {
		const char *a, *b;
		unsigned cc, off;	/* off: where R1/R2 end up */
		const char *name;
	} cases[] = {
		{ "abc", "abd", 1, 2, "abc < abd" },
		{ "abd", "abc", 2, 2, "abd > abc" },
		{ "ab", "abc", 1, 2, "shorter first operand is low" },
		{ "abc", "ab", 2, 2, "shorter second operand: first high" },
		{ "\xff", "\x01", 2, 0, "unsigned comparison" },
	};

	h_reset(&H);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_poke(&H, A, cases[i].a, strlen(cases[i].a) + 1);
		h_poke(&H, B, cases[i].b, strlen(cases[i].b) + 1);
		cpu()->gr[0] = 0;
		cpu()->gr[2] = A;
		cpu()->gr[4] = B;
		int rc = run(e_rre(0xb25d, 2, 4), 4);
		ksft_test_result(rc == 0 && cpu()->cc == cases[i].cc &&
				 cpu()->gr[2] == A + cases[i].off &&
				 cpu()->gr[4] == B + cases[i].off,
				 "CLST %s: CC %u\n", cases[i].name, cases[i].cc);
	}

	poke_str(A, "same\0", 5);
	poke_str(B, "same\0", 5);
	cpu()->gr[2] = A;
	cpu()->gr[4] = B;
	int rc = run(e_rre(0xb25d, 2, 4), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && cpu()->gr[2] == A &&
			 cpu()->gr[4] == B,
			 "CLST equal: CC 0, registers unchanged\n");

	poke_str(A, "ab.c", 4);
	poke_str(B, "ab.d", 4);
	cpu()->gr[0] = '.';
	rc = run(e_rre(0xb25d, 2, 4), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0,
			 "CLST stops at the terminator from R0\n");

	cpu()->gr[0] = 0x1000;
	rc = run(e_rre(0xb25d, 2, 4), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "CLST R0 bits 32-55 nonzero: specification\n");

	/* Strings crossing a page boundary. */
	poke_str(PG - 3, "abcdef\0", 7);
	poke_str(B, "abcdeg\0", 7);
	cpu()->gr[0] = 0;
	cpu()->gr[2] = PG - 3;
	cpu()->gr[4] = B;
	rc = run(e_rre(0xb25d, 2, 4), 4);
	while (rc == 0 && cpu()->cc == 3)
		rc = run(e_rre(0xb25d, 2, 4), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[2] == PG + 2,
			 "CLST across a page boundary\n");
}

static void test_srst(void)
{
	h_reset(&H);
	poke_str(A, "find the x here", 15);
	cpu()->gr[0] = 'x';
	cpu()->gr[1] = A + 15;		/* end */
	cpu()->gr[2] = A;
	int rc = run(e_rre(0xb25e, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[1] == A + 9 &&
			 cpu()->gr[2] == A,
			 "SRST found: CC 1, R1 = its address\n");

	cpu()->gr[0] = 'q';
	cpu()->gr[1] = A + 15;
	rc = run(e_rre(0xb25e, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 2 && cpu()->gr[1] == A + 15 &&
			 cpu()->gr[2] == A,
			 "SRST not found: CC 2, registers unchanged\n");

	cpu()->gr[0] = 'x';
	cpu()->gr[1] = A + 9;	/* end before the x */
	rc = run(e_rre(0xb25e, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 2,
			 "SRST stops before the end address\n");

	cpu()->gr[1] = A;
	rc = run(e_rre(0xb25e, 1, 2), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 2,
			 "SRST empty operand: CC 2\n");

	cpu()->gr[0] = 0x0100 | 'x';
	cpu()->gr[1] = A + 15;
	rc = run(e_rre(0xb25e, 1, 2), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "SRST R0 bits 32-55 nonzero: specification\n");

	/* strlen idiom over 9000 bytes: CC 3 then found. */
	fill(A, 'a', 9000);
	h_poke(&H, A + 9000, "\0", 1);
	cpu()->gr[0] = 0;
	cpu()->gr[1] = 0;	/* end = 0: wraps, effectively unbounded */
	cpu()->gr[2] = A;
	rc = run(e_rre(0xb25e, 1, 2), 4);
	bool partial = rc == 0 && cpu()->cc == 3 && cpu()->gr[2] > A &&
		       cpu()->gr[1] == 0;
	while (rc == 0 && cpu()->cc == 3)
		rc = run(e_rre(0xb25e, 1, 2), 4);
	ksft_test_result(partial, "SRST long search: CC 3, R2 advanced\n");
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[1] == A + 9000,
			 "SRST re-executed finds the terminator\n");
}

static void test_cksm(void)
{
	h_reset(&H);
	/* Words 0x12345678 + 0xf0000000 + 0x9abc0000 (last 2 bytes padded). */
	h_poke(&H, A, "\x12\x34\x56\x78\xf0\x00\x00\x00\x9a\xbc", 10);
	cpu()->gr[1] = 0xaaaaaaaa00000001ULL;
	cpu()->gr[2] = A;
	cpu()->gr[3] = 10;
	int rc = run(e_rre(0xb241, 1, 2), 4);
	uint64_t s = 1ULL + 0x12345678 + 0xf0000000 + 0x9abc0000;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	ksft_test_result(rc == 0 && cpu()->cc == 0 &&
			 cpu()->gr[1] == (0xaaaaaaaa00000000ULL | s) &&
			 cpu()->gr[2] == A + 10 && cpu()->gr[3] == 0,
			 "CKSM with end-around carry and padding\n");

	rc = run(e_rre(0xb241, 1, 3), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "CKSM odd R2: specification exception\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(PLAN);
	h_init(&H);

	test_mvc();
	test_mvn_mvz_mvcin_mvi();
	test_clc();
	test_logical();
	test_tr();
	test_trt();
	test_decimal_moves();
	test_edit();
	test_cvb_cvd();
	test_mvcl();
	test_clcl();
	test_mvcle_clcle();
	test_mvst();
	test_clst();
	test_srst();
	test_cksm();

	h_fini(&H);
	return ksft_finished();
}
