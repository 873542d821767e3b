/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk throughput guest (bench/virtio-blk/run, not a test): writes
 * then reads the whole disk (at most 256 MiB) sequentially in 64 KiB
 * requests (header, 16 data descriptors of 4 KiB, status, through an
 * indirect table) and prints
 *
 *   bench virtio-blk-write BYTES TIME_US
 *   bench virtio-blk-read BYTES TIME_US
 *
 * with the TOD clock as the timer.  Exits 1 if a request fails or the
 * data read back differs.
 */
#include "lib/guest.h"
#include "lib/virtio.h"

#define CHUNK	(64 * 1024)
#define SEGS	16
#define SECTOR	512

static struct vdev d;
static uint8_t buf[CHUNK] __attribute__((aligned(PAGE_SIZE)));
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t status;
static uint8_t cfg[8];

static int xfer(uint32_t type, uint64_t sector)
{
	struct vbuf b[SEGS + 2];

	hdr.type = __builtin_bswap32(type);
	hdr.reserved = 0;
	hdr.sector = __builtin_bswap64(sector);
	status = 0xff;
	b[0] = (struct vbuf){ &hdr, 16, false };
	for (int i = 0; i < SEGS; i++)
		b[1 + i] = (struct vbuf){ buf + i * (CHUNK / SEGS), CHUNK / SEGS,
					  type == 0 };
	b[SEGS + 1] = (struct vbuf){ &status, 1, true };
	if (virtio_xfer(&d, 0, b, SEGS + 2, true) < 0)
		return -1;
	return status;
}

int main(void)
{
	sclp_init();
	css_init();
	uint32_t schid = virtio_find(2, 0);
	if (!schid || virtio_setup(&d, schid, 1, VIRTIO_F_INDIRECT_DESC, 1, true)) {
		printf("bench: no usable virtio-blk device\n");
		return 1;
	}
	vccw_cmd(&d, CCW_READ_CONF, 0, cfg, 8);
	uint64_t bytes = virtio_le64(&d, cfg) * SECTOR;
	if (bytes > (256ULL << 20))
		bytes = 256ULL << 20;
	bytes &= ~(uint64_t)(CHUNK - 1);

	uint64_t t0 = stck();
	for (uint64_t off = 0; off < bytes; off += CHUNK) {
		for (int i = 0; i < CHUNK; i += 512)
			buf[i] = (uint8_t)(off >> 16) + (uint8_t)i;
		if (xfer(1, off / SECTOR))
			return 1;
	}
	uint64_t t1 = stck();
	for (uint64_t off = 0; off < bytes; off += CHUNK) {
		if (xfer(0, off / SECTOR))
			return 1;
		if (buf[512] != (uint8_t)((uint8_t)(off >> 16) + 0))
			return 1;
	}
	uint64_t t2 = stck();
	printf("bench virtio-blk-write %llu %llu\n", (unsigned long long)bytes,
	       (unsigned long long)((t1 - t0) >> 12));
	printf("bench virtio-blk-read %llu %llu\n", (unsigned long long)bytes,
	       (unsigned long long)((t2 - t1) >> 12));
	return 0;
}
