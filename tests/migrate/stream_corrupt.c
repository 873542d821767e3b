// SPDX-License-Identifier: MIT
/*
 * A recorded small-guest stream (1 MiB of RAM, one CPU), loaded in
 * process after every single-byte corruption (two flips per byte), every
 * truncation, and with bytes appended: each must be rejected with an
 * error message, and the intact stream must load.  The destination VM is
 * reused: a failed load commits nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "mig-harness.h"

#define RAM (1ULL << 20)

static int load(struct vm *vm, const uint8_t *p, size_t len, char **err)
{
	struct mig_src src = { .fd = -1, .data = p, .len = len };

	free(*err);
	*err = NULL;
	return migrate_load(vm, &src, err);
}

int main(void)
{
	struct vms_buf s = { 0 };
	char *err = NULL;
	unsigned int bad_flip = 0, bad_trunc = 0, nomsg = 0;
	size_t first_bad = SIZE_MAX;

	ksft_print_header();
	ksft_set_plan(5);

	struct vm *src = mig_new_vm("s390-ccw-mini-3", RAM, 1);
	mig_fill_vm(src, 7);
	if (migrate_save(src, -1, &s, NULL, &err))
		ksft_exit_fail_msg("save: %s\n", err);
	struct vm *dst = mig_new_vm("s390-ccw-mini-3", RAM, 1);
	ksft_test_result(load(dst, s.data, s.len, &err) == 0,
			 "the intact %zu-byte stream loads%s%s\n", s.len,
			 err ? ": " : "", err ? err : "");

	uint8_t *m = malloc(s.len + 16);
	for (size_t i = 0; i < s.len; i++) {
		static const uint8_t flips[] = { 0x01, 0xff };

		for (unsigned int k = 0; k < 2; k++) {
			memcpy(m, s.data, s.len);
			m[i] ^= flips[k];
			if (load(dst, m, s.len, &err) == 0) {
				bad_flip++;
				if (first_bad == SIZE_MAX)
					first_bad = i;
			} else if (!err || !*err) {
				nomsg++;
			}
		}
	}
	ksft_test_result(bad_flip == 0, "all %zu single-byte corruptions "
			 "rejected (%u loaded, first at offset %zd)\n",
			 2 * s.len, bad_flip,
			 first_bad == SIZE_MAX ? (ssize_t)-1 : (ssize_t)first_bad);
	for (size_t len = 0; len < s.len; len++) {
		if (load(dst, s.data, len, &err) == 0)
			bad_trunc++;
		else if (!err || !*err)
			nomsg++;
	}
	ksft_test_result(bad_trunc == 0, "all %zu truncations rejected\n", s.len);
	memcpy(m, s.data, s.len);
	m[s.len] = 0;
	int rc = load(dst, m, s.len + 1, &err);
	ksft_test_result(rc != 0 && err && strstr(err, "trailing garbage"),
			 "a byte after the trailer is rejected: %s\n",
			 err ? err : "(loaded)");
	ksft_test_result(nomsg == 0, "every rejection has a message\n");
	free(m);
	free(err);
	vms_buf_free(&s);
	vm_destroy(src);
	vm_destroy(dst);
	return ksft_finished();
}
