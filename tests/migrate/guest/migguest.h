/* SPDX-License-Identifier: MIT */
/*
 * The handshake of the continuity guests (migblk.c, migfloppy.c) with
 * their host-side runner (continuity.c): the guest stops at a chosen
 * point, prints "<name> ready" and waits for a line "go" on the SCLP
 * console; the runner saves the VM on seeing "ready" (QMP migrate), then
 * types "go" until the guest answers "<name> go".  The destination is
 * restored inside this wait and gets its own "go" (or "go-quiet").  Everything the guest
 * checks is printed after "go" (with the TAP plan last), so the source's
 * and the destination's outputs are each a whole TAP stream.
 */
#ifndef MIGGUEST_H
#define MIGGUEST_H

#include "lib/guest.h"

#define MIGGUEST_WAIT_S	120	/* bound on every wait, TOD seconds */

static inline uint64_t migguest_deadline(void)
{
	return stck() + ((uint64_t)MIGGUEST_WAIT_S * 1000000ULL << 12);
}

static inline bool migguest_has_nl(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\n')
			return true;
	return false;
}

/*
 * Print "<name> ready", wait (bounded) for "go": 0 on timeout, 1 for
 * "go", 2 for "go-quiet" (the runner's word to a destination whose
 * device must carry on without the guest's help, e.g. no new notify).
 */
static inline int migguest_stop_here(const char *name)
{
	uint64_t deadline = migguest_deadline();
	char line[64];
	size_t len = 0;

	printf("%s ready\n", name);
	while (stck() < deadline) {
		size_t n = sclp_read(line + len, sizeof(line) - 1 - len, 100000);

		len += n;
		line[len] = '\0';
		/* A whole line that starts with "go". */
		for (size_t i = 0; i + 1 < len; i++)
			if ((i == 0 || line[i - 1] == '\n') && line[i] == 'g' &&
			    line[i + 1] == 'o' && migguest_has_nl(line + i, len - i)) {
				bool quiet = !strncmp(line + i, "go-quiet", 8);

				printf("%s go\n", name);
				return quiet ? 2 : 1;
			}
		if (len > sizeof(line) / 2)
			len = 0;	/* only "go" lines come */
	}
	printf("%s: no go within %d s\n", name, MIGGUEST_WAIT_S);
	return 0;
}

#endif
