/* SPDX-License-Identifier: MIT */
/*
 * A kselftest-style TAP producer (TAP version 13), for host-side tests.
 *
 *   ksft_print_header();
 *   ksft_set_plan(N);
 *   ksft_test_result(cond, "name %d\n", i);      // ok / not ok
 *   ksft_test_result_skip("why\n");              // ok N # SKIP why
 *   ksft_exit_skip("no /dev/kvm\n");             // 1..0 # SKIP, whole test
 *   return ksft_finished();                      // exit status
 *
 * A test that exits with fewer or more results than planned fails.
 */
#ifndef MINIVMM_KSFT_H
#define MINIVMM_KSFT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

struct ksft_counts {
	unsigned int pass, fail, skip, planned, num;
};
static struct ksft_counts ksft_cnt;

static inline void ksft_print_header(void)
{
	printf("TAP version 13\n");
	fflush(stdout);
}

static inline void ksft_set_plan(unsigned int n)
{
	ksft_cnt.planned = n;
	printf("1..%u\n", n);
	fflush(stdout);
}

static inline void ksft_print_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static inline void ksft_vresult(const char *status, const char *directive,
				const char *fmt, va_list ap)
{
	ksft_cnt.num++;
	printf("%s %u ", status, ksft_cnt.num);
	if (directive)
		printf("%s", directive);
	vprintf(fmt, ap);
	fflush(stdout);
}

static inline void ksft_test_result(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void ksft_test_result(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (cond)
		ksft_cnt.pass++;
	else
		ksft_cnt.fail++;
	ksft_vresult(cond ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
}

#define ksft_test_result_pass(...) ksft_test_result(1, __VA_ARGS__)
#define ksft_test_result_fail(...) ksft_test_result(0, __VA_ARGS__)

static inline void ksft_test_result_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void ksft_test_result_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ksft_cnt.skip++;
	ksft_vresult("ok", "# SKIP ", fmt, ap);
	va_end(ap);
}

static inline __attribute__((noreturn)) void ksft_exit_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline __attribute__((noreturn)) void ksft_exit_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (ksft_cnt.planned == 0 && ksft_cnt.num == 0)
		printf("1..0 # SKIP ");
	else
		printf("# SKIP ");
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(ksft_cnt.fail ? KSFT_FAIL : 0);
}

static inline __attribute__((noreturn)) void ksft_exit_fail_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline __attribute__((noreturn)) void ksft_exit_fail_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("Bail out! ");
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(KSFT_FAIL);
}

static inline int ksft_finished(void)
{
	if (ksft_cnt.num != ksft_cnt.planned) {
		printf("# planned %u tests but ran %u\n", ksft_cnt.planned,
		       ksft_cnt.num);
		return KSFT_FAIL;
	}
	printf("# Totals: pass:%u fail:%u skip:%u\n", ksft_cnt.pass,
	       ksft_cnt.fail, ksft_cnt.skip);
	return ksft_cnt.fail ? KSFT_FAIL : KSFT_PASS;
}

#endif
