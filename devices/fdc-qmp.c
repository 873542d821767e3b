/* SPDX-License-Identifier: MIT */
/*
 * QMP commands for the floppy drives (QEMU qapi/block.json and
 * qapi/block-core.json):
 *
 *   eject {device|id, force?}                 -> {}
 *   blockdev-change-medium {device|id, filename, format?, read-only-mode?,
 *                           force?}           -> {}
 *
 * read-only-mode: "retain" (default: as the medium before), "read-only",
 * "read-write".  Either command sets the drive's disk-change line as a
 * real medium change does.  A new image that cannot be opened or whose
 * size is no floppy format leaves the old medium in place.  filename
 * "/dev/fdset/N" takes the image from fd set N (add-fd, vmm/qmp-fd.c): a
 * member opened read-only for a read-only medium, read-write otherwise.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fdc-setup.h"
#include "vmm/qmp.h"

static int drive_arg(struct qmp_call *call, json_t *args)
{
	struct floppy *fl = call->opaque;
	const char *dev = json_string_value(json_object_get(args, "device"));
	const char *id = json_string_value(json_object_get(args, "id"));
	const char *name = id ? id : dev;
	int d;

	if (!name) {
		qmp_fail(call, QMP_ERR_GENERIC, "Need device or id");
		return -1;
	}
	d = floppy_find(fl, name);
	if (d < 0)
		qmp_fail(call, QMP_ERR_DEVICE_NOT_FOUND, "Device '%s' not found",
			 name);
	return d;
}

static json_t *cmd_eject(struct qmp_call *call, json_t *args)
{
	struct floppy *fl = call->opaque;
	char *err = NULL;
	int d = drive_arg(call, args);

	if (d < 0)
		return NULL;
	if (fdc_eject(fl->fdc, (unsigned int)d, &err) < 0) {
		qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "eject failed");
		free(err);
		return NULL;
	}
	return json_object();
}

static json_t *cmd_change_medium(struct qmp_call *call, json_t *args)
{
	struct floppy *fl = call->opaque;
	const char *file = json_string_value(json_object_get(args, "filename"));
	const char *fmt = json_string_value(json_object_get(args, "format"));
	const char *mode = json_string_value(json_object_get(args, "read-only-mode"));
	char *err = NULL;
	bool ro;
	int d = drive_arg(call, args);

	if (d < 0)
		return NULL;
	if (fmt && strcmp(fmt, "raw"))
		return qmp_fail(call, QMP_ERR_GENERIC,
				"format '%s': floppy images are raw", fmt);
	if (!mode || !strcmp(mode, "retain"))
		ro = fl->readonly[d];
	else if (!strcmp(mode, "read-only"))
		ro = true;
	else if (!strcmp(mode, "read-write"))
		ro = false;
	else
		return qmp_fail(call, QMP_ERR_GENERIC,
				"Parameter 'read-only-mode' does not accept value '%s'",
				mode);
	int rc;
	if (qmp_is_fdset_path(file)) {
		/* A descriptor passed with add-fd: the sandbox opens nothing. */
		int fd = qmp_fdstore_open(qmp_server_fdstore(call->srv), file,
					  ro ? O_RDONLY : O_RDWR, &err);

		rc = fd < 0 ? fd : fdc_insert_fd(fl->fdc, (unsigned int)d, fd,
						  file, ro, &err);
	} else {
		rc = fdc_insert(fl->fdc, (unsigned int)d, file, ro, &err);
	}
	if (rc < 0) {
		qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "cannot open");
		free(err);
		return NULL;
	}
	fl->readonly[d] = ro;
	return json_object();
}

static const struct qmp_arg eject_args[] = {
	{ "device", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ "id", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ "force", QMP_ARG_BOOL | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

static const struct qmp_arg change_args[] = {
	{ "device", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ "id", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ "filename", QMP_ARG_STR },
	{ "format", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ "read-only-mode", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ "force", QMP_ARG_BOOL | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

const struct qmp_command floppy_qmp_commands[] = {
	{ "eject", cmd_eject, eject_args },
	{ "blockdev-change-medium", cmd_change_medium, change_args },
};
const size_t floppy_qmp_ncommands =
	sizeof(floppy_qmp_commands) / sizeof(floppy_qmp_commands[0]);
