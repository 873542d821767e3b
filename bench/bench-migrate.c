// SPDX-License-Identifier: MIT
/*
 * bench-migrate: one live migration over loopback TCP, timed the same way
 * for minivmm and for QEMU (both speak QMP).
 *
 *   bench-migrate [--ready TEXT] [--param NAME=VALUE]... -- VMM ARGS...
 *
 * The same VMM command line is started twice: as the source, with its
 * console on a pipe, and as the destination, with "-incoming
 * tcp:127.0.0.1:PORT" added.  Each gets "-qmp unix:SOCK" (client mode:
 * this program listens, as libqtest does).  When the source's console
 * prints a line containing TEXT (default "ready"), the parameters are set
 * with migrate-set-parameters (NAME=VALUE, integers), migrate starts,
 * and query-migrate is polled every 10 ms until the status is completed
 * or failed; then the destination must report "running".
 *
 * Output, one line:
 *   migrate STATUS TOTAL_MS DOWNTIME_MS SETUP_MS TRANSFERRED_BYTES WALL_MS
 * TOTAL/DOWNTIME/SETUP are the source's own query-migrate figures; WALL_MS
 * runs from the migrate command to the reply that says completed.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tests/lib/qmp-client.h"

#define MAX_ARGS	128
#define MAX_PARAMS	8
#define WAIT_MS		600000	/* a 1 GiB guest on a slow machine */

static char dir[] = "/tmp/bench-migrate.XXXXXX";
static pid_t pids[2];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void cleanup(void)
{
	char p[sizeof(dir) + 16];

	for (int i = 0; i < 2; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/qmp%d", dir, i);
		unlink(p);
	}
	rmdir(dir);
}

static _Noreturn void fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "bench-migrate: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	cleanup();
	exit(1);
}

static int unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0)
		fail("listen %s", path);
	return fd;
}

static int accept_bounded(int lfd, int side, const char *who)
{
	struct pollfd pf = { .fd = lfd, .events = POLLIN };

	for (int waited = 0; poll(&pf, 1, 100) != 1; waited += 100) {
		int st;

		if (waitpid(pids[side], &st, WNOHANG) == pids[side]) {
			pids[side] = 0;
			fail("the %s exited before connecting to QMP", who);
		}
		if (waited >= 60000)
			fail("the %s did not connect to its QMP socket", who);
	}
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		fail("accept (%s)", who);
	return fd;
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		fail("no free port%s", "");
	close(fd);
	return ntohs(sa.sin_port);
}

static pid_t spawn(char **argv, int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		fail("fork%s", "");
	return pid;
}

/* Read the console pipe until a line contains text (bounded). */
static void wait_console(int fd, const char *text)
{
	char buf[4096];
	size_t len = 0;
	double end = now_ms() + WAIT_MS;

	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int left = (int)(end - now_ms());

		if (left <= 0 || poll(&pf, 1, left) != 1)
			fail("the source never printed \"%s\"", text);
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			fail("the source's console closed before \"%s\"", text);
		len += (size_t)n;
		buf[len] = 0;
		if (strstr(buf, text))
			return;
		if (len > sizeof(buf) / 2) {	/* keep the tail */
			memmove(buf, buf + len - 256, 256);
			len = 256;
		}
	}
}

static json_t *must(json_t *reply, const char *what)
{
	if (!reply || !qmp_reply_ok(reply)) {
		char *s = reply ? json_dumps(reply, JSON_COMPACT) : NULL;

		fprintf(stderr, "bench-migrate: %s: %s\n", what, s ? s : "no reply");
		free(s);
		fail("%s failed", what);
	}
	return reply;
}

static long long get_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int main(int argc, char **argv)
{
	const char *ready = "ready";
	const char *params[MAX_PARAMS];
	int nparams = 0, first = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
			ready = argv[++i];
		} else if (!strcmp(argv[i], "--param") && i + 1 < argc &&
			   nparams < MAX_PARAMS) {
			params[nparams++] = argv[++i];
		} else if (!strcmp(argv[i], "--")) {
			first = i + 1;
			break;
		} else {
			break;
		}
	}
	if (!first || first >= argc || argc - first > MAX_ARGS - 8) {
		fprintf(stderr, "usage: bench-migrate [--ready TEXT] "
			"[--param NAME=VALUE]... -- VMM ARGS...\n");
		return 2;
	}
	if (!mkdtemp(dir))
		fail("mkdtemp%s", "");
	signal(SIGPIPE, SIG_IGN);

	char qmp_path[2][sizeof(dir) + 16], qmp_opt[2][sizeof(dir) + 64];
	char incoming[64];
	int lfd[2];
	int port = free_port();
	snprintf(incoming, sizeof(incoming), "tcp:127.0.0.1:%d", port);
	for (int s = 0; s < 2; s++) {
		snprintf(qmp_path[s], sizeof(qmp_path[s]), "%s/qmp%d", dir, s);
		snprintf(qmp_opt[s], sizeof(qmp_opt[s]), "unix:%s", qmp_path[s]);
		lfd[s] = unix_listen(qmp_path[s]);
	}

	/* 0: source, 1: destination. */
	char *av[2][MAX_ARGS];
	for (int s = 0; s < 2; s++) {
		int n = 0;

		for (int i = first; i < argc; i++)
			av[s][n++] = argv[i];
		av[s][n++] = "-qmp";
		av[s][n++] = qmp_opt[s];
		if (s == 1) {
			av[s][n++] = "-incoming";
			av[s][n++] = incoming;
		}
		av[s][n] = NULL;
	}
	int con[2];
	if (pipe2(con, O_CLOEXEC) < 0)
		fail("pipe%s", "");
	pids[1] = spawn(av[1], -1);
	pids[0] = spawn(av[0], con[1]);
	close(con[1]);

	struct qmp_client *q[2];
	for (int s = 0; s < 2; s++) {
		q[s] = qmp_client_new(accept_bounded(lfd[s], s, s ? "destination" : "source"),
				      NULL, NULL, true);
		if (!q[s])
			fail("no QMP greeting from the %s", s ? "destination" : "source");
	}
	wait_console(con[0], ready);

	if (nparams) {
		json_t *args = json_object();

		for (int i = 0; i < nparams; i++) {
			const char *eq = strchr(params[i], '=');
			char name[64];

			if (!eq || eq - params[i] >= (long)sizeof(name))
				fail("bad --param %s", params[i]);
			snprintf(name, sizeof(name), "%.*s", (int)(eq - params[i]), params[i]);
			json_object_set_new(args, name,
					    json_integer(strtoll(eq + 1, NULL, 0)));
		}
		json_decref(must(qmp_execute(q[0], "migrate-set-parameters", args),
				 "migrate-set-parameters"));
	}

	double t0 = now_ms();
	json_decref(must(qmp_execute(q[0], "migrate",
				     json_pack("{s:s}", "uri", incoming)), "migrate"));
	json_t *info = NULL;
	const char *status = "";
	double wall = 0;
	for (;;) {
		json_decref(info);
		info = must(qmp_execute(q[0], "query-migrate", NULL), "query-migrate");
		json_t *ret = json_object_get(info, "return");
		status = json_string_value(json_object_get(ret, "status"));
		if (status && (!strcmp(status, "completed") || !strcmp(status, "failed") ||
			       !strcmp(status, "cancelled")))
			break;
		if (now_ms() - t0 > WAIT_MS)
			fail("no end after %s", "the time limit");
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	wall = now_ms() - t0;
	json_t *ret = json_object_get(info, "return");
	json_t *ram = json_object_get(ret, "ram");
	if (!strcmp(status, "completed")) {
		/* The destination must run the guest (bounded poll). */
		bool running = false;

		for (int i = 0; i < 3000 && !running; i++) {
			json_t *r = must(qmp_execute(q[1], "query-status", NULL), "query-status");
			const char *st = json_string_value(json_object_get(
				json_object_get(r, "return"), "status"));

			running = st && !strcmp(st, "running");
			json_decref(r);
			if (!running) {
				struct timespec ts = { 0, 10 * 1000000L };
				nanosleep(&ts, NULL);
			}
		}
		if (!running)
			status = "destination-not-running";
	}
	printf("migrate %s %lld %lld %lld %lld %.1f\n", status,
	       get_int(ret, "total-time"), get_int(ret, "downtime"),
	       get_int(ret, "setup-time"), get_int(ram, "transferred"), wall);
	json_decref(info);
	for (int s = 0; s < 2; s++) {
		qmp_client_free(q[s]);
		close(lfd[s]);
	}
	close(con[0]);
	cleanup();
	return 0;
}
