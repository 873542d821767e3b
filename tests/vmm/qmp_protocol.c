// SPDX-License-Identifier: MIT
/*
 * QMP monitor, in process: a struct vm (soft backend, no vCPU thread) with
 * a QMP server on its loop, clients on socketpairs, the loop pumped while
 * a client waits.  Covers the greeting, capabilities negotiation, every
 * command and event, error replies (qmp-spec.rst), concurrent clients and
 * clients that disconnect mid-message.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../ksft.h"
#include "../lib/qmp-client.h"
#include "vmm/mainloop.h"
#include "vmm/qmp.h"
#include "vmm/vm.h"

static struct vm *vm;
static struct qmp_server *srv;
static int reset_loads;

static void pump(void *opaque)
{
	(void)opaque;
	mainloop_iterate(vm->loop, 1);
}

static int fake_boot(void *opaque, struct vm *v, char **err)
{
	(void)opaque;
	(void)v;
	(void)err;
	reset_loads++;
	return 0;
}

static struct qmp_client *connect_client(bool negotiate)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return NULL;
	if (qmp_server_add_client_fd(srv, sv[0]) < 0) {
		close(sv[1]);
		return NULL;
	}
	return qmp_client_new(sv[1], pump, NULL, negotiate);
}

static bool is_error(json_t *r, const char *cls, const char *desc_part)
{
	const char *c = qmp_error_class(r);
	const char *d = json_string_value(json_object_get(json_object_get(r, "error"), "desc"));
	bool ok = c && !strcmp(c, cls) && (!desc_part || (d && strstr(d, desc_part)));

	if (!ok) {
		char *s = r ? json_dumps(r, 0) : NULL;
		ksft_print_msg("got %s\n", s ? s : "(nothing)");
		free(s);
	}
	json_decref(r);
	return ok;
}

static bool ok_reply(json_t *r)
{
	bool ok = qmp_reply_ok(r);

	json_decref(r);
	return ok;
}

static void test_greeting_and_negotiation(void)
{
	struct qmp_client *c = connect_client(false);
	json_t *v = c ? json_object_get(json_object_get(c->greeting, "QMP"), "version") : NULL;

	ksft_test_result(c && json_is_integer(json_object_get(json_object_get(v, "qemu"), "major")) &&
			 json_is_array(json_object_get(json_object_get(c->greeting, "QMP"), "capabilities")),
			 "greeting has version and capabilities\n");
	if (!c)
		return;
	ksft_test_result(is_error(qmp_execute(c, "query-status", NULL), "CommandNotFound",
				  "capabilities negotiation"),
			 "commands refused before qmp_capabilities\n");
	ksft_test_result(is_error(qmp_execute(c, "qmp_capabilities",
					      json_pack("{s:[s]}", "enable", "oob")),
				  "GenericError", "oob"),
			 "unknown capability refused\n");
	ksft_test_result(ok_reply(qmp_execute(c, "qmp_capabilities", NULL)),
			 "qmp_capabilities\n");
	ksft_test_result(is_error(qmp_execute(c, "qmp_capabilities", NULL), "CommandNotFound",
				  "already complete"),
			 "second qmp_capabilities refused\n");
	qmp_send_raw(c, "{\"execute\": \"query-status\", \"id\": {\"n\": [1, \"x\"]}}\n");
	json_t *r = qmp_recv_reply(c), *want = json_pack("{s:[i,s]}", "n", 1, "x");
	ksft_test_result(qmp_reply_ok(r) && json_equal(json_object_get(r, "id"), want),
			 "id echoed back\n");
	json_decref(want);
	json_decref(r);
	qmp_client_free(c);
}

static void test_queries(struct qmp_client *c)
{
	json_t *r;

	r = qmp_execute(c, "query-version", NULL);
	ksft_test_result(json_is_integer(json_object_get(json_object_get(json_object_get(r, "return"), "qemu"), "minor")) &&
			 json_is_string(json_object_get(json_object_get(r, "return"), "package")),
			 "query-version\n");
	json_decref(r);

	r = qmp_execute(c, "query-status", NULL);
	ksft_test_result(json_is_true(json_object_get(json_object_get(r, "return"), "running")) &&
			 !strcmp(json_string_value(json_object_get(json_object_get(r, "return"), "status")) ?: "", "running"),
			 "query-status: running\n");
	json_decref(r);

	r = qmp_execute(c, "query-machines", NULL);
	json_t *m = json_array_get(json_object_get(r, "return"), 0);
	ksft_test_result(m && json_is_string(json_object_get(m, "name")) &&
			 json_is_integer(json_object_get(m, "cpu-max")),
			 "query-machines\n");
	json_decref(r);

	r = qmp_execute(c, "query-cpus-fast", NULL);
	json_t *list = json_object_get(r, "return");
	json_t *c1 = json_array_get(list, 1);
	ksft_test_result(json_array_size(list) == 2 &&
			 json_integer_value(json_object_get(c1, "cpu-index")) == 1 &&
			 !strcmp(json_string_value(json_object_get(c1, "target")) ?: "", "s390x") &&
			 json_is_string(json_object_get(c1, "cpu-state")),
			 "query-cpus-fast: one row per CPU\n");
	json_decref(r);

	r = qmp_execute(c, "query-commands", NULL);
	size_t i, found = 0;
	json_t *row;
	static const char *const want[] = { "query-version", "query-status", "query-machines",
		"query-cpus-fast", "stop", "cont", "system_reset", "system_powerdown", "quit",
		"query-commands", "qmp_capabilities" };
	json_array_foreach(json_object_get(r, "return"), i, row)
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			if (!strcmp(json_string_value(json_object_get(row, "name")) ?: "", want[k]))
				found++;
	ksft_test_result(found == sizeof(want) / sizeof(want[0]), "query-commands lists all\n");
	json_decref(r);
}

static const char *status_of(struct qmp_client *c)
{
	static char buf[32];
	json_t *r = qmp_execute(c, "query-status", NULL);

	snprintf(buf, sizeof(buf), "%s",
		 json_string_value(json_object_get(json_object_get(r, "return"), "status")) ?: "?");
	json_decref(r);
	return buf;
}

static void test_run_state(struct qmp_client *a, struct qmp_client *b)
{
	json_t *ev;

	ksft_test_result(ok_reply(qmp_execute(a, "stop", NULL)) &&
			 !strcmp(status_of(a), "paused") && vm_is_paused(vm),
			 "stop: paused\n");
	ev = qmp_wait_event(a, "STOP");
	ksft_test_result(ev && json_is_integer(json_object_get(json_object_get(ev, "timestamp"), "seconds")) &&
			 json_is_integer(json_object_get(json_object_get(ev, "timestamp"), "microseconds")),
			 "STOP event with timestamp\n");
	json_decref(ev);
	ev = qmp_wait_event(b, "STOP");
	ksft_test_result(ev != NULL, "STOP event reaches the other client\n");
	json_decref(ev);

	ksft_test_result(ok_reply(qmp_execute(a, "stop", NULL)) && !qmp_take_event(a, "STOP"),
			 "second stop: no event\n");

	ksft_test_result(ok_reply(qmp_execute(b, "cont", NULL)) &&
			 !strcmp(status_of(b), "running") && !vm_is_paused(vm),
			 "cont: running\n");
	ev = qmp_wait_event(a, "RESUME");
	ksft_test_result(ev != NULL, "RESUME event\n");
	json_decref(ev);
	json_decref(qmp_wait_event(b, "RESUME"));

	int loads = reset_loads;
	ksft_test_result(ok_reply(qmp_execute(a, "system_reset", NULL)) &&
			 reset_loads == loads + 1 && !vm_is_paused(vm),
			 "system_reset reloads the guest, stays running\n");
	ev = qmp_wait_event(a, "RESET");
	ksft_test_result(ev && json_is_false(json_object_get(json_object_get(ev, "data"), "guest")) &&
			 !strcmp(json_string_value(json_object_get(json_object_get(ev, "data"), "reason")) ?: "",
				 "host-qmp-system-reset"),
			 "RESET event {guest: false, reason: host-qmp-system-reset}\n");
	json_decref(ev);
	ksft_test_result(vm->vcpus[0]->state == VCPU_OPERATING &&
			 vm->vcpus[1]->state == VCPU_STOPPED,
			 "after reset CPU 0 operates, CPU 1 is stopped\n");

	ksft_test_result(ok_reply(qmp_execute(a, "system_powerdown", NULL)), "system_powerdown\n");
	ev = qmp_wait_event(a, "POWERDOWN");
	ksft_test_result(ev != NULL, "POWERDOWN event\n");
	json_decref(ev);
	json_decref(qmp_wait_event(b, "RESET"));
	json_decref(qmp_wait_event(b, "POWERDOWN"));
}

static void test_bad_input(struct qmp_client *c)
{
	json_t *r;

	qmp_send_raw(c, "{bad json\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "JSON parse error"),
			 "malformed JSON: parse error reply\n");
	qmp_send_raw(c, "[1, 2]\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "must be a JSON object"),
			 "non-object request\n");
	qmp_send_raw(c, "42 ");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "must be a JSON object"),
			 "scalar request\n");
	qmp_send_raw(c, "}\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "JSON parse error"),
			 "stray closing bracket\n");
	qmp_send_raw(c, "{\"arguments\": {}}\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "lacks member 'execute'"),
			 "missing execute\n");
	qmp_send_raw(c, "{\"execute\": 3}\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "'execute' must be a string"),
			 "execute not a string\n");
	qmp_send_raw(c, "{\"execute\": \"stop\", \"arguments\": []}\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "'arguments' must be an object"),
			 "arguments not an object\n");
	qmp_send_raw(c, "{\"execute\": \"stop\", \"bogus\": 1}\n");
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "'bogus' is unexpected"),
			 "unknown member\n");
	ksft_test_result(is_error(qmp_execute(c, "no-such-command", NULL), "CommandNotFound",
				  "no-such-command"),
			 "unknown command: CommandNotFound\n");
	ksft_test_result(is_error(qmp_execute(c, "cont", json_pack("{s:i}", "x", 1)),
				  "GenericError", "'x' is unexpected"),
			 "unexpected argument\n");
	/* Type check, required argument: through qmp_check_args directly. */
	static const struct qmp_arg schema[] = {
		{ "name", QMP_ARG_STR }, { "count", QMP_ARG_INT | QMP_ARG_OPTIONAL }, { NULL, 0 },
	};
	char *desc = NULL;
	json_t *a = json_pack("{s:s,s:s}", "name", "x", "count", "three");
	ksft_test_result(qmp_check_args(a, schema, &desc) < 0 && desc &&
			 strstr(desc, "expected: integer"), "wrong argument type\n");
	free(desc);
	desc = NULL;
	json_decref(a);
	a = json_pack("{s:i}", "count", 3);
	ksft_test_result(qmp_check_args(a, schema, &desc) < 0 && desc &&
			 strstr(desc, "'name' is missing"), "missing argument\n");
	free(desc);
	json_decref(a);
	ksft_test_result(is_error(qmp_execute(c, "qmp_capabilities", json_pack("{s:s}", "enable", "x")),
				  "GenericError", "expected: array"),
			 "argument type checked against the schema\n");

	/* Deep nesting and a huge text are refused, the session goes on. */
	char deep[200];
	memset(deep, '[', 100);
	deep[100] = '\n';
	deep[101] = '\0';
	qmp_send_raw(c, deep);
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "nesting"),
			 "nesting over %d refused\n", QMP_MAX_DEPTH);
	size_t big = 2 * QMP_MAX_REQUEST;
	char *huge = malloc(big + 64);
	strcpy(huge, "{\"execute\": \"stop\", \"id\": \"");
	memset(huge + strlen(huge), 'a', big);
	strcpy(huge + big, "\"}\n");
	qmp_send_raw(c, huge);
	free(huge);
	ksft_test_result(is_error(qmp_recv_reply(c), "GenericError", "too long"),
			 "request over %u bytes refused\n", QMP_MAX_REQUEST);
	/* Several requests in one write, split across writes. */
	qmp_send_raw(c, "{\"execute\":\"query-status\",\"id\":1}{\"execute\":\"query-st");
	qmp_send_raw(c, "atus\",\"id\":2}\n");
	json_t *r1 = qmp_recv_reply(c), *r2 = qmp_recv_reply(c);
	ksft_test_result(json_integer_value(json_object_get(r1, "id")) == 1 &&
			 json_integer_value(json_object_get(r2, "id")) == 2,
			 "pipelined and split requests, replies in order\n");
	json_decref(r1);
	json_decref(r2);
	r = qmp_execute(c, "query-status", NULL);
	ksft_test_result(qmp_reply_ok(r), "session usable after bad input\n");
	json_decref(r);
}

static void test_disconnects(void)
{
	struct qmp_client *c = connect_client(true);
	bool ok = c != NULL;

	if (c) {
		qmp_send_raw(c, "{\"execute\": \"query-sta");
		qmp_client_free(c);	/* gone mid-message */
	}
	for (int i = 0; i < 10; i++)
		pump(NULL);
	/* All client slots can be used and freed again. */
	struct qmp_client *many[QMP_MAX_CLIENTS];
	int n = 0;
	for (; n < QMP_MAX_CLIENTS; n++)
		if (!(many[n] = connect_client(true)))
			break;
	ok = ok && n >= QMP_MAX_CLIENTS - 2;	/* two kept by the caller */
	for (int i = 0; i < n; i++)
		qmp_client_free(many[i]);
	for (int i = 0; i < 10; i++)
		pump(NULL);
	c = connect_client(true);
	json_t *r = c ? qmp_execute(c, "query-version", NULL) : NULL;
	ksft_test_result(ok && qmp_reply_ok(r),
			 "mid-message disconnects and %d clients leave the server working\n", n);
	json_decref(r);
	qmp_client_free(c);
}

int main(void)
{
	struct vm_config cfg = {
		.ram_size = 16 << 20, .ncpus = 2, .backend = &soft_backend_ops,
		.console_in = -1, .console_out = STDERR_FILENO,
	};
	char *err = NULL;

	ksft_print_header();
	ksft_set_plan(43);
	if (vm_create(&vm, &cfg, &err) < 0 || qmp_server_create(&srv, vm, &err) < 0)
		ksft_exit_fail_msg("setup: %s\n", err ? err : "?");
	vm_set_boot_hook(vm, fake_boot, NULL);
	/* No vCPU thread runs until vm_run(); CPU 0 operating as after IPL. */
	vcpu_start(vm->vcpus[0]);

	test_greeting_and_negotiation();
	struct qmp_client *a = connect_client(true), *b = connect_client(true);
	if (!a || !b)
		ksft_exit_fail_msg("cannot connect two clients\n");
	test_queries(a);
	test_run_state(a, b);
	test_bad_input(a);
	test_disconnects();

	ksft_test_result(ok_reply(qmp_execute(b, "quit", NULL)) &&
			 atomic_load(&vm->end) == VM_END_QUIT, "quit ends the VM\n");
	enum vm_end end = vm_run(vm);	/* returns at once, reports SHUTDOWN */
	qmp_server_destroy(srv);	/* flushes the event */
	json_t *ev = qmp_wait_event(a, "SHUTDOWN");
	ksft_test_result(end == VM_END_QUIT && ev &&
			 !strcmp(json_string_value(json_object_get(json_object_get(ev, "data"), "reason")) ?: "",
				 "host-qmp-quit"),
			 "SHUTDOWN event, reason host-qmp-quit\n");
	json_decref(ev);
	ev = qmp_wait_event(b, "SHUTDOWN");
	ksft_test_result(ev != NULL, "SHUTDOWN reaches every client\n");
	json_decref(ev);
	qmp_client_free(a);
	qmp_client_free(b);
	vm_destroy(vm);
	return ksft_finished();
}
