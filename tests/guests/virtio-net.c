/* SPDX-License-Identifier: MIT */
/*
 * virtio-net from the guest against a test peer (tests/guests/net-run.c)
 * on a stream or tap backend.  Frames of the local experimental
 * EtherType 0x88b5 carry the conversation:
 *
 *   guest: features, MAC and LINK_UP in the configuration, control
 *          commands (promiscuous and all-multicast off, a unicast MAC
 *          table with 02:00:00:00:00:99, an unknown class -> ERR), waits
 *          for the peer's "go", then sends a broadcast "hello" whose checksum the device completes
 *          (NEEDS_CSUM, csum_start 14, csum_offset 0)
 *   peer:  frames to our MAC, to an address the filter drops, an
 *          oversized one, one to the table's address, a full-size
 *          broadcast, then "quit" (stream: the peer then hangs up) or
 *          "quit-stay" (tap)
 *   guest: answers each frame it gets with "echo " + payload, sends
 *          "bye", and after "quit" waits until the link goes down.
 * The peer checks the echoes byte for byte; the filtered and oversized
 * frames must not be among them.
 */
#include "lib/guest.h"
#include "lib/net.h"
#include "lib/tap.h"

#define ETH_TYPE_TEST	0x88b5

static struct gnet n;
static uint8_t frame[NET_RX_MAX] __attribute__((aligned(8)));
static uint8_t out[NET_RX_MAX + 8] __attribute__((aligned(8)));

int main(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static uint8_t table[4 + 6 + 4] __attribute__((aligned(8)));
	uint8_t on = 0;

	sclp_init();
	css_init();
	tap_plan(13);

	int r = gnet_init(&n, NET_F_MAC | NET_F_STATUS | NET_F_CTRL_VQ |
			  NET_F_CTRL_RX | NET_F_MRG_RXBUF | NET_F_CSUM);
	if (!tap_ok(r == 0, "virtio-net set up with three queues (%d)", r))
		return tap_done();
	tap_ok((n.d.features & (NET_F_MAC | NET_F_STATUS | NET_F_CTRL_VQ |
				NET_F_MRG_RXBUF | NET_F_CSUM)) ==
	       (NET_F_MAC | NET_F_STATUS | NET_F_CTRL_VQ | NET_F_MRG_RXBUF |
		NET_F_CSUM), "MAC, STATUS, CTRL_VQ, MRG_RXBUF, CSUM negotiated");
	tap_ok(!memcmp(n.mac, mac0, 6) && (n.status & 1),
	       "MAC %02x:%02x:%02x:%02x:%02x:%02x, link up (status %x)",
	       n.mac[0], n.mac[1], n.mac[2], n.mac[3], n.mac[4], n.mac[5],
	       n.status);

	int a1 = gnet_ctrl(&n, 0, 0, &on, 1);	/* RX PROMISC off */
	int a2 = gnet_ctrl(&n, 0, 1, &on, 1);	/* RX ALLMULTI off */
	put_le16(table, 1);			/* le32 entries = 1 */
	table[2] = table[3] = 0;
	static const uint8_t extra[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	memcpy(table + 4, extra, 6);
	memset(table + 10, 0, 4);		/* no multicast entries */
	int a3 = gnet_ctrl(&n, 1, 0, table, sizeof(table));
	tap_ok(a1 == 0 && a2 == 0 && a3 == 0,
	       "control: promiscuous off, all-multi off, MAC table (%d %d %d)",
	       a1, a2, a3);
	tap_ok(gnet_ctrl(&n, 9, 0, &on, 1) == 1, "control: unknown class -> ERR");

	/* The peer says go (a tap interface must be up first). */
	bool go = false;
	for (int i = 0; i < 64 && !go; i++) {
		int len = gnet_recv(&n, frame, sizeof(frame));

		go = len >= 16 && get_be16(frame + 12) == ETH_TYPE_TEST &&
		     !memcmp(frame + 14, "go", 2);
	}
	tap_ok(go, "the peer said go");

	/* Hello with a partial checksum over the payload: the field holds
	 * the "pseudo-header" sum, 0 here. */
	static const char hello[] = "??hello from the guest";
	uint8_t hdr[NET_HDR_LEN] = { 1 };	/* NEEDS_CSUM */
	gnet_eth_hdr(&n, out, bcast, ETH_TYPE_TEST);
	memcpy(out + 14, hello, sizeof(hello) - 1);
	out[14] = out[15] = 0;
	put_le16(hdr + 6, 14);	/* csum_start */
	put_le16(hdr + 8, 0);	/* csum_offset */
	tap_ok(gnet_send(&n, out, 14 + sizeof(hello) - 1, hdr) == 0,
	       "sent hello with NEEDS_CSUM");

	int echoed = 0, nbuf_ok = 1;
	bool quit = false, stay = false;
	for (int i = 0; i < 64 && !quit; i++) {
		int len = gnet_recv(&n, frame, sizeof(frame));

		if (len < 14 || get_be16(frame + 12) != ETH_TYPE_TEST)
			continue;	/* e.g. IPv6 neighbour discovery (tap) */
		if (get_le16(n.rx_hdr + 10) != 1)
			nbuf_ok = 0;
		if (len >= 18 && !memcmp(frame + 14, "quit", 4)) {
			quit = true;
			stay = len >= 23 && !memcmp(frame + 18, "-stay", 5);
			break;
		}
		gnet_send_msg(&n, frame + 6, ETH_TYPE_TEST, "echo ", frame + 14,
			      (uint32_t)len - 14);
		echoed++;
	}
	tap_ok(quit, "the peer said quit after %d frames", echoed);
	tap_ok(echoed == 3, "three frames passed the filter (got %d)", echoed);
	tap_ok(nbuf_ok, "mergeable header: num_buffers 1 for every frame");
	tap_ok(gnet_send_msg(&n, bcast, ETH_TYPE_TEST, "bye", "", 0) == 0,
	       "sent bye");

	if (stay) {
		printf("ok %d # SKIP link down: the tap peer does not hang up\n",
		       ++tap_n);
		tap_ok(true, "done");
		return tap_done();
	}
	/* The peer hangs up: STATUS goes to 0 with a configuration-change
	 * interruption. */
	int st = -1;
	for (int i = 0; i < 100; i++) {
		struct irb irb;

		tsch(n.d.schid, &irb);
		st = gnet_read_status(&n);
		if (st >= 0 && !(st & 1))
			break;
		int before = io_int.count;
		while (io_int.count == before)
			wait_io();
	}
	tap_ok(st == 0, "link down after the peer left (status %d)", st);
	tap_ok(n.d.conf_ind != 0, "configuration indicator set (%llx)",
	       (unsigned long long)n.d.conf_ind);
	return tap_done();
}
