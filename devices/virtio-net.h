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

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t host_mtu;	/* 0: VIRTIO_NET_F_MTU not offered, 1500 */
	bool csum;		/* offer CSUM and GUEST_CSUM */
	bool mrg_rxbuf;		/* offer MRG_RXBUF */
	bool ctrl_vq;		/* offer the control queue and its commands */
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

/* Ask the guest to announce itself (gratuitous ARP): the ANNOUNCE status
 * bit and a configuration interruption when the driver negotiated
 * GUEST_ANNOUNCE, else a RARP from the device's MAC (QEMU's
 * self-announce).  Any thread. */
void virtio_net_announce(struct virtio_net *n);

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
