/* SPDX-License-Identifier: MIT */
/*
 * The freestanding s390x test-guest runtime: what start.S, sclp.c, irq.c,
 * smp.c, printf.c and string.c provide to the guests.
 *
 * The guests run with DAT off in 64-bit addressing mode, in supervisor
 * state, with every interruption class masked except while they wait
 * (enabled_wait()).  Each CPU has its own prefix area (lowcore), so the
 * fixed lowcore addresses below are per-CPU real addresses.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "arch/s390x/s390.h"

#define PAGE_SIZE	4096
#define MAX_CPUS	8
/* Lowcore bytes the runtime uses for itself (free for programming use). */
#define LC_SAVE_AREA	0x200	/* 16 GPRs saved by the interruption stubs */
#define LC_RETURN_PSW	0x280	/* PSW the stubs load to resume */

/* Everything an interruption stub saved; a handler may change it. */
struct regs {
	uint64_t gprs[16];
	uint64_t psw_mask;
	uint64_t psw_addr;
	uint64_t fprs[16];
	uint64_t fpc;
};

/* ---- lowcore access (real addresses, DAT is off) ------------------- */
static inline uint16_t lc_ld16(unsigned long off)
{
	return *(volatile uint16_t *)off;
}
static inline uint32_t lc_ld32(unsigned long off)
{
	return *(volatile uint32_t *)off;
}
static inline uint64_t lc_ld64(unsigned long off)
{
	return *(volatile uint64_t *)off;
}
static inline void lc_st64(unsigned long off, uint64_t v)
{
	*(volatile uint64_t *)off = v;
}

/* ---- instructions --------------------------------------------------- */
static inline uint16_t stap(void)
{
	uint16_t a;

	asm volatile("stap %0" : "=Q"(a));
	return a;
}

static inline uint64_t stck(void)
{
	uint64_t t;
	int cc;

	asm volatile("stck %1\n ipm %0\n srl %0,28" : "=d"(cc), "=Q"(t) : : "cc");
	(void)cc;
	return t;
}

static inline void sckc(uint64_t v)
{
	asm volatile("sckc %0" : : "Q"(v));
}

static inline uint64_t stckc(void)
{
	uint64_t v;

	asm volatile("stckc %0" : "=Q"(v));
	return v;
}

static inline void spt(int64_t v)
{
	asm volatile("spt %0" : : "Q"(v));
}

static inline int64_t stpt(void)
{
	int64_t v;

	asm volatile("stpt %0" : "=Q"(v));
	return v;
}

static inline uint64_t stctg0(void)
{
	uint64_t v;

	asm volatile("stctg 0,0,%0" : "=QS"(v));
	return v;
}

static inline void lctlg0(uint64_t v)
{
	asm volatile("lctlg 0,0,%0" : : "QS"(v) : "memory");
}

static inline void ctl0_set(uint64_t bits)
{
	lctlg0(stctg0() | bits);
}

static inline void ctl0_clear(uint64_t bits)
{
	lctlg0(stctg0() & ~bits);
}

static inline uint64_t stidp(void)
{
	uint64_t v;

	asm volatile("stidp %0" : "=Q"(v));
	return v;
}

/* Current PSW mask (EPSW). */
static inline uint64_t psw_mask(void)
{
	uint32_t hi, lo;

	asm volatile("epsw %0,%1" : "=d"(hi), "=d"(lo));
	return (uint64_t)hi << 32 | lo;
}

static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

/* ---- start.S -------------------------------------------------------- */
void enabled_wait(uint64_t extra_mask);	/* wait for one interruption */
void disabled_wait(uint64_t code) __attribute__((noreturn));
void secondary_entry(void);
extern char _start[], _end[], __bss_start[], __bss_end[];
extern uint64_t cpu_stack_top[MAX_CPUS];
int main(void);

/* ---- exit ----------------------------------------------------------- */
/*
 * exit(0) stops every CPU (the VMM ends with status 0); a non-zero code
 * loads a disabled-wait PSW whose instruction address is the code.
 */
void exit(int code) __attribute__((noreturn));

/* ---- sclp.c ----------------------------------------------------------- */
int sclp_init(void);
void sclp_write(const char *buf, size_t len);
/* Reads console input; waits up to max_wait_us (0: poll once). */
size_t sclp_read(char *buf, size_t len, uint64_t max_wait_us);
/* Storage size from READ SCP INFO, 0 when unknown. */
uint64_t sclp_memory_size(void);
/* Issue SERVC and wait for its completion; returns the response code. */
int sclp_service_call(uint32_t cmd, void *sccb);
extern volatile uint32_t sclp_ext_param;
extern volatile int sclp_ext_pending;

/* ---- printf.c --------------------------------------------------------- */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int puts(const char *s);
int putchar(int c);

/* ---- string.c --------------------------------------------------------- */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- irq.c ------------------------------------------------------------ */
/*
 * Expecting a program interruption: expect_pgm(code, resume) arms the
 * handler; when the interruption comes it records code, ILC and old PSW
 * and continues at `resume` (supervisor state, same mask as when armed)
 * or, with resume 0, at the old PSW.  pgm_check() returns whether exactly
 * the expected code happened and disarms.
 */
struct pgm_info {
	volatile int expected;		/* code armed, -1: none */
	volatile int count;		/* interruptions while armed */
	volatile uint16_t code;
	volatile uint16_t ilc;		/* in bytes: 0, 2, 4 or 6 */
	volatile uint64_t old_mask;
	volatile uint64_t old_addr;
	volatile uint64_t resume;
};
extern struct pgm_info pgm_info[MAX_CPUS];
void expect_pgm(int code, uint64_t resume);
bool pgm_check(void);
struct pgm_info *this_pgm(void);

/* External interruptions seen per CPU, by kind. */
struct ext_info {
	volatile int clock_comp;
	volatile int cpu_timer;
	volatile int emergency;
	volatile int external_call;
	volatile int service;
	volatile int virtio;		/* code 0x2603 (port-I/O bridge) */
	volatile uint16_t last_code;
	volatile uint16_t last_cpu;	/* source CPU of emerg/ext call */
	volatile uint64_t last_old_addr;
	volatile uint64_t tod_at_ckc;	/* TOD when the clock comparator hit */
};
extern struct ext_info ext_info[MAX_CPUS];

struct svc_info {
	volatile int count;
	volatile uint16_t code;
	volatile uint16_t ilc;
	volatile uint64_t old_addr;
	volatile uint64_t old_mask;
};
extern struct svc_info svc_info[MAX_CPUS];
/* Called for an I/O interruption (lowcore 0xB8-0xC3 hold its code);
 * NULL: an I/O interruption is fatal. */
extern void (*io_interrupt_hook)(void);
/* Called for external interruption code 0x2603 with its parameter
 * (lowcore 0x80); NULL: that interruption is fatal. */
extern void (*ext_virtio_hook)(uint32_t param);

/* ---- smp.c ------------------------------------------------------------ */
/* Returns the condition code; *status gets R1 when the CC is 1. */
int sigp(uint16_t cpu, uint8_t order, uint64_t param, uint32_t *status);
/* Start CPU `cpu` (prefix set to a private lowcore) running fn(arg). */
int smp_start_cpu(uint16_t cpu, void (*fn)(void *), void *arg);
/* Stop the calling CPU. */
void cpu_stop_self(void) __attribute__((noreturn));
/* Counts configured CPUs by SIGP SENSE on addresses 0..MAX_CPUS-1. */
int smp_count_cpus(void);
void smp_secondary_main(void);
extern uint8_t cpu_lowcores[MAX_CPUS][2 * PAGE_SIZE];

#endif
