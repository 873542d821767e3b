/* SPDX-License-Identifier: MIT */
/*
 * Instruction decoding for the software CPU.
 *
 * PoP "Instruction Formats": the first two bits of the first byte give the
 * length (00: 2 bytes, 01/10: 4 bytes, 11: 6 bytes).  Some primary opcodes
 * are followed by an extended opcode, in one of three places: bits 12-15
 * (A5, A7, C0, C2, C4, C6, C8, CC), the second byte (01, B2, B3, B9, E5)
 * or the sixth byte (E3, E6, E7, EB, EC, ED).  insn_opc() folds primary and
 * extension into the 16-bit key that the insn_def tables use, and one flat
 * 64K-entry table maps that key to the handler.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/s390x/softcpu.h"

/* Where each primary opcode keeps its extended opcode: bits 12-15, the
 * second byte, or the sixth byte; mask 0 for none. */
#define NIB(op) [op] = { 48, 0x0f }
#define B1(op) [op] = { 48, 0xff }
#define B5(op) [op] = { 16, 0xff }
const struct insn_ext_field insn_ext_field[256] = {
	NIB(0xA5), NIB(0xA7), NIB(0xC0), NIB(0xC2), NIB(0xC4), NIB(0xC6),
	NIB(0xC8), NIB(0xCC),
	B1(0x01), B1(0xB2), B1(0xB3), B1(0xB9), B1(0xE5),
	B5(0xE3), B5(0xE6), B5(0xE7), B5(0xEB), B5(0xEC), B5(0xED),
};
#undef NIB
#undef B1
#undef B5

static const struct insn_table *const all_tables[] = {
	&insn_table_arith,
	&insn_table_branch,
	&insn_table_storage,
	&insn_table_fp,
	&insn_table_sys,
	&insn_table_dat,
};

/* Filled once, read-only afterwards. */
static insn_fn *dispatch[65536];
static const char *names[65536];
static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

/* Every opcode no table defines: an operation exception (PoP "Operation
 * Exception"), so the run loop needs no NULL check. */
static void op_unassigned(struct s390_cpu *cpu, uint64_t insn)
{
	(void)insn;
	cpu_pgm(cpu, PGM_OPERATION);
}

static void build_dispatch(void)
{
	for (size_t i = 0; i < 65536; i++)
		dispatch[i] = op_unassigned;
	for (size_t t = 0; t < sizeof(all_tables) / sizeof(all_tables[0]); t++) {
		const struct insn_table *tab = all_tables[t];

		for (unsigned int i = 0; i < tab->count; i++) {
			const struct insn_def *d = &tab->defs[i];
			uint8_t op = d->opc >> 8;

			if (insn_ext_field[op].mask == 0 && (d->opc & 0xff)) {
				fprintf(stderr, "minivmm: bad opcode key %04x for %s\n",
					d->opc, d->name);
				abort();
			}
			if (dispatch[d->opc] != op_unassigned) {
				fprintf(stderr, "minivmm: opcode %04x defined twice (%s, %s)\n",
					d->opc, names[d->opc], d->name);
				abort();
			}
			dispatch[d->opc] = d->fn;
			names[d->opc] = d->name;
		}
	}
}

static inline void decode_init(void)
{
	pthread_once(&dispatch_once, build_dispatch);
}

insn_fn *insn_lookup(uint64_t insn)
{
	decode_init();
	insn_fn *fn = dispatch[insn_opc(insn)];
	return fn == op_unassigned ? NULL : fn;
}

const char *insn_name(uint64_t insn)
{
	decode_init();
	return names[insn_opc(insn)];
}

/* For the run loop: after decode_init() the table is stable. */
insn_fn *const *insn_dispatch_table(void)
{
	decode_init();
	return dispatch;
}
