/* SPDX-License-Identifier: MIT */
/*
 * Shared by the host-side runners of guest tests (virtio-run.c,
 * floppy-run.c, net-run.c).
 */
#ifndef MINIVMM_GUEST_RUNNER_H
#define MINIVMM_GUEST_RUNNER_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ksft.h"

/*
 * Pass the guest's TAP output through as comments; true when its plan was
 * complete and every check passed.  planned/oks (either may be NULL) get
 * the plan (-1 if none) and the number of passed checks.
 */
static inline bool guest_verdict(const char *out, int *planned_out,
				 int *oks_out)
{
	int planned = -1, oks = 0, bad = 0;
	const char *p = out;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		ksft_print_msg("guest: %.*s\n", len, p);
		if (!strncmp(p, "1..", 3))
			planned = atoi(p + 3);
		else if (!strncmp(p, "ok ", 3))
			oks++;
		else if (!strncmp(p, "not ok ", 7))
			bad++;
		p += len + (nl ? 1 : 0);
	}
	if (planned_out)
		*planned_out = planned;
	if (oks_out)
		*oks_out = oks;
	return planned > 0 && oks == planned && !bad;
}

/* The whole file at path as a malloc'ed string ("" if it cannot be read). */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return strdup("");
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return strdup("");
	}
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

#endif
