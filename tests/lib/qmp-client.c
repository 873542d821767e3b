/* SPDX-License-Identifier: MIT */
/*
 * Test clients for QMP and qtest (see qmp-client.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qmp-client.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- lines ---- */

char *line_recv(struct line_conn *c)
{
	uint64_t deadline = now_ms() + CLIENT_WAIT_MS;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			char *line = malloc(n + 1);

			if (!line)
				return NULL;
			memcpy(line, c->buf, n);
			line[n] = '\0';
			if (n && line[n - 1] == '\r')
				line[n - 1] = '\0';
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return line;
		}
		if (c->eof || c->len == sizeof(c->buf) || now_ms() > deadline)
			return NULL;
		if (c->pump)
			c->pump(c->pump_opaque);
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		if (poll(&pfd, 1, c->pump ? 0 : 100) <= 0)
			continue;
		ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r > 0)
			c->len += (size_t)r;
		else if (r == 0 || (errno != EINTR && errno != EAGAIN))
			c->eof = true;
	}
}

bool line_send(struct line_conn *c, const char *s, size_t len)
{
	uint64_t deadline = now_ms() + CLIENT_WAIT_MS;

	while (len) {
		ssize_t w = send(c->fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			s += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (now_ms() > deadline)
			return false;
		if (c->pump)
			c->pump(c->pump_opaque);	/* let the server read */
		else
			poll(&(struct pollfd){ .fd = c->fd, .events = POLLOUT }, 1, 100);
	}
	return true;
}

/* ---- QMP ---- */

static json_t *qmp_recv_any(struct qmp_client *c)
{
	char *line;
	json_t *msg;

	while ((line = line_recv(&c->lc))) {
		msg = json_loads(line, 0, NULL);
		free(line);
		if (msg)
			return msg;
	}
	return NULL;
}

json_t *qmp_recv_reply(struct qmp_client *c)
{
	json_t *msg;

	while ((msg = qmp_recv_any(c))) {
		if (!json_object_get(msg, "event"))
			return msg;
		json_array_append_new(c->events, msg);
	}
	return NULL;
}

bool qmp_send_raw(struct qmp_client *c, const char *text)
{
	return line_send(&c->lc, text, strlen(text));
}

/* The command line with fd attached (SCM_RIGHTS); false if not sent. */
static bool send_with_fd(struct qmp_client *c, const char *line, int fd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)line, strlen(line) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(c->lc.fd, &mh, MSG_NOSIGNAL) == (ssize_t)strlen(line);
}

json_t *qmp_execute(struct qmp_client *c, const char *cmd, json_t *args)
{
	return qmp_execute_fd(c, cmd, args, -1);
}

json_t *qmp_execute_fd(struct qmp_client *c, const char *cmd, json_t *args,
		       int fd)
{
	json_t *req = json_pack("{s:s}", "execute", cmd);
	char *s, *line = NULL;

	if (args)
		json_object_set_new(req, "arguments", args);
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!s || asprintf(&line, "%s\n", s) < 0) {
		free(s);
		return NULL;
	}
	free(s);
	/*
	 * One write; and read the reply even if the write "fails": the
	 * server may answer "quit" and close before all bytes are taken.
	 */
	if (fd >= 0 && !send_with_fd(c, line, fd)) {
		free(line);
		return NULL;
	}
	if (fd < 0)
		qmp_send_raw(c, line);
	free(line);
	return qmp_recv_reply(c);
}

json_t *qmp_take_event(struct qmp_client *c, const char *name)
{
	size_t i;
	json_t *ev;

	json_array_foreach(c->events, i, ev) {
		const char *n = json_string_value(json_object_get(ev, "event"));

		if (n && !strcmp(n, name)) {
			json_incref(ev);
			json_array_remove(c->events, i);
			return ev;
		}
	}
	return NULL;
}

json_t *qmp_wait_event(struct qmp_client *c, const char *name)
{
	json_t *ev, *msg;

	while (!(ev = qmp_take_event(c, name))) {
		msg = qmp_recv_any(c);
		if (!msg)
			return NULL;
		if (json_object_get(msg, "event"))
			json_array_append_new(c->events, msg);
		else
			json_decref(msg);	/* a stray reply */
	}
	return ev;
}

bool qmp_reply_ok(const json_t *reply)
{
	return reply && json_object_get(reply, "return");
}

const char *qmp_error_class(const json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(reply, "error"),
						 "class"));
}

bool qmp_take_ok(json_t *reply)
{
	bool ok = qmp_reply_ok(reply);

	json_decref(reply);
	return ok;
}

const char *qmp_take_desc(json_t *reply)
{
	static char desc[512];
	const char *d = json_string_value(json_object_get(json_object_get(reply, "error"),
							 "desc"));

	snprintf(desc, sizeof(desc), "%s", d ? d : "");
	json_decref(reply);
	return desc;
}

json_t *qmp_pass_fd(struct qmp_client *c, const char *cmd, json_t *args, int fd)
{
	json_t *r = qmp_execute_fd(c, cmd, args, fd);

	if (fd >= 0)
		close(fd);
	return r;
}

struct qmp_client *qmp_client_new(int fd, client_pump_fn *pump, void *opaque,
				  bool negotiate)
{
	struct qmp_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->lc.fd = fd;
	c->lc.pump = pump;
	c->lc.pump_opaque = opaque;
	c->events = json_array();
	c->greeting = qmp_recv_any(c);
	if (!c->greeting || !json_object_get(c->greeting, "QMP")) {
		qmp_client_free(c);
		return NULL;
	}
	if (negotiate) {
		json_t *r = qmp_execute(c, "qmp_capabilities", NULL);
		bool ok = qmp_reply_ok(r);

		json_decref(r);
		if (!ok) {
			qmp_client_free(c);
			return NULL;
		}
	}
	return c;
}

void qmp_client_free(struct qmp_client *c)
{
	if (!c)
		return;
	json_decref(c->greeting);
	json_decref(c->events);
	close(c->lc.fd);
	free(c);
}

/* ---- qtest ---- */

struct qtest_client *qtest_client_new(int fd, client_pump_fn *pump, void *opaque)
{
	struct qtest_client *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->lc.fd = fd;
	q->lc.pump = pump;
	q->lc.pump_opaque = opaque;
	return q;
}

void qtest_client_free(struct qtest_client *q)
{
	if (!q)
		return;
	close(q->lc.fd);
	free(q);
}

static char *qtest_vcmd(struct qtest_client *q, const char *fmt, va_list ap)
{
	char *s = NULL, *line;
	int n = vasprintf(&s, fmt, ap);
	bool ok;

	if (n < 0)
		return NULL;
	ok = line_send(&q->lc, s, (size_t)n) && line_send(&q->lc, "\n", 1);
	free(s);
	if (!ok)
		return NULL;
	/* IRQ lines come before the reply of the command that caused them. */
	while ((line = line_recv(&q->lc))) {
		unsigned int irq;

		if (sscanf(line, "IRQ raise %u", &irq) == 1 && irq < 64) {
			q->irq_level[irq] = 1;
			q->irq_events++;
		} else if (sscanf(line, "IRQ lower %u", &irq) == 1 && irq < 64) {
			q->irq_level[irq] = 0;
			q->irq_events++;
		} else {
			return line;
		}
		free(line);
	}
	return NULL;
}

char *qtest_cmd(struct qtest_client *q, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = qtest_vcmd(q, fmt, ap);
	va_end(ap);
	return r;
}

bool qtest_cmd_ok(struct qtest_client *q, uint64_t *value, const char *fmt, ...)
{
	va_list ap;
	char *r;
	bool ok;

	va_start(ap, fmt);
	r = qtest_vcmd(q, fmt, ap);
	va_end(ap);
	ok = r && !strncmp(r, "OK", 2) && (r[2] == '\0' || r[2] == ' ');
	if (value)
		*value = ok && r[2] ? strtoull(r + 3, NULL, 0) : 0;
	free(r);
	return ok;
}

uint8_t qtest_inb(struct qtest_client *q, uint16_t port)
{
	uint64_t v = 0;

	qtest_cmd_ok(q, &v, "inb 0x%x", port);
	return (uint8_t)v;
}

void qtest_outb(struct qtest_client *q, uint16_t port, uint8_t v)
{
	qtest_cmd_ok(q, NULL, "outb 0x%x 0x%x", port, v);
}

uint32_t qtest_readl(struct qtest_client *q, uint64_t addr)
{
	uint64_t v = 0;

	qtest_cmd_ok(q, &v, "readl 0x%" PRIx64, addr);
	return (uint32_t)v;
}

void qtest_writel(struct qtest_client *q, uint64_t addr, uint32_t v)
{
	qtest_cmd_ok(q, NULL, "writel 0x%" PRIx64 " 0x%x", addr, v);
}

uint64_t qtest_clock_step(struct qtest_client *q, uint64_t ns)
{
	uint64_t v = 0;

	qtest_cmd_ok(q, &v, "clock_step %" PRIu64, ns);
	return v;
}

bool qtest_get_irq(struct qtest_client *q, unsigned int line)
{
	return line < 64 && q->irq_level[line];
}

/* ---- processes ---- */

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int accept_timeout(int lfd, pid_t pid)
{
	uint64_t deadline = now_ms() + CLIENT_WAIT_MS;

	while (now_ms() < deadline) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;	/* it died before connecting */
	}
	return -1;
}

int vmm_spawn(struct vmm_proc *p, bool with_qmp, bool with_qtest,
	      const char *const *args)
{
	return vmm_spawn_in(p, with_qmp, with_qtest, args, -1);
}

int vmm_spawn_in(struct vmm_proc *p, bool with_qmp, bool with_qtest,
		 const char *const *args, int stdin_fd)
{
	const char *bin = getenv("MINIVMM"), *wrapper = getenv("MINIVMM_WRAPPER");
	const char *extra = getenv("MINIVMM_ARGS");
	char *extra_copy = NULL;
	char qmp_path[128], qtest_path[128], qmp_arg[160], qtest_arg[160];
	const char *argv[64];
	char *wrap_copy = NULL, *save = NULL, *tok;
	int n = 0, lq = -1, lt = -1;

	memset(p, 0, sizeof(*p));
	p->qmp_fd = p->qtest_fd = -1;
	if (!bin)
		return -ENOENT;
	snprintf(p->dir, sizeof(p->dir), "/tmp/minivmm-test-XXXXXX");
	if (!mkdtemp(p->dir))
		return -errno;
	snprintf(qmp_path, sizeof(qmp_path), "%s/qmp.sock", p->dir);
	snprintf(qtest_path, sizeof(qtest_path), "%s/qtest.sock", p->dir);
	if ((with_qmp && (lq = listen_unix(qmp_path)) < 0) ||
	    (with_qtest && (lt = listen_unix(qtest_path)) < 0))
		return -EIO;

	if (wrapper && *wrapper) {
		wrap_copy = strdup(wrapper);
		for (tok = strtok_r(wrap_copy, " ", &save); tok && n < 8;
		     tok = strtok_r(NULL, " ", &save))
			argv[n++] = tok;
	}
	argv[n++] = bin;
	/* $MINIVMM_ARGS: more options, e.g. "-sandbox off" under qemu-user,
	 * which cannot install seccomp filters. */
	if (extra && *extra) {
		extra_copy = strdup(extra);
		for (tok = strtok_r(extra_copy, " ", &save); tok && n < 24;
		     tok = strtok_r(NULL, " ", &save))
			argv[n++] = tok;
	}
	if (with_qmp) {
		snprintf(qmp_arg, sizeof(qmp_arg), "unix:%s", qmp_path);
		argv[n++] = "-qmp";
		argv[n++] = qmp_arg;
	}
	if (with_qtest) {
		snprintf(qtest_arg, sizeof(qtest_arg), "unix:%s", qtest_path);
		argv[n++] = "-qtest";
		argv[n++] = qtest_arg;
	}
	for (; args && *args && n < 62; args++)
		argv[n++] = *args;
	argv[n] = NULL;

	p->pid = fork();
	if (p->pid == 0) {
		int null = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);

		dup2(null, STDIN_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	free(wrap_copy);
	free(extra_copy);
	if (p->pid < 0)
		return -errno;
	if (with_qmp)
		p->qmp_fd = accept_timeout(lq, p->pid);
	if (with_qtest)
		p->qtest_fd = accept_timeout(lt, p->pid);
	if (lq >= 0)
		close(lq);
	if (lt >= 0)
		close(lt);
	unlink(qmp_path);
	unlink(qtest_path);
	rmdir(p->dir);
	if ((with_qmp && p->qmp_fd < 0) || (with_qtest && p->qtest_fd < 0))
		return -ECONNREFUSED;
	return 0;
}

int vmm_wait(struct vmm_proc *p)
{
	uint64_t deadline = now_ms() + CLIENT_WAIT_MS;
	int status = -1;

	while (waitpid(p->pid, &status, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			break;
		}
		usleep(10000);
	}
	return status;
}

int vmm_kill(struct vmm_proc *p)
{
	kill(p->pid, SIGTERM);
	return vmm_wait(p);
}
