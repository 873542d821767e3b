/* SPDX-License-Identifier: MIT */
/*
 * A raw image file for the floppy controller: open (read-write or
 * read-only), size, and positioned reads/writes of whole byte ranges.
 * No thread, no cache: every write goes straight to the file with
 * pwrite(), so a write the guest completed is in the file when the
 * device reports it done (virtio-blk keeps its own worker; this is the
 * small synchronous piece the fdc needs).
 */
#ifndef MINIVMM_BLOCK_FILE_H
#define MINIVMM_BLOCK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct block_file {
	int fd;
	bool readonly;
	uint64_t size;		/* bytes, at open */
	char *path;		/* for messages and query commands */
};

/* 0 or -errno with *err set ("PATH: reason"). */
int block_file_open(struct block_file **out, const char *path, bool readonly,
		    char **err);
/* The same on an open fd (a descriptor passed through the monitor),
 * which it owns from now on, on failure too; name is for messages. */
int block_file_open_fd(struct block_file **out, int fd, const char *name,
		       bool readonly, char **err);
void block_file_close(struct block_file *bf);
/* Whole-range I/O inside [0, size): 0, -EINVAL (out of range), -EROFS,
 * -EIO (short transfer) or -errno. */
int block_file_pread(struct block_file *bf, void *buf, size_t len, uint64_t off);
int block_file_pwrite(struct block_file *bf, const void *buf, size_t len,
		      uint64_t off);

#endif
