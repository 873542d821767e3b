/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng (virtio spec 5.4 "Entropy Device"): one queue, requestq;
 * the driver posts writable buffers and the device fills them with
 * random bytes from getrandom(2).  No configuration space, no feature
 * bits of its own.  Requests are served on the notifying vCPU thread:
 * getrandom on a small buffer does not block once the host pool is
 * initialised.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "devices/virtio-devices.h"
#include "devices/virtio-ccw.h"
#include "vmm/error.h"

/* Bytes per request at most: keeps one notification's work bounded. */
#define RNG_MAX_REQ	4096

struct virtio_rng {
	struct virtio_ccw_dev *vd;	/* transport (holds all guest state) */
	struct vq_elem elem;		/* scratch, not state */
};

static void rng_notify(void *dev, unsigned int q)
{
	struct virtio_rng *rng = dev;
	struct virtio_ccw_dev *vd = rng->vd;
	bool notify = false, broken = false;
	uint8_t buf[RNG_MAX_REQ];
	int r;

	vccw_lock(vd);
	while ((r = vccw_pop(vd, q, &rng->elem)) > 0) {
		uint64_t n = rng->elem.in_len;

		if (n > sizeof(buf))
			n = sizeof(buf);
		ssize_t got = getrandom(buf, n, 0);
		if (got < 0)
			got = 0;
		int64_t w = vq_elem_write(vccw_vm(vd), &rng->elem, 0, buf,
					  (uint64_t)got);
		vccw_push(vd, q, &rng->elem, w < 0 ? 0 : (uint32_t)w, &notify);
	}
	broken = r < 0;
	vccw_unlock(vd);
	if (broken)
		vccw_interrupt(vd, ~0u);
	if (notify)
		vccw_interrupt(vd, q);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.num_queues = 1,
	.queue_max = 256,
	.features = VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX |
		    VIRTIO_F_RING_PACKED,
	.config_size = 0,
	.notify = rng_notify,
};

int virtio_rng_create(struct virtio_rng **out, struct css *css, int devno,
		      char **err)
{
	struct virtio_rng *rng = calloc(1, sizeof(*rng));
	int r;

	if (!rng) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	r = virtio_ccw_create(&rng->vd, css, devno, &rng_ops, rng, err);
	if (r < 0) {
		free(rng);
		return r;
	}
	*out = rng;
	return 0;
}

void virtio_rng_destroy(struct virtio_rng *rng)
{
	if (!rng)
		return;
	virtio_ccw_destroy(rng->vd);
	free(rng);
}
