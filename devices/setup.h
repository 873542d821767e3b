/* SPDX-License-Identifier: MIT */
/*
 * From -drive/-device/-chardev to devices on the channel subsystem.
 *
 *   -drive file=F,format=raw,if=none,id=ID[,readonly=on|off][,cache=C]
 *          [,serial=S]
 *   -device virtio-blk-ccw,drive=ID[,devno=fe.0.XXXX][,serial=S]
 *   -device virtio-rng-ccw[,devno=fe.0.XXXX]
 *   -device virtio-serial-ccw[,devno=fe.0.XXXX]
 *   -device virtconsole,chardev=ID       (the port of the preceding
 *                                         virtio-serial-ccw; one each)
 *   -chardev stdio,id=ID
 *   -chardev socket,id=ID,path=P[,server=on|off][,wait=on|off]
 *
 * dev_config_parse() checks everything before the VM exists (a bad
 * command line is exit status 2); dev_setup_create() opens files and
 * sockets and creates the devices in -device order.
 */
#ifndef MINIVMM_DEVICES_SETUP_H
#define MINIVMM_DEVICES_SETUP_H

#include <stdbool.h>

#include "devices/net-setup.h"
#include "vmm/options.h"

struct vm;
struct dev_setup;

#define DEV_ID_MAX	32
#define DEV_PATH_MAX	1024

struct dev_drive {
	char id[DEV_ID_MAX];
	char file[DEV_PATH_MAX];
	char cache[16];
	char serial[21];
	bool readonly;
};

struct dev_chardev {
	char id[DEV_ID_MAX];
	bool is_stdio;
	char path[108];
	bool server, wait;
};

enum dev_kind {
	DEV_VIRTIO_BLK,
	DEV_VIRTIO_RNG,
	DEV_VIRTIO_SERIAL,
	DEV_VIRTIO_NET,
};

struct dev_device {
	enum dev_kind kind;
	int devno;			/* -1: next free */
	int drive;			/* index into drives (blk) */
	int chardev;			/* index into chardevs (serial), -1 */
	int nic;			/* index into net.nics (net) */
	char serial[21];
};

struct dev_config {
	struct dev_drive drives[OPT_MAX_DEVOPTS];
	struct dev_chardev chardevs[OPT_MAX_DEVOPTS];
	struct dev_device devices[OPT_MAX_DEVOPTS];
	unsigned int ndrives, nchardevs, ndevices;
	struct net_setup_config net;	/* -netdev, -nic, virtio-net-ccw */
};

/* 0, or -EINVAL with *err set. */
int dev_config_parse(struct dev_config *dc, const struct vmm_options *o,
		     char **err);
/* Does a console use stdio (then the SCLP console must not read stdin)? */
bool dev_config_uses_stdin(const struct dev_config *dc);

/* Create the devices; vm->css owns them afterwards (vm_destroy() joins
 * their threads and frees them before guest storage goes away). */
int dev_setup_create(struct vm *vm, const struct dev_config *dc, char **err);

#endif
