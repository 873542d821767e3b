// SPDX-License-Identifier: MIT
/*
 * virtio-net's set_link and announce-self with hand-built rings
 * (net-harness.h, a dgram backend on a socketpair):
 * virtio_net_set_link() down clears LINK_UP in the configuration, a
 * transmitted chain is returned but its frame does not reach the peer, a
 * frame from the peer is dropped; up restores all three.
 * virtio_net_announce_self() with rounds=3 sends exactly three RARPs
 * (QEMU's announce timer), with GUEST_ANNOUNCE also the ANNOUNCE status
 * bit until the driver acks it (VIRTIO_NET_CTRL_ANNOUNCE_ACK), and none
 * while the link is down.
 */
#include "tests/devices/net-harness.h"

static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static int config_status(void)
{
	memset(G(H_DATA), 0, 12);
	return h_cmd(0x22, 12) ? le16_ld(G(H_DATA) + 6) : -1;
}

/* Send a 60-byte frame from the guest; true when its chain came back. */
static bool guest_send(uint16_t want_used)
{
	uint8_t *h = G(H_BUF(1, 0)), *fr = G(H_BUF(1, 1));

	memset(h, 0, 12);
	memset(fr, 0xff, 6);
	memcpy(fr + 6, mac0, 6);
	be16_st(fr + 12, 0x88b5);
	struct hbuf b[2] = { { H_BUF(1, 0), 12, false }, { H_BUF(1, 1), 60, false } };
	h_add(1, b, 2);
	return h_wait_used(1, want_used);
}

/* RARPs from our MAC at the peer: up to want of them, each waited for
 * at most timeout_ms. */
static int rarps(int want, int timeout_ms)
{
	uint8_t got[128];
	int n = 0, len;

	while (n < want && (len = h_peer_recv(got, sizeof(got), timeout_ms)) > 0)
		if (len == 60 && be16_ld(got + 12) == 0x8035 &&
		    !memcmp(got + 6, mac0, 6))
			n++;
	return n;
}

/* Poll the configuration until (status & mask) == want (bounded). */
static int wait_status(int mask, int want)
{
	int st = -1;

	for (int i = 0; i < 5000; i++) {
		st = config_status();
		if (st >= 0 && (st & mask) == want)
			break;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return st;
}

int main(void)
{
	uint8_t got[128], fr[64] = { 0 };
	struct virtio_net_stats st0, st1;
	struct net_announce once = { 10, 10, 1, 10 }, three = { 10, 20, 3, 10 };

	ksft_print_header();
	ksft_set_plan(8);
	h_init();
	bool ok = h_setup(F_MAC | F_STATUS | F_CTRL_VQ | F_ANNOUNCE);
	ksft_test_result(ok && config_status() == 1,
			 "set-up with STATUS and GUEST_ANNOUNCE, LINK_UP\n");

	virtio_net_set_link(dev, false);
	int st = config_status();
	h_stats(&st0);
	bool returned = guest_send(1);
	bool silent = h_peer_recv(got, sizeof(got), 100) < 0;
	struct hbuf one = { H_BUF(0, 0), 1526, true };
	h_add(0, &one, 1);
	memcpy(fr, mac0, 6);
	send(peer, fr, sizeof(fr), 0);
	h_stats(&st1);
	for (int i = 0; i < 5000 && st1.rx_dropped == st0.rx_dropped; i++) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
		h_stats(&st1);
	}
	ksft_test_result(st == 0, "link down: LINK_UP clear (status %d)\n", st);
	ksft_test_result(returned && silent && st1.tx_dropped == st0.tx_dropped + 1,
			 "link down: the guest's frame is dropped, its chain "
			 "returned\n");
	ksft_test_result(st1.rx_dropped == st0.rx_dropped + 1 && h_used_idx(0) == 0,
			 "link down: the peer's frame is dropped\n");
	/* One round: it sets ANNOUNCE (the guest may still announce
	 * itself), its RARP would follow at once. */
	virtio_net_announce_self(dev, &once);
	st = wait_status(2, 2);
	ksft_test_result((st & 2) && rarps(1, 300) == 0 &&
			 h_ctrl(3, 0, NULL, 0) == 0,
			 "link down: an announce round sends no RARP (status %d)\n",
			 st);

	virtio_net_set_link(dev, true);
	st = config_status();
	ok = guest_send(2);
	int n = h_peer_recv(got, sizeof(got), 5000);
	ksft_test_result((st & 1) && ok && n == 60 && be16_ld(got + 12) == 0x88b5,
			 "link up: LINK_UP (status %d), the guest's frame reaches "
			 "the peer\n", st);
	virtio_net_announce_self(dev, &three);
	n = rarps(3, 5000);
	n += rarps(1, 300);	/* and no fourth */
	st = config_status();
	ksft_test_result(n == 3 && (st & 2),
			 "announce-self rounds=3: %d RARPs, ANNOUNCE set (status %d)\n",
			 n, st);
	int ack = h_ctrl(3, 0, NULL, 0);
	st = config_status();
	ksft_test_result(ack == 0 && st == 1,
			 "ANNOUNCE_ACK clears ANNOUNCE (ack %d, status %d)\n", ack, st);
	h_fini();
	return ksft_finished();
}
