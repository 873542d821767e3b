/* SPDX-License-Identifier: MIT */
/*
 * The port-I/O bus: a 64 KiB space of I/O ports in which devices (the
 * floppy controller and friends) register ranges with read/write callbacks
 * for 1-, 2- and 4-byte accesses, plus a small set of interrupt lines.
 *
 * s390 has no port I/O; guests reach this bus through a DIAG bridge (the
 * floppy issue), and device tests reach it through the qtest socket
 * (vmm/qtest.c: inb/outb...).  struct vm owns one bus (vm->portio).
 *
 * Semantics follow the ISA bus as QEMU models it: a read of a port no
 * device claims returns all ones (0xff, 0xffff, 0xffffffff), a write there
 * is dropped.  Ranges are registered while the VM is set up and never
 * overlap; accesses do not lock the bus (each device locks its own state
 * when vCPU threads and timers both touch it).
 *
 * Interrupt lines: a device calls portio_set_irq(bus, line, level); the bus
 * passes level changes to one sink (the DIAG bridge's interrupt injector,
 * or qtest's irq_intercept, which reports "IRQ raise N"/"IRQ lower N").
 */
#ifndef MINIVMM_PORTIO_H
#define MINIVMM_PORTIO_H

#include <stdbool.h>
#include <stdint.h>

#define PORTIO_SPACE		0x10000U	/* ports 0..0xffff */
#define PORTIO_MAX_RANGES	64
#define PORTIO_NUM_IRQS		16		/* ISA-style lines 0..15 */

struct portio_bus;

/* size is 1, 2 or 4; port is the accessed port (within the range). */
struct portio_ops {
	const char *name;
	uint32_t (*read)(void *opaque, uint16_t port, unsigned int size);
	void (*write)(void *opaque, uint16_t port, unsigned int size, uint32_t val);
};

typedef void portio_irq_fn(void *opaque, unsigned int line, bool level);

int portio_bus_create(struct portio_bus **out, char **err);
void portio_bus_destroy(struct portio_bus *bus);

/* Claim [base, base+len); -EBUSY on overlap, -EINVAL on a bad range. */
int portio_register(struct portio_bus *bus, uint16_t base, uint32_t len,
		    const struct portio_ops *ops, void *opaque, char **err);
/* Release the range starting at base; -ENOENT when there is none. */
int portio_unregister(struct portio_bus *bus, uint16_t base);

/* An access of size 1, 2 or 4 (other sizes: reads all ones, writes dropped). */
uint32_t portio_read(struct portio_bus *bus, uint16_t port, unsigned int size);
void portio_write(struct portio_bus *bus, uint16_t port, unsigned int size,
		  uint32_t val);
/* The owner of a port, for messages; NULL when unassigned. */
const char *portio_owner(struct portio_bus *bus, uint16_t port);

/* Interrupt lines.  Level changes only reach the sink (repeats do not). */
void portio_set_irq(struct portio_bus *bus, unsigned int line, bool level);
bool portio_irq_level(struct portio_bus *bus, unsigned int line);
/* Install the sink (NULL: none); returns the previous one in *old_fn/opaque. */
void portio_set_irq_sink(struct portio_bus *bus, portio_irq_fn *fn, void *opaque,
			 portio_irq_fn **old_fn, void **old_opaque);

#endif
