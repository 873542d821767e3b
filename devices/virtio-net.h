/* SPDX-License-Identifier: MIT */
/*
 * virtio-net on virtio-ccw (devices/virtio-net.c) in front of a network
 * backend (devices/net-backend.h).
 */
#ifndef MINIVMM_VIRTIO_NET_H
#define MINIVMM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "migrate/vmstate.h"

struct css;
struct net_backend;
struct virtio_net;
struct vm;

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t host_mtu;	/* 0: VIRTIO_NET_F_MTU not offered, 1500 */
	bool csum;		/* offer CSUM and GUEST_CSUM */
	bool mrg_rxbuf;		/* offer MRG_RXBUF */
	bool ctrl_vq;		/* offer the control queue and its commands */
	char id[32];		/* -device ...,id=: QMP set_link's name */
};

/* QEMU's defaults: every feature on, MAC 52:54:00:12:34:56+index. */
void virtio_net_default_config(struct virtio_net_config *cfg, unsigned int index);

/*
 * Create the device on a free subchannel (devno < 0) or at devno.  The
 * device owns nb from here on (also when creation fails) and starts its
 * packet thread.  0 or -errno with *err set.
 */
int virtio_net_create(struct virtio_net **out, struct css *css, int devno,
		      struct net_backend *nb, const struct virtio_net_config *cfg,
		      char **err);
/* Joins the packet thread, then frees the device and its backend. */
void virtio_net_destroy(struct virtio_net *n);

/*
 * Announce the guest's location, QEMU's self-announce: each round sends
 * a RARP from the device's MAC and, when the driver negotiated
 * GUEST_ANNOUNCE, sets the ANNOUNCE status bit with a configuration
 * interruption (the guest then sends gratuitous ARPs and acks).  The
 * first round is now; round k+1 follows round k after
 * min(initial + (k - 1) * step, max) ms (QEMU's announce timer).  A new
 * request replaces a running one.  Any thread.
 */
struct net_announce {
	uint32_t initial, max, rounds, step;	/* ms, ms, count, ms */
};
/* QEMU's announce-self / migration defaults: 50, 550, 5, 100. */
#define NET_ANNOUNCE_DEFAULT	{ 50, 550, 5, 100 }
void virtio_net_announce_self(struct virtio_net *n, const struct net_announce *a);
/* One round, now. */
void virtio_net_announce(struct virtio_net *n);

/*
 * QMP set_link: the administrative link state.  Down: the guest sees
 * LINK_UP clear (with a configuration interruption), frames it transmits
 * are dropped and frames from the backend are dropped, as QEMU's
 * link_down.  The guest-visible bit is up only when both this and the
 * backend's carrier are.  Any thread.
 */
void virtio_net_set_link(struct virtio_net *n, bool up);
bool virtio_net_link(struct virtio_net *n);

/* The VM's virtio-net devices (for the monitor; main thread). */
unsigned int virtio_net_count(const struct vm *vm);
struct virtio_net *virtio_net_at(const struct vm *vm, unsigned int i);
/* By -device id= or -netdev id, or NULL. */
struct virtio_net *virtio_net_find(const struct vm *vm, const char *name);
const char *virtio_net_netdev_id(const struct virtio_net *n);

#ifdef MINIVMM_HAVE_QMP
#include "vmm/qmp.h"
/* set_link, announce-self (devices/net-qmp.c); opaque unused. */
extern const struct qmp_command net_qmp_commands[];
extern const size_t net_qmp_ncommands;
#endif

/* Counters, for tests and statistics. */
struct virtio_net_stats {
	uint64_t rx_frames, rx_filtered, rx_dropped, rx_oversize, rx_errors;
	uint64_t tx_frames, tx_dropped, tx_errors;
	uint64_t ctrl_ok, ctrl_err;
};
void virtio_net_get_stats(struct virtio_net *n, struct virtio_net_stats *st);

/* Guest-visible device state beyond the transport's (see virtio-net.c). */
#define VIRTIO_NET_MAC_TABLE	64
struct virtio_net_state {
	uint8_t mac[6];
	uint16_t status;
	bool promisc, allmulti, alluni, nomulti, nouni, nobcast;
	bool uni_overflow, multi_overflow;
	uint32_t uni_n, multi_n;
	uint8_t uni[VIRTIO_NET_MAC_TABLE * 6];
	uint8_t multi[VIRTIO_NET_MAC_TABLE * 6];
};
extern const struct vms_desc virtio_net_vmsd;

#endif
