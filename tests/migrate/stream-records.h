/* SPDX-License-Identifier: MIT */
/*
 * The record layout of a migration stream for the fuzzers
 * (stream_fuzz.c, stream_dev_fuzz.c), as migrate/stream.c's top comment
 * lays it out: a 12-byte preamble, records of a 12-byte head (type
 * first, payload length in bytes 8-11, big-endian), the payload and an
 * 8-byte XXH3 of head and payload, then a 24-byte trailer ending in the
 * XXH3 of everything before it.
 */
#ifndef TESTS_MIGRATE_STREAM_RECORDS_H
#define TESTS_MIGRATE_STREAM_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <xxhash.h>

#include "vmm/endian.h"

struct rec { size_t off, len; uint8_t type; };

/* Up to max record boundaries of the stream p[0..len); how many. */
static inline unsigned int records(const uint8_t *p, size_t len,
				   struct rec *r, unsigned int max)
{
	size_t off = 12;
	unsigned int n = 0;

	while (off + 12 <= len - 24 && n < max) {
		size_t plen = be32_ld(p + off + 8);

		r[n].off = off;
		r[n].len = plen;
		r[n].type = p[off];
		n++;
		off += 12 + plen + 8;
	}
	return n;
}

/* Recompute record r's checksum and the trailer's after a mutation. */
static inline void reseal(uint8_t *p, size_t len, const struct rec *r)
{
	be64_st(p + r->off + 12 + r->len, XXH3_64bits(p + r->off, 12 + r->len));
	be64_st(p + len - 8, XXH3_64bits(p, len - 24));
}

#endif
