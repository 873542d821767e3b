/* SPDX-License-Identifier: MIT */
/*
 * Virtqueue walker: split rings (virtio spec 2.7) and packed rings (2.8).
 * See virtqueue.h for the rules every guest-provided index and address is
 * held to.
 */
#include <errno.h>
#include <string.h>

#include "devices/virtqueue.h"
#include "migrate/vmstate.h"
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
	/* Packed rings start with both wrap counters at 1 (spec 2.8.1). */
	vq->avail_wrap = vq->used_wrap = true;
}

/* Ring sizes (spec 2.7): descriptor table 16*num, available ring
 * 6+2*num, used ring 6+8*num (the event fields included). */
bool vq_valid(struct vm *vm, const struct virtqueue *vq)
{
	/* Packed (spec 2.8.10): any size up to 2^15, the descriptor ring and
	 * two 4-byte event-suppression structures. */
	if (vq->packed)
		return vq->num && vq->num <= VQ_MAX_PACKED_SIZE && vq->le &&
		       vm_absolute(vm, vq->desc, (uint64_t)DESC_SIZE * vq->num) &&
		       vm_absolute(vm, vq->avail, 4) && vm_absolute(vm, vq->used, 4);
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

/* ---- packed rings (spec 2.8) ---------------------------------------- */

struct pdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t id, flags;
};

static int read_pdesc(struct vm *vm, uint64_t table, uint32_t i, struct pdesc *d)
{
	const uint8_t *p = ring(vm, table, (uint64_t)i * DESC_SIZE, DESC_SIZE);

	if (!p)
		return -EINVAL;
	/* Flags first, the rest after: the driver writes them last. */
	d->flags = le16_ld((const uint8_t *)&((const volatile uint8_t *)p)[14]);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	d->addr = le64_ld(p);
	d->len = le32_ld(p + 8);
	d->id = le16_ld(p + 12);
	return 0;
}

/* Available to the device: AVAIL equals the wrap counter, USED not. */
static bool pdesc_avail(uint16_t flags, bool wrap)
{
	return !!(flags & VRING_PACKED_DESC_F_AVAIL) == wrap &&
	       !!(flags & VRING_PACKED_DESC_F_USED) != wrap;
}

/* An indirect table of packed descriptors: len/16 entries, all used,
 * NEXT ignored, no nesting (spec 2.8.19). */
static int walk_packed_indirect(struct vm *vm, const struct virtqueue *vq,
				const struct pdesc *ind, struct vq_elem *e)
{
	uint32_t n = ind->len / DESC_SIZE;

	if (!vq->indirect || !ind->len || ind->len % DESC_SIZE ||
	    n > VQ_MAX_SEGS || !vm_absolute(vm, ind->addr, ind->len))
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		struct pdesc p;
		struct desc d;

		if (read_pdesc(vm, ind->addr, i, &p) < 0 ||
		    (p.flags & VRING_DESC_F_INDIRECT))
			return -EINVAL;
		d = (struct desc){ p.addr, p.len, p.flags, 0 };
		if (add_seg(vm, e, &d) < 0)
			return -EINVAL;
	}
	return 0;
}

static int pop_packed(struct vm *vm, struct virtqueue *vq, struct vq_elem *e)
{
	uint16_t pos = vq->last_avail, id = 0, n = 0;
	bool wrap = vq->avail_wrap;
	struct pdesc p;

	if (pos >= vq->num || read_pdesc(vm, vq->desc, pos, &p) < 0)
		return -EINVAL;
	if (!pdesc_avail(p.flags, wrap))
		return 0;
	e->nseg = e->nout = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		/* Every descriptor of the chain must be available; a chain
		 * longer than the ring is a loop. */
		if (n == vq->num || read_pdesc(vm, vq->desc, pos, &p) < 0 ||
		    !pdesc_avail(p.flags, wrap))
			return -EINVAL;
		n++;
		if (p.flags & VRING_DESC_F_INDIRECT) {
			if ((p.flags & VRING_DESC_F_NEXT) ||
			    walk_packed_indirect(vm, vq, &p, e) < 0)
				return -EINVAL;
		} else {
			struct desc d = { p.addr, p.len, p.flags, 0 };

			if (add_seg(vm, e, &d) < 0)
				return -EINVAL;
		}
		id = p.id;	/* the buffer id is in the last descriptor */
		if (++pos == vq->num) {
			pos = 0;
			wrap = !wrap;
		}
		if (!(p.flags & VRING_DESC_F_NEXT))
			break;
	}
	e->head = id;
	e->ndesc = n;
	vq->last_avail = pos;
	vq->avail_wrap = wrap;
	return 1;
}

/* Write the used descriptor at the device's position: id, len, then
 * the flags with AVAIL and USED equal to the used wrap counter. */
static int push_packed(struct vm *vm, struct virtqueue *vq,
		       const struct vq_elem *e, uint32_t len)
{
	uint8_t *p = ring(vm, vq->desc, (uint64_t)vq->used_idx * DESC_SIZE, DESC_SIZE);

	if (!p || !e->ndesc || e->ndesc > vq->num)
		return -EINVAL;
	le16_st(p + 12, e->head);
	le32_st(p + 8, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	le16_st(p + 14, (uint16_t)((vq->used_wrap ? VRING_PACKED_DESC_F_AVAIL |
					VRING_PACKED_DESC_F_USED : 0) |
				   (len ? VRING_DESC_F_WRITE : 0)));
	vm_mark_dirty(vm, vq->desc + (uint64_t)vq->used_idx * DESC_SIZE, DESC_SIZE);
	uint32_t pos = (uint32_t)vq->used_idx + e->ndesc;
	if (pos >= vq->num) {
		pos -= vq->num;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->used_idx = (uint16_t)pos;
	vq->signalled_used = (uint16_t)(vq->signalled_used + e->ndesc);
	return 0;
}

/* Driver event suppression (spec 2.8.14): enable, disable, or "after the
 * used descriptor at offset/wrap".  signalled_used counts descriptors
 * used since the last decision. */
static bool notify_packed(struct vm *vm, struct virtqueue *vq)
{
	const uint8_t *ev = ring(vm, vq->avail, 0, 4);
	uint16_t used_since = vq->signalled_used;

	vq->signalled_used = 0;
	if (!ev)
		return true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint16_t off_wrap = le16_ld(ev), flags = le16_ld(ev + 2) & 3;
	if (flags == VRING_PACKED_EVENT_DISABLE)
		return false;
	if (flags != VRING_PACKED_EVENT_DESC || !vq->event_idx)
		return true;
	uint16_t new = vq->used_idx, old = (uint16_t)(new - used_since);
	uint16_t event = off_wrap & 0x7fff;
	if (!!(off_wrap >> 15) != vq->used_wrap)
		event = (uint16_t)(event - vq->num);
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

/* ---- split rings (spec 2.7) ----------------------------------------- */

static int pop_split(struct vm *vm, struct virtqueue *vq, struct vq_elem *e)
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
	e->ndesc = 1;
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

int vq_pop(struct vm *vm, struct virtqueue *vq, struct vq_elem *e)
{
	if (!vq->ready || !vq->num)
		return 0;
	return vq->packed ? pop_packed(vm, vq, e) : pop_split(vm, vq, e);
}

int vq_push(struct vm *vm, struct virtqueue *vq, const struct vq_elem *e,
	    uint32_t len)
{
	if (!vq->num)
		return -EINVAL;
	if (vq->packed)
		return push_packed(vm, vq, e, len);

	uint8_t *u = ring(vm, vq->used, 0, 4 + 8ULL * vq->num);
	uint16_t head = e->head;

	if (!u)
		return -EINVAL;
	uint64_t ent_gpa = vq->used + 4 + 8ULL * (vq->used_idx % vq->num);
	uint8_t *ent = u + 4 + 8 * (vq->used_idx % vq->num);
	st32(vq, ent, head);
	st32(vq, ent + 4, len);
	/* The entry before the index (spec 2.7.8.2). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->used_idx++;
	st16(vq, u + 2, vq->used_idx);
	/* The VMM's writes to guest RAM go to the dirty log (vmm/vm.h). */
	vm_mark_dirty(vm, ent_gpa, 8);
	vm_mark_dirty(vm, vq->used + 2, 2);
	return 0;
}

/*
 * Several chains used at once (virtio-net's mergeable receive buffers,
 * spec 5.1.6.4: one packet over num_buffers chains): the driver must see
 * all of them or none.  Split: the entries first, then the index once
 * (2.7.8.2).  Packed: every descriptor but the first, then the first's
 * flags (2.8.21.3, like a batch of available descriptors).
 */
int vq_push_many(struct vm *vm, struct virtqueue *vq, const struct vq_used *u,
		 unsigned int n)
{
	uint32_t total = 0;

	if (!vq->num || !n || n > vq->num)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		if (vq->packed && (!u[i].ndesc || u[i].ndesc > vq->num))
			return -EINVAL;
		total += vq->packed ? u[i].ndesc : 1;
	}
	if (total > vq->num)
		return -EINVAL;
	if (!vq->packed) {
		uint8_t *r = ring(vm, vq->used, 0, 4 + 8ULL * vq->num);

		if (!r)
			return -EINVAL;
		for (unsigned int i = 0; i < n; i++) {
			uint8_t *ent = r + 4 + 8 * ((uint16_t)(vq->used_idx + i) % vq->num);

			st32(vq, ent, u[i].head);
			st32(vq, ent + 4, u[i].len);
		}
		__atomic_thread_fence(__ATOMIC_RELEASE);
		vq->used_idx = (uint16_t)(vq->used_idx + n);
		st16(vq, r + 2, vq->used_idx);
		vm_mark_dirty(vm, vq->used, 4 + 8ULL * vq->num);
		return 0;
	}
	uint8_t *first = NULL;
	uint16_t first_flags = 0;
	uint32_t pos = vq->used_idx;
	bool wrap = vq->used_wrap;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t *p = ring(vm, vq->desc, (uint64_t)pos * DESC_SIZE, DESC_SIZE);

		if (!p)
			return -EINVAL;
		uint16_t flags = (uint16_t)((wrap ? VRING_PACKED_DESC_F_AVAIL |
					     VRING_PACKED_DESC_F_USED : 0) |
					    (u[i].len ? VRING_DESC_F_WRITE : 0));
		le16_st(p + 12, u[i].head);
		le32_st(p + 8, u[i].len);
		if (i == 0) {
			first = p;
			first_flags = flags;
		} else {
			__atomic_thread_fence(__ATOMIC_RELEASE);
			le16_st(p + 14, flags);
			vm_mark_dirty(vm, vq->desc + (uint64_t)pos * DESC_SIZE,
				      DESC_SIZE);
		}
		pos += u[i].ndesc;
		if (pos >= vq->num) {
			pos -= vq->num;
			wrap = !wrap;
		}
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	le16_st(first + 14, first_flags);
	vm_mark_dirty(vm, vq->desc + (uint64_t)vq->used_idx * DESC_SIZE, DESC_SIZE);
	vq->used_idx = (uint16_t)pos;
	vq->used_wrap = wrap;
	vq->signalled_used = (uint16_t)(vq->signalled_used + total);
	return 0;
}

bool vq_should_notify(struct vm *vm, struct virtqueue *vq)
{
	if (vq->packed)
		return notify_packed(vm, vq);

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
		if (in) {
			memcpy(g, p + done, n);
			vm_mark_dirty(vm, s->addr + off, n);
		} else {
			memcpy(p + done, g, n);
		}
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

/* ---- migration ------------------------------------------------------------ */

static const struct vms_field virtqueue_fields[] = {
	VMS_SCALAR(struct virtqueue, desc, VMS_U64, 1),
	VMS_SCALAR(struct virtqueue, avail, VMS_U64, 1),
	VMS_SCALAR(struct virtqueue, used, VMS_U64, 1),
	VMS_SCALAR(struct virtqueue, num, VMS_U16, 1),
	VMS_SCALAR(struct virtqueue, ready, VMS_BOOL, 1),
	VMS_SCALAR(struct virtqueue, le, VMS_BOOL, 1),
	VMS_SCALAR(struct virtqueue, packed, VMS_BOOL, 1),
	VMS_SCALAR(struct virtqueue, event_idx, VMS_BOOL, 1),
	VMS_SCALAR(struct virtqueue, indirect, VMS_BOOL, 1),
	VMS_SCALAR(struct virtqueue, last_avail, VMS_U16, 1),
	VMS_SCALAR(struct virtqueue, used_idx, VMS_U16, 1),
	VMS_SCALAR(struct virtqueue, avail_wrap, VMS_BOOL, 1),
	VMS_SCALAR(struct virtqueue, used_wrap, VMS_BOOL, 1),
};

const struct vms_desc virtqueue_vmsd = {
	.name = "virtqueue", .version = 1, .min_version = 1,
	.size = sizeof(struct virtqueue), VMS_FIELDS(virtqueue_fields),
};
