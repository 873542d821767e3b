/* SPDX-License-Identifier: MIT */
/*
 * 8237A DMA controller, first controller only (see isa-dma.h).
 *
 * Registers (Intel 8237A datasheet, "Register Description"; PC/AT port
 * map):
 *   0x00/0x02/0x04/0x06  channel 0-3 base and current address (2 writes,
 *                        low byte first, selected by the byte-pointer
 *                        flip-flop; reads give the current address)
 *   0x01/0x03/0x05/0x07  channel 0-3 base and current word count (the
 *                        number of transfers minus one)
 *   0x08  read: status (bits 0-3 TC reached, cleared by the read; bits 4-7
 *         DRQ pending); write: command (bit 2 controller disable)
 *   0x09  write: request register (software DRQ; stored, not a transfer)
 *   0x0a  write: single mask bit (bits 0-1 channel, bit 2 set/clear)
 *   0x0b  write: mode (bits 0-1 channel, 2-3 transfer type 00 verify,
 *         01 write to memory, 10 read from memory; bit 4 auto-initialize;
 *         bit 5 address decrement; bits 6-7 demand/single/block/cascade)
 *   0x0c  write: clear byte-pointer flip-flop
 *   0x0d  read: temporary register; write: master clear
 *   0x0e  write: clear all mask bits
 *   0x0f  write: all mask bits (bits 0-3); read: the mask bits
 *   0x80-0x8f  page registers; 0x87/0x83/0x81/0x82 for channels 0-3
 *
 * At TC the channel's mask bit is set unless it auto-initializes, in which
 * case the current address and count reload from the base registers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/isa-dma.h"
#include "devices/portio.h"
#include "migrate/vmstate.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define DMA_BASE_PORT		0x00
#define DMA_NPORTS		0x10
#define DMA_PAGE_PORT		0x80
#define DMA_NPAGES		0x10

#define DMA_REG_STATUS		0x08	/* r: status, w: command */
#define DMA_REG_REQUEST		0x09
#define DMA_REG_MASK		0x0a
#define DMA_REG_MODE		0x0b
#define DMA_REG_FLIPFLOP	0x0c
#define DMA_REG_MASTER_CLEAR	0x0d	/* r: temporary register */
#define DMA_REG_CLEAR_MASK	0x0e
#define DMA_REG_ALL_MASK	0x0f

#define DMA_CMD_DISABLE		0x04
#define DMA_MODE_TYPE(m)	(((m) >> 2) & 3)
#define DMA_TYPE_VERIFY		0
#define DMA_TYPE_WRITE		1	/* to memory */
#define DMA_TYPE_READ		2	/* from memory */
#define DMA_MODE_AUTOINIT	0x10
#define DMA_MODE_DECREMENT	0x20

/* Page register offset (from 0x80) of each channel, PC/AT map. */
static const uint8_t page_index[ISA_DMA_CHANNELS] = { 7, 3, 1, 2 };

struct isa_dma_chan {
	/* Guest-visible registers (migrated with the controller). */
	uint16_t base_addr, base_count;
	uint16_t cur_addr, cur_count;
	uint8_t mode;
	bool masked;
	bool drq;		/* device request line */
	bool tc;		/* status bit: TC reached since the last read */
	/* Wiring (not migrated). */
	isa_dma_ready_fn *ready;
	void *ready_opaque;
};

struct isa_dma {
	struct vm *vm;
	struct portio_bus *bus;
	pthread_mutex_t lock;
	/* Guest-visible state. */
	struct isa_dma_chan ch[ISA_DMA_CHANNELS];
	uint8_t pages[DMA_NPAGES];
	uint8_t command;
	uint8_t request;
	bool flipflop;		/* false: next byte is the low byte */
};

static void reset_locked(struct isa_dma *d)
{
	for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++) {
		struct isa_dma_chan *c = &d->ch[i];

		c->masked = true;
		c->tc = false;
		c->mode = 0;
	}
	d->command = 0;
	d->request = 0;
	d->flipflop = false;
}

void isa_dma_reset(struct isa_dma *d)
{
	pthread_mutex_lock(&d->lock);
	reset_locked(d);
	pthread_mutex_unlock(&d->lock);
}

static bool ready_locked(struct isa_dma *d, unsigned int chan)
{
	return !(d->command & DMA_CMD_DISABLE) && !d->ch[chan].masked;
}

/*
 * Channels that became ready with DRQ up, collected under the lock and
 * called after it is dropped (the device takes its own lock and comes
 * back through isa_dma_transfer()).
 */
static void kick_ready(struct isa_dma *d, unsigned int before_mask)
{
	isa_dma_ready_fn *fn[ISA_DMA_CHANNELS] = { 0 };
	void *op[ISA_DMA_CHANNELS] = { 0 };

	for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++) {
		struct isa_dma_chan *c = &d->ch[i];

		if (!(before_mask & (1u << i)) && ready_locked(d, i) && c->drq) {
			fn[i] = c->ready;
			op[i] = c->ready_opaque;
		}
	}
	pthread_mutex_unlock(&d->lock);
	for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++)
		if (fn[i])
			fn[i](op[i]);
}

static unsigned int ready_mask(struct isa_dma *d)
{
	unsigned int m = 0;

	for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++)
		if (ready_locked(d, i))
			m |= 1u << i;
	return m;
}

static uint32_t dma_read(void *opaque, uint16_t port, unsigned int size)
{
	struct isa_dma *d = opaque;
	unsigned int reg = port - DMA_BASE_PORT;
	uint32_t v = 0xff;

	(void)size;		/* byte registers: wider reads get the low byte */
	pthread_mutex_lock(&d->lock);
	if (reg < DMA_REG_STATUS) {
		struct isa_dma_chan *c = &d->ch[reg >> 1];
		uint16_t w = (reg & 1) ? c->cur_count : c->cur_addr;

		v = d->flipflop ? w >> 8 : w & 0xff;
		d->flipflop = !d->flipflop;
	} else if (reg == DMA_REG_STATUS) {
		v = 0;
		for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++) {
			v |= (d->ch[i].tc ? 1u : 0u) << i;
			v |= (d->ch[i].drq || (d->request & (1u << i)) ? 1u : 0u)
			     << (4 + i);
			d->ch[i].tc = false;
		}
	} else if (reg == DMA_REG_MASTER_CLEAR) {
		v = 0;		/* temporary register: memory-to-memory only */
	} else if (reg == DMA_REG_ALL_MASK) {
		v = 0xf0;
		for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++)
			v |= (d->ch[i].masked ? 1u : 0u) << i;
	}
	pthread_mutex_unlock(&d->lock);
	return v;
}

static void dma_write(void *opaque, uint16_t port, unsigned int size, uint32_t val)
{
	struct isa_dma *d = opaque;
	unsigned int reg = port - DMA_BASE_PORT, before;
	uint8_t b = (uint8_t)val;

	(void)size;
	pthread_mutex_lock(&d->lock);
	before = ready_mask(d);
	if (reg < DMA_REG_STATUS) {
		struct isa_dma_chan *c = &d->ch[reg >> 1];
		uint16_t *base = (reg & 1) ? &c->base_count : &c->base_addr;
		uint16_t *cur = (reg & 1) ? &c->cur_count : &c->cur_addr;

		/* Writes load base and current together. */
		*base = d->flipflop ? (uint16_t)((*base & 0x00ff) | b << 8)
				    : (uint16_t)((*base & 0xff00) | b);
		*cur = *base;
		d->flipflop = !d->flipflop;
	} else {
		switch (reg) {
		case DMA_REG_STATUS:
			d->command = b;
			break;
		case DMA_REG_REQUEST:
			if (b & 4)
				d->request |= (uint8_t)(1u << (b & 3));
			else
				d->request &= (uint8_t)~(1u << (b & 3));
			break;
		case DMA_REG_MASK:
			d->ch[b & 3].masked = b & 4;
			break;
		case DMA_REG_MODE:
			d->ch[b & 3].mode = b;
			break;
		case DMA_REG_FLIPFLOP:
			d->flipflop = false;
			break;
		case DMA_REG_MASTER_CLEAR:
			reset_locked(d);
			break;
		case DMA_REG_CLEAR_MASK:
			for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++)
				d->ch[i].masked = false;
			break;
		case DMA_REG_ALL_MASK:
			for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++)
				d->ch[i].masked = b & (1u << i);
			break;
		}
	}
	kick_ready(d, before);	/* drops the lock */
}

static uint32_t page_read(void *opaque, uint16_t port, unsigned int size)
{
	struct isa_dma *d = opaque;
	uint32_t v;

	(void)size;
	pthread_mutex_lock(&d->lock);
	v = d->pages[(port - DMA_PAGE_PORT) % DMA_NPAGES];
	pthread_mutex_unlock(&d->lock);
	return v;
}

static void page_write(void *opaque, uint16_t port, unsigned int size, uint32_t val)
{
	struct isa_dma *d = opaque;

	(void)size;
	pthread_mutex_lock(&d->lock);
	d->pages[(port - DMA_PAGE_PORT) % DMA_NPAGES] = (uint8_t)val;
	pthread_mutex_unlock(&d->lock);
}

static const struct portio_ops dma_ops = {
	.name = "isa-dma",
	.read = dma_read,
	.write = dma_write,
};

static const struct portio_ops page_ops = {
	.name = "isa-dma-page",
	.read = page_read,
	.write = page_write,
};

void isa_dma_set_handler(struct isa_dma *d, unsigned int chan,
			 isa_dma_ready_fn *fn, void *opaque)
{
	if (chan >= ISA_DMA_CHANNELS)
		return;
	pthread_mutex_lock(&d->lock);
	d->ch[chan].ready = fn;
	d->ch[chan].ready_opaque = opaque;
	pthread_mutex_unlock(&d->lock);
}

void isa_dma_set_drq(struct isa_dma *d, unsigned int chan, bool level)
{
	if (chan >= ISA_DMA_CHANNELS)
		return;
	pthread_mutex_lock(&d->lock);
	d->ch[chan].drq = level;
	pthread_mutex_unlock(&d->lock);
}

bool isa_dma_ready(struct isa_dma *d, unsigned int chan)
{
	bool r;

	if (chan >= ISA_DMA_CHANNELS)
		return false;
	pthread_mutex_lock(&d->lock);
	r = ready_locked(d, chan);
	pthread_mutex_unlock(&d->lock);
	return r;
}

/* One byte-run of storage access: [addr, addr+n) inside the 64K page. */
static void move(struct isa_dma *d, uint32_t addr, uint8_t *buf, size_t n,
		 enum isa_dma_dir dir)
{
	if (dir == ISA_DMA_TO_MEMORY) {
		if (vm_write(d->vm, addr, buf, n) < 0) {
			/* Partly outside storage: byte by byte, drop the rest. */
			for (size_t i = 0; i < n; i++)
				vm_write(d->vm, addr + i, buf + i, 1);
		}
	} else if (vm_read(d->vm, addr, buf, n) < 0) {
		for (size_t i = 0; i < n; i++)
			if (vm_read(d->vm, addr + i, buf + i, 1) < 0)
				buf[i] = 0xff;
	}
}

size_t isa_dma_transfer(struct isa_dma *d, unsigned int chan, void *buf,
			size_t len, enum isa_dma_dir dir, bool *tc)
{
	struct isa_dma_chan *c;
	uint8_t *p = buf;
	size_t done = 0;
	bool hit = false;

	if (tc)
		*tc = false;
	if (chan >= ISA_DMA_CHANNELS)
		return 0;
	pthread_mutex_lock(&d->lock);
	c = &d->ch[chan];
	if (!ready_locked(d, chan)) {
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	unsigned int type = DMA_MODE_TYPE(c->mode);
	bool access = (type == DMA_TYPE_WRITE && dir == ISA_DMA_TO_MEMORY) ||
		      (type == DMA_TYPE_READ && dir == ISA_DMA_FROM_MEMORY);
	uint32_t page = (uint32_t)d->pages[page_index[chan]] << 16;

	if (!access && dir == ISA_DMA_FROM_MEMORY)
		memset(buf, 0xff, len);
	while (done < len && !hit) {
		/* Bytes left before TC, and before the address wraps. */
		size_t left = (size_t)c->cur_count + 1;
		size_t run = len - done;
		bool down = c->mode & DMA_MODE_DECREMENT;

		if (run > left)
			run = left;
		if (down) {
			run = 1;
		} else if (run > 0x10000u - c->cur_addr) {
			run = 0x10000u - c->cur_addr;
		}
		if (access)
			move(d, page | c->cur_addr, p + done, run, dir);
		done += run;
		c->cur_addr = (uint16_t)(down ? (size_t)c->cur_addr - 1 : c->cur_addr + run);
		if (run == left) {
			hit = true;
			c->cur_count = 0xffff;
		} else {
			c->cur_count = (uint16_t)(c->cur_count - run);
		}
	}
	if (hit) {
		c->tc = true;
		if (c->mode & DMA_MODE_AUTOINIT) {
			c->cur_addr = c->base_addr;
			c->cur_count = c->base_count;
		} else {
			c->masked = true;
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (tc)
		*tc = hit;
	return done;
}

int isa_dma_create(struct isa_dma **out, struct vm *vm, struct portio_bus *bus,
		   char **err)
{
	struct isa_dma *d = calloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	if (!d) {
		error_setf(err, "isa-dma: out of memory");
		return -ENOMEM;
	}
	d->vm = vm;
	d->bus = bus;
	pthread_mutex_init(&d->lock, NULL);
	reset_locked(d);
	rc = portio_register(bus, DMA_BASE_PORT, DMA_NPORTS, &dma_ops, d, err);
	if (rc < 0)
		goto fail;
	rc = portio_register(bus, DMA_PAGE_PORT, DMA_NPAGES, &page_ops, d, err);
	if (rc < 0) {
		portio_unregister(bus, DMA_BASE_PORT);
		goto fail;
	}
	*out = d;
	return 0;
fail:
	pthread_mutex_destroy(&d->lock);
	free(d);
	return rc;
}

void isa_dma_destroy(struct isa_dma *d)
{
	if (!d)
		return;
	portio_unregister(d->bus, DMA_BASE_PORT);
	portio_unregister(d->bus, DMA_PAGE_PORT);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* ---- migration -------------------------------------------------------------
 *
 * Section "isa-dma" (instance 0): every channel's base and current address
 * and count, mode, mask, DRQ and TC bits, the page registers, the command
 * and request registers and the byte-pointer flip-flop.  The channel
 * handlers are wiring (not migrated).
 */
static const struct vms_field dma_chan_fields[] = {
	VMS_SCALAR(struct isa_dma_chan, base_addr, VMS_U16, 1),
	VMS_SCALAR(struct isa_dma_chan, base_count, VMS_U16, 1),
	VMS_SCALAR(struct isa_dma_chan, cur_addr, VMS_U16, 1),
	VMS_SCALAR(struct isa_dma_chan, cur_count, VMS_U16, 1),
	VMS_SCALAR(struct isa_dma_chan, mode, VMS_U8, 1),
	VMS_SCALAR(struct isa_dma_chan, masked, VMS_BOOL, 1),
	VMS_SCALAR(struct isa_dma_chan, drq, VMS_BOOL, 1),
	VMS_SCALAR(struct isa_dma_chan, tc, VMS_BOOL, 1),
};
static const struct vms_desc dma_chan_vmsd = {
	.name = "isa-dma-channel", .version = 1, .min_version = 1,
	.size = sizeof(struct isa_dma_chan), VMS_FIELDS(dma_chan_fields),
};

struct isa_dma_state {
	struct isa_dma_chan ch[ISA_DMA_CHANNELS];
	uint8_t pages[DMA_NPAGES];
	uint8_t command, request;
	bool flipflop;
};

static int dma_pre_save(void *dev, void *state, char **err)
{
	struct isa_dma *d = dev;
	struct isa_dma_state *s = state;

	(void)err;
	pthread_mutex_lock(&d->lock);
	for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++) {
		s->ch[i] = d->ch[i];
		s->ch[i].ready = NULL;
		s->ch[i].ready_opaque = NULL;
	}
	memcpy(s->pages, d->pages, sizeof(s->pages));
	s->command = d->command;
	s->request = d->request;
	s->flipflop = d->flipflop;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void dma_commit(void *dev, const void *state)
{
	struct isa_dma *d = dev;
	const struct isa_dma_state *s = state;

	pthread_mutex_lock(&d->lock);
	for (unsigned int i = 0; i < ISA_DMA_CHANNELS; i++) {
		struct isa_dma_chan *c = &d->ch[i];

		c->base_addr = s->ch[i].base_addr;
		c->base_count = s->ch[i].base_count;
		c->cur_addr = s->ch[i].cur_addr;
		c->cur_count = s->ch[i].cur_count;
		c->mode = s->ch[i].mode;
		c->masked = s->ch[i].masked;
		c->drq = s->ch[i].drq;
		c->tc = s->ch[i].tc;
	}
	memcpy(d->pages, s->pages, sizeof(d->pages));
	d->command = s->command;
	d->request = s->request;
	d->flipflop = s->flipflop;
	pthread_mutex_unlock(&d->lock);
}

static const struct vms_field dma_fields[] = {
	VMS_STRUCTS(struct isa_dma_state, ch, dma_chan_vmsd, 1),
	VMS_BUF(struct isa_dma_state, pages, 1),
	VMS_SCALAR(struct isa_dma_state, command, VMS_U8, 1),
	VMS_SCALAR(struct isa_dma_state, request, VMS_U8, 1),
	VMS_SCALAR(struct isa_dma_state, flipflop, VMS_BOOL, 1),
};

const struct vms_desc isa_dma_vmsd = {
	.name = "isa-dma", .version = 1, .min_version = 1,
	.size = sizeof(struct isa_dma_state), VMS_FIELDS(dma_fields),
	.pre_save = dma_pre_save, .commit = dma_commit,
};
