/* SPDX-License-Identifier: MIT */
/*
 * The port-I/O bridge (see pio-bridge.h for the guest interface).
 *
 * The bridge is the port-I/O bus's interrupt sink: a line that rises
 * while enabled becomes one floating KVM_S390_INT_VIRTIO interruption
 * through vm->ops->floating_irq(), the same call on the KVM and the
 * software backend.  The qtest socket may install itself as the sink
 * instead (device tests); it gives the bridge back when it goes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "devices/pio-bridge.h"
#include "devices/portio.h"
#include "migrate/vmstate.h"
#include "vmm/error.h"
#include "vmm/vm.h"

struct pio_bridge {
	struct vm *vm;
	pthread_mutex_t lock;
	/* Guest-visible (migrated with the bus): the enabled lines. */
	uint32_t enabled;
	/* Statistics, not migrated. */
	uint64_t injected, dropped;
};

static void irq_sink(void *opaque, unsigned int line, bool level)
{
	struct pio_bridge *b = opaque;
	struct kvm_s390_interrupt irq = {
		.type = KVM_S390_INT_VIRTIO,
		.parm = PIO_IRQ_PARAM(line),
		.parm64 = 0,
	};
	bool on;

	pthread_mutex_lock(&b->lock);
	on = level && line < PORTIO_NUM_IRQS && (b->enabled & (1u << line));
	pthread_mutex_unlock(&b->lock);
	if (!on)
		return;
	if (b->vm->ops->floating_irq(b->vm, &irq) < 0)
		b->dropped++;	/* queue full: the level is still readable */
	else
		b->injected++;
}

void pio_bridge_diag(struct pio_bridge *b, struct pio_diag_regs *r)
{
	struct portio_bus *bus = b->vm->portio;
	uint64_t port = r->gr2, size = r->gr3;
	uint32_t levels = 0;

	switch (r->gr1) {
	case PIO_FN_IN:
	case PIO_FN_OUT:
		if (port > 0xffff || (size != 1 && size != 2 && size != 4)) {
			r->gr2 = (uint64_t)(int64_t)-EINVAL;
			return;
		}
		if (r->gr1 == PIO_FN_IN) {
			r->gr2 = portio_read(bus, (uint16_t)port, (unsigned int)size);
		} else {
			portio_write(bus, (uint16_t)port, (unsigned int)size,
				     (uint32_t)r->gr4);
			r->gr2 = 0;
		}
		return;
	case PIO_FN_LEVELS:
		for (unsigned int i = 0; i < PORTIO_NUM_IRQS; i++)
			if (portio_irq_level(bus, i))
				levels |= 1u << i;
		r->gr2 = levels;
		return;
	case PIO_FN_ENABLE:
		if (r->gr2 >> PORTIO_NUM_IRQS) {
			r->gr2 = (uint64_t)(int64_t)-EINVAL;
			return;
		}
		pthread_mutex_lock(&b->lock);
		levels = b->enabled;
		b->enabled = (uint32_t)r->gr2;
		pthread_mutex_unlock(&b->lock);
		r->gr2 = levels;
		return;
	case PIO_FN_QUERY:
		r->gr2 = PIO_BRIDGE_MAGIC;
		r->gr3 = PORTIO_NUM_IRQS;
		return;
	default:
		r->gr2 = (uint64_t)(int64_t)-ENOSYS;
		return;
	}
}

void pio_bridge_reset(struct pio_bridge *b)
{
	pthread_mutex_lock(&b->lock);
	b->enabled = 0;
	pthread_mutex_unlock(&b->lock);
}

int pio_bridge_create(struct pio_bridge **out, struct vm *vm, char **err)
{
	struct pio_bridge *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (!b) {
		error_setf(err, "pio-bridge: out of memory");
		return -ENOMEM;
	}
	b->vm = vm;
	pthread_mutex_init(&b->lock, NULL);
	portio_set_irq_sink(vm->portio, irq_sink, b, NULL, NULL);
	*out = b;
	return 0;
}

void pio_bridge_destroy(struct pio_bridge *b)
{
	portio_irq_fn *fn;
	void *opaque;

	if (!b)
		return;
	/* Uninstall only if still ours (qtest may have replaced us). */
	portio_set_irq_sink(b->vm->portio, NULL, NULL, &fn, &opaque);
	if (fn != irq_sink || opaque != b)
		portio_set_irq_sink(b->vm->portio, fn, opaque, NULL, NULL);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/* ---- migration ---------------------------------------------------------------
 *
 * Section "pio-bridge" (instance 0): the enabled-line mask (function 3).
 * The line levels belong to the devices driving them (the fdc recomputes
 * IRQ 6 on its load, before this section commits, so that restoring a
 * high line makes no second interruption: a pending one travels in the
 * flic section).  The counters are statistics (not migrated).
 */
struct pio_bridge_state {
	uint32_t enabled;
};

static int pio_pre_save(void *dev, void *state, char **err)
{
	struct pio_bridge *b = dev;

	(void)err;
	pthread_mutex_lock(&b->lock);
	((struct pio_bridge_state *)state)->enabled = b->enabled;
	pthread_mutex_unlock(&b->lock);
	return 0;
}

static int pio_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	const struct pio_bridge_state *s = state;

	(void)dev;
	(void)version;
	(void)present;
	if (s->enabled >> PORTIO_NUM_IRQS) {
		error_setf(err, "enabled lines %#x: only %u lines exist",
			   s->enabled, PORTIO_NUM_IRQS);
		return -EINVAL;
	}
	return 0;
}

static void pio_commit(void *dev, const void *state)
{
	struct pio_bridge *b = dev;

	pthread_mutex_lock(&b->lock);
	b->enabled = ((const struct pio_bridge_state *)state)->enabled;
	pthread_mutex_unlock(&b->lock);
}

static const struct vms_field pio_fields[] = {
	VMS_SCALAR(struct pio_bridge_state, enabled, VMS_U32, 1),
};

const struct vms_desc pio_bridge_vmsd = {
	.name = "pio-bridge", .version = 1, .min_version = 1,
	.size = sizeof(struct pio_bridge_state), VMS_FIELDS(pio_fields),
	.pre_save = pio_pre_save, .post_load = pio_post_load,
	.commit = pio_commit,
};
