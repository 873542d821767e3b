/* SPDX-License-Identifier: MIT */
/*
 * Network backends: where a virtio-net device's frames go on the host.
 * QEMU's -netdev TYPE,id=ID,... spelling:
 *
 *   stream  a stream socket carrying frames as a 4-byte big-endian length
 *           and the frame (QEMU's "stream"/"socket" framing), unix or
 *           TCP; server=on listens (one client at a time), server=off
 *           connects at start-up; with reconnect=S (reconnect-ms=MS) a
 *           client that lost or never got its connection connects again
 *           every S seconds (MS milliseconds), as QEMU's
 *   dgram   a datagram socket, one frame per datagram, unix or UDP;
 *           local= bound, remote= the destination
 *   user    libslirp user-mode networking: DHCP, DNS forwarding, NAT to
 *           the host, hostfwd= for inbound connections
 *   tap     a Linux TAP interface (/dev/net/tun), opened at start-up
 *           before privileges are dropped; vnet headers with vnet_hdr=on
 *
 * A backend is a passive object: it owns file descriptors, and the
 * device's packet thread (devices/virtio-net.c) polls them.  Each turn
 * of that thread calls fill() to collect the pollfds and the nearest
 * deadline, poll(), then dispatch(); received frames come back through
 * the struct net_peer callbacks on the same thread.  send() is called on
 * that thread too.  No backend function runs on a vCPU thread, and no
 * backend blocks: a peer that stops reading makes send() return -EAGAIN
 * (the device retries when the backend says it is writable again), a
 * peer that goes away turns the link down.
 */
#ifndef MINIVMM_NET_BACKEND_H
#define MINIVMM_NET_BACKEND_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp/seccomp.h"

#define NET_ID_MAX		32
#define NET_FRAME_MAX		65535	/* largest frame any backend passes */
#define NET_MAX_HOSTFWD		8
#define NET_MAX_POLLFDS		64	/* per backend and turn */
/* struct virtio_net_hdr_v1 (virtio spec 5.1.6): the vnet header a TAP
 * device with IFF_VNET_HDR and TUNSETVNETHDRSZ 12 prepends. */
#define NET_VNET_HDR_LEN	12

struct net_backend;

/* The device side of a backend (all calls on the packet thread). */
struct net_peer {
	/* May a frame be delivered now?  false: the backend leaves its fds
	 * unread (flow control) or drops what it cannot hold. */
	bool (*can_receive)(void *opaque);
	/* One frame; vnet: NET_VNET_HDR_LEN header bytes precede it
	 * (backend has vnet_hdr). */
	void (*receive)(void *opaque, const uint8_t *frame, size_t len);
	/* The carrier changed (a stream peer came or went). */
	void (*link)(void *opaque, bool up);
	void *opaque;
};

struct net_backend_ops {
	const char *type;
	/* The packet thread's seccomp allowlist with this backend. */
	enum sandbox_thread sandbox_kind;
	/* Add pollfds (at most max) and lower *timeout_ms (-1: none) to the
	 * backend's next deadline.  Returns the number added. */
	unsigned int (*fill)(struct net_backend *nb, struct pollfd *pfd,
			     unsigned int max, int *timeout_ms);
	/* After poll(): the same pollfds with revents; runs timers. */
	void (*dispatch)(struct net_backend *nb, struct pollfd *pfd,
			 unsigned int n);
	/* Send one frame (with vnet header when vnet_hdr).  0: taken (maybe
	 * queued); -EAGAIN: not taken, try again after a dispatch; other
	 * -errno: dropped. */
	int (*send)(struct net_backend *nb, const uint8_t *frame, size_t len);
	/* Optional: the guest's receive offloads changed (tap). */
	void (*set_offload)(struct net_backend *nb, bool csum);
	void (*destroy)(struct net_backend *nb);
};

struct net_backend {
	const struct net_backend_ops *ops;
	char id[NET_ID_MAX];
	struct net_peer peer;		/* set by net_backend_attach() */
	bool attached;
	bool link_up;			/* carrier as the backend sees it */
	bool vnet_hdr;			/* frames carry a vnet header both ways */
	void *priv;			/* the type's state */
};

/* -netdev TYPE,id=ID,...: everything checked before the VM exists. */
enum net_type {
	NET_STREAM,
	NET_DGRAM,
	NET_USER,
	NET_TAP,
};

/* An address of stream/dgram: unix path, inet host:port, or an fd
 * inherited from the parent (addr.type=fd,addr.str=N). */
enum net_addr_type { NET_ADDR_NONE, NET_ADDR_UNIX, NET_ADDR_INET, NET_ADDR_FD };
struct net_addr {
	enum net_addr_type type;
	char path[108];			/* unix */
	char host[64];			/* inet: numeric IPv4/IPv6 or a name */
	uint16_t port;
	int fd;				/* fd */
};

struct net_hostfwd {
	bool udp;
	char host_addr[64];		/* "" = any */
	uint16_t host_port;
	char guest_addr[64];		/* "" = the DHCP start address */
	uint16_t guest_port;
};

struct netdev_config {
	enum net_type type;
	char id[NET_ID_MAX];
	/* stream */
	struct net_addr addr;
	bool server;
	uint32_t reconnect_ms;		/* server=off: retry period, 0: never */
	/* dgram */
	struct net_addr local, remote;
	/* user */
	char net[32];			/* "10.0.2.0/24" */
	char host[16], dhcpstart[16], dns[16];
	char hostname[64];
	bool restrict_;
	bool ipv6;
	struct net_hostfwd hostfwd[NET_MAX_HOSTFWD];
	unsigned int nhostfwd;
	/* tap */
	char ifname[16];
	int tap_fd;			/* fd=N, -1: open ifname */
	bool vnet_hdr, vnet_hdr_given;
};

/* Parse one -netdev argument (also the TYPE,... part of -nic).  0 or
 * -EINVAL with *err set.  With allow_extra, unknown keys are left for
 * the caller (-nic's model=, mac=) instead of failing: *extra_ok decides. */
int netdev_parse(struct netdev_config *c, const char *arg, const char *opt,
		 bool (*extra)(void *ctx, const char *key, const char *val,
			       char **err),
		 void *ctx, char **err);

/* Is the type compiled in ("user" needs libslirp)? */
bool netdev_type_available(enum net_type t, const char **why);

/* Open sockets/devices now (before privileges are dropped). */
int net_backend_create(struct net_backend **out, const struct netdev_config *c,
		       char **err);
void net_backend_destroy(struct net_backend *nb);
void net_backend_attach(struct net_backend *nb, const struct net_peer *peer);

/* For backends: hand a received frame / a link change to the device. */
void net_backend_deliver(struct net_backend *nb, const uint8_t *frame,
			 size_t len);
bool net_backend_can_receive(struct net_backend *nb);
void net_backend_set_link(struct net_backend *nb, bool up);

/* The types (net-socket.c, net-slirp.c, net-tap.c). */
int net_stream_create(struct net_backend *nb, const struct netdev_config *c,
		      char **err);
int net_dgram_create(struct net_backend *nb, const struct netdev_config *c,
		     char **err);
int net_user_create(struct net_backend *nb, const struct netdev_config *c,
		    char **err);
int net_tap_create(struct net_backend *nb, const struct netdev_config *c,
		   char **err);

#endif
