/* SPDX-License-Identifier: MIT */
/*
 * A freestanding guest-side channel-I/O and virtio-ccw driver for the
 * test guests (lib/css.c, lib/virtio.c).  It does what a Linux guest
 * does, in the same order: enumerate subchannels with STSCH, enable them
 * with MSCH, identify devices with SENSE ID, run channel programs with
 * SSCH and take I/O interruptions (ISC 3 in CR6), collect status with
 * TSCH; then the virtio-ccw set-up (spec 4.3.2): SET_VIRTIO_REV, reset,
 * ACKNOWLEDGE|DRIVER, features, FEATURES_OK, queues, indicators,
 * DRIVER_OK; notify with DIAG 0x500.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "guest.h"

#define IO_ISC		3

struct irb {
	uint32_t scsw[3];
	uint32_t esw[5];
	uint8_t ecw[32];
	uint32_t emw[8];
} __attribute__((aligned(4)));

/* Last I/O interruption seen (lowcore fields). */
struct io_int {
	volatile uint32_t schid;	/* subchannel id word and number */
	volatile uint32_t parm;
	volatile uint32_t word;
	volatile int count;
	volatile int adapter;		/* with the AI bit */
};
extern struct io_int io_int;

/* ---- lib/css.c ---- */
int stsch(uint32_t schid, void *schib);
int msch(uint32_t schid, void *schib);
int ssch(uint32_t schid, void *orb);
int tsch(uint32_t schid, struct irb *irb);
/* Install the I/O hook and enable ISC 3 in CR6. */
void css_init(void);
/* Enable the subchannel with ISC 3 and interruption parameter = schid. */
int css_enable(uint32_t schid);
/* Wait for the next I/O interruption (enabled wait). */
void wait_io(void);
/* Run a format-1 channel program: SSCH, wait for the interruption, TSCH.
 * Returns the SSCH condition code; *irb holds the final status. */
int css_run(uint32_t schid, const void *ccws, uint32_t orb_flags, struct irb *irb);
/* Device status / subchannel status bytes of an IRB. */
static inline uint8_t irb_dstat(const struct irb *i) { return (uint8_t)(i->scsw[2] >> 24); }
static inline uint8_t irb_cstat(const struct irb *i) { return (uint8_t)(i->scsw[2] >> 16); }
static inline uint16_t irb_count(const struct irb *i) { return (uint16_t)i->scsw[2]; }

struct ccw {
	uint8_t cmd, flags;
	uint16_t count;
	uint32_t cda;
} __attribute__((aligned(8)));

/* ---- lib/virtio.c ---- */
#define VQ_NUM		64
#define VDEV_MAX_VQS	3

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq {
	struct vring_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[], used_event */
	volatile uint8_t *used;		/* flags, idx, ring[] {id,len} */
	uint16_t num, avail_idx, last_used, free_head;
	int index;
	uint64_t cookie;
	/* Packed ring: wrap counters; avail/used point at the driver and
	 * device event-suppression areas. */
	bool avail_wrap, used_wrap;
};

struct vdev {
	uint32_t schid;
	uint8_t model;			/* virtio device id from SENSE ID */
	int rev;
	bool le;			/* VERSION_1 negotiated */
	bool adapter;			/* adapter (thin) interruptions */
	bool packed;			/* VIRTIO_F_RING_PACKED negotiated */
	uint64_t features;
	int nvqs;
	struct vq vq[VDEV_MAX_VQS];
	uint64_t ind __attribute__((aligned(8)));
	uint64_t conf_ind __attribute__((aligned(8)));
	uint8_t summary;
	uint8_t aind[8];
	uint8_t seen_summary, seen_aind0;	/* at the last notification */
	struct irb irb;
	uint8_t last_dstat, last_cstat;	/* of the last command */
};

/* Find the n-th subchannel whose SENSE ID says virtio device `model`;
 * returns its schid or 0. */
uint32_t virtio_find(uint8_t model, int n);
/* One CCW command; 0 or -1 (then d->last_dstat/last_cstat say why). */
int vccw_cmd(struct vdev *d, uint8_t cmd, uint8_t flags, void *data,
	     uint16_t count);
/* Full set-up with revision rev (-1: do not send SET_VIRTIO_REV),
 * wanting `features` (masked with the offer), nvqs queues, classic or
 * adapter indicators.  0 or a negative step number. */
int virtio_setup(struct vdev *d, uint32_t schid, int rev, uint64_t features,
		 int nvqs, bool adapter);
/* Queue a chain of n buffers (write: device writes), optionally through
 * an indirect table; kick; wait for completion; returns the used length
 * or -1. */
struct vbuf {
	void *addr;
	uint32_t len;
	bool write;
};
int64_t virtio_xfer(struct vdev *d, int q, const struct vbuf *bufs, int n,
		    bool indirect);
/* The same in two halves, split ring only (-1 for packed): post a chain
 * and kick; later, poll for its completion (the used length, -1 for a
 * wrong id, -2 not yet).  One chain per queue at a time. */
int virtio_post(struct vdev *d, int q, const struct vbuf *bufs, int n);
int64_t virtio_poll(struct vdev *d, int q);
/* Consume a notification (indicators or the subchannel status). */
void virtio_ack(struct vdev *d);
/* Read the device status (revision 2: READ_STATUS). */
int virtio_status(struct vdev *d);
uint64_t virtio_le64(const struct vdev *d, const void *p);
uint32_t virtio_le32(const struct vdev *d, const void *p);

#define VIRTIO_F_INDIRECT_DESC	(1ULL << 28)
#define VIRTIO_F_EVENT_IDX	(1ULL << 29)
#define VIRTIO_F_VERSION_1	(1ULL << 32)
#define VIRTIO_F_RING_PACKED	(1ULL << 34)

#define CCW_SET_VQ		0x13
#define CCW_VDEV_RESET		0x33
#define CCW_SET_IND		0x43
#define CCW_SET_CONF_IND	0x53
#define CCW_SET_IND_ADAPTER	0x73
#define CCW_READ_FEAT		0x12
#define CCW_WRITE_FEAT		0x11
#define CCW_READ_CONF		0x22
#define CCW_WRITE_CONF		0x21
#define CCW_WRITE_STATUS	0x31
#define CCW_READ_VQ_CONF	0x32
#define CCW_SET_VIRTIO_REV	0x83
#define CCW_READ_STATUS		0x72
#define CCW_SENSE_ID		0xe4
#define CCW_F_SLI		0x20
#define CCW_F_CC		0x40
#define CCW_F_CD		0x80
#define CCW_F_IDA		0x04

#endif
