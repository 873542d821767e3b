/* SPDX-License-Identifier: MIT */
/*
 * -netdev parsing and the backend frame (see net-backend.h).  The keys
 * follow QEMU's documented -netdev syntax (qemu-options.hx):
 *
 *   -netdev stream,id=ID,server=on|off,addr.type=unix,addr.path=P
 *   -netdev stream,id=ID,server=on|off,addr.type=inet,addr.host=H,addr.port=N
 *   -netdev stream,id=ID,addr.type=fd,addr.str=N
 *   -netdev dgram,id=ID,local.type=inet,local.host=H,local.port=N,
 *                       remote.type=inet,remote.host=H,remote.port=N
 *   -netdev dgram,id=ID,local.type=unix,local.path=P,remote.type=unix,
 *                       remote.path=P        (or local.type=fd,local.str=N)
 *   -netdev user,id=ID[,net=A/M][,host=A][,dhcpstart=A][,dns=A]
 *                     [,hostname=S][,restrict=on|off][,ipv6=on|off]
 *                     [,hostfwd=[tcp|udp]:[HADDR]:HPORT-[GADDR]:GPORT]...
 *   -netdev tap,id=ID,ifname=NAME[,script=no][,downscript=no][,fd=N]
 *                    [,vnet_hdr=on|off]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/net-backend.h"
#include "vmm/error.h"
#include "vmm/optitem.h"



static int bool_val(const struct opt_item *it, bool *out, const char *opt,
		    char **err)
{
	if (!strcmp(it->val, "on") || !strcmp(it->val, "true") ||
	    !strcmp(it->val, "yes"))
		*out = true;
	else if (!strcmp(it->val, "off") || !strcmp(it->val, "false") ||
		 !strcmp(it->val, "no"))
		*out = false;
	else {
		error_setf(err, "%s: %s='%s' is not on or off", opt, it->key,
			   it->val);
		return -EINVAL;
	}
	return 0;
}

static int str_val(char *dst, size_t size, const struct opt_item *it,
		   const char *opt, char **err)
{
	if (!*it->val || strlen(it->val) >= size) {
		error_setf(err, "%s: %s='%s' is empty or too long", opt, it->key,
			   it->val);
		return -EINVAL;
	}
	strcpy(dst, it->val);
	return 0;
}

static int num_val(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "addr.type", "local.port", ...: prefix.field of an address. */
static int addr_item(struct net_addr *a, const char *field,
		     const struct opt_item *it, const char *opt, char **err)
{
	long v;

	if (!strcmp(field, "type")) {
		if (!strcmp(it->val, "unix"))
			a->type = NET_ADDR_UNIX;
		else if (!strcmp(it->val, "inet"))
			a->type = NET_ADDR_INET;
		else if (!strcmp(it->val, "fd"))
			a->type = NET_ADDR_FD;
		else {
			error_setf(err, "%s: %s=%s: unix, inet or fd", opt,
				   it->key, it->val);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(field, "path"))
		return str_val(a->path, sizeof(a->path), it, opt, err);
	if (!strcmp(field, "host"))
		return str_val(a->host, sizeof(a->host), it, opt, err);
	if (!strcmp(field, "port")) {
		if (num_val(it->val, 0, 65535, &v)) {
			error_setf(err, "%s: %s=%s: a port number", opt, it->key,
				   it->val);
			return -EINVAL;
		}
		a->port = (uint16_t)v;
		return 0;
	}
	if (!strcmp(field, "str")) {
		if (num_val(it->val, 0, 1 << 20, &v)) {
			error_setf(err, "%s: %s=%s: a file descriptor number", opt,
				   it->key, it->val);
			return -EINVAL;
		}
		a->fd = (int)v;
		return 0;
	}
	error_setf(err, "%s: unsupported property '%s'", opt, it->key);
	return -EINVAL;
}

static int addr_check(const struct net_addr *a, const char *what,
		      const char *opt, char **err)
{
	switch (a->type) {
	case NET_ADDR_NONE:
		error_setf(err, "%s: %s.type= is required (unix, inet or fd)",
			   opt, what);
		return -EINVAL;
	case NET_ADDR_UNIX:
		if (!a->path[0]) {
			error_setf(err, "%s: %s.type=unix needs %s.path=", opt,
				   what, what);
			return -EINVAL;
		}
		return 0;
	case NET_ADDR_INET:
		if (!a->host[0] || !a->port) {
			error_setf(err, "%s: %s.type=inet needs %s.host= and "
				   "%s.port=", opt, what, what, what);
			return -EINVAL;
		}
		return 0;
	case NET_ADDR_FD:
		if (a->fd < 0) {
			error_setf(err, "%s: %s.type=fd needs %s.str=N", opt, what,
				   what);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

/* [tcp|udp]:[HADDR]:HPORT-[GADDR]:GPORT */
static int parse_hostfwd(struct net_hostfwd *f, const char *s, const char *opt,
			 char **err)
{
	char buf[256], *proto, *haddr, *hport, *gaddr, *gport, *dash;
	long hp, gp;

	memset(f, 0, sizeof(*f));
	size_t len = strlen(s);
	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len + 1);
	proto = buf;
	haddr = strchr(proto, ':');
	if (!haddr)
		goto bad;
	*haddr++ = '\0';
	if (!strcmp(proto, "udp"))
		f->udp = true;
	else if (*proto && strcmp(proto, "tcp"))
		goto bad;
	hport = strchr(haddr, ':');
	if (!hport)
		goto bad;
	*hport++ = '\0';
	dash = strchr(hport, '-');
	if (!dash)
		goto bad;
	*dash = '\0';
	gaddr = dash + 1;
	gport = strchr(gaddr, ':');
	if (!gport)
		goto bad;
	*gport++ = '\0';
	if (num_val(hport, 0, 65535, &hp) || num_val(gport, 1, 65535, &gp) ||
	    strlen(haddr) >= sizeof(f->host_addr) ||
	    strlen(gaddr) >= sizeof(f->guest_addr))
		goto bad;
	strcpy(f->host_addr, haddr);
	strcpy(f->guest_addr, gaddr);
	f->host_port = (uint16_t)hp;
	f->guest_port = (uint16_t)gp;
	return 0;
bad:
	error_setf(err, "%s: hostfwd=%s: use [tcp|udp]:[hostaddr]:hostport-"
		   "[guestaddr]:guestport", opt, s);
	return -EINVAL;
}

static const char *const type_names[] = {
	[NET_STREAM] = "stream",
	[NET_DGRAM] = "dgram",
	[NET_USER] = "user",
	[NET_TAP] = "tap",
};

bool netdev_type_available(enum net_type t, const char **why)
{
#ifndef MINIVMM_HAVE_SLIRP
	if (t == NET_USER) {
		*why = "this minivmm was built without libslirp (install "
		       "libslirp-dev and rebuild)";
		return false;
	}
#endif
	(void)t;
	(void)why;
	return true;
}

static int type_item(struct netdev_config *c, const struct opt_item *it,
		     const char *opt, char **err)
{
	long v;

	switch (c->type) {
	case NET_STREAM:
		if (!strncmp(it->key, "addr.", 5))
			return addr_item(&c->addr, it->key + 5, it, opt, err);
		if (!strcmp(it->key, "server"))
			return bool_val(it, &c->server, opt, err);
		/* QEMU: reconnect=SECONDS (8.0), reconnect-ms=MS (9.2). */
		if (!strcmp(it->key, "reconnect") || !strcmp(it->key, "reconnect-ms")) {
			bool ms = it->key[9] == '-';

			if (num_val(it->val, 0, ms ? 3600000 : 3600, &v)) {
				error_setf(err, "%s: %s=%s: 0 to %s", opt, it->key,
					   it->val, ms ? "3600000" : "3600");
				return -EINVAL;
			}
			c->reconnect_ms = (uint32_t)(ms ? v : v * 1000);
			return 0;
		}
		break;
	case NET_DGRAM:
		if (!strncmp(it->key, "local.", 6))
			return addr_item(&c->local, it->key + 6, it, opt, err);
		if (!strncmp(it->key, "remote.", 7))
			return addr_item(&c->remote, it->key + 7, it, opt, err);
		break;
	case NET_USER:
		if (!strcmp(it->key, "net"))
			return str_val(c->net, sizeof(c->net), it, opt, err);
		if (!strcmp(it->key, "host"))
			return str_val(c->host, sizeof(c->host), it, opt, err);
		if (!strcmp(it->key, "dhcpstart"))
			return str_val(c->dhcpstart, sizeof(c->dhcpstart), it,
				       opt, err);
		if (!strcmp(it->key, "dns"))
			return str_val(c->dns, sizeof(c->dns), it, opt, err);
		if (!strcmp(it->key, "hostname"))
			return str_val(c->hostname, sizeof(c->hostname), it, opt,
				       err);
		if (!strcmp(it->key, "restrict"))
			return bool_val(it, &c->restrict_, opt, err);
		if (!strcmp(it->key, "ipv6"))
			return bool_val(it, &c->ipv6, opt, err);
		if (!strcmp(it->key, "ipv4")) {
			bool on;
			int r = bool_val(it, &on, opt, err);

			if (!r && !on) {
				error_setf(err, "%s: ipv4=off: not supported", opt);
				return -EINVAL;
			}
			return r;
		}
		if (!strcmp(it->key, "hostfwd")) {
			if (c->nhostfwd == NET_MAX_HOSTFWD) {
				error_setf(err, "%s: at most %d hostfwd=", opt,
					   NET_MAX_HOSTFWD);
				return -EINVAL;
			}
			return parse_hostfwd(&c->hostfwd[c->nhostfwd++], it->val,
					     opt, err);
		}
		break;
	case NET_TAP:
		if (!strcmp(it->key, "ifname"))
			return str_val(c->ifname, sizeof(c->ifname), it, opt, err);
		if (!strcmp(it->key, "script") || !strcmp(it->key, "downscript")) {
			if (strcmp(it->val, "no") && strcmp(it->val, "")) {
				error_setf(err, "%s: %s=%s: only %s=no (minivmm "
					   "runs no helper programs; configure the "
					   "interface beforehand)", opt, it->key,
					   it->val, it->key);
				return -EINVAL;
			}
			return 0;
		}
		if (!strcmp(it->key, "fd")) {
			if (num_val(it->val, 0, 1 << 20, &v)) {
				error_setf(err, "%s: fd=%s: a file descriptor number",
					   opt, it->val);
				return -EINVAL;
			}
			c->tap_fd = (int)v;
			return 0;
		}
		if (!strcmp(it->key, "vnet_hdr")) {
			c->vnet_hdr_given = true;
			return bool_val(it, &c->vnet_hdr, opt, err);
		}
		break;
	}
	return 1;	/* not a key of this type */
}

int netdev_parse(struct netdev_config *c, const char *arg, const char *opt,
		 bool (*extra)(void *ctx, const char *key, const char *val,
			       char **err),
		 void *ctx, char **err)
{
	struct opt_item it;
	const char *why;
	int r;

	memset(c, 0, sizeof(*c));
	c->addr.fd = c->local.fd = c->remote.fd = c->tap_fd = -1;
	r = opt_item_next(&arg, &it, opt, err);
	if (r <= 0 || !it.bare) {
		error_setf(err, "%s: the type comes first (stream, dgram, user, "
			   "tap)", opt);
		return -EINVAL;
	}
	if (!strcmp(it.val, "socket")) {
		error_setf(err, "%s: socket: use the newer stream or dgram "
			   "(e.g. stream,addr.type=unix,addr.path=P)", opt);
		return -EINVAL;
	}
	unsigned int t;
	for (t = 0; t < sizeof(type_names) / sizeof(type_names[0]); t++)
		if (!strcmp(it.val, type_names[t]))
			break;
	if (t == sizeof(type_names) / sizeof(type_names[0])) {
		error_setf(err, "%s: '%s' is not a network backend minivmm has "
			   "(stream, dgram, user, tap)", opt, it.val);
		return -EINVAL;
	}
	c->type = (enum net_type)t;
	if (!netdev_type_available(c->type, &why)) {
		error_setf(err, "%s: %s: %s", opt, it.val, why);
		return -EINVAL;
	}
	while ((r = opt_item_next(&arg, &it, opt, err)) > 0) {
		if (it.bare) {
			error_setf(err, "%s: '%s' has no value", opt, it.val);
			return -EINVAL;
		}
		if (!strcmp(it.key, "id")) {
			r = str_val(c->id, sizeof(c->id), &it, opt, err);
		} else {
			r = type_item(c, &it, opt, err);
			if (r == 1) {
				if (extra && extra(ctx, it.key, it.val, err))
					r = 0;
				else if (extra && err && *err)
					r = -EINVAL;
				else {
					error_setf(err, "%s: unsupported property "
						   "'%s' for %s", opt, it.key,
						   type_names[c->type]);
					r = -EINVAL;
				}
			}
		}
		if (r)
			return r;
	}
	if (r < 0)
		return r;
	switch (c->type) {
	case NET_STREAM:
		if (c->reconnect_ms && (c->server || c->addr.type == NET_ADDR_FD)) {
			error_setf(err, "%s: reconnect is for server=off with a "
				   "unix or inet address", opt);
			return -EINVAL;
		}
		return addr_check(&c->addr, "addr", opt, err);
	case NET_DGRAM:
		r = addr_check(&c->local, "local", opt, err);
		if (r)
			return r;
		if (c->local.type == NET_ADDR_FD) {
			if (c->remote.type != NET_ADDR_NONE) {
				error_setf(err, "%s: local.type=fd takes no remote",
					   opt);
				return -EINVAL;
			}
			return 0;
		}
		r = addr_check(&c->remote, "remote", opt, err);
		if (!r && c->remote.type != c->local.type) {
			error_setf(err, "%s: local and remote must both be unix "
				   "or both inet", opt);
			r = -EINVAL;
		}
		return r;
	case NET_TAP:
		if (!c->ifname[0] && c->tap_fd < 0) {
			error_setf(err, "%s: tap needs ifname= (or fd=)", opt);
			return -EINVAL;
		}
		return 0;
	case NET_USER:
		return 0;
	}
	return 0;
}

int net_backend_create(struct net_backend **out, const struct netdev_config *c,
		       char **err)
{
	struct net_backend *nb = calloc(1, sizeof(*nb));
	int r = -EINVAL;

	if (!nb) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	snprintf(nb->id, sizeof(nb->id), "%s", c->id);
	nb->link_up = true;
	switch (c->type) {
	case NET_STREAM:
		r = net_stream_create(nb, c, err);
		break;
	case NET_DGRAM:
		r = net_dgram_create(nb, c, err);
		break;
	case NET_USER:
		r = net_user_create(nb, c, err);
		break;
	case NET_TAP:
		r = net_tap_create(nb, c, err);
		break;
	}
	if (r < 0) {
		free(nb);
		return r;
	}
	*out = nb;
	return 0;
}

void net_backend_destroy(struct net_backend *nb)
{
	if (!nb)
		return;
	nb->ops->destroy(nb);
	free(nb);
}

void net_backend_attach(struct net_backend *nb, const struct net_peer *peer)
{
	nb->peer = *peer;
	nb->attached = true;
}

void net_backend_deliver(struct net_backend *nb, const uint8_t *frame,
			 size_t len)
{
	if (nb->attached)
		nb->peer.receive(nb->peer.opaque, frame, len);
}

bool net_backend_can_receive(struct net_backend *nb)
{
	return nb->attached && nb->peer.can_receive(nb->peer.opaque);
}

void net_backend_set_link(struct net_backend *nb, bool up)
{
	if (nb->link_up == up)
		return;
	nb->link_up = up;
	if (nb->attached && nb->peer.link)
		nb->peer.link(nb->peer.opaque, up);
}
