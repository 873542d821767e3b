/* SPDX-License-Identifier: MIT */
/*
 * Split-virtqueue walker (virtio spec 2.7).  See virtqueue.h for the rules
 * every guest-provided index and address is held to.
 */
#include <errno.h>
#include <string.h>

#include "devices/virtqueue.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define DESC_SIZE	16

static uint16_t ld16(const struct virtqueue *vq, const uint8_t *p)
{
	return vq->le ? le16_ld(p) : be16_ld(p);
}

static uint32_t ld32(const struct virtqueue *vq, const uint8_t *p)
{
	return vq->le ? le32_ld(p) : be32_ld(p);
}

static uint64_t ld64(const struct virtqueue *vq, const uint8_t *p)
{
	return vq->le ? le64_ld(p) : be64_ld(p);
}

static void st16(const struct virtqueue *vq, uint8_t *p, uint16_t v)
{
	if (vq->le)
		le16_st(p, v);
	else
		be16_st(p, v);
}

static void st32(const struct virtqueue *vq, uint8_t *p, uint32_t v)
{
	if (vq->le)
		le32_st(p, v);
	else
		be32_st(p, v);
}

void vq_reset(struct virtqueue *vq)
{
	memset(vq, 0, sizeof(*vq));
}

/* Ring sizes (spec 2.7): descriptor table 16*num, available ring
 * 6+2*num, used ring 6+8*num (the event fields included). */
bool vq_valid(struct vm *vm, const struct virtqueue *vq)
{
	if (!vq->num || (vq->num & (vq->num - 1)) || vq->num > VQ_MAX_SIZE)
		return false;
	return vm_absolute(vm, vq->desc, (uint64_t)DESC_SIZE * vq->num) &&
	       vm_absolute(vm, vq->avail, 6 + 2ULL * vq->num) &&
	       vm_absolute(vm, vq->used, 6 + 8ULL * vq->num);
}

static uint8_t *ring(struct vm *vm, uint64_t addr, uint64_t off, uint64_t len)
{
	return vm_absolute(vm, addr + off, len);
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static int read_desc(struct vm *vm, const struct virtqueue *vq, uint64_t table,
		     uint32_t i, struct desc *d)
{
	const uint8_t *p = ring(vm, table, (uint64_t)i * DESC_SIZE, DESC_SIZE);

	if (!p)
		return -EINVAL;
	d->addr = ld64(vq, p);
	d->len = ld32(vq, p + 8);
	d->flags = ld16(vq, p + 12);
	d->next = ld16(vq, p + 14);
	return 0;
}

static int add_seg(struct vm *vm, struct vq_elem *e, const struct desc *d)
{
	bool w = d->flags & VRING_DESC_F_WRITE;

	if (e->nseg == VQ_MAX_SEGS)
		return -EINVAL;
	/* Readable buffers come before writable ones (spec 2.7.4.2). */
	if (!w && e->nseg > e->nout)
		return -EINVAL;
	if (d->len && !vm_absolute(vm, d->addr, d->len))
		return -EINVAL;
	e->seg[e->nseg++] = (struct vq_seg){ d->addr, d->len, w };
	if (w)
		e->in_len += d->len;
	else {
		e->nout++;
		e->out_len += d->len;
	}
	return 0;
}

/* Walk an indirect table (spec 2.7.5.3): len a multiple of 16, no
 * nested INDIRECT, chain bounded by the table size. */
static int walk_indirect(struct vm *vm, const struct virtqueue *vq,
			 const struct desc *ind, struct vq_elem *e)
{
	uint32_t n = ind->len / DESC_SIZE;
	uint32_t i = 0;

	if (!vq->indirect || !ind->len || ind->len % DESC_SIZE ||
	    n > VQ_MAX_SEGS || !vm_absolute(vm, ind->addr, ind->len))
		return -EINVAL;
	for (uint32_t steps = 0;; steps++) {
		struct desc d;

		if (steps == n || i >= n)
			return -EINVAL;		/* loop or out of range */
		if (read_desc(vm, vq, ind->addr, i, &d) < 0)
			return -EINVAL;
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -EINVAL;
		if (add_seg(vm, e, &d) < 0)
			return -EINVAL;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int vq_pop(struct vm *vm, struct virtqueue *vq, struct vq_elem *e)
{
	uint8_t *av;
	uint16_t avail_idx, head;

	if (!vq->ready || !vq->num)
		return 0;
	av = ring(vm, vq->avail, 0, 4 + 2ULL * vq->num + 2);
	if (!av)
		return -EINVAL;
	avail_idx = ld16(vq, (uint8_t *)&((volatile uint8_t *)av)[2]);
	if (avail_idx == vq->last_avail)
		return 0;
	/* More entries than the ring holds: the driver is broken. */
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
		return -EINVAL;
	/* Read the ring entry after the index (spec 2.7.13.3.1). */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = ld16(vq, av + 4 + 2 * (vq->last_avail % vq->num));
	if (head >= vq->num)
		return -EINVAL;

	e->head = head;
	e->nseg = e->nout = 0;
	e->out_len = e->in_len = 0;
	uint16_t i = head;
	for (unsigned int steps = 0;; steps++) {
		struct desc d;

		if (steps == vq->num)
			return -EINVAL;		/* a loop */
		if (read_desc(vm, vq, vq->desc, i, &d) < 0)
			return -EINVAL;
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* INDIRECT and NEXT together are not allowed. */
			if (d.flags & VRING_DESC_F_NEXT)
				return -EINVAL;
			if (walk_indirect(vm, vq, &d, e) < 0)
				return -EINVAL;
			break;
		}
		if (add_seg(vm, e, &d) < 0)
			return -EINVAL;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= vq->num)
			return -EINVAL;
	}
	vq->last_avail++;
	/* With event index, tell the driver how far we have read: the
	 * avail_event field after the used ring (spec 2.7.10). */
	if (vq->event_idx) {
		uint8_t *ue = ring(vm, vq->used, 4 + 8ULL * vq->num, 2);

		if (ue)
			st16(vq, ue, vq->last_avail);
	}
	return 1;
}

int vq_push(struct vm *vm, struct virtqueue *vq, uint16_t head, uint32_t len)
{
	uint8_t *u = ring(vm, vq->used, 0, 4 + 8ULL * vq->num);

	if (!u || !vq->num)
		return -EINVAL;
	uint8_t *ent = u + 4 + 8 * (vq->used_idx % vq->num);
	st32(vq, ent, head);
	st32(vq, ent + 4, len);
	/* The entry before the index (spec 2.7.8.2). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->used_idx++;
	st16(vq, u + 2, vq->used_idx);
	return 0;
}

bool vq_should_notify(struct vm *vm, struct virtqueue *vq)
{
	uint8_t *av = ring(vm, vq->avail, 0, 4 + 2ULL * vq->num + 2);

	if (!av)
		return true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(ld16(vq, av) & VRING_AVAIL_F_NO_INTERRUPT);
	/* used_event (spec 2.7.10): interrupt when used_idx passes it. */
	uint16_t ev = ld16(vq, av + 4 + 2 * vq->num);
	uint16_t old = vq->signalled_used, new = vq->used_idx;
	bool valid = vq->signalled_valid;

	vq->signalled_used = new;
	vq->signalled_valid = true;
	if (!valid)
		return true;
	return (uint16_t)(new - ev - 1) < (uint16_t)(new - old);
}

static int64_t elem_copy(struct vm *vm, const struct vq_elem *e, bool in,
			 uint64_t off, void *buf, uint64_t len)
{
	uint8_t *p = buf;
	uint64_t done = 0;
	unsigned int i = in ? e->nout : 0, end = in ? e->nseg : e->nout;

	for (; i < end && done < len; i++) {
		const struct vq_seg *s = &e->seg[i];

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		uint64_t n = s->len - off;
		if (n > len - done)
			n = len - done;
		uint8_t *g = vm_absolute(vm, s->addr + off, n);
		if (!g)
			return -EFAULT;
		if (in)
			memcpy(g, p + done, n);
		else
			memcpy(p + done, g, n);
		done += n;
		off = 0;
	}
	return (int64_t)done;
}

int64_t vq_elem_read(struct vm *vm, const struct vq_elem *e, uint64_t off,
		     void *buf, uint64_t len)
{
	return elem_copy(vm, e, false, off, buf, len);
}

int64_t vq_elem_write(struct vm *vm, const struct vq_elem *e, uint64_t off,
		      const void *buf, uint64_t len)
{
	return elem_copy(vm, e, true, off, (void *)buf, len);
}
