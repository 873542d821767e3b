/* SPDX-License-Identifier: MIT */
/*
 * virtio over channel I/O (virtio spec 4.3 "Virtio Over Channel I/O").
 *
 * A virtio device (virtio-blk.c, virtio-rng.c, virtio-console.c) is a
 * struct virtio_dev_ops plus its state; the transport puts it behind a
 * subchannel whose SENSE ID reports control-unit type 0x3832 with the
 * virtio device id as model, and interprets the virtio CCW commands
 * (through a table in virtio-ccw.c).
 *
 * Threads and locks: the transport state and the queues are protected by
 * vccw_lock()/vccw_unlock().  CCW commands arrive with the css lock held
 * and take the transport lock; devices take only the transport lock and
 * call vccw_interrupt() after dropping it (lock order: css, transport).
 */
#ifndef MINIVMM_VIRTIO_CCW_H
#define MINIVMM_VIRTIO_CCW_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/css.h"
#include "devices/virtqueue.h"

struct vm;
struct virtio_ccw_dev;
struct vms_desc;

#define VIRTIO_CCW_CU_TYPE	0x3832
#define VCCW_MAX_QUEUES		8
#define VCCW_MAX_REVISION	2

/* Device status (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Reserved feature bits (spec 6). */
#define VIRTIO_F_INDIRECT_DESC	(1ULL << 28)
#define VIRTIO_F_EVENT_IDX	(1ULL << 29)
#define VIRTIO_F_VERSION_1	(1ULL << 32)
#define VIRTIO_F_RING_PACKED	(1ULL << 34)

/* Device ids (spec 5). */
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_NET		1

struct virtio_dev_ops {
	const char *name;
	uint8_t device_id;
	unsigned int num_queues;
	uint16_t queue_max;
	uint64_t features;		/* offered, VERSION_1 added for rev >= 1 */
	uint32_t config_size;
	/* Fill the device configuration space; le: modern byte order. */
	void (*get_config)(void *dev, uint8_t *cfg, bool le);
	/* The driver wrote len bytes of configuration from offset 0. */
	void (*set_config)(void *dev, const uint8_t *cfg, uint32_t len, bool le);
	/* The driver notified queue q (DIAG 0x500); any vCPU thread. */
	void (*notify)(void *dev, unsigned int q);
	/* Device reset (spec 2.4); transport lock held. */
	void (*reset)(void *dev);
	/* DRIVER_OK was set; transport lock held. */
	void (*driver_ok)(void *dev);
	/* Optional, migration: hold (true) / release (false) the device's
	 * own threads so they neither touch guest storage nor the queues
	 * while a save runs; a request in flight completes first.  Transport
	 * lock NOT held. */
	void (*quiesce)(void *dev, bool hold);
	/* Optional, migration: the device's own section (its guest-visible
	 * state beyond the transport's), saved after the transport's with the
	 * same instance number; its dev is the device (the ops' dev). */
	const struct vms_desc *vmsd;
};

int virtio_ccw_create(struct virtio_ccw_dev **out, struct css *css, int devno,
		      const struct virtio_dev_ops *ops, void *dev, char **err);
void virtio_ccw_destroy(struct virtio_ccw_dev *vd);
/* The transport's migration section (devices/virtio-ccw.c). */
extern const struct vms_desc virtio_ccw_vmsd;

/* DIAG 0x500 subcode 3: notify queue `queue` of the device on subchannel
 * schid.  Returns the new host cookie (>= 0) or -EINVAL. */
int64_t virtio_ccw_notify(struct css *css, uint32_t schid, uint64_t queue,
			  uint64_t cookie);

/* For devices. */
void vccw_lock(struct virtio_ccw_dev *vd);
void vccw_unlock(struct virtio_ccw_dev *vd);
struct vm *vccw_vm(struct virtio_ccw_dev *vd);
/* Queue q when DRIVER_OK and set up, else NULL (lock held). */
struct virtqueue *vccw_queue(struct virtio_ccw_dev *vd, unsigned int q);
/* Reset generation: changes on every device reset (lock held). */
uint64_t vccw_generation(struct virtio_ccw_dev *vd);
/* The device found the driver broke the queue: NEEDS_RESET (spec
 * 2.1.2; lock held); then call vccw_interrupt(vd, ~0u) unlocked. */
void vccw_needs_reset(struct virtio_ccw_dev *vd);
/* Used-buffer notification for queue q when vq_should_notify() said so,
 * or a configuration change (q = ~0u).  Lock NOT held. */
void vccw_interrupt(struct virtio_ccw_dev *vd, unsigned int q);
/* Pop / push with the NEEDS_RESET handling; lock held.  pop: 1, 0, or
 * -EINVAL (NEEDS_RESET set). push/notify: *notify set when the driver
 * wants an interruption. */
int vccw_pop(struct virtio_ccw_dev *vd, unsigned int q, struct vq_elem *e);
void vccw_push(struct virtio_ccw_dev *vd, unsigned int q,
	       const struct vq_elem *e, uint32_t len, bool *notify);

/* Several chains at once (vq_push_many); lock held. */
void vccw_push_many(struct virtio_ccw_dev *vd, unsigned int q,
		    const struct vq_used *u, unsigned int n, bool *notify);
/* The features the driver accepted (lock held); final after
 * FEATURES_OK, VERSION_1 included. */
uint64_t vccw_features(struct virtio_ccw_dev *vd);

/* Table of the transport's CCW commands, exposed for the tests. */
extern const struct css_dev_ops virtio_ccw_css_ops;

#endif
