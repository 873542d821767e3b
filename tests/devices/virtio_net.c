// SPDX-License-Identifier: MIT
/*
 * virtio-net with hand-built rings (net-harness.h): feature negotiation
 * and configuration, transmit (plain, partial checksum completed,
 * malformed chains), receive (one buffer, a frame merged over three
 * buffers used at once), the receive filter through the control queue,
 * oversized frames, a malformed MAC table, the RARP announce, the state
 * table's round trip, and a descriptor loop that sets NEEDS_RESET.
 */
#include "tests/devices/net-harness.h"

static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void test_config(void)
{
	bool ok = h_setup(F_MAC | F_STATUS | F_CSUM | F_GUEST_CSUM | F_MRG |
			  F_CTRL_VQ | F_CTRL_RX);
	ksft_test_result(ok, "set-up: MAC STATUS CSUM GUEST_CSUM MRG_RXBUF CTRL_VQ "
			 "CTRL_RX accepted, three queues\n");
	memset(G(H_DATA), 0, 12);
	h_cmd(0x22, 12);
	ksft_test_result(!memcmp(G(H_DATA), mac0, 6) && le16_ld(G(H_DATA) + 6) == 1 &&
			 le16_ld(G(H_DATA) + 10) == 1500,
			 "config: MAC 52:54:00:12:34:56, LINK_UP, mtu 1500\n");
}

static void test_tx(void)
{
	uint8_t got[2048];
	uint8_t *h = G(H_BUF(1, 0)), *fr = G(H_BUF(1, 1));

	memset(h, 0, 12);
	memset(fr, 0xff, 6);
	memcpy(fr + 6, mac0, 6);
	be16_st(fr + 12, 0x88b5);
	for (int i = 14; i < 100; i++)
		fr[i] = (uint8_t)i;
	struct hbuf b[2] = { { H_BUF(1, 0), 12, false }, { H_BUF(1, 1), 100, false } };
	h_add(1, b, 2);
	int n = h_peer_recv(got, sizeof(got), 5000);
	ksft_test_result(n == 100 && !memcmp(got, fr, 100) && h_wait_used(1, 1),
			 "tx: a 100-byte frame reaches the peer unchanged (%d)\n", n);

	/* NEEDS_CSUM: the ones' complement sum over [20, end) at 20 + 4. */
	h[0] = 1;
	le16_st(h + 6, 20);
	le16_st(h + 8, 4);
	fr[24] = fr[25] = 0;
	h_add(1, b, 2);
	n = h_peer_recv(got, sizeof(got), 5000);
	uint32_t sum = 0;
	for (int i = 20; i < 100; i += 2)
		sum += (uint32_t)got[i] << 8 | got[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ksft_test_result(n == 100 && sum == 0xffff && !memcmp(got + 26, fr + 26, 74),
			 "tx: NEEDS_CSUM completed by the device (sum %x)\n", sum);

	/* Shorter than header + Ethernet header; csum_offset past the end. */
	struct virtio_net_stats st0, st1;
	h_stats(&st0);
	struct hbuf shorty[1] = { { H_BUF(1, 0), 12 + 5, false } };
	h_add(1, shorty, 1);
	le16_st(h + 8, 200);
	h_add(1, b, 2);
	h_wait_used(1, 4);
	h_stats(&st1);
	ksft_test_result(st1.tx_errors == st0.tx_errors + 2 && h_used_idx(1) == 4 &&
			 h_peer_recv(got, sizeof(got), 50) < 0,
			 "tx: a runt chain and a bad csum_offset are dropped, "
			 "chains returned\n");
	h[0] = 0;
}

static void test_rx(void)
{
	uint8_t fr[300];
	struct hbuf one = { H_BUF(0, 0), 1526, true };

	h_add(0, &one, 1);
	memcpy(fr, mac0, 6);
	memset(fr + 6, 0x02, 6);
	be16_st(fr + 12, 0x88b5);
	for (int i = 14; i < 250; i++)
		fr[i] = (uint8_t)(i * 3);
	send(peer, fr, 80, 0);
	bool ok = h_wait_used(0, 1);
	ksft_test_result(ok && h_used_len(0, 0) == 12 + 80 &&
			 le16_ld(G(H_BUF(0, 0)) + 10) == 1 &&
			 !memcmp(G(H_BUF(0, 0)) + 12, fr, 80),
			 "rx: header (num_buffers 1) and frame in one buffer\n");

	/* 12 + 250 bytes over three 100-byte buffers, used together. */
	for (int i = 1; i <= 3; i++) {
		struct hbuf s = { H_BUF(0, i), 100, true };
		h_add(0, &s, 1);
	}
	send(peer, fr, 250, 0);
	ok = h_wait_used(0, 4);
	uint8_t joined[300];
	memcpy(joined, G(H_BUF(0, 1)), 100);
	memcpy(joined + 100, G(H_BUF(0, 2)), 100);
	memcpy(joined + 200, G(H_BUF(0, 3)), 62);
	ksft_test_result(ok && h_used_len(0, 1) == 100 && h_used_len(0, 2) == 100 &&
			 h_used_len(0, 3) == 62 && le16_ld(joined + 10) == 3 &&
			 !memcmp(joined + 12, fr, 250),
			 "rx: mergeable: 262 bytes over three buffers, num_buffers 3\n");

	/* Two buffers are not enough for a 262-byte frame: it waits. */
	for (int i = 4; i <= 5; i++) {
		struct hbuf s = { H_BUF(0, i), 100, true };
		h_add(0, &s, 1);
	}
	send(peer, fr, 250, 0);
	struct timespec ts = { 0, 50 * 1000000 };
	nanosleep(&ts, NULL);
	bool waited = h_used_idx(0) == 4;
	struct hbuf s = { H_BUF(0, 6), 100, true };
	h_add(0, &s, 1);
	ksft_test_result(waited && h_wait_used(0, 7),
			 "rx: a frame waits until enough buffers are posted\n");
}

static void test_filter(void)
{
	uint8_t fr[3000] = { 0 }, off = 0;
	struct virtio_net_stats st0, st1;

	ksft_test_result(h_ctrl(0, 0, &off, 1) == 0, "ctrl: PROMISC off -> OK\n");
	uint8_t bad[10] = { 5, 0, 0, 0 };	/* 5 entries, no room for them */
	ksft_test_result(h_ctrl(1, 0, bad, sizeof(bad)) == 1,
			 "ctrl: MAC_TABLE_SET with a wrong length -> ERR\n");
	h_stats(&st0);
	for (int i = 7; i < 9; i++) {
		struct hbuf s = { H_BUF(0, i), 1526, true };
		h_add(0, &s, 1);
	}
	memset(fr, 0x02, 6);		/* someone else's unicast address */
	be16_st(fr + 12, 0x88b5);
	send(peer, fr, 60, 0);
	memcpy(fr, mac0, 6);
	send(peer, fr, 3000, 0);	/* oversized */
	send(peer, fr, 64, 0);		/* ours */
	bool ok = h_wait_used(0, 8);
	h_stats(&st1);
	ksft_test_result(ok && h_used_len(0, 7) == 12 + 64 &&
			 st1.rx_filtered == st0.rx_filtered + 1 &&
			 st1.rx_oversize == st0.rx_oversize + 1,
			 "rx: filtered unicast and oversized frames dropped, ours "
			 "delivered\n");
}

static void test_announce(void)
{
	uint8_t got[128];

	/* GUEST_ANNOUNCE not negotiated: the device sends a RARP. */
	virtio_net_announce(dev);
	int n = h_peer_recv(got, sizeof(got), 5000);
	ksft_test_result(n == 60 && be16_ld(got + 12) == 0x8035 &&
			 !memcmp(got + 6, mac0, 6) && be16_ld(got + 20) == 3,
			 "announce: RARP from 52:54:00:12:34:56\n");
}

static void test_vmstate(void)
{
	struct virtio_net_state a, b;
	struct vms_buf out = { 0 };
	struct vms_policies pol = { { 0 } };
	struct vms_ctx ctx = { "virtio-net", 0, 1, "s390-ccw-mini", "s390-ccw-mini" };
	char *err = NULL;

	int r = vms_check_desc(&virtio_net_vmsd, &err);
	ksft_test_result(r == 0, "state table checks (%s)\n", err ? err : "ok");
	free(err);
	err = NULL;
	srand(7);
	memset(&a, 0, sizeof(a));
	for (size_t i = 0; i < sizeof(a.uni); i++) {
		a.uni[i] = (uint8_t)rand();
		a.multi[i] = (uint8_t)rand();
	}
	memcpy(a.mac, mac0, 6);
	a.status = 3;
	a.promisc = a.nobcast = a.multi_overflow = true;
	a.uni_n = 17;
	a.multi_n = 64;
	r = vms_encode(&out, &virtio_net_vmsd, dev, &a, &pol, &err);
	struct vms_in in = { out.data, out.len, 0, 0 };
	memset(&b, 0, sizeof(b));
	int d = r ? r : vms_decode(&in, &virtio_net_vmsd, dev, &b, &ctx, &err);
	ksft_test_result(!r && !d && !memcmp(&a, &b, sizeof(a)),
			 "state round trip (%s)\n", err ? err : "equal");
	free(err);
	err = NULL;
	vms_buf_free(&out);
	a.uni_n = 65;
	memset(&out, 0, sizeof(out));
	vms_encode(&out, &virtio_net_vmsd, dev, &a, &pol, NULL);
	in = (struct vms_in){ out.data, out.len, 0, 0 };
	memset(&b, 0, sizeof(b));
	d = vms_decode(&in, &virtio_net_vmsd, dev, &b, &ctx, &err);
	ksft_test_result(d < 0, "a table size of 65 is refused (%s)\n", err ? err : "?");
	free(err);
	vms_buf_free(&out);
}

static void test_broken(void)
{
	/* A chain whose next points back at itself. */
	uint64_t ring = H_RING(1);
	uint16_t d = next_desc[1];
	uint8_t *p = G(ring + 16ULL * d);

	le64_st(p, H_BUF(1, 0));
	le32_st(p + 8, 100);
	le16_st(p + 12, 1);
	le16_st(p + 14, d);
	uint8_t *av = G(ring + 16 * H_QNUM);
	le16_st(av + 4 + 2 * (avail_idx[1] % H_QNUM), d);
	avail_idx[1]++;
	le16_st(av + 2, avail_idx[1]);
	virtio_ccw_notify(vm->css, H_SCHID, 1, 0);
	int st = 0;
	for (int i = 0; i < 5000 && !((st = h_read_status()) & 0x40); i++) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	ksft_test_result(st >= 0 && (st & 0x40),
			 "a descriptor loop sets DEVICE_NEEDS_RESET (%x)\n", st);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(16);
	h_init();
	test_config();		/* 2 */
	test_tx();		/* 3 */
	test_rx();		/* 3 */
	test_filter();		/* 3 */
	test_announce();	/* 1 */
	test_vmstate();		/* 3 */
	test_broken();		/* 1 */
	h_fini();
	return ksft_finished();
}
