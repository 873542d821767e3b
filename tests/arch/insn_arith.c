/* SPDX-License-Identifier: MIT */
/*
 * Fixed-point arithmetic, logical, compare and load/store instructions of
 * the software CPU (arch/s390x/insn-arith.c), one instruction at a time.
 *
 * Every case runs one real instruction encoding with GR1-GR4 and two
 * doublewords at H_DATA preset, then checks GR0-GR5, the condition code,
 * the program interruption (if any) and, where the instruction stores,
 * the storage.  Expected values come from the Principles of Operation,
 * chapter 7; storage operands are addressed through GR5 = H_DATA.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "../ksft.h"
#include "cpu-harness.h"

/* ---- Instruction encodings (PoP "Instruction Formats") ---------------- */

struct enc {
	uint64_t insn;
	unsigned len;
};

#define U(v) ((uint64_t)(v))
#define RR(op, r1, r2)		{ U(op) << 8 | U(r1) << 4 | U(r2), 2 }
#define RRE(op, r1, r2)		{ U(op) << 16 | U(r1) << 4 | U(r2), 4 }
#define RRF(op, r1, r2, r3)	{ U(op) << 16 | U(r3) << 12 | U(r1) << 4 | U(r2), 4 }
#define RX(op, r1, x2, b2, d2)	{ U(op) << 24 | U(r1) << 20 | U(x2) << 16 | \
				  U(b2) << 12 | U(d2), 4 }
#define RS(op, r1, r3, b2, d2)	RX(op, r1, r3, b2, d2)
#define RI(op, op4, r1, i2)	{ U(op) << 24 | U(r1) << 20 | U(op4) << 16 | \
				  (U(i2) & 0xffff), 4 }
#define SI(op, i2, b1, d1)	{ U(op) << 24 | (U(i2) & 0xff) << 16 | \
				  U(b1) << 12 | U(d1), 4 }
/* 6-byte formats */
#define RXY(op, opb, r1, x2, b2, d) \
	{ U(op) << 40 | U(r1) << 36 | U(x2) << 32 | U(b2) << 28 | \
	  (U(d) & 0xfff) << 16 | ((U(d) >> 12) & 0xff) << 8 | U(opb), 6 }
#define RSY(op, opb, r1, r3, b2, d) RXY(op, opb, r1, r3, b2, d)
#define SIY(op, opb, i2, b1, d) \
	{ U(op) << 40 | (U(i2) & 0xff) << 32 | U(b1) << 28 | \
	  (U(d) & 0xfff) << 16 | ((U(d) >> 12) & 0xff) << 8 | U(opb), 6 }
#define RIL(op, op4, r1, i2) \
	{ U(op) << 40 | U(r1) << 36 | U(op4) << 32 | (U(i2) & 0xffffffff), 6 }
#define RIE(op, opb, r1, r3, i2) \
	{ U(op) << 40 | U(r1) << 36 | U(r3) << 32 | (U(i2) & 0xffff) << 16 | \
	  U(opb), 6 }
#define SIL(op, b1, d1, i2) \
	{ U(op) << 32 | U(b1) << 28 | U(d1) << 16 | (U(i2) & 0xffff), 6 }

/* RIL relative-long offset (halfwords) from H_CODE to H_DATA. */
#define REL_DATA ((H_DATA - H_CODE) / 2)

/* Storage doubleword helpers: a word / halfword / byte at H_DATA. */
#define M32(v) (U(v) << 32)
#define M16(v) (U(v) << 48)
#define M8(v)  (U(v) << 56)

/* Expected condition code: 0 means "unchanged". */
#define CC(n) ((n) + 1)

#define HI 0xAAAAAAAA00000000ULL	/* a recognizable high word */
#define G0 0x0123456789ABCDEFULL	/* GR0: must never change */

struct acase {
	const char *name;
	struct enc e;
	uint64_t r[4];		/* GR1..GR4 before */
	uint64_t want[4];	/* GR1..GR4 after */
	uint64_t mem[2];	/* doublewords at H_DATA, H_DATA+8 before */
	uint64_t want_mem[2];	/* ... after, when chk_mem */
	bool chk_mem;
	int cc_in;		/* CC(n) before; 0: CC 1 */
	int cc;			/* CC(n) expected; 0: unchanged */
	bool pm;		/* fixed-point-overflow mask on */
	int pgm;		/* expected program-interruption code */
};

/* Cases list only the fields they need; the rest are zero on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const struct acase cases[] = {
	/* ---- LOAD family (register) ---- */
	{ "LR keeps high word", RR(0x18, 1, 2),
	  { HI | 0xBBBBBBBB, 0x1111111180000000 },
	  { HI | 0x80000000, 0x1111111180000000 }, .cc_in = CC(3) },
	{ "LGR", RRE(0xB904, 1, 2), { 5, 0x1111111180000000 },
	  { 0x1111111180000000, 0x1111111180000000 } },
	{ "LGFR sign-extends", RRE(0xB914, 1, 2), { 5, 0x1111111180000000 },
	  { 0xFFFFFFFF80000000, 0x1111111180000000 } },
	{ "LLGFR zero-extends", RRE(0xB916, 1, 2), { 5, 0x1111111180000000 },
	  { 0x80000000, 0x1111111180000000 } },
	{ "LLGTR clears bit 32", RRE(0xB917, 1, 2), { 5, ~0ULL },
	  { 0x7FFFFFFF, ~0ULL } },
	{ "LHR", RRE(0xB927, 1, 2), { HI | 0xBBBBBBBB, 0x12348001 },
	  { HI | 0xFFFF8001, 0x12348001 } },
	{ "LGHR", RRE(0xB907, 1, 2), { 1, 0x12348001 },
	  { 0xFFFFFFFFFFFF8001, 0x12348001 } },
	{ "LBR", RRE(0xB926, 1, 2), { HI | 0xBBBBBBBB, 0x1280 },
	  { HI | 0xFFFFFF80, 0x1280 } },
	{ "LGBR positive", RRE(0xB906, 1, 2), { ~0ULL, 0xFF7F },
	  { 0x7F, 0xFF7F } },
	{ "LLCR", RRE(0xB994, 1, 2), { HI | 0xBBBBBBBB, ~0ULL },
	  { HI | 0xFF, ~0ULL } },
	{ "LLGCR", RRE(0xB984, 1, 2), { 7, ~0ULL }, { 0xFF, ~0ULL } },
	{ "LLHR", RRE(0xB995, 1, 2), { HI | 0xBBBBBBBB, 0xFFFF8001 },
	  { HI | 0x8001, 0xFFFF8001 } },
	{ "LLGHR", RRE(0xB985, 1, 2), { 7, 0xFFFF8001 },
	  { 0x8001, 0xFFFF8001 } },
	{ "LHI -2 keeps high word", RI(0xA7, 8, 1, -2), { HI | 5 },
	  { HI | 0xFFFFFFFE } },
	{ "LGHI -2", RI(0xA7, 9, 1, -2), { HI | 5 }, { 0xFFFFFFFFFFFFFFFE } },
	{ "LGFI 0x80000000", RIL(0xC0, 1, 1, 0x80000000), { 5 },
	  { 0xFFFFFFFF80000000 } },

	/* ---- LOAD family (storage at H_DATA = 80 00 00 01 12 34 56 78) ---- */
	{ "L", RX(0x58, 1, 0, 5, 0), { HI | 0xBBBBBBBB },
	  { HI | 0x80000001 }, { 0x8000000112345678 }, .cc_in = CC(2) },
	{ "L with index and displacement", RX(0x58, 1, 4, 5, 8),
	  { HI, 0, 0, 4 }, { HI | 0xCAFEF00D, 0, 0, 4 },
	  { 0, 0x12345678CAFEF00D } },
	{ "LY negative long displacement", RXY(0xE3, 0x58, 1, 4, 5, -16),
	  { HI, 0, 0, 16 }, { HI | 0x80000001, 0, 0, 16 },
	  { 0x8000000112345678 } },
	{ "LG", RXY(0xE3, 0x04, 1, 0, 5, 0), { 0 }, { 0x8000000112345678 },
	  { 0x8000000112345678 } },
	{ "LG displacement 8", RXY(0xE3, 0x04, 1, 0, 5, 8), { 0 },
	  { 0x1122334455667788 }, { 0, 0x1122334455667788 } },
	{ "LGF", RXY(0xE3, 0x14, 1, 0, 5, 0), { 0 }, { 0xFFFFFFFF80000001 },
	  { 0x8000000112345678 } },
	{ "LLGF", RXY(0xE3, 0x16, 1, 0, 5, 0), { ~0ULL }, { 0x80000001 },
	  { 0x8000000112345678 } },
	{ "LLGT", RXY(0xE3, 0x17, 1, 0, 5, 0), { ~0ULL }, { 0x00000001 },
	  { 0x8000000112345678 } },
	{ "LH", RX(0x48, 1, 0, 5, 0), { HI }, { HI | 0xFFFF8000 },
	  { 0x8000000112345678 } },
	{ "LHY", RXY(0xE3, 0x78, 1, 0, 5, 4), { HI }, { HI | 0x1234 },
	  { 0x8000000112345678 } },
	{ "LGH", RXY(0xE3, 0x15, 1, 0, 5, 0), { 0 }, { 0xFFFFFFFFFFFF8000 },
	  { 0x8000000112345678 } },
	{ "LB", RXY(0xE3, 0x76, 1, 0, 5, 0), { HI }, { HI | 0xFFFFFF80 },
	  { 0x8000000112345678 } },
	{ "LGB", RXY(0xE3, 0x77, 1, 0, 5, 0), { 0 }, { 0xFFFFFFFFFFFFFF80 },
	  { 0x8000000112345678 } },
	{ "LLC", RXY(0xE3, 0x94, 1, 0, 5, 0), { HI | 0xFFFFFFFF },
	  { HI | 0x80 }, { 0x8000000112345678 } },
	{ "LLGC", RXY(0xE3, 0x90, 1, 0, 5, 7), { ~0ULL }, { 0x78 },
	  { 0x8000000112345678 } },
	{ "LLH", RXY(0xE3, 0x95, 1, 0, 5, 0), { HI | 0xFFFFFFFF },
	  { HI | 0x8000 }, { 0x8000000112345678 } },
	{ "LLGH", RXY(0xE3, 0x91, 1, 0, 5, 0), { ~0ULL }, { 0x8000 },
	  { 0x8000000112345678 } },
	{ "LRL", RIL(0xC4, 0xD, 1, REL_DATA), { HI }, { HI | 0x80000001 },
	  { 0x8000000112345678 } },
	{ "LGRL", RIL(0xC4, 0x8, 1, REL_DATA), { 0 }, { 0x8000000112345678 },
	  { 0x8000000112345678 } },
	{ "LGRL misaligned: specification", RIL(0xC4, 0x8, 1, REL_DATA + 2),
	  { 5 }, { 5 }, .pgm = PGM_SPECIFICATION },
	{ "LGFRL", RIL(0xC4, 0xC, 1, REL_DATA), { 0 }, { 0xFFFFFFFF80000001 },
	  { 0x8000000112345678 } },
	{ "LLGFRL", RIL(0xC4, 0xE, 1, REL_DATA), { ~0ULL }, { 0x80000001 },
	  { 0x8000000112345678 } },
	{ "LHRL", RIL(0xC4, 0x5, 1, REL_DATA + 1), { HI }, { HI | 0x0001 },
	  { 0x8000000112345678 } },
	{ "LGHRL", RIL(0xC4, 0x4, 1, REL_DATA), { 0 }, { 0xFFFFFFFFFFFF8000 },
	  { 0x8000000112345678 } },
	{ "LLHRL", RIL(0xC4, 0x2, 1, REL_DATA), { HI | 0xFFFFFFFF },
	  { HI | 0x8000 }, { 0x8000000112345678 } },
	{ "LLGHRL", RIL(0xC4, 0x6, 1, REL_DATA + 3), { ~0ULL }, { 0x5678 },
	  { 0x8000000112345678 } },

	/* ---- LOAD AND TRAP: data exception (DXC FF) on zero ---- */
	{ "LAT nonzero", RXY(0xE3, 0x9F, 1, 0, 5, 0), { HI }, { HI | 0x80000001 },
	  { 0x8000000112345678 } },
	{ "LAT zero: loaded, then data exception", RXY(0xE3, 0x9F, 1, 0, 5, 0),
	  { HI | 5 }, { HI }, { 0x0000000012345678 }, .pgm = PGM_DATA },
	{ "LGAT zero: data exception", RXY(0xE3, 0x85, 1, 0, 5, 0), { 5 },
	  { 0 }, { 0 }, .pgm = PGM_DATA },
	{ "LLGFAT", RXY(0xE3, 0x9D, 1, 0, 5, 0), { ~0ULL }, { 0x80000001 },
	  { 0x8000000112345678 } },
	{ "LLGTAT zero after clearing bit 32: trap", RXY(0xE3, 0x9C, 1, 0, 5, 0),
	  { ~0ULL }, { 0 }, { M32(0x80000000) }, .pgm = PGM_DATA },
	{ "LFHAT", RXY(0xE3, 0xC8, 1, 0, 5, 4), { 7 }, { 0x1234567800000007 },
	  { 0x8000000112345678 } },

	/* ---- LOAD AND TEST, COMPLEMENT, NEGATIVE, POSITIVE ---- */
	{ "LTR 1,1 positive CC2", RR(0x12, 1, 1), { HI | 5 }, { HI | 5 },
	  .cc = CC(2) },
	{ "LTR negative CC1", RR(0x12, 1, 2), { 0, 0x80000000 },
	  { 0x80000000, 0x80000000 }, .cc = CC(1) },
	{ "LTR zero ignores high word CC0", RR(0x12, 1, 2), { 3, HI },
	  { 0, HI }, .cc = CC(0) },
	{ "LT", RXY(0xE3, 0x12, 1, 0, 5, 0), { 0 }, { 0x80000001 },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "LTGR zero CC0", RRE(0xB902, 1, 2), { 5, 0 }, { 0, 0 },
	  .cc = CC(0) },
	{ "LTG positive CC2", RXY(0xE3, 0x02, 1, 0, 5, 0), { 0 },
	  { 0x0000000112345678 }, { 0x0000000112345678 }, .cc = CC(2) },
	{ "LTGFR -1 CC1", RRE(0xB912, 1, 2), { 0, 0xFFFFFFFF },
	  { ~0ULL, 0xFFFFFFFF }, .cc = CC(1) },
	{ "LTGF", RXY(0xE3, 0x32, 1, 0, 5, 0), { 0 }, { 0xFFFFFFFF80000001 },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "LCR 5", RR(0x13, 1, 2), { HI, 5 }, { HI | 0xFFFFFFFB, 5 },
	  .cc = CC(1) },
	{ "LCR INT_MIN overflows CC3", RR(0x13, 1, 2), { HI, 0x80000000 },
	  { HI | 0x80000000, 0x80000000 }, .cc = CC(3) },
	{ "LCR INT_MIN with mask: pgm 8", RR(0x13, 1, 2), { HI, 0x80000000 },
	  { HI | 0x80000000, 0x80000000 }, .pm = true,
	  .pgm = PGM_FIXPOINT_OVERFLOW },
	{ "LCGR -5", RRE(0xB903, 1, 2), { 0, -5ULL }, { 5, -5ULL },
	  .cc = CC(2) },
	{ "LCGR 0", RRE(0xB903, 1, 2), { 9, 0 }, { 0, 0 }, .cc = CC(0) },
	{ "LCGR INT64_MIN CC3", RRE(0xB903, 1, 2), { 9, 1ULL << 63 },
	  { 1ULL << 63, 1ULL << 63 }, .cc = CC(3) },
	{ "LCGFR INT_MIN no overflow", RRE(0xB913, 1, 2), { 9, 0x80000000 },
	  { 0x80000000, 0x80000000 }, .cc = CC(2) },
	{ "LNR 5", RR(0x11, 1, 2), { HI, 5 }, { HI | 0xFFFFFFFB, 5 },
	  .cc = CC(1) },
	{ "LNR -5 stays", RR(0x11, 1, 2), { HI, 0xFFFFFFFB },
	  { HI | 0xFFFFFFFB, 0xFFFFFFFB }, .cc = CC(1) },
	{ "LNR 0", RR(0x11, 1, 2), { HI | 1, 0 }, { HI, 0 }, .cc = CC(0) },
	{ "LNGR INT64_MIN", RRE(0xB901, 1, 2), { 0, 1ULL << 63 },
	  { 1ULL << 63, 1ULL << 63 }, .cc = CC(1) },
	{ "LNGFR 7", RRE(0xB911, 1, 2), { 0, 7 }, { -7ULL, 7 }, .cc = CC(1) },
	{ "LPR -5", RR(0x10, 1, 2), { HI, 0xFFFFFFFB }, { HI | 5, 0xFFFFFFFB },
	  .cc = CC(2) },
	{ "LPR INT_MIN CC3", RR(0x10, 1, 2), { HI, 0x80000000 },
	  { HI | 0x80000000, 0x80000000 }, .cc = CC(3) },
	{ "LPGR -1", RRE(0xB900, 1, 2), { 0, ~0ULL }, { 1, ~0ULL },
	  .cc = CC(2) },
	{ "LPGR 0", RRE(0xB900, 1, 2), { 4, 0 }, { 0, 0 }, .cc = CC(0) },
	{ "LPGFR INT_MIN", RRE(0xB910, 1, 2), { 0, 0x80000000 },
	  { 0x80000000, 0x80000000 }, .cc = CC(2) },

	/* ---- ADD ---- */
	{ "AR 1+2 keeps high word", RR(0x1A, 1, 2), { HI | 1, 0xBEEF00000002 },
	  { HI | 3, 0xBEEF00000002 }, .cc = CC(2) },
	{ "AR -5+2 CC1", RR(0x1A, 1, 2), { 0xFFFFFFFB, 2 }, { 0xFFFFFFFD, 2 },
	  .cc = CC(1) },
	{ "AR -1+1 CC0", RR(0x1A, 1, 2), { 0xFFFFFFFF, 1 }, { 0, 1 },
	  .cc = CC(0) },
	{ "AR INT_MAX+1 CC3", RR(0x1A, 1, 2), { 0x7FFFFFFF, 1 },
	  { 0x80000000, 1 }, .cc = CC(3) },
	{ "AR INT_MIN+INT_MIN CC3", RR(0x1A, 1, 2), { 0x80000000, 0x80000000 },
	  { 0, 0x80000000 }, .cc = CC(3) },
	{ "AR overflow with mask: pgm 8, result stored", RR(0x1A, 1, 2),
	  { 0x7FFFFFFF, 1 }, { 0x80000000, 1 }, .pm = true,
	  .pgm = PGM_FIXPOINT_OVERFLOW },
	{ "AR no overflow with mask", RR(0x1A, 1, 2), { 0x7FFFFFFE, 1 },
	  { 0x7FFFFFFF, 1 }, .pm = true, .cc = CC(2) },
	{ "AGR 2^32+2^32", RRE(0xB908, 1, 2), { 1ULL << 32, 1ULL << 32 },
	  { 1ULL << 33, 1ULL << 32 }, .cc = CC(2) },
	{ "AGR INT64_MAX+1 CC3", RRE(0xB908, 1, 2), { INT64_MAX, 1 },
	  { 1ULL << 63, 1 }, .cc = CC(3) },
	{ "AGR overflow with mask: pgm 8", RRE(0xB908, 1, 2),
	  { 1ULL << 63, ~0ULL }, { INT64_MAX, ~0ULL }, .pm = true,
	  .pgm = PGM_FIXPOINT_OVERFLOW },
	{ "AGFR adds sign-extended word", RRE(0xB918, 1, 2), { 1, 0xFFFFFFFF },
	  { 0, 0xFFFFFFFF }, .cc = CC(0) },
	{ "A", RX(0x5A, 1, 0, 5, 0), { HI | 1 }, { HI | 0 },
	  { M32(0xFFFFFFFF) }, .cc = CC(0) },
	{ "AY", RXY(0xE3, 0x5A, 1, 0, 5, 0), { 0x7FFFFFFF }, { 0x80000000 },
	  { M32(1) }, .cc = CC(3) },
	{ "AG", RXY(0xE3, 0x08, 1, 0, 5, 0), { 10 }, { 3 }, { -7ULL },
	  .cc = CC(2) },
	{ "AGF", RXY(0xE3, 0x18, 1, 0, 5, 0), { 10 }, { 3 },
	  { M32(0xFFFFFFF9) }, .cc = CC(2) },
	{ "AH sign-extends halfword", RX(0x4A, 1, 0, 5, 0), { HI | 0 },
	  { HI | 0xFFFF8000 }, { M16(0x8000) }, .cc = CC(1) },
	{ "AHY", RXY(0xE3, 0x7A, 1, 0, 5, 0), { 0x8000 }, { 0 },
	  { M16(0x8000) }, .cc = CC(0) },
	{ "AHI -1", RI(0xA7, 0xA, 1, -1), { HI }, { HI | 0xFFFFFFFF },
	  .cc = CC(1) },
	{ "AGHI -1 crosses word", RI(0xA7, 0xB, 1, -1), { 1ULL << 32 },
	  { 0xFFFFFFFF }, .cc = CC(2) },
	{ "AFI INT_MAX+1 CC3", RIL(0xC2, 9, 1, 1), { 0x7FFFFFFF },
	  { 0x80000000 }, .cc = CC(3) },
	{ "AGFI -2^31", RIL(0xC2, 8, 1, 0x80000000), { 0 },
	  { 0xFFFFFFFF80000000 }, .cc = CC(1) },
	{ "AHIK R1 = R3 + I2", RIE(0xEC, 0xD8, 1, 3, 5), { HI, 0, 10 },
	  { HI | 15, 0, 10 }, .cc = CC(2) },
	{ "AGHIK", RIE(0xEC, 0xD9, 1, 3, -10), { 7, 0, 10 }, { 0, 0, 10 },
	  .cc = CC(0) },
	{ "ARK R1 = R2 + R3", RRF(0xB9F8, 1, 2, 3), { HI, 2, 3 },
	  { HI | 5, 2, 3 }, .cc = CC(2) },
	{ "AGRK", RRF(0xB9E8, 1, 2, 3), { 0, INT64_MAX, 1 },
	  { 1ULL << 63, INT64_MAX, 1 }, .cc = CC(3) },

	/* ---- ADD LOGICAL ---- */
	{ "ALR 0+0 CC0", RR(0x1E, 1, 2), { 0, 0 }, { 0, 0 }, .cc = CC(0) },
	{ "ALR 1+1 CC1", RR(0x1E, 1, 2), { 1, 1 }, { 2, 1 }, .cc = CC(1) },
	{ "ALR carry, zero CC2", RR(0x1E, 1, 2), { HI | 0xFFFFFFFF, 1 },
	  { HI, 1 }, .cc = CC(2) },
	{ "ALR carry, nonzero CC3", RR(0x1E, 1, 2), { 0xFFFFFFFF, 2 },
	  { 1, 2 }, .cc = CC(3) },
	{ "ALR no overflow interruption", RR(0x1E, 1, 2), { 0x7FFFFFFF, 1 },
	  { 0x80000000, 1 }, .pm = true, .cc = CC(1) },
	{ "ALGR carry CC3", RRE(0xB90A, 1, 2), { ~0ULL, 2 }, { 1, 2 },
	  .cc = CC(3) },
	{ "ALGR carry zero CC2", RRE(0xB90A, 1, 2), { 1ULL << 63, 1ULL << 63 },
	  { 0, 1ULL << 63 }, .cc = CC(2) },
	{ "ALGFR zero-extends", RRE(0xB91A, 1, 2), { 1, 0xFFFFFFFF },
	  { 0x100000000, 0xFFFFFFFF }, .cc = CC(1) },
	{ "AL", RX(0x5E, 1, 0, 5, 0), { 1 }, { 0 }, { M32(0xFFFFFFFF) },
	  .cc = CC(2) },
	{ "ALY", RXY(0xE3, 0x5E, 1, 0, 5, 0), { 2 }, { 1 },
	  { M32(0xFFFFFFFF) }, .cc = CC(3) },
	{ "ALG", RXY(0xE3, 0x0A, 1, 0, 5, 0), { 5 }, { 4 }, { ~0ULL },
	  .cc = CC(3) },
	{ "ALGF", RXY(0xE3, 0x1A, 1, 0, 5, 0), { 5 }, { 0x100000004 },
	  { M32(0xFFFFFFFF) }, .cc = CC(1) },
	{ "ALFI", RIL(0xC2, 0xB, 1, 0xFFFFFFFF), { HI | 1 }, { HI },
	  .cc = CC(2) },
	{ "ALGFI", RIL(0xC2, 0xA, 1, 0xFFFFFFFF), { 1 }, { 0x100000000 },
	  .cc = CC(1) },
	{ "ALRK", RRF(0xB9FA, 1, 2, 3), { 0, 0xFFFFFFFF, 0xFFFFFFFF },
	  { 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF }, .cc = CC(3) },
	{ "ALGRK", RRF(0xB9EA, 1, 2, 3), { 9, 1, 2 }, { 3, 1, 2 },
	  .cc = CC(1) },
	{ "ALHSIK -1 to 1: zero with carry", RIE(0xEC, 0xDA, 1, 3, -1),
	  { HI, 0, 1 }, { HI, 0, 1 }, .cc = CC(2) },
	{ "ALGHSIK -1 to 0: no carry", RIE(0xEC, 0xDB, 1, 3, -1),
	  { 5, 0, 0 }, { ~0ULL, 0, 0 }, .cc = CC(1) },
	{ "ALCR with carry in", RRE(0xB998, 1, 2), { 1, 1 }, { 3, 1 },
	  .cc_in = CC(2), .cc = CC(1) },
	{ "ALCR no carry in", RRE(0xB998, 1, 2), { 1, 1 }, { 2, 1 },
	  .cc_in = CC(1), .cc = CC(1) },
	{ "ALCR carry in makes carry out", RRE(0xB998, 1, 2),
	  { 0xFFFFFFFF, 0 }, { 0, 0 }, .cc_in = CC(3), .cc = CC(2) },
	{ "ALCGR", RRE(0xB988, 1, 2), { ~0ULL, ~0ULL }, { ~0ULL, ~0ULL },
	  .cc_in = CC(2), .cc = CC(3) },
	{ "ALC", RXY(0xE3, 0x98, 1, 0, 5, 0), { HI | 1 }, { HI | 3 },
	  { M32(1) }, .cc_in = CC(3), .cc = CC(1) },
	{ "ALCG", RXY(0xE3, 0x88, 1, 0, 5, 0), { 1 }, { 0 }, { ~0ULL },
	  .cc_in = CC(0), .cc = CC(2) },

	/* ---- SUBTRACT ---- */
	{ "SR 5-3", RR(0x1B, 1, 2), { HI | 5, 3 }, { HI | 2, 3 }, .cc = CC(2) },
	{ "SR 3-5", RR(0x1B, 1, 2), { 3, 5 }, { 0xFFFFFFFE, 5 }, .cc = CC(1) },
	{ "SR 1,1 CC0", RR(0x1B, 1, 1), { HI | 77 }, { HI }, .cc = CC(0) },
	{ "SR INT_MIN-1 CC3", RR(0x1B, 1, 2), { 0x80000000, 1 },
	  { 0x7FFFFFFF, 1 }, .cc = CC(3) },
	{ "SR overflow with mask: pgm 8", RR(0x1B, 1, 2), { 0, 0x80000000 },
	  { 0x80000000, 0x80000000 }, .pm = true,
	  .pgm = PGM_FIXPOINT_OVERFLOW },
	{ "SGR", RRE(0xB909, 1, 2), { 0, 1 }, { ~0ULL, 1 }, .cc = CC(1) },
	{ "SGR INT64_MIN-1 CC3", RRE(0xB909, 1, 2), { 1ULL << 63, 1 },
	  { INT64_MAX, 1 }, .cc = CC(3) },
	{ "SGFR", RRE(0xB919, 1, 2), { 0, 0xFFFFFFFF }, { 1, 0xFFFFFFFF },
	  .cc = CC(2) },
	{ "S", RX(0x5B, 1, 0, 5, 0), { 10 }, { 3 }, { M32(7) }, .cc = CC(2) },
	{ "SY", RXY(0xE3, 0x5B, 1, 0, 5, 0), { 7 }, { 0 }, { M32(7) },
	  .cc = CC(0) },
	{ "SG", RXY(0xE3, 0x09, 1, 0, 5, 0), { 0 }, { 1 }, { ~0ULL },
	  .cc = CC(2) },
	{ "SGF", RXY(0xE3, 0x19, 1, 0, 5, 0), { 0 }, { 1 },
	  { M32(0xFFFFFFFF) }, .cc = CC(2) },
	{ "SH", RX(0x4B, 1, 0, 5, 0), { 0 }, { 0x8000 }, { M16(0x8000) },
	  .cc = CC(2) },
	{ "SHY", RXY(0xE3, 0x7B, 1, 0, 5, 0), { 0 }, { 0xFFFFFFFF },
	  { M16(1) }, .cc = CC(1) },
	{ "SRK R1 = R2 - R3", RRF(0xB9F9, 1, 2, 3), { HI, 10, 4 },
	  { HI | 6, 10, 4 }, .cc = CC(2) },
	{ "SGRK", RRF(0xB9E9, 1, 2, 3), { 0, 4, 10 }, { -6ULL, 4, 10 },
	  .cc = CC(1) },

	/* ---- SUBTRACT LOGICAL ---- */
	{ "SLR 5-3 no borrow CC3", RR(0x1F, 1, 2), { 5, 3 }, { 2, 3 },
	  .cc = CC(3) },
	{ "SLR 5-5 CC2", RR(0x1F, 1, 2), { HI | 5, 5 }, { HI, 5 },
	  .cc = CC(2) },
	{ "SLR 3-5 borrow CC1", RR(0x1F, 1, 2), { 3, 5 }, { 0xFFFFFFFE, 5 },
	  .cc = CC(1) },
	{ "SLGR borrow", RRE(0xB90B, 1, 2), { 0, 1 }, { ~0ULL, 1 },
	  .cc = CC(1) },
	{ "SLGFR zero-extends", RRE(0xB91B, 1, 2), { 0x100000000, 0xFFFFFFFF },
	  { 1, 0xFFFFFFFF }, .cc = CC(3) },
	{ "SL", RX(0x5F, 1, 0, 5, 0), { 1 }, { 0 }, { M32(1) }, .cc = CC(2) },
	{ "SLY", RXY(0xE3, 0x5F, 1, 0, 5, 0), { 0 }, { 1 },
	  { M32(0xFFFFFFFF) }, .cc = CC(1) },
	{ "SLG", RXY(0xE3, 0x0B, 1, 0, 5, 0), { ~0ULL }, { ~0ULL - 1 },
	  { 1 }, .cc = CC(3) },
	{ "SLGF", RXY(0xE3, 0x1B, 1, 0, 5, 0), { 0 }, { 0xFFFFFFFF00000001 },
	  { M32(0xFFFFFFFF) }, .cc = CC(1) },
	{ "SLFI", RIL(0xC2, 5, 1, 1), { HI | 1 }, { HI }, .cc = CC(2) },
	{ "SLGFI", RIL(0xC2, 4, 1, 0xFFFFFFFF), { 0x100000000 }, { 1 },
	  .cc = CC(3) },
	{ "SLRK", RRF(0xB9FB, 1, 2, 3), { 0, 1, 2 }, { 0xFFFFFFFF, 1, 2 },
	  .cc = CC(1) },
	{ "SLGRK", RRF(0xB9EB, 1, 2, 3), { 0, 2, 1 }, { 1, 2, 1 },
	  .cc = CC(3) },
	{ "SLBR with borrow in", RRE(0xB999, 1, 2), { 5, 3 }, { 1, 3 },
	  .cc_in = CC(1), .cc = CC(3) },
	{ "SLBR no borrow in", RRE(0xB999, 1, 2), { 5, 3 }, { 2, 3 },
	  .cc_in = CC(3), .cc = CC(3) },
	{ "SLBR 0-0-borrow CC1", RRE(0xB999, 1, 2), { 0, 0 }, { 0xFFFFFFFF, 0 },
	  .cc_in = CC(0), .cc = CC(1) },
	{ "SLBR zero with borrow CC0", RRE(0xB999, 1, 2), { 0, 0xFFFFFFFF },
	  { 0, 0xFFFFFFFF }, .cc_in = CC(1), .cc = CC(0) },
	{ "SLBGR", RRE(0xB989, 1, 2), { 1, 0 }, { 0, 0 }, .cc_in = CC(0),
	  .cc = CC(2) },
	{ "SLB", RXY(0xE3, 0x99, 1, 0, 5, 0), { 10 }, { 6 }, { M32(3) },
	  .cc_in = CC(1), .cc = CC(3) },
	{ "SLBG", RXY(0xE3, 0x89, 1, 0, 5, 0), { 0 }, { ~0ULL }, { 1 },
	  .cc_in = CC(2), .cc = CC(1) },
	{ "SLBG with borrow in", RXY(0xE3, 0x89, 1, 0, 5, 0), { 0 },
	  { ~0ULL - 1 }, { 1 }, .cc_in = CC(1), .cc = CC(1) },

	/* ---- COMPARE ---- */
	{ "CR -1 < 1", RR(0x19, 1, 2), { 0xFFFFFFFF, 1 }, { 0xFFFFFFFF, 1 },
	  .cc = CC(1) },
	{ "CR equal, high words ignored", RR(0x19, 1, 2), { HI | 5, 5 },
	  { HI | 5, 5 }, .cc = CC(0) },
	{ "CR INT_MAX > INT_MIN", RR(0x19, 1, 2), { 0x7FFFFFFF, 0x80000000 },
	  { 0x7FFFFFFF, 0x80000000 }, .cc = CC(2) },
	{ "CGR", RRE(0xB920, 1, 2), { 1ULL << 63, 0 }, { 1ULL << 63, 0 },
	  .cc = CC(1) },
	{ "CGFR 2^32-1 > -1", RRE(0xB930, 1, 2), { 0xFFFFFFFF, 0xFFFFFFFF },
	  { 0xFFFFFFFF, 0xFFFFFFFF }, .cc = CC(2) },
	{ "C", RX(0x59, 1, 0, 5, 0), { 0 }, { 0 }, { M32(0xFFFFFFFF) },
	  .cc = CC(2) },
	{ "CY", RXY(0xE3, 0x59, 1, 0, 5, 0), { 0x80000000 }, { 0x80000000 },
	  { M32(0x80000000) }, .cc = CC(0) },
	{ "CG", RXY(0xE3, 0x20, 1, 0, 5, 0), { ~0ULL }, { ~0ULL }, { 0 },
	  .cc = CC(1) },
	{ "CGF", RXY(0xE3, 0x30, 1, 0, 5, 0), { ~0ULL }, { ~0ULL },
	  { M32(0xFFFFFFFF) }, .cc = CC(0) },
	{ "CH", RX(0x49, 1, 0, 5, 0), { 0xFFFF8000 }, { 0xFFFF8000 },
	  { M16(0x8000) }, .cc = CC(0) },
	{ "CHY", RXY(0xE3, 0x79, 1, 0, 5, 0), { 0x8000 }, { 0x8000 },
	  { M16(0x8000) }, .cc = CC(2) },
	{ "CGH", RXY(0xE3, 0x34, 1, 0, 5, 0), { -40000ULL }, { -40000ULL },
	  { M16(0x8000) }, .cc = CC(1) },
	{ "CHI", RI(0xA7, 0xE, 1, -1), { 0xFFFFFFFF }, { 0xFFFFFFFF },
	  .cc = CC(0) },
	{ "CGHI", RI(0xA7, 0xF, 1, -1), { 0xFFFFFFFF }, { 0xFFFFFFFF },
	  .cc = CC(2) },
	{ "CFI", RIL(0xC2, 0xD, 1, 0x80000000), { 0x80000001 },
	  { 0x80000001 }, .cc = CC(2) },
	{ "CGFI", RIL(0xC2, 0xC, 1, 0x80000000), { 0x80000000 },
	  { 0x80000000 }, .cc = CC(2) },
	{ "CRL", RIL(0xC6, 0xD, 1, REL_DATA), { 0x80000002 }, { 0x80000002 },
	  { 0x8000000112345678 }, .cc = CC(2) },
	{ "CGRL", RIL(0xC6, 0x8, 1, REL_DATA), { 0 }, { 0 },
	  { 0x8000000112345678 }, .cc = CC(2) },
	{ "CGFRL", RIL(0xC6, 0xC, 1, REL_DATA), { 0xFFFFFFFF80000001 },
	  { 0xFFFFFFFF80000001 }, { 0x8000000112345678 }, .cc = CC(0) },
	{ "CHRL", RIL(0xC6, 0x5, 1, REL_DATA), { 0 }, { 0 },
	  { 0x8000000112345678 }, .cc = CC(2) },
	{ "CGHRL", RIL(0xC6, 0x4, 1, REL_DATA), { -32769ULL }, { -32769ULL },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "CLR -1 > 1 logically", RR(0x15, 1, 2), { 0xFFFFFFFF, 1 },
	  { 0xFFFFFFFF, 1 }, .cc = CC(2) },
	{ "CLGR", RRE(0xB921, 1, 2), { 1, 1ULL << 63 }, { 1, 1ULL << 63 },
	  .cc = CC(1) },
	{ "CLGFR zero-extends", RRE(0xB931, 1, 2), { 0xFFFFFFFF, ~0ULL },
	  { 0xFFFFFFFF, ~0ULL }, .cc = CC(0) },
	{ "CL", RX(0x55, 1, 0, 5, 0), { 1 }, { 1 }, { M32(0xFFFFFFFF) },
	  .cc = CC(1) },
	{ "CLY", RXY(0xE3, 0x55, 1, 0, 5, 0), { 0x80000000 }, { 0x80000000 },
	  { M32(1) }, .cc = CC(2) },
	{ "CLG", RXY(0xE3, 0x21, 1, 0, 5, 0), { 5 }, { 5 }, { 5 },
	  .cc = CC(0) },
	{ "CLGF", RXY(0xE3, 0x31, 1, 0, 5, 0), { 0x100000000 },
	  { 0x100000000 }, { M32(0xFFFFFFFF) }, .cc = CC(2) },
	{ "CLFI", RIL(0xC2, 0xF, 1, 0x80000000), { HI | 1 }, { HI | 1 },
	  .cc = CC(1) },
	{ "CLGFI", RIL(0xC2, 0xE, 1, 0xFFFFFFFF), { 0x100000000 },
	  { 0x100000000 }, .cc = CC(2) },
	{ "CLRL", RIL(0xC6, 0xF, 1, REL_DATA), { 0x80000001 }, { 0x80000001 },
	  { 0x8000000112345678 }, .cc = CC(0) },
	{ "CLGRL", RIL(0xC6, 0xA, 1, REL_DATA), { 0 }, { 0 },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "CLGFRL", RIL(0xC6, 0xE, 1, REL_DATA), { 0x80000002 },
	  { 0x80000002 }, { 0x8000000112345678 }, .cc = CC(2) },
	{ "CLHRL", RIL(0xC6, 0x7, 1, REL_DATA), { 0x7FFF }, { 0x7FFF },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "CLGHRL", RIL(0xC6, 0x6, 1, REL_DATA), { 0x8000 }, { 0x8000 },
	  { 0x8000000112345678 }, .cc = CC(0) },

	/* ---- AND / OR / EXCLUSIVE OR ---- */
	{ "NR", RR(0x14, 1, 2), { HI | 0xFF00FF00, 0x0F0F0F0F },
	  { HI | 0x0F000F00, 0x0F0F0F0F }, .cc = CC(1) },
	{ "NR zero, high word ignored", RR(0x14, 1, 2), { HI | 0xF0, 0x0F },
	  { HI, 0x0F }, .cc = CC(0) },
	{ "NGR", RRE(0xB980, 1, 2), { ~0ULL, 1ULL << 40 },
	  { 1ULL << 40, 1ULL << 40 }, .cc = CC(1) },
	{ "NRK", RRF(0xB9F4, 1, 2, 3), { HI, 6, 3 }, { HI | 2, 6, 3 },
	  .cc = CC(1) },
	{ "NGRK", RRF(0xB9E4, 1, 2, 3), { 9, 6, 1 }, { 0, 6, 1 },
	  .cc = CC(0) },
	{ "N", RX(0x54, 1, 0, 5, 0), { 0xFFFF }, { 0xF0 }, { M32(0xF0) },
	  .cc = CC(1) },
	{ "NY", RXY(0xE3, 0x54, 1, 0, 5, 0), { 0xFFFF }, { 0 },
	  { M32(0xF0000) }, .cc = CC(0) },
	{ "NG", RXY(0xE3, 0x80, 1, 0, 5, 0), { ~0ULL }, { 0x8000000112345678 },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "OR", RR(0x16, 1, 2), { HI | 0xF0, 0x0F }, { HI | 0xFF, 0x0F },
	  .cc = CC(1) },
	{ "OR zero", RR(0x16, 1, 2), { HI, 0 }, { HI, 0 }, .cc = CC(0) },
	{ "OGR", RRE(0xB981, 1, 2), { 1ULL << 63, 1 }, { (1ULL << 63) | 1, 1 },
	  .cc = CC(1) },
	{ "ORK", RRF(0xB9F6, 1, 2, 3), { 0, 1, 2 }, { 3, 1, 2 }, .cc = CC(1) },
	{ "OGRK", RRF(0xB9E6, 1, 2, 3), { 5, 0, 0 }, { 0, 0, 0 }, .cc = CC(0) },
	{ "O", RX(0x56, 1, 0, 5, 0), { 1 }, { 0x80000001 }, { M32(0x80000000) },
	  .cc = CC(1) },
	{ "OY", RXY(0xE3, 0x56, 1, 0, 5, 0), { 0 }, { 0 }, { 0 }, .cc = CC(0) },
	{ "OG", RXY(0xE3, 0x81, 1, 0, 5, 0), { 1 }, { 3 }, { 2 }, .cc = CC(1) },
	{ "XR 1,1 clears low word", RR(0x17, 1, 1), { HI | 0x1234 }, { HI },
	  .cc = CC(0) },
	{ "XR", RR(0x17, 1, 2), { 0xFF, 0x0F }, { 0xF0, 0x0F }, .cc = CC(1) },
	{ "XGR", RRE(0xB982, 1, 2), { ~0ULL, 1 }, { ~0ULL - 1, 1 },
	  .cc = CC(1) },
	{ "XRK", RRF(0xB9F7, 1, 2, 3), { 0, 5, 5 }, { 0, 5, 5 }, .cc = CC(0) },
	{ "XGRK", RRF(0xB9E7, 1, 2, 3), { 0, 5, 6 }, { 3, 5, 6 }, .cc = CC(1) },
	{ "X", RX(0x57, 1, 0, 5, 0), { 0xFFFFFFFF }, { 0x7FFFFFFF },
	  { M32(0x80000000) }, .cc = CC(1) },
	{ "XY", RXY(0xE3, 0x57, 1, 0, 5, 0), { 7 }, { 0 }, { M32(7) },
	  .cc = CC(0) },
	{ "XG", RXY(0xE3, 0x82, 1, 0, 5, 0), { 0 }, { 0x8000000112345678 },
	  { 0x8000000112345678 }, .cc = CC(1) },

	/* ---- Immediate field operations ---- */
	{ "NILF CC from low word", RIL(0xC0, 0xB, 1, 0xFFFF0000),
	  { 0xFFFFFFFF0000FFFF }, { 0xFFFFFFFF00000000 }, .cc = CC(0) },
	{ "NIHF", RIL(0xC0, 0xA, 1, 0x0000FFFF), { 0xFFFFFFFF12345678 },
	  { 0x0000FFFF12345678 }, .cc = CC(1) },
	{ "NILL", RI(0xA5, 7, 1, 0x00FF), { 0x1234567812345678 },
	  { 0x1234567812340078 }, .cc = CC(1) },
	{ "NILH", RI(0xA5, 6, 1, 0x0000), { 0x1234567812345678 },
	  { 0x1234567800005678 }, .cc = CC(0) },
	{ "NIHL", RI(0xA5, 5, 1, 0xF000), { 0x1234567812345678 },
	  { 0x1234500012345678 }, .cc = CC(1) },
	{ "NIHH", RI(0xA5, 4, 1, 0x0F00), { 0x1234567812345678 },
	  { 0x0200567812345678 }, .cc = CC(1) },
	{ "OILF", RIL(0xC0, 0xD, 1, 0x80000000), { 0 }, { 0x80000000 },
	  .cc = CC(1) },
	{ "OIHF zero field CC0", RIL(0xC0, 0xC, 1, 0), { 0xFFFFFFFF },
	  { 0xFFFFFFFF }, .cc = CC(0) },
	{ "OILL", RI(0xA5, 0xB, 1, 0x000F), { 0xF0 }, { 0xFF }, .cc = CC(1) },
	{ "OILH", RI(0xA5, 0xA, 1, 0x8000), { 0 }, { 0x80000000 },
	  .cc = CC(1) },
	{ "OIHL", RI(0xA5, 9, 1, 1), { 0 }, { 1ULL << 32 }, .cc = CC(1) },
	{ "OIHH", RI(0xA5, 8, 1, 0x8000), { 1 }, { (1ULL << 63) | 1 },
	  .cc = CC(1) },
	{ "XILF", RIL(0xC0, 7, 1, 0xFFFFFFFF), { HI | 0xFFFFFFFF }, { HI },
	  .cc = CC(0) },
	{ "XIHF", RIL(0xC0, 6, 1, 0xFFFFFFFF), { 0 }, { 0xFFFFFFFF00000000 },
	  .cc = CC(1) },
	{ "TMLL mixed, leftmost one CC2", RI(0xA7, 1, 1, 0x8001), { 0x8000 },
	  { 0x8000 }, .cc = CC(2) },
	{ "TMLL mixed, leftmost zero CC1", RI(0xA7, 1, 1, 0x8001), { 0x0001 },
	  { 0x0001 }, .cc = CC(1) },
	{ "TMLL all ones CC3", RI(0xA7, 1, 1, 0x8001), { 0xFFFF },
	  { 0xFFFF }, .cc = CC(3) },
	{ "TMLL zeros CC0", RI(0xA7, 1, 1, 0x8001), { 0x7FFE }, { 0x7FFE },
	  .cc = CC(0) },
	{ "TMLL zero mask CC0", RI(0xA7, 1, 1, 0), { ~0ULL }, { ~0ULL },
	  .cc = CC(0) },
	{ "TMLH", RI(0xA7, 0, 1, 0x0300), { 0x01000000 }, { 0x01000000 },
	  .cc = CC(1) },
	{ "TMHL", RI(0xA7, 3, 1, 0x0300), { 0x0200ULL << 32 },
	  { 0x0200ULL << 32 }, .cc = CC(2) },
	{ "TMHH", RI(0xA7, 2, 1, 0x8000), { 1ULL << 63 }, { 1ULL << 63 },
	  .cc = CC(3) },
	{ "IILF", RIL(0xC0, 9, 1, 0x12345678), { HI | 5 }, { HI | 0x12345678 },
	  .cc_in = CC(2) },
	{ "IIHF", RIL(0xC0, 8, 1, 0x12345678), { 5 }, { 0x1234567800000005 } },
	{ "IILL", RI(0xA5, 3, 1, 0xBEEF), { ~0ULL }, { 0xFFFFFFFFFFFFBEEF } },
	{ "IILH", RI(0xA5, 2, 1, 0xBEEF), { 0 }, { 0xBEEF0000 } },
	{ "IIHL", RI(0xA5, 1, 1, 0xBEEF), { 0 }, { 0xBEEF00000000 } },
	{ "IIHH", RI(0xA5, 0, 1, 0xBEEF), { 1 }, { 0xBEEF000000000001 } },
	{ "LLILF", RIL(0xC0, 0xF, 1, 0x80000000), { ~0ULL }, { 0x80000000 } },
	{ "LLIHF", RIL(0xC0, 0xE, 1, 0x80000000), { ~0ULL },
	  { 0x8000000000000000 } },
	{ "LLILL", RI(0xA5, 0xF, 1, 0xFFFF), { ~0ULL }, { 0xFFFF } },
	{ "LLILH", RI(0xA5, 0xE, 1, 0xFFFF), { ~0ULL }, { 0xFFFF0000 } },
	{ "LLIHL", RI(0xA5, 0xD, 1, 0xFFFF), { ~0ULL }, { 0xFFFF00000000 } },
	{ "LLIHH", RI(0xA5, 0xC, 1, 0xFFFF), { ~0ULL },
	  { 0xFFFF000000000000 } },

	/* ---- Storage-immediate ---- */
	{ "NI", SI(0x94, 0x0F, 5, 0), .mem = { M8(0xF0) | 0x77 },
	  .want_mem = { 0x77 }, .chk_mem = true, .cc = CC(0) },
	{ "NIY", SIY(0xEB, 0x54, 0x3C, 5, 1), .mem = { 0x00FF000000000000 },
	  .want_mem = { 0x003C000000000000 }, .chk_mem = true, .cc = CC(1) },
	{ "OI", SI(0x96, 0x01, 5, 0), .mem = { M8(0x80) },
	  .want_mem = { M8(0x81) }, .chk_mem = true, .cc = CC(1) },
	{ "OIY", SIY(0xEB, 0x56, 0x00, 5, 0), .mem = { 0 },
	  .want_mem = { 0 }, .chk_mem = true, .cc = CC(0) },
	{ "XI", SI(0x97, 0xFF, 5, 7), .mem = { 0x0F },
	  .want_mem = { 0xF0 }, .chk_mem = true, .cc = CC(1) },
	{ "XIY", SIY(0xEB, 0x57, 0x5A, 5, 0), .mem = { M8(0x5A) },
	  .want_mem = { 0 }, .chk_mem = true, .cc = CC(0) },
	{ "CLI low", SI(0x95, 0x80, 5, 0), .mem = { M8(0x7F) }, .cc = CC(1) },
	{ "CLI equal", SI(0x95, 0x80, 5, 0), .mem = { M8(0x80) }, .cc = CC(0) },
	{ "CLIY high", SIY(0xEB, 0x55, 0x01, 5, 0), .mem = { M8(0xFF) },
	  .cc = CC(2) },
	{ "TM mixed CC1", SI(0x91, 0x81, 5, 0), .mem = { M8(0x80) },
	  .cc = CC(1) },
	{ "TM ones CC3", SI(0x91, 0x81, 5, 0), .mem = { M8(0xFF) },
	  .cc = CC(3) },
	{ "TM zeros CC0", SI(0x91, 0x81, 5, 0), .mem = { M8(0x7E) },
	  .cc = CC(0) },
	{ "TMY", SIY(0xEB, 0x51, 0x03, 5, 0), .mem = { M8(0x01) },
	  .cc = CC(1) },
	{ "MVHHI", SIL(0xE544, 5, 0, 0xFFFE), .mem = { ~0ULL },
	  .want_mem = { 0xFFFEFFFFFFFFFFFF }, .chk_mem = true },
	{ "MVHI sign-extends", SIL(0xE54C, 5, 0, 0x8000), .mem = { ~0ULL },
	  .want_mem = { 0xFFFF8000FFFFFFFF }, .chk_mem = true },
	{ "MVGHI", SIL(0xE548, 5, 8, 0x7FFF), .mem = { 1, 2 },
	  .want_mem = { 1, 0x7FFF }, .chk_mem = true },
	{ "CHHSI", SIL(0xE554, 5, 0, 0x0001), .mem = { M16(0xFFFF) },
	  .cc = CC(1) },
	{ "CHSI", SIL(0xE55C, 5, 0, 0xFFFF), .mem = { M32(0xFFFFFFFF) },
	  .cc = CC(0) },
	{ "CGHSI", SIL(0xE558, 5, 0, 0x8000), .mem = { 0x8000 },
	  .cc = CC(2) },
	{ "CLHHSI", SIL(0xE555, 5, 0, 0x0001), .mem = { M16(0xFFFF) },
	  .cc = CC(2) },
	{ "CLFHSI zero-extends", SIL(0xE55D, 5, 0, 0xFFFF),
	  .mem = { M32(0xFFFFFFFF) }, .cc = CC(2) },
	{ "CLGHSI", SIL(0xE559, 5, 0, 0xFFFF), .mem = { 0xFFFF },
	  .cc = CC(0) },
	{ "ASI", SIY(0xEB, 0x6A, -1, 5, 0), .mem = { M32(0) | 9 },
	  .want_mem = { M32(0xFFFFFFFF) | 9 }, .chk_mem = true, .cc = CC(1) },
	{ "ASI INT_MIN-1 CC3", SIY(0xEB, 0x6A, -1, 5, 0),
	  .mem = { M32(0x80000000) }, .want_mem = { M32(0x7FFFFFFF) },
	  .chk_mem = true, .cc = CC(3) },
	{ "ASI overflow with mask: pgm 8, stored", SIY(0xEB, 0x6A, 1, 5, 0),
	  .mem = { M32(0x7FFFFFFF) }, .want_mem = { M32(0x80000000) },
	  .chk_mem = true, .pm = true, .pgm = PGM_FIXPOINT_OVERFLOW },
	{ "AGSI", SIY(0xEB, 0x7A, 127, 5, 8), .mem = { 0, 1 },
	  .want_mem = { 0, 128 }, .chk_mem = true, .cc = CC(2) },
	{ "ASI unaligned", SIY(0xEB, 0x6A, -1, 5, 2),
	  .mem = { 0x0000000000010000 }, .want_mem = { 0 }, .chk_mem = true,
	  .cc = CC(0) },
	{ "AGSI unaligned", SIY(0xEB, 0x7A, 1, 5, 4),
	  .mem = { 0x00000000FFFFFFFF, 0xFFFFFFFF00000000 },
	  .want_mem = { 0, 0 }, .chk_mem = true, .cc = CC(0) },
	{ "ALSI -1 to 1: zero, carry", SIY(0xEB, 0x6E, -1, 5, 0),
	  .mem = { M32(1) }, .want_mem = { 0 }, .chk_mem = true,
	  .cc = CC(2) },
	{ "ALGSI carry", SIY(0xEB, 0x7E, 2, 5, 0), .mem = { ~0ULL },
	  .want_mem = { 1 }, .chk_mem = true, .cc = CC(3) },

	/* ---- Stores ---- */
	{ "ST", RX(0x50, 1, 0, 5, 0), { HI | 0x11223344 }, { HI | 0x11223344 },
	  { ~0ULL }, { 0x11223344FFFFFFFF }, true },
	{ "STY", RXY(0xE3, 0x50, 1, 0, 5, 4), { HI | 0x11223344 },
	  { HI | 0x11223344 }, { ~0ULL }, { 0xFFFFFFFF11223344 }, true },
	{ "STG", RXY(0xE3, 0x24, 1, 0, 5, 8), { 0x0102030405060708 },
	  { 0x0102030405060708 }, { 0, 0 }, { 0, 0x0102030405060708 }, true },
	{ "STH", RX(0x40, 1, 0, 5, 0), { 0xABCD }, { 0xABCD }, { 0 },
	  { M16(0xABCD) }, true },
	{ "STHY", RXY(0xE3, 0x70, 1, 0, 5, 6), { 0xABCD }, { 0xABCD }, { 0 },
	  { 0xABCD }, true },
	{ "STC", RX(0x42, 1, 0, 5, 1), { 0x1EE }, { 0x1EE }, { 0 },
	  { 0x00EE000000000000 }, true },
	{ "STCY", RXY(0xE3, 0x72, 1, 0, 5, 0), { 0x7F }, { 0x7F }, { ~0ULL },
	  { 0x7FFFFFFFFFFFFFFF }, true },
	{ "STRL", RIL(0xC4, 0xF, 1, REL_DATA + 2), { 0x12345678 },
	  { 0x12345678 }, { 0 }, { 0x12345678 }, true },
	{ "STGRL", RIL(0xC4, 0xB, 1, REL_DATA + 4), { 42 }, { 42 }, { 0, 0 },
	  { 0, 42 }, true },
	{ "STRL misaligned: specification", RIL(0xC4, 0xF, 1, REL_DATA + 1),
	  { 1 }, { 1 }, { 0 }, { 0 }, true, .pgm = PGM_SPECIFICATION },
	{ "STHRL", RIL(0xC4, 0x7, 1, REL_DATA + 1), { 0x5678 }, { 0x5678 },
	  { 0 }, { 0x0000567800000000 }, true },
	{ "STRV", RXY(0xE3, 0x3E, 1, 0, 5, 0), { 0x11223344 }, { 0x11223344 },
	  { 0 }, { M32(0x44332211) }, true },
	{ "STRVG", RXY(0xE3, 0x2F, 1, 0, 5, 0), { 0x0102030405060708 },
	  { 0x0102030405060708 }, { 0 }, { 0x0807060504030201 }, true },
	{ "STRVH", RXY(0xE3, 0x3F, 1, 0, 5, 0), { 0x1122 }, { 0x1122 }, { 0 },
	  { M16(0x2211) }, true },

	/* ---- Load reversed, insert character ---- */
	{ "LRVR", RRE(0xB91F, 1, 2), { HI, 0x11223344 },
	  { HI | 0x44332211, 0x11223344 } },
	{ "LRVGR", RRE(0xB90F, 1, 2), { 0, 0x0102030405060708 },
	  { 0x0807060504030201, 0x0102030405060708 } },
	{ "LRV", RXY(0xE3, 0x1E, 1, 0, 5, 0), { HI }, { HI | 0x01000080 },
	  { 0x8000000112345678 } },
	{ "LRVG", RXY(0xE3, 0x0F, 1, 0, 5, 0), { 0 }, { 0x7856341201000080 },
	  { 0x8000000112345678 } },
	{ "LRVH keeps bits 0-47", RXY(0xE3, 0x1F, 1, 0, 5, 0), { ~0ULL },
	  { 0xFFFFFFFFFFFF0080 }, { 0x8000000112345678 } },
	{ "IC", RX(0x43, 1, 0, 5, 0), { ~0ULL }, { 0xFFFFFFFFFFFFFF80 },
	  { 0x8000000112345678 } },
	{ "ICY", RXY(0xE3, 0x73, 1, 0, 5, 3), { 0 }, { 0x01 },
	  { 0x8000000112345678 } },

	/* ---- Characters under mask ---- */
	{ "ICM 1010 leftmost one CC1", RS(0xBF, 1, 0xA, 5, 0),
	  { HI | 0xBBBBBBBB }, { HI | 0x80BB12BB }, { 0x8012000000000000 },
	  .cc = CC(1) },
	{ "ICM 0011 CC2", RS(0xBF, 1, 0x3, 5, 0), { 0xFFFFFFFF },
	  { 0xFFFF0012 }, { 0x0012000000000000 }, .cc = CC(2) },
	{ "ICM later byte's sign bit does not count CC2",
	  RS(0xBF, 1, 0x3, 5, 0), { 0 }, { 0x0180 }, { 0x0180000000000000 },
	  .cc = CC(2) },
	{ "ICM zeros CC0", RS(0xBF, 1, 0xF, 5, 0), { HI | 5 }, { HI },
	  { 0 }, .cc = CC(0) },
	{ "ICM zero mask CC0", RS(0xBF, 1, 0, 5, 0), { 5 }, { 5 },
	  { ~0ULL }, .cc_in = CC(2), .cc = CC(0) },
	{ "ICMY", RSY(0xEB, 0x81, 1, 0x8, 5, 0), { 0 }, { 0x7F000000 },
	  { M8(0x7F) }, .cc = CC(2) },
	{ "ICMH", RSY(0xEB, 0x80, 1, 0xF, 5, 0), { 7 }, { (1ULL << 32) | 7 },
	  { M32(1) }, .cc = CC(2) },
	{ "STCM 0101", RS(0xBE, 1, 0x5, 5, 0), { 0x11223344 }, { 0x11223344 },
	  { ~0ULL }, { 0x2244FFFFFFFFFFFF }, true },
	{ "STCMY", RSY(0xEB, 0x2D, 1, 0x8, 5, 0), { 0x11223344 },
	  { 0x11223344 }, { 0 }, { M8(0x11) }, true },
	{ "STCMH", RSY(0xEB, 0x2C, 1, 0x9, 5, 0), { 0xAABBCCDD00000000 },
	  { 0xAABBCCDD00000000 }, { 0 }, { M16(0xAADD) }, true },
	{ "CLM low CC1", RS(0xBD, 1, 0xC, 5, 0), { 0x12340000 },
	  { 0x12340000 }, { M16(0x1235) }, .cc = CC(1) },
	{ "CLM equal CC0", RS(0xBD, 1, 0x5, 5, 0), { 0x00120034 },
	  { 0x00120034 }, { M16(0x1234) }, .cc = CC(0) },
	{ "CLMY high CC2", RSY(0xEB, 0x21, 1, 0x1, 5, 0), { 0x81 }, { 0x81 },
	  { M8(0x80) }, .cc = CC(2) },
	{ "CLMH", RSY(0xEB, 0x20, 1, 0xF, 5, 0), { 0x8000000000000000 },
	  { 0x8000000000000000 }, { M32(0x80000001) }, .cc = CC(1) },

	/* ---- Multiple ---- */
	{ "LM 1,3", RS(0x98, 1, 3, 5, 0), { HI, HI, HI },
	  { HI | 0x11111111, HI | 0x22222222, HI | 0x33333333 },
	  { 0x1111111122222222, 0x3333333344444444 } },
	{ "LMY 2,3", RSY(0xEB, 0x98, 2, 3, 5, 4), { 1, 2, 3 },
	  { 1, 0x22222222, 0x33333333 },
	  { 0x1111111122222222, 0x3333333344444444 } },
	{ "LMG 1,2", RSY(0xEB, 0x04, 1, 2, 5, 0), { 0, 0, 9 },
	  { 0x1111111122222222, 0x3333333344444444, 9 },
	  { 0x1111111122222222, 0x3333333344444444 } },
	{ "LMH 1,4", RSY(0xEB, 0x96, 1, 4, 5, 0), { 1, 2, 3, 4 },
	  { 0x1111111100000001, 0x2222222200000002, 0x3333333300000003,
	    0x4444444400000004 },
	  { 0x1111111122222222, 0x3333333344444444 } },
	{ "STM 2,4", RS(0x90, 2, 4, 5, 0), { 0, HI | 1, HI | 2, HI | 3 },
	  { 0, HI | 1, HI | 2, HI | 3 }, { ~0ULL, ~0ULL },
	  { 0x0000000100000002, 0x00000003FFFFFFFF }, true },
	{ "STMY", RSY(0xEB, 0x90, 1, 1, 5, 4), { 7 }, { 7 }, { 0 }, { 7 },
	  true },
	{ "STMG 1,2", RSY(0xEB, 0x24, 1, 2, 5, 0), { 5, 6 }, { 5, 6 },
	  { 0, 0 }, { 5, 6 }, true },
	{ "STMH 1,2", RSY(0xEB, 0x26, 1, 2, 5, 0), { HI | 1, 0xBBBBBBBB00000002 },
	  { HI | 1, 0xBBBBBBBB00000002 }, { 0, 0 },
	  { 0xAAAAAAAABBBBBBBB, 0 }, true },

	/* ---- Multiply ---- */
	{ "MR 2,4: -3 * 7, high words kept", RR(0x1C, 2, 4),
	  { 0, HI, 0xBBBBBBBBFFFFFFFD, 7 },
	  { 0, HI | 0xFFFFFFFF, 0xBBBBBBBBFFFFFFEB, 7 } },
	{ "MR odd R1: specification", RR(0x1C, 1, 4), { 1, 2, 3, 4 },
	  { 1, 2, 3, 4 }, .pgm = PGM_SPECIFICATION },
	{ "M", RX(0x5C, 2, 0, 5, 0), { 0, 0, 0x80000000 },
	  { 0, 0x40000000, 0 }, { M32(0x80000000) } },
	{ "MFY", RXY(0xE3, 0x5C, 2, 0, 5, 0), { 0, 0, 0x10000 },
	  { 0, 0xFFFFFFFF, 0xFFFF0000 }, { M32(0xFFFFFFFF) } },
	{ "MLR 2,4", RRE(0xB996, 2, 4), { 0, 0, 0xFFFFFFFF, 0xFFFFFFFF },
	  { 0, 0xFFFFFFFE, 1, 0xFFFFFFFF } },
	{ "ML", RXY(0xE3, 0x96, 2, 0, 5, 0), { 0, HI, HI | 0x80000000 },
	  { 0, HI | 1, HI }, { M32(2) } },
	{ "MLGR 2,4", RRE(0xB986, 2, 4), { 0, 0, ~0ULL, 2 },
	  { 0, 1, ~0ULL - 1, 2 } },
	{ "MLG", RXY(0xE3, 0x86, 2, 0, 5, 0), { 0, 5, 1ULL << 63 },
	  { 0, 1ULL << 62, 0 }, { 1ULL << 63 } },
	{ "MLGR odd R1: specification", RRE(0xB986, 3, 4), { 0, 0, 1, 1 },
	  { 0, 0, 1, 1 }, .pgm = PGM_SPECIFICATION },
	{ "MH keeps high word and CC", RX(0x4C, 1, 0, 5, 0), { HI | 0x10000 },
	  { HI | 0x7FFF0000 }, { M16(0x7FFF) }, .cc_in = CC(2) },
	{ "MHY", RXY(0xE3, 0x7C, 1, 0, 5, 0), { 3 }, { 0xFFFFFFFD },
	  { M16(0xFFFF) } },
	{ "MHI -1", RI(0xA7, 0xC, 1, -1), { 5 }, { 0xFFFFFFFB } },
	{ "MGHI", RI(0xA7, 0xD, 1, -2), { 1ULL << 40 }, { -(1ULL << 41) } },
	{ "MSR overflow ignored", RRE(0xB252, 1, 2), { 0x10000, 0x10000 },
	  { 0, 0x10000 }, .pm = true },
	{ "MS", RX(0x71, 1, 0, 5, 0), { 6 }, { 42 }, { M32(7) } },
	{ "MSY", RXY(0xE3, 0x51, 1, 0, 5, 0), { HI | 0xFFFFFFFF }, { HI | 7 },
	  { M32(0xFFFFFFF9) } },
	{ "MSGR", RRE(0xB90C, 1, 2), { 1ULL << 32, 1ULL << 32 },
	  { 0, 1ULL << 32 } },
	{ "MSG", RXY(0xE3, 0x0C, 1, 0, 5, 0), { -3ULL }, { 21 }, { -7ULL } },
	{ "MSGFR", RRE(0xB91C, 1, 2), { 2, 0xFFFFFFFF }, { -2ULL, 0xFFFFFFFF } },
	{ "MSGF", RXY(0xE3, 0x1C, 1, 0, 5, 0), { 3 }, { 0xFFFFFFFE80000000 },
	  { M32(0x80000000) } },
	{ "MSFI", RIL(0xC2, 1, 1, 0xFFFFFFFF), { HI | 9 }, { HI | 0xFFFFFFF7 } },
	{ "MSGFI", RIL(0xC2, 0, 1, 1000), { 1000 }, { 1000000 } },

	/* ---- Divide ---- */
	{ "DR 100/7", RR(0x1D, 2, 4), { 0, HI, HI | 100, 7 },
	  { 0, HI | 2, HI | 14, 7 } },
	{ "DR -100/7: remainder takes dividend sign", RR(0x1D, 2, 4),
	  { 0, 0xFFFFFFFF, 0xFFFFFF9C, 7 }, { 0, 0xFFFFFFFE, 0xFFFFFFF2, 7 } },
	{ "DR by zero: pgm 9, unchanged", RR(0x1D, 2, 4), { 0, 1, 2, 0 },
	  { 0, 1, 2, 0 }, .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DR quotient too large: pgm 9", RR(0x1D, 2, 4), { 0, 1, 0, 1 },
	  { 0, 1, 0, 1 }, .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DR INT_MIN/-1: pgm 9", RR(0x1D, 2, 4),
	  { 0, 0xFFFFFFFF, 0x80000000, 0xFFFFFFFF },
	  { 0, 0xFFFFFFFF, 0x80000000, 0xFFFFFFFF },
	  .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DR odd R1: specification", RR(0x1D, 3, 4), { 0, 0, 10, 2 },
	  { 0, 0, 10, 2 }, .pgm = PGM_SPECIFICATION },
	{ "D", RX(0x5D, 2, 0, 5, 0), { 0, 0, 10 }, { 0, 1, 0xFFFFFFFD },
	  { M32(0xFFFFFFFD) } },
	{ "DLR 2^32/2", RRE(0xB997, 2, 4), { 0, 1, 0, 2 },
	  { 0, 0, 0x80000000, 2 } },
	{ "DLR quotient too large: pgm 9", RRE(0xB997, 2, 4), { 0, 1, 0, 1 },
	  { 0, 1, 0, 1 }, .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DL", RXY(0xE3, 0x97, 2, 0, 5, 0), { 0, 0, 0xFFFFFFFF },
	  { 0, 0, 0x00000001 }, { M32(0xFFFFFFFF) } },
	{ "DL by zero: pgm 9", RXY(0xE3, 0x97, 2, 0, 5, 0), { 0, 0, 5 },
	  { 0, 0, 5 }, { 0 }, .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DLGR 2^64/2", RRE(0xB987, 2, 4), { 0, 1, 0, 2 },
	  { 0, 0, 1ULL << 63, 2 } },
	{ "DLGR quotient too large: pgm 9", RRE(0xB987, 2, 4), { 0, 2, 0, 2 },
	  { 0, 2, 0, 2 }, .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DLG", RXY(0xE3, 0x87, 2, 0, 5, 0), { 0, 0, 100 }, { 0, 2, 14 },
	  { 7 } },
	{ "DSGR -7/2", RRE(0xB90D, 2, 4), { 0, 99, -7ULL, 2 },
	  { 0, -1ULL, -3ULL, 2 } },
	{ "DSGR INT64_MIN/-1: pgm 9", RRE(0xB90D, 2, 4),
	  { 0, 0, 1ULL << 63, ~0ULL }, { 0, 0, 1ULL << 63, ~0ULL },
	  .pgm = PGM_FIXPOINT_DIVIDE },
	{ "DSGR odd R1: specification", RRE(0xB90D, 1, 4), { 0, 0, 4, 2 },
	  { 0, 0, 4, 2 }, .pgm = PGM_SPECIFICATION },
	{ "DSG", RXY(0xE3, 0x0D, 2, 0, 5, 0), { 0, 0, 1ULL << 40 },
	  { 0, 0, 1ULL << 39 }, { 2 } },
	{ "DSGFR sign-extends divisor", RRE(0xB91D, 2, 4),
	  { 0, 0, 9, 0xFFFFFFFE }, { 0, 1, -4ULL, 0xFFFFFFFE } },
	{ "DSGF", RXY(0xE3, 0x1D, 2, 0, 5, 0), { 0, 0, 9 }, { 0, 1, 2 },
	  { M32(4) } },
	{ "DSGF by zero: pgm 9", RXY(0xE3, 0x1D, 2, 0, 5, 0), { 0, 0, 9 },
	  { 0, 0, 9 }, { 0 }, .pgm = PGM_FIXPOINT_DIVIDE },

	/* ---- FIND LEFTMOST ONE, POPULATION COUNT ---- */
	{ "FLOGR", RRE(0xB983, 2, 4), { 0, 5, 5, 0x0000100000000001 },
	  { 0, 19, 1, 0x0000100000000001 }, .cc = CC(2) },
	{ "FLOGR zero: 64, CC0", RRE(0xB983, 2, 4), { 0, 5, 5, 0 },
	  { 0, 64, 0, 0 }, .cc = CC(0) },
	{ "FLOGR R2 = R1+1", RRE(0xB983, 2, 3), { 0, 5, 1ULL << 63 },
	  { 0, 0, 0 }, .cc = CC(2) },
	{ "FLOGR odd R1: specification", RRE(0xB983, 3, 4), { 0, 0, 5, 1 },
	  { 0, 0, 5, 1 }, .pgm = PGM_SPECIFICATION },
	{ "POPCNT per byte", RRE(0xB9E1, 1, 2), { 0, 0xFF01030000000080 },
	  { 0x0801020000000001, 0xFF01030000000080 }, .cc = CC(1) },
	{ "POPCNT zero CC0", RRE(0xB9E1, 1, 2), { 5, 0 }, { 0, 0 },
	  .cc = CC(0) },

	/* ---- High-word facility ---- */
	{ "AHHHR", RRF(0xB9C8, 1, 2, 3), { 0xFFFFFFFF, 1ULL << 32, 2ULL << 32 },
	  { (3ULL << 32) | 0xFFFFFFFF, 1ULL << 32, 2ULL << 32 }, .cc = CC(2) },
	{ "AHHLR overflow CC3", RRF(0xB9D8, 1, 2, 3), { 0, 0x7FFFFFFF00000000, 1 },
	  { 0x8000000000000000, 0x7FFFFFFF00000000, 1 }, .cc = CC(3) },
	{ "ALHHHR carry", RRF(0xB9CA, 1, 2, 3), { 7, ~0ULL, 1ULL << 32 },
	  { 7, ~0ULL, 1ULL << 32 }, .cc = CC(2) },
	{ "ALHHLR", RRF(0xB9DA, 1, 2, 3), { 0, 1ULL << 32, 1 },
	  { 2ULL << 32, 1ULL << 32, 1 }, .cc = CC(1) },
	{ "SHHHR", RRF(0xB9C9, 1, 2, 3), { 0, 1ULL << 32, 2ULL << 32 },
	  { 0xFFFFFFFF00000000, 1ULL << 32, 2ULL << 32 }, .cc = CC(1) },
	{ "SHHLR", RRF(0xB9D9, 1, 2, 3), { 5, 1ULL << 32, 1 },
	  { 5, 1ULL << 32, 1 }, .cc = CC(0) },
	{ "SLHHHR", RRF(0xB9CB, 1, 2, 3), { 0, 3ULL << 32, 1ULL << 32 },
	  { 2ULL << 32, 3ULL << 32, 1ULL << 32 }, .cc = CC(3) },
	{ "SLHHLR", RRF(0xB9DB, 1, 2, 3), { 0, 0, 1 },
	  { 0xFFFFFFFF00000000, 0, 1 }, .cc = CC(1) },
	{ "AIH", RIL(0xCC, 8, 1, -1), { 5 }, { 0xFFFFFFFF00000005 },
	  .cc = CC(1) },
	{ "ALSIH", RIL(0xCC, 0xA, 1, -1), { 1ULL << 32 }, { 0 }, .cc = CC(2) },
	{ "ALSIHN keeps CC", RIL(0xCC, 0xB, 1, 1), { 0xFFFFFFFF00000000 },
	  { 0 }, .cc_in = CC(1) },
	{ "LFH", RXY(0xE3, 0xCA, 1, 0, 5, 0), { 9 }, { 0x8000000100000009 },
	  { 0x8000000112345678 } },
	{ "LBH", RXY(0xE3, 0xC0, 1, 0, 5, 0), { 9 }, { 0xFFFFFF8000000009 },
	  { 0x8000000112345678 } },
	{ "LHH", RXY(0xE3, 0xC4, 1, 0, 5, 4), { 9 }, { 0x0000123400000009 },
	  { 0x8000000112345678 } },
	{ "LLCH", RXY(0xE3, 0xC2, 1, 0, 5, 0), { ~0ULL }, { 0x00000080FFFFFFFF },
	  { 0x8000000112345678 } },
	{ "LLHH", RXY(0xE3, 0xC6, 1, 0, 5, 0), { ~0ULL },
	  { 0x00008000FFFFFFFF }, { 0x8000000112345678 } },
	{ "STFH", RXY(0xE3, 0xCB, 1, 0, 5, 0), { 0x1122334455667788 },
	  { 0x1122334455667788 }, { 0 }, { M32(0x11223344) }, true },
	{ "STCH", RXY(0xE3, 0xC3, 1, 0, 5, 0), { 0x1122334455667788 },
	  { 0x1122334455667788 }, { 0 }, { M8(0x44) }, true },
	{ "STHH", RXY(0xE3, 0xC7, 1, 0, 5, 0), { 0x1122334455667788 },
	  { 0x1122334455667788 }, { 0 }, { M16(0x3344) }, true },
	{ "CHHR", RRE(0xB9CD, 1, 2), { 0xFFFFFFFF00000000, 1ULL << 32 },
	  { 0xFFFFFFFF00000000, 1ULL << 32 }, .cc = CC(1) },
	{ "CHLR", RRE(0xB9DD, 1, 2), { 5ULL << 32, 5 }, { 5ULL << 32, 5 },
	  .cc = CC(0) },
	{ "CLHHR", RRE(0xB9CF, 1, 2), { 0xFFFFFFFF00000000, 1ULL << 32 },
	  { 0xFFFFFFFF00000000, 1ULL << 32 }, .cc = CC(2) },
	{ "CLHLR", RRE(0xB9DF, 1, 2), { 1ULL << 32, 2 }, { 1ULL << 32, 2 },
	  .cc = CC(1) },
	{ "CHF", RXY(0xE3, 0xCD, 1, 0, 5, 0), { 0 }, { 0 },
	  { 0x8000000112345678 }, .cc = CC(2) },
	{ "CLHF", RXY(0xE3, 0xCF, 1, 0, 5, 0), { 0 }, { 0 },
	  { 0x8000000112345678 }, .cc = CC(1) },
	{ "CIH", RIL(0xCC, 0xD, 1, -1), { 0xFFFFFFFF00000000 },
	  { 0xFFFFFFFF00000000 }, .cc = CC(0) },
	{ "CLIH", RIL(0xCC, 0xF, 1, 1), { 0xFFFFFFFF00000000 },
	  { 0xFFFFFFFF00000000 }, .cc = CC(2) },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct harness H;

static void run_case(const struct acase *c)
{
	struct s390_cpu *cpu = H.cpu;
	unsigned cc_in = c->cc_in ? (unsigned)c->cc_in - 1 : 1;
	bool ok = true;

	h_reset(&H);
	cpu->gr[0] = G0;
	for (int i = 0; i < 4; i++)
		cpu->gr[i + 1] = c->r[i];
	cpu->gr[5] = H_DATA;
	cpu->cc = cc_in;
	if (c->pm)
		cpu->psw_mask |= (uint64_t)PM_FIXED_OVERFLOW << PSW_SHIFT_PM;
	h_st64(&H, H_DATA, c->mem[0]);
	h_st64(&H, H_DATA + 8, c->mem[1]);

	int rc = h_exec_insn(&H, c->e.insn, c->e.len);

	if (rc != c->pgm) {
		ksft_print_msg("%s: program interruption %d, want %d\n",
			       c->name, rc, c->pgm);
		ok = false;
	}
	if (cpu->gr[0] != G0 || cpu->gr[5] != H_DATA) {
		ksft_print_msg("%s: GR0/GR5 changed\n", c->name);
		ok = false;
	}
	for (int i = 0; i < 4; i++) {
		if (cpu->gr[i + 1] != c->want[i]) {
			ksft_print_msg("%s: GR%d = %016" PRIx64 ", want %016"
				       PRIx64 "\n", c->name, i + 1,
				       cpu->gr[i + 1], c->want[i]);
			ok = false;
		}
	}
	if (rc == 0) {
		unsigned want_cc = c->cc ? (unsigned)c->cc - 1 : cc_in;
		if (cpu->cc != want_cc) {
			ksft_print_msg("%s: CC %u, want %u\n", c->name,
				       cpu->cc, want_cc);
			ok = false;
		}
	} else if (rc == PGM_DATA) {
		/* Compare-and-trap DXC at real location 144. */
		uint32_t dxc = h_ld32(&H, LC_DATA_EXC_CODE);
		if (dxc != 0xFF) {
			ksft_print_msg("%s: DXC %#x, want 0xff\n", c->name, dxc);
			ok = false;
		}
	} else if (rc == PGM_FIXPOINT_OVERFLOW) {
		/* Completed: CC 3 in the program old PSW, which points to
		 * the next instruction. */
		uint64_t old_mask = h_ld64(&H, LC_PGM_OLD_PSW);
		unsigned old_cc = (unsigned)(old_mask >> PSW_SHIFT_CC) & 3;
		if (old_cc != 3 || H.pgm_old_addr != H_CODE + c->e.len) {
			ksft_print_msg("%s: old PSW cc %u addr %" PRIx64 "\n",
				       c->name, old_cc, H.pgm_old_addr);
			ok = false;
		}
	}
	if (c->chk_mem) {
		for (int i = 0; i < 2; i++) {
			uint64_t m = h_ld64(&H, H_DATA + 8 * i);
			if (m != c->want_mem[i]) {
				ksft_print_msg("%s: storage +%d = %016" PRIx64
					       ", want %016" PRIx64 "\n",
					       c->name, 8 * i, m,
					       c->want_mem[i]);
				ok = false;
			}
		}
	}
	ksft_test_result(ok, "%s\n", c->name);
}

/*
 * Cases that need registers outside GR1-GR5 or more storage than the
 * table provides.
 */
static void test_lm_wrap(void)
{
	struct s390_cpu *cpu = H.cpu;
	/* LM 14,1,0(5): GR14, GR15, GR0, GR1 from four words. */
	struct enc e = RS(0x98, 14, 1, 5, 0);

	h_reset(&H);
	for (int i = 0; i < 16; i++)
		cpu->gr[i] = HI | (uint64_t)i;
	cpu->gr[5] = H_DATA;
	h_st64(&H, H_DATA, 0x0000000E0000000F);
	h_st64(&H, H_DATA + 8, 0x1000000011000000);
	int rc = h_exec_insn(&H, e.insn, e.len);
	ksft_test_result(rc == 0 && cpu->gr[14] == (HI | 0x0E) &&
			 cpu->gr[15] == (HI | 0x0F) &&
			 cpu->gr[0] == (HI | 0x10000000) &&
			 cpu->gr[1] == (HI | 0x11000000) &&
			 cpu->gr[2] == (HI | 2),
			 "LM 14,1 wraps from GR15 to GR0\n");
}

static void test_stmg_all(void)
{
	struct s390_cpu *cpu = H.cpu;
	/* STMG 0,15,0(5): all sixteen registers, 128 bytes. */
	struct enc e = RSY(0xEB, 0x24, 0, 15, 5, 0);
	bool ok;

	h_reset(&H);
	for (int i = 0; i < 16; i++)
		cpu->gr[i] = 0x0101010101010101ULL * (uint64_t)i;
	cpu->gr[5] = H_DATA;
	int rc = h_exec_insn(&H, e.insn, e.len);
	ok = rc == 0;
	for (int i = 0; i < 16; i++) {
		uint64_t want = i == 5 ? H_DATA : 0x0101010101010101ULL * (uint64_t)i;
		ok = ok && h_ld64(&H, H_DATA + 8 * (uint64_t)i) == want;
	}
	ksft_test_result(ok, "STMG 0,15 stores all sixteen registers\n");
}

/* A storage operand beyond the end of storage: addressing exception,
 * and the registers stay unchanged. */
static void test_addressing(void)
{
	struct s390_cpu *cpu = H.cpu;
	struct enc e = RXY(0xE3, 0x08, 1, 0, 5, 0);	/* AG 1,0(5) */

	h_reset(&H);
	cpu->gr[1] = 7;
	cpu->gr[5] = 0x7FFFFFF0000ULL;
	cpu->cc = 1;
	int rc = h_exec_insn(&H, e.insn, e.len);
	ksft_test_result(rc == PGM_ADDRESSING && cpu->gr[1] == 7,
			 "AG beyond storage: addressing exception, R1 kept\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan((unsigned)NCASES + 3);
	h_init(&H);

	for (size_t i = 0; i < NCASES; i++)
		run_case(&cases[i]);
	test_lm_wrap();
	test_stmg_all();
	test_addressing();

	h_fini(&H);
	return ksft_finished();
}
