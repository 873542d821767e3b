/* SPDX-License-Identifier: MIT */
/*
 * virtio-net echo guest for the host-driven tests of
 * tests/guests/net-echo-run.py (migration, set_link, announce-self,
 * stream reconnect).  It runs until the peer says "quit":
 *
 *   - every frame of EtherType 0x88b5 whose payload starts "seq " is sent
 *     back to its source with "echo " in front;
 *   - a configuration change (configuration indicator) is read back:
 *     a LINK_UP change prints "NE: link up|down"; ANNOUNCE set makes the
 *     guest do what a driver does (spec 5.1.6.5.4): send a gratuitous
 *     frame ("announce" to broadcast, EtherType 0x88b5) and ack with
 *     VIRTIO_NET_CTRL_ANNOUNCE_ACK, printing "NE: announce N";
 *   - "quit" ends it with status 0.
 * It negotiates MAC, STATUS, CTRL_VQ and GUEST_ANNOUNCE, receives through
 * one posted buffer (gnet_rx_post/gnet_rx_take) so that it can wait for
 * frames and configuration changes at once, and prints "NE: ready".
 */
#include "lib/guest.h"
#include "lib/net.h"
#include "lib/tap.h"

#define ETH_TYPE_TEST		0x88b5
#define S_LINK_UP		1
#define S_ANNOUNCE		2
#define CTRL_ANNOUNCE		3
#define CTRL_ANNOUNCE_ACK	0

static struct gnet n;
static uint8_t frame[NET_RX_MAX] __attribute__((aligned(8)));

int main(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int announces = 0, echoes = 0;

	sclp_init();
	css_init();
	int r = gnet_init(&n, NET_F_MAC | NET_F_STATUS | NET_F_CTRL_VQ |
			  NET_F_GUEST_ANNOUNCE);
	if (r || !(n.d.features & NET_F_GUEST_ANNOUNCE)) {
		printf("NE: set-up failed (%d, features %llx)\n", r,
		       (unsigned long long)n.d.features);
		return 1;
	}
	uint16_t status = n.status;
	printf("NE: ready, link %s\n", (status & S_LINK_UP) ? "up" : "down");
	if (gnet_rx_post(&n))
		return 1;
	for (;;) {
		int before = io_int.count;
		bool busy = false;

		int len = gnet_rx_take(&n, frame, sizeof(frame));
		if (len != -2) {
			busy = true;
			if (len >= 18 && get_be16(frame + 12) == ETH_TYPE_TEST) {
				if (!memcmp(frame + 14, "quit", 4))
					break;
				if (len >= 18 && !memcmp(frame + 14, "seq ", 4)) {
					gnet_send_msg(&n, frame + 6, ETH_TYPE_TEST,
						      "echo ", frame + 14,
						      (uint32_t)len - 14);
					echoes++;
				}
			}
			if (gnet_rx_post(&n))
				return 1;
		}
		if (__atomic_exchange_n(&n.d.conf_ind, 0, __ATOMIC_SEQ_CST)) {
			busy = true;
			int st = gnet_read_status(&n);

			if (st >= 0 && ((st ^ status) & S_LINK_UP))
				printf("NE: link %s\n", (st & S_LINK_UP) ? "up" : "down");
			if (st >= 0 && (st & S_ANNOUNCE)) {
				gnet_send_msg(&n, bcast, ETH_TYPE_TEST,
					      "announce", "", 0);
				int ack = gnet_ctrl(&n, CTRL_ANNOUNCE,
						    CTRL_ANNOUNCE_ACK, NULL, 0);
				printf("NE: announce %d (ack %d)\n", ++announces, ack);
			}
			if (st >= 0)
				status = (uint16_t)st;
		}
		if (busy)
			continue;
		while (io_int.count == before)
			wait_io();
		virtio_ack(&n.d);
	}
	printf("NE: quit after %d echoes\n", echoes);
	return 0;
}
