// SPDX-License-Identifier: MIT
/*
 * bench-tcp-raw BYTES: the loopback TCP throughput a plain program gets,
 * the baseline bench/migrate-live sets migration throughput against.  A
 * child process accepts on 127.0.0.1 and reads to EOF; the parent
 * connects and writes BYTES in 1 MiB write() calls.  The time runs from
 * connect() to the child's exit (every byte read).
 *
 * Output: tcp-raw BYTES SECONDS MIB_PER_S
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(1u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-tcp-raw: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int reader(int lfd, unsigned long long want)
{
	unsigned long long got = 0;
	char *buf = malloc(CHUNK);
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0 || !buf)
		return 1;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (unsigned long long)n;
	}
	free(buf);
	return got == want ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t salen = sizeof(sa);
	unsigned long long bytes, left;
	int lfd, fd, status;
	char *buf;
	pid_t pid;

	if (argc != 2 || (bytes = strtoull(argv[1], NULL, 0)) == 0) {
		fprintf(stderr, "usage: bench-tcp-raw BYTES\n");
		return 2;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0 || getsockname(lfd, (struct sockaddr *)&sa, &salen) < 0)
		die("listen");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(reader(lfd, bytes));
	close(lfd);
	buf = calloc(1, CHUNK);
	if (!buf)
		die("calloc");
	memset(buf, 0x5a, CHUNK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0 = now();
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	for (left = bytes; left;) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		left -= (unsigned long long)w;
	}
	close(fd);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("reader");
	double dt = now() - t0;
	printf("tcp-raw %llu %.3f %.1f\n", bytes, dt, (double)bytes / dt / (1 << 20));
	free(buf);
	return 0;
}
