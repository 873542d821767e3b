/* SPDX-License-Identifier: MIT */
/*
 * The port-I/O bus (see portio.h): a small table of port ranges, looked up
 * linearly (a few devices), and the interrupt-line levels.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/portio.h"
#include "vmm/error.h"

struct portio_range {
	uint32_t base, len;		/* len 0: free slot */
	const struct portio_ops *ops;
	void *opaque;
};

struct portio_bus {
	struct portio_range ranges[PORTIO_MAX_RANGES];
	/* Lines and their sink can be touched by vCPU threads and the loop. */
	pthread_mutex_t irq_lock;
	bool irq_level[PORTIO_NUM_IRQS];
	portio_irq_fn *irq_fn;
	void *irq_opaque;
};

int portio_bus_create(struct portio_bus **out, char **err)
{
	struct portio_bus *bus = calloc(1, sizeof(*bus));

	*out = NULL;
	if (!bus) {
		error_setf(err, "portio: out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&bus->irq_lock, NULL);
	*out = bus;
	return 0;
}

void portio_bus_destroy(struct portio_bus *bus)
{
	if (!bus)
		return;
	pthread_mutex_destroy(&bus->irq_lock);
	free(bus);
}

static struct portio_range *lookup(struct portio_bus *bus, uint16_t port)
{
	for (size_t i = 0; i < PORTIO_MAX_RANGES; i++) {
		struct portio_range *r = &bus->ranges[i];

		if (r->len && port >= r->base && port - r->base < r->len)
			return r;
	}
	return NULL;
}

int portio_register(struct portio_bus *bus, uint16_t base, uint32_t len,
		    const struct portio_ops *ops, void *opaque, char **err)
{
	struct portio_range *slot = NULL;
	const char *name = ops && ops->name ? ops->name : "?";

	if (!ops || !ops->read || !ops->write || len == 0 ||
	    len > PORTIO_SPACE - base) {
		error_setf(err, "portio: %s: bad range 0x%x+0x%x", name,
			   (unsigned int)base, (unsigned int)len);
		return -EINVAL;
	}
	for (size_t i = 0; i < PORTIO_MAX_RANGES; i++) {
		struct portio_range *r = &bus->ranges[i];

		if (!r->len) {
			if (!slot)
				slot = r;
			continue;
		}
		if (base < r->base + r->len && r->base < base + len) {
			error_setf(err, "portio: %s: ports 0x%x-0x%x overlap %s",
				   name, (unsigned int)base,
				   (unsigned int)(base + len - 1),
				   r->ops->name ? r->ops->name : "?");
			return -EBUSY;
		}
	}
	if (!slot) {
		error_setf(err, "portio: %s: more than %d ranges", name,
			   PORTIO_MAX_RANGES);
		return -ENOSPC;
	}
	slot->base = base;
	slot->len = len;
	slot->ops = ops;
	slot->opaque = opaque;
	return 0;
}

int portio_unregister(struct portio_bus *bus, uint16_t base)
{
	for (size_t i = 0; i < PORTIO_MAX_RANGES; i++) {
		struct portio_range *r = &bus->ranges[i];

		if (r->len && r->base == base) {
			memset(r, 0, sizeof(*r));
			return 0;
		}
	}
	return -ENOENT;
}

static bool size_ok(unsigned int size)
{
	return size == 1 || size == 2 || size == 4;
}

uint32_t portio_read(struct portio_bus *bus, uint16_t port, unsigned int size)
{
	struct portio_range *r = lookup(bus, port);
	uint32_t ones = size >= 4 ? 0xffffffffU : (1U << (8 * size)) - 1;

	if (!size_ok(size))
		return 0xffffffffU;
	/* Unassigned ports float high, as on ISA. */
	if (!r)
		return ones;
	return r->ops->read(r->opaque, port, size) & ones;
}

void portio_write(struct portio_bus *bus, uint16_t port, unsigned int size,
		  uint32_t val)
{
	struct portio_range *r = lookup(bus, port);

	if (!r || !size_ok(size))
		return;
	if (size < 4)
		val &= (1U << (8 * size)) - 1;
	r->ops->write(r->opaque, port, size, val);
}

const char *portio_owner(struct portio_bus *bus, uint16_t port)
{
	struct portio_range *r = lookup(bus, port);

	return r ? r->ops->name : NULL;
}

void portio_set_irq(struct portio_bus *bus, unsigned int line, bool level)
{
	portio_irq_fn *fn;
	void *opaque;

	if (line >= PORTIO_NUM_IRQS)
		return;
	pthread_mutex_lock(&bus->irq_lock);
	if (bus->irq_level[line] == level) {
		pthread_mutex_unlock(&bus->irq_lock);
		return;
	}
	bus->irq_level[line] = level;
	fn = bus->irq_fn;
	opaque = bus->irq_opaque;
	pthread_mutex_unlock(&bus->irq_lock);
	if (fn)
		fn(opaque, line, level);
}

bool portio_irq_level(struct portio_bus *bus, unsigned int line)
{
	bool level;

	if (line >= PORTIO_NUM_IRQS)
		return false;
	pthread_mutex_lock(&bus->irq_lock);
	level = bus->irq_level[line];
	pthread_mutex_unlock(&bus->irq_lock);
	return level;
}

void portio_set_irq_sink(struct portio_bus *bus, portio_irq_fn *fn, void *opaque,
			 portio_irq_fn **old_fn, void **old_opaque)
{
	pthread_mutex_lock(&bus->irq_lock);
	if (old_fn)
		*old_fn = bus->irq_fn;
	if (old_opaque)
		*old_opaque = bus->irq_opaque;
	bus->irq_fn = fn;
	bus->irq_opaque = opaque;
	pthread_mutex_unlock(&bus->irq_lock);
}
