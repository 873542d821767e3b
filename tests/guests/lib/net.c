/* SPDX-License-Identifier: MIT */
/*
 * Guest-side virtio-net helpers (see net.h).
 */
#include "net.h"

#define RXQ	0
#define TXQ	1
#define CTRLQ	2

static uint8_t tx_hdr[NET_HDR_LEN] __attribute__((aligned(8)));
static uint8_t tx_frame[NET_RX_MAX + 8] __attribute__((aligned(8)));
static uint8_t rx_buf[NET_HDR_LEN + NET_RX_MAX] __attribute__((aligned(8)));
static uint8_t ctrl_hdr[2] __attribute__((aligned(8)));
static uint8_t ctrl_data[512] __attribute__((aligned(8)));
static uint8_t ctrl_ack __attribute__((aligned(8)));
static uint8_t cfg[12] __attribute__((aligned(8)));

int gnet_read_status(struct gnet *n)
{
	memset(cfg, 0, sizeof(cfg));
	if (vccw_cmd(&n->d, CCW_READ_CONF, 0, cfg, sizeof(cfg)))
		return -1;
	memcpy(n->mac, cfg, 6);
	n->status = get_le16(cfg + 6);
	return n->status;
}

int gnet_init(struct gnet *n, uint64_t features)
{
	uint32_t schid = virtio_find(1, 0);

	memset(n, 0, sizeof(*n));
	if (!schid)
		return -100;
	int r = virtio_setup(&n->d, schid, 1, features, 3, false);
	if (r)
		return r;
	if (gnet_read_status(n) < 0)
		return -101;
	return 0;
}

int gnet_send(struct gnet *n, const void *frame, uint32_t len, const uint8_t *hdr)
{
	if (hdr)
		memcpy(tx_hdr, hdr, NET_HDR_LEN);
	else
		memset(tx_hdr, 0, NET_HDR_LEN);
	struct vbuf b[2] = {
		{ tx_hdr, NET_HDR_LEN, false },
		{ (void *)frame, len, false },
	};
	return virtio_xfer(&n->d, TXQ, b, 2, false) < 0 ? -1 : 0;
}

/* The frame of got bytes in rx_buf: header to n->rx_hdr, the rest (cut
 * to max) to frame; its length or -1. */
static int rx_copy(struct gnet *n, int64_t got, void *frame, uint32_t max)
{
	if (got < NET_HDR_LEN)
		return -1;
	memcpy(n->rx_hdr, rx_buf, NET_HDR_LEN);
	uint32_t len = (uint32_t)got - NET_HDR_LEN;
	if (len > max)
		len = max;
	memcpy(frame, rx_buf + NET_HDR_LEN, len);
	return (int)len;
}

uint8_t *gnet_eth_hdr(const struct gnet *n, uint8_t *f, const uint8_t *dst,
		     uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, n->mac, 6);
	put_be16(f + 12, type);
	return f + 14;
}

int gnet_send_msg(struct gnet *n, const uint8_t *dst, uint16_t type,
		  const char *prefix, const void *p, uint32_t len)
{
	uint32_t pl = (uint32_t)strlen(prefix);
	uint8_t *payload = gnet_eth_hdr(n, tx_frame, dst, type);

	if (14 + pl + len > sizeof(tx_frame))
		len = (uint32_t)sizeof(tx_frame) - 14 - pl;
	memcpy(payload, prefix, pl);
	memcpy(payload + pl, p, len);
	return gnet_send(n, tx_frame, 14 + pl + len, NULL);
}

int gnet_recv(struct gnet *n, void *frame, uint32_t max)
{
	struct vbuf b = { rx_buf, sizeof(rx_buf), true };

	return rx_copy(n, virtio_xfer(&n->d, RXQ, &b, 1, false), frame, max);
}

int gnet_rx_post(struct gnet *n)
{
	struct vbuf b = { rx_buf, sizeof(rx_buf), true };

	return virtio_post(&n->d, RXQ, &b, 1);
}

int gnet_rx_take(struct gnet *n, void *frame, uint32_t max)
{
	int64_t got = virtio_poll(&n->d, RXQ);

	if (got == -2)
		return -2;
	return rx_copy(n, got, frame, max);
}

int gnet_ctrl(struct gnet *n, uint8_t cls, uint8_t cmd, const void *data,
	      uint32_t len)
{
	if (len > sizeof(ctrl_data))
		return -1;
	ctrl_hdr[0] = cls;
	ctrl_hdr[1] = cmd;
	memcpy(ctrl_data, data, len);
	ctrl_ack = 0xee;
	struct vbuf b[3] = {
		{ ctrl_hdr, 2, false },
		{ ctrl_data, len, false },
		{ &ctrl_ack, 1, true },
	};
	if (!len)
		b[1] = b[2];	/* no data: header and ack only */
	if (virtio_xfer(&n->d, CTRLQ, b, len ? 3 : 2, false) != 1)
		return -1;
	return ctrl_ack;
}
