/* SPDX-License-Identifier: MIT */
/*
 * Reboot guest: DIAG 0x308 subcode 4 ("load normal": reset and re-IPL,
 * PoP/Linux "diag308") on the first boot.  minivmm then resets the
 * machine and loads this guest again, as QEMU does; a normal reset keeps
 * storage, so a marker word above the image tells the second boot from
 * the first.  The second boot exits 0 (every CPU stopped: minivmm ends
 * with status 0).  With -no-reboot
 * minivmm ends at the DIAG instead (tests/guests/reboot-run.py checks
 * both).
 */
#include "lib/guest.h"

#define MARK_ADDR	0x3000000UL	/* 48 MiB, far above the image */
#define MARK		0x5245424f4f540001ULL	/* "REBOOT" 1 */

static void diag308(unsigned long subcode)
{
	register unsigned long r2 asm("2") = 0;
	register unsigned long r3 asm("3") = subcode;

	asm volatile("diag %0,%1,0x308" : "+d"(r2) : "d"(r3) : "memory", "cc");
}

int main(void)
{
	volatile uint64_t *mark = (volatile uint64_t *)MARK_ADDR;

	if (*mark != MARK) {
		printf("reboot-guest: boot 1\n");
		*mark = MARK;
		diag308(4);
		printf("reboot-guest: DIAG 0x308 returned\n");
		return 1;
	}
	*mark = 0;
	printf("reboot-guest: boot 2\n");
	return 0;
}
