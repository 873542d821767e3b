/* SPDX-License-Identifier: MIT */
/*
 * The facility list of the software CPU (soft_facilities, STFLE) is
 * exactly what it implements: every facility bit it reports is in the
 * table below together with instructions of that facility, and each of
 * those instructions decodes; no other bit is reported.  Linux's
 * decompressor refuses a CPU that lacks its build's architecture level
 * set (arch/s390/tools/gen_facilities.c, FACILITIES_ALS): for Debian's
 * z10 kernel 0, 1, 18, 21, 25, 27, 32, 33, 34, 35.  Facility numbers and
 * the instructions they add: Principles of Operation, "Facility
 * Indications" and each instruction's "facility" note.
 */
#include <stdio.h>

#include "arch/s390x/softcpu.h"
#include "tests/ksft.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct facility {
	unsigned bit;
	const char *name;
	uint16_t opc[72];	/* instruction keys (insn_def.opc); 0 ends */
};

static const struct facility facilities[] = {
	{ 0, "N3 instructions", { 0xB998, 0xB999 } },		/* ALCR, SLBR */
	{ 1, "z/Architecture installed", { 0xB2B2, 0xB904 } },	/* LPSWE, LGR */
	{ 2, "z/Architecture active", { 0xB2B2 } },
	{ 3, "DAT enhancement 1", { 0xB98E, 0xB98A } },		/* IDTE, CSPG */
	{ 7, "STFLE", { 0xB2B0 } },
	{ 18, "long displacement", { 0xE358, 0xEB14 } },		/* LY, CSY */
	{ 19, "long displacement, high performance", { 0xE358 } },
	{ 21, "extended immediate",		/* all of them */
	  { 0xC209, 0xC208, 0xC20B, 0xC20A, 0xC20D, 0xC20C, 0xC20F, 0xC20E,
	    0xB983, 0xC008, 0xC009, 0xB926, 0xB906, 0xC001, 0xB927, 0xB907,
	    0xE394, 0xB994, 0xB984, 0xE395, 0xB995, 0xB985, 0xC00E, 0xC00F,
	    0xE312, 0xE302, 0xC00A, 0xC00B, 0xC00C, 0xC00D, 0xC205, 0xC204,
	    0xC006, 0xC007 } },
	{ 25, "store clock fast", { 0xB27C } },			/* STCKF */
	{ 27, "move with optional specifications", { 0xC800 } },	/* MVCOS */
	{ 32, "compare and swap and store", { 0xC802 } },	/* CSST */
	{ 33, "compare and swap and store 2", { 0xC802 } },
	{ 34, "general-instructions extension",	/* all of them */
	  { 0xEB6A, 0xEB7A, 0xEB6E, 0xEB7E, 0xECF6, 0xECE4, 0xEC76, 0xEC64,
	    0xECFE, 0xECFC, 0xEC7E, 0xEC7C, 0xECF7, 0xECE5, 0xEC77, 0xEC65,
	    0xECFF, 0xECFD, 0xEC7F, 0xEC7D, 0xB972, 0xB960, 0xEC72, 0xEC70,
	    0xB973, 0xB961, 0xEC73, 0xEC71, 0xE334, 0xE554, 0xE55C, 0xE558,
	    0xC605, 0xC604, 0xC60D, 0xC608, 0xC60C, 0xE555, 0xE55D, 0xE559,
	    0xC607, 0xC606, 0xC60F, 0xC60A, 0xC60E, 0xEB4C, 0xE375, 0xC40C,
	    0xC408, 0xC405, 0xC404, 0xC40E, 0xC402, 0xC406, 0xC40D, 0xE332,
	    0xE35C, 0xE37C, 0xC201, 0xC200, 0xE544, 0xE54C, 0xE548, 0xE336,
	    0xC602, 0xEC55, 0xEC54, 0xEC56, 0xEC57, 0xC40B, 0xC407, 0xC40F } },
	{ 35, "execute extensions", { 0xC600 } },		/* EXRL */
	{ 40, "load program parameter", { 0xB280 } },		/* LPP */
	{ 41, "floating-point support enhancement", { 0xB372, 0xB3C1 } },
	{ 45, "distinct operands, high word, interlocked access 1, "
	      "load/store on condition 1, population count",	/* all of them */
	  { 0xECD8, 0xECD9, 0xECDA, 0xECDB, 0xB9F8, 0xB9E8, 0xB9FA, 0xB9EA,
	    0xB9F9, 0xB9E9, 0xB9FB, 0xB9EB, 0xB9F4, 0xB9E4, 0xB9F6, 0xB9E6,
	    0xB9F7, 0xB9E7, 0xEBDD, 0xEBDF, 0xEBDC, 0xEBDE, 0xB9C8, 0xB9D8,
	    0xCC08, 0xB9CA, 0xB9DA, 0xCC0A, 0xCC0B, 0xCC06, 0xB9CD, 0xB9DD,
	    0xE3CD, 0xCC0D, 0xB9CF, 0xB9DF, 0xE3CF, 0xCC0F, 0xE3C0, 0xE3C4,
	    0xE3CA, 0xE3C2, 0xE3C6, 0xEC5D, 0xEC51, 0xB9C9, 0xB9D9, 0xB9CB,
	    0xB9DB, 0xE3C3, 0xE3C7, 0xE3CB, 0xEBF8, 0xEBE8, 0xEBFA, 0xEBEA,
	    0xEBF4, 0xEBE4, 0xEBF6, 0xEBE6, 0xEBF7, 0xEBE7, 0xEBF2, 0xEBE2,
	    0xB9F2, 0xB9E2, 0xEBF3, 0xEBE3, 0xB9E1 } },
};

static const unsigned z10_als[] = { 0, 1, 18, 21, 25, 27, 32, 33, 34, 35 };

static bool reported(unsigned bit)
{
	return (soft_facilities[bit / 64] >> (63 - bit % 64)) & 1;
}

/* A left-justified instruction with opcode key opc (see insn_opc()). */
static uint64_t insn_of(uint16_t opc)
{
	uint8_t op = opc >> 8;
	const struct insn_ext_field f = insn_ext_field[op];

	return (uint64_t)op << 56 | ((uint64_t)(opc & f.mask) << f.shift);
}

static const struct facility *find(unsigned bit)
{
	for (unsigned i = 0; i < ARRAY_SIZE(facilities); i++)
		if (facilities[i].bit == bit)
			return &facilities[i];
	return NULL;
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(facilities) + 2);

	for (unsigned i = 0; i < ARRAY_SIZE(facilities); i++) {
		const struct facility *f = &facilities[i];
		bool ok = reported(f->bit);
		for (unsigned j = 0; j < ARRAY_SIZE(f->opc) && f->opc[j]; j++) {
			if (!insn_lookup(insn_of(f->opc[j]))) {
				ksft_print_msg("facility %u: opcode %04x does not decode\n",
					       f->bit, f->opc[j]);
				ok = false;
			}
		}
		ksft_test_result(ok, "facility %u (%s) reported and its instructions decode\n",
				 f->bit, f->name);
	}

	bool ok = true;
	for (unsigned bit = 0; bit < 256; bit++) {
		if (reported(bit) && !find(bit)) {
			ksft_print_msg("facility %u reported but not in the table\n", bit);
			ok = false;
		}
	}
	ksft_test_result(ok, "no other facility bit is reported\n");

	ok = true;
	for (unsigned i = 0; i < ARRAY_SIZE(z10_als); i++) {
		if (!reported(z10_als[i])) {
			ksft_print_msg("z10 facility %u missing\n", z10_als[i]);
			ok = false;
		}
	}
	ksft_test_result(ok, "the z10 architecture level set Linux requires is reported\n");
	return ksft_finished();
}
