// SPDX-License-Identifier: MIT
/*
 * A bounded, deterministic fuzzer for the loader that gets past the
 * checksums: it mutates bytes inside one record's payload (header
 * schema, RAM, storage keys, device sections, END), then recomputes that
 * record's XXH3 and the trailer, so the parsers behind the checksums see
 * the damage.  Every load must return (0 or an error with a message);
 * under the sanitizers nothing may crash, leak or read out of bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "mig-harness.h"
#include "stream-records.h"

#define RAM (1ULL << 20)
#define ITERATIONS 3000

int main(void)
{
	struct vms_buf s = { 0 };
	char *err = NULL;
	struct rec r[64];
	unsigned int loaded = 0, nomsg = 0;

	ksft_print_header();
	ksft_set_plan(2);
	struct vm *src = mig_new_vm("s390-ccw-mini-3", RAM, 2);
	mig_fill_vm(src, 3);
	if (migrate_save(src, -1, &s, NULL, &err))
		ksft_exit_fail_msg("save: %s\n", err);
	struct vm *dst = mig_new_vm("s390-ccw-mini-3", RAM, 2);
	unsigned int nr = records(s.data, s.len, r, 64);
	uint8_t *m = malloc(s.len);

	mig_rng = 12345;
	for (unsigned int it = 0; it < ITERATIONS; it++) {
		const struct rec *x = &r[rnd() % nr];
		unsigned int nmut = 1 + rnd() % 4;

		memcpy(m, s.data, s.len);
		if (!x->len)
			continue;
		for (unsigned int k = 0; k < nmut; k++) {
			size_t at = x->off + 12 + rnd() % x->len;
			/* Small integers and boundary values reach the bounds
			 * checks more often than random bytes. */
			static const uint8_t vals[] = { 0, 1, 2, 0x7f, 0x80, 0xff };
			m[at] = rnd() & 1 ? (uint8_t)rnd() : vals[rnd() % 6];
		}
		reseal(m, s.len, x);
		struct mig_src in = { .fd = -1, .data = m, .len = s.len };
		free(err);
		err = NULL;
		if (migrate_load(dst, &in, &err) == 0)
			loaded++;
		else if (!err || !*err)
			nomsg++;
	}
	/* The fuzzer must reach the validators behind the checksums: if
	 * nothing is rejected, the loader is broken; if nearly nothing
	 * loads, the resealing is (every mutation dies at a checksum). */
	ksft_test_result(loaded < ITERATIONS / 2 * 3 && loaded + 100 < ITERATIONS &&
			 loaded > ITERATIONS / 10,
			 "%d structure-aware mutations: %u loaded (value "
			 "changes), the rest rejected by the parsers\n",
			 ITERATIONS, loaded);
	ksft_test_result(nomsg == 0, "every rejection has a message\n");
	free(m);
	free(err);
	vms_buf_free(&s);
	vm_destroy(src);
	vm_destroy(dst);
	return ksft_finished();
}
