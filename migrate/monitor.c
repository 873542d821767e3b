/* SPDX-License-Identifier: MIT */
/*
 * URI transports and the QMP migration commands (see monitor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "migrate/monitor.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define FILE_PREFIX	"file:"

/* The path of a "file:PATH" URI, NULL for anything else. */
static const char *file_path(const char *uri)
{
	size_t n = strlen(FILE_PREFIX);

	if (!uri || strncmp(uri, FILE_PREFIX, n) || !uri[n])
		return NULL;
	return uri + n;
}

bool migrate_uri_valid(const char *uri)
{
	return file_path(uri) != NULL;
}

static int bad_uri(const char *uri, char **err)
{
	/* QEMU: "unknown migration protocol: URI" */
	error_setf(err, "unknown migration protocol: %s (minivmm supports "
		   "file:PATH)", uri ? uri : "");
	return -EINVAL;
}

int migrate_to_uri(struct vm *vm, const char *uri, struct mig_stats *st,
		   char **err)
{
	const char *path = file_path(uri);
	char *why = NULL;
	bool was_running;
	int fd, rc;

	if (!path)
		return bad_uri(uri, err);
	/* Exactly these flags: the main thread's seccomp list allows no
	 * other creating open (seccomp/seccomp.c). */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		error_setf(err, "%s: cannot create: %s", uri, strerror(errno));
		return rc;
	}
	was_running = vm_pause(vm);
	rc = migrate_save(vm, fd, NULL, st, &why);
	if (was_running)
		vm_resume(vm);		/* the guest keeps running either way */
	if (close(fd) < 0 && !rc) {
		rc = -errno;
		why = NULL;
		error_setf(&why, "close: %s", strerror(errno));
	}
	if (rc) {
		error_setf(err, "%s: %s", uri, why ? why : strerror(-rc));
		free(why);
	}
	return rc;
}

int migrate_from_uri(struct vm *vm, const char *uri, char **err)
{
	const char *path = file_path(uri);
	struct mig_src src = { .fd = -1 };
	char *why = NULL;
	int rc;

	if (!path)
		return bad_uri(uri, err);
	src.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0) {
		rc = -errno;
		error_setf(err, "%s: %s", uri, strerror(errno));
		return rc;
	}
	rc = migrate_load(vm, &src, &why);
	close(src.fd);
	if (rc) {
		error_setf(err, "%s: %s", uri, why ? why : strerror(-rc));
		free(why);
	}
	return rc;
}

#ifdef MINIVMM_HAVE_QMP

enum mig_status { MIG_NONE, MIG_COMPLETED, MIG_FAILED };

struct mig_monitor {
	struct vm *vm;
	enum mig_status status;
	char *error;			/* MIG_FAILED: the reason */
	struct mig_stats stats;		/* MIG_COMPLETED outgoing */
	uint64_t total_ms;
	bool incoming;
	bool deferred, autostart;	/* -incoming defer, not yet loaded */
};

int mig_monitor_create(struct mig_monitor **out, struct vm *vm, char **err)
{
	struct mig_monitor *m = calloc(1, sizeof(*m));

	*out = m;
	if (!m) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	m->vm = vm;
	return 0;
}

void mig_monitor_destroy(struct mig_monitor *m)
{
	if (!m)
		return;
	free(m->error);
	free(m);
}

void mig_monitor_incoming_done(struct mig_monitor *m)
{
	m->status = MIG_COMPLETED;
	m->incoming = true;
}

void mig_monitor_defer(struct mig_monitor *m, bool autostart)
{
	m->deferred = true;
	m->autostart = autostart;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * migrate {"uri": "file:PATH"}.  QEMU migrates in the background and
 * leaves the source paused; this saves synchronously (the reply comes
 * when the file is complete) and the guest keeps running, as a snapshot.
 */
static json_t *cmd_migrate(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	const char *uri = json_string_value(json_object_get(args, "uri"));
	uint64_t t0 = now_ms();
	char *err = NULL;

	free(m->error);
	m->error = NULL;
	m->incoming = false;
	if (migrate_to_uri(call->vm, uri, &m->stats, &err) < 0) {
		m->status = MIG_FAILED;
		m->error = err;
		return qmp_fail(call, QMP_ERR_GENERIC, "%s",
				err ? err : "migration failed");
	}
	m->status = MIG_COMPLETED;
	m->total_ms = now_ms() - t0;
	return json_object();
}

/*
 * migrate-incoming {"uri": "file:PATH"} after -incoming defer.  The VM is
 * paused with no CPU started; the stream is checked whole before anything
 * is applied.  A failed load ends minivmm (status 1), as QEMU's
 * destination exits: its RAM may already hold part of the stream.
 */
static json_t *cmd_migrate_incoming(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	const char *uri = json_string_value(json_object_get(args, "uri"));
	char *err = NULL;

	if (!m->deferred)
		return qmp_fail(call, QMP_ERR_GENERIC, "'-incoming' was not "
				"specified on the command line, or the incoming "
				"migration has already been started");
	if (!migrate_uri_valid(uri)) {
		json_t *r = NULL;

		migrate_from_uri(call->vm, uri, &err);	/* the message */
		r = qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "bad URI");
		free(err);
		return r;
	}
	m->deferred = false;
	if (migrate_from_uri(call->vm, uri, &err) < 0) {
		m->status = MIG_FAILED;
		m->error = err;
		vm_request_end(call->vm, VM_END_ERROR, "migrate-incoming %s",
			       err ? err : "failed");
		return qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "failed");
	}
	mig_monitor_incoming_done(m);
	if (m->autostart && vm_resume(call->vm))
		vm_emit_event(call->vm, VM_EVENT_RESUME, false, NULL);
	return json_object();
}

/* query-migrate: QEMU's MigrationInfo; {} before any migration. */
static json_t *cmd_query_migrate(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	const struct mig_stats *s = &m->stats;

	(void)args;
	switch (m->status) {
	case MIG_NONE:
		return json_object();
	case MIG_FAILED:
		return json_pack("{s:s,s:s}", "status", "failed", "error-desc",
				 m->error ? m->error : "migration failed");
	case MIG_COMPLETED:
		if (m->incoming)
			return json_pack("{s:s}", "status", "completed");
		return json_pack("{s:s,s:I,s:{s:I,s:I,s:I,s:I,s:I}}",
				 "status", "completed",
				 "total-time", (json_int_t)m->total_ms,
				 "ram", "transferred", (json_int_t)s->bytes,
				 "total", (json_int_t)call->vm->ram_size,
				 "duplicate", (json_int_t)(s->zero_pages + s->dup_pages),
				 "normal", (json_int_t)s->data_pages,
				 "normal-bytes", (json_int_t)(s->data_pages * 4096));
	}
	return json_object();
}

static const struct qmp_arg migrate_args[] = {
	{ "uri", QMP_ARG_STR },
	{ NULL, 0 },
};

const struct qmp_command migrate_qmp_commands[] = {
	{ "migrate", cmd_migrate, migrate_args },
	{ "query-migrate", cmd_query_migrate, NULL },
	{ "migrate-incoming", cmd_migrate_incoming, migrate_args },
};
const size_t migrate_qmp_ncommands =
	sizeof(migrate_qmp_commands) / sizeof(migrate_qmp_commands[0]);

#endif
