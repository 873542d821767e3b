/* SPDX-License-Identifier: MIT */
/*
 * Control-plane sockets (see chardev.h): endpoint parsing, listen/connect,
 * and buffered non-blocking connections on the main loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/chardev.h"
#include "vmm/error.h"
#include "vmm/mainloop.h"

/* ---- endpoint syntax ------------------------------------------------ */

static int parse_onoff(const char *opt, const char *val, bool *out, char **err)
{
	if (!strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "off") || !strcmp(val, "no") || !strcmp(val, "false")) {
		*out = false;
		return 0;
	}
	error_setf(err, "'%s' expects on or off, not '%s'", opt, val);
	return -EINVAL;
}

int chr_spec_parse(struct chr_spec *spec, const char *text, char **err)
{
	char buf[256], *opts, *addr, *item, *save = NULL;
	int rc = 0;

	memset(spec, 0, sizeof(*spec));
	spec->wait = true;
	if (strlen(text) >= sizeof(buf)) {
		error_setf(err, "'%s': too long", text);
		return -EINVAL;
	}
	strcpy(buf, text);
	opts = strchr(buf, ',');
	if (opts)
		*opts++ = '\0';

	if (!strncmp(buf, "unix:", 5)) {
		addr = buf + 5;
		spec->is_unix = true;
		if (!*addr || strlen(addr) >= sizeof(spec->path)) {
			error_setf(err, "'%s': bad unix socket path", text);
			return -EINVAL;
		}
		strcpy(spec->path, addr);
	} else if (!strncmp(buf, "tcp:", 4)) {
		char *colon;

		addr = buf + 4;
		colon = strrchr(addr, ':');
		if (!colon || !colon[1] || strlen(colon + 1) >= sizeof(spec->port) ||
		    (size_t)(colon - addr) >= sizeof(spec->host)) {
			error_setf(err, "'%s': expected tcp:HOST:PORT", text);
			return -EINVAL;
		}
		*colon = '\0';
		strcpy(spec->host, *addr ? addr : "127.0.0.1");
		strcpy(spec->port, colon + 1);
	} else {
		error_setf(err, "'%s': expected unix:PATH or tcp:HOST:PORT", text);
		return -EINVAL;
	}

	for (item = opts ? strtok_r(opts, ",", &save) : NULL; item && !rc;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (eq)
			*eq++ = '\0';
		if (!strcmp(item, "server"))
			rc = eq ? parse_onoff("server", eq, &spec->server, err)
				: (spec->server = true, 0);
		else if (!strcmp(item, "wait"))
			rc = eq ? parse_onoff("wait", eq, &spec->wait, err)
				: (spec->wait = true, 0);
		else if (!strcmp(item, "nowait") && !eq)
			spec->wait = false;
		else {
			error_setf(err, "'%s': unsupported option '%s' (server, "
				   "wait)", text, item);
			rc = -EINVAL;
		}
	}
	return rc;
}

/* ---- sockets ---------------------------------------------------------- */

static int make_unix_addr(const struct chr_spec *spec, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, spec->path, strlen(spec->path));
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int tcp_socket(const struct chr_spec *spec, bool server, char **err)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = server ? AI_PASSIVE : 0,
	}, *res, *ai;
	int fd = -1, e = 0, rc;

	rc = getaddrinfo(spec->host, spec->port, &hints, &res);
	if (rc) {
		error_setf(err, "tcp:%s:%s: %s", spec->host, spec->port,
			   gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (server) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
			    listen(fd, 8) == 0)
				break;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			break;
		}
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		error_setf(err, "tcp:%s:%s: %s", spec->host, spec->port,
			   strerror(e ? e : EINVAL));
		return -(e ? e : EINVAL);
	}
	return fd;
}

int chr_listen(const struct chr_spec *spec, char **err)
{
	struct sockaddr_un sa;
	int fd, e;

	if (!spec->is_unix)
		return tcp_socket(spec, true, err);
	fd = make_unix_addr(spec, &sa);
	if (fd < 0)
		goto fail;
	unlink(spec->path);	/* a stale socket from an earlier run */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	error_setf(err, "unix:%s: %s", spec->path, strerror(e));
	return -e;
}

int chr_connect(const struct chr_spec *spec, char **err)
{
	struct sockaddr_un sa;
	int fd, e;

	if (!spec->is_unix)
		return tcp_socket(spec, false, err);
	fd = make_unix_addr(spec, &sa);
	if (fd < 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	error_setf(err, "unix:%s: %s", spec->path, strerror(e));
	return -e;
}

int chr_accept(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

/* ---- connections -------------------------------------------------------- */

struct chr_conn {
	struct mainloop *ml;
	int fd;
	bool dead;		/* write failed or queue overflowed */
	bool want_out;		/* EPOLLOUT armed */
	bool notify_posted;	/* conn_dead_notify() queued on the loop */
	chr_input_fn *fn;
	void *opaque;
	uint8_t *out;		/* queued output [out_start, out_len) */
	size_t out_start, out_len, out_cap;
	bool not_socket;	/* recvmsg() said ENOTSOCK: plain read() */
	int fds[CHR_MAX_FDS];	/* received with SCM_RIGHTS, oldest first */
	unsigned int nfds;
};

static void conn_dead_notify(void *opaque)
{
	struct chr_conn *c = opaque;

	c->notify_posted = false;
	c->fn(c->opaque, c, NULL, 0);	/* the owner frees c */
}

/*
 * A peer we cannot write to (gone, or not reading) is dropped: the owner
 * gets the usual disconnect callback from the loop, not from inside the
 * write that failed.  (No shutdown(): the main thread's seccomp list has
 * only read/write/sendmsg/recvmsg for sockets.)
 */
static void kill_conn(struct chr_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	c->out_start = c->out_len = 0;
	mainloop_del_fd(c->ml, c->fd);
	if (mainloop_post(c->ml, conn_dead_notify, c) == 0)
		c->notify_posted = true;
}

static void set_want_out(struct chr_conn *c, bool on)
{
	if (c->want_out == on)
		return;
	c->want_out = on;
	if (c->dead)
		return;
	mainloop_mod_fd(c->ml, c->fd, EPOLLIN | (on ? EPOLLOUT : 0));
}

static void try_write(struct chr_conn *c)
{
	while (c->out_start < c->out_len) {
		struct iovec iov = { c->out + c->out_start, c->out_len - c->out_start };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				kill_conn(c);
			break;
		}
		c->out_start += (size_t)n;
	}
	if (c->out_start == c->out_len)
		c->out_start = c->out_len = 0;
	set_want_out(c, !c->dead && c->out_len > 0);
}

/* Keep the file descriptors of an SCM_RIGHTS message (for the monitor's
 * getfd/add-fd); beyond CHR_MAX_FDS unclaimed ones they are closed. */
static void keep_fds(struct chr_conn *c, struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		const unsigned char *data = CMSG_DATA(cm);

		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, data + i * sizeof(int), sizeof(int));
			if (c->nfds < CHR_MAX_FDS)
				c->fds[c->nfds++] = fd;
			else
				close(fd);
		}
	}
}

/* Input bytes, and any descriptors passed along on a UNIX socket. */
static ssize_t conn_recv(struct chr_conn *c, uint8_t *buf, size_t len)
{
	union {
		char b[CMSG_SPACE(CHR_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	ssize_t n;

	if (c->not_socket)
		return read(c->fd, buf, len);
	n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0 && errno == ENOTSOCK) {
		c->not_socket = true;
		return read(c->fd, buf, len);
	}
	if (n >= 0 && mh.msg_controllen)
		keep_fds(c, &mh);
	return n;
}

void chr_conn_drop_fds(struct chr_conn *c)
{
	while (c->nfds)
		close(c->fds[--c->nfds]);
}

int chr_conn_take_fd(struct chr_conn *c)
{
	int fd;

	if (!c->nfds)
		return -1;
	fd = c->fds[0];
	memmove(c->fds, c->fds + 1, --c->nfds * sizeof(int));
	return fd;
}

static void conn_event(void *opaque, int fd, uint32_t events)
{
	struct chr_conn *c = opaque;
	uint8_t buf[4096];
	ssize_t n;

	(void)fd;
	if (events & EPOLLOUT)
		try_write(c);
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = conn_recv(c, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	/* The callback may free c: touch nothing after it. */
	c->fn(c->opaque, c, buf, n > 0 ? (size_t)n : 0);
}

struct chr_conn *chr_conn_new(struct mainloop *ml, int fd,
			      chr_input_fn *fn, void *opaque)
{
	struct chr_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ml = ml;
	c->fd = fd;
	c->fn = fn;
	c->opaque = opaque;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (mainloop_add_fd(ml, fd, EPOLLIN, conn_event, c) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

bool chr_conn_write(struct chr_conn *c, const void *buf, size_t len)
{
	if (c->dead)
		return false;
	if (c->out_len - c->out_start + len > CHR_OUT_MAX) {
		kill_conn(c);		/* it stopped reading: drop it */
		return false;
	}
	if (c->out_len + len > c->out_cap) {
		size_t pending = c->out_len - c->out_start, cap = c->out_cap ? c->out_cap : 4096;
		uint8_t *n;

		if (pending)
			memmove(c->out, c->out + c->out_start, pending);
		c->out_start = 0;
		c->out_len = pending;
		while (cap < pending + len)
			cap *= 2;
		if (cap != c->out_cap) {
			n = realloc(c->out, cap);
			if (!n) {
				kill_conn(c);
				return false;
			}
			c->out = n;
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	try_write(c);
	return !c->dead;
}

bool chr_conn_printf(struct chr_conn *c, const char *fmt, ...)
{
	char small[256], *p = small;
	va_list ap;
	int n;
	bool ok;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	if ((size_t)n >= sizeof(small)) {
		va_start(ap, fmt);
		n = vasprintf(&p, fmt, ap);
		va_end(ap);
		if (n < 0)
			return false;
	}
	ok = chr_conn_write(c, p, (size_t)n);
	if (p != small)
		free(p);
	return ok;
}

bool chr_conn_dead(const struct chr_conn *c)
{
	return c->dead;
}

void chr_conn_flush(struct chr_conn *c, int timeout_ms)
{
	while (!c->dead && c->out_len > c->out_start) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		try_write(c);
	}
}

void chr_conn_free(struct chr_conn *c)
{
	if (!c)
		return;
	if (c->notify_posted)
		mainloop_cancel(c->ml, conn_dead_notify, c);
	mainloop_del_fd(c->ml, c->fd);
	close(c->fd);
	for (unsigned int i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	free(c->out);
	free(c);
}
