/* SPDX-License-Identifier: MIT */
/*
 * QMP monitor (see qmp.h for the protocol state machine).
 *
 * Layers, bottom up: chardev.c moves bytes; the framer below cuts the byte
 * stream into JSON texts; jansson parses each one; qmp_check_request()
 * validates the request shape and the arguments against the command's
 * schema; the handler runs on the main-loop thread and returns the
 * "return" value.  Replies and events are queued on the client's
 * connection in order.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

#include "migrate/machine.h"
#include "vmm/chardev.h"
#include "vmm/error.h"
#include "vmm/mainloop.h"
#include "vmm/qmp.h"
#include "vmm/vm.h"

#define QMP_MAX_TABLES		8
#define QMP_MAX_LISTENERS	8

struct qmp_table {
	const struct qmp_command *rows;
	size_t n;
	void *opaque;
};

struct qmp_client {
	struct qmp_server *srv;
	struct chr_conn *conn;
	struct qmp_framer framer;
	bool negotiated;	/* COMMAND mode (after qmp_capabilities) */
};

struct qmp_listener {
	struct qmp_server *srv;
	int fd;
};

struct qmp_server {
	struct vm *vm;
	struct mainloop *ml;
	struct qmp_table tables[QMP_MAX_TABLES];
	size_t ntables;
	struct qmp_listener listeners[QMP_MAX_LISTENERS];
	size_t nlisteners;
	struct qmp_client *clients[QMP_MAX_CLIENTS];
	bool prelaunch;		/* -S and no cont yet: query-status "prelaunch" */
	struct qmp_fdstore *fds;	/* getfd / add-fd (vmm/qmp-fd.c) */
};

/* ---- framer ------------------------------------------------------------ */

void qmp_framer_init(struct qmp_framer *f)
{
	memset(f, 0, sizeof(*f));
}

void qmp_framer_free(struct qmp_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/*
 * The framer keeps unconsumed bytes in buf[start, len) and resumes scanning
 * at f->scanned.  It understands only what is needed to find where a text
 * ends: strings (with backslash escapes) and bracket depth.  Everything
 * else is jansson's job.  A text handed out is buf[start', scanned); it is
 * dropped (the buffer compacted) at the next call.
 */
void qmp_framer_push(struct qmp_framer *f, const uint8_t *buf, size_t len)
{
	if (f->len + len > f->cap) {
		size_t cap = f->cap ? f->cap : 1024;
		char *n;

		while (cap < f->len + len)
			cap *= 2;
		n = realloc(f->buf, cap);
		if (!n) {		/* drop everything; resync at a newline */
			f->len = f->scanned = f->start = 0;
			f->depth = 0;
			f->in_string = f->escape = f->scalar = false;
			f->skipping = true;
			return;
		}
		f->buf = n;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, buf, len);
	f->len += len;
}

static void framer_reset_text(struct qmp_framer *f)
{
	f->depth = 0;
	f->in_string = f->escape = f->scalar = false;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum qmp_frame_kind qmp_framer_next(struct qmp_framer *f, const char **text,
				    size_t *tlen)
{
	if (f->start) {
		memmove(f->buf, f->buf + f->start, f->len - f->start);
		f->len -= f->start;
		f->scanned -= f->start;
		f->start = 0;
	}
	while (f->scanned < f->len) {
		char c = f->buf[f->scanned++];

		if (f->skipping) {
			if (c == '\n')
				f->skipping = false;
			f->start = f->scanned;
			continue;
		}
		if (f->in_string) {
			if (f->escape)
				f->escape = false;
			else if (c == '\\')
				f->escape = true;
			else if (c == '"')
				f->in_string = false;
			continue;
		}
		if (f->depth == 0 && !f->scalar) {
			if (is_ws(c)) {
				f->start = f->scanned;
			} else if (c == '{' || c == '[') {
				f->depth = 1;
			} else if (c == '}' || c == ']') {
				f->start = f->scanned;
				*text = "JSON parse error, unexpected closing bracket";
				return QMP_FRAME_ERROR;
			} else {
				/* A top-level scalar: ends at whitespace or a bracket. */
				f->scalar = true;
				f->in_string = c == '"';
			}
			continue;
		}
		if (f->scalar) {
			if (is_ws(c) || c == '{' || c == '[' || c == '}' || c == ']') {
				f->scanned--;	/* rescan the delimiter */
				f->scalar = false;
				goto hand_out;
			}
			if (c == '"')
				f->in_string = true;
			continue;
		}
		if (c == '"') {
			f->in_string = true;
		} else if (c == '{' || c == '[') {
			if (++f->depth > QMP_MAX_DEPTH) {
				framer_reset_text(f);
				f->start = f->scanned;
				f->skipping = true;
				*text = "JSON parse error, nesting too deep";
				return QMP_FRAME_ERROR;
			}
		} else if (c == '}' || c == ']') {
			if (--f->depth == 0)
				goto hand_out;
		}
	}
	/*
	 * A short incomplete text that ends a line: if jansson already sees
	 * an error other than "premature end", report it now rather than
	 * wait for a closing bracket that may never come ("{bad json\n").
	 */
	if (f->depth && !f->in_string && f->len > f->start &&
	    f->buf[f->len - 1] == '\n' && f->len - f->start <= QMP_EARLY_CHECK) {
		json_error_t je;
		json_t *v = json_loadb(f->buf + f->start, f->len - f->start,
				       JSON_DISABLE_EOF_CHECK, &je);

		json_decref(v);
		if (!v && json_error_code(&je) != json_error_premature_end_of_input) {
			framer_reset_text(f);
			f->start = f->scanned = f->len;
			snprintf(f->msg, sizeof(f->msg), "JSON parse error, %s",
				 je.text);
			*text = f->msg;
			return QMP_FRAME_ERROR;
		}
	}
	if (f->len - f->start > QMP_MAX_REQUEST) {
		framer_reset_text(f);
		f->start = f->scanned = f->len;
		f->skipping = true;
		*text = "JSON parse error, request too long";
		return QMP_FRAME_ERROR;
	}
	return QMP_FRAME_NONE;

hand_out:
	*text = f->buf + f->start;
	*tlen = f->scanned - f->start;
	f->start = f->scanned;
	return QMP_FRAME_TEXT;
}

/* ---- request validation -------------------------------------------------- */

static const char *arg_type_name(int type)
{
	switch (type & ~QMP_ARG_OPTIONAL) {
	case QMP_ARG_STR: return "string";
	case QMP_ARG_INT: return "integer";
	case QMP_ARG_NUMBER: return "number";
	case QMP_ARG_BOOL: return "boolean";
	case QMP_ARG_OBJECT: return "object";
	case QMP_ARG_ARRAY: return "array";
	default: return "any";
	}
}

static bool arg_type_ok(const json_t *v, int type)
{
	switch (type & ~QMP_ARG_OPTIONAL) {
	case QMP_ARG_STR: return json_is_string(v);
	case QMP_ARG_INT: return json_is_integer(v);
	case QMP_ARG_NUMBER: return json_is_number(v);
	case QMP_ARG_BOOL: return json_is_boolean(v);
	case QMP_ARG_OBJECT: return json_is_object(v);
	case QMP_ARG_ARRAY: return json_is_array(v);
	default: return true;
	}
}

/* Messages as QEMU's qobject input visitor words them. */
int qmp_check_args(const json_t *args, const struct qmp_arg *schema, char **desc)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)args, key, val) {
		const struct qmp_arg *a = schema;

		while (a && a->name && strcmp(a->name, key))
			a++;
		if (!a || !a->name) {
			error_setf(desc, "Parameter '%s' is unexpected", key);
			return -EINVAL;
		}
		if (!arg_type_ok(val, a->type)) {
			error_setf(desc, "Invalid parameter type for '%s', "
				   "expected: %s", key, arg_type_name(a->type));
			return -EINVAL;
		}
	}
	for (const struct qmp_arg *a = schema; a && a->name; a++) {
		if (!(a->type & QMP_ARG_OPTIONAL) && !json_object_get(args, a->name)) {
			error_setf(desc, "Parameter '%s' is missing", a->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* The request envelope (QEMU qapi/qmp-dispatch.c qmp_dispatch_check_obj). */
static int check_envelope(const json_t *req, enum qmp_error_class *cls,
			  char **desc)
{
	const char *key;
	json_t *val;

	*cls = QMP_ERR_GENERIC;
	if (!json_is_object(req)) {
		error_setf(desc, "QMP input must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)req, key, val) {
		if (!strcmp(key, "execute")) {
			if (!json_is_string(val)) {
				error_setf(desc, "QMP input member 'execute' must "
					   "be a string");
				return -EINVAL;
			}
		} else if (!strcmp(key, "arguments")) {
			if (!json_is_object(val)) {
				error_setf(desc, "QMP input member 'arguments' "
					   "must be an object");
				return -EINVAL;
			}
		} else if (strcmp(key, "id")) {
			error_setf(desc, "QMP input member '%s' is unexpected", key);
			return -EINVAL;
		}
	}
	if (!json_object_get(req, "execute")) {
		error_setf(desc, "QMP input lacks member 'execute'");
		return -EINVAL;
	}
	return 0;
}

int qmp_check_request(const json_t *req, const struct qmp_arg *schema,
		      enum qmp_error_class *cls, char **desc)
{
	json_t *args;
	int rc = check_envelope(req, cls, desc);

	if (rc < 0)
		return rc;
	args = json_object_get(req, "arguments");
	if (!args)
		args = json_object();
	else
		json_incref(args);
	rc = qmp_check_args(args, schema, desc);
	json_decref(args);
	return rc;
}

/* ---- output ---------------------------------------------------------------- */

static const char *const error_class_names[] = {
	[QMP_ERR_GENERIC] = "GenericError",
	[QMP_ERR_COMMAND_NOT_FOUND] = "CommandNotFound",
	[QMP_ERR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
	[QMP_ERR_DEVICE_NOT_FOUND] = "DeviceNotFound",
};

json_t *qmp_fail(struct qmp_call *call, enum qmp_error_class cls,
		 const char *fmt, ...)
{
	va_list ap;

	call->err_class = cls;
	free(call->err_desc);
	call->err_desc = NULL;
	va_start(ap, fmt);
	if (vasprintf(&call->err_desc, fmt, ap) < 0)
		call->err_desc = NULL;
	va_end(ap);
	return NULL;
}

static void client_drop(struct qmp_client *c);

/* Send one message (steals msg).  QEMU ends each with CR LF. */
static void client_send(struct qmp_client *c, json_t *msg)
{
	char *s = json_dumps(msg, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	json_decref(msg);
	if (!s)
		return;
	chr_conn_write(c->conn, s, strlen(s));
	chr_conn_write(c->conn, "\r\n", 2);
	free(s);
}

static void send_error(struct qmp_client *c, enum qmp_error_class cls,
		       const char *desc, json_t *id)
{
	json_t *msg = json_pack("{s:{s:s,s:s}}", "error",
				"class", error_class_names[cls],
				"desc", desc ? desc : "unknown error");

	if (msg && id)
		json_object_set(msg, "id", id);
	if (msg)
		client_send(c, msg);
}

void qmp_server_emit_event(struct qmp_server *srv, const char *name, json_t *data)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	for (size_t i = 0; i < QMP_MAX_CLIENTS; i++) {
		struct qmp_client *c = srv->clients[i];
		json_t *msg;

		if (!c || !c->negotiated)
			continue;
		msg = json_pack("{s:s,s:{s:I,s:I}}", "event", name, "timestamp",
				"seconds", (json_int_t)tv.tv_sec,
				"microseconds", (json_int_t)tv.tv_usec);
		if (!msg)
			continue;
		if (data)
			json_object_set(msg, "data", data);
		client_send(c, msg);
	}
	json_decref(data);
}

static const char *const event_names[] = {
	[VM_EVENT_STOP] = "STOP",
	[VM_EVENT_RESUME] = "RESUME",
	[VM_EVENT_RESET] = "RESET",
	[VM_EVENT_SHUTDOWN] = "SHUTDOWN",
	[VM_EVENT_POWERDOWN] = "POWERDOWN",
};

static void vm_event_sink(void *opaque, const struct vm_event *ev)
{
	struct qmp_server *srv = opaque;
	json_t *data = NULL;

	if (ev->type >= sizeof(event_names) / sizeof(event_names[0]))
		return;
	/* RESET and SHUTDOWN carry {guest, reason} (QEMU qapi/run-state.json). */
	if (ev->type == VM_EVENT_RESET || ev->type == VM_EVENT_SHUTDOWN)
		data = json_pack("{s:b,s:s}", "guest", ev->guest,
				 "reason", ev->reason ? ev->reason : "host-error");
	qmp_server_emit_event(srv, event_names[ev->type], data);
}

/* ---- built-in commands ---------------------------------------------------- */

static json_t *cmd_qmp_capabilities(struct qmp_call *call, json_t *args);

static json_t *cmd_query_version(struct qmp_call *call, json_t *args)
{
	unsigned int major = 0, minor = 0, micro = 0;

	(void)call;
	(void)args;
	sscanf(MINIVMM_VERSION, "%u.%u.%u", &major, &minor, &micro);
	return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "major", (int)major,
			 "minor", (int)minor, "micro", (int)micro,
			 "package", "minivmm " MINIVMM_VERSION);
}

static json_t *cmd_query_status(struct qmp_call *call, json_t *args)
{
	bool paused = vm_is_paused(call->vm);
	const char *status = !paused ? "running"
			   : call->srv->prelaunch ? "prelaunch" : "paused";

	(void)args;
	return json_pack("{s:b,s:b,s:s}", "running", !paused,
			 "singlestep", 0, "status", status);
}

static json_t *cmd_query_machines(struct qmp_call *call, json_t *args)
{
	const struct machine_type *def = machine_default(), *m;
	json_t *list = json_array();

	(void)call;
	(void)args;
	for (size_t i = 0; list && (m = machine_at(i)); i++) {
		json_t *row = json_pack("{s:s,s:i,s:b,s:b,s:b,s:b}",
					"name", m->name, "cpu-max", VM_MAX_CPUS,
					"hotpluggable-cpus", 0,
					"numa-mem-supported", 0,
					"deprecated", 0, "acpi", 0);

		if (row && m == def) {
			json_object_set_new(row, "is-default", json_true());
			json_object_set_new(row, "alias", json_string(MACHINE_ALIAS));
		}
		if (row)
			json_array_append_new(list, row);
	}
	return list;
}

/* QEMU's CpuInfoFast with the s390x member cpu-state (CpuS390State). */
static json_t *cmd_query_cpus_fast(struct qmp_call *call, json_t *args)
{
	struct vm *vm = call->vm;
	json_t *list = json_array();

	(void)args;
	for (unsigned int i = 0; list && i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];
		char path[64];
		const char *state;
		int tid;
		json_t *row;

		pthread_mutex_lock(&vm->lock);
		state = vcpu->state == VCPU_OPERATING ? "operating" : "stopped";
		tid = vcpu->thread_started && vcpu->tid ? vcpu->tid : (int)getpid();
		pthread_mutex_unlock(&vm->lock);
		snprintf(path, sizeof(path), "/machine/unattached/device[%u]", i);
		row = json_pack("{s:i,s:s,s:i,s:{s:i},s:s,s:s}",
				"cpu-index", (int)i, "qom-path", path,
				"thread-id", tid, "props", "core-id", (int)i,
				"target", "s390x", "cpu-state", state);
		if (row)
			json_array_append_new(list, row);
	}
	return list;
}

static json_t *cmd_stop(struct qmp_call *call, json_t *args)
{
	(void)args;
	if (vm_pause(call->vm))
		vm_emit_event(call->vm, VM_EVENT_STOP, false, NULL);
	return json_object();
}

static json_t *cmd_cont(struct qmp_call *call, json_t *args)
{
	(void)args;
	call->srv->prelaunch = false;
	if (vm_resume(call->vm))
		vm_emit_event(call->vm, VM_EVENT_RESUME, false, NULL);
	return json_object();
}

static json_t *cmd_system_reset(struct qmp_call *call, json_t *args)
{
	char *err = NULL;

	(void)args;
	if (vm_system_reset(call->vm, "host-qmp-system-reset", &err) < 0) {
		qmp_fail(call, QMP_ERR_GENERIC, "%s", err ? err : "reset failed");
		free(err);
		return NULL;
	}
	return json_object();
}

static json_t *cmd_system_powerdown(struct qmp_call *call, json_t *args)
{
	(void)args;
	vm_system_powerdown(call->vm);
	return json_object();
}

static json_t *cmd_quit(struct qmp_call *call, json_t *args)
{
	(void)args;
	/* The reply goes out first; vm_run() then reports SHUTDOWN. */
	vm_request_end(call->vm, VM_END_QUIT, "quit requested over QMP");
	return json_object();
}

static json_t *cmd_query_commands(struct qmp_call *call, json_t *args)
{
	struct qmp_server *srv = call->srv;
	json_t *list = json_array();

	(void)args;
	for (size_t t = 0; list && t < srv->ntables; t++)
		for (size_t i = 0; i < srv->tables[t].n; i++)
			json_array_append_new(list, json_pack("{s:s}", "name",
					      srv->tables[t].rows[i].name));
	return list;
}

static const struct qmp_arg capabilities_args[] = {
	{ "enable", QMP_ARG_ARRAY | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

static const struct qmp_command builtin_commands[] = {
	{ "qmp_capabilities", cmd_qmp_capabilities, capabilities_args },
	{ "query-version", cmd_query_version, NULL },
	{ "query-status", cmd_query_status, NULL },
	{ "query-machines", cmd_query_machines, NULL },
	{ "query-cpus-fast", cmd_query_cpus_fast, NULL },
	{ "query-commands", cmd_query_commands, NULL },
	{ "stop", cmd_stop, NULL },
	{ "cont", cmd_cont, NULL },
	{ "system_reset", cmd_system_reset, NULL },
	{ "system_powerdown", cmd_system_powerdown, NULL },
	{ "quit", cmd_quit, NULL },
};

/* ---- dispatch ------------------------------------------------------------- */

/* The client being served (qmp_capabilities, descriptors it passed). */
struct qmp_call_priv {
	struct qmp_call call;
	struct qmp_client *client;
};

int qmp_call_take_fd(struct qmp_call *call)
{
	struct qmp_client *c = ((struct qmp_call_priv *)call)->client;

	return c ? chr_conn_take_fd(c->conn) : -1;
}

struct qmp_fdstore *qmp_server_fdstore(struct qmp_server *srv)
{
	return srv->fds;
}

static json_t *cmd_qmp_capabilities(struct qmp_call *call, json_t *args)
{
	struct qmp_client *c = ((struct qmp_call_priv *)call)->client;
	json_t *enable = json_object_get(args, "enable"), *cap;
	size_t i;

	if (c->negotiated)
		return qmp_fail(call, QMP_ERR_COMMAND_NOT_FOUND,
				"Capabilities negotiation is already complete, "
				"command ignored");
	/* No optional capability (not even "oob") is offered. */
	json_array_foreach(enable, i, cap) {
		if (!json_is_string(cap))
			return qmp_fail(call, QMP_ERR_GENERIC, "Invalid parameter "
					"type for 'enable[%zu]', expected: string", i);
		return qmp_fail(call, QMP_ERR_GENERIC, "Capability '%s' not "
				"available", json_string_value(cap));
	}
	c->negotiated = true;
	return json_object();
}

static const struct qmp_command *find_command(struct qmp_server *srv,
					      const char *name, void **opaque)
{
	for (size_t t = 0; t < srv->ntables; t++)
		for (size_t i = 0; i < srv->tables[t].n; i++)
			if (!strcmp(srv->tables[t].rows[i].name, name)) {
				*opaque = srv->tables[t].opaque;
				return &srv->tables[t].rows[i];
			}
	return NULL;
}

static void dispatch(struct qmp_client *c, const char *text, size_t len)
{
	struct qmp_server *srv = c->srv;
	struct qmp_call_priv priv = { .call = { .srv = srv, .vm = srv->vm },
				      .client = c };
	enum qmp_error_class cls;
	const struct qmp_command *cmd;
	json_error_t jerr;
	json_t *req, *id, *args, *ret;
	const char *name;
	char *desc = NULL;

	req = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
	if (!req) {
		char msg[256];

		snprintf(msg, sizeof(msg), "JSON parse error, %s", jerr.text);
		send_error(c, QMP_ERR_GENERIC, msg, NULL);
		return;
	}
	id = json_is_object(req) ? json_object_get(req, "id") : NULL;
	if (check_envelope(req, &cls, &desc) < 0)
		goto fail;
	name = json_string_value(json_object_get(req, "execute"));
	if (!c->negotiated && strcmp(name, "qmp_capabilities")) {
		cls = QMP_ERR_COMMAND_NOT_FOUND;
		error_setf(&desc, "Expecting capabilities negotiation with "
			   "'qmp_capabilities'");
		goto fail;
	}
	cmd = find_command(srv, name, &priv.call.opaque);
	if (!cmd) {
		cls = QMP_ERR_COMMAND_NOT_FOUND;
		error_setf(&desc, "The command %s has not been found", name);
		goto fail;
	}
	args = json_object_get(req, "arguments");
	args = args ? json_incref(args) : json_object();
	cls = QMP_ERR_GENERIC;
	if (!args || qmp_check_args(args, cmd->args, &desc) < 0) {
		json_decref(args);
		goto fail;
	}
	ret = cmd->fn(&priv.call, args);
	json_decref(args);
	if (!ret) {
		cls = priv.call.err_class;
		desc = priv.call.err_desc;
		goto fail;
	}
	{
		json_t *msg = json_object();

		if (msg) {
			json_object_set_new(msg, "return", ret);
			if (id)
				json_object_set(msg, "id", id);
			client_send(c, msg);
		} else {
			json_decref(ret);
		}
	}
	json_decref(req);
	chr_conn_drop_fds(c->conn);
	return;
fail:
	send_error(c, cls, desc, id);
	free(desc);
	json_decref(req);
	/* A descriptor belongs to the command it came with: one the command
	 * did not take (or that failed) is closed, as QEMU does. */
	chr_conn_drop_fds(c->conn);
}

/* ---- clients --------------------------------------------------------------- */

static void client_drop(struct qmp_client *c)
{
	struct qmp_server *srv = c->srv;

	for (size_t i = 0; i < QMP_MAX_CLIENTS; i++)
		if (srv->clients[i] == c)
			srv->clients[i] = NULL;
	chr_conn_free(c->conn);
	qmp_framer_free(&c->framer);
	free(c);
}

static void client_input(void *opaque, struct chr_conn *conn,
			 const uint8_t *buf, size_t len)
{
	struct qmp_client *c = opaque;
	const char *text;
	size_t tlen;
	enum qmp_frame_kind k;

	(void)conn;
	if (len == 0) {			/* disconnected, maybe mid-message */
		client_drop(c);
		return;
	}
	qmp_framer_push(&c->framer, buf, len);
	while ((k = qmp_framer_next(&c->framer, &text, &tlen)) != QMP_FRAME_NONE) {
		if (k == QMP_FRAME_ERROR)
			send_error(c, QMP_ERR_GENERIC, text, NULL);
		else
			dispatch(c, text, tlen);
		if (chr_conn_dead(c->conn))
			break;		/* the disconnect follows from the loop */
	}
}

int qmp_server_add_client_fd(struct qmp_server *srv, int fd)
{
	struct qmp_client *c;
	size_t slot;
	unsigned int major = 0, minor = 0, micro = 0;

	for (slot = 0; slot < QMP_MAX_CLIENTS && srv->clients[slot]; slot++)
		;
	if (slot == QMP_MAX_CLIENTS) {
		close(fd);
		return -EMFILE;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->srv = srv;
	qmp_framer_init(&c->framer);
	c->conn = chr_conn_new(srv->ml, fd, client_input, c);
	if (!c->conn) {
		close(fd);
		free(c);
		return -ENOMEM;
	}
	srv->clients[slot] = c;

	sscanf(MINIVMM_VERSION, "%u.%u.%u", &major, &minor, &micro);
	client_send(c, json_pack("{s:{s:{s:{s:i,s:i,s:i},s:s},s:[]}}", "QMP",
				 "version", "qemu", "major", (int)major,
				 "minor", (int)minor, "micro", (int)micro,
				 "package", "minivmm " MINIVMM_VERSION,
				 "capabilities"));
	return 0;
}

static void listener_event(void *opaque, int fd, uint32_t events)
{
	struct qmp_listener *l = opaque;
	int cfd;

	(void)events;
	cfd = chr_accept(fd);
	if (cfd >= 0)
		qmp_server_add_client_fd(l->srv, cfd);
}

int qmp_server_add_endpoint(struct qmp_server *srv, const char *text, char **err)
{
	struct chr_spec spec;
	int fd, rc;

	rc = chr_spec_parse(&spec, text, err);
	if (rc < 0)
		return rc;
	if (!spec.server) {
		fd = chr_connect(&spec, err);
		if (fd < 0)
			return fd;
		return qmp_server_add_client_fd(srv, fd);
	}
	if (srv->nlisteners == QMP_MAX_LISTENERS) {
		error_setf(err, "-qmp: at most %d endpoints", QMP_MAX_LISTENERS);
		return -ENOSPC;
	}
	fd = chr_listen(&spec, err);
	if (fd < 0)
		return fd;
	struct qmp_listener *l = &srv->listeners[srv->nlisteners];
	l->srv = srv;
	l->fd = fd;
	rc = mainloop_add_fd(srv->ml, fd, EPOLLIN, listener_event, l);
	if (rc < 0) {
		close(fd);
		error_setf(err, "-qmp: %s", strerror(-rc));
		return rc;
	}
	srv->nlisteners++;
	if (spec.wait) {		/* QEMU: wait for the first client */
		int cfd = chr_accept(fd);	/* blocking listen socket */

		if (cfd >= 0)
			qmp_server_add_client_fd(srv, cfd);
	}
	return 0;
}

int qmp_server_add_commands(struct qmp_server *srv,
			    const struct qmp_command *table, size_t n,
			    void *opaque, char **err)
{
	void *dummy;

	if (srv->ntables == QMP_MAX_TABLES) {
		error_setf(err, "qmp: too many command tables");
		return -ENOSPC;
	}
	for (size_t i = 0; i < n; i++) {
		if (find_command(srv, table[i].name, &dummy)) {
			error_setf(err, "qmp: command %s registered twice",
				   table[i].name);
			return -EEXIST;
		}
	}
	srv->tables[srv->ntables++] = (struct qmp_table){ table, n, opaque };
	return 0;
}

int qmp_server_create(struct qmp_server **out, struct vm *vm, char **err)
{
	struct qmp_server *srv = calloc(1, sizeof(*srv));

	*out = NULL;
	if (!srv) {
		error_setf(err, "qmp: out of memory");
		return -ENOMEM;
	}
	srv->vm = vm;
	srv->ml = vm->loop;
	srv->fds = qmp_fdstore_new();
	if (!srv->fds) {
		free(srv);
		error_setf(err, "qmp: out of memory");
		return -ENOMEM;
	}
	/* jansson seeds its hash tables from /dev/urandom at the first
	 * json_object(): do it during setup, the sandbox forbids open later. */
	json_object_seed(0);
	qmp_server_add_commands(srv, builtin_commands,
				sizeof(builtin_commands) / sizeof(builtin_commands[0]),
				NULL, NULL);
	qmp_server_add_commands(srv, qmp_fd_commands, qmp_fd_ncommands, srv->fds,
				NULL);
	vm_set_event_sink(vm, vm_event_sink, srv);
	*out = srv;
	return 0;
}

void qmp_server_set_prelaunch(struct qmp_server *srv, bool on)
{
	srv->prelaunch = on;
}

void qmp_server_destroy(struct qmp_server *srv)
{
	if (!srv)
		return;
	if (srv->vm->event_fn == vm_event_sink && srv->vm->event_opaque == srv)
		vm_set_event_sink(srv->vm, NULL, NULL);
	for (size_t i = 0; i < QMP_MAX_CLIENTS; i++) {
		struct qmp_client *c = srv->clients[i];

		if (c) {
			chr_conn_flush(c->conn, 1000);
			client_drop(c);
		}
	}
	for (size_t i = 0; i < srv->nlisteners; i++) {
		mainloop_del_fd(srv->ml, srv->listeners[i].fd);
		close(srv->listeners[i].fd);
		/* The socket file stays (no unlink in the main thread's seccomp
		 * list); the next start removes a stale one, as QEMU does. */
	}
	qmp_fdstore_free(srv->fds);
	free(srv);
}
