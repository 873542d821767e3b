/* SPDX-License-Identifier: MIT */
/*
 * -netdev user: user-mode networking through libslirp, the TCP/IP stack
 * QEMU uses (its libslirp.h is the reference).  No privileges needed:
 * slirp answers the guest's ARP, DHCP (addresses from dhcpstart=) and
 * DNS (forwarded to the host's resolver), and turns the guest's TCP and
 * UDP flows into host sockets (NAT).  hostfwd= makes slirp listen on a
 * host port and forward connections to the guest.
 *
 * QEMU's defaults: network 10.0.2.0/24, gateway/host 10.0.2.2, DNS
 * 10.0.2.3, first DHCP address 10.0.2.15.  restrict=on cuts the guest
 * off from the host network (hostfwd still works).
 *
 * Slirp is single-threaded: every call into it happens on the device's
 * packet thread, which polls slirp's sockets (fill/dispatch below) and
 * runs its timers.  Frames slirp emits go to the device at once; when
 * the device queue is full they are dropped (slirp's TCP retransmits).
 * While the device cannot take frames, slirp's sockets are not polled
 * for input, so host peers back up instead.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/net-backend.h"
#include "vmm/error.h"

#ifdef MINIVMM_HAVE_SLIRP
#include <libslirp.h>

#define SLIRP_TIMERS	8

struct slirp_timer {
	bool used, armed;
	int64_t expire_ms;		/* slirp's clock, in ms */
	SlirpTimerCb cb;
	void *cb_opaque;
};

struct net_user {
	Slirp *slirp;
	struct net_backend *nb;
	struct slirp_timer timers[SLIRP_TIMERS];
	struct pollfd *pfd;		/* during fill/dispatch */
	unsigned int npfd, maxpfd;
	bool rx_ok;			/* device takes frames (this turn) */
	char hostname[64];
};

static int64_t clock_ns(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_user *u = opaque;

	/* A frame for the guest; dropped when the device queue is full. */
	if (net_backend_can_receive(u->nb))
		net_backend_deliver(u->nb, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "minivmm: -netdev user: guest error: %s\n", msg);
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_user *u = opaque;

	for (int i = 0; i < SLIRP_TIMERS; i++) {
		struct slirp_timer *t = &u->timers[i];

		if (!t->used) {
			*t = (struct slirp_timer){ .used = true, .cb = cb,
						   .cb_opaque = cb_opaque };
			return t;
		}
	}
	fprintf(stderr, "minivmm: -netdev user: out of timers\n");
	return NULL;
}

static void cb_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	if (timer)
		memset(timer, 0, sizeof(struct slirp_timer));
}

/* expire_time is on the clock_get_ns clock, in milliseconds. */
static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	struct slirp_timer *t = timer;

	(void)opaque;
	if (!t)
		return;
	t->armed = true;
	t->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	(void)opaque;	/* slirp is only called on the packet thread */
}

static const SlirpCb slirp_cbs = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = clock_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
	struct net_user *u = opaque;
	short ev = 0;

	if (u->npfd == u->maxpfd)
		return -1;	/* polled next turn */
	if (events & SLIRP_POLL_IN)
		ev |= u->rx_ok ? POLLIN : 0;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	u->pfd[u->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)u->npfd++;
}

static int cb_get_revents(int idx, void *opaque)
{
	struct net_user *u = opaque;
	int ev = 0;

	if (idx < 0 || (unsigned int)idx >= u->npfd)
		return 0;
	short r = u->pfd[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static unsigned int user_fill(struct net_backend *nb, struct pollfd *pfd,
			      unsigned int max, int *timeout_ms)
{
	struct net_user *u = nb->priv;
	uint32_t timeout = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
	int64_t now = clock_ns(NULL) / 1000000;

	u->pfd = pfd;
	u->npfd = 0;
	u->maxpfd = max;
	u->rx_ok = net_backend_can_receive(nb);
	slirp_pollfds_fill(u->slirp, &timeout, cb_add_poll, u);
	for (int i = 0; i < SLIRP_TIMERS; i++) {
		struct slirp_timer *t = &u->timers[i];

		if (t->used && t->armed) {
			int64_t d = t->expire_ms - now;

			if (d < 0)
				d = 0;
			if ((uint64_t)d < timeout)
				timeout = (uint32_t)d;
		}
	}
	*timeout_ms = timeout == UINT32_MAX ? -1 :
		      timeout > 1000000 ? 1000000 : (int)timeout;
	return u->npfd;
}

static void user_dispatch(struct net_backend *nb, struct pollfd *pfd,
			  unsigned int n)
{
	struct net_user *u = nb->priv;
	int64_t now = clock_ns(NULL) / 1000000;

	u->pfd = pfd;
	u->npfd = n;
	slirp_pollfds_poll(u->slirp, 0, cb_get_revents, u);
	for (int i = 0; i < SLIRP_TIMERS; i++) {
		struct slirp_timer *t = &u->timers[i];

		if (t->used && t->armed && t->expire_ms <= now) {
			t->armed = false;
			t->cb(t->cb_opaque);
		}
	}
}

static int user_send(struct net_backend *nb, const uint8_t *frame, size_t len)
{
	struct net_user *u = nb->priv;

	slirp_input(u->slirp, frame, (int)len);
	return 0;
}

static void user_destroy(struct net_backend *nb)
{
	struct net_user *u = nb->priv;

	slirp_cleanup(u->slirp);
	free(u);
}

static const struct net_backend_ops user_ops = {
	.type = "user",
	.sandbox_kind = SANDBOX_NET_USER,
	.fill = user_fill,
	.dispatch = user_dispatch,
	.send = user_send,
	.destroy = user_destroy,
};

static int parse_in4(const char *s, struct in_addr *a, const char *what,
		     const char *id, char **err)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		error_setf(err, "-netdev %s: %s=%s: not an IPv4 address", id, what, s);
		return -EINVAL;
	}
	return 0;
}

int net_user_create(struct net_backend *nb, const struct netdev_config *c,
		    char **err)
{
	struct net_user *u = calloc(1, sizeof(*u));
	SlirpConfig cfg = { .version = 1 };
	char net[32];
	int prefix = 24, r;

	if (!u) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	u->nb = nb;
	/* net=A[/M]: M a prefix length or a dotted mask. */
	snprintf(net, sizeof(net), "%s", c->net[0] ? c->net : "10.0.2.0/24");
	char *slash = strchr(net, '/');
	struct in_addr mask;
	if (slash) {
		*slash++ = '\0';
		if (strchr(slash, '.')) {
			if (parse_in4(slash, &mask, "net mask", c->id, err))
				goto fail_inval;
		} else {
			prefix = atoi(slash);
			if (prefix < 8 || prefix > 30) {
				error_setf(err, "-netdev %s: net=%s: prefix 8 to 30",
					   c->id, c->net);
				goto fail_inval;
			}
			mask.s_addr = htonl(~0U << (32 - prefix));
		}
	} else {
		mask.s_addr = htonl(0xffffff00U);
	}
	if (parse_in4(net, &cfg.vnetwork, "net", c->id, err))
		goto fail_inval;
	cfg.vnetmask = mask;
	cfg.vnetwork.s_addr &= mask.s_addr;
	uint32_t base = ntohl(cfg.vnetwork.s_addr);
	cfg.vhost.s_addr = htonl(base | 2);
	cfg.vnameserver.s_addr = htonl(base | 3);
	cfg.vdhcp_start.s_addr = htonl(base | 15);
	if ((c->host[0] && parse_in4(c->host, &cfg.vhost, "host", c->id, err)) ||
	    (c->dns[0] && parse_in4(c->dns, &cfg.vnameserver, "dns", c->id, err)) ||
	    (c->dhcpstart[0] && parse_in4(c->dhcpstart, &cfg.vdhcp_start,
					  "dhcpstart", c->id, err)))
		goto fail_inval;
	struct in_addr *in_net[] = { &cfg.vhost, &cfg.vnameserver, &cfg.vdhcp_start };
	for (unsigned int i = 0; i < 3; i++)
		if ((in_net[i]->s_addr & mask.s_addr) != cfg.vnetwork.s_addr) {
			error_setf(err, "-netdev %s: host, dns and dhcpstart must "
				   "be in net=%s", c->id, c->net[0] ? c->net :
				   "10.0.2.0/24");
			goto fail_inval;
		}
	cfg.restricted = c->restrict_;
	cfg.in_enabled = true;
	cfg.in6_enabled = c->ipv6;
	if (c->ipv6) {
		inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
		cfg.vprefix_len = 64;
		inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
		inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
	}
	if (c->hostname[0]) {
		snprintf(u->hostname, sizeof(u->hostname), "%s", c->hostname);
		cfg.vhostname = u->hostname;
	}
	u->slirp = slirp_new(&cfg, &slirp_cbs, u);
	if (!u->slirp) {
		error_setf(err, "-netdev %s: slirp_new failed", c->id);
		goto fail_inval;
	}
	for (unsigned int i = 0; i < c->nhostfwd; i++) {
		const struct net_hostfwd *f = &c->hostfwd[i];
		struct in_addr ha = { .s_addr = INADDR_ANY }, ga = cfg.vdhcp_start;

		if ((f->host_addr[0] && parse_in4(f->host_addr, &ha, "hostfwd host "
						  "address", c->id, err)) ||
		    (f->guest_addr[0] && parse_in4(f->guest_addr, &ga, "hostfwd "
						   "guest address", c->id, err))) {
			slirp_cleanup(u->slirp);
			goto fail_inval;
		}
		if (slirp_add_hostfwd(u->slirp, f->udp, ha, f->host_port, ga,
				      f->guest_port) < 0) {
			r = -errno;
			error_setf(err, "-netdev %s: hostfwd %s port %u: %s", c->id,
				   f->udp ? "udp" : "tcp", f->host_port,
				   strerror(errno ? errno : EADDRINUSE));
			slirp_cleanup(u->slirp);
			free(u);
			return r ? r : -EADDRINUSE;
		}
	}
	nb->ops = &user_ops;
	nb->priv = u;
	return 0;
fail_inval:
	free(u);
	return -EINVAL;
}

#else

int net_user_create(struct net_backend *nb, const struct netdev_config *c,
		    char **err)
{
	(void)nb;
	error_setf(err, "-netdev %s: user: built without libslirp", c->id);
	return -ENOTSUP;
}

#endif
