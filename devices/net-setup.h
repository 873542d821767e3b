/* SPDX-License-Identifier: MIT */
/*
 * From -netdev, -nic and -device virtio-net-ccw to backends and devices
 * (called by devices/setup.c):
 *
 *   -netdev TYPE,id=ID,...                  a backend (net-backend.h)
 *   -device virtio-net-ccw,netdev=ID[,id=NAME][,mac=52:54:00:xx:xx:xx]
 *           [,devno=fe.0.XXXX][,host_mtu=N][,csum=on|off]
 *           [,mrg_rxbuf=on|off][,ctrl_vq=on|off]
 *   -nic TYPE[,model=virtio|virtio-net-ccw][,mac=..][,<TYPE's -netdev keys>]
 *                                           both at once; -nic none: none
 *
 * A netdev serves one device.  MACs default to 52:54:00:12:34:56 + n in
 * the order devices are given, as in QEMU.
 */
#ifndef MINIVMM_NET_SETUP_H
#define MINIVMM_NET_SETUP_H

#include "devices/net-backend.h"
#include "devices/virtio-net.h"
#include "vmm/options.h"

struct vm;

struct net_nic {
	int netdev;			/* index into netdevs */
	int devno;			/* -1: next free */
	struct virtio_net_config cfg;
	bool from_nic;			/* -nic (created after -device) */
};

struct net_setup_config {
	struct netdev_config netdevs[2 * OPT_MAX_DEVOPTS];
	unsigned int nnetdevs;
	struct net_nic nics[2 * OPT_MAX_DEVOPTS];
	unsigned int nnics;
	bool nic_none;
};

/* -netdev and -nic; 0 or -EINVAL with *err. */
int net_config_parse(struct net_setup_config *nc, const struct vmm_options *o,
		     char **err);
/* The properties of one -device virtio-net-ccw (after the driver name);
 * returns the nic index (>= 0) or -EINVAL. */
int net_config_add_device(struct net_setup_config *nc, const char *props,
			  char **err);
/* The -nic devices come after all -device ones (net_setup_create_nics). */
bool net_nic_is_device(const struct net_setup_config *nc, unsigned int i);

/* Open backend i's sockets / TAP and create nic i's device. */
int net_setup_create(struct virtio_net **out, struct vm *vm,
		     const struct net_setup_config *nc, unsigned int nic,
		     char **err);

#endif
