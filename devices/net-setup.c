/* SPDX-License-Identifier: MIT */
/*
 * -netdev / -nic / -device virtio-net-ccw parsing and creation (see
 * net-setup.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/css.h"
#include "devices/net-setup.h"
#include "vmm/error.h"
#include "vmm/vm.h"

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	/* A station address: not multicast (bit 0 of the first octet). */
	return (mac[0] & 1) ? -EINVAL : 0;
}

static int on_off(const char *key, const char *val, bool *out, char **err)
{
	if (!strcmp(val, "on") || !strcmp(val, "true"))
		*out = true;
	else if (!strcmp(val, "off") || !strcmp(val, "false"))
		*out = false;
	else {
		error_setf(err, "virtio-net-ccw: %s=%s is not on or off", key, val);
		return -EINVAL;
	}
	return 0;
}

/* A property of the virtio-net device: 1 taken, 0 not ours, -EINVAL. */
static int nic_prop(struct net_nic *n, const char *key, const char *val,
		    char **err)
{
	if (!strcmp(key, "mac")) {
		if (parse_mac(val, n->cfg.mac)) {
			error_setf(err, "virtio-net-ccw: mac=%s: use "
				   "xx:xx:xx:xx:xx:xx (not multicast)", val);
			return -EINVAL;
		}
		return 1;
	}
	if (!strcmp(key, "devno")) {
		n->devno = css_parse_devno(val);
		if (n->devno < 0) {
			error_setf(err, "virtio-net-ccw: devno=%s: use fe.0.XXXX", val);
			return -EINVAL;
		}
		return 1;
	}
	if (!strcmp(key, "host_mtu")) {
		char *end;
		long v = strtol(val, &end, 10);

		if (!*val || *end || v < 68 || v > 65500) {
			error_setf(err, "virtio-net-ccw: host_mtu=%s: 68 to 65500", val);
			return -EINVAL;
		}
		n->cfg.host_mtu = (uint16_t)v;
		return 1;
	}
	if (!strcmp(key, "id")) {
		if (!*val || strlen(val) >= sizeof(n->cfg.id)) {
			error_setf(err, "virtio-net-ccw: id=%s: 1 to %zu characters",
				   val, sizeof(n->cfg.id) - 1);
			return -EINVAL;
		}
		snprintf(n->cfg.id, sizeof(n->cfg.id), "%s", val);
		return 1;
	}
	if (!strcmp(key, "csum"))
		return on_off(key, val, &n->cfg.csum, err) ? -EINVAL : 1;
	if (!strcmp(key, "mrg_rxbuf"))
		return on_off(key, val, &n->cfg.mrg_rxbuf, err) ? -EINVAL : 1;
	if (!strcmp(key, "ctrl_vq"))
		return on_off(key, val, &n->cfg.ctrl_vq, err) ? -EINVAL : 1;
	return 0;
}

static int find_netdev(const struct net_setup_config *nc, const char *id)
{
	for (unsigned int i = 0; i < nc->nnetdevs; i++)
		if (!strcmp(nc->netdevs[i].id, id))
			return (int)i;
	return -1;
}

static struct net_nic *new_nic(struct net_setup_config *nc)
{
	struct net_nic *n = &nc->nics[nc->nnics];

	memset(n, 0, sizeof(*n));
	virtio_net_default_config(&n->cfg, nc->nnics);
	n->devno = -1;
	n->netdev = -1;
	return n;
}

/* -nic: the -netdev keys plus model= and the device's properties. */
static bool nic_extra(void *ctx, const char *key, const char *val, char **err)
{
	struct net_nic *n = ctx;

	if (!strcmp(key, "model")) {
		if (strcmp(val, "virtio") && strcmp(val, "virtio-net-ccw") &&
		    strcmp(val, "virtio-net")) {
			error_setf(err, "-nic: model=%s: only virtio "
				   "(virtio-net-ccw)", val);
			return false;
		}
		return true;
	}
	return nic_prop(n, key, val, err) == 1;
}

int net_config_parse(struct net_setup_config *nc, const struct vmm_options *o,
		     char **err)
{
	int r;

	memset(nc, 0, sizeof(*nc));
	for (unsigned int i = 0; i < o->nnetdevs; i++) {
		struct netdev_config *c = &nc->netdevs[nc->nnetdevs];

		r = netdev_parse(c, o->netdevs[i], "-netdev", NULL, NULL, err);
		if (r)
			return r;
		if (!c->id[0]) {
			error_setf(err, "-netdev %s: id= is required", o->netdevs[i]);
			return -EINVAL;
		}
		if (find_netdev(nc, c->id) >= 0) {
			error_setf(err, "-netdev: duplicate id %s", c->id);
			return -EINVAL;
		}
		nc->nnetdevs++;
	}
	for (unsigned int i = 0; i < o->nnics; i++) {
		if (!strcmp(o->nics[i], "none")) {
			nc->nic_none = true;
			continue;
		}
		struct net_nic *n = new_nic(nc);
		struct netdev_config *c = &nc->netdevs[nc->nnetdevs];

		r = netdev_parse(c, o->nics[i], "-nic", nic_extra, n, err);
		if (r)
			return r;
		if (!c->id[0])
			snprintf(c->id, sizeof(c->id), "__nic%u", i);
		if (find_netdev(nc, c->id) >= 0) {
			error_setf(err, "-nic: duplicate id %s", c->id);
			return -EINVAL;
		}
		n->netdev = (int)nc->nnetdevs++;
		n->from_nic = true;
		nc->nnics++;
	}
	if (nc->nic_none && nc->nnics) {
		error_setf(err, "-nic none together with other -nic options");
		return -EINVAL;
	}
	return 0;
}

int net_config_add_device(struct net_setup_config *nc, const char *props,
			  char **err)
{
	struct net_nic *n = new_nic(nc);
	char item[300];

	while (props && *props) {
		const char *end = strchr(props, ',');
		size_t len = end ? (size_t)(end - props) : strlen(props);

		if (len >= sizeof(item)) {
			error_setf(err, "-device virtio-net-ccw: item too long");
			return -EINVAL;
		}
		memcpy(item, props, len);
		item[len] = '\0';
		props = end ? end + 1 : NULL;
		char *eq = strchr(item, '=');
		if (!eq) {
			error_setf(err, "-device virtio-net-ccw: '%s' has no value",
				   item);
			return -EINVAL;
		}
		*eq = '\0';
		const char *key = item, *val = eq + 1;
		if (!strcmp(key, "netdev")) {
			n->netdev = find_netdev(nc, val);
			if (n->netdev < 0) {
				error_setf(err, "-device virtio-net-ccw: netdev=%s: "
					   "no -netdev with that id", val);
				return -EINVAL;
			}
			for (unsigned int i = 0; i < nc->nnics; i++)
				if (nc->nics[i].netdev == n->netdev) {
					error_setf(err, "-device virtio-net-ccw: "
						   "netdev=%s serves another device",
						   val);
					return -EINVAL;
				}
			continue;
		}
		int r = nic_prop(n, key, val, err);
		if (r < 0)
			return r;
		if (r == 0) {
			error_setf(err, "-device virtio-net-ccw: unsupported "
				   "property '%s' (netdev, id, mac, devno, "
				   "host_mtu, csum, mrg_rxbuf, ctrl_vq)", key);
			return -EINVAL;
		}
	}
	if (n->netdev < 0) {
		error_setf(err, "-device virtio-net-ccw needs netdev=ID");
		return -EINVAL;
	}
	return (int)nc->nnics++;
}

bool net_nic_is_device(const struct net_setup_config *nc, unsigned int i)
{
	return i < nc->nnics && !nc->nics[i].from_nic;
}

int net_setup_create(struct virtio_net **out, struct vm *vm,
		     const struct net_setup_config *nc, unsigned int nic,
		     char **err)
{
	const struct net_nic *n = &nc->nics[nic];
	struct net_backend *nb;
	int r;

	r = net_backend_create(&nb, &nc->netdevs[n->netdev], err);
	if (r)
		return r;
	return virtio_net_create(out, vm->css, n->devno, nb, &n->cfg, err);
}
