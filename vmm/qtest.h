/* SPDX-License-Identifier: MIT */
/*
 * The qtest socket: QEMU's device-test line protocol (QEMU
 * docs/devel/testing/qtest.rst, system/qtest.c), a subset, so that device
 * tests drive ports, storage and time without a guest CPU.
 *
 * One client at a time.  Each request is one line of space-separated
 * words; each gets one reply line, "OK [VALUE]" or "FAIL REASON".
 * Numbers are C literals (0x.. hex or decimal).  Interrupt-line changes,
 * once intercepted, arrive as extra lines "IRQ raise N" / "IRQ lower N"
 * before the reply of the request that caused them.
 *
 *   outb|outw|outl PORT VALUE      -> OK            (port-I/O bus)
 *   inb|inw|inl PORT               -> OK 0xVALUE
 *   writeb|w|l|q ADDR VALUE        -> OK            (guest absolute, big-endian)
 *   readb|w|l|q ADDR               -> OK 0xVALUE
 *   read ADDR SIZE                 -> OK 0xHEXBYTES
 *   write ADDR SIZE 0xHEXBYTES     -> OK            (short data: zero fill)
 *   memset ADDR SIZE BYTE          -> OK
 *   clock_step [NS]                -> OK NOW        (no NS: to the next timer)
 *   clock_set NS                   -> OK NOW
 *   irq_intercept_in|out PATH      -> OK            (the port-I/O bus lines)
 *   endianness                     -> OK big
 *
 * The VM runs with -accel qtest: no vCPU thread, and the main loop's clock
 * is virtual, advancing only through clock_step/clock_set, so timers fire
 * at exactly the requested virtual times.  All of this runs on the main
 * loop thread.
 */
#ifndef MINIVMM_QTEST_H
#define MINIVMM_QTEST_H

#include <stddef.h>

struct vm;
struct qtest;

#define QTEST_MAX_LINE		(4u << 20)	/* a write of 2 MiB in hex */
#define QTEST_MAX_RW		(1u << 20)	/* bytes per read/write/memset */

int qtest_create(struct qtest **out, struct vm *vm, char **err);
void qtest_destroy(struct qtest *q);
/* -qtest endpoint (vmm/chardev.h syntax; default: connect to it). */
int qtest_add_endpoint(struct qtest *q, const char *spec, char **err);
/* Serve an already connected fd (replaces a current client). */
int qtest_attach_fd(struct qtest *q, int fd);

#endif
