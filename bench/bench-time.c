// SPDX-License-Identifier: MIT
/*
 * bench-time: run a command and time it from the host (bench/run).
 *
 *   bench-time [-o FILE] [-t SECONDS] [-k] -- COMMAND [ARGS...]
 *
 * The command's standard output is a pipe that bench-time reads (and
 * copies to FILE with -o); its standard error is inherited.  When the
 * command has ended, one line goes to standard output:
 *
 *   FIRST_LINE_US TOTAL_US STATUS
 *
 * FIRST_LINE_US is the wall time (CLOCK_MONOTONIC) from just before fork()
 * to the arrival of the first newline on the pipe (-1 if none came),
 * TOTAL_US the time to the command's exit, STATUS its exit code, or 128 +
 * the signal that ended it.  -k kills the command (SIGKILL) as soon as
 * the first line has arrived; -t kills it after SECONDS (default 300) and
 * reports status "timeout".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *out;
	int64_t timeout_us;
	bool kill_first;
	char **argv;
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	o->out = NULL;
	o->timeout_us = 300 * 1000000LL;
	o->kill_first = false;
	while ((c = getopt(argc, argv, "+o:t:k")) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 't': {
			char *end;
			double s = strtod(optarg, &end);

			if (*end || s <= 0)
				return -EINVAL;
			o->timeout_us = (int64_t)(s * 1e6);
			break;
		}
		case 'k':
			o->kill_first = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind >= argc)
		return -EINVAL;
	o->argv = argv + optind;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int pfd[2], out_fd = -1, status;
	int64_t t0, first = -1, total;
	bool timed_out = false, killed = false;
	pid_t pid;

	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: %s [-o FILE] [-t SECONDS] [-k] -- COMMAND [ARGS...]\n",
			argv[0]);
		return 2;
	}
	if (o.out) {
		out_fd = open(o.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			fprintf(stderr, "bench-time: %s: %s\n", o.out, strerror(errno));
			return 2;
		}
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		perror("bench-time: pipe");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("bench-time: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execvp(o.argv[0], o.argv);
		dprintf(STDERR_FILENO, "bench-time: exec %s: %s\n", o.argv[0],
			strerror(errno));
		_exit(127);
	}
	close(pfd[1]);

	for (;;) {
		char buf[65536];
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int64_t left = t0 + o.timeout_us - now_us();

		if (left <= 0) {
			kill(pid, SIGKILL);
			timed_out = true;
			break;
		}
		int r = poll(&p, 1, (int)(left / 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EOF: the command (and its children) closed stdout */
		if (first < 0 && memchr(buf, '\n', (size_t)n)) {
			first = now_us() - t0;
			if (o.kill_first) {
				kill(pid, SIGKILL);
				killed = true;
			}
		}
		if (out_fd >= 0 && write_all(out_fd, buf, (size_t)n)) {
			fprintf(stderr, "bench-time: %s: %s\n", o.out, strerror(errno));
			kill(pid, SIGKILL);
			return 2;
		}
		if (killed)
			break;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("bench-time: waitpid");
			return 2;
		}
	total = now_us() - t0;
	close(pfd[0]);
	if (out_fd >= 0)
		close(out_fd);

	if (timed_out)
		printf("%lld %lld timeout\n", (long long)first, (long long)total);
	else if (WIFEXITED(status))
		printf("%lld %lld %d\n", (long long)first, (long long)total,
		       WEXITSTATUS(status));
	else
		printf("%lld %lld %d\n", (long long)first, (long long)total,
		       128 + WTERMSIG(status));
	return 0;
}
