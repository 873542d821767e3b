/* SPDX-License-Identifier: MIT */
/*
 * Socket backends: -netdev stream and -netdev dgram (see net-backend.h).
 *
 * stream: every frame is a 4-byte big-endian length followed by the
 * frame, QEMU's framing for its stream/socket netdevs, so a minivmm and
 * a QEMU guest can share a link.  A length of 0 or above NET_FRAME_MAX
 * is a broken peer: the connection is closed and the link goes down.
 * server=on listens and serves one client at a time (the link is up
 * while one is connected); server=off connects at start-up and the link
 * stays down once the peer left, unless reconnect= is given: then a
 * failed or lost connection is tried again every reconnect period, on
 * the packet thread with a non-blocking connect(), and the link comes up
 * when it succeeds (QEMU's reconnect: the start-up connect may fail
 * too).  Output that the socket does not take
 * at once is kept (one frame) and send() answers -EAGAIN until it went
 * out: a peer that stops reading stalls the transmit queue, never a
 * thread.
 *
 * dgram: one frame per datagram, sent to remote= from a socket bound to
 * local= (or an inherited fd).  Datagrams the socket cannot take now are
 * dropped, as a network would.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devices/net-backend.h"
#include "vmm/endian.h"
#include "vmm/error.h"

#define STREAM_HDR	4
/* Frames handed to the device per dispatch, so that one busy peer
 * cannot keep the packet thread from its transmit queue. */
#define RX_BATCH	64

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -errno : fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/* A socket address for a unix path or inet host:port (resolved now). */
static int make_sockaddr(const struct net_addr *a, int socktype,
			 struct sockaddr_storage *ss, socklen_t *len,
			 const char *id, char **err)
{
	memset(ss, 0, sizeof(*ss));
	if (a->type == NET_ADDR_UNIX) {
		struct sockaddr_un *su = (struct sockaddr_un *)ss;

		if (strlen(a->path) >= sizeof(su->sun_path)) {
			error_setf(err, "-netdev %s: path too long: %s", id, a->path);
			return -EINVAL;
		}
		su->sun_family = AF_UNIX;
		strcpy(su->sun_path, a->path);
		*len = sizeof(*su);
		return 0;
	}
	struct addrinfo hints = { .ai_socktype = socktype,
				  .ai_flags = AI_NUMERICSERV }, *res;
	char port[8];

	snprintf(port, sizeof(port), "%u", a->port);
	int r = getaddrinfo(a->host, port, &hints, &res);
	if (r) {
		error_setf(err, "-netdev %s: %s:%u: %s", id, a->host, a->port,
			   gai_strerror(r));
		return -EINVAL;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static const char *addr_text(const struct net_addr *a, char *buf, size_t n)
{
	if (a->type == NET_ADDR_UNIX)
		snprintf(buf, n, "%s", a->path);
	else if (a->type == NET_ADDR_INET)
		snprintf(buf, n, "%s:%u", a->host, a->port);
	else
		snprintf(buf, n, "fd %d", a->fd);
	return buf;
}

/* ---- stream ------------------------------------------------------------ */

struct net_stream {
	int listen_fd;			/* server=on, else -1 */
	int fd;				/* the connection, -1: none */
	/* server=off with reconnect= (reconnect_ms > 0). */
	uint32_t reconnect_ms;
	struct sockaddr_storage peer;	/* where to connect */
	socklen_t peerlen;
	int connecting;			/* non-blocking connect() under way, -1 */
	int64_t next_try;		/* CLOCK_MONOTONIC ms of the next try */
	uint8_t rbuf[STREAM_HDR + NET_FRAME_MAX];
	size_t rlen;			/* bytes in rbuf */
	uint8_t wbuf[STREAM_HDR + NET_FRAME_MAX];
	size_t wlen, woff;		/* unsent rest of one frame */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stream_drop_conn(struct net_backend *nb)
{
	struct net_stream *s = nb->priv;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->rlen = s->wlen = s->woff = 0;
	s->next_try = now_ms() + s->reconnect_ms;
	net_backend_set_link(nb, false);
}

static void stream_connected(struct net_backend *nb, int fd)
{
	struct net_stream *s = nb->priv;

	s->fd = fd;
	s->rlen = s->wlen = s->woff = 0;
	net_backend_set_link(nb, true);
}

/* reconnect=: start a non-blocking connect(), or finish one. */
static void stream_try_connect(struct net_backend *nb)
{
	struct net_stream *s = nb->priv;

	int fd = socket(s->peer.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
			SOCK_NONBLOCK, 0);
	if (fd < 0) {
		s->next_try = now_ms() + s->reconnect_ms;
		return;
	}
	if (connect(fd, (struct sockaddr *)&s->peer, s->peerlen) == 0) {
		stream_connected(nb, fd);
	} else if (errno == EINPROGRESS) {
		s->connecting = fd;
	} else {
		close(fd);
		s->next_try = now_ms() + s->reconnect_ms;
	}
}

static void stream_finish_connect(struct net_backend *nb, short rev)
{
	struct net_stream *s = nb->priv;
	int e = 0, fd = s->connecting;
	socklen_t el = sizeof(e);

	if (!(rev & (POLLOUT | POLLERR | POLLHUP)))
		return;
	s->connecting = -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
		close(fd);
		s->next_try = now_ms() + s->reconnect_ms;
		return;
	}
	stream_connected(nb, fd);
}

static unsigned int stream_fill(struct net_backend *nb, struct pollfd *pfd,
				unsigned int max, int *timeout_ms)
{
	struct net_stream *s = nb->priv;

	if (!max)
		return 0;
	if (s->fd < 0 && s->connecting >= 0) {
		pfd[0] = (struct pollfd){ .fd = s->connecting, .events = POLLOUT };
		return 1;
	}
	if (s->fd < 0 && s->reconnect_ms) {
		int64_t wait = s->next_try - now_ms();
		int t = wait < 0 ? 0 : wait > 3600000 ? 3600000 : (int)wait;

		if (*timeout_ms < 0 || t < *timeout_ms)
			*timeout_ms = t;
		return 0;
	}
	if (s->fd < 0) {
		if (s->listen_fd < 0)
			return 0;
		pfd[0] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		return 1;
	}
	pfd[0] = (struct pollfd){ .fd = s->fd, .events = 0 };
	/* Read only while there is room for a whole frame and the device
	 * takes frames: TCP flow control does the rest. */
	if (net_backend_can_receive(nb) && s->rlen < sizeof(s->rbuf))
		pfd[0].events |= POLLIN;
	if (s->wlen)
		pfd[0].events |= POLLOUT;
	return 1;
}

static void stream_flush(struct net_backend *nb)
{
	struct net_stream *s = nb->priv;

	while (s->woff < s->wlen) {
		ssize_t w = send(s->fd, s->wbuf + s->woff, s->wlen - s->woff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0) {
			stream_drop_conn(nb);
			return;
		}
		s->woff += (size_t)w;
	}
	s->wlen = s->woff = 0;
}

/* Hand whole frames in rbuf to the device; false: the peer is broken. */
static bool stream_parse(struct net_backend *nb)
{
	struct net_stream *s = nb->priv;
	size_t off = 0;
	int n = 0;

	while (s->rlen - off >= STREAM_HDR && n < RX_BATCH &&
	       net_backend_can_receive(nb)) {
		uint32_t len = be32_ld(s->rbuf + off);

		if (len == 0 || len > NET_FRAME_MAX)
			return false;
		if (s->rlen - off < STREAM_HDR + len)
			break;
		net_backend_deliver(nb, s->rbuf + off + STREAM_HDR, len);
		off += STREAM_HDR + len;
		n++;
	}
	if (off) {
		memmove(s->rbuf, s->rbuf + off, s->rlen - off);
		s->rlen -= off;
	}
	return true;
}

static void stream_dispatch(struct net_backend *nb, struct pollfd *pfd,
			    unsigned int n)
{
	struct net_stream *s = nb->priv;

	if (s->fd < 0 && s->connecting >= 0) {
		if (n && pfd[0].fd == s->connecting)
			stream_finish_connect(nb, pfd[0].revents);
		return;
	}
	if (s->fd < 0 && s->reconnect_ms) {
		if (now_ms() >= s->next_try)
			stream_try_connect(nb);
		return;
	}
	if (n && s->fd < 0 && s->listen_fd >= 0 && pfd[0].fd == s->listen_fd &&
	    (pfd[0].revents & POLLIN)) {
		int fd = accept4(s->listen_fd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd >= 0) {
			s->fd = fd;
			s->rlen = 0;
			net_backend_set_link(nb, true);
		}
		return;
	}
	if (s->fd < 0)
		return;
	short rev = n && pfd[0].fd == s->fd ? pfd[0].revents : 0;
	if (rev & POLLOUT)
		stream_flush(nb);
	if (s->fd >= 0 && (rev & POLLIN)) {
		ssize_t r = recv(s->fd, s->rbuf + s->rlen, sizeof(s->rbuf) - s->rlen,
				 MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR &&
			       errno != EWOULDBLOCK)) {
			stream_drop_conn(nb);
			return;
		}
		if (r > 0)
			s->rlen += (size_t)r;
	} else if (s->fd >= 0 && (rev & (POLLHUP | POLLERR))) {
		stream_drop_conn(nb);
		return;
	}
	if (s->fd >= 0 && !stream_parse(nb)) {
		fprintf(stderr, "minivmm: -netdev %s: bad frame length from the "
			"peer; closing the connection\n", nb->id);
		stream_drop_conn(nb);
	}
}

static int stream_send(struct net_backend *nb, const uint8_t *frame, size_t len)
{
	struct net_stream *s = nb->priv;

	if (s->fd < 0)
		return -ENOTCONN;
	if (len == 0 || len > NET_FRAME_MAX)
		return -EMSGSIZE;
	if (s->wlen) {
		stream_flush(nb);
		if (s->wlen)
			return s->fd < 0 ? -ENOTCONN : -EAGAIN;
	}
	uint8_t hdr[STREAM_HDR];
	be32_st(hdr, (uint32_t)len);
	struct iovec iov[2] = {
		{ hdr, STREAM_HDR },
		{ (void *)frame, len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t w;

	do
		w = sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (w < 0 && errno == EINTR);
	if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		stream_drop_conn(nb);
		return -ENOTCONN;
	}
	if (w < 0)
		w = 0;
	size_t total = STREAM_HDR + len;
	if ((size_t)w < total) {
		/* Keep the rest of the frame: the framing must stay whole. */
		size_t done = (size_t)w;

		s->wlen = 0;
		if (done < STREAM_HDR) {
			memcpy(s->wbuf, hdr + done, STREAM_HDR - done);
			s->wlen = STREAM_HDR - done;
			done = STREAM_HDR;
		}
		memcpy(s->wbuf + s->wlen, frame + (done - STREAM_HDR),
		       total - done);
		s->wlen += total - done;
		s->woff = 0;
	}
	return 0;
}

static void stream_destroy(struct net_backend *nb)
{
	struct net_stream *s = nb->priv;

	if (s->fd >= 0)
		close(s->fd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->connecting >= 0)
		close(s->connecting);
	free(s);
}

static const struct net_backend_ops stream_ops = {
	.type = "stream",
	.sandbox_kind = SANDBOX_NET_IO,
	.fill = stream_fill,
	.dispatch = stream_dispatch,
	.send = stream_send,
	.destroy = stream_destroy,
};

/* reconnect=: the packet thread also makes and connects sockets. */
static const struct net_backend_ops stream_reconnect_ops = {
	.type = "stream",
	.sandbox_kind = SANDBOX_NET_CONNECT,
	.fill = stream_fill,
	.dispatch = stream_dispatch,
	.send = stream_send,
	.destroy = stream_destroy,
};

int net_stream_create(struct net_backend *nb, const struct netdev_config *c,
		      char **err)
{
	struct net_stream *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sl;
	char at[160];
	int fd = -1, r;

	if (!s) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	s->listen_fd = s->fd = s->connecting = -1;
	s->reconnect_ms = c->reconnect_ms;
	addr_text(&c->addr, at, sizeof(at));
	if (c->addr.type == NET_ADDR_FD) {
		int type = 0;
		socklen_t tl = sizeof(type);

		if (getsockopt(c->addr.fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
		    type != SOCK_STREAM) {
			error_setf(err, "-netdev %s: fd %d is not a stream socket",
				   c->id, c->addr.fd);
			r = -EINVAL;
			goto fail;
		}
		fd = fcntl(c->addr.fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			goto errno_fail;
		if (c->server) {
			s->listen_fd = fd;
			nb->link_up = false;
		} else {
			s->fd = fd;
		}
		fd = -1;
	} else {
		r = make_sockaddr(&c->addr, SOCK_STREAM, &ss, &sl, c->id, err);
		if (r)
			goto fail;
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto errno_fail;
		if (c->server) {
			int one = 1;

			if (c->addr.type == NET_ADDR_UNIX)
				unlink(c->addr.path);
			else
				setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
					   sizeof(one));
			if (bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
			    listen(fd, 1) < 0)
				goto errno_fail;
			s->listen_fd = fd;
			nb->link_up = false;	/* until a client connects */
		} else if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
			if (!c->reconnect_ms)
				goto errno_fail;
			/* reconnect=: the packet thread tries again. */
			fprintf(stderr, "minivmm: -netdev %s: %s: %s; trying again "
				"every %u ms\n", c->id, at, strerror(errno),
				c->reconnect_ms);
			close(fd);
			memcpy(&s->peer, &ss, sizeof(ss));
			s->peerlen = sl;
			s->next_try = now_ms() + c->reconnect_ms;
			nb->link_up = false;
			nb->ops = &stream_reconnect_ops;
			nb->priv = s;
			return 0;
		} else {
			s->fd = fd;
			memcpy(&s->peer, &ss, sizeof(ss));
			s->peerlen = sl;
		}
		fd = -1;
	}
	r = set_nonblock(s->listen_fd >= 0 ? s->listen_fd : s->fd);
	if (r) {
		error_setf(err, "-netdev %s: fcntl: %s", c->id, strerror(-r));
		goto fail;
	}
	nb->ops = c->reconnect_ms ? &stream_reconnect_ops : &stream_ops;
	nb->priv = s;
	return 0;
errno_fail:
	r = -errno;
	error_setf(err, "-netdev %s: %s: %s", c->id, at, strerror(errno));
fail:
	if (fd >= 0)
		close(fd);
	if (s->fd >= 0)
		close(s->fd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	free(s);
	return r;
}

/* ---- dgram ------------------------------------------------------------- */

struct net_dgram {
	int fd;
	struct sockaddr_storage dst;	/* remote=, unused for an fd */
	socklen_t dstlen;
	uint8_t buf[NET_FRAME_MAX];
};

static unsigned int dgram_fill(struct net_backend *nb, struct pollfd *pfd,
			       unsigned int max, int *timeout_ms)
{
	struct net_dgram *d = nb->priv;

	(void)timeout_ms;
	if (!max || !net_backend_can_receive(nb))
		return 0;
	pfd[0] = (struct pollfd){ .fd = d->fd, .events = POLLIN };
	return 1;
}

static void dgram_dispatch(struct net_backend *nb, struct pollfd *pfd,
			   unsigned int n)
{
	struct net_dgram *d = nb->priv;

	if (!n || !(pfd[0].revents & POLLIN))
		return;
	for (int i = 0; i < RX_BATCH && net_backend_can_receive(nb); i++) {
		ssize_t r = recv(d->fd, d->buf, sizeof(d->buf),
				 MSG_DONTWAIT | MSG_TRUNC);

		if (r < 0)
			return;	/* EAGAIN, or an ICMP error of an earlier send */
		if (r == 0 || (size_t)r > sizeof(d->buf))
			continue;	/* empty or oversized: dropped */
		net_backend_deliver(nb, d->buf, (size_t)r);
	}
}

static int dgram_send(struct net_backend *nb, const uint8_t *frame, size_t len)
{
	struct net_dgram *d = nb->priv;
	ssize_t w;

	do
		w = sendto(d->fd, frame, len, MSG_NOSIGNAL | MSG_DONTWAIT,
			   d->dstlen ? (struct sockaddr *)&d->dst : NULL,
			   d->dstlen);
	while (w < 0 && errno == EINTR);
	/* A full socket buffer or nobody at remote=: the frame is lost,
	 * as on a real network. */
	return w < 0 ? -errno : 0;
}

static void dgram_destroy(struct net_backend *nb)
{
	struct net_dgram *d = nb->priv;

	close(d->fd);
	free(d);
}

static const struct net_backend_ops dgram_ops = {
	.type = "dgram",
	.sandbox_kind = SANDBOX_NET_IO,
	.fill = dgram_fill,
	.dispatch = dgram_dispatch,
	.send = dgram_send,
	.destroy = dgram_destroy,
};

int net_dgram_create(struct net_backend *nb, const struct netdev_config *c,
		     char **err)
{
	struct net_dgram *d = calloc(1, sizeof(*d));
	struct sockaddr_storage ls;
	socklen_t ll;
	char at[160];
	int r;

	if (!d) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	d->fd = -1;
	addr_text(&c->local, at, sizeof(at));
	if (c->local.type == NET_ADDR_FD) {
		int type = 0;
		socklen_t tl = sizeof(type);

		if (getsockopt(c->local.fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
		    type != SOCK_DGRAM) {
			error_setf(err, "-netdev %s: fd %d is not a datagram socket",
				   c->id, c->local.fd);
			free(d);
			return -EINVAL;
		}
		d->fd = fcntl(c->local.fd, F_DUPFD_CLOEXEC, 3);
		if (d->fd < 0)
			goto errno_fail;
	} else {
		r = make_sockaddr(&c->local, SOCK_DGRAM, &ls, &ll, c->id, err);
		if (!r)
			r = make_sockaddr(&c->remote, SOCK_DGRAM, &d->dst,
					  &d->dstlen, c->id, err);
		if (r) {
			free(d);
			return r;
		}
		d->fd = socket(ls.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (d->fd < 0)
			goto errno_fail;
		if (c->local.type == NET_ADDR_UNIX)
			unlink(c->local.path);
		if (bind(d->fd, (struct sockaddr *)&ls, ll) < 0)
			goto errno_fail;
	}
	nb->ops = &dgram_ops;
	nb->priv = d;
	return 0;
errno_fail:
	r = -errno;
	error_setf(err, "-netdev %s: %s: %s", c->id, at, strerror(errno));
	if (d->fd >= 0)
		close(d->fd);
	free(d);
	return r;
}
