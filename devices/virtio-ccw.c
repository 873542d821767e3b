/* SPDX-License-Identifier: MIT */
/*
 * virtio-ccw transport (virtio spec 4.3).  The CCW commands, their data
 * areas (big-endian, except the feature bits, which are little-endian)
 * and the revisions:
 *
 *   0  legacy: SET_VQ with queue address and alignment, rings and
 *      configuration in guest byte order (big-endian)
 *   1  virtio 1.0: SET_VQ with separate desc/driver/device addresses,
 *      VERSION_1 offered, rings and configuration little-endian
 *   2  adds READ_STATUS
 *
 * Queues are split rings, or packed rings when VIRTIO_F_RING_PACKED was
 * negotiated (revision >= 1).
 *
 * A revision is set with SET_VIRTIO_REV as the first command after the
 * subchannel was enabled; any other command first fixes revision 0.
 * Host-to-guest notifications: classic indicators (SET_IND: a 64-bit
 * big-endian word, bit q for queue q, then an I/O interruption for the
 * subchannel) or adapter interruptions (SET_IND_ADAPTER: bit bit_nr+q of
 * an indicator bitmap counted from the most significant bit, a summary
 * byte set to 1, an adapter interruption for the ISC when the summary
 * was 0).  Configuration changes set bit 0 of the SET_CONF_IND word.
 * Guest-to-host: DIAG 0x500 subcode 3 (virtio_ccw_notify()).
 *
 * A command the device cannot accept ends with unit check / command
 * reject; a data area the channel cannot reach with a channel-program or
 * protection check (devices/ccw.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio-ccw.h"
#include "migrate/migrate.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/vm.h"

/* CCW command codes (spec 4.3.2). */
#define CCW_CMD_SET_VQ		0x13
#define CCW_CMD_VDEV_RESET	0x33
#define CCW_CMD_SET_IND		0x43
#define CCW_CMD_SET_CONF_IND	0x53
#define CCW_CMD_SET_IND_ADAPTER	0x73
#define CCW_CMD_READ_FEAT	0x12
#define CCW_CMD_WRITE_FEAT	0x11
#define CCW_CMD_READ_CONF	0x22
#define CCW_CMD_WRITE_CONF	0x21
#define CCW_CMD_WRITE_STATUS	0x31
#define CCW_CMD_READ_VQ_CONF	0x32
#define CCW_CMD_SET_VIRTIO_REV	0x83
#define CCW_CMD_READ_STATUS	0x72

#define CONFIG_MAX		256

struct virtio_ccw_dev {
	struct vm *vm;
	struct css *css;
	struct subchannel *sch;
	const struct virtio_dev_ops *ops;
	void *dev;
	pthread_mutex_t lock;

	/* Guest-visible state (migrate all of it). */
	int revision;			/* -1: not fixed yet */
	uint8_t status;
	uint64_t guest_features;
	uint64_t ind, conf_ind;		/* classic indicators, 0: none */
	bool thinint;			/* adapter interruptions set up */
	uint64_t summary_ind, adapter_ind, ind_bit;
	uint8_t isc;
	struct virtqueue vq[VCCW_MAX_QUEUES];
	/* Host-side: bumped on reset so that in-flight requests of a
	 * device thread are not pushed into a new queue (don't migrate). */
	uint64_t generation;
};

void vccw_lock(struct virtio_ccw_dev *vd)
{
	pthread_mutex_lock(&vd->lock);
}

void vccw_unlock(struct virtio_ccw_dev *vd)
{
	pthread_mutex_unlock(&vd->lock);
}

struct vm *vccw_vm(struct virtio_ccw_dev *vd)
{
	return vd->vm;
}

uint64_t vccw_generation(struct virtio_ccw_dev *vd)
{
	return vd->generation;
}

static bool modern(const struct virtio_ccw_dev *vd)
{
	return vd->guest_features & VIRTIO_F_VERSION_1;
}

struct virtqueue *vccw_queue(struct virtio_ccw_dev *vd, unsigned int q)
{
	if (q >= vd->ops->num_queues || !(vd->status & VIRTIO_STATUS_DRIVER_OK) ||
	    (vd->status & VIRTIO_STATUS_NEEDS_RESET) || !vd->vq[q].ready)
		return NULL;
	return &vd->vq[q];
}

static uint64_t offered(const struct virtio_ccw_dev *vd)
{
	uint64_t f = vd->ops->features;

	if (vd->revision >= 1)
		f |= VIRTIO_F_VERSION_1;
	else
		f &= 0xffffffffULL;
	return f;
}

/* Device reset (spec 2.4): status, features, queues and indicators. */
static void vdev_reset(struct virtio_ccw_dev *vd)
{
	vd->status = 0;
	vd->guest_features = 0;
	vd->ind = vd->conf_ind = 0;
	vd->thinint = false;
	vd->summary_ind = vd->adapter_ind = vd->ind_bit = 0;
	vd->isc = 0;
	for (unsigned int i = 0; i < VCCW_MAX_QUEUES; i++)
		vq_reset(&vd->vq[i]);
	vd->generation++;
	if (vd->ops->reset)
		vd->ops->reset(vd->dev);
}

static void sync_queue_features(struct virtio_ccw_dev *vd)
{
	for (unsigned int i = 0; i < vd->ops->num_queues; i++) {
		vd->vq[i].le = modern(vd);
		vd->vq[i].event_idx = vd->guest_features & VIRTIO_F_EVENT_IDX;
		vd->vq[i].indirect = vd->guest_features & VIRTIO_F_INDIRECT_DESC;
		vd->vq[i].packed = vd->guest_features & VIRTIO_F_RING_PACKED;
	}
}

/* ---- host -> guest notifications --------------------------------------- */

/* Set bits in a guest byte atomically: the driver clears them with
 * interlocked updates on other CPUs.  Returns the old byte. */
static uint8_t guest_or8(struct vm *vm, uint64_t addr, uint8_t bits)
{
	uint8_t *p = vm_absolute(vm, addr, 1);
	uint8_t old;

	if (!p)
		return 0xff;
	old = __atomic_fetch_or(p, bits, __ATOMIC_SEQ_CST);
	vm_mark_dirty(vm, addr, 1);
	return old;
}

void vccw_interrupt(struct virtio_ccw_dev *vd, unsigned int q)
{
	uint64_t ind, conf_ind, summary, aind, bit;
	bool thin;
	uint8_t isc;

	vccw_lock(vd);
	ind = vd->ind;
	conf_ind = vd->conf_ind;
	thin = vd->thinint;
	summary = vd->summary_ind;
	aind = vd->adapter_ind;
	bit = vd->ind_bit;
	isc = vd->isc;
	vccw_unlock(vd);

	if (q == ~0u) {
		/* Configuration change: bit 0 of the config indicator word
		 * (its least significant bit: byte 7 of the big-endian
		 * doubleword), then an I/O interruption. */
		if (!conf_ind)
			return;
		guest_or8(vd->vm, conf_ind + 7, 0x01);
		css_conditional_io_interrupt(vd->sch);
		return;
	}
	if (thin) {
		uint64_t b = bit + q;

		guest_or8(vd->vm, aind + b / 8, (uint8_t)(0x80 >> (b % 8)));
		uint8_t *s = vm_absolute(vd->vm, summary, 1);
		if (!s)
			return;
		bool was_clear = __atomic_exchange_n(s, 1, __ATOMIC_SEQ_CST) == 0;
		vm_mark_dirty(vd->vm, summary, 1);
		if (was_clear)
			css_adapter_interrupt(vd->css, isc);
		return;
	}
	if (!ind)
		return;
	guest_or8(vd->vm, ind + 7 - q / 8, (uint8_t)(1u << (q % 8)));
	css_conditional_io_interrupt(vd->sch);
}

void vccw_needs_reset(struct virtio_ccw_dev *vd)
{
	/* The caller sends the configuration-change interruption with
	 * vccw_interrupt(vd, ~0u) once it dropped the lock. */
	vd->status |= VIRTIO_STATUS_NEEDS_RESET;
}

int vccw_pop(struct virtio_ccw_dev *vd, unsigned int q, struct vq_elem *e)
{
	struct virtqueue *vq = vccw_queue(vd, q);
	int r;

	if (!vq)
		return 0;
	r = vq_pop(vd->vm, vq, e);
	if (r < 0)
		vccw_needs_reset(vd);
	return r;
}

void vccw_push(struct virtio_ccw_dev *vd, unsigned int q,
	       const struct vq_elem *e, uint32_t len, bool *notify)
{
	struct virtqueue *vq = vccw_queue(vd, q);

	if (!vq)
		return;
	if (vq_push(vd->vm, vq, e, len) < 0) {
		vccw_needs_reset(vd);
		return;
	}
	if (vq_should_notify(vd->vm, vq))
		*notify = true;
}

void vccw_push_many(struct virtio_ccw_dev *vd, unsigned int q,
		    const struct vq_used *u, unsigned int n, bool *notify)
{
	struct virtqueue *vq = vccw_queue(vd, q);

	if (!vq)
		return;
	if (vq_push_many(vd->vm, vq, u, n) < 0) {
		vccw_needs_reset(vd);
		return;
	}
	if (vq_should_notify(vd->vm, vq))
		*notify = true;
}

uint64_t vccw_features(struct virtio_ccw_dev *vd)
{
	return vd->guest_features;
}

int64_t virtio_ccw_notify(struct css *css, uint32_t schid, uint64_t queue,
			  uint64_t cookie)
{
	struct virtio_ccw_dev *vd = css_find_dev(css, schid, &virtio_ccw_css_ops);

	(void)cookie;	/* a hint only: the lookup is cheap and checked */
	if (!vd || queue >= vd->ops->num_queues)
		return -EINVAL;
	vccw_lock(vd);
	bool ok = vccw_queue(vd, (unsigned int)queue) != NULL;
	bool broken = vd->status & VIRTIO_STATUS_NEEDS_RESET;
	vccw_unlock(vd);
	if (ok && vd->ops->notify)
		vd->ops->notify(vd->dev, (unsigned int)queue);
	if (broken)
		vccw_interrupt(vd, ~0u);
	/* The new cookie: subchannel number and queue, for the driver to
	 * hand back (spec 4.3.3.2: "host cookie"). */
	return (int64_t)(((uint64_t)(uint16_t)schid << 16) | queue);
}

/* ---- CCW commands ---------------------------------------------------- */

/* Read exactly n bytes of the command's data area; short is a reject. */
static enum ccw_result get(struct ccw_stream *ds, void *buf, uint32_t n)
{
	int r;

	if (ccw_data_len(ds) < n)
		return CCW_CMD_REJECT;
	r = ccw_data_read(ds, buf, n);
	if (r < 0)
		return (enum ccw_result)-r;
	return (uint32_t)r == n ? CCW_OK : CCW_CMD_REJECT;
}

static enum ccw_result put(struct ccw_stream *ds, const void *buf, uint32_t n)
{
	int r;

	if (ccw_data_len(ds) < n)
		return CCW_CMD_REJECT;
	r = ccw_data_write(ds, buf, n);
	return r < 0 ? (enum ccw_result)-r : CCW_OK;
}

static enum ccw_result cmd_set_virtio_rev(struct virtio_ccw_dev *vd,
					  struct ccw_stream *ds)
{
	uint8_t b[4];
	enum ccw_result r = get(ds, b, 4);

	if (r != CCW_OK)
		return r;
	uint16_t rev = be16_ld(b), len = be16_ld(b + 2);
	/* Only before any other command, only known revisions, and these
	 * carry no data (spec 4.3.2.1.1). */
	if (vd->revision >= 0 || rev > VCCW_MAX_REVISION || len != 0)
		return CCW_CMD_REJECT;
	vd->revision = rev;
	return CCW_OK;
}

static enum ccw_result cmd_read_feat(struct virtio_ccw_dev *vd,
				     struct ccw_stream *ds)
{
	uint8_t b[5];
	enum ccw_result r = get(ds, b, 5);

	if (r != CCW_OK)
		return r;
	uint8_t index = b[4];
	uint64_t f = offered(vd);
	uint32_t w = index == 0 ? (uint32_t)f : index == 1 ? (uint32_t)(f >> 32) : 0;

	le32_st(b, w);
	ccw_data_rewind(ds);
	return put(ds, b, 5);
}

static enum ccw_result cmd_write_feat(struct virtio_ccw_dev *vd,
				      struct ccw_stream *ds)
{
	uint8_t b[5];
	enum ccw_result r = get(ds, b, 5);

	if (r != CCW_OK)
		return r;
	if (vd->status & VIRTIO_STATUS_FEATURES_OK)
		return CCW_CMD_REJECT;	/* too late (spec 3.1.1) */
	uint32_t w = le32_ld(b);
	uint8_t index = b[4];
	if (index == 0)
		vd->guest_features = (vd->guest_features & ~0xffffffffULL) | w;
	else if (index == 1 && vd->revision >= 1)
		vd->guest_features = (vd->guest_features & 0xffffffffULL) |
				     ((uint64_t)w << 32);
	/* Legacy drivers cannot ask for features not offered. */
	if (vd->revision < 1)
		vd->guest_features &= offered(vd);
	sync_queue_features(vd);
	return CCW_OK;
}

static enum ccw_result cmd_read_conf(struct virtio_ccw_dev *vd,
				     struct ccw_stream *ds)
{
	uint8_t cfg[CONFIG_MAX] = { 0 };
	uint32_t n = vd->ops->config_size;
	int w;

	if (vd->ops->get_config)
		vd->ops->get_config(vd->dev, cfg, modern(vd));
	if (n > ccw_data_len(ds))
		n = ccw_data_len(ds);
	w = ccw_data_write(ds, cfg, n);
	return w < 0 ? (enum ccw_result)-w : CCW_OK;
}

static enum ccw_result cmd_write_conf(struct virtio_ccw_dev *vd,
				      struct ccw_stream *ds)
{
	uint8_t cfg[CONFIG_MAX] = { 0 };
	uint32_t n = vd->ops->config_size;
	int rd;

	if (n > ccw_data_len(ds))
		n = ccw_data_len(ds);
	if (vd->ops->get_config)
		vd->ops->get_config(vd->dev, cfg, modern(vd));
	rd = ccw_data_read(ds, cfg, n);
	if (rd < 0)
		return (enum ccw_result)-rd;
	if (vd->ops->set_config)
		vd->ops->set_config(vd->dev, cfg, n, modern(vd));
	return CCW_OK;
}

static enum ccw_result cmd_write_status(struct virtio_ccw_dev *vd,
					struct ccw_stream *ds)
{
	uint8_t st;
	enum ccw_result r = get(ds, &st, 1);

	if (r != CCW_OK)
		return r;
	if (st == 0) {
		vdev_reset(vd);
		return CCW_OK;
	}
	if ((st & VIRTIO_STATUS_FEATURES_OK) &&
	    !(vd->status & VIRTIO_STATUS_FEATURES_OK)) {
		/* Spec 3.1.1: the device refuses features it did not offer,
		 * and a revision >= 1 driver must accept VERSION_1. */
		if ((vd->guest_features & ~offered(vd)) ||
		    (vd->revision >= 1 && !modern(vd)))
			return CCW_CMD_REJECT;
	}
	bool driver_ok = (st & VIRTIO_STATUS_DRIVER_OK) &&
			 !(vd->status & VIRTIO_STATUS_DRIVER_OK);
	vd->status = (uint8_t)(st | (vd->status & VIRTIO_STATUS_NEEDS_RESET));
	if (driver_ok) {
		sync_queue_features(vd);
		if (vd->ops->driver_ok)
			vd->ops->driver_ok(vd->dev);
	}
	return CCW_OK;
}

static enum ccw_result cmd_read_status(struct virtio_ccw_dev *vd,
				       struct ccw_stream *ds)
{
	if (vd->revision < 2)
		return CCW_CMD_REJECT;
	return put(ds, &vd->status, 1);
}

static enum ccw_result cmd_read_vq_conf(struct virtio_ccw_dev *vd,
					struct ccw_stream *ds)
{
	uint8_t b[4];
	enum ccw_result r = get(ds, b, 4);

	if (r != CCW_OK)
		return r;
	uint16_t index = be16_ld(b);
	be16_st(b + 2, index < vd->ops->num_queues ? vd->ops->queue_max : 0);
	ccw_data_rewind(ds);
	return put(ds, b, 4);
}

static enum ccw_result cmd_set_vq(struct virtio_ccw_dev *vd,
				  struct ccw_stream *ds)
{
	uint8_t b[32];
	struct virtqueue nq;
	uint16_t index, num;
	enum ccw_result r;

	vq_reset(&nq);
	if (vd->revision < 1) {
		/* struct vq_info_block_legacy: queue, align, index, num */
		r = get(ds, b, 16);
		if (r != CCW_OK)
			return r;
		uint64_t queue = be64_ld(b);
		uint32_t align = be32_ld(b + 8);
		index = be16_ld(b + 12);
		num = be16_ld(b + 14);
		if (index >= vd->ops->num_queues)
			return CCW_CMD_REJECT;
		if (queue) {
			if (align != 4096)
				return CCW_CMD_REJECT;
			nq.desc = queue;
			nq.avail = queue + 16ULL * num;
			nq.used = (nq.avail + 6 + 2ULL * num + 4095) & ~4095ULL;
		}
	} else {
		/* struct vq_info_block: desc, res0, index, num, driver, device
		 * (for a packed ring: the descriptor ring and the driver and
		 * device event-suppression areas). */
		r = get(ds, b, 32);
		if (r != CCW_OK)
			return r;
		nq.desc = be64_ld(b);
		index = be16_ld(b + 12);
		num = be16_ld(b + 14);
		nq.avail = be64_ld(b + 16);
		nq.used = be64_ld(b + 24);
		if (index >= vd->ops->num_queues)
			return CCW_CMD_REJECT;
	}
	if (vd->status & VIRTIO_STATUS_DRIVER_OK)
		return CCW_CMD_REJECT;
	if (!nq.desc) {
		/* Address 0 disables the queue. */
		vq_reset(&vd->vq[index]);
		return CCW_OK;
	}
	nq.num = num;
	nq.le = modern(vd);
	nq.packed = vd->guest_features & VIRTIO_F_RING_PACKED;
	if (num > vd->ops->queue_max || !vq_valid(vd->vm, &nq))
		return CCW_CMD_REJECT;
	nq.ready = true;
	vd->vq[index] = nq;
	sync_queue_features(vd);
	return CCW_OK;
}

static enum ccw_result get_addr(struct virtio_ccw_dev *vd, struct ccw_stream *ds,
				uint64_t *addr, uint64_t size)
{
	uint8_t b[8];
	enum ccw_result r = get(ds, b, 8);

	if (r != CCW_OK)
		return r;
	*addr = be64_ld(b);
	if (!*addr || !vm_absolute(vd->vm, *addr, size))
		return CCW_CMD_REJECT;
	return CCW_OK;
}

static enum ccw_result cmd_set_ind(struct virtio_ccw_dev *vd,
				   struct ccw_stream *ds)
{
	uint64_t a;
	enum ccw_result r;

	if (vd->thinint)
		return CCW_CMD_REJECT;
	r = get_addr(vd, ds, &a, 8);
	if (r == CCW_OK)
		vd->ind = a;
	return r;
}

static enum ccw_result cmd_set_conf_ind(struct virtio_ccw_dev *vd,
					struct ccw_stream *ds)
{
	uint64_t a;
	enum ccw_result r = get_addr(vd, ds, &a, 8);

	if (r == CCW_OK)
		vd->conf_ind = a;
	return r;
}

static enum ccw_result cmd_set_ind_adapter(struct virtio_ccw_dev *vd,
					   struct ccw_stream *ds)
{
	/* struct virtio_thinint_area: summary_indicator, indicator,
	 * bit_nr (be64 each), isc. */
	uint8_t b[25];
	enum ccw_result r;

	if (vd->ind)
		return CCW_CMD_REJECT;
	r = get(ds, b, 25);
	if (r != CCW_OK)
		return r;
	uint64_t summary = be64_ld(b), ind = be64_ld(b + 8);
	uint64_t bit = be64_ld(b + 16);
	uint8_t isc = b[24];
	uint64_t last = bit + VCCW_MAX_QUEUES;
	if (isc > 7 || bit > (1ULL << 32) || !summary || !ind ||
	    !vm_absolute(vd->vm, summary, 1) ||
	    !vm_absolute(vd->vm, ind, (last + 7) / 8))
		return CCW_CMD_REJECT;
	vd->summary_ind = summary;
	vd->adapter_ind = ind;
	vd->ind_bit = bit;
	vd->isc = isc;
	vd->thinint = true;
	return CCW_OK;
}

static enum ccw_result cmd_vdev_reset(struct virtio_ccw_dev *vd,
				      struct ccw_stream *ds)
{
	(void)ds;
	vdev_reset(vd);
	return CCW_OK;
}

struct vccw_cmd {
	uint8_t code;
	const char *name;
	enum ccw_result (*fn)(struct virtio_ccw_dev *vd, struct ccw_stream *ds);
};

static const struct vccw_cmd vccw_cmds[] = {
	{ CCW_CMD_SET_VQ, "SET_VQ", cmd_set_vq },
	{ CCW_CMD_VDEV_RESET, "VDEV_RESET", cmd_vdev_reset },
	{ CCW_CMD_SET_IND, "SET_IND", cmd_set_ind },
	{ CCW_CMD_SET_CONF_IND, "SET_CONF_IND", cmd_set_conf_ind },
	{ CCW_CMD_SET_IND_ADAPTER, "SET_IND_ADAPTER", cmd_set_ind_adapter },
	{ CCW_CMD_READ_FEAT, "READ_FEAT", cmd_read_feat },
	{ CCW_CMD_WRITE_FEAT, "WRITE_FEAT", cmd_write_feat },
	{ CCW_CMD_READ_CONF, "READ_CONF", cmd_read_conf },
	{ CCW_CMD_WRITE_CONF, "WRITE_CONF", cmd_write_conf },
	{ CCW_CMD_WRITE_STATUS, "WRITE_STATUS", cmd_write_status },
	{ CCW_CMD_READ_VQ_CONF, "READ_VQ_CONF", cmd_read_vq_conf },
	{ CCW_CMD_SET_VIRTIO_REV, "SET_VIRTIO_REV", cmd_set_virtio_rev },
	{ CCW_CMD_READ_STATUS, "READ_STATUS", cmd_read_status },
};

static enum ccw_result vccw_ccw(void *dev, struct subchannel *sch,
				const struct ccw1 *ccw, struct ccw_stream *ds)
{
	struct virtio_ccw_dev *vd = dev;
	enum ccw_result r = CCW_CMD_REJECT;

	(void)sch;
	vccw_lock(vd);
	for (size_t i = 0; i < sizeof(vccw_cmds) / sizeof(vccw_cmds[0]); i++) {
		if (vccw_cmds[i].code != ccw->cmd)
			continue;
		if (vd->revision < 0 && ccw->cmd != CCW_CMD_SET_VIRTIO_REV)
			vd->revision = 0;
		r = vccw_cmds[i].fn(vd, ds);
		break;
	}
	vccw_unlock(vd);
	return r;
}

/* MSCH disabled the subchannel: a new driver starts from scratch,
 * including the revision (spec 4.3.2.1). */
static void vccw_disabled(void *dev)
{
	struct virtio_ccw_dev *vd = dev;

	vccw_lock(vd);
	vdev_reset(vd);
	vd->revision = -1;
	vccw_unlock(vd);
}

static int vccw_mig_collect(void *dev, uint32_t instance,
			    struct mig_sections *ss);

const struct css_dev_ops virtio_ccw_css_ops = {
	.name = "virtio-ccw",
	.ccw = vccw_ccw,
	.disabled = vccw_disabled,
	.mig_collect = vccw_mig_collect,
};

int virtio_ccw_create(struct virtio_ccw_dev **out, struct css *css, int devno,
		      const struct virtio_dev_ops *ops, void *dev, char **err)
{
	struct virtio_ccw_dev *vd;
	struct css_sense_id id = {
		.cu_type = VIRTIO_CCW_CU_TYPE,
		.cu_model = ops->device_id,
	};

	if (ops->num_queues > VCCW_MAX_QUEUES || ops->config_size > CONFIG_MAX ||
	    ops->queue_max > VQ_MAX_SIZE) {
		error_setf(err, "%s: bad device description", ops->name);
		return -EINVAL;
	}
	vd = calloc(1, sizeof(*vd));
	if (!vd) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&vd->lock, NULL);
	vd->vm = css_vm(css);
	vd->css = css;
	vd->ops = ops;
	vd->dev = dev;
	vd->revision = -1;
	vd->sch = css_add_device(css, devno, &id, &virtio_ccw_css_ops, vd, false, err);
	if (!vd->sch) {
		pthread_mutex_destroy(&vd->lock);
		free(vd);
		return -EINVAL;
	}
	*out = vd;
	return 0;
}

void virtio_ccw_destroy(struct virtio_ccw_dev *vd)
{
	if (!vd)
		return;
	pthread_mutex_destroy(&vd->lock);
	free(vd);
}

/* ---- migration -------------------------------------------------------------
 *
 * Section "virtio-ccw", one per device, instance = subchannel number: the
 * revision, device status, negotiated features, classic indicator,
 * adapter-interruption set-up and the queues (devices/virtqueue.c
 * virtqueue_vmsd); the device id and queue count are configuration and
 * must match the destination's.  The configuration-change indicator
 * (SET_CONF_IND) is the subsection virtio-ccw/conf-ind: sent when the
 * driver set one on s390-ccw-mini-3, never on -2 and older (compat row in
 * migrate/machine.c), where a destination without it signals later
 * configuration changes without the indicator.  `generation` is host-side
 * (don't migrate).  The device's own section (ops->vmsd) follows.
 */
struct vccw_state {
	uint8_t device_id;		/* configuration: must match */
	int32_t revision;
	uint8_t status;
	uint64_t guest_features;
	uint64_t ind;
	bool thinint;
	uint64_t summary_ind, adapter_ind, ind_bit;
	uint8_t isc;
	uint32_t nvq;			/* configuration: ops->num_queues */
	struct virtqueue vq[VCCW_MAX_QUEUES];
	uint64_t conf_ind;		/* subsection virtio-ccw/conf-ind */
};

static int vccw_pre_save(void *dev, void *state, char **err)
{
	struct virtio_ccw_dev *vd = dev;
	struct vccw_state *s = state;

	(void)err;
	vccw_lock(vd);
	s->device_id = vd->ops->device_id;
	s->revision = vd->revision;
	s->status = vd->status;
	s->guest_features = vd->guest_features;
	s->ind = vd->ind;
	s->conf_ind = vd->conf_ind;
	s->thinint = vd->thinint;
	s->summary_ind = vd->summary_ind;
	s->adapter_ind = vd->adapter_ind;
	s->ind_bit = vd->ind_bit;
	s->isc = vd->isc;
	s->nvq = vd->ops->num_queues;
	memcpy(s->vq, vd->vq, sizeof(s->vq));
	vccw_unlock(vd);
	return 0;
}

static int vccw_post_load(void *dev, void *state, uint32_t version,
			  const bool *present, char **err)
{
	struct virtio_ccw_dev *vd = dev;
	struct vccw_state *s = state;

	(void)version;
	(void)present;
	if (s->device_id != vd->ops->device_id || s->nvq != vd->ops->num_queues) {
		error_setf(err, "the stream has virtio device id %u with %u "
			   "queues, this destination %s (id %u, %u queues)",
			   s->device_id, s->nvq, vd->ops->name,
			   vd->ops->device_id, vd->ops->num_queues);
		return -EINVAL;
	}
	/* Spec 4.3.2.1: revisions this transport knows; -1 = not fixed. */
	if (s->revision < -1 || s->revision > VCCW_MAX_REVISION || s->isc > 7) {
		error_setf(err, "revision %d or ISC %u out of range",
			   s->revision, s->isc);
		return -EINVAL;
	}
	uint64_t f = vd->ops->features |
		     (s->revision >= 1 ? VIRTIO_F_VERSION_1 : 0);
	if (s->guest_features & ~f) {
		error_setf(err, "negotiated features %#llx not offered by %s "
			   "here (%#llx)", (unsigned long long)s->guest_features,
			   vd->ops->name, (unsigned long long)f);
		return -EINVAL;
	}
	for (unsigned int q = 0; q < s->nvq; q++) {
		struct virtqueue *vq = &s->vq[q];

		vq->signalled_valid = false;
		if (!vq->ready && !vq->num)
			continue;
		if (vq->num > vd->ops->queue_max || !vq_valid(vd->vm, vq) ||
		    (vq->packed && (vq->last_avail >= vq->num ||
				    vq->used_idx >= vq->num))) {
			error_setf(err, "queue %u (size %u, ring at %#llx) is "
				   "not a valid queue here", q, vq->num,
				   (unsigned long long)vq->desc);
			return -EINVAL;
		}
	}
	return 0;
}

static void vccw_commit(void *dev, const void *state)
{
	struct virtio_ccw_dev *vd = dev;
	const struct vccw_state *s = state;
	bool kick;

	vccw_lock(vd);
	vd->revision = s->revision;
	vd->status = s->status;
	vd->guest_features = s->guest_features;
	vd->ind = s->ind;
	vd->conf_ind = s->conf_ind;
	vd->thinint = s->thinint;
	vd->summary_ind = s->summary_ind;
	vd->adapter_ind = s->adapter_ind;
	vd->ind_bit = s->ind_bit;
	vd->isc = s->isc;
	memcpy(vd->vq, s->vq, sizeof(vd->vq));
	kick = (vd->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vd->status & VIRTIO_STATUS_NEEDS_RESET);
	vccw_unlock(vd);
	/* Buffers the driver made available before the save and did not
	 * notify again (event index): let the device look at every queue. */
	for (unsigned int q = 0; kick && vd->ops->notify && q < s->nvq; q++)
		if (s->vq[q].ready)
			vd->ops->notify(vd->dev, q);
}

static void vccw_quiesce(void *dev, bool hold)
{
	struct virtio_ccw_dev *vd = dev;

	if (vd->ops->quiesce)
		vd->ops->quiesce(vd->dev, hold);
}

static bool conf_ind_needed(void *dev, const void *state)
{
	(void)dev;
	return ((const struct vccw_state *)state)->conf_ind != 0;
}

static const struct vms_field vccw_fields[] = {
	VMS_SCALAR(struct vccw_state, device_id, VMS_U8, 1),
	VMS_SCALAR(struct vccw_state, revision, VMS_I32, 1),
	VMS_SCALAR(struct vccw_state, status, VMS_U8, 1),
	VMS_SCALAR(struct vccw_state, guest_features, VMS_U64, 1),
	VMS_SCALAR(struct vccw_state, ind, VMS_U64, 1),
	VMS_SCALAR(struct vccw_state, thinint, VMS_BOOL, 1),
	VMS_SCALAR(struct vccw_state, summary_ind, VMS_U64, 1),
	VMS_SCALAR(struct vccw_state, adapter_ind, VMS_U64, 1),
	VMS_SCALAR(struct vccw_state, ind_bit, VMS_U64, 1),
	VMS_SCALAR(struct vccw_state, isc, VMS_U8, 1),
	VMS_SCALAR(struct vccw_state, nvq, VMS_U32, 1),
	VMS_VSTRUCTS(struct vccw_state, vq, virtqueue_vmsd, nvq, 1),
};

static const struct vms_field vccw_conf_ind_fields[] = {
	VMS_SCALAR(struct vccw_state, conf_ind, VMS_U64, 1),
};
static const struct vms_desc vccw_conf_ind_vmsd = {
	.name = "virtio-ccw/conf-ind", .version = 1, .min_version = 1,
	.size = sizeof(struct vccw_state), VMS_FIELDS(vccw_conf_ind_fields),
};

static const struct vms_subsection vccw_subs[] = {
	{
		.name = "virtio-ccw/conf-ind", .desc = &vccw_conf_ind_vmsd,
		.policy_prop = "migrate-conf-ind",
		.policy_default = VMS_WHEN_NEEDED,
		.needed = conf_ind_needed,
		.needed_doc = "the driver set a configuration indicator (SET_CONF_IND)",
	},
};

const struct vms_desc virtio_ccw_vmsd = {
	.name = "virtio-ccw", .version = 1, .min_version = 1,
	.size = sizeof(struct vccw_state), VMS_FIELDS(vccw_fields),
	VMS_SUBS(vccw_subs),
	.pre_save = vccw_pre_save, .post_load = vccw_post_load,
	.commit = vccw_commit, .quiesce = vccw_quiesce,
};

static int vccw_mig_collect(void *dev, uint32_t instance,
			    struct mig_sections *ss)
{
	struct virtio_ccw_dev *vd = dev;
	int rc = mig_sections_add(ss, &virtio_ccw_vmsd, instance, vd);

	if (!rc && vd->ops->vmsd)
		rc = mig_sections_add(ss, vd->ops->vmsd, instance, vd->dev);
	return rc;
}
