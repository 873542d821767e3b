// SPDX-License-Identifier: MIT
/*
 * Saving a VM to a file (issue 7's benchmark; bench/migrate/run):
 *
 *   bench-save [--ram-mib N] [--runs N] [--dir DIR]
 *
 * A software-CPU VM with 1 GiB of RAM (no vCPU thread runs: the save
 * path is the same as QMP migrate's, migrate_save() of a paused VM):
 *
 *   idle    RAM as a fresh guest leaves it, all zero but the first pages;
 *   random  every byte from 1 MiB on filled with xorshift64 data (no page
 *           zero, none a duplicate: every page goes out as 4 KiB of data).
 *
 * For each, `runs` interleaved trials of (a) migrate_save() to a new file
 * in DIR and (b) a plain write() loop of the same number of bytes (the
 * stream's length, from RAM, 1 MiB per call) to another new file; no
 * fsync on either side (page-cache speed, which is what the save's own
 * work competes with).  Printed: medians, MB/s of the stream, and the
 * ratio write-loop time / save time (the target is >= 0.8), in wall time
 * and in this thread's CPU time (steadier on a loaded machine); for idle
 * also the time of writing all of RAM (what a format without zero-page
 * detection would cost).  Then the device state: save + load of a 2 MiB
 * VM with every device kind driven into non-reset state
 * (tests/migrate/dev-harness.h), median of 50.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEV_RAM (2ULL << 20)
#include "tests/migrate/dev-harness.h"

static double clock_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* This thread's CPU time (user + system): steadier than wall time on a
 * loaded machine, and what the save's own work costs. */
static double cpu_now(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int new_file(const char *dir, const char *name, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", dir, name);
	unlink(path);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/* migrate_save() to a new file: seconds (*cpu: CPU seconds), *bytes the
 * stream length. */
static double time_save(struct vm *vm, const char *dir, uint64_t *bytes,
			double *cpu)
{
	char path[512], *err = NULL;
	struct mig_stats st;
	int fd = new_file(dir, "save.mig", path, sizeof(path));
	double t, c;

	if (fd < 0)
		ksft_exit_fail_msg("%s: %s\n", path, strerror(errno));
	t = now();
	c = cpu_now();
	if (migrate_save(vm, fd, NULL, &st, &err))
		ksft_exit_fail_msg("save: %s\n", err);
	*cpu = cpu_now() - c;
	t = now() - t;
	close(fd);
	unlink(path);
	*bytes = st.bytes;
	return t;
}

/* A plain write loop of `bytes` bytes from buf (wrapping), 1 MiB a call. */
static double time_write(const uint8_t *buf, uint64_t buflen, uint64_t bytes,
			 const char *dir, double *cpu)
{
	char path[512];
	int fd = new_file(dir, "write.raw", path, sizeof(path));
	uint64_t done = 0;
	double t, c;

	if (fd < 0)
		ksft_exit_fail_msg("%s: %s\n", path, strerror(errno));
	t = now();
	c = cpu_now();
	while (done < bytes) {
		uint64_t off = done % buflen;
		size_t n = (size_t)(bytes - done < (1u << 20) ? bytes - done : (1u << 20));
		ssize_t r;

		if (n > buflen - off)
			n = (size_t)(buflen - off);
		r = write(fd, buf + off, n);
		if (r <= 0)
			ksft_exit_fail_msg("write: %s\n", strerror(errno));
		done += (uint64_t)r;
	}
	*cpu = cpu_now() - c;
	t = now() - t;
	close(fd);
	unlink(path);
	return t;
}

static void fill_random(struct vm *vm)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (uint64_t o = 1 << 20; o + 8 <= vm->ram_size; o += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(vm->ram + o, &x, 8);
	}
}

static void one_case(const char *name, struct vm *vm, unsigned int runs,
		     const char *dir)
{
	double ts[64], tw[64], tr[64], cs[64], cw[64], cr[64];
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < runs; i++) {
		ts[i] = time_save(vm, dir, &bytes, &cs[i]);
		tw[i] = time_write(vm->ram, vm->ram_size, bytes, dir, &cw[i]);
		tr[i] = cr[i] = 0;
	}
	/* after the saves: reading all of RAM maps every frame, which a
	 * save of a guest that never wrote them does not find */
	for (unsigned int i = 0; i < runs && !strcmp(name, "idle"); i++)
		tr[i] = time_write(vm->ram, vm->ram_size, vm->ram_size, dir,
				   &cr[i]);
	double s = median(ts, runs), w = median(tw, runs), r = median(tr, runs);
	double sc = median(cs, runs), wc = median(cw, runs);

	printf("%-7s %5llu MiB RAM, stream %llu bytes: save %.1f ms (%.1f MB/s), "
	       "write loop %.1f ms, ratio %.3f; CPU time %.1f / %.1f ms, ratio "
	       "%.3f\n", name, (unsigned long long)(vm->ram_size >> 20),
	       (unsigned long long)bytes, s * 1e3, (double)bytes / s / 1e6,
	       w * 1e3, w / s, sc * 1e3, wc * 1e3, wc / sc);
	if (r > 0)
		printf("%-7s (writing all %llu MiB of RAM instead: %.1f ms, the "
		       "save is %.1f times faster)\n", "",
		       (unsigned long long)(vm->ram_size >> 20), r * 1e3, r / s);
	(void)cr;
}

static void device_state(void)
{
	double t[50];
	unsigned int n = 50;
	struct dvm a, b;
	char *err = NULL;

	dvm_create(&a, "s390-ccw-mini-3", 1 << 20, true, false);
	dvm_create(&b, "s390-ccw-mini-3", 1 << 20, true, false);
	dvm_drive(&a);
	for (unsigned int i = 0; i < n; i++) {
		struct vms_buf s = { 0 };
		double t0 = now();

		if (migrate_save(a.vm, -1, &s, NULL, &err))
			ksft_exit_fail_msg("save: %s\n", err);
		struct mig_src in = { .fd = -1, .data = s.data, .len = s.len };
		if (migrate_load(b.vm, &in, &err))
			ksft_exit_fail_msg("load: %s\n", err);
		t[i] = now() - t0;
		vms_buf_free(&s);
	}
	printf("devices: save + load of a 2 MiB VM with virtio-rng/blk/console, "
	       "bridge, ISA DMA, floppy: %.3f ms (median of %u)\n",
	       median(t, n) * 1e3, n);
	dvm_destroy(&a);
	dvm_destroy(&b);
}

int main(int argc, char **argv)
{
	uint64_t mib = 1024;
	unsigned int runs = 3;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--ram-mib"))
			mib = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--runs"))
			runs = (unsigned int)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--dir"))
			dir = argv[i + 1];
	}
	if (runs < 1 || runs > 64 || mib < 2) {
		fprintf(stderr, "usage: %s [--ram-mib N>=2] [--runs 1..64] [--dir DIR]\n",
			argv[0]);
		return 2;
	}
	struct vm *vm = mig_new_vm("s390-ccw-mini-3", mib << 20, 1);

	memset(vm->ram, 0x5a, 64 << 10);	/* a guest image's worth */
	one_case("idle", vm, runs, dir);
	fill_random(vm);
	one_case("random", vm, runs, dir);
	vm_destroy(vm);
	device_state();
	return 0;
}
