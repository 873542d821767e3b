/* SPDX-License-Identifier: MIT */
/*
 * Dynamic address translation for the software CPU (PoP chapter 3,
 * "Dynamic Address Translation"; chapter 10 for the instructions).
 *
 * cpu_ptr() in softcpu.h looks an access up in the software TLB; only a
 * miss comes here (dat_translate() from softcpu.c's access_slow()).  A
 * TLB tag is the logical page address plus, in its low 12 bits, the
 * address space it was formed for (dat_space_tag(): one of
 * SOFT_TLB_SPACES ASCE values, 0 for real addresses).  Entries therefore
 * survive an ASCE switch, as the architecture allows, and are cleared by
 * exactly the operations the architecture names:
 *
 *   - IPTE, IDTE, CSP/CSPG with the purge bit: every CPU of the VM, and
 *     the instruction completes only when no CPU can use an old entry
 *     any more (soft_tlb_purge_sync() in softcpu.c);
 *   - PTLB: this CPU;
 *   - as before DAT: a PSW-key change, SPX, a CR0 change, the storage-key
 *     instructions, clearing the dirty log (the entry also caches key
 *     protection and reference/change bits).
 *
 * A guest that changes a valid table entry without a purge may see the
 * old translation until the entry is dropped - which real CPUs allow too.
 *
 * Access-register mode: Linux never uses it (its fault handler files an
 * AR-mode fault as "not used in the kernel").  It translates here as if
 * every access register held ALET 0, i.e. through the primary ASCE; the
 * TEID still reports the access-register space (01).
 *
 * Not implemented (not reported in the facility list): enhanced DAT 1/2
 * (large frames, PFMF), IPTE range and local clearing (facilities 13 and
 * 51), CRDTE, LPTEA, MVCP/MVCS (Linux built for z10 copies with MVCOS
 * only), the instruction-execution-protection and ESOP TEID bits.
 * MVCOS itself is in insn-sys.c; its operand accesses go through
 * dat_move() here.
 */
#include <stdio.h>
#include <string.h>

#include "arch/s390x/dat.h"
#include "arch/s390x/softcpu.h"

/* ---- The table walk ----------------------------------------------- */

/* Exception for a missing/invalid entry at each level (0 segment, 1-3
 * region third/second/first), and the address bits each index takes. */
static const uint16_t level_exc[4] = {
	PGM_SEGMENT_TRANS, PGM_REGION_THIRD_TRANS,
	PGM_REGION_SECOND_TRANS, PGM_REGION_FIRST_TRANS,
};

static unsigned int level_index(uint64_t va, unsigned int level)
{
	return (unsigned)(va >> (20 + 11 * level)) & 0x7ff;
}

static bool load_entry(const uint8_t *mem, uint64_t mem_size, uint64_t origin,
		       unsigned int idx, uint64_t *ea, uint64_t *e)
{
	if (origin >= mem_size || (uint64_t)idx * 8 + 8 > mem_size - origin)
		return false;
	*ea = origin + (uint64_t)idx * 8;
	*e = be64_ld(mem + *ea);
	return true;
}

int dat_walk(const uint8_t *mem, uint64_t mem_size, uint64_t asce,
	     uint64_t va, struct dat_walk *w)
{
	unsigned int level = (unsigned)(asce & ASCE_DT) >> 2;
	uint64_t origin = asce & ASCE_ORIGIN, ea, e;
	unsigned int idx;

	w->frame = 0;
	w->prot = false;
	w->entry = 0;
	w->invalid = false;
	/* A real-space designation: virtual = real, no tables, no DAT
	 * protection. */
	if (asce & ASCE_REAL) {
		w->frame = va & PAGE_ORIGIN;
		return 0;
	}
	/* Address bits left of what the first table translates must be
	 * zero (ASCE-type exception). */
	if (level < 3 && (va >> (31 + 11 * level)))
		return PGM_ASCE_TYPE;
	idx = level_index(va, level);
	/* The first table covers TL + 1 units of 512 entries. */
	if ((idx >> 9) > (asce & ASCE_TL))
		return level_exc[level];

	for (; level > 0; level--) {
		if (!load_entry(mem, mem_size, origin, idx, &ea, &e))
			return PGM_ADDRESSING;
		w->entry = ea;
		if (e & REGION_I) {
			w->invalid = true;
			return level_exc[level];
		}
		if (((e & REGION_TT) >> 2) != level)
			return PGM_TRANS_SPEC;
		/* The next table exists from unit TF to unit TL. */
		idx = level_index(va, level - 1);
		if ((idx >> 9) < ((e & REGION_TF) >> 6) || (idx >> 9) > (e & REGION_TL))
			return level_exc[level - 1];
		origin = e & REGION_ORIGIN;
	}

	if (!load_entry(mem, mem_size, origin, idx, &ea, &e))
		return PGM_ADDRESSING;
	w->entry = ea;
	if (e & SEGMENT_I) {
		w->invalid = true;
		return PGM_SEGMENT_TRANS;
	}
	if (e & SEGMENT_TT)
		return PGM_TRANS_SPEC;
	/* A common segment in a private space. */
	if ((e & SEGMENT_C) && (asce & ASCE_PRIVATE))
		return PGM_TRANS_SPEC;
	w->prot = e & SEGMENT_P;

	if (!load_entry(mem, mem_size, e & SEGMENT_ORIGIN,
			(unsigned)(va >> 12) & 0xff, &ea, &e))
		return PGM_ADDRESSING;
	w->entry = ea;
	if (e & PAGE_I) {
		w->invalid = true;
		return PGM_PAGE_TRANS;
	}
	if (e & PAGE_BIT52)
		return PGM_TRANS_SPEC;
	w->prot |= (e & PAGE_P) != 0;
	w->frame = e & PAGE_ORIGIN;
	return 0;
}

/* ---- Address spaces and the CPU's translation --------------------- */

uint64_t dat_asce(const struct s390_cpu *cpu, unsigned int as)
{
	switch (as) {
	case PSW_ASC_SECONDARY:
		return cpu->cr[7];
	case PSW_ASC_HOME:
		return cpu->cr[13];
	default:	/* primary; access-register mode as ALET 0 */
		return cpu->cr[1];
	}
}

unsigned int dat_access_space(const struct s390_cpu *cpu, enum cpu_access acc)
{
	unsigned int asc = (unsigned)((cpu->psw_mask & PSW_MASK_ASC) >> PSW_SHIFT_ASC);

	if (acc == ACC_IFETCH)
		return asc == PSW_ASC_HOME ? PSW_ASC_HOME : PSW_ASC_PRIMARY;
	return asc;
}

uint64_t dat_translate(struct s390_cpu *cpu, uint64_t addr, unsigned int as,
		       enum cpu_access acc)
{
	struct dat_walk w;
	int code = dat_walk(cpu->mem, cpu->mem_size, dat_asce(cpu, as), addr, &w);
	uint64_t teid = (addr & PAGE_ORIGIN) | as;

	if (code == PGM_ADDRESSING || code == PGM_TRANS_SPEC)
		cpu_pgm(cpu, (uint16_t)code);
	if (code)
		cpu_pgm_trans(cpu, (uint16_t)code, teid, 0);
	/* DAT protection: stores only; the TEID says so (bit 61), which is
	 * how Linux tells it from low-address protection. */
	if (acc == ACC_STORE && w.prot)
		cpu_pgm_trans(cpu, PGM_PROTECTION, teid | TEID_DAT_PROT, 0);
	return w.frame | (addr & 0xfff);
}

bool dat_tprot(struct s390_cpu *cpu, uint64_t addr, uint64_t *real, bool *prot)
{
	unsigned int as = dat_access_space(cpu, ACC_FETCH);
	struct dat_walk w;
	int code = dat_walk(cpu->mem, cpu->mem_size, dat_asce(cpu, as), addr, &w);

	switch (code) {
	case 0:
		*real = w.frame | (addr & 0xfff);
		*prot = w.prot;
		return true;
	case PGM_REGION_FIRST_TRANS: case PGM_REGION_SECOND_TRANS:
	case PGM_REGION_THIRD_TRANS: case PGM_SEGMENT_TRANS:
	case PGM_PAGE_TRANS:
		return false;
	case PGM_ASCE_TYPE:
		cpu_pgm_trans(cpu, (uint16_t)code, (addr & PAGE_ORIGIN) | as, 0);
	default:
		cpu_pgm(cpu, (uint16_t)code);
	}
}

/* Drop the TLB entries made for space tag t. */
static void drop_space(struct s390_cpu *cpu, uint64_t t)
{
	for (int a = 0; a < 3; a++)
		for (int i = 0; i < SOFT_TLB_SIZE; i++)
			if (cpu->tlb[a][i].tag != SOFT_TLB_INVALID &&
			    (cpu->tlb[a][i].tag & 0xfff) == t)
				cpu->tlb[a][i].tag = SOFT_TLB_INVALID;
}

uint64_t dat_space_tag(struct s390_cpu *cpu, uint64_t asce)
{
	unsigned int n;

	for (n = 0; n < SOFT_TLB_SPACES; n++)
		if ((cpu->space_used & (1U << n)) && cpu->space_asce[n] == asce)
			return n + 1;
	/* Reassign the oldest slot that no current access type uses. */
	for (;;) {
		n = cpu->space_next;
		cpu->space_next = (n + 1) % SOFT_TLB_SPACES;
		if (cpu->tlb_space[ACC_FETCH] != n + 1 &&
		    cpu->tlb_space[ACC_STORE] != n + 1 &&
		    cpu->tlb_space[ACC_IFETCH] != n + 1)
			break;
	}
	if (cpu->space_used & (1U << n))
		drop_space(cpu, n + 1);
	cpu->space_asce[n] = asce;
	cpu->space_used |= 1U << n;
	return n + 1;
}

void dat_space_update(struct s390_cpu *cpu)
{
	uint64_t data = 0, insn = 0;

	if (cpu->psw_mask & PSW_MASK_DAT) {
		data = dat_space_tag(cpu, dat_asce(cpu, dat_access_space(cpu, ACC_FETCH)));
		cpu->tlb_space[ACC_FETCH] = cpu->tlb_space[ACC_STORE] = data;
		insn = dat_space_tag(cpu, dat_asce(cpu, dat_access_space(cpu, ACC_IFETCH)));
	}
	cpu->tlb_space[ACC_FETCH] = cpu->tlb_space[ACC_STORE] = data;
	if (insn != cpu->tlb_space[ACC_IFETCH]) {
		/* The cached code page belongs to the old space. */
		cpu->tlb_space[ACC_IFETCH] = insn;
		cpu->ipage = SOFT_TLB_INVALID;
		cpu->ihost = NULL;
	}
}

/* ---- Instructions ------------------------------------------------- */

/* A DAT-table entry at absolute address ea, for an update (addressing
 * exception outside storage; the page is marked dirty). */
static uint8_t *table_entry(struct s390_cpu *cpu, uint64_t ea)
{
	if (ea >= cpu->mem_size || cpu->mem_size - ea < 8)
		cpu_pgm(cpu, PGM_ADDRESSING);
	return cpu_abs_ptr(cpu, ea, 8, true);
}

/*
 * INVALIDATE PAGE TABLE ENTRY (RRF-a): R1 the page-table origin, R2 the
 * virtual address whose page index selects the entry; sets its I bit and
 * purges the TLBs of all CPUs.  R3 (IPTE range) and M4 (local clearing)
 * belong to facilities 13 and 51, which are not installed: ignored.
 */
static void op_ipte(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t pto = cpu->gr[F_RRE_R1(insn)] & SEGMENT_ORIGIN;
	uint64_t va = cpu->gr[F_RRE_R2(insn)];
	uint8_t *e = table_entry(cpu, pto + ((va >> 12) & 0xff) * 8);

	/* PAGE_I is bit 53: in byte 6 of the big-endian entry. */
	__atomic_fetch_or(e + 6, (uint8_t)(PAGE_I >> 8), __ATOMIC_SEQ_CST);
	soft_tlb_purge_sync(cpu);
}

/*
 * INVALIDATE DAT TABLE ENTRY (RRF-b).  R2 bit 52 zero: invalidation and
 * clearing - R1 designates a region or segment table (origin and type as
 * in an ASCE), R2 holds the index of the first entry in the bits of that
 * table level and an additional-entry count in bits 53-63; each entry's I
 * bit is set.  R2 bit 52 one: clearing by ASCE (R3) only.  Either way the
 * TLBs of all CPUs are purged (clearing more than required is allowed).
 */
static void op_idte(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_require_supervisor(cpu);
	uint64_t r1 = cpu->gr[F_RRE_R1(insn)];
	uint64_t r2 = cpu->gr[F_RRE_R2(insn)];

	if (r2 & 0xff000)	/* bits 44-51 must be zero */
		cpu_pgm(cpu, PGM_SPECIFICATION);
	if (!(r2 & 0x800)) {
		unsigned int level = (unsigned)(r1 & ASCE_DT) >> 2;
		unsigned int idx = level_index(r2, level);
		unsigned int count = (unsigned)(r2 & 0x7ff) + 1;
		uint64_t origin = r1 & ASCE_ORIGIN;

		for (unsigned int i = 0; i < count; i++) {
			uint8_t *e = table_entry(cpu, origin + ((idx + i) & 0x7ff) * 8);
			/* REGION_I / SEGMENT_I is bit 58: in byte 7. */
			__atomic_fetch_or(e + 7, (uint8_t)REGION_I, __ATOMIC_SEQ_CST);
		}
	}
	soft_tlb_purge_sync(cpu);
}

/*
 * COMPARE AND SWAP AND PURGE (CSP: word, CSPG: doubleword).  R1 even: the
 * compare value in R1, the replacement in R1 + 1; R2 the logical address
 * of the second operand (low bits ignored) with bit 63 requesting the
 * purge of all CPUs' TLBs, done after a successful swap.
 */
static void csp(struct s390_cpu *cpu, uint64_t insn, bool g)
{
	cpu_require_supervisor(cpu);
	unsigned int r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn);
	uint64_t a = cpu_wrap(cpu, cpu->gr[r2] & ~(g ? 7ULL : 3ULL));
	bool ok;

	if (r1 & 1)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	uint8_t *p = cpu_ptr(cpu, a, g ? 8 : 4, ACC_STORE);
	if (g) {
		uint64_t expect = CPU_BE64(cpu->gr[r1]);
		ok = __atomic_compare_exchange_n((uint64_t *)p, &expect,
						 CPU_BE64(cpu->gr[r1 + 1]), false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		if (!ok)
			cpu->gr[r1] = CPU_BE64(expect);
	} else {
		uint32_t expect = CPU_BE32(gr_lo(cpu, r1));
		ok = __atomic_compare_exchange_n((uint32_t *)p, &expect,
						 CPU_BE32(gr_lo(cpu, r1 + 1)), false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		if (!ok)
			gr_set_lo(cpu, r1, CPU_BE32(expect));
	}
	cpu->cc = ok ? 0 : 1;
	if (ok && (cpu->gr[r2] & 1))
		soft_tlb_purge_sync(cpu);
}

static void op_csp(struct s390_cpu *cpu, uint64_t insn) { csp(cpu, insn, false); }
static void op_cspg(struct s390_cpu *cpu, uint64_t insn) { csp(cpu, insn, true); }

/*
 * LOAD REAL ADDRESS (LRA, LRAY, LRAG): translate the second-operand
 * address in the current address space, whether DAT is on or not, without
 * protection checks.  cc 0: R1 = real address; cc 1: the segment-table
 * entry is invalid, R1 = its address; cc 2: the page-table entry is
 * invalid, R1 = its address; cc 3: any other translation-exception
 * condition, R1 bit 32 one and the exception code in bits 48-63.  LRA and
 * LRAY in the 64-bit mode take a special-operation exception for a real
 * address above 2G; in the 24/31-bit modes they set bits 32-63 only.
 */
static void lra(struct s390_cpu *cpu, uint64_t insn, int64_t disp, bool g)
{
	cpu_require_supervisor(cpu);
	unsigned int r1 = F_R1(insn);
	uint64_t a = cpu_ea(cpu, F_X2(insn), F_B2(insn), disp);
	unsigned int as = dat_access_space(cpu, ACC_FETCH);
	struct dat_walk w;
	int code = dat_walk(cpu->mem, cpu->mem_size, dat_asce(cpu, as), a, &w);
	uint64_t v;

	if (code == PGM_ADDRESSING || code == PGM_TRANS_SPEC)
		cpu_pgm(cpu, (uint16_t)code);
	if (!code) {
		v = w.frame | (a & 0xfff);
		cpu->cc = 0;
	} else if (code == PGM_SEGMENT_TRANS && w.invalid) {
		v = w.entry;
		cpu->cc = 1;
	} else if (code == PGM_PAGE_TRANS) {
		v = w.entry;
		cpu->cc = 2;
	} else {
		v = 0x80000000ULL | (unsigned)code;
		cpu->cc = 3;
	}
	if (g) {
		cpu->gr[r1] = v;
	} else if (cpu->psw_mask & PSW_MASK_EA) {
		if (v > 0x7fffffffULL)
			cpu_pgm(cpu, PGM_SPECIAL_OPERATION);
		cpu->gr[r1] = v;
	} else {
		gr_set_lo(cpu, r1, (uint32_t)v);
	}
}

static void op_lra(struct s390_cpu *c, uint64_t i) { lra(c, i, F_D2(i), false); }
static void op_lray(struct s390_cpu *c, uint64_t i) { lra(c, i, f_dl_dh(i), false); }
static void op_lrag(struct s390_cpu *c, uint64_t i) { lra(c, i, f_dl_dh(i), true); }

/* Each page of [a, a + len) in space `as` with access key `key`, for
 * access acc; wraps in the addressing mode.  buf: copied in (fetch) or
 * out (store); NULL: only checked. */
static void move_pages(struct s390_cpu *cpu, uint64_t a, uint64_t len,
		       unsigned int as, unsigned int key, enum cpu_access acc,
		       uint8_t *buf)
{
	while (len) {
		uint64_t chunk = 4096 - (a & 0xfff);

		if (chunk > len)
			chunk = len;
		uint8_t *p = cpu_ptr_as(cpu, a, (unsigned)chunk, acc, as, key);
		if (buf && acc == ACC_FETCH)
			memcpy(buf, p, chunk);
		else if (buf)
			memcpy(p, buf, chunk);
		if (buf)
			buf += chunk;
		a = cpu_wrap(cpu, a + chunk);
		len -= chunk;
	}
}

void dat_move(struct s390_cpu *cpu, uint64_t dst, unsigned int dst_as,
	      unsigned int dst_key, uint64_t src, unsigned int src_as,
	      unsigned int src_key, uint64_t len)
{
	uint8_t buf[4096];

	if (len > sizeof(buf))
		len = sizeof(buf);
	/* Fetch the source (checking it), check the target, then store. */
	move_pages(cpu, src, len, src_as, src_key, ACC_FETCH, buf);
	move_pages(cpu, dst, len, dst_as, dst_key, ACC_STORE, NULL);
	move_pages(cpu, dst, len, dst_as, dst_key, ACC_STORE, buf);
}

static const struct insn_def defs[] = {
	{ 0xB100, "LRA", op_lra },
	{ 0xB221, "IPTE", op_ipte },
	{ 0xB250, "CSP", op_csp },
	{ 0xB98A, "CSPG", op_cspg },
	{ 0xB98E, "IDTE", op_idte },
	{ 0xE303, "LRAG", op_lrag },
	{ 0xE313, "LRAY", op_lray },
};

const struct insn_table insn_table_dat = { defs, sizeof(defs) / sizeof(defs[0]) };
