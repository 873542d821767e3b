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
	uint16_t opc[6];	/* instruction keys (insn_def.opc); 0 ends */
};

static const struct facility facilities[] = {
	{ 0, "N3 instructions", { 0xB998, 0xB999 } },		/* ALCR, SLBR */
	{ 1, "z/Architecture installed", { 0xB2B2, 0xB904 } },	/* LPSWE, LGR */
	{ 2, "z/Architecture active", { 0xB2B2 } },
	{ 3, "DAT enhancement 1", { 0xB98E, 0xB98A } },		/* IDTE, CSPG */
	{ 7, "STFLE", { 0xB2B0 } },
	{ 18, "long displacement", { 0xE358, 0xEB14 } },		/* LY, CSY */
	{ 19, "long displacement, high performance", { 0xE358 } },
	{ 21, "extended immediate", { 0xC209, 0xB983 } },	/* AFI, FLOGR */
	{ 25, "store clock fast", { 0xB27C } },			/* STCKF */
	{ 27, "move with optional specifications", { 0xC800 } },	/* MVCOS */
	{ 32, "compare and swap and store", { 0xC802 } },	/* CSST */
	{ 33, "compare and swap and store 2", { 0xC802 } },
	{ 34, "general-instructions extension", { 0xEC76, 0xC40D, 0xEC55 } },
	{ 35, "execute extensions", { 0xC600 } },		/* EXRL */
	{ 40, "load program parameter", { 0xB280 } },		/* LPP */
	{ 41, "floating-point support enhancement", { 0xB372, 0xB3C1 } },
	{ 45, "distinct operands, high word, interlocked access 1, "
	      "load/store on condition 1, population count",
	  { 0xB9E8, 0xB9C8, 0xEBF8, 0xB9F2, 0xB9E1 } },
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
