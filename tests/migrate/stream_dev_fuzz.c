// SPDX-License-Identifier: MIT
/*
 * The loader against damaged streams of a VM WITH devices (dev-harness.h:
 * virtio-rng, virtio-blk, virtio-console, the port-I/O bridge, ISA DMA and
 * the floppy, every one driven into non-reset state; 2 MiB of RAM):
 *
 *  1. a bounded, deterministic structure-aware fuzzer: bytes inside one
 *     record's payload are mutated (mostly DEVICE records: css,
 *     subchannels, virtio-ccw with its virtqueues, virtio-blk, isa-dma,
 *     fdc and its fdc/phase subsection, pio-bridge; also the header's
 *     schema), the record's XXH3 and the trailer are resealed so the
 *     section decoders and post_load validators see the damage.  Every
 *     load returns 0 or an error with a message.  A mutation that loads
 *     is committed and the devices then run on it: the transport notifies
 *     every ready queue (the block worker walks the fuzzed ring) and the
 *     floppy gets a byte in whatever phase it was left in.  Under the
 *     sanitizers nothing may crash, leak or read out of bounds; nothing
 *     may hang (each step is bounded: the quiesce hook waits for the
 *     worker's pass over the queue).
 *  2. every single-byte corruption (one flip per byte) and every
 *     truncation of the intact stream is rejected with a message, and the
 *     intact stream still loads afterwards.  Each load costs ~50 us here
 *     (mostly building the destination's schema), ~2 s for the ~40000
 *     loads; under qemu-user (the cross build) that is 10-50 times more,
 *     so there "stride=N" checks every N-th offset and length (offsets
 *     from 0, lengths from 1) and "iterations=N" fuzzes less.
 */
#include <stdlib.h>
#include <string.h>

#define DEV_RAM (2ULL << 20)
#include "dev-harness.h"
#include "stream-records.h"

#define ITERATIONS 2000
#define REC_DEVICE 4

/* Hold (true) or release every section's device threads. */
static void quiesce(struct mig_sections *ss, bool hold)
{
	for (unsigned int i = 0; i < ss->n; i++)
		if (ss->s[i].desc->quiesce)
			ss->s[i].desc->quiesce(ss->s[i].dev, hold);
}

static int load(struct dvm *d, struct mig_sections *ss, const uint8_t *p,
		size_t len, char **err)
{
	struct mig_src in = { .fd = -1, .data = p, .len = len };
	int rc;

	free(*err);
	*err = NULL;
	quiesce(ss, true);
	rc = migrate_load(d->vm, &in, err);
	quiesce(ss, false);
	return rc;
}

int main(int argc, char **argv)
{
	size_t stride = 1;
	unsigned int iterations = ITERATIONS;
	struct vms_buf s = { 0 };
	struct mig_sections ss;
	struct dvm a, b;
	char *err = NULL;
	struct rec r[256];
	unsigned int loaded = 0, nomsg = 0, dev_recs = 0, bad_flip = 0;
	unsigned int bad_trunc = 0;
	size_t first_bad = SIZE_MAX;

	ksft_print_header();
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "stride=", 7) && strtoul(argv[i] + 7, NULL, 10))
			stride = strtoul(argv[i] + 7, NULL, 10);
		if (!strncmp(argv[i], "iterations=", 11) && strtoul(argv[i] + 11, NULL, 10))
			iterations = (unsigned int)strtoul(argv[i] + 11, NULL, 10);
	}
	ksft_set_plan(6);
	dvm_create(&a, "s390-ccw-mini-3", 1 << 20, true, false);
	dvm_create(&b, "s390-ccw-mini-3", 1 << 20, true, false);
	dvm_drive(&a);
	if (migrate_save(a.vm, -1, &s, NULL, &err))
		ksft_exit_fail_msg("save: %s\n", err);
	if (migrate_collect(b.vm, &ss, &err))
		ksft_exit_fail_msg("collect: %s\n", err);
	unsigned int nr = records(s.data, s.len, r, 256);
	unsigned int dev[256], ndev = 0;
	for (unsigned int i = 0; i < nr; i++)
		if (r[i].type == REC_DEVICE && r[i].len)
			dev[ndev++] = i;
	dev_recs = ndev;
	int rc = load(&b, &ss, s.data, s.len, &err);
	ksft_test_result(rc == 0 && ndev >= 10,
			 "the intact %zu-byte stream (%u records, %u device "
			 "sections) loads%s%s\n", s.len, nr, ndev,
			 err ? ": " : "", err ? err : "");

	uint8_t *m = malloc(s.len);
	mig_rng = 4242;
	for (unsigned int it = 0; it < iterations; it++) {
		/* Three in four on a device section, the rest anywhere. */
		const struct rec *x = rnd() % 4 ? &r[dev[rnd() % ndev]]
						 : &r[rnd() % nr];
		unsigned int nmut = 1 + rnd() % 4;

		memcpy(m, s.data, s.len);
		if (!x->len)
			continue;
		for (unsigned int k = 0; k < nmut; k++) {
			static const uint8_t vals[] = { 0, 1, 2, 0x7f, 0x80, 0xff };
			size_t at = x->off + 12 + rnd() % x->len;

			m[at] = rnd() & 1 ? (uint8_t)rnd() : vals[rnd() % 6];
		}
		reseal(m, s.len, x);
		if (load(&b, &ss, m, s.len, &err) == 0) {
			loaded++;
			/* Run the devices on what was accepted. */
			dvm_outb(b.vm, FDC_FIFO, 0x08);
			portio_read(b.vm->portio, FDC_FIFO, 1);
		} else if (!err || !*err) {
			nomsg++;
		}
	}
	/* Some must load (else every mutation died at a checksum: the
	 * resealing is broken), not all (else nothing is validated). */
	ksft_test_result(loaded + iterations / 20 < iterations &&
			 loaded > iterations / 10,
			 "%u mutations (%u device sections): %u loaded (value "
			 "changes the validators accept), the rest rejected\n",
			 iterations, dev_recs, loaded);
	ksft_test_result(nomsg == 0, "every fuzzed rejection has a message\n");

	size_t nflip = 0, ntrunc = 0;
	for (size_t i = 0; i < s.len; i += stride) {
		nflip++;
		memcpy(m, s.data, s.len);
		m[i] ^= 0xff;
		if (load(&b, &ss, m, s.len, &err) == 0) {
			bad_flip++;
			if (first_bad == SIZE_MAX)
				first_bad = i;
		} else if (!err || !*err) {
			nomsg++;
		}
	}
	ksft_test_result(bad_flip == 0, "%s %zu single-byte corruptions "
			 "rejected (%u loaded, first at offset %zd)\n",
			 stride > 1 ? "every Nth:" : "all", nflip,
			 bad_flip, first_bad == SIZE_MAX ? (ssize_t)-1 : (ssize_t)first_bad);
	for (size_t len = stride > 1 ? 1 : 0; len < s.len; len += stride) {
		ntrunc++;
		if (load(&b, &ss, s.data, len, &err) == 0)
			bad_trunc++;
		else if (!err || !*err)
			nomsg++;
	}
	ksft_test_result(bad_trunc == 0 && nomsg == 0,
			 "%s %zu truncations rejected, every rejection with a "
			 "message\n", stride > 1 ? "every Nth:" : "all", ntrunc);
	rc = load(&b, &ss, s.data, s.len, &err);
	ksft_test_result(rc == 0, "the intact stream still loads%s%s\n",
			 err ? ": " : "",
			 err ? err : "");
	free(m);
	free(err);
	vms_buf_free(&s);
	mig_sections_free(&ss);
	dvm_destroy(&a);
	dvm_destroy(&b);
	return ksft_finished();
}
