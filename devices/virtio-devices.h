/* SPDX-License-Identifier: MIT */
/*
 * The virtio devices minivmm offers, each behind a virtio-ccw subchannel
 * (devno < 0: the next free device number).  Create them after the VM,
 * destroy them after vm_run() returned and before vm_destroy(): a
 * device's own threads are joined in its destroy function.
 */
#ifndef MINIVMM_VIRTIO_DEVICES_H
#define MINIVMM_VIRTIO_DEVICES_H

#include <stdbool.h>

struct css;
struct virtio_rng;
struct virtio_blk;
struct virtio_console;

int virtio_rng_create(struct virtio_rng **out, struct css *css, int devno,
		      char **err);
void virtio_rng_destroy(struct virtio_rng *rng);

/* cache: "writeback" (default; flush = fdatasync), "unsafe" (flush is a
 * no-op), "none"/"directsync"/"writethrough" (every write synced). */
struct blk_config {
	const char *file;
	bool readonly;
	const char *cache;
	const char *serial;	/* GET_ID string, NULL: the drive id */
};
int virtio_blk_create(struct virtio_blk **out, struct css *css, int devno,
		      const struct blk_config *cfg, char **err);
void virtio_blk_destroy(struct virtio_blk *blk);
/* Its migration section (configuration checks; devices/virtio-blk.c). */
struct vms_desc;
extern const struct vms_desc virtio_blk_vmsd;

/* A console port on a chardev: a file descriptor pair (in_fd < 0: no
 * input), or with listen_fd >= 0 a listening stream socket whose
 * connections (one at a time) carry input and output.  The device owns
 * neither fd. */
struct console_chardev {
	int in_fd, out_fd;
	int listen_fd;
};
int virtio_console_create(struct virtio_console **out, struct css *css,
			  int devno, const struct console_chardev *chr,
			  char **err);
void virtio_console_destroy(struct virtio_console *con);

#endif
