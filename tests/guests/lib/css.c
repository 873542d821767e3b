/* SPDX-License-Identifier: MIT */
/*
 * Guest side of channel I/O: the I/O instructions, subchannel enabling,
 * and running a channel program to its I/O interruption.
 */
#include "virtio.h"

struct io_int io_int;

int stsch(uint32_t schid, void *schib)
{
	register uint64_t r1 asm("1") = schid;
	int cc;

	asm volatile("stsch 0(%[b])\n\tipm %[cc]\n\tsrl %[cc],28"
		     : [cc] "=d"(cc) : "d"(r1), [b] "a"(schib) : "cc", "memory");
	return cc;
}

int msch(uint32_t schid, void *schib)
{
	register uint64_t r1 asm("1") = schid;
	int cc;

	asm volatile("msch 0(%[b])\n\tipm %[cc]\n\tsrl %[cc],28"
		     : [cc] "=d"(cc) : "d"(r1), [b] "a"(schib) : "cc", "memory");
	return cc;
}

int ssch(uint32_t schid, void *orb)
{
	register uint64_t r1 asm("1") = schid;
	int cc;

	asm volatile("ssch 0(%[b])\n\tipm %[cc]\n\tsrl %[cc],28"
		     : [cc] "=d"(cc) : "d"(r1), [b] "a"(orb) : "cc", "memory");
	return cc;
}

int tsch(uint32_t schid, struct irb *irb)
{
	register uint64_t r1 asm("1") = schid;
	int cc;

	asm volatile("tsch 0(%[b])\n\tipm %[cc]\n\tsrl %[cc],28"
		     : [cc] "=d"(cc) : "d"(r1), [b] "a"(irb) : "cc", "memory");
	return cc;
}

static void io_hook(void)
{
	io_int.schid = lc_ld32(LC_SUBCHANNEL_ID);
	io_int.parm = lc_ld32(LC_IO_INT_PARM);
	io_int.word = lc_ld32(LC_IO_INT_WORD);
	if (io_int.word & 0x80000000U)
		io_int.adapter++;
	io_int.count++;
}

void css_init(void)
{
	uint64_t cr6 = 0x80000000ULL >> IO_ISC;

	io_interrupt_hook = io_hook;
	asm volatile("lctlg 6,6,%0" : : "Q"(cr6) : "memory");
}

int css_enable(uint32_t schid)
{
	uint32_t schib[13] __attribute__((aligned(4)));

	if (stsch(schid, schib))
		return -1;
	schib[0] = schid;			/* interruption parameter */
	schib[1] = (schib[1] & ~0x38000000U) | (IO_ISC << 27) | 0x00800000U;
	int cc = msch(schid, schib);
	if (cc == 1) {
		/* Status pending (a notification nobody took): clear it. */
		struct irb irb;

		tsch(schid, &irb);
		cc = msch(schid, schib);
	}
	if (cc)
		return -1;
	stsch(schid, schib);
	return (schib[1] & 0x00800000U) ? 0 : -1;
}

void wait_io(void)
{
	enabled_wait(PSW_MASK_IO);
}

int css_run(uint32_t schid, const void *ccws, uint32_t orb_flags, struct irb *irb)
{
	uint32_t orb[8] __attribute__((aligned(4))) = { 0 };
	int cc;

	orb[0] = schid;
	orb[1] = 0x00800000U | 0x0000ff00U | orb_flags;	/* format 1, LPM */
	orb[2] = (uint32_t)(uintptr_t)ccws;
	int before = io_int.count;
	cc = ssch(schid, orb);
	if (cc == 1) {
		/* Unsolicited status pending (a virtio notification): take
		 * it and start again. */
		tsch(schid, irb);
		before = io_int.count;
		cc = ssch(schid, orb);
	}
	if (cc)
		return cc;
	/* The interruption for this subchannel; others (adapter ones) are
	 * just counted. */
	for (;;) {
		while (io_int.count == before)
			wait_io();
		before = io_int.count;
		if (io_int.schid == schid && !(io_int.word & 0x80000000U))
			break;
	}
	tsch(schid, irb);
	return 0;
}
