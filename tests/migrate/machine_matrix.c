// SPDX-License-Identifier: MIT
/*
 * Every source x destination machine type: a stream loads only into a
 * destination of the same type; every other pair is refused at the
 * header, before any RAM is read (the destination's RAM keeps its
 * marker), with a message naming both types.  The alias resolves to the
 * newest type on both sides.
 */
#include <stdlib.h>
#include <string.h>

#include "mig-harness.h"

#define RAM (1ULL << 20)

int main(void)
{
	size_t n = machine_count();

	ksft_print_header();
	ksft_set_plan((unsigned int)(n * n + 1));
	for (size_t i = 0; i < n; i++) {
		const char *sname = machine_at(i)->name;
		struct vm *src = mig_new_vm(sname, RAM, 1);
		struct vms_buf s = { 0 };
		char *err = NULL;

		mig_fill_vm(src, 100 + i);
		if (migrate_save(src, -1, &s, NULL, &err))
			ksft_exit_fail_msg("save %s: %s\n", sname, err);
		for (size_t j = 0; j < n; j++) {
			const char *dname = machine_at(j)->name;
			struct vm *dst = mig_new_vm(dname, RAM, 1);
			struct mig_src in = { .fd = -1, .data = s.data, .len = s.len };

			memset(dst->ram, 0xa5, RAM);
			free(err);
			err = NULL;
			int rc = migrate_load(dst, &in, &err);
			if (i == j) {
				ksft_test_result(rc == 0 && !memcmp(dst->ram, src->ram, RAM),
						 "%s -> %s: loads%s%s\n", sname, dname,
						 err ? ": " : "", err ? err : "");
			} else {
				bool untouched = dst->ram[0] == 0xa5 &&
						 dst->ram[RAM - 1] == 0xa5;
				ksft_test_result(rc != 0 && err && strstr(err, sname) &&
						 strstr(err, dname) && untouched,
						 "%s -> %s: refused before RAM: %s\n",
						 sname, dname, err ? err : "(loaded)");
			}
			vm_destroy(dst);
		}
		free(err);
		vms_buf_free(&s);
		vm_destroy(src);
	}
	/* The alias is the newest type. */
	struct vm *a = mig_new_vm(MACHINE_ALIAS, RAM, 1);
	struct vm *b = mig_new_vm(machine_at(n - 1)->name, RAM, 1);
	struct vms_buf s = { 0 };
	char *err = NULL;
	int rc = migrate_save(a, -1, &s, NULL, &err);
	struct mig_src in = { .fd = -1, .data = s.data, .len = s.len };
	if (!rc)
		rc = migrate_load(b, &in, &err);
	ksft_test_result(rc == 0, "%s (alias) -> %s loads%s%s\n", MACHINE_ALIAS,
			 machine_at(n - 1)->name, err ? ": " : "", err ? err : "");
	free(err);
	vms_buf_free(&s);
	vm_destroy(a);
	vm_destroy(b);
	return ksft_finished();
}
