// SPDX-License-Identifier: MIT
/*
 * Host-side runner for the test guests: spawns the VMM (or QEMU) with a
 * timeout, captures its stdout, stderr and exit status, and checks them,
 * printing TAP.
 *
 *   guest-run demo VMM IMAGE          greeting, CPU/memory/TOD lines, exit 0
 *   guest-run echo VMM IMAGE          console input: a line in, echoed out
 *   guest-run qemu-echo QEMU IMAGE    the same on qemu-system-s390x
 *   guest-run exit VMM IMAGE          guest exit(42): status 3, PSW on stderr
 *   guest-run diff VMM IMAGE QEMU PROG  the CPU self-test under the VMM and
 *                                     as a Linux program under qemu-s390x
 *                                     must print the same lines
 *   guest-run qemu QEMU IMAGE [ARGS]  run a TAP guest on qemu-system-s390x
 *   guest-run qemu-demo QEMU IMAGE    the demo checks on qemu-system-s390x
 *
 * GUEST_RUN_TIMEOUT (seconds, default 100) bounds each run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/ksft.h"

#define GREETING "Hello from an s390x guest on minivmm!"

struct buf {
	char *data;
	size_t len, cap;
};

struct run {
	struct buf out, err;
	int status;		/* wait status */
	bool timed_out;
};

static const char *const qemu_args[] = {
	"-M", "s390-ccw-virtio", "-display", "none", "-nodefaults",
	"-chardev", "stdio,id=con", "-device", "sclpconsole,chardev=con",
	/* a guest's non-zero exit is a disabled wait: make QEMU exit 1 */
	"-action", "panic=exit-failure",
};

static int buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
		char *d = realloc(b->data, cap);

		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Runs argv with `input` on stdin (then end of file), or /dev/null when
 * input is NULL; returns 0 or -errno.
 */
static int run_input(char *const argv[], const char *input, struct run *r)
{
	const char *t = getenv("GUEST_RUN_TIMEOUT");
	double deadline = now() + (t ? atof(t) : 100.0);
	int out[2], err[2], in[2], open_fds = 2;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(in, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = input ? in[0] : open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	close(in[0]);
	/* Small enough for the pipe buffer: written at once, then EOF. */
	if (input && write(in[1], input, strlen(input)) < 0)
		ksft_print_msg("writing stdin: %s\n", strerror(errno));
	close(in[1]);
	struct pollfd pfd[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	while (open_fds) {
		double left = deadline - now();
		char chunk[4096];

		if (left <= 0) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, 2, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			buf_add(i ? &r->err : &r->out, chunk, (size_t)n);
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	while (waitpid(pid, &r->status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int run(char *const argv[], struct run *r)
{
	return run_input(argv, NULL, r);
}

static void show(const char *what, const struct buf *b)
{
	const char *p = b->data ? b->data : "";

	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		ksft_print_msg("%s: %.*s\n", what, n, p);
		p += n + (nl ? 1 : 0);
	}
}

static bool exited(const struct run *r, int code)
{
	return !r->timed_out && WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

static void describe(const char *who, const struct run *r)
{
	if (r->timed_out)
		ksft_print_msg("%s timed out\n", who);
	else if (WIFSIGNALED(r->status))
		ksft_print_msg("%s killed by signal %d\n", who, WTERMSIG(r->status));
	else
		ksft_print_msg("%s exit status %d\n", who, WEXITSTATUS(r->status));
}

/* Splits s into lines in place; returns the count (at most max). */
static int split_lines(char *s, char **lines, int max)
{
	int n = 0;

	while (s && *s && n < max) {
		char *nl = strchr(s, '\n');

		if (nl)
			*nl = '\0';
		lines[n++] = s;
		s = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Release what run() and argv_of() allocated; returns rc. */
static int finish(struct run *r, char **argv, int rc)
{
	free(r->out.data);
	free(r->err.data);
	free(argv);
	return rc;
}

static char **argv_of(const char *prog, const char *const *pre, int npre,
		      const char *image, char **extra, int nextra)
{
	char **argv = calloc((size_t)(npre + nextra + 4), sizeof(char *));
	int n = 0;

	if (!argv)
		ksft_exit_fail_msg("out of memory\n");
	argv[n++] = (char *)prog;
	for (int i = 0; i < npre; i++)
		argv[n++] = (char *)pre[i];
	argv[n++] = "-kernel";
	argv[n++] = (char *)image;
	for (int i = 0; i < nextra; i++)
		argv[n++] = extra[i];
	return argv;
}

static int demo(char **argv)
{
	struct run r;
	char *lines[16];
	unsigned cpu = ~0U, mib = 0;
	int ncpus = 0, n;
	bool parsed;

	if (run(argv, &r))
		ksft_exit_fail_msg("cannot run %s\n", argv[0]);
	ksft_print_header();
	ksft_set_plan(5);
	describe(argv[0], &r);
	show("stdout", &r.out);
	show("stderr", &r.err);
	ksft_test_result(exited(&r, 0), "guest exits with status 0\n");
	n = split_lines(r.out.data, lines, 16);
	ksft_test_result(n >= 1 && !strcmp(lines[0], GREETING), "greeting\n");
	parsed = n >= 2 && sscanf(lines[1], "CPU address %u of %d, CPU id %*x, memory %u MiB",
				  &cpu, &ncpus, &mib) == 3;
	ksft_test_result(parsed && cpu == 0 && ncpus >= 1 && mib > 0,
			 "CPU address %u of %d CPUs, %u MiB\n", cpu, ncpus, mib);
	ksft_test_result(n >= 3 && !strncmp(lines[2], "TOD clock ", 10),
			 "TOD clock line\n");
	ksft_test_result(n == 3, "stdout has exactly the guest's 3 lines (%d)\n", n);
	return finish(&r, argv, ksft_finished());
}

static int exit_code(char **argv)
{
	struct run r;

	if (run(argv, &r))
		ksft_exit_fail_msg("cannot run %s\n", argv[0]);
	ksft_print_header();
	ksft_set_plan(3);
	describe(argv[0], &r);
	show("stderr", &r.err);
	ksft_test_result(exited(&r, 3), "disabled wait ends the VMM with status 3\n");
	ksft_test_result(r.out.data && !strcmp(r.out.data, "exiting with code 42\n"),
			 "guest output on stdout\n");
	ksft_test_result(r.err.data && strcasestr(r.err.data, "2a"),
			 "the disabled-wait PSW (address 0x2a) is reported on stderr\n");
	return finish(&r, argv, ksft_finished());
}

static int diff(char *vmm, char *image, char *qemu, char *prog)
{
	char *vargv[] = { vmm, "-kernel", image, NULL };
	char *qargv[] = { qemu, prog, NULL };
	char *a[256], *b[256];
	struct run rv, rq;
	int na, nb;

	if (run(vargv, &rv) || run(qargv, &rq))
		ksft_exit_fail_msg("cannot run the programs\n");
	na = split_lines(rv.out.data, a, 256);
	nb = split_lines(rq.out.data, b, 256);
	ksft_print_header();
	ksft_set_plan(3 + (unsigned)nb);
	describe(vmm, &rv);
	describe(qemu, &rq);
	show("stderr", &rv.err);
	ksft_test_result(exited(&rv, 0), "guest passes under %s\n", vmm);
	ksft_test_result(exited(&rq, 0), "Linux build passes under %s\n", qemu);
	ksft_test_result(na == nb && nb > 2, "same number of lines (%d vs %d)\n", na, nb);
	for (int i = 0; i < nb; i++) {
		bool same = i < na && !strcmp(a[i], b[i]);

		if (!same)
			ksft_print_msg("minivmm: %s\n", i < na ? a[i] : "(missing)");
		ksft_test_result(same, "line %d: %s\n", i + 1, b[i]);
	}
	int rc = ksft_finished();
	finish(&rq, NULL, 0);
	return finish(&rv, NULL, rc);
}

static int echo(char **argv)
{
	struct run r;

	if (run_input(argv, "hello minivmm\n", &r))
		ksft_exit_fail_msg("cannot run %s\n", argv[0]);
	ksft_print_header();
	ksft_set_plan(2);
	describe(argv[0], &r);
	show("stdout", &r.out);
	show("stderr", &r.err);
	ksft_test_result(exited(&r, 0), "guest exits with status 0\n");
	ksft_test_result(r.out.data &&
			 !strcmp(r.out.data, "type a line\necho: hello minivmm\n"),
			 "console input echoed back\n");
	return finish(&r, argv, ksft_finished());
}

/* A TAP guest on QEMU: its output is TAP already; add only the verdict. */
static int qemu_tap(char **argv)
{
	struct run r;

	if (run(argv, &r))
		ksft_exit_fail_msg("cannot run %s\n", argv[0]);
	fwrite(r.out.data ? r.out.data : "", 1, r.out.len, stdout);
	show("stderr", &r.err);
	if (!exited(&r, 0)) {
		describe(argv[0], &r);
		printf("Bail out! guest failed\n");
		return finish(&r, argv, 1);
	}
	return finish(&r, argv, 0);
}

int main(int argc, char **argv)
{
	const int nq = (int)(sizeof(qemu_args) / sizeof(qemu_args[0]));

	if (argc >= 4 && !strcmp(argv[1], "demo"))
		return demo(argv_of(argv[2], NULL, 0, argv[3], argv + 4, argc - 4));
	if (argc >= 4 && !strcmp(argv[1], "qemu-demo"))
		return demo(argv_of(argv[2], qemu_args, nq, argv[3], argv + 4, argc - 4));
	if (argc >= 4 && !strcmp(argv[1], "echo"))
		return echo(argv_of(argv[2], NULL, 0, argv[3], argv + 4, argc - 4));
	if (argc >= 4 && !strcmp(argv[1], "qemu-echo"))
		return echo(argv_of(argv[2], qemu_args, nq, argv[3], argv + 4, argc - 4));
	if (argc >= 4 && !strcmp(argv[1], "exit"))
		return exit_code(argv_of(argv[2], NULL, 0, argv[3], argv + 4, argc - 4));
	if (argc == 6 && !strcmp(argv[1], "diff"))
		return diff(argv[2], argv[3], argv[4], argv[5]);
	if (argc >= 4 && !strcmp(argv[1], "qemu"))
		return qemu_tap(argv_of(argv[2], qemu_args, nq, argv[3], argv + 4, argc - 4));
	fprintf(stderr, "usage: %s demo|qemu-demo|echo|qemu-echo|exit|qemu VMM IMAGE [ARGS...]\n"
		"       %s diff VMM IMAGE QEMU-USER PROGRAM\n", argv[0], argv[0]);
	return 2;
}
