/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk (virtio spec 5.2 "Block Device") on a raw image file.
 *
 * One request queue.  A request is a chain: the 16-byte header (type,
 * reserved, sector; little-endian when VERSION_1 was negotiated, else
 * big-endian), data buffers, and a one-byte writable status at the very
 * end.  Types served: IN, OUT, FLUSH, GET_ID, DISCARD, WRITE_ZEROES;
 * anything else answers UNSUPP.  Out-of-range sectors and malformed
 * requests answer IOERR; a broken ring sets NEEDS_RESET.
 *
 * Requests are served off the vCPU threads: DIAG 0x500 only wakes the
 * device's worker thread, which pops, does pread/pwrite on the image,
 * pushes and interrupts.  The worker runs under the block-I/O seccomp
 * allowlist and is joined in virtio_blk_destroy().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio-ccw.h"
#include "devices/virtio-devices.h"
#include "migrate/vmstate.h"
#include "seccomp/seccomp.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define SECTOR_SIZE		512
#define BLK_QUEUE_MAX		256
#define BLK_SEG_MAX		(BLK_QUEUE_MAX - 2)
#define BLK_ID_BYTES		20
#define BLK_MAX_DISCARD_SECTORS	(1U << 22)
#define BLK_MAX_WZ_SECTORS	(1U << 22)
#define BLK_BOUNCE		(1U << 20)	/* bytes per pread/pwrite */

/* Feature bits (spec 5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX	(1ULL << 2)
#define VIRTIO_BLK_F_RO		(1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE	(1ULL << 6)
#define VIRTIO_BLK_F_FLUSH	(1ULL << 9)
#define VIRTIO_BLK_F_DISCARD	(1ULL << 13)
#define VIRTIO_BLK_F_WRITE_ZEROES (1ULL << 14)

/* Request types and status values (spec 5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

/* Configuration layout (spec 5.2.4), the fields minivmm fills. */
#define CFG_CAPACITY		0
#define CFG_SEG_MAX		12
#define CFG_BLK_SIZE		20
#define CFG_MAX_DISCARD_SECTORS	36
#define CFG_MAX_DISCARD_SEG	40
#define CFG_DISCARD_ALIGN	44
#define CFG_MAX_WZ_SECTORS	48
#define CFG_MAX_WZ_SEG		52
#define CFG_WZ_MAY_UNMAP	56
#define CFG_SIZE		60

struct virtio_blk {
	struct virtio_ccw_dev *vd;	/* transport: all guest-visible state */
	/* Configuration (from the command line, not migrated). */
	int fd;
	bool readonly, sync_writes, flush_noop;
	uint64_t sectors;
	char id[BLK_ID_BYTES];
	struct virtio_dev_ops ops;	/* features depend on readonly */
	/* Worker thread. */
	pthread_t thread;
	pthread_mutex_t wlock;
	pthread_cond_t wcond;
	bool kicked, stop;
	/* Migration (blk_quiesce): held keeps the worker from starting a
	 * pass over the queue; busy says it is in one. */
	bool held, busy;
	pthread_cond_t idle;		/* busy went false */
	struct vq_elem elem;		/* worker scratch */
	uint8_t *bounce;
};

static void st32x(bool le, uint8_t *p, uint32_t v)
{
	if (le)
		le32_st(p, v);
	else
		be32_st(p, v);
}

static void blk_get_config(void *dev, uint8_t *cfg, bool le)
{
	struct virtio_blk *b = dev;

	if (le)
		le64_st(cfg + CFG_CAPACITY, b->sectors);
	else
		be64_st(cfg + CFG_CAPACITY, b->sectors);
	st32x(le, cfg + CFG_SEG_MAX, BLK_SEG_MAX);
	st32x(le, cfg + CFG_BLK_SIZE, SECTOR_SIZE);
	st32x(le, cfg + CFG_MAX_DISCARD_SECTORS, BLK_MAX_DISCARD_SECTORS);
	st32x(le, cfg + CFG_MAX_DISCARD_SEG, 1);
	st32x(le, cfg + CFG_DISCARD_ALIGN, 1);
	st32x(le, cfg + CFG_MAX_WZ_SECTORS, BLK_MAX_WZ_SECTORS);
	st32x(le, cfg + CFG_MAX_WZ_SEG, 1);
	cfg[CFG_WZ_MAY_UNMAP] = 0;
}

static void blk_notify(void *dev, unsigned int q)
{
	struct virtio_blk *b = dev;

	(void)q;
	pthread_mutex_lock(&b->wlock);
	b->kicked = true;
	pthread_cond_signal(&b->wcond);
	pthread_mutex_unlock(&b->wlock);
}

/* Move len bytes between the image at off and the element's data part
 * (after the header for OUT, before the status for IN). */
static int blk_rw(struct virtio_blk *b, struct vm *vm, const struct vq_elem *e,
		  bool write, uint64_t off, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done;

		if (n > BLK_BOUNCE)
			n = BLK_BOUNCE;
		if (write) {
			if (vq_elem_read(vm, e, 16 + done, b->bounce, n) != (int64_t)n)
				return -EFAULT;
			if (pwrite(b->fd, b->bounce, n, (off_t)(off + done)) != (ssize_t)n)
				return -EIO;
		} else {
			ssize_t got = pread(b->fd, b->bounce, n, (off_t)(off + done));

			if (got != (ssize_t)n)
				return -EIO;
			if (vq_elem_write(vm, e, done, b->bounce, n) != (int64_t)n)
				return -EFAULT;
		}
		done += n;
	}
	if (write && b->sync_writes && fdatasync(b->fd) < 0)
		return -EIO;
	return 0;
}

/* DISCARD / WRITE_ZEROES: one segment {sector le64, num_sectors le32,
 * flags le32} (spec 5.2.6).  Both write zeros here: a raw file has no
 * cheaper portable way that reads back as zeros everywhere. */
static uint8_t blk_zero_range(struct virtio_blk *b, struct vm *vm,
			      const struct vq_elem *e, bool le, uint32_t max)
{
	uint8_t seg[16];

	if (e->out_len != 16 + 16 ||
	    vq_elem_read(vm, e, 16, seg, 16) != 16)
		return VIRTIO_BLK_S_IOERR;
	uint64_t sector = le ? le64_ld(seg) : be64_ld(seg);
	uint32_t n = le ? le32_ld(seg + 8) : be32_ld(seg + 8);
	uint32_t flags = le ? le32_ld(seg + 12) : be32_ld(seg + 12);
	if ((flags & ~1U) || n > max || sector > b->sectors ||
	    n > b->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	memset(b->bounce, 0, BLK_BOUNCE);
	uint64_t off = sector * SECTOR_SIZE, len = (uint64_t)n * SECTOR_SIZE;
	for (uint64_t d = 0; d < len;) {
		uint64_t c = len - d > BLK_BOUNCE ? BLK_BOUNCE : len - d;

		if (pwrite(b->fd, b->bounce, c, (off_t)(off + d)) != (ssize_t)c)
			return VIRTIO_BLK_S_IOERR;
		d += c;
	}
	return VIRTIO_BLK_S_OK;
}

/* Serve one request; returns the bytes written into the chain. */
static uint32_t blk_request(struct virtio_blk *b, struct vm *vm,
			    const struct vq_elem *e, bool le)
{
	uint8_t hdr[16], st = VIRTIO_BLK_S_IOERR;
	uint32_t written = 0;

	/* Header readable, status writable and last (spec 5.2.6.1). */
	if (e->out_len < 16 || e->in_len < 1 ||
	    vq_elem_read(vm, e, 0, hdr, 16) != 16)
		goto status;
	uint32_t type = le ? le32_ld(hdr) : be32_ld(hdr);
	uint64_t sector = le ? le64_ld(hdr + 8) : be64_ld(hdr + 8);
	uint64_t data_in = e->in_len - 1, data_out = e->out_len - 16;

	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: {
		bool write = type == VIRTIO_BLK_T_OUT;
		uint64_t len = write ? data_out : data_in;

		if (write && b->readonly)
			break;
		if ((write && data_in) || (!write && data_out) ||
		    len % SECTOR_SIZE || sector > b->sectors ||
		    len / SECTOR_SIZE > b->sectors - sector)
			break;
		if (blk_rw(b, vm, e, write, sector * SECTOR_SIZE, len) < 0)
			break;
		if (!write)
			written = (uint32_t)len;
		st = VIRTIO_BLK_S_OK;
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		st = (b->flush_noop || b->readonly || !fdatasync(b->fd)) ?
			VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		uint64_t n = data_in < BLK_ID_BYTES ? data_in : BLK_ID_BYTES;

		if (vq_elem_write(vm, e, 0, b->id, n) == (int64_t)n) {
			written = (uint32_t)n;
			st = VIRTIO_BLK_S_OK;
		}
		break;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (b->readonly)
			break;
		st = blk_zero_range(b, vm, e, le, type == VIRTIO_BLK_T_DISCARD ?
				    BLK_MAX_DISCARD_SECTORS : BLK_MAX_WZ_SECTORS);
		break;
	default:
		st = VIRTIO_BLK_S_UNSUPP;
		break;
	}
status:
	if (e->in_len >= 1) {
		vq_elem_write(vm, e, e->in_len - 1, &st, 1);
		written++;
	}
	return written;
}

static void blk_drain(struct virtio_blk *b)
{
	struct virtio_ccw_dev *vd = b->vd;
	struct vm *vm = vccw_vm(vd);

	for (;;) {
		bool notify = false, broken;
		int r;

		vccw_lock(vd);
		r = vccw_pop(vd, 0, &b->elem);
		struct virtqueue *vq = vccw_queue(vd, 0);
		bool le = vq && vq->le;
		uint64_t gen = vccw_generation(vd);
		broken = r < 0;
		vccw_unlock(vd);
		if (broken)
			vccw_interrupt(vd, ~0u);
		if (r <= 0)
			return;

		uint32_t len = blk_request(b, vm, &b->elem, le);

		vccw_lock(vd);
		/* A reset meanwhile: the request belongs to a dead queue. */
		if (vccw_generation(vd) == gen)
			vccw_push(vd, 0, &b->elem, len, &notify);
		vccw_unlock(vd);
		if (notify)
			vccw_interrupt(vd, 0);
	}
}

static void *blk_worker(void *arg)
{
	struct virtio_blk *b = arg;
	char *err = NULL;

	/* The block I/O allowlist (seccomp/seccomp.c): positioned I/O and
	 * syncs on the image fd, futexes; waits at the gate until minivmm
	 * dropped its privileges. */
	if (sandbox_enter(SANDBOX_BLOCK_IO, &err) < 0) {
		vm_request_end(vccw_vm(b->vd), VM_END_ERROR, "virtio-blk: %s",
			       err ? err : "cannot enter the sandbox");
		free(err);
		return NULL;
	}
	pthread_mutex_lock(&b->wlock);
	while (!b->stop) {
		if (!b->kicked || b->held) {
			pthread_cond_wait(&b->wcond, &b->wlock);
			continue;
		}
		b->kicked = false;
		b->busy = true;
		pthread_mutex_unlock(&b->wlock);
		blk_drain(b);
		pthread_mutex_lock(&b->wlock);
		b->busy = false;
		pthread_cond_broadcast(&b->idle);
	}
	pthread_mutex_unlock(&b->wlock);
	return NULL;
}

/* ---- migration -------------------------------------------------------------
 *
 * Every request the worker took from the ring is completed before a save
 * goes on (blk_quiesce waits for the pass over the queue to end), so no
 * request is ever in flight in a stream: the ring positions in the
 * virtio-ccw section say exactly which requests are done.  Buffers made
 * available but not yet taken stay in the ring; the destination's
 * transport notifies the queue after the load.  The section itself holds
 * only configuration the guest has seen (capacity and read-only, through
 * the configuration space and features): a destination with a different
 * image is refused.  The image contents are the shared storage's job.
 */
static void blk_quiesce(void *dev, bool hold)
{
	struct virtio_blk *b = dev;

	pthread_mutex_lock(&b->wlock);
	b->held = hold;
	while (hold && b->busy)
		pthread_cond_wait(&b->idle, &b->wlock);
	if (!hold)
		pthread_cond_signal(&b->wcond);
	pthread_mutex_unlock(&b->wlock);
}

struct blk_state {
	uint64_t sectors;
	bool readonly;
};

static int blk_pre_save(void *dev, void *state, char **err)
{
	struct virtio_blk *b = dev;
	struct blk_state *s = state;

	(void)err;
	s->sectors = b->sectors;
	s->readonly = b->readonly;
	return 0;
}

static int blk_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	struct virtio_blk *b = dev;
	const struct blk_state *s = state;

	(void)version;
	(void)present;
	if (s->sectors != b->sectors || s->readonly != b->readonly) {
		error_setf(err, "the stream's disk has %llu sectors%s, this "
			   "destination's %llu%s (check -drive)",
			   (unsigned long long)s->sectors,
			   s->readonly ? " (read-only)" : "",
			   (unsigned long long)b->sectors,
			   b->readonly ? " (read-only)" : "");
		return -EINVAL;
	}
	return 0;
}

static const struct vms_field blk_fields[] = {
	VMS_SCALAR(struct blk_state, sectors, VMS_U64, 1),
	VMS_SCALAR(struct blk_state, readonly, VMS_BOOL, 1),
};

const struct vms_desc virtio_blk_vmsd = {
	.name = "virtio-blk", .version = 1, .min_version = 1,
	.size = sizeof(struct blk_state), VMS_FIELDS(blk_fields),
	.pre_save = blk_pre_save, .post_load = blk_post_load,
};

int virtio_blk_create(struct virtio_blk **out, struct css *css, int devno,
		      const struct blk_config *cfg, char **err)
{
	const char *cache = cfg->cache ? cfg->cache : "writeback";
	struct virtio_blk *b;
	struct stat sb;
	int r;

	b = calloc(1, sizeof(*b));
	if (!b) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	b->fd = -1;
	pthread_mutex_init(&b->wlock, NULL);
	pthread_cond_init(&b->wcond, NULL);
	pthread_cond_init(&b->idle, NULL);
	if (!strcmp(cache, "unsafe")) {
		b->flush_noop = true;
	} else if (!strcmp(cache, "none") || !strcmp(cache, "directsync") ||
		   !strcmp(cache, "writethrough")) {
		b->sync_writes = true;
	} else if (strcmp(cache, "writeback")) {
		error_setf(err, "cache=%s: unsupported (writeback, writethrough, "
			   "none, directsync, unsafe)", cache);
		r = -EINVAL;
		goto fail;
	}
	b->readonly = cfg->readonly;
	b->fd = open(cfg->file, (b->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &sb) < 0) {
		r = -errno;
		error_setf(err, "cannot open %s: %s", cfg->file, strerror(errno));
		goto fail;
	}
	b->sectors = (uint64_t)sb.st_size / SECTOR_SIZE;
	b->bounce = malloc(BLK_BOUNCE);
	if (!b->bounce) {
		r = -ENOMEM;
		error_setf(err, "out of memory");
		goto fail;
	}
	strncpy(b->id, cfg->serial ? cfg->serial : "", BLK_ID_BYTES);
	b->ops = (struct virtio_dev_ops){
		.name = "virtio-blk",
		.device_id = VIRTIO_ID_BLOCK,
		.num_queues = 1,
		.queue_max = BLK_QUEUE_MAX,
		.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE |
			    VIRTIO_BLK_F_FLUSH | VIRTIO_F_INDIRECT_DESC |
			    VIRTIO_F_EVENT_IDX | VIRTIO_F_RING_PACKED |
			    (b->readonly ? VIRTIO_BLK_F_RO :
			     VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES),
		.config_size = CFG_SIZE,
		.get_config = blk_get_config,
		.notify = blk_notify,
		.quiesce = blk_quiesce,
		.vmsd = &virtio_blk_vmsd,
	};
	r = virtio_ccw_create(&b->vd, css, devno, &b->ops, b, err);
	if (r < 0)
		goto fail;
	r = pthread_create(&b->thread, NULL, blk_worker, b);
	if (r) {
		error_setf(err, "cannot start the virtio-blk thread: %s", strerror(r));
		virtio_ccw_destroy(b->vd);
		r = -r;
		goto fail;
	}
	*out = b;
	return 0;
fail:
	if (b->fd >= 0)
		close(b->fd);
	free(b->bounce);
	pthread_mutex_destroy(&b->wlock);
	pthread_cond_destroy(&b->wcond);
	pthread_cond_destroy(&b->idle);
	free(b);
	return r;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->wlock);
	b->stop = true;
	pthread_cond_signal(&b->wcond);
	pthread_mutex_unlock(&b->wlock);
	pthread_join(b->thread, NULL);
	virtio_ccw_destroy(b->vd);
	close(b->fd);
	free(b->bounce);
	pthread_mutex_destroy(&b->wlock);
	pthread_cond_destroy(&b->wcond);
	pthread_cond_destroy(&b->idle);
	free(b);
}
