/* SPDX-License-Identifier: MIT */
/*
 * minivmm processes for the migration tests that run several of them
 * (guest/save_restore.c, guest/continuity.c, live/live.c): a process with
 * stdout and stderr in a file (and optionally its console input from a
 * pipe), and bounded polls on what that file holds.  Header only (the
 * tests are single files in their meson targets).  Every wait is
 * PROC_WAIT_STEPS x 10 ms at most.
 */
#ifndef MINIVMM_TESTS_MIGRATE_PROC_H
#define MINIVMM_TESTS_MIGRATE_PROC_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/guests/runner.h"	/* slurp() */
#include "tests/lib/qmp-client.h"

#define PROC_WAIT_STEPS	12000	/* x 10 ms: 120 s */

/* Start $MINIVMM (with a QMP connection when qmp) with stdout + stderr
 * to the file out; in: NULL, or gets the write end of a pipe that is the
 * process's stdin.  0 or -errno. */
static inline int proc_spawn(struct vmm_proc *p, bool qmp,
			     const char *const *args, const char *out, int *in)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int pfd[2] = { -1, -1 }, so, se, rc;

	if (fd < 0)
		return -errno;
	if (in && pipe2(pfd, O_CLOEXEC) < 0) {
		close(fd);
		return -errno;
	}
	fflush(stdout);
	fflush(stderr);
	so = dup(STDOUT_FILENO);
	se = dup(STDERR_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	rc = vmm_spawn_in(p, qmp, false, args, pfd[0]);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	close(fd);
	if (in) {
		close(pfd[0]);
		*in = pfd[1];
	}
	return rc;
}

/* Occurrences of text in the file. */
static inline unsigned int proc_count(const char *path, const char *text)
{
	char *s = slurp(path), *p = s;
	unsigned int n = 0;

	while ((p = strstr(p, text))) {
		n++;
		p += strlen(text);
	}
	free(s);
	return n;
}

/* Wait until the file holds at least n copies of text (bounded). */
static inline bool proc_wait_count(const char *path, const char *text,
				   unsigned int n)
{
	for (int i = 0; i < PROC_WAIT_STEPS; i++) {
		if (proc_count(path, text) >= n)
			return true;
		usleep(10000);
	}
	return false;
}

static inline bool proc_wait_for(const char *path, const char *text)
{
	return proc_wait_count(path, text, 1);
}

static inline bool proc_exited_with(int ws, int code)
{
	return WIFEXITED(ws) && WEXITSTATUS(ws) == code;
}

/* The file's lines as TAP comments, except those starting with skip
 * (NULL: none), at most max of them. */
static inline void proc_show(const char *path, const char *skip,
			     unsigned int max)
{
	char *s = slurp(path), *save = NULL;
	unsigned int shown = 0;

	for (char *l = strtok_r(s, "\n", &save); l && shown < max;
	     l = strtok_r(NULL, "\n", &save))
		if (!skip || strncmp(l, skip, strlen(skip)))
			ksft_print_msg("| %s\n", l), shown++;
	free(s);
}

#endif
