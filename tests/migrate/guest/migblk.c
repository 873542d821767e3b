/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk requests in flight across a save/restore (tests/migrate/
 * guest/continuity.c runs it): MIGBLK_NREQ requests (writes and reads of
 * 16 KiB, migblk.h) go into the split ring; the first half is notified
 * and completes, the second half is made available without a
 * notification (the driver has not kicked yet), and the guest stops for
 * the save (migguest.h).  So at the save the ring holds six used and six
 * available requests the device has not taken (if the worker's pass over
 * the first half was still running when they came, it takes them and the
 * save waits for that pass: also fine).  The destination must do exactly
 * the ones the snapshot had not seen used: its transport notifies every
 * ready queue after the load (the runner says "go-quiet" there: the guest
 * does not notify again), the source's worker runs them at the guest's
 * notification after "go".  The first half is consumed before
 * the save (used entries and status bytes marked by the driver, so a
 * request run again shows).  Then the guest checks: every request
 * completed, each exactly once
 * (every head id once in the used ring), status OK and the used lengths
 * right, the reads hold the image's bytes; then one more request reads
 * the written sectors back, and it is the only further used entry.
 * Run with: -drive file=IMG,format=raw,if=none,id=d0 -device virtio-blk-ccw,drive=d0
 */
#include "lib/guest.h"
#include "lib/tap.h"
#include "lib/virtio.h"
#include "migblk.h"
#include "migguest.h"

#define SECTOR		512
#define REQ_BYTES	(MIGBLK_SECTORS * SECTOR)
#define T_IN		0
#define T_OUT		1
#define NDESC		3	/* header, data, status */

struct hdr { uint32_t type, reserved; uint64_t sector; };

static struct vdev d;
static uint8_t buf[MIGBLK_NREQ][REQ_BYTES] __attribute__((aligned(8)));
static uint8_t back_buf[REQ_BYTES * (MIGBLK_NREQ / 2)] __attribute__((aligned(8)));
static struct hdr hdrs[MIGBLK_NREQ + 1];
static volatile uint8_t status[MIGBLK_NREQ + 1];

static uint16_t le16(uint16_t v) { return __builtin_bswap16(v); }
static uint32_t le32(uint32_t v) { return __builtin_bswap32(v); }
static uint64_t le64(uint64_t v) { return __builtin_bswap64(v); }

/* Request r as descriptors NDESC*r.. (head id NDESC*r), made available. */
static void queue(struct vq *vq, unsigned int r, uint32_t type,
		  uint64_t sector, uint8_t *data, uint32_t len)
{
	struct vring_desc *x = &vq->desc[NDESC * r];
	uint16_t head = (uint16_t)(NDESC * r);

	hdrs[r] = (struct hdr){ le32(type), 0, le64(sector) };
	status[r] = 0xff;
	x[0] = (struct vring_desc){ le64((uintptr_t)&hdrs[r]), le32(16),
				    le16(1), le16((uint16_t)(head + 1)) };
	x[1] = (struct vring_desc){ le64((uintptr_t)data), le32(len),
				    le16((uint16_t)(1 | (type == T_IN ? 2 : 0))),
				    le16((uint16_t)(head + 2)) };
	x[2] = (struct vring_desc){ le64((uintptr_t)&status[r]), le32(1),
				    le16(2), 0 };
	vq->avail[2 + vq->avail_idx % vq->num] = le16(head);
	asm volatile("bcr 14,0" : : : "memory");
	vq->avail_idx++;
	vq->avail[1] = le16(vq->avail_idx);
	asm volatile("bcr 14,0" : : : "memory");
}

static void notify(struct vq *vq)
{
	register uint64_t r1 asm("1") = 3;
	register uint64_t r2 asm("2") = d.schid;
	register uint64_t r3 asm("3") = 0;
	register uint64_t r4 asm("4") = vq->cookie;

	asm volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1), "d"(r3), "d"(r4)
		     : "memory", "cc");
	if ((int64_t)r2 >= 0)
		vq->cookie = r2;
}

static uint16_t used_idx(struct vq *vq)
{
	asm volatile("bcr 14,0" : : : "memory");
	return le16(*(volatile uint16_t *)(vq->used + 2));
}

/* Used entry k: head id and length. */
static void used_elem(struct vq *vq, unsigned int k, uint32_t *id, uint32_t *len)
{
	const volatile uint8_t *e = vq->used + 4 + 8 * (k % vq->num);

	*id = le32(*(const volatile uint32_t *)e);
	*len = le32(*(const volatile uint32_t *)(e + 4));
}

/* Bounded wait for the used index to reach n. */
static bool wait_used(struct vq *vq, uint16_t n)
{
	uint64_t deadline = stck() + (20000000ULL << 12);	/* 20 s */

	while ((uint16_t)(used_idx(vq) - n) > 0x8000 && stck() < deadline)
		;
	return used_idx(vq) == n;
}

static bool read_ok(unsigned int r)
{
	uint32_t s0 = migblk_sector(r);

	for (uint32_t i = 0; i < REQ_BYTES; i++)
		if (buf[r][i] != migblk_img_byte(s0 + i / SECTOR, i % SECTOR)) {
			tap_diag("request %u: byte %u is 0x%02x, want 0x%02x", r,
				 i, buf[r][i],
				 migblk_img_byte(s0 + i / SECTOR, i % SECTOR));
			return false;
		}
	return true;
}

/* Checks of what the guest consumed (one bool per TAP line). */
static bool seen[MIGBLK_NREQ], once = true, lens = true, st = true, reads = true;

/*
 * Take used entries [from, to): each names a request not seen before, with
 * the right length, status OK and (reads) the image's bytes.  Then the
 * driver marks them consumed: the entry's id becomes ~0 and the status
 * byte 0xee, so a device that ran a request again (or wrote its used
 * entry again) after the restore is caught.
 */
static void consume(struct vq *vq, unsigned int from, unsigned int to)
{
	for (unsigned int k = from; k < to; k++) {
		uint32_t id, len;

		used_elem(vq, k, &id, &len);
		unsigned int r = id / NDESC;
		if (id % NDESC || r >= MIGBLK_NREQ || seen[r]) {
			tap_diag("used entry %u: id %u (twice or unknown)", k, id);
			once = false;
			continue;
		}
		seen[r] = true;
		if (len != (r % 2 ? REQ_BYTES + 1 : 1)) {
			tap_diag("request %u: used length %u", r, len);
			lens = false;
		}
		if (status[r] != 0) {
			tap_diag("request %u: status 0x%02x", r, status[r]);
			st = false;
		}
		if (r % 2 && !read_ok(r))
			reads = false;
		*(volatile uint32_t *)(vq->used + 4 + 8 * (k % vq->num)) = ~0u;
		status[r] = 0xee;
	}
}

int main(void)
{
	bool back = true, redone = false;

	sclp_init();
	css_init();
	uint32_t schid = virtio_find(2, 0);
	if (!schid || virtio_setup(&d, schid, 1, 0, 1, false) || !d.le ||
	    d.vq[0].num < NDESC * (MIGBLK_NREQ + 1)) {
		printf("not ok 1 virtio-blk set-up\n1..1\n");
		return 1;
	}
	struct vq *vq = &d.vq[0];

	for (unsigned int r = 0; r < MIGBLK_NREQ; r++) {
		uint32_t s0 = migblk_sector(r);

		if (r % 2 == 0)
			for (uint32_t i = 0; i < REQ_BYTES; i++)
				buf[r][i] = migblk_wr_byte(s0 + i / SECTOR, i % SECTOR);
		else
			memset(buf[r], 0, REQ_BYTES);
		queue(vq, r, r % 2 ? T_IN : T_OUT, s0, buf[r], REQ_BYTES);
		/* The first half is notified, used and consumed; the second
		 * half is made available without a notification. */
		if (r + 1 == MIGBLK_NREQ / 2) {
			notify(vq);
			if (!wait_used(vq, MIGBLK_NREQ / 2)) {
				printf("not ok 1 first half never used\n1..1\n");
				return 1;
			}
			consume(vq, 0, MIGBLK_NREQ / 2);
		}
	}
	int go = migguest_stop_here("migblk");
	if (!go)
		return 1;
	/* "go-quiet" (the destination): no new notification, the device
	 * must find the available requests by itself after the load. */
	if (go == 1)
		notify(vq);

	bool all = wait_used(vq, MIGBLK_NREQ);
	tap_ok(all, "the %d requests available at the save completed%s (used "
	       "index %u)", MIGBLK_NREQ / 2,
	       go == 2 ? " with no new notification" : "", used_idx(vq));
	consume(vq, MIGBLK_NREQ / 2, all ? MIGBLK_NREQ : used_idx(vq));
	for (unsigned int r = 0; r < MIGBLK_NREQ; r++) {
		uint32_t id, len;

		once &= seen[r];
		used_elem(vq, r, &id, &len);
		if (r < MIGBLK_NREQ / 2 && (id != ~0u || status[r] != 0xee)) {
			tap_diag("request %u, consumed before the save: used entry "
				 "id %u, status 0x%02x", r, id, status[r]);
			redone = true;
		}
	}
	tap_ok(all && once && !redone, "each request completed exactly once (the "
	       "%d consumed before the save were not run again)", MIGBLK_NREQ / 2);
	tap_ok(all && st && lens, "every request: status OK, used length right");
	tap_ok(all && reads, "the reads hold the image's bytes");

	/* The written sectors back in one request; it must be the only
	 * further completion. */
	uint32_t wlen = sizeof(back_buf);
	memset(back_buf, 0, wlen);
	queue(vq, MIGBLK_NREQ, T_IN, MIGBLK_WRITE_BASE, back_buf, wlen);
	notify(vq);
	uint32_t id = 0, len = 0;
	bool done = wait_used(vq, MIGBLK_NREQ + 1);
	used_elem(vq, MIGBLK_NREQ, &id, &len);
	for (uint32_t i = 0; done && i < wlen; i++)
		if (back_buf[i] != migblk_wr_byte(MIGBLK_WRITE_BASE + i / SECTOR,
						  i % SECTOR)) {
			tap_diag("read back: byte %u is 0x%02x", i, back_buf[i]);
			back = false;
			break;
		}
	tap_ok(done && back && id == NDESC * MIGBLK_NREQ && status[MIGBLK_NREQ] == 0 &&
	       used_idx(vq) == MIGBLK_NREQ + 1,
	       "the written sectors read back right; the only further used "
	       "entry is that read (id %u, used index %u)", id, used_idx(vq));
	printf("migblk done\n");
	tap_plan(5);
	return tap_done();
}
