/* SPDX-License-Identifier: MIT */
/*
 * virtio-net (virtio spec 5.1 "Network Device") on virtio-ccw.
 *
 * Queues (5.1.2): 0 receiveq1, 1 transmitq1, 2 controlq (with CTRL_VQ).
 * Every packet in either direction is preceded by struct virtio_net_hdr
 * (5.1.6): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset
 * and, with VERSION_1 or MRG_RXBUF, num_buffers; 12 bytes then, else
 * 10.  Its fields are little-endian with VERSION_1, big-endian (guest
 * order) for a legacy driver.
 *
 * Features offered (5.1.3): MAC, STATUS (LINK_UP, ANNOUNCE), MRG_RXBUF,
 * CSUM (the guest may hand over packets with a partial checksum; the
 * device completes it unless a TAP backend takes the vnet header),
 * GUEST_CSUM (receive side; frames arrive with full checksums except
 * from a TAP backend that passes NEEDS_CSUM/DATA_VALID on), MTU when
 * host_mtu= is given, CTRL_VQ with CTRL_RX, CTRL_RX_EXTRA,
 * CTRL_MAC_ADDR and GUEST_ANNOUNCE.  No segmentation offload: no
 * HOST_TSO/UFO, GUEST_TSO/UFO; a packet with a gso_type is dropped.
 *
 * Receive filtering (5.1.6.5.1): promiscuous, all-multicast and the
 * RX_EXTRA modes, the unicast and multicast MAC tables of MAC_TABLE_SET
 * (more than VIRTIO_NET_MAC_TABLE entries set the table's overflow:
 * all of that kind pass, as in QEMU).  After reset the device is
 * promiscuous, as QEMU's is, until the driver says otherwise.
 *
 * Threads: DIAG 0x500 on a vCPU only writes the device's eventfd.  The
 * device's packet thread (sandbox kind net-io, or net-user for slirp)
 * polls the eventfd and the backend's fds, and does all the work: the
 * control queue, transmit (read the chain, complete the checksum, hand
 * the frame to the backend), receive (filter, copy into one chain or
 * several mergeable ones, push them at once).  Frames the guest has no
 * buffers for wait in a bounded queue (RX_PENDING frames); while it is
 * full the backend stops reading (stream, tap: the peer or kernel queue
 * backs up) or drops (dgram, slirp).  Guest-visible state and the queues
 * are under the transport lock; the pending queue and the transmit
 * buffer belong to the packet thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "devices/net-backend.h"
#include "devices/virtio-ccw.h"
#include "devices/virtio-net.h"
#include "seccomp/seccomp.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define RXQ		0
#define TXQ		1
#define CTRLQ		2
#define NET_QUEUE_MAX	256

/* Feature bits (spec 5.1.3). */
#define VIRTIO_NET_F_CSUM		(1ULL << 0)
#define VIRTIO_NET_F_GUEST_CSUM		(1ULL << 1)
#define VIRTIO_NET_F_MTU		(1ULL << 3)
#define VIRTIO_NET_F_MAC		(1ULL << 5)
#define VIRTIO_NET_F_MRG_RXBUF		(1ULL << 15)
#define VIRTIO_NET_F_STATUS		(1ULL << 16)
#define VIRTIO_NET_F_CTRL_VQ		(1ULL << 17)
#define VIRTIO_NET_F_CTRL_RX		(1ULL << 18)
#define VIRTIO_NET_F_CTRL_RX_EXTRA	(1ULL << 20)
#define VIRTIO_NET_F_GUEST_ANNOUNCE	(1ULL << 21)
#define VIRTIO_NET_F_CTRL_MAC_ADDR	(1ULL << 23)

/* Configuration layout (5.1.4): mac[6], status, max_virtqueue_pairs, mtu. */
#define CFG_MAC			0
#define CFG_STATUS		6
#define CFG_MAX_VQ_PAIRS	8
#define CFG_MTU			10
#define CFG_SIZE		12
#define VIRTIO_NET_S_LINK_UP	1
#define VIRTIO_NET_S_ANNOUNCE	2

/* struct virtio_net_hdr (5.1.6). */
#define HDR_FLAGS		0
#define HDR_GSO_TYPE		1
#define HDR_HDR_LEN		2
#define HDR_GSO_SIZE		4
#define HDR_CSUM_START		6
#define HDR_CSUM_OFFSET		8
#define HDR_NUM_BUFFERS		10
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2
#define VIRTIO_NET_HDR_GSO_NONE		0

/* Control queue (5.1.6.5): class, command, data..., ack. */
#define VIRTIO_NET_OK			0
#define VIRTIO_NET_ERR			1
#define VIRTIO_NET_CTRL_RX		0
#define  VIRTIO_NET_CTRL_RX_PROMISC	0
#define  VIRTIO_NET_CTRL_RX_ALLMULTI	1
#define  VIRTIO_NET_CTRL_RX_ALLUNI	2
#define  VIRTIO_NET_CTRL_RX_NOMULTI	3
#define  VIRTIO_NET_CTRL_RX_NOUNI	4
#define  VIRTIO_NET_CTRL_RX_NOBCAST	5
#define VIRTIO_NET_CTRL_MAC		1
#define  VIRTIO_NET_CTRL_MAC_TABLE_SET	0
#define  VIRTIO_NET_CTRL_MAC_ADDR_SET	1
#define VIRTIO_NET_CTRL_ANNOUNCE	3
#define  VIRTIO_NET_CTRL_ANNOUNCE_ACK	0
#define CTRL_MAX		(2 + 2 * (4 + 6 * 256))	/* bytes read */

#define ETH_HLEN		14
#define ETH_VLAN_HLEN		4
#define RX_PENDING		256	/* frames waiting for guest buffers */
#define TX_BATCH		256	/* chains per turn before receive runs */
#define MRG_MAX			64	/* chains one received frame may use */

struct rx_frame {
	uint8_t *data;		/* NET_VNET_HDR_LEN bytes of header first */
	size_t len;		/* frame bytes after the header */
	unsigned int gen;	/* rx_gen when it was received */
};

struct virtio_net {
	struct virtio_ccw_dev *vd;	/* transport: queues, features, status */
	struct net_backend *nb;
	struct virtio_dev_ops ops;	/* features depend on the config */
	struct virtio_net_config cfg;	/* command line; not migrated */
	/* Guest-visible device state (transport lock). */
	struct virtio_net_state st;
	atomic_bool announce_req;	/* announce on the packet thread */
	atomic_bool offload_sync;	/* features changed: tell the backend */
	atomic_uint rx_gen;		/* bumped by reset: older frames are stale */
	atomic_bool rx_ready;		/* DRIVER_OK: take frames from the backend */
	atomic_bool admin_down;		/* QMP set_link up=false */
	/* announce-self: requested under ann_lock, run by the packet thread. */
	pthread_mutex_t ann_lock;
	struct net_announce ann_req;
	bool ann_pending;
	struct net_announce ann;	/* packet thread: the running rounds */
	uint32_t ann_done;		/* rounds sent */
	int64_t ann_next;		/* CLOCK_MONOTONIC ms of the next one */
	/* Packet thread. */
	pthread_t thread;
	bool thread_started;
	int kick_fd;			/* eventfd: vCPU notify, stop */
	atomic_bool stop;
	/* Migration (net_quiesce): the thread parks between turns. */
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	bool hold, parked;
	struct rx_frame pend[RX_PENDING];
	unsigned int pend_head, pend_count;
	uint8_t *txbuf;			/* vnet header + frame */
	size_t txlen;
	bool tx_held;			/* txbuf waits for the backend */
	struct vq_elem *elem, *first;	/* scratch */
	struct vq_used used[MRG_MAX];
	uint8_t ctrl[CTRL_MAX];
	pthread_mutex_t stats_lock;
	struct virtio_net_stats stats;
};

#define STAT_INC(n, f)	do { pthread_mutex_lock(&(n)->stats_lock); \
			     (n)->stats.f++; \
			     pthread_mutex_unlock(&(n)->stats_lock); } while (0)

void virtio_net_default_config(struct virtio_net_config *cfg, unsigned int index)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->mac, base, 6);
	cfg->mac[5] = (uint8_t)(base[5] + index);
	cfg->csum = cfg->mrg_rxbuf = cfg->ctrl_vq = true;
}

/* ---- byte order of the header and control data ---------------------- */

static uint16_t ld16x(bool le, const uint8_t *p)
{
	return le ? le16_ld(p) : be16_ld(p);
}

static uint32_t ld32x(bool le, const uint8_t *p)
{
	return le ? le32_ld(p) : be32_ld(p);
}

static void st16x(bool le, uint8_t *p, uint16_t v)
{
	if (le)
		le16_st(p, v);
	else
		be16_st(p, v);
}

/* The TAP vnet header is in host byte order (TUN's convention). */
static uint16_t host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void host16_st(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static size_t hdr_len(uint64_t feat)
{
	return (feat & (VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MRG_RXBUF)) ? 12 : 10;
}

static void kick(struct virtio_net *n)
{
	uint64_t one = 1;

	(void)!write(n->kick_fd, &one, sizeof(one));
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The guest's LINK_UP: the backend's carrier and not set_link down. */
static bool link_on(struct virtio_net *n)
{
	return n->nb->link_up && !atomic_load(&n->admin_down);
}

/* Make the status bit follow link_on(); transport lock held.  true:
 * it changed and the driver takes STATUS (interrupt it). */
static bool link_sync(struct virtio_net *n)
{
	uint16_t old = n->st.status;

	if (link_on(n))
		n->st.status |= VIRTIO_NET_S_LINK_UP;
	else
		n->st.status &= (uint16_t)~VIRTIO_NET_S_LINK_UP;
	return old != n->st.status &&
	       (vccw_features(n->vd) & VIRTIO_NET_F_STATUS);
}

/* ---- configuration space and reset ------------------------------------ */

static void net_get_config(void *dev, uint8_t *cfg, bool le)
{
	struct virtio_net *n = dev;

	memcpy(cfg + CFG_MAC, n->st.mac, 6);
	st16x(le, cfg + CFG_STATUS, n->st.status);
	st16x(le, cfg + CFG_MAX_VQ_PAIRS, 1);
	st16x(le, cfg + CFG_MTU, n->cfg.host_mtu ? n->cfg.host_mtu : 1500);
}

/* Legacy drivers set the MAC through the configuration space (5.1.4.2:
 * "the driver MUST NOT write to mac" applies to VERSION_1 only). */
static void net_set_config(void *dev, const uint8_t *cfg, uint32_t len, bool le)
{
	struct virtio_net *n = dev;

	if (!le && len >= 6)
		memcpy(n->st.mac, cfg + CFG_MAC, 6);
}

static void state_reset(struct virtio_net *n)
{
	struct virtio_net_state *s = &n->st;

	memset(s, 0, sizeof(*s));
	memcpy(s->mac, n->cfg.mac, 6);
	s->status = link_on(n) ? VIRTIO_NET_S_LINK_UP : 0;
	s->promisc = true;
}

static void net_reset(void *dev)
{
	struct virtio_net *n = dev;

	state_reset(n);		/* transport lock held */
	atomic_store(&n->offload_sync, true);
	/* Until DRIVER_OK frames stay in the backend (QEMU's can_receive);
	 * those waiting for the old driver's buffers go, as a NIC's FIFO
	 * does on reset.  The packet thread frees them. */
	atomic_store(&n->rx_ready, false);
	atomic_fetch_add(&n->rx_gen, 1);
	kick(n);
}

static void net_notify(void *dev, unsigned int q)
{
	(void)q;
	kick(dev);
}

static void net_driver_ok(void *dev)
{
	struct virtio_net *n = dev;

	atomic_store(&n->offload_sync, true);
	atomic_store(&n->rx_ready, true);
	kick(n);		/* frames may be waiting */
}

/* ---- receive filter (5.1.6.5.1) --------------------------------------- */

static bool mac_in(const uint8_t *table, uint32_t count, const uint8_t *mac)
{
	for (uint32_t i = 0; i < count && i < VIRTIO_NET_MAC_TABLE; i++)
		if (!memcmp(table + 6 * i, mac, 6))
			return true;
	return false;
}

/* Does the guest want a frame with this destination?  Lock held. */
static bool rx_accept(const struct virtio_net_state *s, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (s->promisc)
		return true;
	if (!memcmp(dst, bcast, 6))
		return !s->nobcast;
	if (dst[0] & 1) {
		if (s->nomulti)
			return false;
		return s->allmulti || s->multi_overflow ||
		       mac_in(s->multi, s->multi_n, dst);
	}
	if (s->nouni)
		return false;
	return s->alluni || s->uni_overflow || !memcmp(dst, s->mac, 6) ||
	       mac_in(s->uni, s->uni_n, dst);
}

/* ---- backend side (packet thread) ------------------------------------- */

static bool peer_can_receive(void *opaque)
{
	struct virtio_net *n = opaque;

	return atomic_load(&n->rx_ready) && n->pend_count < RX_PENDING;
}

static uint16_t max_frame(const struct virtio_net *n)
{
	return (uint16_t)((n->cfg.host_mtu ? n->cfg.host_mtu : 1500) +
			  ETH_HLEN + ETH_VLAN_HLEN);
}

static void peer_receive(void *opaque, const uint8_t *frame, size_t len)
{
	struct virtio_net *n = opaque;
	uint8_t vh[NET_VNET_HDR_LEN] = { 0 };

	if (n->nb->vnet_hdr) {
		if (len < NET_VNET_HDR_LEN) {
			STAT_INC(n, rx_errors);
			return;
		}
		memcpy(vh, frame, NET_VNET_HDR_LEN);
		frame += NET_VNET_HDR_LEN;
		len -= NET_VNET_HDR_LEN;
		/* We never asked the TAP for segmentation offloads. */
		if (vh[HDR_GSO_TYPE] != VIRTIO_NET_HDR_GSO_NONE) {
			STAT_INC(n, rx_errors);
			return;
		}
	}
	if (len < ETH_HLEN) {
		STAT_INC(n, rx_errors);
		return;
	}
	if (atomic_load(&n->admin_down)) {
		STAT_INC(n, rx_dropped);	/* set_link down: the wire is cut */
		return;
	}
	if (len > max_frame(n)) {
		STAT_INC(n, rx_oversize);
		return;
	}
	vccw_lock(n->vd);
	bool want = rx_accept(&n->st, frame);
	vccw_unlock(n->vd);
	if (!want) {
		STAT_INC(n, rx_filtered);
		return;
	}
	if (n->pend_count == RX_PENDING) {
		STAT_INC(n, rx_dropped);
		return;
	}
	uint8_t *copy = malloc(NET_VNET_HDR_LEN + len);
	if (!copy) {
		STAT_INC(n, rx_dropped);
		return;
	}
	memcpy(copy, vh, NET_VNET_HDR_LEN);
	memcpy(copy + NET_VNET_HDR_LEN, frame, len);
	struct rx_frame *f = &n->pend[(n->pend_head + n->pend_count) % RX_PENDING];
	f->data = copy;
	f->len = len;
	f->gen = atomic_load(&n->rx_gen);
	n->pend_count++;
}

/* The backend's carrier changed (nb->link_up is already the new one). */
static void peer_link(void *opaque, bool up)
{
	struct virtio_net *n = opaque;
	bool notify;

	(void)up;
	vccw_lock(n->vd);
	notify = link_sync(n);
	vccw_unlock(n->vd);
	if (notify)
		vccw_interrupt(n->vd, ~0u);
}

void virtio_net_set_link(struct virtio_net *n, bool up)
{
	bool notify;

	vccw_lock(n->vd);
	atomic_store(&n->admin_down, !up);
	notify = link_sync(n);
	vccw_unlock(n->vd);
	if (notify)
		vccw_interrupt(n->vd, ~0u);
	kick(n);	/* a held transmit frame is dropped now */
}

bool virtio_net_link(struct virtio_net *n)
{
	return !atomic_load(&n->admin_down);
}

/* ---- receive into guest buffers -------------------------------------- */

/* The guest's header for a received frame: flags from the TAP's vnet
 * header when the driver takes partial checksums, else none (the frame
 * has a full checksum, or the guest checks it). */
static void build_rx_hdr(uint8_t *h, const uint8_t *vh, uint64_t feat, bool le,
			 bool vnet)
{
	memset(h, 0, 12);
	if (!vnet || !(feat & VIRTIO_NET_F_GUEST_CSUM))
		return;
	uint8_t flags = vh[HDR_FLAGS] & (VIRTIO_NET_HDR_F_NEEDS_CSUM |
					 VIRTIO_NET_HDR_F_DATA_VALID);
	h[HDR_FLAGS] = flags;
	if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		st16x(le, h + HDR_CSUM_START, host16(vh + HDR_CSUM_START));
		st16x(le, h + HDR_CSUM_OFFSET, host16(vh + HDR_CSUM_OFFSET));
	}
}

/*
 * Put one frame into the receive queue.  1: delivered (or dropped for
 * good), 0: no buffers now (keep it).  Lock held; *notify, *broken out.
 */
static int rx_one(struct virtio_net *n, const struct rx_frame *f,
		  bool *notify, bool *broken)
{
	struct virtio_ccw_dev *vd = n->vd;
	struct vm *vm = vccw_vm(vd);
	struct virtqueue *vq = vccw_queue(vd, RXQ);
	uint64_t feat = vccw_features(vd);
	uint8_t h[12];
	int r;

	if (!vq)
		return 0;	/* no driver yet: keep it */
	bool le = vq->le, mrg = feat & VIRTIO_NET_F_MRG_RXBUF;
	size_t hl = hdr_len(feat);
	const uint8_t *frame = f->data + NET_VNET_HDR_LEN;
	uint64_t total = hl + f->len;

	build_rx_hdr(h, f->data, feat, le, n->nb->vnet_hdr);
	if (!mrg) {
		r = vccw_pop(vd, RXQ, n->elem);
		if (r <= 0) {
			*broken = r < 0;
			return r < 0 ? 1 : 0;
		}
		/* The driver must post buffers big enough (5.1.6.3.1); a
		 * smaller one is returned empty and the frame is lost. */
		if (n->elem->in_len < total) {
			STAT_INC(n, rx_errors);
			vccw_push(vd, RXQ, n->elem, 0, notify);
			return 1;
		}
		vq_elem_write(vm, n->elem, 0, h, hl);
		vq_elem_write(vm, n->elem, hl, frame, f->len);
		vccw_push(vd, RXQ, n->elem, (uint32_t)total, notify);
		STAT_INC(n, rx_frames);
		return 1;
	}
	/* Mergeable buffers (5.1.6.4): as many chains as it takes, header
	 * in the first with num_buffers, all used at once.  Not enough
	 * chains yet: undo the pops (the ring position is ours alone) and
	 * wait for more. */
	struct virtqueue saved = *vq;
	unsigned int nbuf = 0;
	uint64_t off = 0;

	while (off < total) {
		struct vq_elem *e = nbuf == 0 ? n->first : n->elem;

		r = vccw_pop(vd, RXQ, e);
		if (r < 0) {
			*broken = true;
			return 1;
		}
		if (r == 0 || nbuf == MRG_MAX) {
			*vq = saved;
			if (r == 0)
				return 0;
			STAT_INC(n, rx_errors);	/* tiny buffers: lost */
			return 1;
		}
		/* The first must hold the header (5.1.6.3.1), and a chain
		 * with no room would never end the loop: broken driver. */
		if (e->in_len == 0 || (nbuf == 0 && e->in_len < hl)) {
			*vq = saved;
			vccw_needs_reset(vd);
			*broken = true;
			return 1;
		}
		uint64_t take = e->in_len < total - off ? e->in_len : total - off;
		for (uint64_t done = 0; done < take;) {
			uint64_t pos = off + done, chunk;

			if (pos < hl) {
				chunk = hl - pos < take - done ? hl - pos : take - done;
				vq_elem_write(vm, e, done, h + pos, chunk);
			} else {
				chunk = take - done;
				vq_elem_write(vm, e, done, frame + (pos - hl), chunk);
			}
			done += chunk;
		}
		n->used[nbuf] = (struct vq_used){ e->head, e->ndesc, (uint32_t)take };
		nbuf++;
		off += take;
	}
	uint8_t nb[2];
	st16x(le, nb, (uint16_t)nbuf);
	vq_elem_write(vm, n->first, HDR_NUM_BUFFERS, nb, 2);
	vccw_push_many(vd, RXQ, n->used, nbuf, notify);
	STAT_INC(n, rx_frames);
	return 1;
}

static void rx_flush(struct virtio_net *n)
{
	bool notify = false, broken = false;

	/* Frames received before the last reset were the old driver's.  A
	 * flag consumed here instead would also drop a frame this thread
	 * read after DRIVER_OK when it slept through the reset. */
	unsigned int gen = atomic_load(&n->rx_gen);

	while (n->pend_count && n->pend[n->pend_head].gen != gen) {
		free(n->pend[n->pend_head].data);
		n->pend[n->pend_head].data = NULL;
		n->pend_head = (n->pend_head + 1) % RX_PENDING;
		n->pend_count--;
	}

	if (!n->pend_count)
		return;
	vccw_lock(n->vd);
	while (n->pend_count && !broken) {
		struct rx_frame *f = &n->pend[n->pend_head];

		if (!rx_one(n, f, &notify, &broken))
			break;
		free(f->data);
		f->data = NULL;
		n->pend_head = (n->pend_head + 1) % RX_PENDING;
		n->pend_count--;
	}
	vccw_unlock(n->vd);
	if (broken)
		vccw_interrupt(n->vd, ~0u);
	if (notify)
		vccw_interrupt(n->vd, RXQ);
}

/* ---- transmit --------------------------------------------------------- */

/* Complete a partial checksum (5.1.6.2: NEEDS_CSUM): the ones'
 * complement sum from csum_start to the end, stored at csum_start +
 * csum_offset (where the driver left the pseudo-header sum). */
static bool complete_csum(uint8_t *frame, size_t len, uint16_t start,
			  uint16_t offset)
{
	uint32_t sum = 0;

	if ((size_t)start + offset + 2 > len)
		return false;
	for (size_t i = start; i < len; i += 2)
		sum += (uint32_t)frame[i] << 8 | (i + 1 < len ? frame[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint16_t c = (uint16_t)~sum;
	/* 0 and 0xffff are the same ones' complement number; UDP reserves
	 * 0 for "no checksum". */
	be16_st(frame + start + offset, c ? c : 0xffff);
	return true;
}

/* Read one transmit chain into txbuf; false: drop it. */
static bool tx_build(struct virtio_net *n, const struct vq_elem *e,
		     uint64_t feat, bool le)
{
	struct vm *vm = vccw_vm(n->vd);
	size_t hl = hdr_len(feat);
	uint8_t h[12];

	if (e->out_len < hl + ETH_HLEN || e->out_len - hl > NET_FRAME_MAX ||
	    vq_elem_read(vm, e, 0, h, hl) != (int64_t)hl)
		return false;
	size_t len = (size_t)(e->out_len - hl);
	uint8_t *frame = n->txbuf + NET_VNET_HDR_LEN;
	if (vq_elem_read(vm, e, hl, frame, len) != (int64_t)len)
		return false;
	if (h[HDR_GSO_TYPE] != VIRTIO_NET_HDR_GSO_NONE)
		return false;	/* no segmentation offload was offered */
	uint16_t start = ld16x(le, h + HDR_CSUM_START);
	uint16_t offset = ld16x(le, h + HDR_CSUM_OFFSET);
	bool partial = (h[HDR_FLAGS] & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		       (feat & VIRTIO_NET_F_CSUM);
	memset(n->txbuf, 0, NET_VNET_HDR_LEN);
	if (partial && n->nb->vnet_hdr) {
		/* The TAP (kernel) completes it. */
		if ((size_t)start + offset + 2 > len)
			return false;
		n->txbuf[HDR_FLAGS] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		host16_st(n->txbuf + HDR_CSUM_START, start);
		host16_st(n->txbuf + HDR_CSUM_OFFSET, offset);
	} else if (partial && !complete_csum(frame, len, start, offset)) {
		return false;
	}
	n->txlen = len;
	return true;
}

static int tx_send(struct virtio_net *n)
{
	if (n->nb->vnet_hdr)
		return n->nb->ops->send(n->nb, n->txbuf,
					NET_VNET_HDR_LEN + n->txlen);
	return n->nb->ops->send(n->nb, n->txbuf + NET_VNET_HDR_LEN, n->txlen);
}

static void tx_flush(struct virtio_net *n)
{
	struct virtio_ccw_dev *vd = n->vd;

	if (n->tx_held) {
		if (atomic_load(&n->admin_down))
			STAT_INC(n, tx_dropped);
		else if (tx_send(n) == -EAGAIN)
			return;		/* still stalled: the ring waits */
		n->tx_held = false;
	}
	for (int i = 0; i < TX_BATCH; i++) {
		bool notify = false, broken, ok = false;
		int r;

		vccw_lock(vd);
		r = vccw_pop(vd, TXQ, n->elem);
		struct virtqueue *vq = vccw_queue(vd, TXQ);
		uint64_t feat = vccw_features(vd), gen = vccw_generation(vd);
		broken = r < 0;
		if (r > 0)
			ok = tx_build(n, n->elem, feat, vq && vq->le);
		vccw_unlock(vd);
		if (broken)
			vccw_interrupt(vd, ~0u);
		if (r <= 0)
			return;

		int s = !ok ? -EINVAL : atomic_load(&n->admin_down) ? -ENETDOWN :
			tx_send(n);
		if (!ok)
			STAT_INC(n, tx_errors);
		else if (s == 0)
			STAT_INC(n, tx_frames);
		else if (s == -EAGAIN)
			n->tx_held = true;	/* sent when the backend drains */
		else
			STAT_INC(n, tx_dropped);	/* link down, peer gone */

		vccw_lock(vd);
		if (vccw_generation(vd) == gen)
			vccw_push(vd, TXQ, n->elem, 0, &notify);
		vccw_unlock(vd);
		if (notify)
			vccw_interrupt(vd, TXQ);
		if (n->tx_held)
			return;
	}
	kick(n);	/* more may be queued: come back after receive */
}

/* ---- control queue (5.1.6.5) ----------------------------------------- */

static uint8_t ctrl_rx(struct virtio_net *n, uint8_t cmd, const uint8_t *d,
		       size_t len, uint64_t feat)
{
	bool *flag[] = {
		[VIRTIO_NET_CTRL_RX_PROMISC] = &n->st.promisc,
		[VIRTIO_NET_CTRL_RX_ALLMULTI] = &n->st.allmulti,
		[VIRTIO_NET_CTRL_RX_ALLUNI] = &n->st.alluni,
		[VIRTIO_NET_CTRL_RX_NOMULTI] = &n->st.nomulti,
		[VIRTIO_NET_CTRL_RX_NOUNI] = &n->st.nouni,
		[VIRTIO_NET_CTRL_RX_NOBCAST] = &n->st.nobcast,
	};

	if (!(feat & VIRTIO_NET_F_CTRL_RX) || len != 1 || cmd > 5 ||
	    (cmd > VIRTIO_NET_CTRL_RX_ALLMULTI &&
	     !(feat & VIRTIO_NET_F_CTRL_RX_EXTRA)))
		return VIRTIO_NET_ERR;
	*flag[cmd] = d[0] != 0;
	return VIRTIO_NET_OK;
}

/* MAC_TABLE_SET: {le32 entries; u8 macs[entries][6]} unicast, then the
 * same for multicast. */
static uint8_t ctrl_mac(struct virtio_net *n, uint8_t cmd, const uint8_t *d,
			size_t len, uint64_t feat, bool le)
{
	struct virtio_net_state *s = &n->st;

	if (cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET) {
		if (!(feat & VIRTIO_NET_F_CTRL_MAC_ADDR) || len != 6)
			return VIRTIO_NET_ERR;
		memcpy(s->mac, d, 6);
		return VIRTIO_NET_OK;
	}
	if (cmd != VIRTIO_NET_CTRL_MAC_TABLE_SET || !(feat & VIRTIO_NET_F_CTRL_RX))
		return VIRTIO_NET_ERR;
	if (len < 4)
		return VIRTIO_NET_ERR;
	uint64_t nu = ld32x(le, d), off = 4 + 6 * nu;
	if (off + 4 > len)
		return VIRTIO_NET_ERR;
	uint64_t nm = ld32x(le, d + off);
	if (off + 4 + 6 * nm != len)
		return VIRTIO_NET_ERR;
	s->uni_overflow = nu > VIRTIO_NET_MAC_TABLE;
	s->uni_n = s->uni_overflow ? 0 : (uint32_t)nu;
	memset(s->uni, 0, sizeof(s->uni));
	memcpy(s->uni, d + 4, 6 * s->uni_n);
	s->multi_overflow = nm > VIRTIO_NET_MAC_TABLE;
	s->multi_n = s->multi_overflow ? 0 : (uint32_t)nm;
	memset(s->multi, 0, sizeof(s->multi));
	memcpy(s->multi, d + off + 4, 6 * s->multi_n);
	return VIRTIO_NET_OK;
}

static void ctrl_flush(struct virtio_net *n)
{
	struct virtio_ccw_dev *vd = n->vd;
	struct vm *vm = vccw_vm(vd);
	bool notify = false, broken;
	int r;

	vccw_lock(vd);
	uint64_t feat = vccw_features(vd);
	while ((r = vccw_pop(vd, CTRLQ, n->elem)) > 0) {
		struct vq_elem *e = n->elem;
		struct virtqueue *vq = vccw_queue(vd, CTRLQ);
		uint8_t ack = VIRTIO_NET_ERR;

		if (e->in_len >= 1 && e->out_len >= 2 && e->out_len <= CTRL_MAX &&
		    vq_elem_read(vm, e, 0, n->ctrl, e->out_len) ==
		    (int64_t)e->out_len) {
			const uint8_t *d = n->ctrl + 2;
			size_t len = (size_t)e->out_len - 2;

			switch (n->ctrl[0]) {
			case VIRTIO_NET_CTRL_RX:
				ack = ctrl_rx(n, n->ctrl[1], d, len, feat);
				break;
			case VIRTIO_NET_CTRL_MAC:
				ack = ctrl_mac(n, n->ctrl[1], d, len, feat,
					       vq && vq->le);
				break;
			case VIRTIO_NET_CTRL_ANNOUNCE:
				if (n->ctrl[1] == VIRTIO_NET_CTRL_ANNOUNCE_ACK &&
				    (feat & VIRTIO_NET_F_GUEST_ANNOUNCE)) {
					n->st.status &= (uint16_t)~VIRTIO_NET_S_ANNOUNCE;
					ack = VIRTIO_NET_OK;
				}
				break;
			}
		}
		if (ack == VIRTIO_NET_OK)
			STAT_INC(n, ctrl_ok);
		else
			STAT_INC(n, ctrl_err);
		uint32_t w = 0;
		if (e->in_len >= 1 && vq_elem_write(vm, e, e->in_len - 1, &ack, 1) == 1)
			w = 1;
		vccw_push(vd, CTRLQ, e, w, &notify);
	}
	broken = r < 0;
	vccw_unlock(vd);
	if (broken)
		vccw_interrupt(vd, ~0u);
	if (notify)
		vccw_interrupt(vd, CTRLQ);
}

/* ---- announce --------------------------------------------------------- */

/* A RARP "request reverse" from our MAC (RFC 903), as switches learn
 * from; what QEMU sends for guests that cannot announce themselves. */
static void send_rarp(struct virtio_net *n, const uint8_t *mac)
{
	uint8_t f[NET_VNET_HDR_LEN + 60] = { 0 };
	uint8_t *p = f + NET_VNET_HDR_LEN;

	memset(p, 0xff, 6);
	memcpy(p + 6, mac, 6);
	be16_st(p + 12, 0x8035);
	be16_st(p + 14, 1);		/* hardware: Ethernet */
	be16_st(p + 16, 0x0800);	/* protocol: IPv4 */
	p[18] = 6;
	p[19] = 4;
	be16_st(p + 20, 3);		/* request reverse */
	memcpy(p + 22, mac, 6);
	memcpy(p + 32, mac, 6);
	if (n->nb->vnet_hdr)
		n->nb->ops->send(n->nb, f, sizeof(f));
	else
		n->nb->ops->send(n->nb, p, 60);
}

/* One round (QEMU's qemu_announce_self_iter): a RARP from the MAC the
 * guest uses, unless the link is down (the wire is cut), and, for a
 * driver with GUEST_ANNOUNCE, the ANNOUNCE bit with a configuration
 * interruption (spec 5.1.6.5.4: the driver sends gratuitous packets and
 * acks with VIRTIO_NET_CTRL_ANNOUNCE_ACK). */
static void announce_now(struct virtio_net *n)
{
	uint8_t mac[6];
	bool guest, notify = false;

	vccw_lock(n->vd);
	uint64_t feat = vccw_features(n->vd);
	guest = (feat & VIRTIO_NET_F_GUEST_ANNOUNCE) &&
		(feat & VIRTIO_NET_F_STATUS) && vccw_queue(n->vd, CTRLQ);
	if (guest) {
		notify = !(n->st.status & VIRTIO_NET_S_ANNOUNCE);
		n->st.status |= VIRTIO_NET_S_ANNOUNCE;
	}
	memcpy(mac, n->st.mac, 6);
	vccw_unlock(n->vd);
	if (!atomic_load(&n->admin_down))
		send_rarp(n, mac);
	if (notify)
		vccw_interrupt(n->vd, ~0u);
}

/* Packet thread: start a requested announce, run due rounds, and lower
 * *timeout to the next one. */
static void announce_run(struct virtio_net *n, int *timeout)
{
	pthread_mutex_lock(&n->ann_lock);
	if (n->ann_pending) {
		n->ann = n->ann_req;
		n->ann_done = 0;
		n->ann_next = now_ms();
		n->ann_pending = false;
	}
	pthread_mutex_unlock(&n->ann_lock);
	if (atomic_exchange(&n->announce_req, false))
		announce_now(n);
	if (n->ann_done >= n->ann.rounds)
		return;
	int64_t now = now_ms();
	if (now >= n->ann_next) {
		announce_now(n);
		n->ann_done++;
		/* QEMU's qemu_announce_timer_step(). */
		int64_t d = (int64_t)n->ann.initial +
			    (int64_t)(n->ann_done - 1) * n->ann.step;
		if (d > n->ann.max)
			d = n->ann.max;
		n->ann_next = now + d;
		if (n->ann_done >= n->ann.rounds)
			return;
	}
	int64_t w = n->ann_next - now;
	if (w < 0)
		w = 0;
	if (*timeout < 0 || w < *timeout)
		*timeout = (int)w;
}

void virtio_net_announce_self(struct virtio_net *n, const struct net_announce *a)
{
	pthread_mutex_lock(&n->ann_lock);
	n->ann_req = *a;
	n->ann_pending = true;
	pthread_mutex_unlock(&n->ann_lock);
	kick(n);
}

void virtio_net_announce(struct virtio_net *n)
{
	atomic_store(&n->announce_req, true);
	kick(n);
}

/* ---- the packet thread ------------------------------------------------ */

static void *net_thread(void *arg)
{
	struct virtio_net *n = arg;
	struct pollfd pfd[1 + NET_MAX_POLLFDS];
	char *err = NULL;

	/* Its own allowlist (seccomp/seccomp.c): the backend's sockets or
	 * TAP fd, the eventfd; waits at the gate until privileges are gone. */
	enum sandbox_thread kind = n->nb->ops->sandbox_kind;
	if (sandbox_enter(kind, &err) < 0) {
		vm_request_end(vccw_vm(n->vd), VM_END_ERROR, "virtio-net: %s",
			       err ? err : "cannot enter the sandbox");
		free(err);
		return NULL;
	}
	while (!atomic_load(&n->stop)) {
		int timeout = -1;

		pthread_mutex_lock(&n->qlock);
		while (n->hold && !atomic_load(&n->stop)) {
			n->parked = true;
			pthread_cond_broadcast(&n->qcond);
			pthread_cond_wait(&n->qcond, &n->qlock);
		}
		n->parked = false;
		pthread_mutex_unlock(&n->qlock);

		pfd[0] = (struct pollfd){ .fd = n->kick_fd, .events = POLLIN };
		unsigned int cnt = 1 + n->nb->ops->fill(n->nb, pfd + 1,
							NET_MAX_POLLFDS, &timeout);
		announce_run(n, &timeout);
		if (poll(pfd, cnt, timeout) < 0 && errno != EINTR)
			break;
		if (atomic_load(&n->stop))
			break;
		if (pfd[0].revents & POLLIN) {
			uint64_t v;

			(void)!read(n->kick_fd, &v, sizeof(v));
		}
		n->nb->ops->dispatch(n->nb, pfd + 1, cnt - 1);
		int ignored = -1;
		announce_run(n, &ignored);
		if (atomic_exchange(&n->offload_sync, false) &&
		    n->nb->ops->set_offload) {
			/* A TAP may hand over partial checksums only to a
			 * driver that takes them (GUEST_CSUM). */
			vccw_lock(n->vd);
			bool csum = vccw_queue(n->vd, RXQ) &&
				    (vccw_features(n->vd) & VIRTIO_NET_F_GUEST_CSUM);
			vccw_unlock(n->vd);
			n->nb->ops->set_offload(n->nb, csum);
		}
		ctrl_flush(n);
		tx_flush(n);
		rx_flush(n);
	}
	return NULL;
}

/* ---- state table (migration) ---------------------------------------- */

/* Hold the packet thread between turns, so a save sees no chain in
 * flight: every chain popped was pushed in the same turn (a transmit
 * frame held for a stalled backend was already returned to the guest). */
static void net_quiesce(void *dev, bool hold)
{
	struct virtio_net *n = dev;

	pthread_mutex_lock(&n->qlock);
	n->hold = hold;
	if (hold && n->thread_started) {
		kick(n);
		while (!n->parked && !atomic_load(&n->stop))
			pthread_cond_wait(&n->qcond, &n->qlock);
	} else {
		pthread_cond_broadcast(&n->qcond);
	}
	pthread_mutex_unlock(&n->qlock);
}

/*
 * virtio-net's own guest-visible state; the queues, features and device
 * status are the transport's (virtio-ccw, described there).  Not sent:
 * frames waiting in the pending queue or held for the backend (a
 * network may lose them), the configuration from the command line, the
 * counters.  After a load the device announces itself (commit).
 */
static const struct vms_field net_fields[] = {
	VMS_BUF(struct virtio_net_state, mac, 1),
	VMS_SCALAR(struct virtio_net_state, status, VMS_U16, 1),
	VMS_SCALAR(struct virtio_net_state, promisc, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, allmulti, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, alluni, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, nomulti, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, nouni, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, nobcast, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, uni_overflow, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, multi_overflow, VMS_BOOL, 1),
	VMS_SCALAR(struct virtio_net_state, uni_n, VMS_U32, 1),
	VMS_SCALAR(struct virtio_net_state, multi_n, VMS_U32, 1),
	VMS_BUF(struct virtio_net_state, uni, 1),
	VMS_BUF(struct virtio_net_state, multi, 1),
};

static int net_pre_save(void *dev, void *state, char **err)
{
	struct virtio_net *n = dev;

	(void)err;
	vccw_lock(n->vd);
	memcpy(state, &n->st, sizeof(n->st));
	vccw_unlock(n->vd);
	return 0;
}

static int net_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	struct virtio_net_state *s = state;

	(void)dev;
	(void)version;
	(void)present;
	if (s->uni_n > VIRTIO_NET_MAC_TABLE || s->multi_n > VIRTIO_NET_MAC_TABLE ||
	    (s->status & ~(VIRTIO_NET_S_LINK_UP | VIRTIO_NET_S_ANNOUNCE))) {
		error_setf(err, "virtio-net: table sizes %u/%u (max %d) or status "
			   "0x%x out of range", s->uni_n, s->multi_n,
			   VIRTIO_NET_MAC_TABLE, s->status);
		return -EINVAL;
	}
	return 0;
}

static void net_commit(void *dev, const void *state)
{
	struct virtio_net *n = dev;

	static const struct net_announce dflt = NET_ANNOUNCE_DEFAULT;

	vccw_lock(n->vd);
	memcpy(&n->st, state, sizeof(n->st));
	/* The link is what the backend and set_link here say, not what it
	 * was there. */
	link_sync(n);
	/* The transport's section came first: a driver that was running
	 * there is running here (no new DRIVER_OK will come). */
	bool running = vccw_queue(n->vd, RXQ) != NULL;
	vccw_unlock(n->vd);
	atomic_store(&n->offload_sync, true);
	atomic_store(&n->rx_ready, running);
	kick(n);
	/* Switches learn where the guest is now: QEMU's announce after an
	 * incoming migration, with its default parameters. */
	virtio_net_announce_self(n, &dflt);
}

const struct vms_desc virtio_net_vmsd = {
	.name = "virtio-net",
	.version = 1,
	.min_version = 1,
	.size = sizeof(struct virtio_net_state),
	VMS_FIELDS(net_fields),
	.pre_save = net_pre_save,
	.post_load = net_post_load,
	.commit = net_commit,
};

/* ---- the VM's devices (vm->nets) ----------------------------------- */

/* Created and destroyed on the main thread at set-up and teardown, read
 * by the monitor on the same thread: no lock. */
#define NET_SET_MAX	64
struct virtio_net_set {
	unsigned int n;
	struct virtio_net *dev[NET_SET_MAX];
};

static int set_add(struct vm *vm, struct virtio_net *n)
{
	if (!vm)
		return 0;
	if (!vm->nets) {
		vm->nets = calloc(1, sizeof(*vm->nets));
		if (!vm->nets)
			return -ENOMEM;
	}
	if (vm->nets->n == NET_SET_MAX)
		return -ENOSPC;
	vm->nets->dev[vm->nets->n++] = n;
	return 0;
}

static void set_remove(struct vm *vm, struct virtio_net *n)
{
	struct virtio_net_set *set = vm ? vm->nets : NULL;

	if (!set)
		return;
	for (unsigned int i = 0; i < set->n; i++)
		if (set->dev[i] == n) {
			memmove(&set->dev[i], &set->dev[i + 1],
				(set->n - i - 1) * sizeof(set->dev[0]));
			set->n--;
			break;
		}
	if (!set->n) {
		free(set);
		vm->nets = NULL;
	}
}

unsigned int virtio_net_count(const struct vm *vm)
{
	return vm->nets ? vm->nets->n : 0;
}

struct virtio_net *virtio_net_at(const struct vm *vm, unsigned int i)
{
	return i < virtio_net_count(vm) ? vm->nets->dev[i] : NULL;
}

const char *virtio_net_netdev_id(const struct virtio_net *n)
{
	return n->nb->id;
}

struct virtio_net *virtio_net_find(const struct vm *vm, const char *name)
{
	for (unsigned int i = 0; i < virtio_net_count(vm); i++) {
		struct virtio_net *n = vm->nets->dev[i];

		if ((n->cfg.id[0] && !strcmp(n->cfg.id, name)) ||
		    !strcmp(n->nb->id, name))
			return n;
	}
	return NULL;
}

/* ---- create / destroy ------------------------------------------------- */

void virtio_net_get_stats(struct virtio_net *n, struct virtio_net_stats *st)
{
	pthread_mutex_lock(&n->stats_lock);
	*st = n->stats;
	pthread_mutex_unlock(&n->stats_lock);
}

static void net_free(struct virtio_net *n)
{
	for (unsigned int i = 0; i < RX_PENDING; i++)
		free(n->pend[i].data);
	if (n->kick_fd >= 0)
		close(n->kick_fd);
	net_backend_destroy(n->nb);
	free(n->txbuf);
	free(n->elem);
	free(n->first);
	pthread_mutex_destroy(&n->stats_lock);
	pthread_mutex_destroy(&n->qlock);
	pthread_cond_destroy(&n->qcond);
	pthread_mutex_destroy(&n->ann_lock);
	free(n);
}

int virtio_net_create(struct virtio_net **out, struct css *css, int devno,
		      struct net_backend *nb, const struct virtio_net_config *cfg,
		      char **err)
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	int r;

	if (!n) {
		net_backend_destroy(nb);
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	n->nb = nb;
	n->cfg = *cfg;
	n->kick_fd = -1;
	pthread_mutex_init(&n->stats_lock, NULL);
	pthread_mutex_init(&n->qlock, NULL);
	pthread_cond_init(&n->qcond, NULL);
	pthread_mutex_init(&n->ann_lock, NULL);
	if (cfg->host_mtu && (cfg->host_mtu < 68 ||
			      cfg->host_mtu > NET_FRAME_MAX - ETH_HLEN - ETH_VLAN_HLEN)) {
		error_setf(err, "virtio-net: host_mtu=%u: 68 to %d", cfg->host_mtu,
			   NET_FRAME_MAX - ETH_HLEN - ETH_VLAN_HLEN);
		r = -EINVAL;
		goto fail;
	}
	n->txbuf = malloc(NET_VNET_HDR_LEN + NET_FRAME_MAX);
	n->elem = malloc(sizeof(*n->elem));
	n->first = malloc(sizeof(*n->first));
	n->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!n->txbuf || !n->elem || !n->first || n->kick_fd < 0) {
		error_setf(err, "virtio-net: out of memory or eventfds");
		r = -ENOMEM;
		goto fail;
	}
	uint64_t f = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS |
		     VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX |
		     VIRTIO_F_RING_PACKED;
	if (cfg->csum)
		f |= VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM;
	if (cfg->mrg_rxbuf)
		f |= VIRTIO_NET_F_MRG_RXBUF;
	if (cfg->host_mtu)
		f |= VIRTIO_NET_F_MTU;
	if (cfg->ctrl_vq)
		f |= VIRTIO_NET_F_CTRL_VQ | VIRTIO_NET_F_CTRL_RX |
		     VIRTIO_NET_F_CTRL_RX_EXTRA | VIRTIO_NET_F_CTRL_MAC_ADDR |
		     VIRTIO_NET_F_GUEST_ANNOUNCE;
	n->ops = (struct virtio_dev_ops){
		.name = "virtio-net",
		.device_id = VIRTIO_ID_NET,
		.num_queues = cfg->ctrl_vq ? 3 : 2,
		.queue_max = NET_QUEUE_MAX,
		.features = f,
		.config_size = CFG_SIZE,
		.get_config = net_get_config,
		.set_config = net_set_config,
		.notify = net_notify,
		.reset = net_reset,
		.driver_ok = net_driver_ok,
		.quiesce = net_quiesce,
		.vmsd = &virtio_net_vmsd,
	};
	state_reset(n);
	struct net_peer peer = {
		.can_receive = peer_can_receive,
		.receive = peer_receive,
		.link = peer_link,
		.opaque = n,
	};
	net_backend_attach(nb, &peer);
	r = virtio_ccw_create(&n->vd, css, devno, &n->ops, n, err);
	if (r < 0)
		goto fail;
	r = pthread_create(&n->thread, NULL, net_thread, n);
	if (r) {
		error_setf(err, "cannot start the virtio-net thread: %s", strerror(r));
		virtio_ccw_destroy(n->vd);
		r = -r;
		goto fail;
	}
	n->thread_started = true;
	r = set_add(css_vm(css), n);
	if (r < 0) {
		error_setf(err, "out of memory");
		virtio_net_destroy(n);
		return r;
	}
	*out = n;
	return 0;
fail:
	net_free(n);
	return r;
}

void virtio_net_destroy(struct virtio_net *n)
{
	if (!n)
		return;
	set_remove(vccw_vm(n->vd), n);
	if (n->thread_started) {
		pthread_mutex_lock(&n->qlock);
		atomic_store(&n->stop, true);
		pthread_cond_broadcast(&n->qcond);
		pthread_mutex_unlock(&n->qlock);
		kick(n);
		pthread_join(n->thread, NULL);
	}
	virtio_ccw_destroy(n->vd);
	net_free(n);
}
