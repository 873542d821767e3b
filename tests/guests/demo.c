/* SPDX-License-Identifier: MIT */
/*
 * The demo guest (scripts/demo): a greeting, then what the machine says
 * about itself: CPU address (STAP), CPU id (STIDP), the number of CPUs
 * (SIGP SENSE), the storage size (SCLP READ SCP INFO) and the TOD clock.
 */
#include "lib/guest.h"

int main(void)
{
	uint64_t tod = stck();

	if (sclp_init())
		return 2;
	printf("Hello from an s390x guest on minivmm!\n");
	printf("CPU address %u of %d, CPU id %016llx, memory %llu MiB\n",
	       stap(), smp_count_cpus(), (unsigned long long)stidp(),
	       (unsigned long long)(sclp_memory_size() >> 20));
	/* TOD bit 51 is one microsecond. */
	printf("TOD clock %016llx (%llu s since 1900)\n",
	       (unsigned long long)tod,
	       (unsigned long long)((tod >> 12) / 1000000));
	return 0;
}
