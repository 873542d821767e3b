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

#include "migrate/live.h"
#include "migrate/monitor.h"
#include "migrate/transport.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define FILE_PREFIX	"file:"
#define FD_PREFIX	"fd:"

/* The path of a "file:PATH" URI, NULL for anything else. */
static const char *file_path(const char *uri)
{
	size_t n = strlen(FILE_PREFIX);

	if (!uri || strncmp(uri, FILE_PREFIX, n) || !uri[n])
		return NULL;
	return uri + n;
}

/* The NAME of an "fd:NAME" URI (a getfd name, or a number on the command
 * line), NULL for anything else. */
static const char *fd_name(const char *uri)
{
	size_t n = strlen(FD_PREFIX);

	if (!uri || strncmp(uri, FD_PREFIX, n) || !uri[n])
		return NULL;
	return uri + n;
}

bool migrate_uri_valid(const char *uri)
{
	return file_path(uri) != NULL || fd_name(uri) != NULL ||
	       mig_uri_is_tcp(uri);
}

static int bad_uri(const char *uri, char **err)
{
	/* QEMU: "unknown migration protocol: URI" */
	error_setf(err, "unknown migration protocol: %s (minivmm supports "
		   "file:PATH, fd:NAME and tcp:HOST:PORT)", uri ? uri : "");
	return -EINVAL;
}

int migrate_to_fd(struct vm *vm, int fd, const char *uri, struct mig_stats *st,
		  char **err)
{
	char *why = NULL;
	bool was_running;
	int rc;

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

int migrate_to_uri(struct vm *vm, const char *uri, struct mig_stats *st,
		   char **err)
{
	const char *path = file_path(uri);
	int fd, rc;

	if (!path) {
		if (mig_uri_is_tcp(uri)) {
			error_setf(err, "%s: live migration runs from QMP "
				   "migrate", uri);
			return -EINVAL;
		}
		if (fd_name(uri)) {
			error_setf(err, "%s: a descriptor is passed with QMP "
				   "getfd, then migrate", uri);
			return -EINVAL;
		}
		return bad_uri(uri, err);
	}
	/* Exactly these flags: the main thread's seccomp list allows no
	 * other creating open (seccomp/seccomp.c). */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		error_setf(err, "%s: cannot create: %s", uri, strerror(errno));
		return rc;
	}
	return migrate_to_fd(vm, fd, uri, st, err);
}

int migrate_from_fd(struct vm *vm, int fd, const char *uri, char **err)
{
	struct mig_src src = { .fd = fd };
	char *why = NULL;
	int rc;

	rc = migrate_load(vm, &src, &why);
	close(src.fd);
	if (rc) {
		error_setf(err, "%s: %s", uri, why ? why : strerror(-rc));
		free(why);
	}
	return rc;
}

int migrate_from_uri(struct vm *vm, const char *uri, char **err)
{
	const char *path = file_path(uri), *name = fd_name(uri);
	int fd, rc;

	if (name) {
		/* The command line's fd:N: a descriptor minivmm inherited. */
		char *end;
		long n = strtol(name, &end, 10);

		if (*end || n < 0 || n > 65535 || fcntl((int)n, F_GETFD) < 0) {
			error_setf(err, "%s: not an open file descriptor "
				   "number", uri);
			return -EBADF;
		}
		return migrate_from_fd(vm, (int)n, uri, err);
	}
	if (!path) {
		if (mig_uri_is_tcp(uri)) {
			error_setf(err, "%s: a live migration is received by "
				   "the migration thread (QMP)", uri);
			return -EINVAL;
		}
		return bad_uri(uri, err);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		error_setf(err, "%s: %s", uri, strerror(errno));
		return rc;
	}
	return migrate_from_fd(vm, fd, uri, err);
}

#ifdef MINIVMM_HAVE_QMP

enum mig_last { LAST_NONE, LAST_FILE, LAST_LIVE };
enum file_status { FILE_COMPLETED, FILE_FAILED };

struct mig_monitor {
	struct vm *vm;
	struct qmp_server *srv;		/* events; NULL until attached */
	struct mig_live *live;		/* tcp: (migrate/live.c) */
	enum mig_last last;		/* what query-migrate reports */
	/* the last file: migration or -incoming file: */
	enum file_status fstatus;
	char *error;			/* FILE_FAILED: the reason */
	struct mig_stats stats;		/* FILE_COMPLETED outgoing */
	uint64_t total_ms;
	bool incoming;
	bool deferred, autostart;	/* -incoming defer, not yet loaded */
};

static void ev_status(void *opaque, enum mig_status st)
{
	struct mig_monitor *m = opaque;

	json_t *data = json_pack("{s:s}", "status", mig_status_name(st));
	struct mig_info i;

	if (!m->srv || !data) {
		json_decref(data);
		return;
	}
	/* failed: the reason too (QEMU's event has the status only; a
	 * client that does not know error-desc ignores it) */
	if (st == MIG_ST_FAILED) {
		mig_live_info(m->live, &i);
		if (i.error[0])
			json_object_set_new(data, "error-desc", json_string(i.error));
	}
	qmp_server_emit_event(m->srv, "MIGRATION", data);
}

static void ev_pass(void *opaque, uint32_t pass)
{
	struct mig_monitor *m = opaque;

	if (m->srv)
		qmp_server_emit_event(m->srv, "MIGRATION_PASS",
				      json_pack("{s:I}", "pass", (json_int_t)pass));
}

static const struct mig_live_ops live_ops = {
	.status = ev_status,
	.pass = ev_pass,
};

int mig_monitor_create(struct mig_monitor **out, struct vm *vm, char **err)
{
	struct mig_monitor *m = calloc(1, sizeof(*m));
	int rc;

	*out = m;
	if (!m) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	m->vm = vm;
	rc = mig_live_create(&m->live, vm, &live_ops, m, err);
	if (rc < 0) {
		free(m);
		*out = NULL;
	}
	return rc;
}

void mig_monitor_attach(struct mig_monitor *m, struct qmp_server *srv)
{
	m->srv = srv;
}

void mig_monitor_destroy(struct mig_monitor *m)
{
	if (!m)
		return;
	mig_live_destroy(m->live);	/* cancels and joins the thread */
	free(m->error);
	free(m);
}

void mig_monitor_incoming_done(struct mig_monitor *m)
{
	m->last = LAST_FILE;
	m->fstatus = FILE_COMPLETED;
	m->incoming = true;
}

void mig_monitor_defer(struct mig_monitor *m, bool autostart)
{
	m->deferred = true;
	m->autostart = autostart;
}

int mig_monitor_incoming_tcp(struct mig_monitor *m, const char *uri,
			     bool autostart, char **err)
{
	char *why = NULL;
	int rc = mig_live_incoming(m->live, uri, true, autostart, &why);

	if (!rc)
		m->last = LAST_LIVE;
	else
		error_setf(err, "-incoming: %s", why ? why : strerror(-rc));
	free(why);
	return rc;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void file_failed(struct mig_monitor *m, char *err)
{
	free(m->error);
	m->error = err;
	m->last = LAST_FILE;
	m->fstatus = FILE_FAILED;
}

/*
 * migrate {"uri": ...}.
 *   tcp:HOST:PORT  live (migrate/live.c): returns {} at once, the
 *                  migration thread does the rest; query-migrate and
 *                  MIGRATION events follow it; the source ends paused.
 *   file:PATH      a snapshot: saved synchronously (the reply comes when
 *                  the file is complete) and the guest keeps running.
 *   fd:NAME        the same into a descriptor passed with getfd (taken
 *                  and closed), so a sandboxed minivmm opens nothing.
 */
static json_t *cmd_migrate(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	const char *uri = json_string_value(json_object_get(args, "uri"));
	uint64_t t0 = now_ms();
	char *err = NULL;

	if (mig_live_busy(m->live) || m->deferred)
		return qmp_fail(call, QMP_ERR_GENERIC, "%s", m->deferred ?
				"Guest is waiting for an incoming migration" :
				"There's a migration process in progress");
	if (mig_uri_is_tcp(uri)) {
		if (mig_live_migrate(m->live, uri, &err) < 0) {
			json_t *r = qmp_fail(call, QMP_ERR_GENERIC, "%s",
					     err ? err : "migration failed");
			free(err);
			return r;
		}
		m->last = LAST_LIVE;
		return json_object();
	}
	m->incoming = false;
	if (fd_name(uri)) {
		int fd = qmp_fdstore_take(qmp_server_fdstore(call->srv),
					  fd_name(uri));

		if (fd < 0)
			return qmp_fail(call, QMP_ERR_GENERIC, "File descriptor "
					"named '%s' not found", fd_name(uri));
		if (migrate_to_fd(call->vm, fd, uri, &m->stats, &err) < 0) {
			file_failed(m, err);
			return qmp_fail(call, QMP_ERR_GENERIC, "%s",
					err ? err : "migration failed");
		}
	} else if (migrate_to_uri(call->vm, uri, &m->stats, &err) < 0) {
		file_failed(m, err);
		return qmp_fail(call, QMP_ERR_GENERIC, "%s",
				err ? err : "migration failed");
	}
	m->last = LAST_FILE;
	m->fstatus = FILE_COMPLETED;
	m->total_ms = now_ms() - t0;
	return json_object();
}

/*
 * migrate-incoming {"uri": ...} after -incoming defer.  The VM is paused
 * with no CPU started.  file:PATH: the stream is checked whole before
 * anything is applied; tcp:HOST:PORT: the migration thread listens (the
 * reply says whether it could) and receives.  A failed load ends minivmm
 * (status 1), as QEMU's destination exits: its RAM may hold part of it.
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
	if (mig_uri_is_tcp(uri)) {
		if (mig_live_incoming(m->live, uri, false, m->autostart,
				      &err) < 0) {
			json_t *r = qmp_fail(call, QMP_ERR_GENERIC, "%s",
					     err ? err : "cannot listen");
			free(err);
			return r;
		}
		m->deferred = false;
		m->last = LAST_LIVE;
		return json_object();
	}
	if (!migrate_uri_valid(uri)) {
		json_t *r = NULL;

		migrate_from_uri(call->vm, uri, &err);	/* the message */
		r = qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "bad URI");
		free(err);
		return r;
	}
	int fd = -1;
	if (fd_name(uri)) {		/* a getfd name here, not a number */
		fd = qmp_fdstore_take(qmp_server_fdstore(call->srv), fd_name(uri));
		if (fd < 0)
			return qmp_fail(call, QMP_ERR_GENERIC, "File descriptor "
					"named '%s' not found", fd_name(uri));
	}
	m->deferred = false;
	if ((fd >= 0 ? migrate_from_fd(call->vm, fd, uri, &err) :
		       migrate_from_uri(call->vm, uri, &err)) < 0) {
		file_failed(m, err);
		vm_request_end(call->vm, VM_END_ERROR, "migrate-incoming %s",
			       err ? err : "failed");
		return qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "failed");
	}
	mig_monitor_incoming_done(m);
	if (m->autostart && vm_resume(call->vm))
		vm_emit_event(call->vm, VM_EVENT_RESUME, false, NULL);
	return json_object();
}

/* QEMU's MigrationInfo for a live migration. */
static json_t *live_info(struct mig_monitor *m)
{
	struct mig_info i;
	json_t *r;

	mig_live_info(m->live, &i);
	r = json_pack("{s:s}", "status", mig_status_name(i.status));
	if (!r)
		return NULL;
	if (i.incoming) {
		/* QEMU: where the destination listens (port 0 asked: the
		 * one the kernel picked), an InetSocketAddress */
		char port[12];

		snprintf(port, sizeof(port), "%d", i.port);
		if (i.port > 0)
			json_object_set_new(r, "socket-address", json_pack(
				"[{s:s,s:s,s:s}]", "type", "inet", "host",
				i.host, "port", port));
	} else if (i.status != MIG_ST_SETUP || i.ram.transferred) {
		json_object_set_new(r, "total-time", json_integer((json_int_t)i.total_time));
		if (i.have_setup)
			json_object_set_new(r, "setup-time",
					    json_integer((json_int_t)i.setup_time));
		if (i.have_downtime)
			json_object_set_new(r, "downtime",
					    json_integer((json_int_t)i.downtime));
		else if (i.status == MIG_ST_ACTIVE)
			json_object_set_new(r, "expected-downtime",
					    json_integer((json_int_t)i.expected_downtime));
		json_object_set_new(r, "ram", json_pack(
			"{s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:I,s:I,s:I}",
			"transferred", (json_int_t)i.ram.transferred,
			"remaining", (json_int_t)i.ram.remaining,
			"total", (json_int_t)i.ram.total,
			"duplicate", (json_int_t)i.ram.duplicate,
			"normal", (json_int_t)i.ram.normal,
			"normal-bytes", (json_int_t)i.ram.normal_bytes,
			"mbps", i.ram.mbps,
			"dirty-sync-count", (json_int_t)i.ram.dirty_sync_count,
			"dirty-pages-rate", (json_int_t)i.ram.dirty_pages_rate,
			"pages-per-second", (json_int_t)i.ram.pages_per_second));
	}
	if ((i.status == MIG_ST_FAILED || i.status == MIG_ST_CANCELLED) &&
	    i.error[0])
		json_object_set_new(r, "error-desc", json_string(i.error));
	return r;
}

/* query-migrate: QEMU's MigrationInfo; {} before any migration. */
static json_t *cmd_query_migrate(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	const struct mig_stats *s = &m->stats;

	(void)args;
	if (m->last == LAST_LIVE)
		return live_info(m);
	if (m->last == LAST_NONE)
		return json_object();
	if (m->fstatus == FILE_FAILED)
		return json_pack("{s:s,s:s}", "status", "failed", "error-desc",
				 m->error ? m->error : "migration failed");
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

/* migrate_cancel: QEMU answers {} whether or not one was running. */
static json_t *cmd_migrate_cancel(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;

	(void)args;
	mig_live_cancel(m->live);
	return json_object();
}

/* migrate-set-parameters: max-bandwidth (bytes/s), downtime-limit (ms). */
static json_t *cmd_migrate_set_parameters(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	json_t *bw = json_object_get(args, "max-bandwidth");
	json_t *dl = json_object_get(args, "downtime-limit");
	struct mig_params p;

	mig_live_get_params(m->live, &p);
	if (bw && json_integer_value(bw) < 0)
		return qmp_fail(call, QMP_ERR_GENERIC, "Parameter 'max-bandwidth' "
				"expects a non-negative number of bytes per second");
	if (dl && (json_integer_value(dl) < 0 ||
		   json_integer_value(dl) > MIG_MAX_DOWNTIME_LIMIT))
		return qmp_fail(call, QMP_ERR_GENERIC, "Parameter 'downtime-limit' "
				"expects an integer in the range of 0 to %d "
				"milliseconds", MIG_MAX_DOWNTIME_LIMIT);
	if (bw)
		p.max_bandwidth = (uint64_t)json_integer_value(bw);
	if (dl)
		p.downtime_limit = (uint64_t)json_integer_value(dl);
	mig_live_set_params(m->live, &p);
	return json_object();
}

static json_t *cmd_query_migrate_parameters(struct qmp_call *call, json_t *args)
{
	struct mig_monitor *m = call->opaque;
	struct mig_params p;

	(void)args;
	mig_live_get_params(m->live, &p);
	return json_pack("{s:I,s:I}", "max-bandwidth", (json_int_t)p.max_bandwidth,
			 "downtime-limit", (json_int_t)p.downtime_limit);
}

static const struct qmp_arg migrate_args[] = {
	{ "uri", QMP_ARG_STR },
	{ NULL, 0 },
};

static const struct qmp_arg set_params_args[] = {
	{ "max-bandwidth", QMP_ARG_INT | QMP_ARG_OPTIONAL },
	{ "downtime-limit", QMP_ARG_INT | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

const struct qmp_command migrate_qmp_commands[] = {
	{ "migrate", cmd_migrate, migrate_args },
	{ "query-migrate", cmd_query_migrate, NULL },
	{ "migrate-incoming", cmd_migrate_incoming, migrate_args },
	{ "migrate_cancel", cmd_migrate_cancel, NULL },
	{ "migrate-set-parameters", cmd_migrate_set_parameters, set_params_args },
	{ "query-migrate-parameters", cmd_query_migrate_parameters, NULL },
};
const size_t migrate_qmp_ncommands =
	sizeof(migrate_qmp_commands) / sizeof(migrate_qmp_commands[0]);

#endif
