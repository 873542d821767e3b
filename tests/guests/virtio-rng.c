/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng through the whole virtio-ccw path, for revisions 0, 1 and 2
 * with classic and adapter interruptions, split and packed rings; then the errors a driver can
 * provoke: unknown revision, a second SET_VIRTIO_REV, READ_STATUS before
 * revision 2, a queue index out of range, a notification for a queue or
 * subchannel that does not exist, a descriptor loop (NEEDS_RESET).
 * Run with: -device virtio-rng-ccw
 */
#include "lib/guest.h"
#include "lib/tap.h"
#include "lib/virtio.h"

static uint8_t buf[256] __attribute__((aligned(8)));

static bool random_enough(const uint8_t *p, int n)
{
	int zeros = 0;

	for (int i = 0; i < n; i++)
		zeros += !p[i];
	return zeros < n / 4;
}

static struct vdev d;

static void one_revision(uint32_t schid, int rev, bool adapter, bool packed)
{
	uint64_t want = VIRTIO_F_INDIRECT_DESC | (packed ? VIRTIO_F_RING_PACKED : 0);
	int r = virtio_setup(&d, schid, rev, want, 1, adapter);

	tap_ok(r == 0 && d.packed == packed, "rev %d %s%s: set-up (%d)", rev,
	       adapter ? "adapter" : "classic", packed ? " packed" : "", r);
	memset(buf, 0, sizeof(buf));
	int ai = io_int.adapter;
	struct vbuf b = { buf, 64, true };
	int64_t n = virtio_xfer(&d, 0, &b, 1, false);
	tap_ok(n == 64 && random_enough(buf, 64),
	       "rev %d: 64 random bytes (%lld)", rev, (long long)n);
	if (adapter) {
		/* Indicator bit 5 + queue 0 (counted from the left), the
		 * summary byte, then the adapter interruption itself. */
		bool ind = (d.summary == 1 && d.aind[0] == (0x80 >> 5)) ||
			   (d.seen_summary == 1 && d.seen_aind0 == (0x80 >> 5));
		while (io_int.adapter == ai)
			wait_io();
		tap_ok(ind && ((io_int.word >> 27) & 7) == IO_ISC,
		       "rev %d: indicator, summary, adapter interruption "
		       "(word %08x)", rev, io_int.word);
	}
	memset(buf, 0, sizeof(buf));
	struct vbuf two[2] = { { buf, 100, true }, { buf + 100, 156, true } };
	n = virtio_xfer(&d, 0, two, 2, true);
	tap_ok(n == 256 && random_enough(buf, 256),
	       "rev %d: indirect two-buffer request (%lld)", rev, (long long)n);
}

int main(void)
{
	static struct { uint16_t revision, length; } __attribute__((packed)) r;

	sclp_init();
	css_init();
	tap_plan(22);

	uint32_t schid = virtio_find(4, 0);
	tap_ok(schid != 0, "found virtio-rng at subchannel %x", schid);
	if (!schid)
		return tap_done();

	one_revision(schid, 0, false, false);
	one_revision(schid, 1, false, false);
	one_revision(schid, 1, false, true);
	one_revision(schid, 2, true, false);

	tap_ok(virtio_status(&d) == 0x0f, "rev 2: READ_STATUS shows DRIVER_OK");
	/* Errors. */
	virtio_setup(&d, schid, 1, 0, 1, false);
	tap_ok(virtio_status(&d) < 0 && (d.last_dstat & 0x02),
	       "rev 1: READ_STATUS is rejected (unit check)");
	r.revision = 1;
	tap_ok(vccw_cmd(&d, CCW_SET_VIRTIO_REV, 0, &r, 4) < 0 &&
	       (d.last_dstat & 0x02), "second SET_VIRTIO_REV rejected");
	/* Re-enable: disabling the subchannel forgets the revision. */
	uint32_t schib[13] __attribute__((aligned(4)));
	stsch(schid, schib);
	schib[1] &= ~0x00800000U;
	msch(schid, schib);
	d.schid = schid;
	css_enable(schid);
	r.revision = 3;
	tap_ok(vccw_cmd(&d, CCW_SET_VIRTIO_REV, 0, &r, 4) < 0 &&
	       (d.last_dstat & 0x02), "revision 3 rejected");

	static struct { uint16_t index, max; } __attribute__((packed)) c;
	c.index = 7;
	c.max = 0xffff;
	tap_ok(vccw_cmd(&d, CCW_READ_VQ_CONF, 0, &c, 4) == 0 && c.max == 0,
	       "READ_VQ_CONF of queue 7: size 0");

	virtio_setup(&d, schid, 1, 0, 1, false);
	register uint64_t r1 asm("1") = 3;
	register uint64_t r2 asm("2") = schid;
	register uint64_t r3 asm("3") = 5;
	register uint64_t r4 asm("4") = 0;
	asm volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1), "d"(r3), "d"(r4) : "memory");
	tap_ok((int64_t)r2 == -22, "notify of queue 5: -EINVAL (%lld)",
	       (long long)(int64_t)r2);

	/* A descriptor loop: the device sets NEEDS_RESET and interrupts. */
	struct vq *vq = &d.vq[0];
	vq->desc[0].addr = __builtin_bswap64((uintptr_t)buf);
	vq->desc[0].len = __builtin_bswap32(16);
	vq->desc[0].flags = __builtin_bswap16(1 | 2);
	vq->desc[0].next = 0;
	vq->avail[2] = 0;
	vq->avail[1] = __builtin_bswap16(1);
	asm volatile("bcr 14,0" : : : "memory");
	r1 = 3; r2 = schid; r3 = 0; r4 = 0;
	asm volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1), "d"(r3), "d"(r4) : "memory");
	struct irb irb;
	while (!d.conf_ind)
		wait_io();
	tsch(schid, &irb);
	tap_ok(d.conf_ind == 1, "descriptor loop: configuration indicator set");
	virtio_setup(&d, schid, 2, 0, 1, false);
	tap_ok(virtio_status(&d) == 0x0f, "after reset the device works again");
	return tap_done();
}
