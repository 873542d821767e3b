/* SPDX-License-Identifier: MIT */
/*
 * Raw image files (see block-file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/block-file.h"
#include "vmm/error.h"

int block_file_open(struct block_file **out, const char *path, bool readonly,
		    char **err)
{
	int fd, rc;

	*out = NULL;
	fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		error_setf(err, "%s: %s", path, strerror(errno));
		return rc;
	}
	return block_file_open_fd(out, fd, path, readonly, err);
}

int block_file_open_fd(struct block_file **out, int fd, const char *path,
		       bool readonly, char **err)
{
	struct block_file *bf;
	struct stat st;
	int rc;

	*out = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		error_setf(err, "%s: not a regular file", path);
		close(fd);
		return rc;
	}
	bf = calloc(1, sizeof(*bf));
	if (!bf || !(bf->path = strdup(path))) {
		free(bf);
		close(fd);
		error_setf(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	bf->fd = fd;
	bf->readonly = readonly;
	bf->size = (uint64_t)st.st_size;
	*out = bf;
	return 0;
}

void block_file_close(struct block_file *bf)
{
	if (!bf)
		return;
	close(bf->fd);
	free(bf->path);
	free(bf);
}

static bool in_range(const struct block_file *bf, size_t len, uint64_t off)
{
	return off <= bf->size && len <= bf->size - off;
}

int block_file_pread(struct block_file *bf, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	if (!in_range(bf, len, off))
		return -EINVAL;
	while (done < len) {
		ssize_t n = pread(bf->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the file shrank under us */
		done += (size_t)n;
	}
	return 0;
}

int block_file_pwrite(struct block_file *bf, const void *buf, size_t len,
		      uint64_t off)
{
	size_t done = 0;

	if (bf->readonly)
		return -EROFS;
	if (!in_range(bf, len, off))
		return -EINVAL;
	while (done < len) {
		ssize_t n = pwrite(bf->fd, (const char *)buf + done, len - done,
				   (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}
