/* SPDX-License-Identifier: MIT */
/*
 * A guest that keeps using its virtio-blk disk and its memory while it
 * is migrated (tests/migrate/live/faults.c): round r reads 16 KiB at a
 * rotating place of the image (the pattern of tests/migrate/guest/
 * migblk.h) and checks it, then checks and rewrites 1 MiB of memory as
 * miglive.c does.  A request not completed within 20 s (a device left
 * held after a failed migration), wrong data or a memory mismatch prints
 * "migdisk BAD ..." and exits 1; each round ends with "migdisk round R
 * ok".  Run with: -drive file=IMG,format=raw,if=none,id=d0
 * -device virtio-blk-ccw,drive=d0 (IMG: 1 MiB of migblk_img_byte()).
 */
#include "lib/guest.h"
#include "lib/virtio.h"
#include "tests/migrate/guest/migblk.h"

#define PAGES		256		/* 1 MiB */
#define WORDS		(4096 / 8)
#define SECTOR		512
#define NSECT		32		/* 16 KiB per read */
#define IMG_SECTORS	(MIGBLK_IMG_BYTES / SECTOR)
#define T_IN		0

struct hdr { uint32_t type, reserved; uint64_t sector; };

static uint64_t area[PAGES][WORDS] __attribute__((aligned(4096)));
static uint8_t buf[NSECT * SECTOR] __attribute__((aligned(8)));
static struct hdr hdr;
static volatile uint8_t status;
static struct vdev d;

static uint16_t le16(uint16_t v) { return __builtin_bswap16(v); }
static uint32_t le32(uint32_t v) { return __builtin_bswap32(v); }
static uint64_t le64(uint64_t v) { return __builtin_bswap64(v); }

static uint64_t pattern(uint64_t round, uint64_t page, uint64_t word)
{
	uint64_t x = (round << 40) ^ (page << 16) ^ word ^ 0xd15cull;

	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	return x;
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

/* One read of NSECT sectors at s0 (descriptors 0..2), bounded. */
static bool disk_read(struct vq *vq, uint64_t s0)
{
	struct vring_desc *x = vq->desc;
	uint16_t want = (uint16_t)(vq->avail_idx + 1);
	uint64_t deadline = stck() + (20000000ULL << 12);	/* 20 s */

	hdr = (struct hdr){ le32(T_IN), 0, le64(s0) };
	status = 0xff;
	x[0] = (struct vring_desc){ le64((uintptr_t)&hdr), le32(16), le16(1), le16(1) };
	x[1] = (struct vring_desc){ le64((uintptr_t)buf), le32(sizeof(buf)),
				    le16(1 | 2), le16(2) };
	x[2] = (struct vring_desc){ le64((uintptr_t)&status), le32(1), le16(2), 0 };
	vq->avail[2 + vq->avail_idx % vq->num] = 0;
	asm volatile("bcr 14,0" : : : "memory");
	vq->avail_idx++;
	vq->avail[1] = le16(vq->avail_idx);
	asm volatile("bcr 14,0" : : : "memory");
	notify(vq);
	while (used_idx(vq) != want && stck() < deadline)
		;
	return used_idx(vq) == want;
}

int main(void)
{
	sclp_init();
	css_init();
	uint32_t schid = virtio_find(2, 0);
	if (!schid || virtio_setup(&d, schid, 1, 0, 1, false) || !d.le) {
		printf("migdisk BAD virtio-blk set-up\n");
		return 1;
	}
	struct vq *vq = &d.vq[0];

	printf("migdisk start\n");
	for (uint64_t p = 0; p < PAGES; p++)
		for (uint64_t w = 0; w < WORDS; w++)
			area[p][w] = pattern(0, p, w);
	for (uint64_t round = 1;; round++) {
		uint64_t s0 = (round * 7 * NSECT) % (IMG_SECTORS - NSECT);

		if (!disk_read(vq, s0) || status != 0) {
			printf("migdisk BAD disk read at sector %llu round %llu "
			       "(status %u)\n", (unsigned long long)s0,
			       (unsigned long long)round, status);
			exit(1);
		}
		for (uint32_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != migblk_img_byte((uint32_t)(s0 + i / SECTOR),
						      i % SECTOR)) {
				printf("migdisk BAD disk byte %u at sector %llu "
				       "round %llu\n", i, (unsigned long long)s0,
				       (unsigned long long)round);
				exit(1);
			}
		for (uint64_t p = 0; p < PAGES; p++)
			for (uint64_t w = 0; w < WORDS; w++) {
				if (area[p][w] != pattern(round - 1, p, w)) {
					printf("migdisk BAD page %llu word %llu "
					       "round %llu\n", (unsigned long long)p,
					       (unsigned long long)w,
					       (unsigned long long)round);
					exit(1);
				}
				area[p][w] = pattern(round, p, w);
			}
		printf("migdisk round %llu ok\n", (unsigned long long)round);
	}
	return 0;
}
