/* SPDX-License-Identifier: MIT */
/*
 * Guest side of minivmm's port-I/O bridge (devices/pio-bridge.h, README
 * "Floppy and the port-I/O bridge"): DIAG 0x0F10 with the function in
 * GR1 and operands in GR2-GR4, the result in GR2 (and GR3 for QUERY).
 *
 * Interrupt lines are delivered as floating external interruptions with
 * code 0x2603 (EXT_VIRTIO) and parameter 0x50490000 | line, taken only
 * with CR0 bit 54 (service-signal subclass) on.  pio_irq_init() installs
 * the handler that counts them per line; pio_wait_irq() waits for the
 * next one with a bound.
 */
#ifndef GUEST_PIO_H
#define GUEST_PIO_H

#include "guest.h"

#define PIO_FN_IN		0
#define PIO_FN_OUT		1
#define PIO_FN_LEVELS		2
#define PIO_FN_ENABLE		3
#define PIO_FN_QUERY		4
#define PIO_MAGIC		0x50494f31u	/* "PIO1" */
#define PIO_IRQ_PARAM_HI	0x5049u		/* parameter bits 0-15 */
#define PIO_LINES		16

/* One DIAG 0x0F10: returns GR2 afterwards; *gr3 (may be NULL) gets GR3. */
int64_t pio_diag(uint64_t fn, uint64_t gr2, uint64_t gr3, uint64_t gr4,
		 uint64_t *gr3_out);

/* Port access of 1, 2 or 4 bytes. */
uint32_t pio_in(uint16_t port, unsigned int size);
void pio_out(uint16_t port, unsigned int size, uint32_t val);
static inline uint8_t inb(uint16_t port) { return (uint8_t)pio_in(port, 1); }
static inline void outb(uint16_t port, uint8_t v) { pio_out(port, 1, v); }

/* Bit n set: line n is high (function 2). */
uint32_t pio_levels(void);
/* Set the mask of lines that interrupt; returns the previous mask or
 * a negative errno. */
int64_t pio_enable(uint32_t mask);

/* What the handler saw. */
struct pio_irq_info {
	volatile int count[PIO_LINES];	/* interruptions per line */
	volatile int other;		/* 0x2603 with a foreign parameter */
	volatile uint32_t last_param;
	volatile uint16_t last_cpu_addr;	/* lowcore 0x84 */
	volatile uint64_t last_param64;		/* lowcore 0x11b8 */
};
extern struct pio_irq_info pio_irq;

/* Install the 0x2603 handler (lib/irq.c ext_virtio_hook). */
void pio_irq_init(void);
/*
 * Wait until line's interruption count differs from *seen (at most
 * max_us microseconds of TOD time), then set *seen to the count.  True
 * when an interruption came.  Interruptions taken earlier (e.g. while
 * the SCLP console waited with the same mask) are counted, not lost.
 */
bool pio_wait_irq(unsigned int line, int *seen, uint64_t max_us);

#endif
