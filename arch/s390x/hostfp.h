/* SPDX-License-Identifier: MIT */
/*
 * The host's floating-point environment around one emulated BFP
 * operation: set the rounding mode, clear the exception flags, run the
 * host operation, read the flags it raised, restore.
 *
 * <fenv.h> does this portably, but on x86_64 glibc's feclearexcept() and
 * fetestexcept() also save and reload the whole x87 environment, which
 * cost more than the arithmetic itself.  Scalar double and float math on
 * x86_64 is SSE, whose rounding mode and flags live in MXCSR alone, and
 * MXCSR's flag bits and rounding field are the FE_* values (flags) and
 * FE_* << 3 (rounding), so there the three steps are an STMXCSR and an
 * LDMXCSR each.
 */
#ifndef MINIVMM_HOSTFP_H
#define MINIVMM_HOSTFP_H

#include <fenv.h>

#if defined(__x86_64__) && defined(__SSE2_MATH__)

#define MXCSR_FLAGS	0x003fU
#define MXCSR_RC	0x6000U

/* LDMXCSR is slow (it serializes the SSE unit): only write MXCSR when
 * its rounding mode or flags differ from what the operation needs. */
static inline unsigned int hostfp_enter(int fe_round)
{
	unsigned int saved = __builtin_ia32_stmxcsr();
	unsigned int want = (saved & ~(MXCSR_RC | MXCSR_FLAGS)) |
			    ((unsigned int)fe_round << 3);

	if (want != saved)
		__builtin_ia32_ldmxcsr(want);
	return saved;
}

static inline int hostfp_raised(void)
{
	return (int)(__builtin_ia32_stmxcsr() & FE_ALL_EXCEPT);
}

/* Back to the caller's rounding mode, with the flags cleared (nothing
 * else in minivmm reads them), so the next hostfp_enter() in the common
 * round-to-nearest case finds MXCSR as it needs it. */
static inline void hostfp_leave(unsigned int saved)
{
	unsigned int clean = saved & ~MXCSR_FLAGS;

	if (__builtin_ia32_stmxcsr() != clean)
		__builtin_ia32_ldmxcsr(clean);
}

#else

static inline unsigned int hostfp_enter(int fe_round)
{
	unsigned int saved = (unsigned int)fegetround();

	fesetround(fe_round);
	feclearexcept(FE_ALL_EXCEPT);
	return saved;
}

static inline int hostfp_raised(void)
{
	return fetestexcept(FE_ALL_EXCEPT);
}

static inline void hostfp_leave(unsigned int saved)
{
	fesetround((int)saved);
}

#endif
#endif
