/* SPDX-License-Identifier: MIT */
/*
 * Dynamic address translation of the software CPU (arch/s390x/dat.c), one
 * instruction at a time through the cpu harness.  Expected behaviour from
 * the Principles of Operation, chapter 3 "Dynamic Address Translation"
 * (table formats, the translation process, translation exceptions and the
 * translation-exception identification, DAT protection, low-address and
 * key-controlled protection with DAT on, the TLB and its purges) and the
 * instruction descriptions in chapter 10 (IPTE, IDTE, PTLB, CSP, CSPG,
 * LRA, LRAG, SACF, TPROT, MVCOS).
 */
#include <inttypes.h>
#include <string.h>

#include "arch/s390x/dat.h"
#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define PSW64		0x0000000180000000ULL
#define TABLES		0x80000ULL	/* table allocator: 0x80000-0xEFFFF */
#define F1		0x30000ULL	/* data frames */
#define F2		0x31000ULL
#define F3		0x32000ULL
#define SCRATCH		0x20000ULL	/* identity-mapped operands */

static struct harness H;
static uint64_t next_table;

static struct s390_cpu *cpu(void) { return H.cpu; }

/* ---- A page-table builder, as a guest kernel would have one --------- */

static uint64_t alloc_table(unsigned level)
{
	uint64_t t = next_table;
	/* Region and segment tables: 2048 entries (TL 3); page tables 256. */
	unsigned n = level ? 2048 : 256;
	uint64_t inv = level == 1 ? SEGMENT_I
		     : level == 0 ? PAGE_I
		     : REGION_I | (uint64_t)(level - 1) << 2 | REGION_TL;

	/* level is the level of the table's entries + 1 (1: segment table,
	 * 0: page table, 2-4: region third..first). */
	next_table += level ? 0x4000 : 0x1000;
	if (next_table > 0xF0000)
		ksft_exit_fail_msg("table area exhausted\n");
	for (unsigned i = 0; i < n; i++)
		h_st64(&H, t + 8 * i, inv);
	return t;
}

/* ASCE with designation type dt (0 segment .. 3 region first), TL 3. */
static uint64_t new_asce(unsigned dt)
{
	return alloc_table(dt + 1) | (uint64_t)dt << 2 | ASCE_TL;
}

/* The absolute address of the entry for va at table level `level`
 * (0 page, 1 segment, 2-4 region third..first), creating the tables on
 * the way. */
static uint64_t entry_addr(uint64_t asce, uint64_t va, unsigned level)
{
	unsigned top = (unsigned)((asce & ASCE_DT) >> 2) + 1;
	uint64_t table = asce & ASCE_ORIGIN;

	for (unsigned l = top; l > level; l--) {
		/* Entries of level l index with bits 20 + 11 * (l - 1). */
		uint64_t ea = table + 8 * ((va >> (20 + 11 * (l - 1))) & 0x7ff);
		uint64_t e = h_ld64(&H, ea);
		if (e & REGION_I) {	/* same bit for segment entries */
			uint64_t t = alloc_table(l - 1);
			e = l == 1 ? t : t | (uint64_t)(l - 1) << 2 | REGION_TL;
			h_st64(&H, ea, e);
		}
		table = l == 1 ? (e & SEGMENT_ORIGIN) : (e & REGION_ORIGIN);
	}
	if (level == 0)
		return table + 8 * ((va >> 12) & 0xff);
	if (level == 1)
		return table + 8 * ((va >> 20) & 0x7ff);
	return table + 8 * ((va >> (20 + 11 * (level - 1))) & 0x7ff);
}

static void map(uint64_t asce, uint64_t va, uint64_t frame, uint64_t flags)
{
	h_st64(&H, entry_addr(asce, va, 0), frame | flags);
}

/* An ASCE of type dt mapping the first 1 MiB 1:1 (code, lowcore, data). */
static uint64_t identity_asce(unsigned dt)
{
	uint64_t asce = new_asce(dt);

	for (uint64_t a = 0; a < 0x100000; a += 0x1000)
		map(asce, a, a, 0);
	return asce;
}

/* ---- CPU state ----------------------------------------------------- */

static void reset(void)
{
	h_reset(&H);
	memset(H.vm->ram + TABLES, 0, 0xF0000 - TABLES);
	memset(H.vm->ram + F1, 0, F3 + 0x1000 - F1);
	memset(cpu()->svm->skeys, 0, cpu()->svm->nframes);
	next_table = TABLES;
	cpu_tlb_flush(cpu());
	dat_space_update(cpu());
}

static void set_cr(unsigned r, uint64_t v)
{
	cpu()->cr[r] = v;
	cpu_cr_changed(cpu());
}

static void psw(uint64_t mask)
{
	cpu_load_psw(cpu(), mask, H_CODE);
}

static void dat_on(unsigned asc)
{
	psw(PSW64 | PSW_MASK_DAT | (uint64_t)asc << PSW_SHIFT_ASC);
}

/* ---- Instruction encoders ------------------------------------------ */

static uint64_t e_rxy(unsigned op2, unsigned r1, unsigned b2, int32_t d)
{
	uint32_t ud = (uint32_t)d;

	return 0xE3ULL << 40 | (uint64_t)r1 << 36 | (uint64_t)b2 << 28 |
	       (uint64_t)(ud & 0xfff) << 16 | (uint64_t)((ud >> 12) & 0xff) << 8 | op2;
}

static uint64_t e_rrf(unsigned op, unsigned r3, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 16 | r3 << 12 | r1 << 4 | r2;
}

static uint64_t e_s(unsigned op, unsigned b2, unsigned d2)
{
	return (uint64_t)op << 16 | b2 << 12 | d2;
}

#define LG(r1, b2)	e_rxy(0x04, r1, b2, 0), 6
#define STG(r1, b2)	e_rxy(0x24, r1, b2, 0), 6
#define LRAG(r1, b2)	e_rxy(0x03, r1, b2, 0), 6

static int run(uint64_t insn, unsigned len)
{
	return h_exec_insn(&H, insn, len);
}

static uint64_t teid(void)
{
	return h_ld64(&H, LC_TRANS_EXC_CODE);
}

/* The exception nullified the instruction: old PSW at it, ILC its length. */
static bool nullified(int rc, uint16_t code, unsigned len)
{
	return rc == code && H.pgm_old_addr == H_CODE && H.pgm_ilc == len;
}

static bool suppressed(int rc, uint16_t code, unsigned len)
{
	return rc == code && H.pgm_old_addr == H_CODE + len && H.pgm_ilc == len;
}

/* LG r2 from va: the value, or ~0 when it raised an interruption. */
static uint64_t load(uint64_t va)
{
	cpu()->gr[1] = va;
	cpu()->gr[2] = 0;
	return run(LG(2, 1)) ? ~0ULL : cpu()->gr[2];
}

/* ---- Tests --------------------------------------------------------- */

static const char *const level_name[4] = {
	"segment table", "region-third table", "region-second table",
	"region-first table",
};
/* A test address whose index at the ASCE's first level is nonzero. */
static const uint64_t level_va[4] = {
	0x40000000ULL, 5ULL << 31, 7ULL << 42, 9ULL << 53,
};
static const uint16_t level_exc[4] = {
	PGM_SEGMENT_TRANS, PGM_REGION_THIRD_TRANS, PGM_REGION_SECOND_TRANS,
	PGM_REGION_FIRST_TRANS,
};

static void test_levels(void)
{
	for (unsigned dt = 0; dt < 4; dt++) {
		uint64_t va = level_va[dt] + 0x5008;

		reset();
		uint64_t asce = identity_asce(dt);
		map(asce, va, F1, 0);
		h_st64(&H, F1 + 8, 0x1122334455667788ULL);
		set_cr(1, asce);
		dat_on(PSW_ASC_PRIMARY);
		ksft_test_result(load(va) == 0x1122334455667788ULL,
				 "%s ASCE: %#" PRIx64 " translates to frame %#llx\n",
				 level_name[dt], va, (unsigned long long)F1);

		/* Invalidate the first-level entry: that level's exception,
		 * nullifying, TEID = page address, primary space. */
		uint64_t ea = (asce & ASCE_ORIGIN) + 8 * ((va >> (20 + 11 * dt)) & 0x7ff);
		h_st64(&H, ea, h_ld64(&H, ea) | REGION_I);
		cpu_tlb_flush(cpu());
		cpu()->gr[1] = va;
		int rc = run(LG(2, 1));
		ksft_test_result(nullified(rc, level_exc[dt], 6) &&
				 teid() == (va & ~0xfffULL),
				 "%s entry invalid: code %#x, TEID %#" PRIx64 ", nullified\n",
				 level_name[dt], rc, teid());
	}
}

static void test_exceptions(void)
{
	uint64_t va = 0x40000000ULL, asce;
	int rc;

	/* Page-table entry invalid. */
	reset();
	asce = identity_asce(0);
	map(asce, va, F1, PAGE_I);
	set_cr(1, asce);
	dat_on(PSW_ASC_PRIMARY);
	cpu()->gr[1] = va + 0x123;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_PAGE_TRANS, 6) && teid() == va,
			 "page-table entry invalid: page translation, TEID %#" PRIx64 "\n",
			 teid());

	/* Segment-table entry invalid. */
	cpu()->gr[1] = 0x50000000ULL;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6) && teid() == 0x50000000ULL,
			 "segment-table entry invalid: segment translation\n");

	/* ASCE type: a segment-table ASCE covers 2G. */
	cpu()->gr[1] = 0x80000000ULL;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_ASCE_TYPE, 6) && teid() == 0x80000000ULL,
			 "address beyond a segment-table ASCE: ASCE type\n");

	/* Table length: TL 0 covers segment indexes 0-511 (512M). */
	set_cr(1, (asce & ~ASCE_TL));
	cpu()->gr[1] = va;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6),
			 "segment index beyond the ASCE table length: segment translation\n");

	/* Region entry TF: the next table starts at unit 1. */
	reset();
	asce = identity_asce(1);	/* region third -> segment */
	va = 5ULL << 31;
	map(asce, va, F1, 0);
	uint64_t r3e = (asce & ASCE_ORIGIN) + 8 * 5;
	h_st64(&H, r3e, (h_ld64(&H, r3e) & ~REGION_TF) | 0x40);	/* TF 1 */
	set_cr(1, asce);
	dat_on(PSW_ASC_PRIMARY);
	cpu()->gr[1] = va;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6),
			 "segment index below the region entry's table offset: segment translation\n");

	/* Region entry with the wrong table type. */
	h_st64(&H, r3e, (h_ld64(&H, r3e) & ~(REGION_TF | REGION_TT)) | 0x8);
	rc = run(LG(2, 1));
	ksft_test_result(rc == PGM_TRANS_SPEC,
			 "region-third entry with TT 10: translation specification\n");

	/* Page-table entry with bit 52 set. */
	reset();
	asce = identity_asce(0);
	va = 0x40000000ULL;
	map(asce, va, F1, PAGE_BIT52);
	set_cr(1, asce);
	dat_on(PSW_ASC_PRIMARY);
	cpu()->gr[1] = va;
	rc = run(LG(2, 1));
	ksft_test_result(rc == PGM_TRANS_SPEC,
			 "page-table entry bit 52 one: translation specification\n");

	/* Common segment in a private space. */
	map(asce, va, F1, 0);
	uint64_t ste = entry_addr(asce, va, 1);
	h_st64(&H, ste, h_ld64(&H, ste) | SEGMENT_C);
	set_cr(1, asce | ASCE_PRIVATE);
	rc = run(LG(2, 1));
	ksft_test_result(rc == PGM_TRANS_SPEC,
			 "common segment in a private space: translation specification\n");

	/* A table outside storage. */
	set_cr(1, 0x40000000ULL | ASCE_TL);
	rc = run(LG(2, 1));
	ksft_test_result(rc == PGM_ADDRESSING,
			 "segment table outside storage: addressing\n");

	/* Real-space designation: no tables at all. */
	set_cr(1, ASCE_REAL);
	h_st64(&H, F2, 0xabcdULL);
	ksft_test_result(load(F2) == 0xabcdULL,
			 "real-space ASCE: virtual = real\n");
}

static void test_protection(void)
{
	uint64_t va = 0x40000000ULL, asce;
	int rc;

	reset();
	asce = identity_asce(0);
	map(asce, va, F1, PAGE_P);
	map(asce, va + 0x100000, F2, 0);
	h_st64(&H, F1, 0x55ULL);
	set_cr(1, asce);
	dat_on(PSW_ASC_PRIMARY);
	ksft_test_result(load(va) == 0x55ULL,
			 "DAT-protected page: fetch allowed\n");
	cpu()->gr[1] = va;
	cpu()->gr[2] = 0x66;
	rc = run(STG(2, 1));
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) &&
			 teid() == (va | TEID_DAT_PROT) && h_ld64(&H, F1) == 0x55ULL,
			 "store to a page with P: protection, TEID %#" PRIx64
			 " (bit 61), suppressed\n", teid());

	uint64_t ste = entry_addr(asce, va + 0x100000, 1);
	h_st64(&H, ste, h_ld64(&H, ste) | SEGMENT_P);
	cpu()->gr[1] = va + 0x100008;
	rc = run(STG(2, 1));
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) &&
			 teid() == ((va + 0x100000) | TEID_DAT_PROT),
			 "store to a segment with P: protection\n");

	/* Secondary space: the TEID names it (bits 62-63 = 10). */
	set_cr(7, asce);
	dat_on(PSW_ASC_SECONDARY);
	cpu()->gr[1] = va;
	rc = run(STG(2, 1));
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) &&
			 teid() == (va | TEID_DAT_PROT | PSW_ASC_SECONDARY),
			 "secondary-space protection: TEID space bits 10\n");

	/* Low-address protection applies to virtual addresses 0-511... */
	reset();
	asce = identity_asce(0);
	set_cr(1, asce);
	set_cr(0, cpu()->cr[0] | CR0_LOW_ADDR_PROT);
	dat_on(PSW_ASC_PRIMARY);
	cpu()->gr[1] = 0x100;
	rc = run(STG(2, 1));
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) && !(teid() & TEID_DAT_PROT),
			 "low-address protection with DAT on: protection, TEID bit 61 zero\n");
	/* ...but not in a private space. */
	set_cr(1, asce | ASCE_PRIVATE);
	rc = run(STG(2, 1));
	ksft_test_result(rc == 0, "low-address protection does not apply to a private space\n");

	/* Key-controlled protection uses the key of the real frame. */
	reset();
	asce = identity_asce(0);
	map(asce, va, F1, 0);
	cpu()->svm->skeys[F1 >> 12] = 0x30;	/* key 3 */
	set_cr(1, asce);
	psw(PSW64 | PSW_MASK_DAT | 2ULL << PSW_SHIFT_KEY);
	cpu()->gr[1] = va;
	rc = run(STG(2, 1));
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) && !(teid() & TEID_DAT_PROT),
			 "key 2 store into a key-3 frame through DAT: protection\n");
	psw(PSW64 | PSW_MASK_DAT | 3ULL << PSW_SHIFT_KEY);
	rc = run(STG(2, 1));
	ksft_test_result(rc == 0 && (cpu()->svm->skeys[F1 >> 12] & 0x06) == 0x06,
			 "key 3 store into the key-3 frame: done, reference and change set\n");
}

/* The PTE of va now points at frame; a purge may be needed to see it. */
static void retarget(uint64_t asce, uint64_t va, uint64_t frame)
{
	map(asce, va, frame, 0);
}

static void test_tlb(void)
{
	uint64_t va = 0x40000000ULL, asce, pte;
	int rc;

	reset();
	asce = identity_asce(0);
	map(asce, va, F1, 0);
	h_st64(&H, F1, 1);
	h_st64(&H, F2, 2);
	h_st64(&H, F3, 3);
	set_cr(1, asce);
	dat_on(PSW_ASC_PRIMARY);
	pte = entry_addr(asce, va, 0);

	ksft_test_result(load(va) == 1, "TLB: first translation\n");
	retarget(asce, va, F2);
	ksft_test_result(load(va) == 1,
			 "TLB: a changed PTE is not seen before a purge\n");
	rc = run(e_s(0xB20D, 0, 0), 4);			/* PTLB */
	ksft_test_result(rc == 0 && load(va) == 2, "PTLB: the changed PTE is seen\n");

	/* IPTE: R1 page-table origin, R2 the virtual address. */
	cpu()->gr[4] = pte & ~0x7ffULL;
	cpu()->gr[5] = va;
	rc = run(e_rrf(0xB221, 0, 4, 5), 4);
	ksft_test_result(rc == 0 && (h_ld64(&H, pte) & PAGE_I) &&
			 (h_ld64(&H, pte) & PAGE_ORIGIN) == F2,
			 "IPTE sets the I bit of the PTE\n");
	cpu()->gr[1] = va;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_PAGE_TRANS, 6),
			 "IPTE: the page is not translated any more\n");
	retarget(asce, va, F3);
	ksft_test_result(load(va) == 3,
			 "a PTE made valid is used without a purge\n");

	/* IDTE invalidation: the segment entry of va. */
	cpu()->gr[4] = asce & ~ASCE_TL;		/* segment table, DT 00 */
	cpu()->gr[5] = va;			/* index, count 0 */
	rc = run(e_rrf(0xB98E, 0, 4, 5), 4);
	uint64_t ste = entry_addr(asce, va + 0x100000, 1) - 8;
	ksft_test_result(rc == 0 && (h_ld64(&H, ste) & SEGMENT_I),
			 "IDTE invalidates the segment-table entry\n");
	cpu()->gr[1] = va;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6),
			 "IDTE: the segment is not translated any more\n");

	/* IDTE clearing by ASCE (R2 bit 52): no invalidation. */
	h_st64(&H, ste, h_ld64(&H, ste) & ~SEGMENT_I);
	ksft_test_result(load(va) == 3, "segment revalidated\n");
	retarget(asce, va, F1);
	ksft_test_result(load(va) == 3, "changed PTE: old translation kept\n");
	cpu()->gr[5] = 0x800;
	cpu()->gr[6] = asce;
	rc = run(e_rrf(0xB98E, 6, 4, 5), 4);
	ksft_test_result(rc == 0 && !(h_ld64(&H, ste) & SEGMENT_I) && load(va) == 1,
			 "IDTE clearing by ASCE: the changed PTE is seen\n");

	/* CSP: swap the PTE's low word; with bit 63 of R2, purge. */
	cpu()->gr[6] = (uint32_t)h_ld64(&H, pte);	/* compare: F1 */
	cpu()->gr[7] = (uint32_t)F2;			/* replacement */
	cpu()->gr[8] = pte + 4;				/* no purge */
	rc = run(e_rrf(0xB250, 0, 6, 8), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && (h_ld64(&H, pte) & PAGE_ORIGIN) == F2 &&
			 load(va) == 1,
			 "CSP without the purge bit: swapped, old translation kept\n");
	cpu()->gr[6] = (uint32_t)F1;			/* mismatch */
	cpu()->gr[7] = (uint32_t)F3;
	cpu()->gr[8] = pte + 4 + 1;
	rc = run(e_rrf(0xB250, 0, 6, 8), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && (uint32_t)cpu()->gr[6] == (uint32_t)F2 &&
			 load(va) == 1,
			 "CSP mismatch: cc 1, R1 loaded, no purge\n");
	cpu()->gr[7] = (uint32_t)F3;
	rc = run(e_rrf(0xB250, 0, 6, 8), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && load(va) == 3,
			 "CSP with the purge bit: swapped and purged\n");
	cpu()->gr[6] = F3;
	cpu()->gr[7] = F1;
	cpu()->gr[8] = pte + 1;
	rc = run(e_rrf(0xB98A, 0, 6, 8), 4);		/* CSPG */
	ksft_test_result(rc == 0 && cpu()->cc == 0 && load(va) == 1,
			 "CSPG: doubleword swap and purge\n");
	rc = run(e_rrf(0xB250, 0, 7, 8), 4);
	ksft_test_result(rc == PGM_SPECIFICATION, "CSP odd R1: specification\n");

	/* An ASCE switch keeps the entries of the old space (another page
	 * there: the TLB is direct-mapped by page index). */
	uint64_t other = identity_asce(0);
	map(other, va + 0x1000, F2, 0);
	set_cr(1, other);
	ksft_test_result(load(va + 0x1000) == 2, "another ASCE: its own translation\n");
	retarget(asce, va, F3);
	set_cr(1, asce);
	ksft_test_result(load(va) == 1,
			 "back to the first ASCE: its TLB entry is still used\n");
	psw(PSW64);
	ksft_test_result(load(va & 0xfffff) == h_ld64(&H, va & 0xfffff),
			 "DAT off: real addresses again\n");
}

static void test_spaces(void)
{
	uint64_t va = 0x40000000ULL, prim, sec, home;
	int rc;

	reset();
	prim = identity_asce(0);
	sec = new_asce(0);	/* no code mapped here */
	home = identity_asce(0);
	map(prim, va, F1, 0);
	map(sec, va, F2, 0);
	map(home, va, F3, 0);
	h_st64(&H, F1, 1);
	h_st64(&H, F2, 2);
	h_st64(&H, F3, 3);
	set_cr(1, prim);
	set_cr(7, sec);
	set_cr(13, home);
	set_cr(0, cpu()->cr[0] | 0x04000000ULL);	/* secondary-space control */

	rc = run(e_s(0xB279, 0, 0x100), 4);		/* SACF 256 */
	ksft_test_result(rc == PGM_SPECIAL_OPERATION,
			 "SACF with DAT off: special operation\n");
	dat_on(PSW_ASC_PRIMARY);
	ksft_test_result(load(va) == 1, "primary space: CR1\n");
	rc = run(e_s(0xB279, 0, 0x100), 4);
	ksft_test_result(rc == 0 && load(va) == 2,
			 "SACF 256: secondary space (CR7) for operands, code still from the primary\n");
	rc = run(e_s(0xB279, 0, 0x300), 4);
	ksft_test_result(rc == 0 && load(va) == 3, "SACF 768: home space (CR13)\n");
	rc = run(e_s(0xB279, 0, 0), 4);
	ksft_test_result(rc == 0 && load(va) == 1, "SACF 0: primary again\n");

	/* A secondary-space translation exception names the space. */
	dat_on(PSW_ASC_SECONDARY);
	cpu()->gr[1] = 0x50000000ULL;
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6) &&
			 teid() == (0x50000000ULL | PSW_ASC_SECONDARY),
			 "secondary-space segment translation: TEID bits 62-63 = 10\n");
	dat_on(PSW_ASC_HOME);
	rc = run(LG(2, 1));
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6) &&
			 teid() == (0x50000000ULL | PSW_ASC_HOME),
			 "home-space segment translation: TEID bits 62-63 = 11\n");

	/* MVCOS: operand 1 in the secondary space (OAC1 AS 10, A 1). */
	dat_on(PSW_ASC_PRIMARY);
	memset(H.vm->ram + SCRATCH, 0x5a, 0x2000);
	cpu()->gr[0] = (0x0080ULL | 0x0001) << 16;
	cpu()->gr[1] = va + 8;
	cpu()->gr[2] = SCRATCH;
	cpu()->gr[3] = 16;
	uint64_t mvcos = 0xC83000000000ULL | 1ULL << 28 | 2ULL << 12;	/* 0(1),0(2),3 */
	rc = run(mvcos, 6);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && h_ld64(&H, F2 + 8) == 0x5a5a5a5a5a5a5a5aULL &&
			 h_ld64(&H, F2 + 16) == 0x5a5a5a5a5a5a5a5aULL && h_ld64(&H, F1 + 8) == 0 &&
			 cpu()->gr[3] == 16,
			 "MVCOS primary -> secondary: 16 bytes land in the secondary frame\n");
	/* Operand 2 from the home space, operand 1 primary. */
	cpu()->gr[0] = 0x00C1ULL;
	cpu()->gr[1] = SCRATCH + 0x100;
	cpu()->gr[2] = va;
	cpu()->gr[3] = 8;
	rc = run(0xC83000000000ULL | 1ULL << 28 | 2ULL << 12, 6);
	ksft_test_result(rc == 0 && h_ld64(&H, SCRATCH + 0x100) == 3,
			 "MVCOS home -> primary\n");
	/* More than 4096 bytes: 4096 move, cc 3, R3 unchanged. */
	cpu()->gr[0] = 0;
	cpu()->gr[1] = SCRATCH + 0x2000;
	cpu()->gr[2] = SCRATCH;
	cpu()->gr[3] = 5000;
	memset(H.vm->ram + SCRATCH + 0x2000, 0, 0x2000);
	rc = run(0xC83000000000ULL | 1ULL << 28 | 2ULL << 12, 6);
	ksft_test_result(rc == 0 && cpu()->cc == 3 && cpu()->gr[3] == 5000 &&
			 H.vm->ram[SCRATCH + 0x2000] == 0x5a && H.vm->ram[SCRATCH + 0x2fff] != 0 &&
			 H.vm->ram[SCRATCH + 0x3000] == 0,
			 "MVCOS length 5000: 4096 bytes, cc 3\n");
	/* A fault in the secondary operand: nullified, nothing stored. */
	cpu()->gr[0] = (0x0080ULL | 0x0001) << 16;
	cpu()->gr[1] = va + 0x100000 - 8;	/* crosses into unmapped */
	cpu()->gr[2] = SCRATCH;
	cpu()->gr[3] = 16;
	h_st64(&H, F2 + 0xff8, 0);
	map(sec, va + 0x1000 - 0x1000 + 0xff000, F2, 0);
	cpu()->gr[1] = va + 0x100000 - 8;
	rc = run(0xC83000000000ULL | 1ULL << 28 | 2ULL << 12, 6);
	ksft_test_result(nullified(rc, PGM_SEGMENT_TRANS, 6) &&
			 teid() == ((va + 0x100000) | PSW_ASC_SECONDARY) &&
			 h_ld64(&H, F2 + 0xff8) == 0,
			 "MVCOS page-crossing fault in the secondary space: nullified, TEID %#"
			 PRIx64 ", nothing stored\n", teid());
}

static void test_lra_tprot(void)
{
	uint64_t va = 0x40000000ULL, asce;
	int rc;

	reset();
	asce = identity_asce(0);
	map(asce, va, F1, 0);
	map(asce, va + 0x1000, F2, PAGE_I);
	map(asce, va + 0x2000, F3, PAGE_P);
	set_cr(1, asce);

	/* LRA translates whether DAT is on or not. */
	cpu()->gr[1] = va + 0x234;
	rc = run(LRAG(2, 1));
	ksft_test_result(rc == 0 && cpu()->cc == 0 && cpu()->gr[2] == F1 + 0x234,
			 "LRAG with DAT off: cc 0, real address\n");
	cpu()->gr[1] = va + 0x1010;
	rc = run(LRAG(2, 1));
	ksft_test_result(rc == 0 && cpu()->cc == 2 &&
			 cpu()->gr[2] == entry_addr(asce, va + 0x1000, 0),
			 "LRAG: page-table entry invalid: cc 2, PTE address\n");
	cpu()->gr[1] = 0x50000000ULL;
	rc = run(LRAG(2, 1));
	uint64_t ste = (asce & ASCE_ORIGIN) + 8 * (0x50000000ULL >> 20);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && cpu()->gr[2] == ste,
			 "LRAG: segment-table entry invalid: cc 1, STE address\n");
	cpu()->gr[1] = 0x80000000ULL;
	rc = run(LRAG(2, 1));
	ksft_test_result(rc == 0 && cpu()->cc == 3 &&
			 cpu()->gr[2] == (0x80000000ULL | PGM_ASCE_TYPE),
			 "LRAG: ASCE-type condition: cc 3, code %#" PRIx64 "\n", cpu()->gr[2]);
	dat_on(PSW_ASC_PRIMARY);
	cpu()->gr[1] = va + 0x2008;
	cpu()->gr[2] = 0xffffffff00000000ULL;
	rc = run(0xB1201000ULL, 4);			/* LRA 2,0(1) */
	ksft_test_result(rc == 0 && cpu()->cc == 0 && cpu()->gr[2] == F3 + 8,
			 "LRA (64-bit mode): real address, protection ignored\n");
	psw(PSW64 | PSW_MASK_DAT | PSW_MASK_PSTATE);
	rc = run(LRAG(2, 1));
	ksft_test_result(rc == PGM_PRIVILEGED, "LRAG in the problem state: privileged operation\n");

	/* TPROT with DAT on: cc 0, 1 (DAT protected), 3 (invalid). */
	dat_on(PSW_ASC_PRIMARY);
	uint64_t tprot = 0xE50110000000ULL;		/* TPROT 0(1),0 */
	cpu()->gr[1] = va;
	rc = run(tprot, 6);
	ksft_test_result(rc == 0 && cpu()->cc == 0, "TPROT through DAT: cc 0\n");
	cpu()->gr[1] = va + 0x2000;
	rc = run(tprot, 6);
	ksft_test_result(rc == 0 && cpu()->cc == 1, "TPROT on a DAT-protected page: cc 1\n");
	cpu()->gr[1] = va + 0x1000;
	rc = run(tprot, 6);
	ksft_test_result(rc == 0 && cpu()->cc == 3, "TPROT on an invalid page: cc 3\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(65);
	h_init(&H);
	test_levels();
	test_exceptions();
	test_protection();
	test_tlb();
	test_spaces();
	test_lra_tprot();
	h_fini(&H);
	ksft_finished();
}
