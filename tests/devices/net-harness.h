/* SPDX-License-Identifier: MIT */
/*
 * A virtio-net device on a VM without CPUs, driven like a driver would:
 * channel programs for the virtio-ccw set-up, split rings built by hand
 * in guest storage (modern, little-endian), DIAG 0x500 notifications
 * through virtio_ccw_notify().  The backend is a datagram socketpair
 * (-netdev dgram,local.type=fd): the test holds the other end.
 */
#ifndef TESTS_NET_HARNESS_H
#define TESTS_NET_HARNESS_H

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "devices/css.h"
#include "devices/net-backend.h"
#include "devices/virtio-ccw.h"
#include "devices/virtio-net.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define H_RAM	(16ULL << 20)
#define H_SCHID	0x00010000U
#define H_PROG	0x1000ULL
#define H_DATA	0x2000ULL
#define H_QNUM	16
#define H_RING(q)	(0x10000ULL + 0x4000ULL * (q))	/* desc, avail, used */
#define H_BUF(q, i)	(0x100000ULL + 0x40000ULL * (q) + 0x4000ULL * (i))

#define F_CSUM		(1ULL << 0)
#define F_GUEST_CSUM	(1ULL << 1)
#define F_MAC		(1ULL << 5)
#define F_MRG		(1ULL << 15)
#define F_STATUS	(1ULL << 16)
#define F_CTRL_VQ	(1ULL << 17)
#define F_CTRL_RX	(1ULL << 18)
#define F_ANNOUNCE	(1ULL << 21)

static struct vm *vm;
static struct virtio_net *dev;
static int peer = -1;
static uint16_t avail_idx[3], next_desc[3], seen_used[3];

static inline uint8_t *G(uint64_t a)
{
	return vm->ram + a;
}

static inline bool h_cmd(uint8_t code, uint16_t count)
{
	uint8_t orb[ORB_SIZE] = { 0 }, irb[IRB_SIZE];

	G(H_PROG)[0] = code;
	G(H_PROG)[1] = 0;
	be16_st(G(H_PROG) + 2, count);
	be32_st(G(H_PROG) + 4, (uint32_t)H_DATA);
	be32_st(orb + 4, ORB_FMT | 0xff00);
	be32_st(orb + 8, (uint32_t)H_PROG);
	if (css_ssch(vm->css, H_SCHID, orb) != 0) {
		css_tsch(vm->css, H_SCHID, irb);
		if (css_ssch(vm->css, H_SCHID, orb) != 0)
			return false;
	}
	css_tsch(vm->css, H_SCHID, irb);
	return irb[8] == (DSTAT_CE | DSTAT_DE) && irb[9] == 0;
}

static inline bool h_status(uint8_t st)
{
	G(H_DATA)[0] = st;
	return h_cmd(0x31, 1);
}

static inline int h_read_status(void)
{
	return h_cmd(0x72, 1) ? G(H_DATA)[0] : -1;
}

/* Revision 2, the features, three queues of H_QNUM, DRIVER_OK. */
static inline bool h_setup(uint64_t features)
{
	uint8_t schib[SCHIB_SIZE];

	css_stsch(vm->css, H_SCHID, schib);
	be16_st(schib + 4, (uint16_t)((be16_ld(schib + 4) & ~PMCW_FLAGS_ENA)));
	css_msch(vm->css, H_SCHID, schib);
	be16_st(schib + 4, (uint16_t)(be16_ld(schib + 4) | PMCW_FLAGS_ENA | (3 << 11)));
	css_msch(vm->css, H_SCHID, schib);
	be16_st(G(H_DATA), 2);
	be16_st(G(H_DATA) + 2, 0);
	bool ok = h_cmd(0x83, 4) && h_status(0) && h_status(3);
	features |= 1ULL << 32;		/* VERSION_1 */
	for (uint8_t i = 0; i < 2; i++) {
		le32_st(G(H_DATA), (uint32_t)(features >> (32 * i)));
		G(H_DATA)[4] = i;
		ok = ok && h_cmd(0x11, 5);
	}
	ok = ok && h_status(0x0b);
	memset(G(0x10000), 0, 0x10000);
	for (uint16_t q = 0; q < 3; q++) {
		memset(G(H_DATA), 0, 32);
		be64_st(G(H_DATA), H_RING(q));
		be16_st(G(H_DATA) + 12, q);
		be16_st(G(H_DATA) + 14, H_QNUM);
		be64_st(G(H_DATA) + 16, H_RING(q) + 16 * H_QNUM);
		be64_st(G(H_DATA) + 24, H_RING(q) + 0x1000);
		ok = ok && h_cmd(0x13, 32);
		avail_idx[q] = next_desc[q] = seen_used[q] = 0;
	}
	return ok && h_status(0x0f);
}

struct hbuf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* Queue a chain and notify. */
static inline void h_add(unsigned int q, const struct hbuf *b, unsigned int n)
{
	uint64_t ring = H_RING(q);
	uint16_t head = next_desc[q];

	for (unsigned int i = 0; i < n; i++) {
		uint16_t d = (uint16_t)((head + i) % H_QNUM);
		uint8_t *p = G(ring + 16ULL * d);

		le64_st(p, b[i].addr);
		le32_st(p + 8, b[i].len);
		le16_st(p + 12, (uint16_t)((i + 1 < n ? 1 : 0) | (b[i].write ? 2 : 0)));
		le16_st(p + 14, (uint16_t)((d + 1) % H_QNUM));
	}
	next_desc[q] = (uint16_t)((head + n) % H_QNUM);
	uint8_t *av = G(ring + 16 * H_QNUM);
	le16_st(av + 4 + 2 * (avail_idx[q] % H_QNUM), head);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail_idx[q]++;
	le16_st(av + 2, avail_idx[q]);
	virtio_ccw_notify(vm->css, H_SCHID, q, 0);
}

static inline uint16_t h_used_idx(unsigned int q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return le16_ld(G(H_RING(q) + 0x1000 + 2));
}

/* Used entry i of queue q: id and len. */
static inline uint32_t h_used_len(unsigned int q, uint16_t i)
{
	return le32_ld(G(H_RING(q) + 0x1000 + 4 + 8 * (i % H_QNUM) + 4));
}

/* Wait (liveness bound, not a timing check) for used idx >= want. */
static inline bool h_wait_used(unsigned int q, uint16_t want)
{
	for (int i = 0; i < 5000; i++) {
		if ((int16_t)(h_used_idx(q) - want) >= 0)
			return true;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return false;
}

/* A frame from the device at the peer (bounded wait); its length or -1. */
static inline int h_peer_recv(uint8_t *buf, size_t max, int timeout_ms)
{
	struct pollfd pf = { .fd = peer, .events = POLLIN };

	if (poll(&pf, 1, timeout_ms) != 1)
		return -1;
	return (int)recv(peer, buf, max, 0);
}

/* A control command; the ack, or -1. */
static inline int h_ctrl(uint8_t cls, uint8_t cmd, const void *data, uint32_t len)
{
	uint64_t b = H_BUF(2, 0);

	G(b)[0] = cls;
	G(b)[1] = cmd;
	if (len)	/* data may be NULL for a command without one */
		memcpy(G(b + 2), data, len);
	G(b + 0x1000)[0] = 0xee;
	struct hbuf c[2] = { { b, 2 + len, false }, { b + 0x1000, 1, true } };
	uint16_t want = (uint16_t)(seen_used[2] + 1);
	h_add(2, c, 2);
	if (!h_wait_used(2, want))
		return -1;
	seen_used[2] = want;
	return G(b + 0x1000)[0];
}

static inline void h_stats(struct virtio_net_stats *st)
{
	virtio_net_get_stats(dev, st);
}

static inline void h_init(void)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini",
		.ram_size = H_RAM,
		.ncpus = 1,
		.console_in = -1,
		.console_out = -1,
		.backend = &soft_backend_ops,
	};
	struct netdev_config nc;
	struct virtio_net_config ncfg;
	struct net_backend *nb;
	char *err = NULL, arg[64];
	int sv[2];

	if (vm_create(&vm, &cfg, &err))
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		ksft_exit_fail_msg("socketpair: %s\n", strerror(errno));
	snprintf(arg, sizeof(arg), "dgram,id=n0,local.type=fd,local.str=%d", sv[0]);
	if (netdev_parse(&nc, arg, "-netdev", NULL, NULL, &err) ||
	    net_backend_create(&nb, &nc, &err))
		ksft_exit_fail_msg("backend: %s\n", err ? err : "?");
	close(sv[0]);
	peer = sv[1];
	virtio_net_default_config(&ncfg, 0);
	if (virtio_net_create(&dev, vm->css, 0, nb, &ncfg, &err))
		ksft_exit_fail_msg("virtio_net_create: %s\n", err ? err : "?");
}

static inline void h_fini(void)
{
	virtio_net_destroy(dev);
	vm_destroy(vm);
	close(peer);
}

#endif
