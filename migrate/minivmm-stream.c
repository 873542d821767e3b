/* SPDX-License-Identifier: MIT */
/*
 * minivmm-stream [-v] FILE: print a recorded migration stream (QMP
 * migrate file:FILE) record by record: offsets, types, sizes, the header's
 * machine type and sections, and every device section's fields and
 * subsections (-v: also RAM batches, all array elements and buffers).
 * Exit status 0 for a well-formed stream, 1 otherwise (what could be
 * read is printed first), 2 for a bad command line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/migrate.h"

int main(int argc, char **argv)
{
	struct mig_src src = { .fd = -1 };
	bool verbose = false;
	const char *path = NULL;
	char *err = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path) {
		fprintf(stderr, "usage: %s [-v] FILE\n", argv[0]);
		return 2;
	}
	src.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0) {
		perror(path);
		return 1;
	}
	rc = migrate_dump(&src, stdout, verbose, &err);
	close(src.fd);
	fflush(stdout);
	if (rc) {
		fprintf(stderr, "minivmm-stream: %s: %s\n", path, err ? err : "error");
		free(err);
		return 1;
	}
	return 0;
}
