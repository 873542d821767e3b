/* SPDX-License-Identifier: MIT */
/*
 * -netdev tap: a Linux TAP interface (Documentation/networking/tuntap.rst).
 *
 * /dev/net/tun is opened and TUNSETIFF attaches it to ifname (creating
 * the interface when it does not exist, which needs CAP_NET_ADMIN in the
 * interface's network namespace) at start-up, before minivmm drops its
 * privileges; fd=N takes a TAP fd from the parent instead.  Nothing
 * configures the interface (script=no): addresses, bridges and "up" are
 * the host's business.
 *
 * vnet_hdr=on (the default when the kernel offers IFF_VNET_HDR): every
 * frame carries a 12-byte virtio_net_hdr_v1 in host byte order
 * (TUNSETVNETHDRSZ), so partial checksums pass through both ways: the
 * kernel completes the guest's, and with the guest's GUEST_CSUM the
 * kernel may hand over frames with NEEDS_CSUM (TUNSETOFFLOAD TUN_F_CSUM).
 * No segmentation offloads are enabled (virtio-net offers none).
 *
 * Reads and writes are non-blocking: a full TAP queue drops the frame,
 * as a NIC would.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devices/net-backend.h"
#include "vmm/error.h"

#define TAP_BATCH	64

struct net_tap {
	int fd;
	uint8_t buf[NET_VNET_HDR_LEN + NET_FRAME_MAX];
};

static unsigned int tap_fill(struct net_backend *nb, struct pollfd *pfd,
			     unsigned int max, int *timeout_ms)
{
	struct net_tap *t = nb->priv;

	(void)timeout_ms;
	if (!max || !net_backend_can_receive(nb))
		return 0;
	pfd[0] = (struct pollfd){ .fd = t->fd, .events = POLLIN };
	return 1;
}

static void tap_dispatch(struct net_backend *nb, struct pollfd *pfd,
			 unsigned int n)
{
	struct net_tap *t = nb->priv;

	if (!n || !(pfd[0].revents & POLLIN))
		return;
	for (int i = 0; i < TAP_BATCH && net_backend_can_receive(nb); i++) {
		ssize_t r = read(t->fd, t->buf, sizeof(t->buf));

		if (r <= 0)
			return;
		net_backend_deliver(nb, t->buf, (size_t)r);
	}
}

static int tap_send(struct net_backend *nb, const uint8_t *frame, size_t len)
{
	struct net_tap *t = nb->priv;
	ssize_t w;

	do
		w = write(t->fd, frame, len);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -errno : 0;
}

static void tap_set_offload(struct net_backend *nb, bool csum)
{
	struct net_tap *t = nb->priv;

	if (nb->vnet_hdr)
		ioctl(t->fd, TUNSETOFFLOAD, (unsigned long)(csum ? TUN_F_CSUM : 0));
}

static void tap_destroy(struct net_backend *nb)
{
	struct net_tap *t = nb->priv;

	close(t->fd);
	free(t);
}

static const struct net_backend_ops tap_ops = {
	.type = "tap",
	.sandbox_kind = SANDBOX_NET_IO,
	.fill = tap_fill,
	.dispatch = tap_dispatch,
	.send = tap_send,
	.set_offload = tap_set_offload,
	.destroy = tap_destroy,
};

int net_tap_create(struct net_backend *nb, const struct netdev_config *c,
		   char **err)
{
	struct net_tap *t = calloc(1, sizeof(*t));
	unsigned int features = 0;
	int r;

	if (!t) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	if (c->tap_fd >= 0) {
		t->fd = fcntl(c->tap_fd, F_DUPFD_CLOEXEC, 3);
		if (t->fd < 0) {
			r = -errno;
			error_setf(err, "-netdev %s: fd=%d: %s", c->id, c->tap_fd,
				   strerror(errno));
			goto fail_free;
		}
		/* Whatever the parent set up: ask the fd. */
		struct ifreq ifr = { 0 };
		if (ioctl(t->fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP)) {
			r = -EINVAL;
			error_setf(err, "-netdev %s: fd=%d is not a TAP device",
				   c->id, c->tap_fd);
			goto fail;
		}
		nb->vnet_hdr = ifr.ifr_flags & IFF_VNET_HDR;
	} else {
		t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (t->fd < 0) {
			r = -errno;
			error_setf(err, "-netdev %s: /dev/net/tun: %s", c->id,
				   strerror(errno));
			goto fail_free;
		}
		if (ioctl(t->fd, TUNGETFEATURES, &features) < 0)
			features = 0;
		bool vnet = c->vnet_hdr_given ? c->vnet_hdr :
			    (features & IFF_VNET_HDR) != 0;
		if (vnet && !(features & IFF_VNET_HDR)) {
			r = -EINVAL;
			error_setf(err, "-netdev %s: vnet_hdr=on: the kernel has no "
				   "IFF_VNET_HDR", c->id);
			goto fail;
		}
		struct ifreq ifr = { 0 };
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
		if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
			r = -errno;
			error_setf(err, "-netdev %s: TAP %s: %s%s", c->id, c->ifname,
				   strerror(errno), errno == EPERM ?
				   " (creating a TAP interface needs CAP_NET_ADMIN; "
				   "or make it persistent for this user with "
				   "'ip tuntap add')" : "");
			goto fail;
		}
		nb->vnet_hdr = vnet;
	}
	if (nb->vnet_hdr) {
		int sz = NET_VNET_HDR_LEN;

		if (ioctl(t->fd, TUNSETVNETHDRSZ, &sz) < 0) {
			r = -errno;
			error_setf(err, "-netdev %s: TUNSETVNETHDRSZ: %s", c->id,
				   strerror(errno));
			goto fail;
		}
		/* No offloads until the guest takes GUEST_CSUM. */
		ioctl(t->fd, TUNSETOFFLOAD, 0UL);
	}
	int fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		r = -errno;
		error_setf(err, "-netdev %s: fcntl: %s", c->id, strerror(errno));
		goto fail;
	}
	nb->ops = &tap_ops;
	nb->priv = t;
	return 0;
fail:
	close(t->fd);
fail_free:
	free(t);
	return r;
}
