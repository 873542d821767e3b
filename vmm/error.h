/* SPDX-License-Identifier: MIT */
/*
 * The one error convention: functions return 0 (or a count) on success and
 * -errno on failure, and set an optional char **err to a malloc'ed
 * message that the caller prints and frees.
 */
#ifndef MINIVMM_ERROR_H
#define MINIVMM_ERROR_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static inline void error_setf(char **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void error_setf(char **err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	if (vasprintf(err, fmt, ap) < 0)
		*err = NULL;
	va_end(ap);
}

#endif
