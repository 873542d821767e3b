/* SPDX-License-Identifier: MIT */
/*
 * The QEMU Machine Protocol monitor (QEMU docs/interop/qmp-spec.rst).
 *
 * Session state machine, per client:
 *
 *   connect --> greeting sent --> NEGOTIATION --qmp_capabilities--> COMMAND
 *                                     |                               |
 *                        other commands: CommandNotFound      commands, events
 *
 * The server writes {"QMP": {"version": ..., "capabilities": []}} on
 * connect.  In NEGOTIATION only qmp_capabilities is accepted.  In COMMAND
 * mode each request {"execute": NAME, "arguments": {...}, "id": ANY} gets
 * one reply, {"return": VALUE, "id": ...} or {"error": {"class": CLASS,
 * "desc": TEXT}, "id": ...}, in request order.  Events
 * {"event": NAME, "data": {...}, "timestamp": {"seconds", "microseconds"}}
 * go to every client in COMMAND mode, between replies.
 *
 * Input is a stream of JSON texts (not necessarily one per line).  The
 * framer (qmp_framer_*) splits it by bracket depth outside strings and
 * hands each complete text to jansson; malformed JSON, a top-level
 * non-object, or a text over QMP_MAX_REQUEST gets an error reply without
 * id, and the framer resynchronises at the next newline.  Nesting deeper
 * than QMP_MAX_DEPTH is refused the same way.
 *
 * Commands are rows of a table {name, handler, argument schema}: the
 * built-in ones in qmp.c, and later subsystems (migration, block) add theirs
 * with qmp_server_add_commands() from their own files.
 */
#ifndef MINIVMM_QMP_H
#define MINIVMM_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct vm;
struct qmp_server;

#define QMP_MAX_REQUEST		(1u << 20)	/* bytes in one JSON text */
#define QMP_MAX_DEPTH		64		/* nesting, as QEMU's parser */
#define QMP_MAX_CLIENTS		16
#define QMP_EARLY_CHECK		(64u << 10)	/* see qmp_framer_next() */

/* Error classes of the QMP spec (ErrorClass in QEMU's qapi/error.json). */
enum qmp_error_class {
	QMP_ERR_GENERIC,		/* "GenericError" */
	QMP_ERR_COMMAND_NOT_FOUND,	/* "CommandNotFound" */
	QMP_ERR_DEVICE_NOT_ACTIVE,	/* "DeviceNotActive" */
	QMP_ERR_DEVICE_NOT_FOUND,	/* "DeviceNotFound" */
};

/* Argument types of the schema; QMP_ARG_OPTIONAL may be or'ed in. */
enum qmp_arg_type {
	QMP_ARG_STR = 1,
	QMP_ARG_INT,
	QMP_ARG_NUMBER,
	QMP_ARG_BOOL,
	QMP_ARG_OBJECT,
	QMP_ARG_ARRAY,
	QMP_ARG_ANY,
	QMP_ARG_OPTIONAL = 0x100,
};

struct qmp_arg {
	const char *name;	/* NULL ends the list */
	int type;		/* enum qmp_arg_type [| QMP_ARG_OPTIONAL] */
};

/* What a handler gets: the VM, its table's opaque, and an error slot. */
struct qmp_call {
	struct qmp_server *srv;
	struct vm *vm;
	void *opaque;
	enum qmp_error_class err_class;
	char *err_desc;		/* set by qmp_fail() */
};

/*
 * A handler returns the "return" value (a new reference; json_object()
 * for "{}"), or NULL after qmp_fail().  Arguments are already checked
 * against the row's schema: required ones present, all of the right type,
 * no unknown ones.
 */
typedef json_t *qmp_handler_fn(struct qmp_call *call, json_t *args);

struct qmp_command {
	const char *name;
	qmp_handler_fn *fn;
	const struct qmp_arg *args;	/* NULL: takes no arguments */
};

json_t *qmp_fail(struct qmp_call *call, enum qmp_error_class cls,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Create a server for vm on vm->loop.  It installs itself as the VM's
 * event sink.  0 or -errno with *err set.
 */
int qmp_server_create(struct qmp_server **out, struct vm *vm, char **err);
/* Flush pending replies/events (briefly) and close every socket. */
void qmp_server_destroy(struct qmp_server *srv);

/* Add a -qmp endpoint (chardev.h syntax).  A server with wait=on blocks
 * until its first client connects, as QEMU does. */
int qmp_server_add_endpoint(struct qmp_server *srv, const char *spec, char **err);
/* Serve an already connected fd (tests, socketpair). 0 or -errno. */
int qmp_server_add_client_fd(struct qmp_server *srv, int fd);

/* Register more commands; the table must outlive the server. */
int qmp_server_add_commands(struct qmp_server *srv,
			    const struct qmp_command *table, size_t n,
			    void *opaque, char **err);

/* -S: query-status says "prelaunch" until the first cont. */
void qmp_server_set_prelaunch(struct qmp_server *srv, bool on);

/* Send an event to every negotiated client (loop thread only). */
void qmp_server_emit_event(struct qmp_server *srv, const char *name, json_t *data);

/*
 * Descriptors passed with SCM_RIGHTS (vmm/qmp-fd.c: getfd, closefd,
 * add-fd, remove-fd, query-fdsets).  qmp_call_take_fd() claims the oldest
 * descriptor the calling client sent and not yet claimed (-1: none).
 * qmp_fdstore_take() removes the one named by getfd (-1: none; the caller
 * owns it).  qmp_fdstore_open() "opens" a path "/dev/fdset/N": a new
 * duplicate of a member of set N with flags' access mode, or -errno with
 * *err set.
 */
struct qmp_fdstore;
int qmp_call_take_fd(struct qmp_call *call);
struct qmp_fdstore *qmp_server_fdstore(struct qmp_server *srv);
struct qmp_fdstore *qmp_fdstore_new(void);
void qmp_fdstore_free(struct qmp_fdstore *st);
int qmp_fdstore_take(struct qmp_fdstore *st, const char *name);
bool qmp_is_fdset_path(const char *path);
int qmp_fdstore_open(struct qmp_fdstore *st, const char *path, int flags,
		     char **err);
extern const struct qmp_command qmp_fd_commands[];
extern const size_t qmp_fd_ncommands;

/* ---- parser pieces, exposed for tests and the fuzzer ---------------- */

/* Splits a byte stream into complete top-level JSON texts. */
struct qmp_framer {
	char *buf;
	size_t len, cap;
	unsigned int depth;
	bool in_string, escape, skipping, scalar;
	size_t start, scanned;
	char msg[200];		/* an early parse error */
};

enum qmp_frame_kind {
	QMP_FRAME_NONE,		/* need more bytes */
	QMP_FRAME_TEXT,		/* *text/len: one JSON text */
	QMP_FRAME_ERROR,	/* *text: a reason; the input was discarded */
};

void qmp_framer_init(struct qmp_framer *f);
void qmp_framer_free(struct qmp_framer *f);
/* Append bytes (then take frames until QMP_FRAME_NONE). */
void qmp_framer_push(struct qmp_framer *f, const uint8_t *buf, size_t len);
/* Take the next frame; text stays valid until the next call. */
enum qmp_frame_kind qmp_framer_next(struct qmp_framer *f, const char **text,
				    size_t *len);

/* Check a request's shape and arguments (no execution): 0, or -EINVAL with
 * cls and desc set (desc malloc'ed). */
int qmp_check_request(const json_t *req, const struct qmp_arg *schema,
		      enum qmp_error_class *cls, char **desc);
/* Check arguments against a schema; same convention. */
int qmp_check_args(const json_t *args, const struct qmp_arg *schema, char **desc);

#endif
