/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk from the guest, revisions 0, 1 and 2 (with a packed ring):
 * capacity from the
 * configuration space, writes then reads back and compares (one, two and
 * three data descriptors, through an indirect table too), flush, get-id,
 * write-zeroes, and a read past the end (IOERR).  It leaves a pattern
 * the host-side runner checks in the image file afterwards: sector s of
 * the first 8 holds "minivmm sector s" then bytes (s * 7 + i) & 0xff;
 * sectors 8-9 are zeroed by WRITE_ZEROES; sectors 16-23 and 32-39 hold
 * the same pattern for s + 100 and s + 200.
 * Run with: -drive file=IMG,format=raw,if=none,id=d0 -device virtio-blk-ccw,drive=d0
 */
#include "lib/guest.h"
#include "lib/tap.h"
#include "lib/virtio.h"

#define SECTOR 512
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_WRITE_ZEROES 13

static struct vdev d;
static uint8_t data[8 * SECTOR] __attribute__((aligned(8)));
static uint8_t back[8 * SECTOR] __attribute__((aligned(8)));
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t status;
static struct { uint64_t sector; uint32_t num, flags; } wz;

static void set_hdr(uint32_t type, uint64_t sector)
{
	hdr.type = d.le ? __builtin_bswap32(type) : type;
	hdr.reserved = 0;
	hdr.sector = d.le ? __builtin_bswap64(sector) : sector;
	status = 0xff;
}

/* A request: header, data split in `parts` descriptors, status. */
static int request(uint32_t type, uint64_t sector, void *buf, uint32_t len,
		   int parts, bool indirect)
{
	struct vbuf b[6];
	int n = 0;

	set_hdr(type, sector);
	b[n++] = (struct vbuf){ &hdr, 16, false };
	for (int i = 0; i < parts; i++) {
		uint32_t chunk = len / (uint32_t)parts;
		uint32_t l = i == parts - 1 ? len - chunk * (uint32_t)i : chunk;

		b[n++] = (struct vbuf){ (uint8_t *)buf + chunk * (uint32_t)i, l,
					type == T_IN || type == T_GET_ID };
	}
	b[n++] = (struct vbuf){ &status, 1, true };
	int64_t used = virtio_xfer(&d, 0, b, n, indirect);
	return used < 0 ? -1 : status;
}

static void fill(uint8_t *p, int s)
{
	for (int i = 0; i < SECTOR; i++)
		p[i] = (uint8_t)(s * 7 + i);
	snprintf((char *)p, 32, "minivmm sector %d", s);
}

static void one_revision(uint32_t schid, int rev, bool packed)
{
	static uint8_t cfg[60];
	/* Revision 1 also with event index and adapter interruptions. */
	uint64_t want = VIRTIO_F_INDIRECT_DESC | (rev == 1 ? VIRTIO_F_EVENT_IDX : 0) |
			(packed ? VIRTIO_F_RING_PACKED : 0);
	int r = virtio_setup(&d, schid, rev, want, 1, rev == 1);

	tap_ok(r == 0 && (d.features & want) == want, "rev %d: set-up (%d)", rev, r);
	memset(cfg, 0, sizeof(cfg));
	r = vccw_cmd(&d, CCW_READ_CONF, 0, cfg, sizeof(cfg));
	uint64_t cap = virtio_le64(&d, cfg);
	tap_ok(r == 0 && cap == 64, "rev %d: capacity %llu sectors", rev,
	       (unsigned long long)cap);

	/* Revision 0 writes sectors 16-23 with pattern s+100, the packed
	 * ring 32-39 with s+200, revision 1 sectors 0-7 with s. */
	int pat = rev == 0 ? 100 : packed ? 200 : 0;
	for (int s = 0; s < 8; s++)
		fill(data + s * SECTOR, s + pat);
	uint64_t base = rev == 0 ? 16 : packed ? 32 : 0;
	tap_ok(request(T_OUT, base, data, 4 * SECTOR, 1, false) == 0 &&
	       request(T_OUT, base + 4, data + 4 * SECTOR, 4 * SECTOR, 3, true) == 0,
	       "rev %d: write 8 sectors (1 and 3 data descriptors, indirect)", rev);
	memset(back, 0, sizeof(back));
	tap_ok(request(T_IN, base, back, 8 * SECTOR, 2, false) == 0 &&
	       !memcmp(back, data, sizeof(back)),
	       "rev %d: read back 8 sectors in 2 descriptors, same bytes", rev);
	memset(back, 0, sizeof(back));
	tap_ok(request(T_IN, base + 3, back, 2 * SECTOR, 2, true) == 0 &&
	       !memcmp(back, data + 3 * SECTOR, 2 * SECTOR),
	       "rev %d: indirect read of sectors 3-4", rev);
	tap_ok(request(T_FLUSH, 0, 0, 0, 0, false) == 0, "rev %d: flush", rev);
	memset(back, 0, 20);
	tap_ok(request(T_GET_ID, 0, back, 20, 1, false) == 0 &&
	       !memcmp(back, "d0", 3), "rev %d: get-id '%s'", rev, (char *)back);
	tap_ok(request(T_IN, 63, back, 2 * SECTOR, 1, false) == 1,
	       "rev %d: read past the end: IOERR", rev);
	tap_ok(request(T_OUT, 0, data, 100, 1, false) == 1,
	       "rev %d: partial-sector write: IOERR", rev);
	tap_ok(request(99, 0, back, SECTOR, 1, false) == 2,
	       "rev %d: unknown request type: UNSUPP", rev);
}

int main(void)
{
	sclp_init();
	css_init();
	tap_plan(33);

	uint32_t schid = virtio_find(2, 0);
	tap_ok(schid != 0, "found virtio-blk at subchannel %x", schid);
	if (!schid)
		return tap_done();
	one_revision(schid, 0, false);
	one_revision(schid, 1, false);
	one_revision(schid, 2, true);

	/* WRITE_ZEROES on sectors 8-9 (rev 1, negotiated feature). */
	virtio_setup(&d, schid, 1, (1ULL << 14), 1, false);
	wz.sector = __builtin_bswap64(8);
	wz.num = __builtin_bswap32(2);
	wz.flags = 0;
	struct vbuf b[3] = { { &hdr, 16, false }, { &wz, 16, false },
			     { &status, 1, true } };
	set_hdr(T_WRITE_ZEROES, 0);
	int64_t n = virtio_xfer(&d, 0, b, 3, false);
	tap_ok(n >= 1 && status == 0, "write-zeroes of sectors 8-9");
	memset(back, 0xaa, 2 * SECTOR);
	request(T_IN, 8, back, 2 * SECTOR, 1, false);
	bool zero = true;
	for (int i = 0; i < 2 * SECTOR; i++)
		zero &= back[i] == 0;
	tap_ok(zero, "sectors 8-9 read back as zeros");
	return tap_done();
}
