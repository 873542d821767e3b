/* SPDX-License-Identifier: MIT */
/*
 * Shared by the host-side runners of guest tests (virtio-run.c,
 * floppy-run.c, net-run.c): the guest's verdict, reading a file,
 * starting minivmm with its output in files and a bounded wait for it.
 */
#ifndef MINIVMM_GUEST_RUNNER_H
#define MINIVMM_GUEST_RUNNER_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/ksft.h"

/*
 * Pass the guest's TAP output through as comments; true when its plan was
 * complete and every check passed.  planned/oks (either may be NULL) get
 * the plan (-1 if none) and the number of passed checks.
 */
static inline bool guest_verdict(const char *out, int *planned_out,
				 int *oks_out)
{
	int planned = -1, oks = 0, bad = 0;
	const char *p = out;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		ksft_print_msg("guest: %.*s\n", len, p);
		if (!strncmp(p, "1..", 3))
			planned = atoi(p + 3);
		else if (!strncmp(p, "ok ", 3))
			oks++;
		else if (!strncmp(p, "not ok ", 7))
			bad++;
		p += len + (nl ? 1 : 0);
	}
	if (planned_out)
		*planned_out = planned;
	if (oks_out)
		*oks_out = oks;
	return planned > 0 && oks == planned && !bad;
}

/* The whole file at path as a malloc'ed string ("" if it cannot be read). */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return strdup("");
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return strdup("");
	}
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/*
 * Start argv with stdin from in_path (NULL: /dev/null) and stdout and
 * stderr to the files out_path and err_path (created, truncated).  The
 * pid, or -1.
 */
static inline pid_t runner_spawn(char *const argv[], const char *in_path,
				 const char *out_path, const char *err_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		int in = open(in_path ? in_path : "/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 ||
		    dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/*
 * Wait for pid, bounded: $timeout_env seconds (default 100), then SIGKILL.
 * 0 and the wait status, or -1 (killed, or waitpid failed).
 */
static inline int runner_reap(pid_t pid, const char *timeout_env, int *status)
{
	const char *t = getenv(timeout_env);
	long timeout_ms = (t ? atol(t) : 100) * 1000;

	for (long waited = 0;; waited += 20) {
		pid_t r = waitpid(pid, status, WNOHANG);
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			ksft_print_msg("timed out after %ld ms\n", timeout_ms);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
}

#endif
