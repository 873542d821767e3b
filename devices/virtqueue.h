/* SPDX-License-Identifier: MIT */
/*
 * Virtqueues, device side: split rings (virtio 1.x spec, 2.7 "Split
 * Virtqueues") and packed rings (2.8 "Packed Virtqueues", with
 * VIRTIO_F_RING_PACKED; modern byte order only).
 *
 * The driver owns the descriptor table and the available ring, the device
 * the used ring.  Everything read from guest storage is checked where it
 * is used: ring indices are reduced modulo the queue size, descriptor
 * chains are bounded by the queue size (a loop is an error), indirect
 * tables must be whole descriptors and may not nest, and every buffer
 * must lie in guest storage.  A broken ring makes vq_pop() fail; the
 * transport then sets DEVICE_NEEDS_RESET (spec 2.1.2).
 *
 * Legacy (revision 0, no VIRTIO_F_VERSION_1) rings are in guest byte
 * order, big-endian on s390; modern ones are little-endian.
 */
#ifndef MINIVMM_VIRTQUEUE_H
#define MINIVMM_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

#define VQ_MAX_SIZE		1024	/* queue size the devices offer */
#define VQ_MAX_SEGS		VQ_MAX_SIZE

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT 1
/* Packed rings: descriptor flags and event-suppression flags (2.8). */
#define VRING_PACKED_DESC_F_AVAIL	(1u << 7)
#define VRING_PACKED_DESC_F_USED	(1u << 15)
#define VRING_PACKED_EVENT_ENABLE	0
#define VRING_PACKED_EVENT_DISABLE	1
#define VRING_PACKED_EVENT_DESC		2

/* Virtqueue state.  Guest-visible (migrate): the addresses, size,
 * enable, last_avail, used_idx and the wrap counters; the features are
 * negotiated state.  For a packed ring, avail is the driver event
 * suppression area and used the device one; last_avail and used_idx are
 * ring positions (0..num-1). */
struct virtqueue {
	uint64_t desc, avail, used;	/* guest absolute addresses */
	bool packed;			/* VIRTIO_F_RING_PACKED negotiated */
	bool avail_wrap, used_wrap;	/* packed: wrap counters (start 1) */
	uint16_t num;			/* 0: not set up */
	bool ready;
	bool le;			/* modern byte order */
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */
	uint16_t last_avail;		/* next avail entry to take */
	uint16_t used_idx;		/* next used entry to fill */
	uint16_t signalled_used;	/* used_idx at the last interrupt */
	bool signalled_valid;
};

struct vq_seg {
	uint64_t addr;
	uint32_t len;
	bool write;			/* device writes (in buffer) */
};

/* One popped descriptor chain: readable segments first, then writable. */
struct vq_elem {
	uint16_t head;			/* split: head index; packed: buffer id */
	uint16_t ndesc;			/* packed: ring descriptors it used */
	unsigned int nseg, nout;	/* all segments, readable ones */
	uint64_t out_len, in_len;	/* bytes readable / writable */
	struct vq_seg seg[VQ_MAX_SEGS];
};

#define VQ_MAX_PACKED_SIZE	32768

/* Reset to "not set up". */
void vq_reset(struct virtqueue *vq);
/* Does the ring lie in guest storage? */
bool vq_valid(struct vm *vm, const struct virtqueue *vq);
/* Take the next available chain: 1 got one, 0 none, -EINVAL broken. */
int vq_pop(struct vm *vm, struct virtqueue *vq, struct vq_elem *e);
/* Return a popped chain with `len` bytes written.  -EINVAL when broken. */
int vq_push(struct vm *vm, struct virtqueue *vq, const struct vq_elem *e,
	    uint32_t len);
/* Return n popped chains at once (the driver sees all or none): for
 * virtio-net's mergeable receive buffers.  -EINVAL when broken. */
struct vq_used {
	uint16_t head;			/* vq_elem.head */
	uint16_t ndesc;			/* vq_elem.ndesc */
	uint32_t len;			/* bytes written */
};
int vq_push_many(struct vm *vm, struct virtqueue *vq, const struct vq_used *u,
		 unsigned int n);
/* After pushes: does the driver want an interruption (flags/event idx)? */
bool vq_should_notify(struct vm *vm, struct virtqueue *vq);

/* Copy between an element's segments and a host buffer, starting at byte
 * `off` of the readable (out) / writable (in) part.  Return bytes copied
 * or -EFAULT. */
int64_t vq_elem_read(struct vm *vm, const struct vq_elem *e, uint64_t off,
		     void *buf, uint64_t len);
int64_t vq_elem_write(struct vm *vm, const struct vq_elem *e, uint64_t off,
		      const void *buf, uint64_t len);

/* Migration: the guest-visible members of struct virtqueue (addresses,
 * size, ready, byte order and negotiated ring features, ring positions,
 * wrap counters); signalled_used/signalled_valid are host-side
 * notification bookkeeping: not migrated, a restored queue starts with
 * signalled_valid false (at worst one extra interruption). */
struct vms_desc;
extern const struct vms_desc virtqueue_vmsd;

#endif
