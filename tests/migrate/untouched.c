// SPDX-License-Identifier: MIT
/*
 * Untouched frames (migrate/untouched.c) and the writer/loader paths that
 * use them:
 *  - a frame is reported untouched only if it holds no data: written,
 *    paged out (MADV_PAGEOUT: swapped where there is swap) and
 *    written-then-discarded pages checked one by one, never-touched ones
 *    reported as such;
 *  - memory the rule does not hold for is refused: shared anonymous,
 *    a private file mapping, unaligned;
 *  - a save of a VM whose RAM was written through vm_write, a pointer
 *    from vm_absolute, and pages discarded again, loaded into a fresh
 *    VM, into one whose RAM holds garbage in every frame, and through a
 *    file (the writev path), is exactly the source's RAM; every data page
 *    went out as DATA, every other as ZERO, and a fresh destination stays
 *    small (its untouched frames are not faulted in).
 * Under qemu-user the pagemap describes the host process: open refuses
 * (the probe) and the checks that need it are skipped; the stream checks
 * run anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mig-harness.h"
#include "migrate/untouched.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define NP	256u
#define PG	4096u

static bool bit(const uint64_t *b, unsigned int i)
{
	return (b[i / 64] >> (i % 64)) & 1;
}

static bool page_zero(const uint8_t *p)
{
	for (unsigned int i = 0; i < PG; i++)
		if (p[i])
			return false;
	return true;
}

static void test_pages(void)
{
	uint8_t *m = mmap(NULL, NP * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t bits[NP / 64];
	const char *why = NULL;
	struct mig_untouched *u;

	if (m == MAP_FAILED)
		ksft_exit_fail_msg("mmap\n");
	u = mig_untouched_open(m, NP * PG, &why);
	if (!u) {
		ksft_test_result_skip("pagemap not usable here: %s\n", why);
		ksft_test_result_skip("pages\n");
		ksft_test_result_skip("sub-range\n");
		munmap(m, NP * PG);
		return;
	}
	ksft_test_result_pass("private anonymous memory accepted\n");
	/* written: i % 5 == 0; paged out after writing: i % 7 == 3;
	 * discarded after writing: i % 11 == 4 (zero again) */
	for (unsigned int i = 0; i < NP; i++)
		if (i % 5 == 0 || i % 7 == 3 || i % 11 == 4)
			m[i * PG + (i * 13) % PG] = (uint8_t)(i | 1);
	for (unsigned int i = 0; i < NP; i++) {
		if (i % 7 == 3)
			madvise(m + i * PG, PG, MADV_PAGEOUT);	/* may fail */
		if (i % 11 == 4 && i % 5 && i % 7 != 3)
			madvise(m + i * PG, PG, MADV_DONTNEED);
	}
	bool ok = mig_untouched_get(u, 0, NP, bits) == 0;
	unsigned int never = 0, bad = 0;

	for (unsigned int i = 0; ok && i < NP; i++) {
		bool data = i % 5 == 0 || i % 7 == 3;

		if (bit(bits, i) && data) {
			ksft_print_msg("page %u holds data, reported untouched\n", i);
			bad++;
		}
		/* never touched (the data pages' state is checked above;
		 * reading them now would map them) */
		if (!data && !(i % 11 == 4) && !bit(bits, i)) {
			ksft_print_msg("page %u never touched, reported present\n", i);
			bad++;
		}
		if (!data && !(i % 11 == 4))
			never++;
	}
	/* a sub-range and the bounds */
	uint64_t b2[NP / 64];
	bool ok2 = mig_untouched_get(u, 5, 3, b2) == 0 && !(b2[0] & 1) &&
	     ((b2[0] >> 1) & 1) == bit(bits, 6) && !(b2[0] >> 3) &&
	     mig_untouched_get(u, NP - 1, 2, b2) < 0 && !b2[0] &&
	     mig_untouched_get(u, 0, NP + 1, b2) < 0;
	/* an untouched page reads zero (reading maps it: do it last) */
	for (unsigned int i = 0; ok && i < NP; i++)
		if (bit(bits, i) && !page_zero(m + i * PG)) {
			ksft_print_msg("page %u reported untouched, holds data\n", i);
			bad++;
		}
	ksft_test_result(ok && !bad && never > 100,
			 "pages: data never untouched, %u never-touched found\n",
			 never);
	ksft_test_result(ok2, "sub-range, out-of-range queries refused\n");
	mig_untouched_close(u);
	munmap(m, NP * PG);
}

static void test_refused(void)
{
	const char *why = NULL;
	uint8_t *s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	FILE *f = tmpfile();
	struct mig_untouched *u;
	bool ok;

	u = mig_untouched_open(s, 16 * PG, &why);
	ok = !u && why;
	mig_untouched_close(u);
	ksft_test_result(ok, "shared anonymous memory refused (%s)\n",
			 why ? why : "-");
	munmap(s, 16 * PG);
	if (!f || ftruncate(fileno(f), 16 * PG))
		ksft_exit_fail_msg("tmpfile\n");
	s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 fileno(f), 0);
	u = mig_untouched_open(s, 16 * PG, &why);
	ok = s != MAP_FAILED && !u;
	mig_untouched_close(u);
	ksft_test_result(ok, "a private file mapping refused (%s)\n",
			 why ? why : "-");
	munmap(s, 16 * PG);
	fclose(f);
	uint8_t *a = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(a + 16 * PG, 16 * PG);	/* a hole after 16 pages */
	u = mig_untouched_open(a + 1, 8 * PG, &why);
	ok = !u;
	mig_untouched_close(u);
	u = mig_untouched_open(a, 32 * PG, &why);	/* beyond the mapping */
	ok = ok && !u;
	mig_untouched_close(u);
	ksft_test_result(ok, "unaligned RAM and a range beyond the mapping refused\n");
	munmap(a, 16 * PG);
}

/* Frames [0, n) of vm: how many are backed by a page (-1: unknown). */
static long backed(struct vm *vm, uint64_t n)
{
	struct mig_untouched *u = mig_untouched_open(vm->ram, vm->ram_size, NULL);
	uint64_t b[4];
	long cnt = 0;

	if (!u)
		return -1;
	for (uint64_t f = 0; f < n; f += 256) {
		unsigned int k = n - f < 256 ? (unsigned int)(n - f) : 256;

		if (mig_untouched_get(u, f, k, b))
			cnt = -1000000;
		for (unsigned int i = 0; i < k; i++)
			cnt += !bit(b, i);
	}
	mig_untouched_close(u);
	return cnt;
}

static void test_stream(void)
{
	const uint64_t ram = 8ULL << 20, np = ram / PG;
	struct vm *src = mig_new_vm("s390-ccw-mini-3", ram, 1);
	struct vm *fresh = mig_new_vm("s390-ccw-mini-3", ram, 1);
	struct vm *dirty = mig_new_vm("s390-ccw-mini-3", ram, 1);
	struct vm *viafile = mig_new_vm("s390-ccw-mini-3", ram, 1);
	struct vms_buf mem = { 0 };
	struct mig_stats st;
	uint64_t data = 0;
	char *err = NULL;
	uint8_t buf[64];

	/* vm_write into every 3rd frame, a pointer from vm_absolute (then
	 * vm_mark_dirty, as the VMM's own writers do) into every 7th, a
	 * page written and given back every 10th (zero again) */
	for (uint64_t f = 0; f < np; f++) {
		for (unsigned int i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rnd() | 1;
		if (f % 3 == 0 && vm_write(src, f * PG + (f * 64) % PG, buf, 64))
			ksft_exit_fail_msg("vm_write\n");
		if (f % 7 == 1) {
			uint8_t *p = vm_absolute(src, f * PG, PG);

			if (!p)
				ksft_exit_fail_msg("vm_absolute\n");
			be64_st(p + PG - 8, f | 1ULL << 40);
			vm_mark_dirty(src, f * PG, PG);
		}
		if (f % 10 == 5 && f % 3 && f % 7 != 1) {
			src->ram[f * PG + 9] = 1;
			madvise(src->ram + f * PG, PG, MADV_DONTNEED);
		}
		data += f % 3 == 0 || f % 7 == 1;
	}
	/* garbage in every frame of one destination */
	for (uint64_t f = 0; f < np; f++)
		dirty->ram[f * PG + (f % PG)] = 0xee;

	long before = backed(fresh, np);
	bool ok = migrate_save(src, -1, &mem, &st, &err) == 0;
	ksft_test_result(ok && st.data_pages == data &&
			 st.zero_pages + st.dup_pages + st.data_pages == np,
			 "save: %llu data pages (%llu expected), %llu zero, "
			 "%llu dup %s\n", (unsigned long long)st.data_pages,
			 (unsigned long long)data,
			 (unsigned long long)st.zero_pages,
			 (unsigned long long)st.dup_pages, err ? err : "");
	struct mig_src in = { .fd = -1, .data = mem.data, .len = mem.len };

	ok = ok && migrate_load(fresh, &in, &err) == 0;
	long nb = backed(fresh, np);	/* before memcmp reads every frame */
	ok = ok && !memcmp(fresh->ram, src->ram, ram);
	ksft_test_result(ok, "a fresh destination gets the same RAM %s\n",
			 err ? err : "");
	ksft_test_result(nb < 0 || (nb >= (long)data && nb <= (long)data + before),
			 "the fresh destination backs only the data frames "
			 "(%ld of %llu, %ld before the load; -1: pagemap not "
			 "usable)\n", nb, (unsigned long long)np, before);
	ok = ok && migrate_load(dirty, &in, &err) == 0 &&
	     !memcmp(dirty->ram, src->ram, ram);
	ksft_test_result(ok, "a destination full of garbage gets the same RAM %s\n",
			 err ? err : "");

	/* through a file: the writev path, straight from guest RAM */
	char path[] = "/tmp/minivmm-untouched-XXXXXX";
	int fd = mkstemp(path);
	struct mig_stats st2;

	ok = fd >= 0 && migrate_save(src, fd, NULL, &st2, &err) == 0 &&
	     st2.bytes == mem.len;
	if (fd >= 0)
		close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	struct mig_src fin = { .fd = fd };
	ok = ok && fd >= 0 && migrate_load(viafile, &fin, &err) == 0 &&
	     !memcmp(viafile->ram, src->ram, ram);
	if (fd >= 0)
		close(fd);
	unlink(path);
	ksft_test_result(ok, "through a file: same stream length, same RAM %s\n",
			 err ? err : "");
	free(err);
	free(mem.data);
	vm_destroy(src);
	vm_destroy(fresh);
	vm_destroy(dirty);
	vm_destroy(viafile);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(11);
	test_pages();
	test_refused();
	test_stream();
	ksft_finished();
}
