// SPDX-License-Identifier: MIT
/*
 * Bounded fuzz of virtio-net's packet path (net-harness.h): random
 * descriptor chains on the receive, transmit and control queues (random
 * addresses, lengths, flags, next links, headers with random flags,
 * gso types and checksum offsets, control commands with random classes
 * and lengths), random frames from the peer (0 to 3000 bytes), device
 * resets in between.  The VMM must neither crash nor hang (ASan/UBSan
 * in CI), and afterwards a clean set-up must move a frame both ways.
 */
#include "tests/devices/net-harness.h"

#define ROUNDS	3000

static void random_chain(unsigned int q)
{
	struct hbuf b[4];
	unsigned int n = 1 + (unsigned int)rand() % 4;

	for (unsigned int i = 0; i < n; i++) {
		int kind = rand() % 8;

		b[i].addr = kind == 0 ? (uint64_t)rand() << 8 :	/* anywhere */
			    kind == 1 ? H_RAM - (uint64_t)(rand() % 64) :
			    H_BUF(q, (unsigned int)rand() % 8) + (uint64_t)(rand() % 64);
		b[i].len = kind == 2 ? (uint32_t)rand() : (uint32_t)(rand() % 3000);
		b[i].write = q == 0 ? rand() % 8 != 0 : rand() % 8 == 0;
		if (b[i].addr + 16 < H_RAM && rand() % 2) {
			/* A header with random flags/gso/csum fields. */
			uint8_t *p = G(b[i].addr);
			for (int k = 0; k < 16; k++)
				p[k] = (uint8_t)(rand() % 4 ? rand() % 3 : rand());
		}
	}
	h_add(q, b, n);
	if (rand() % 16 == 0) {
		/* Scribble over a descriptor or the avail index. */
		uint8_t *p = G(H_RING(q) + (uint64_t)(rand() % (16 * H_QNUM + 40)));
		*p = (uint8_t)rand();
		virtio_ccw_notify(vm->css, H_SCHID, q, 0);
	}
}

int main(void)
{
	static uint8_t fr[3000];
	struct virtio_net_stats st;

	ksft_print_header();
	ksft_set_plan(3);
	h_init();
	srand(0x6e6574);
	bool setup_ok = h_setup(F_MAC | F_STATUS | F_CSUM | F_MRG | F_CTRL_VQ |
				F_CTRL_RX);
	for (int r = 0; r < ROUNDS; r++) {
		switch (rand() % 6) {
		case 0:
		case 1:
			random_chain((unsigned int)rand() % 3);
			break;
		case 2:
		case 3: {
			size_t len = (size_t)rand() % sizeof(fr);

			for (size_t i = 0; i < len; i++)
				fr[i] = (uint8_t)rand();
			if (len >= 6 && rand() % 2)
				memset(fr, 0xff, 6);
			send(peer, fr, len, MSG_DONTWAIT);
			break;
		}
		case 4:
			if (rand() % 50 == 0)
				h_setup(F_MAC | F_STATUS | F_CSUM | F_MRG |
					F_CTRL_VQ | F_CTRL_RX |
					(rand() % 2 ? F_GUEST_CSUM : 0));
			break;
		case 5:
			if (rand() % 100 == 0)
				virtio_net_announce(dev);
			break;
		}
	}
	h_stats(&st);
	ksft_print_msg("rx %llu (filtered %llu, dropped %llu, oversize %llu, errors "
		       "%llu), tx %llu (dropped %llu, errors %llu), ctrl %llu/%llu\n",
		       (unsigned long long)st.rx_frames,
		       (unsigned long long)st.rx_filtered,
		       (unsigned long long)st.rx_dropped,
		       (unsigned long long)st.rx_oversize,
		       (unsigned long long)st.rx_errors,
		       (unsigned long long)st.tx_frames,
		       (unsigned long long)st.tx_dropped,
		       (unsigned long long)st.tx_errors,
		       (unsigned long long)st.ctrl_ok, (unsigned long long)st.ctrl_err);
	ksft_test_result(setup_ok, "%d random rounds survived\n", ROUNDS);

	/* Drain what the peer has, then a clean device moves frames. */
	while (recv(peer, fr, sizeof(fr), MSG_DONTWAIT) > 0)
		;
	bool ok = h_setup(F_MAC | F_STATUS | F_MRG);
	uint8_t *f = G(H_BUF(1, 1));
	memset(G(H_BUF(1, 0)), 0, 12);
	memset(f, 0xff, 6);
	memset(f + 6, 0x52, 6);
	be16_st(f + 12, 0x88b5);
	memcpy(f + 14, "after the fuzz", 14);
	struct hbuf b[2] = { { H_BUF(1, 0), 12, false }, { H_BUF(1, 1), 28, false } };
	h_add(1, b, 2);
	int n = -1;
	for (int i = 0; i < 100 && n != 28; i++)
		n = h_peer_recv(fr, sizeof(fr), 100);
	ksft_test_result(ok && n == 28 && !memcmp(fr + 14, "after the fuzz", 14),
			 "after the fuzz, a reset device transmits\n");
	/* Frames the fuzz left in the socket come first: keep recycling
	 * eight buffers until ours shows up. */
	memcpy(fr, "\xff\xff\xff\xff\xff\xff", 6);
	memcpy(fr + 14, "into the guest", 14);
	send(peer, fr, 28, 0);
	bool got = false;
	uint16_t done = 0;
	for (int i = 0; i < 8; i++) {
		struct hbuf s = { H_BUF(0, (unsigned int)i), 1526, true };
		h_add(0, &s, 1);
	}
	for (int i = 0; i < 5000 && !got; i++) {
		uint16_t u = h_used_idx(0);

		for (; done != u && !got; done++) {
			uint32_t id = le32_ld(G(H_RING(0) + 0x1000 + 4 +
					      8 * (done % H_QNUM)));
			uint64_t a = le64_ld(G(H_RING(0) + 16ULL * (id % H_QNUM)));
			got = a + 40 < H_RAM &&
			      !memcmp(G(a) + 12 + 14, "into the guest", 14);
			struct hbuf s = { a, 1526, true };
			h_add(0, &s, 1);
		}
		if (!got) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	ksft_test_result(got, "... and receives\n");
	h_fini();
	return ksft_finished();
}
