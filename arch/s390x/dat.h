/* SPDX-License-Identifier: MIT */
/*
 * Dynamic address translation of the software CPU (PoP chapter 3,
 * "Dynamic Address Translation"): the table walk, the address spaces an
 * access uses, and the TLB address-space tags.
 *
 * Table formats (bit numbers as in the PoP, bit 0 the leftmost of 64):
 *
 *   ASCE          0-51 table origin, 54 G, 55 P (private space),
 *                 56 S, 57 X, 58 R (real space), 60-61 DT, 62-63 TL
 *   region entry  0-51 next-table origin, 56-57 TF, 58 I, 60-61 TT, 62-63 TL
 *   segment entry 0-52 page-table origin, 53 FC, 54 P, 58 I, 59 C, 60-61 TT
 *   page entry    0-51 frame real address, 52 (must be 0), 53 I, 54 P
 *
 * Region and segment tables have 512 entries per 4K of table length
 * (TL + 1 units); page tables have 256 entries.  Table entries are
 * fetched as absolute addresses ("unpredictably real or absolute"; no
 * table lives in a prefix area).  Enhanced DAT (FC, 1M/2G frames) is not
 * implemented, and not reported in the facility list: FC and the region
 * P bit are ignored, as on a machine without EDAT.
 */
#ifndef MINIVMM_DAT_H
#define MINIVMM_DAT_H

#include <stdbool.h>
#include <stdint.h>

#define ASCE_ORIGIN		0xFFFFFFFFFFFFF000ULL
#define ASCE_PRIVATE		0x0000000000000100ULL	/* bit 55 */
#define ASCE_REAL		0x0000000000000020ULL	/* bit 58 */
#define ASCE_DT			0x000000000000000CULL	/* bits 60-61 */
#define ASCE_TL			0x0000000000000003ULL	/* bits 62-63 */
#define ASCE_DT_REGION1		0x000000000000000CULL
#define ASCE_DT_REGION2		0x0000000000000008ULL
#define ASCE_DT_REGION3		0x0000000000000004ULL
#define ASCE_DT_SEGMENT		0x0000000000000000ULL

#define REGION_ORIGIN		0xFFFFFFFFFFFFF000ULL
#define REGION_TF		0x00000000000000C0ULL	/* bits 56-57 */
#define REGION_I		0x0000000000000020ULL	/* bit 58 */
#define REGION_TT		0x000000000000000CULL	/* bits 60-61 */
#define REGION_TL		0x0000000000000003ULL

#define SEGMENT_ORIGIN		0xFFFFFFFFFFFFF800ULL
#define SEGMENT_P		0x0000000000000200ULL	/* bit 54 */
#define SEGMENT_I		0x0000000000000020ULL	/* bit 58 */
#define SEGMENT_C		0x0000000000000010ULL	/* bit 59 */
#define SEGMENT_TT		0x000000000000000CULL

#define PAGE_ORIGIN		0xFFFFFFFFFFFFF000ULL
#define PAGE_BIT52		0x0000000000000800ULL
#define PAGE_I			0x0000000000000400ULL	/* bit 53 */
#define PAGE_P			0x0000000000000200ULL	/* bit 54 */

/* Translation-exception identification (PoP "Translation-Exception
 * Identification"): bits 0-51 the page address, bit 61 "DAT protection"
 * for protection exceptions, bits 62-63 the address space (00 primary,
 * 01 access-register, 10 secondary, 11 home: the PSW ASC encoding). */
#define TEID_DAT_PROT		0x4ULL

/* The outcome of one walk through the tables. */
struct dat_walk {
	uint64_t frame;		/* real address of the 4K frame */
	bool prot;		/* DAT protection (segment or page P bit) */
	uint64_t entry;		/* absolute address of the last entry read */
	bool invalid;		/* the exception is that entry's I bit */
};

/*
 * Translate virtual address va through the tables asce designates, in
 * storage mem[0, mem_size).  Returns 0, or the program-interruption code
 * of the translation exception (ASCE-type, region-first/second/third,
 * segment or page translation, translation specification, addressing for
 * a table entry outside storage).  Pure: used by the software CPU and by
 * userspace handlers of intercepted instructions alike.
 */
int dat_walk(const uint8_t *mem, uint64_t mem_size, uint64_t asce,
	     uint64_t va, struct dat_walk *w);

struct s390_cpu;
enum cpu_access;

/* The ASCE address space `as` (PSW_ASC_*) uses: CR1 primary, CR7
 * secondary, CR13 home.  Access-register mode: see dat.c. */
uint64_t dat_asce(const struct s390_cpu *cpu, unsigned int as);
/* The address space an access of type acc uses in the current PSW:
 * instructions come from the home space in the home mode, else from the
 * primary space (PoP "Address-Space Control"). */
unsigned int dat_access_space(const struct s390_cpu *cpu, enum cpu_access acc);
/*
 * Translate logical address addr of address space `as` for access acc.
 * Returns the real address; raises the translation exception, or the
 * DAT-protection exception for a store, as a program interruption.
 */
uint64_t dat_translate(struct s390_cpu *cpu, uint64_t addr, unsigned int as,
		       enum cpu_access acc);
/*
 * The TLB tag bits (0 for real addresses, 1..SOFT_TLB_SPACES for a
 * translated address space) of the address space `asce` designates; a new
 * ASCE takes the oldest tag not in use and drops its TLB entries.
 */
uint64_t dat_space_tag(struct s390_cpu *cpu, uint64_t asce);
/* TEST PROTECTION with DAT on: the real address of addr in the current
 * space and whether it is DAT protected; false when no translation is
 * available (region, segment or page invalid: TPROT cc 3).  Other
 * translation exceptions are program interruptions. */
bool dat_tprot(struct s390_cpu *cpu, uint64_t addr, uint64_t *real, bool *prot);
/*
 * Move len (at most 4096) bytes from src, accessed in address space
 * src_as with access key src_key, to dst in dst_as with dst_key (MVCOS).
 * Every access exception of either operand is recognized before any byte
 * is stored; operands that overlap are moved as if through a buffer.
 */
void dat_move(struct s390_cpu *cpu, uint64_t dst, unsigned int dst_as,
	      unsigned int dst_key, uint64_t src, unsigned int src_as,
	      unsigned int src_key, uint64_t len);
/* Recompute cpu->tlb_space[] after a PSW or control-register change. */
void dat_space_update(struct s390_cpu *cpu);

#endif
