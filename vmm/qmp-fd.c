/* SPDX-License-Identifier: MIT */
/*
 * File descriptors passed to the monitor (QEMU qapi/misc.json): a client
 * on a UNIX socket sends a descriptor with SCM_RIGHTS along with the
 * command that claims it.
 *
 *   getfd {fdname}                     -> {}    keep it under a name
 *   closefd {fdname}                   -> {}
 *   add-fd {fdset-id?, opaque?}        -> {fdset-id, fd}
 *   remove-fd {fdset-id, fd?}          -> {}
 *   query-fdsets                       -> [{fdset-id, fds: [{fd, opaque?}]}]
 *
 * A name taken by a later command ("fd:NAME" migration URIs) leaves the
 * table; an fd set is opened as the path "/dev/fdset/N": the open gets a
 * duplicate of a member whose access mode (O_RDONLY, O_WRONLY, O_RDWR)
 * is the one asked for, as QEMU's qemu_open() does.  This is how a
 * sandboxed minivmm (no open() by name after setup, maybe chrooted)
 * still receives new floppy media and migration streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/error.h"
#include "vmm/qmp.h"

#define MAX_NAMED	64
#define MAX_SETS	64
#define MAX_SET_FDS	16
#define FDSET_PREFIX	"/dev/fdset/"

struct named_fd {
	char *name;
	int fd;
};

struct fdset_member {
	int fd;
	char *opaque;
};

struct fdset {
	int64_t id;
	unsigned int n;
	struct fdset_member fds[MAX_SET_FDS];
};

struct qmp_fdstore {
	struct named_fd named[MAX_NAMED];
	unsigned int nnamed;
	struct fdset *sets[MAX_SETS];
};

struct qmp_fdstore *qmp_fdstore_new(void)
{
	return calloc(1, sizeof(struct qmp_fdstore));
}

void qmp_fdstore_free(struct qmp_fdstore *st)
{
	if (!st)
		return;
	for (unsigned int i = 0; i < st->nnamed; i++) {
		close(st->named[i].fd);
		free(st->named[i].name);
	}
	for (unsigned int i = 0; i < MAX_SETS; i++) {
		struct fdset *s = st->sets[i];

		for (unsigned int j = 0; s && j < s->n; j++) {
			close(s->fds[j].fd);
			free(s->fds[j].opaque);
		}
		free(s);
	}
	free(st);
}

static int find_named(const struct qmp_fdstore *st, const char *name)
{
	for (unsigned int i = 0; i < st->nnamed; i++)
		if (!strcmp(st->named[i].name, name))
			return (int)i;
	return -1;
}

int qmp_fdstore_take(struct qmp_fdstore *st, const char *name)
{
	int i = find_named(st, name);
	int fd;

	if (i < 0)
		return -1;
	fd = st->named[i].fd;
	free(st->named[i].name);
	st->named[i] = st->named[--st->nnamed];
	return fd;
}

static struct fdset *find_set(const struct qmp_fdstore *st, int64_t id)
{
	for (unsigned int i = 0; i < MAX_SETS; i++)
		if (st->sets[i] && st->sets[i]->id == id)
			return st->sets[i];
	return NULL;
}

bool qmp_is_fdset_path(const char *path)
{
	return path && !strncmp(path, FDSET_PREFIX, strlen(FDSET_PREFIX));
}

static const char *mode_name(int mode)
{
	return mode == O_RDONLY ? "read-only" : mode == O_WRONLY ? "write-only" :
	       "read-write";
}

int qmp_fdstore_open(struct qmp_fdstore *st, const char *path, int flags,
		     char **err)
{
	const char *num;
	char *end;
	long long id;
	int want = flags & O_ACCMODE;

	if (!qmp_is_fdset_path(path)) {
		error_setf(err, "%s: not an fd set path (%sN)", path, FDSET_PREFIX);
		return -EINVAL;
	}
	num = path + strlen(FDSET_PREFIX);
	errno = 0;
	id = strtoll(num, &end, 10);
	if (!*num || *end || errno || id < 0) {
		error_setf(err, "%s: bad fd set number", path);
		return -EINVAL;
	}
	struct fdset *s = find_set(st, id);
	if (!s) {
		error_setf(err, "%s: no fd set %lld (add-fd first)", path, id);
		return -ENOENT;
	}
	for (unsigned int i = 0; i < s->n; i++) {
		int fl = fcntl(s->fds[i].fd, F_GETFL);

		if (fl < 0 || (fl & O_ACCMODE) != want)
			continue;
		int dup = fcntl(s->fds[i].fd, F_DUPFD_CLOEXEC, 0);
		if (dup < 0) {
			int rc = -errno;

			error_setf(err, "%s: %s", path, strerror(errno));
			return rc;
		}
		return dup;
	}
	error_setf(err, "%s: fd set %lld has no descriptor opened %s", path, id,
		   mode_name(want));
	return -EACCES;
}

/* ---- commands ---------------------------------------------------------- */

static json_t *no_fd(struct qmp_call *call)
{
	return qmp_fail(call, QMP_ERR_GENERIC,
			"No file descriptor supplied via SCM_RIGHTS");
}

static json_t *cmd_getfd(struct qmp_call *call, json_t *args)
{
	struct qmp_fdstore *st = call->opaque;
	const char *name = json_string_value(json_object_get(args, "fdname"));
	int i, fd;

	/* Names that start with a digit would read as fd numbers. */
	if (name[0] >= '0' && name[0] <= '9')
		return qmp_fail(call, QMP_ERR_GENERIC, "Parameter 'fdname' "
				"expects a name not starting with a digit");
	fd = qmp_call_take_fd(call);
	if (fd < 0)
		return no_fd(call);
	i = find_named(st, name);
	if (i >= 0) {			/* QEMU replaces the old one */
		close(st->named[i].fd);
		st->named[i].fd = fd;
		return json_object();
	}
	if (st->nnamed == MAX_NAMED) {
		close(fd);
		return qmp_fail(call, QMP_ERR_GENERIC, "too many named file "
				"descriptors (%d); closefd some", MAX_NAMED);
	}
	char *copy = strdup(name);
	if (!copy) {
		close(fd);
		return qmp_fail(call, QMP_ERR_GENERIC, "out of memory");
	}
	st->named[st->nnamed++] = (struct named_fd){ copy, fd };
	return json_object();
}

static json_t *cmd_closefd(struct qmp_call *call, json_t *args)
{
	struct qmp_fdstore *st = call->opaque;
	const char *name = json_string_value(json_object_get(args, "fdname"));
	int fd = qmp_fdstore_take(st, name);

	if (fd < 0)
		return qmp_fail(call, QMP_ERR_GENERIC,
				"File descriptor named '%s' not found", name);
	close(fd);
	return json_object();
}

static json_t *cmd_add_fd(struct qmp_call *call, json_t *args)
{
	struct qmp_fdstore *st = call->opaque;
	json_t *jid = json_object_get(args, "fdset-id");
	const char *opaque = json_string_value(json_object_get(args, "opaque"));
	struct fdset *s = NULL;
	int64_t id;
	int fd;

	if (jid && json_integer_value(jid) < 0)
		return qmp_fail(call, QMP_ERR_GENERIC, "Parameter 'fdset-id' "
				"expects a non-negative value");
	fd = qmp_call_take_fd(call);
	if (fd < 0)
		return no_fd(call);
	if (jid) {
		id = json_integer_value(jid);
		s = find_set(st, id);
	} else {			/* the lowest unused id, as QEMU */
		for (id = 0; find_set(st, id); id++)
			;
	}
	if (!s) {
		unsigned int slot = 0;

		while (slot < MAX_SETS && st->sets[slot])
			slot++;
		if (slot == MAX_SETS || !(s = calloc(1, sizeof(*s)))) {
			close(fd);
			return qmp_fail(call, QMP_ERR_GENERIC, "too many fd sets (%d)",
					MAX_SETS);
		}
		s->id = id;
		st->sets[slot] = s;
	}
	if (s->n == MAX_SET_FDS) {
		close(fd);
		return qmp_fail(call, QMP_ERR_GENERIC, "fd set %lld is full (%d)",
				(long long)id, MAX_SET_FDS);
	}
	s->fds[s->n].fd = fd;
	s->fds[s->n].opaque = opaque ? strdup(opaque) : NULL;
	s->n++;
	return json_pack("{s:I,s:i}", "fdset-id", (json_int_t)id, "fd", fd);
}

static void drop_set_if_empty(struct qmp_fdstore *st, struct fdset *s)
{
	if (s->n)
		return;
	for (unsigned int i = 0; i < MAX_SETS; i++)
		if (st->sets[i] == s)
			st->sets[i] = NULL;
	free(s);
}

static json_t *cmd_remove_fd(struct qmp_call *call, json_t *args)
{
	struct qmp_fdstore *st = call->opaque;
	json_int_t id = json_integer_value(json_object_get(args, "fdset-id"));
	json_t *jfd = json_object_get(args, "fd");
	struct fdset *s = find_set(st, id);
	bool found = false;

	for (unsigned int i = 0; s && i < s->n;) {
		if (jfd && s->fds[i].fd != json_integer_value(jfd)) {
			i++;
			continue;
		}
		close(s->fds[i].fd);
		free(s->fds[i].opaque);
		s->fds[i] = s->fds[--s->n];
		found = true;
	}
	if (!found) {
		if (jfd)
			return qmp_fail(call, QMP_ERR_GENERIC, "File descriptor named "
					"'fdset-id:%lld, fd:%lld' not found",
					(long long)id, (long long)json_integer_value(jfd));
		return qmp_fail(call, QMP_ERR_GENERIC, "File descriptor named "
				"'fdset-id:%lld' not found", (long long)id);
	}
	drop_set_if_empty(st, s);
	return json_object();
}

static json_t *cmd_query_fdsets(struct qmp_call *call, json_t *args)
{
	struct qmp_fdstore *st = call->opaque;
	json_t *list = json_array();

	(void)args;
	for (unsigned int i = 0; list && i < MAX_SETS; i++) {
		struct fdset *s = st->sets[i];

		if (!s)
			continue;
		json_t *fds = json_array();
		for (unsigned int j = 0; fds && j < s->n; j++) {
			json_t *m = json_pack("{s:i}", "fd", s->fds[j].fd);

			if (m && s->fds[j].opaque)
				json_object_set_new(m, "opaque",
						    json_string(s->fds[j].opaque));
			json_array_append_new(fds, m);
		}
		json_array_append_new(list, json_pack("{s:I,s:o}", "fdset-id",
						      (json_int_t)s->id, "fds", fds));
	}
	return list;
}

static const struct qmp_arg fdname_args[] = {
	{ "fdname", QMP_ARG_STR },
	{ NULL, 0 },
};

static const struct qmp_arg add_fd_args[] = {
	{ "fdset-id", QMP_ARG_INT | QMP_ARG_OPTIONAL },
	{ "opaque", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

static const struct qmp_arg remove_fd_args[] = {
	{ "fdset-id", QMP_ARG_INT },
	{ "fd", QMP_ARG_INT | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

const struct qmp_command qmp_fd_commands[] = {
	{ "getfd", cmd_getfd, fdname_args },
	{ "closefd", cmd_closefd, fdname_args },
	{ "add-fd", cmd_add_fd, add_fd_args },
	{ "remove-fd", cmd_remove_fd, remove_fd_args },
	{ "query-fdsets", cmd_query_fdsets, NULL },
};
const size_t qmp_fd_ncommands = sizeof(qmp_fd_commands) / sizeof(qmp_fd_commands[0]);
