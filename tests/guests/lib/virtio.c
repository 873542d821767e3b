/* SPDX-License-Identifier: MIT */
/*
 * Guest-side virtio-ccw driver (virtio spec 4.3) for the test guests.
 * Rings live in a static pool; legacy rings are big-endian (the guest's
 * own order), modern ones little-endian.
 */
#include "virtio.h"

#define POOL_PAGES	64
static uint8_t pool[POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int pool_used;
static struct vring_desc indirect_table[VQ_NUM] __attribute__((aligned(16)));

static void *page_alloc(int n)
{
	if (pool_used + n > POOL_PAGES)
		return 0;
	void *p = pool[pool_used];
	pool_used += n;
	memset(p, 0, (size_t)n * PAGE_SIZE);
	return p;
}

/* ---- byte order of rings and configuration ---- */
static uint16_t cpu16(const struct vdev *d, uint16_t v)
{
	return d->le ? __builtin_bswap16(v) : v;
}
static uint32_t cpu32(const struct vdev *d, uint32_t v)
{
	return d->le ? __builtin_bswap32(v) : v;
}
static uint64_t cpu64(const struct vdev *d, uint64_t v)
{
	return d->le ? __builtin_bswap64(v) : v;
}

uint64_t virtio_le64(const struct vdev *d, const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return cpu64(d, v);
}

uint32_t virtio_le32(const struct vdev *d, const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return cpu32(d, v);
}

/* ---- commands ---- */
static struct ccw cmd_ccw;

int vccw_cmd(struct vdev *d, uint8_t cmd, uint8_t flags, void *data,
	     uint16_t count)
{
	cmd_ccw.cmd = cmd;
	cmd_ccw.flags = flags;
	cmd_ccw.count = count;
	cmd_ccw.cda = (uint32_t)(uintptr_t)data;
	if (css_run(d->schid, &cmd_ccw, 0, &d->irb))
		return -1;
	d->last_dstat = irb_dstat(&d->irb);
	d->last_cstat = irb_cstat(&d->irb);
	return d->last_dstat == 0x0c && d->last_cstat == 0 ? 0 : -1;
}

uint32_t virtio_find(uint8_t model, int n)
{
	static uint8_t senseid[8];
	uint32_t schib[13] __attribute__((aligned(4)));
	struct vdev tmp = { 0 };

	for (uint32_t no = 0; no < 0x10000; no++) {
		uint32_t schid = 0x00010000U | no;

		if (stsch(schid, schib) == 3)
			break;		/* subchannels are numbered densely */
		if (!(schib[1] & 0x00010000U))
			continue;	/* no valid device number */
		if (css_enable(schid))
			continue;
		tmp.schid = schid;
		memset(senseid, 0, sizeof(senseid));
		if (vccw_cmd(&tmp, CCW_SENSE_ID, CCW_F_SLI, senseid, 8))
			continue;
		if (senseid[0] == 0xff && senseid[1] == 0x38 && senseid[2] == 0x32 &&
		    senseid[3] == model && n-- == 0)
			return schid;
	}
	return 0;
}

int virtio_status(struct vdev *d)
{
	static uint8_t st;

	if (vccw_cmd(d, CCW_READ_STATUS, 0, &st, 1))
		return -1;
	return st;
}

static int write_status(struct vdev *d, uint8_t st)
{
	static uint8_t b;

	b = st;
	return vccw_cmd(d, CCW_WRITE_STATUS, 0, &b, 1);
}

static int setup_vq(struct vdev *d, int i)
{
	static struct { uint16_t index, max; } __attribute__((packed)) conf;
	static struct {
		uint64_t queue;
		uint32_t align;
		uint16_t index, num;
	} __attribute__((packed)) legacy;
	static struct {
		uint64_t desc;
		uint32_t res0;
		uint16_t index, num;
		uint64_t driver, device;
	} __attribute__((packed)) modern;
	struct vq *vq = &d->vq[i];

	conf.index = (uint16_t)i;
	conf.max = 0;
	if (vccw_cmd(d, CCW_READ_VQ_CONF, 0, &conf, 4) || conf.max == 0)
		return -1;
	uint16_t num = conf.max < VQ_NUM ? conf.max : VQ_NUM;
	/* Legacy layout: desc, avail, used at the next 4K boundary. */
	uint8_t *mem = page_alloc(3);
	if (!mem)
		return -1;
	vq->num = num;
	vq->index = i;
	vq->desc = (struct vring_desc *)mem;
	vq->avail = (volatile uint16_t *)(mem + 16 * num);
	vq->used = mem + ((16 * num + 6 + 2 * num + 4095) & ~4095);
	vq->avail_idx = vq->last_used = 0;
	vq->cookie = 0;
	vq->avail_wrap = vq->used_wrap = true;
	if (d->packed) {
		/* Descriptor ring, then the two event-suppression areas. */
		vq->avail = (volatile uint16_t *)(mem + 16 * num);
		vq->used = mem + 16 * num + 4;
	}
	if (d->rev < 1) {
		legacy.queue = (uintptr_t)mem;
		legacy.align = 4096;
		legacy.index = (uint16_t)i;
		legacy.num = num;
		return vccw_cmd(d, CCW_SET_VQ, 0, &legacy, sizeof(legacy));
	}
	modern.desc = (uintptr_t)vq->desc;
	modern.res0 = 0;
	modern.index = (uint16_t)i;
	modern.num = num;
	modern.driver = (uintptr_t)vq->avail;
	modern.device = (uintptr_t)vq->used;
	return vccw_cmd(d, CCW_SET_VQ, 0, &modern, sizeof(modern));
}

int virtio_setup(struct vdev *d, uint32_t schid, int rev, uint64_t features,
		 int nvqs, bool adapter)
{
	static struct { uint16_t revision, length; } __attribute__((packed)) r;
	static struct { uint32_t bits; uint8_t index; } __attribute__((packed)) f;
	static struct {
		uint64_t summary, ind, bit_nr;
		uint8_t isc;
	} __attribute__((packed)) thin;
	static uint64_t addr;

	memset(d, 0, sizeof(*d));
	d->schid = schid;
	d->rev = rev;
	d->nvqs = nvqs;
	pool_used = 0;
	/* Disable and enable the subchannel: a new driver instance, so the
	 * revision can be negotiated again (spec 4.3.2.1). */
	uint32_t schib[13] __attribute__((aligned(4)));
	if (stsch(schid, schib) == 0 && (schib[1] & 0x00800000U)) {
		struct irb irb;

		schib[1] &= ~0x00800000U;
		if (msch(schid, schib) == 1) {
			tsch(schid, &irb);
			msch(schid, schib);
		}
	}
	if (css_enable(schid))
		return -1;
	if (rev >= 0) {
		r.revision = (uint16_t)rev;
		r.length = 0;
		if (vccw_cmd(d, CCW_SET_VIRTIO_REV, 0, &r, 4))
			return -2;
	} else {
		d->rev = 0;
	}
	if (write_status(d, 0) ||
	    write_status(d, 0x01) || write_status(d, 0x01 | 0x02))
		return -3;
	uint64_t offer = 0;
	for (uint8_t i = 0; i < 2; i++) {
		f.index = i;
		f.bits = 0;
		if (vccw_cmd(d, CCW_READ_FEAT, 0, &f, 5))
			return -4;
		offer |= (uint64_t)__builtin_bswap32(f.bits) << (32 * i);
	}
	d->features = offer & features;
	if (d->rev >= 1)
		d->features |= offer & VIRTIO_F_VERSION_1;
	for (uint8_t i = 0; i < (d->rev >= 1 ? 2 : 1); i++) {
		f.index = i;
		f.bits = __builtin_bswap32((uint32_t)(d->features >> (32 * i)));
		if (vccw_cmd(d, CCW_WRITE_FEAT, 0, &f, 5))
			return -5;
	}
	d->le = d->features & VIRTIO_F_VERSION_1;
	d->packed = d->features & VIRTIO_F_RING_PACKED;
	if (d->rev >= 1 && write_status(d, 0x01 | 0x02 | 0x08))
		return -6;
	for (int i = 0; i < nvqs; i++)
		if (setup_vq(d, i))
			return -7;
	if (adapter) {
		thin.summary = (uintptr_t)&d->summary;
		thin.ind = (uintptr_t)d->aind;
		thin.bit_nr = 5;	/* queues at bits 5, 6, ... */
		thin.isc = IO_ISC;
		if (vccw_cmd(d, CCW_SET_IND_ADAPTER, 0, &thin, sizeof(thin)))
			return -8;
		d->adapter = true;
	} else {
		addr = (uintptr_t)&d->ind;
		if (vccw_cmd(d, CCW_SET_IND, 0, &addr, 8))
			return -9;
	}
	addr = (uintptr_t)&d->conf_ind;
	if (vccw_cmd(d, CCW_SET_CONF_IND, 0, &addr, 8))
		return -10;
	if (write_status(d, 0x01 | 0x02 | 0x04 | (d->rev >= 1 ? 0x08 : 0)))
		return -11;
	return 0;
}

static int64_t diag500(uint32_t schid, uint64_t q, uint64_t cookie)
{
	register uint64_t r1 asm("1") = 3;
	register uint64_t r2 asm("2") = schid;
	register uint64_t r3 asm("3") = q;
	register uint64_t r4 asm("4") = cookie;

	asm volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1), "d"(r3), "d"(r4)
		     : "memory", "cc");
	return (int64_t)r2;
}

static uint16_t used_idx(struct vdev *d, struct vq *vq)
{
	uint16_t v;

	barrier();
	v = *(volatile uint16_t *)(vq->used + 2);
	return cpu16(d, v);
}

/* Consume a notification: clear indicator bits, or take the subchannel
 * status of a classic notification. */
static void ack_notification(struct vdev *d)
{
	struct irb irb;

	if (d->adapter) {
		d->seen_summary = d->summary;
		d->seen_aind0 = d->aind[0];
		__atomic_store_n(&d->summary, 0, __ATOMIC_SEQ_CST);
		for (int i = 0; i < 8; i++)
			__atomic_store_n(&d->aind[i], 0, __ATOMIC_SEQ_CST);
	} else {
		__atomic_store_n(&d->ind, 0, __ATOMIC_SEQ_CST);
		tsch(d->schid, &irb);
	}
}

/* A packed descriptor is {addr, len, id, flags}: the split layout's
 * flags and next fields hold id and flags. */
#define PD_ID(x)	((x)->flags)
#define PD_FLAGS(x)	((x)->next)

/* Packed ring (spec 2.8): the chain goes in at the driver's position with
 * AVAIL = wrap counter and USED = its inverse, the first descriptor's
 * flags written last; the device answers with one used descriptor at
 * its position whose AVAIL and USED bits both equal its wrap counter. */
static int64_t xfer_packed(struct vdev *d, struct vq *vq, int q,
			   const struct vbuf *bufs, int n, bool indirect)
{
	struct vring_desc *t = indirect ? indirect_table : vq->desc;
	uint16_t avail = (uint16_t)(vq->avail_wrap ? 1 << 7 : 1 << 15);
	uint16_t first_flags = 0, pos = vq->avail_idx, ndesc = 0;
	uint16_t start = pos;

	if (!indirect && n > vq->num)
		return -1;
	for (int i = 0; i < n; i++) {
		uint16_t f = (uint16_t)((bufs[i].write ? 2 : 0) |
					(!indirect && i + 1 < n ? 1 : 0));
		struct vring_desc *x = indirect ? &t[i] : &vq->desc[pos];

		x->addr = cpu64(d, (uintptr_t)bufs[i].addr);
		x->len = cpu32(d, bufs[i].len);
		PD_ID(x) = 0;
		if (indirect) {
			PD_FLAGS(x) = cpu16(d, f);
			continue;
		}
		if (i == 0)
			first_flags = f | avail;
		else
			PD_FLAGS(x) = cpu16(d, f | avail);
		ndesc++;
		if (++pos == vq->num) {
			pos = 0;
			vq->avail_wrap = !vq->avail_wrap;
			avail = (uint16_t)(vq->avail_wrap ? 1 << 7 : 1 << 15);
		}
	}
	if (indirect) {
		vq->desc[pos].addr = cpu64(d, (uintptr_t)indirect_table);
		vq->desc[pos].len = cpu32(d, (uint32_t)(n * 16));
		PD_ID(&vq->desc[pos]) = 0;
		first_flags = 4 | avail;
		ndesc = 1;
		if (++pos == vq->num) {
			pos = 0;
			vq->avail_wrap = !vq->avail_wrap;
		}
	}
	asm volatile("bcr 14,0" : : : "memory");
	PD_FLAGS(&vq->desc[start]) = cpu16(d, first_flags);
	asm volatile("bcr 14,0" : : : "memory");
	vq->avail_idx = pos;
	int64_t c = diag500(d->schid, (uint64_t)q, vq->cookie);
	if (c < 0)
		return -1;
	vq->cookie = (uint64_t)c;

	volatile struct vring_desc *u = &vq->desc[vq->last_used];
	uint16_t want = (uint16_t)(vq->used_wrap ? (1 << 7 | 1 << 15) : 0);
	for (;;) {
		int before = io_int.count;

		barrier();
		if ((cpu16(d, PD_FLAGS(u)) & (1 << 7 | 1 << 15)) == want)
			break;
		while (io_int.count == before)
			wait_io();
		ack_notification(d);
	}
	uint32_t len = cpu32(d, u->len);
	uint32_t next = (uint32_t)vq->last_used + ndesc;
	if (next >= vq->num) {
		next -= vq->num;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->last_used = (uint16_t)next;
	return len;
}

/* Split ring: the chain at descriptor 0 (one chain per queue at a time),
 * its head in the avail ring, the notification. */
static int post_split(struct vdev *d, int q, const struct vbuf *bufs, int n,
		      bool indirect)
{
	struct vq *vq = &d->vq[q];
	struct vring_desc *t = indirect ? indirect_table : vq->desc;

	if (n > VQ_NUM || (!indirect && n > vq->num))
		return -1;
	for (int i = 0; i < n; i++) {
		t[i].addr = cpu64(d, (uintptr_t)bufs[i].addr);
		t[i].len = cpu32(d, bufs[i].len);
		t[i].flags = cpu16(d, (uint16_t)((i + 1 < n ? 1 : 0) |
						 (bufs[i].write ? 2 : 0)));
		t[i].next = cpu16(d, (uint16_t)(i + 1));
	}
	if (indirect) {
		vq->desc[0].addr = cpu64(d, (uintptr_t)indirect_table);
		vq->desc[0].len = cpu32(d, (uint32_t)(n * 16));
		vq->desc[0].flags = cpu16(d, 4);
		vq->desc[0].next = 0;
	}
	/* avail: flags, idx, ring[num], used_event */
	vq->avail[2 + vq->avail_idx % vq->num] = cpu16(d, 0);
	vq->avail[2 + vq->num] = cpu16(d, vq->avail_idx);	/* used_event */
	barrier();
	asm volatile("bcr 14,0" : : : "memory");	/* serialize */
	vq->avail_idx++;
	vq->avail[1] = cpu16(d, vq->avail_idx);
	asm volatile("bcr 14,0" : : : "memory");
	int64_t c = diag500(d->schid, (uint64_t)q, vq->cookie);
	if (c < 0)
		return -1;
	vq->cookie = (uint64_t)c;
	return 0;
}

/* The next used element of a split ring: its length, -1 for a wrong id,
 * -2 when there is none yet. */
static int64_t poll_split(struct vdev *d, struct vq *vq)
{
	if (used_idx(d, vq) == vq->last_used)
		return -2;
	uint8_t *e = (uint8_t *)vq->used + 4 + 8 * (vq->last_used % vq->num);
	vq->last_used++;
	uint32_t id, len;
	memcpy(&id, e, 4);
	memcpy(&len, e + 4, 4);
	if (cpu32(d, id) != 0)
		return -1;
	return cpu32(d, len);
}

int virtio_post(struct vdev *d, int q, const struct vbuf *bufs, int n)
{
	return d->packed ? -1 : post_split(d, q, bufs, n, false);
}

int64_t virtio_poll(struct vdev *d, int q)
{
	return d->packed ? -1 : poll_split(d, &d->vq[q]);
}

void virtio_ack(struct vdev *d)
{
	ack_notification(d);
}

int64_t virtio_xfer(struct vdev *d, int q, const struct vbuf *bufs, int n,
		    bool indirect)
{
	struct vq *vq = &d->vq[q];

	if (d->packed)
		return xfer_packed(d, vq, q, bufs, n, indirect);
	if (post_split(d, q, bufs, n, indirect))
		return -1;
	while (used_idx(d, vq) == vq->last_used) {
		int before = io_int.count;

		if (used_idx(d, vq) != vq->last_used)
			break;
		while (io_int.count == before)
			wait_io();
		ack_notification(d);
	}
	return poll_split(d, vq);
}
