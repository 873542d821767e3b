// SPDX-License-Identifier: MIT
/*
 * Host-side runner for the floppy test guest (floppy.c):
 *
 *   floppy-run VMM GUEST [VMM-ARGS...]
 *
 * makes a 1.44M image in the layout of floppy-pattern.h (sector LBA s is
 * filled with s), runs `VMM -kernel GUEST -drive file=IMG,if=floppy,
 * format=raw VMM-ARGS` with a timeout and minivmm's default seccomp
 * sandbox, passes the guest's TAP lines through as comments, and checks
 * the exit status, the guest's verdict, and afterwards the image file:
 * the sectors the guest wrote hold flp_written_byte(), every other
 * sector is unchanged, the size is the same.  When the VMM dies of
 * SIGSYS (a syscall missing from a thread's allowlist) it runs once more
 * with -sandbox debug so the log names the call.
 *
 * FLOPPY_RUN_TIMEOUT (seconds, default 100) bounds each run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/guests/runner.h"
#include "tests/ksft.h"
#include "floppy-pattern.h"

#define MAX_ARGS 32

static char dir[] = "/tmp/floppy-run-XXXXXX";
static char out_path[256], err_path[256], img_path[256];

/* Prints each line of s as a comment with a prefix. */
static void show(const char *what, const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);

		ksft_print_msg("%s: %.*s\n", what, len, s);
		s += len + (nl ? 1 : 0);
	}
}

/* Runs argv with stdin from /dev/null, stdout and stderr to files;
 * 0 and the wait status, or -1 (could not start, or timed out). */
static int run(char *const argv[], int *status)
{
	pid_t pid = runner_spawn(argv, NULL, out_path, err_path);

	return pid < 0 ? -1 : runner_reap(pid, "FLOPPY_RUN_TIMEOUT", status);
}

static int make_image(void)
{
	static uint8_t img[FLP_IMAGE_BYTES];
	int fd;

	for (uint32_t s = 0; s < FLP_SECTORS; s++)
		for (uint32_t i = 0; i < FLP_SECTOR; i++)
			img[s * FLP_SECTOR + i] = flp_image_byte(s, i);
	fd = open(img_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, img, sizeof(img)) != (ssize_t)sizeof(img)) {
		int e = errno ? errno : EIO;

		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

static void check_image(void)
{
	static uint8_t img[FLP_IMAGE_BYTES + 1];
	uint32_t bad_written = 0, bad_kept = 0, first_bad = 0;
	ssize_t n = -1;
	int fd = open(img_path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, img, sizeof(img));
		close(fd);
	}
	ksft_test_result(n == FLP_IMAGE_BYTES, "image: still %d bytes (read %zd)\n",
			 FLP_IMAGE_BYTES, n);
	if (n != FLP_IMAGE_BYTES) {
		ksft_test_result_fail("image: written sectors\n");
		ksft_test_result_fail("image: other sectors\n");
		return;
	}
	for (uint32_t s = 0; s < FLP_SECTORS; s++) {
		bool w = flp_is_written(s), same = true;

		for (uint32_t i = 0; i < FLP_SECTOR && same; i++)
			same = img[s * FLP_SECTOR + i] ==
			       (w ? flp_written_byte(s, i) : flp_image_byte(s, i));
		if (!same && !(bad_written + bad_kept))
			first_bad = s;
		if (!same && w)
			bad_written++;
		else if (!same)
			bad_kept++;
	}
	if (bad_written + bad_kept)
		ksft_print_msg("first differing sector: LBA %u\n", first_bad);
	ksft_test_result(bad_written == 0,
			 "image: the 3 sectors the guest wrote hold its bytes (%u differ)\n",
			 bad_written);
	ksft_test_result(bad_kept == 0,
			 "image: the other %d sectors are unchanged (%u differ)\n",
			 FLP_SECTORS - 3, bad_kept);
}

int main(int argc, char **argv)
{
	char drive[512];
	char *args[MAX_ARGS + 8];
	int n = 0, status = 0, planned = 0, oks = 0;

	if (argc < 3 || argc - 3 > MAX_ARGS)
		ksft_exit_fail_msg("usage: floppy-run VMM GUEST [VMM-ARGS...]\n");
	ksft_print_header();
	ksft_set_plan(5);
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	snprintf(err_path, sizeof(err_path), "%s/err", dir);
	snprintf(img_path, sizeof(img_path), "%s/floppy.img", dir);
	int rc = make_image();
	if (rc < 0)
		ksft_exit_fail_msg("%s: %s\n", img_path, strerror(-rc));
	snprintf(drive, sizeof(drive), "file=%s,if=floppy,format=raw", img_path);

	args[n++] = argv[1];
	args[n++] = "-kernel";
	args[n++] = argv[2];
	args[n++] = "-drive";
	args[n++] = drive;
	for (int i = 3; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;

	int r = run(args, &status);
	char *out = slurp(out_path), *err = slurp(err_path);
	show("stderr", err);
	if (r == 0 && WIFSIGNALED(status))
		ksft_print_msg("%s killed by signal %d\n", argv[1], WTERMSIG(status));
	ksft_test_result(r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "minivmm exits with status 0 (default seccomp sandbox)\n");
	bool passed = guest_verdict(out, &planned, &oks);
	ksft_test_result(passed, "floppy guest: %d of %d checks passed\n",
			 oks, planned);
	check_image();

	/* A seccomp kill: run again with the reporter to name the call. */
	if (r == 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS &&
	    n + 2 <= MAX_ARGS + 6) {
		args[n++] = "-sandbox";
		args[n++] = "debug";
		args[n] = NULL;
		make_image();
		if (run(args, &status) == 0) {
			free(err);
			err = slurp(err_path);
			show("-sandbox debug stderr", err);
		}
	}
	free(out);
	free(err);
	unlink(out_path);
	unlink(err_path);
	unlink(img_path);
	rmdir(dir);
	return ksft_finished();
}
