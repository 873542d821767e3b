/* SPDX-License-Identifier: MIT */
/*
 * Guest-side virtio-net helpers on lib/virtio.c (virtio spec 5.1): set-up
 * with receiveq, transmitq and controlq at revision 1 (so the 12-byte
 * little-endian virtio_net_hdr), one frame per transfer, control
 * commands, the configuration's MAC and status.  Plus the few bytes of
 * Ethernet/IPv4/UDP the tests need.
 */
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include "virtio.h"

#define NET_F_CSUM		(1ULL << 0)
#define NET_F_GUEST_CSUM	(1ULL << 1)
#define NET_F_MAC		(1ULL << 5)
#define NET_F_MRG_RXBUF		(1ULL << 15)
#define NET_F_STATUS		(1ULL << 16)
#define NET_F_CTRL_VQ		(1ULL << 17)
#define NET_F_CTRL_RX		(1ULL << 18)
#define NET_F_CTRL_RX_EXTRA	(1ULL << 20)
#define NET_F_GUEST_ANNOUNCE	(1ULL << 21)

#define NET_HDR_LEN		12
#define NET_RX_MAX		1536

struct gnet {
	struct vdev d;
	uint8_t mac[6];
	uint16_t status;
	uint8_t rx_hdr[NET_HDR_LEN];	/* header of the last frame */
};

/* 0, or a negative step. */
int gnet_init(struct gnet *n, uint64_t features);
/* hdr: 12 header bytes, NULL: all zero.  0 or -1. */
int gnet_send(struct gnet *n, const void *frame, uint32_t len, const uint8_t *hdr);
/* Ethernet header at f: dst, our MAC, EtherType type; returns f + 14. */
uint8_t *gnet_eth_hdr(const struct gnet *n, uint8_t *f, const uint8_t *dst,
		     uint16_t type);
/* A frame to dst of EtherType type whose payload is prefix then p[0..len)
 * (cut to fit NET_RX_MAX + 8 bytes), built in a buffer of the library.
 * 0 or -1. */
int gnet_send_msg(struct gnet *n, const uint8_t *dst, uint16_t type,
		  const char *prefix, const void *p, uint32_t len);
/* Wait for one frame; returns its length (header stripped) or -1. */
int gnet_recv(struct gnet *n, void *frame, uint32_t max);
/* Receive in two halves (split ring): post the receive buffer; later
 * take the frame: its length, -2 when none arrived yet, -1 on error.
 * One buffer at a time; gnet_recv() must not be mixed in. */
int gnet_rx_post(struct gnet *n);
int gnet_rx_take(struct gnet *n, void *frame, uint32_t max);
/* A control command; returns the ack (0 OK, 1 ERR) or -1. */
int gnet_ctrl(struct gnet *n, uint8_t cls, uint8_t cmd, const void *data,
	      uint32_t len);
/* Re-read the configuration: status. */
int gnet_read_status(struct gnet *n);

static inline uint16_t get_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[1] << 8 | p[0]); }
static inline void put_le16(uint8_t *p, uint16_t v) { p[1] = (uint8_t)(v >> 8); p[0] = (uint8_t)v; }

#endif
