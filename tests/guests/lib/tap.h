/* SPDX-License-Identifier: MIT */
/*
 * TAP for the guests (and for the Linux user build of the CPU self-test):
 * the guest prints the plan, one line per check, and exits 0 when every
 * check passed, 1 otherwise.  Messages are printed with the result so that
 * two runs can be compared line by line.
 */
#ifndef GUEST_TAP_H
#define GUEST_TAP_H

#include <stdarg.h>

static int tap_n, tap_failed;

static inline void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
}

__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d %s\n", cond ? "" : "not ", tap_n, msg);
	return cond;
}

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# %s\n", msg);
}

static inline int tap_done(void)
{
	if (tap_failed)
		printf("# %d of %d checks failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

#endif
