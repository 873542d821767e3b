/* SPDX-License-Identifier: MIT */
/*
 * DAT guest: builds segment and page tables the way a kernel does, turns
 * dynamic address translation on (STOSM, LPSWE), and checks translation
 * of pages mapped at other addresses, DAT protection, the page-
 * translation exception, IPTE, LRA, the secondary and home spaces (SACF)
 * and MVCOS between spaces (PoP chapter 3 "Dynamic Address Translation"
 * and the instruction descriptions of chapter 10).  The first 16 MiB are
 * mapped 1:1 so code, stack, lowcore and tables keep their addresses.
 */
#include "lib/guest.h"
#include "lib/tap.h"

#define SEG_I		0x20ULL		/* segment-table entry invalid */
#define PTE_I		0x400ULL	/* page-table entry invalid */
#define PTE_P		0x200ULL	/* page protected */
#define ASCE_TL3	0x3ULL		/* segment table of 2048 entries */
#define IDENT_MB	16
#define VA		0x40000000UL	/* 1 GiB: outside the 1:1 map */
#define CR0_SSC		0x04000000ULL	/* CR0 bit 37, secondary-space control */

static uint64_t seg_prim[2048] __attribute__((aligned(4096)));
static uint64_t seg_sec[2048] __attribute__((aligned(4096)));
static uint64_t pt_ident[IDENT_MB][256] __attribute__((aligned(4096)));
static uint64_t pt_prim[256] __attribute__((aligned(4096)));
static uint64_t pt_sec[256] __attribute__((aligned(4096)));
static uint8_t frame[3][4096] __attribute__((aligned(4096)));

static void build_tables(void)
{
	for (int i = 0; i < 2048; i++)
		seg_prim[i] = seg_sec[i] = SEG_I;
	for (int s = 0; s < IDENT_MB; s++) {
		for (int p = 0; p < 256; p++)
			pt_ident[s][p] = ((uint64_t)s << 20) | ((uint64_t)p << 12);
		seg_prim[s] = seg_sec[s] = (uint64_t)pt_ident[s];
	}
	for (int p = 0; p < 256; p++)
		pt_prim[p] = pt_sec[p] = PTE_I;
	pt_prim[0] = (uint64_t)frame[0];		/* VA -> frame 0 */
	pt_prim[1] = (uint64_t)frame[1] | PTE_P;	/* VA+4K -> frame 1, r/o */
	pt_sec[0] = (uint64_t)frame[2];			/* VA in secondary -> 2 */
	seg_prim[VA >> 20] = (uint64_t)pt_prim;
	seg_sec[VA >> 20] = (uint64_t)pt_sec;
}

static void lctlg(int cr, uint64_t v)
{
	switch (cr) {
	case 1: asm volatile("lctlg 1,1,%0" : : "QS"(v) : "memory"); break;
	case 7: asm volatile("lctlg 7,7,%0" : : "QS"(v) : "memory"); break;
	case 13: asm volatile("lctlg 13,13,%0" : : "QS"(v) : "memory"); break;
	}
}

static void dat_on(void)
{
	uint8_t old;

	asm volatile("stosm %0,0x04" : "=Q"(old) : : "memory");
}

static void dat_off(void)
{
	uint8_t old;

	asm volatile("stnsm %0,0xfb" : "=Q"(old) : : "memory");
}

static void sacf(unsigned mode)
{
	asm volatile("sacf 0(%0)" : : "a"((unsigned long)mode) : "memory");
}

/* The TEID without bits 52-53, the fetch/store indication of facility
 * 75 (unpredictable without it; QEMU sets them). */
static uint64_t teid(void)
{
	return lc_ld64(LC_TRANS_EXC_CODE) & ~0xC00ULL;
}

/* STG v at va, expecting program interruption `code`; returns its
 * record, with *at / *next the addresses of the STG and after it. */
static struct pgm_info *store_pgm(int code, uint64_t va, uint64_t v,
				  uint64_t *at, uint64_t *next)
{
	struct pgm_info *p = this_pgm();

	expect_pgm(code, 0);
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "0: stg %[v],0(%[a])\n1:"
		     : [at] "=&a"(*at), [nx] "=&a"(*next), [res] "=Q"(p->resume)
		     : [v] "d"(v), [a] "a"(va) : "cc", "memory");
	return p;
}

static struct pgm_info *load_pgm(int code, uint64_t va, uint64_t *at,
				 uint64_t *next)
{
	struct pgm_info *p = this_pgm();
	uint64_t v;

	expect_pgm(code, 0);
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "0: lg %[v],0(%[a])\n1:"
		     : [at] "=&a"(*at), [nx] "=&a"(*next), [res] "=Q"(p->resume),
		       [v] "=&d"(v)
		     : [a] "a"(va) : "cc", "memory");
	return p;
}

static int lrag(uint64_t va, uint64_t *real)
{
	int cc;

	asm volatile("lrag %[r],0(%[a])\n ipm %[cc]\n srl %[cc],28"
		     : [r] "=d"(*real), [cc] "=d"(cc) : [a] "a"(va) : "cc");
	return cc;
}

static void mvcos(void *dst, const void *src, uint64_t len, uint32_t oac)
{
	register uint64_t r0 asm("0") = oac;

	asm volatile("mvcos 0(%[d]),0(%[s]),%[l]"
		     : : [d] "a"(dst), [s] "a"(src), [l] "d"(len), "d"(r0)
		     : "cc", "memory");
}

int main(void)
{
	volatile uint64_t *va = (volatile uint64_t *)VA;
	uint64_t at, next, real;
	struct pgm_info *p;
	bool ok;

	tap_plan(13);
	build_tables();
	lctlg(1, (uint64_t)seg_prim | ASCE_TL3);
	lctlg(7, (uint64_t)seg_sec | ASCE_TL3);
	lctlg(13, (uint64_t)seg_prim | ASCE_TL3);
	ctl0_set(CR0_SSC);

	dat_on();
	tap_ok(psw_mask() & PSW_MASK_DAT, "STOSM turned DAT on (PSW %016llx)",
	       (unsigned long long)psw_mask());

	va[1] = 0x1234567890abcdefULL;
	tap_ok(*(volatile uint64_t *)(frame[0] + 8) == 0x1234567890abcdefULL,
	       "a store to 0x%llx lands in frame %p", (unsigned long long)VA + 8,
	       (void *)frame[0]);

	((volatile uint64_t *)frame[1])[0] = 0x77;
	tap_ok(va[512] == 0x77, "a load from 0x%llx reads frame %p",
	       (unsigned long long)VA + 4096, (void *)frame[1]);

	p = store_pgm(PGM_PROTECTION, VA + 4096, 1, &at, &next);
	ok = pgm_check();
	tap_ok(ok && p->old_addr == next && teid() == ((VA + 4096) | 4) &&
	       ((volatile uint64_t *)frame[1])[0] == 0x77,
	       "store to a protected page: protection, TEID 0x%llx, suppressed",
	       (unsigned long long)teid());

	p = load_pgm(PGM_PAGE_TRANS, VA + 8192 + 16, &at, &next);
	ok = pgm_check();
	tap_ok(ok && p->old_addr == at && p->ilc == 6 && teid() == VA + 8192,
	       "load from an invalid page: page translation, nullified, TEID 0x%llx",
	       (unsigned long long)teid());

	tap_ok(lrag(VA + 0x123, &real) == 0 && real == (uint64_t)frame[0] + 0x123,
	       "LRAG: real address 0x%llx", (unsigned long long)real);

	asm volatile("ipte %0,%1" : : "a"(pt_prim), "a"(VA) : "memory");
	p = load_pgm(PGM_PAGE_TRANS, VA, &at, &next);
	ok = pgm_check();
	tap_ok(ok && (pt_prim[0] & PTE_I) && p->old_addr == at,
	       "IPTE: the page is invalid, its translation gone");
	pt_prim[0] = (uint64_t)frame[0];

	/* Secondary space: VA maps to frame 2 there. */
	memset(frame[2], 0, 64);
	static const char msg[] = "to the secondary space";
	mvcos((void *)(VA + 16), msg, sizeof(msg), (0x0081U) << 16);
	tap_ok(memcmp(frame[2] + 16, msg, sizeof(msg)) == 0 &&
	       memcmp((const void *)(frame[0] + 16), msg, sizeof(msg)) != 0,
	       "MVCOS with OAC1 secondary copies into the secondary space");

	char back[sizeof(msg)];
	memset(back, 0, sizeof(back));
	mvcos(back, (void *)(VA + 16), sizeof(msg), 0x0081U);
	tap_ok(memcmp(back, msg, sizeof(msg)) == 0,
	       "MVCOS with OAC2 secondary copies from it");

	sacf(0x100);
	uint64_t s = va[2];
	sacf(0);
	tap_ok(s == *(uint64_t *)(frame[2] + 16),
	       "SACF 256: operands from the secondary space, code from the primary");

	/* Home space through LPSWE. */
	lctlg(13, (uint64_t)seg_sec | ASCE_TL3);
	dat_off();
	{
		uint64_t psw[2] __attribute__((aligned(8)));
		uint64_t r;

		psw[0] = (psw_mask() & ~0x0000300000000000ULL) | PSW_MASK_DAT |
			 (uint64_t)PSW_ASC_HOME << PSW_SHIFT_ASC;
		asm volatile("larl %[r],0f\n stg %[r],%[a]\n lpswe %[p]\n0:"
			     : [r] "=&a"(r), [a] "=Q"(psw[1])
			     : [p] "Q"(psw) : "memory", "cc");
	}
	tap_ok((psw_mask() & (PSW_MASK_DAT | PSW_MASK_ASC)) ==
	       (PSW_MASK_DAT | (uint64_t)PSW_ASC_HOME << PSW_SHIFT_ASC) &&
	       va[2] == *(uint64_t *)(frame[2] + 16),
	       "LPSWE into the home space: CR13 translates");
	sacf(0);
	tap_ok(va[1] == 0x1234567890abcdefULL, "SACF 0: primary again");

	dat_off();
	tap_ok(!(psw_mask() & PSW_MASK_DAT) &&
	       *(volatile uint64_t *)(frame[0] + 8) == 0x1234567890abcdefULL,
	       "STNSM turned DAT off");
	return tap_done();
}
