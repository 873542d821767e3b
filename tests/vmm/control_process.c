// SPDX-License-Identifier: MIT
/*
 * The control plane of a real minivmm process, started the way libqtest
 * starts QEMU: the test listens on unix sockets and minivmm connects with
 * -qmp unix:PATH and -qtest unix:PATH (-accel qtest: no guest CPU, no
 * kernel).  Then a second process with -qmp ...,server=on,wait=off, -S
 * and SIGTERM.
 */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ksft.h"
#include "../lib/qmp-client.h"

static const char *status_of(struct qmp_client *c)
{
	static char buf[32];
	json_t *r = qmp_execute(c, "query-status", NULL);

	snprintf(buf, sizeof(buf), "%s",
		 json_string_value(json_object_get(json_object_get(r, "return"), "status")) ?: "?");
	json_decref(r);
	return buf;
}

static bool exited_zero(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_qtest_process(void)
{
	static const char *const args[] = { "-m", "32", NULL };
	struct vmm_proc p;
	int rc = vmm_spawn(&p, true, true, args);

	if (rc < 0) {
		ksft_test_result_fail("spawn minivmm -qmp -qtest: %s\n", strerror(-rc));
		return;
	}
	struct qmp_client *c = qmp_client_new(p.qmp_fd, NULL, NULL, true);
	struct qtest_client *q = qtest_client_new(p.qtest_fd, NULL, NULL);
	uint64_t v = 0;

	ksft_test_result(c != NULL, "QMP greeting and negotiation over a socket\n");
	qtest_writel(q, 0x10000, 0xcafef00d);
	ksft_test_result(qtest_readl(q, 0x10000) == 0xcafef00d &&
			 qtest_inb(q, 0x3f5) == 0xff,
			 "qtest: storage round trip, unassigned port reads 0xff\n");
	ksft_test_result(qtest_cmd_ok(q, &v, "clock_step 1000") && v == 1000,
			 "qtest: virtual clock starts at 0 and steps\n");
	if (c) {
		json_t *r = qmp_execute(c, "stop", NULL), *ev = qmp_wait_event(c, "STOP");
		ksft_test_result(qmp_reply_ok(r) && ev && !strcmp(status_of(c), "paused"),
				 "QMP stop: STOP event, paused\n");
		json_decref(r);
		json_decref(ev);
		r = qmp_execute(c, "cont", NULL);
		ev = qmp_wait_event(c, "RESUME");
		ksft_test_result(qmp_reply_ok(r) && ev && !strcmp(status_of(c), "running"),
				 "QMP cont: RESUME event, running\n");
		json_decref(r);
		json_decref(ev);
		r = qmp_execute(c, "quit", NULL);
		ev = qmp_wait_event(c, "SHUTDOWN");
		if (!qmp_reply_ok(r) || !ev)
			ksft_print_msg("quit reply %s, SHUTDOWN %s\n", r ? "ok" : "missing", ev ? "ok" : "missing");
		ksft_test_result(qmp_reply_ok(r) && ev &&
				 !strcmp(json_string_value(json_object_get(json_object_get(ev, "data"),
									   "reason")) ?: "", "host-qmp-quit"),
				 "QMP quit: reply, then SHUTDOWN host-qmp-quit\n");
		json_decref(r);
		json_decref(ev);
	} else {
		for (int i = 0; i < 3; i++)
			ksft_test_result_fail("no QMP client\n");
	}
	ksft_test_result(exited_zero(vmm_wait(&p)), "minivmm exits 0 after quit\n");
	qmp_client_free(c);
	qtest_client_free(q);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (int i = 0; i < 3000; i++) {	/* until minivmm listens */
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		usleep(10000);
	}
	close(fd);
	return -1;
}

static void test_server_mode(void)
{
	char dir[] = "/tmp/minivmm-test-XXXXXX", path[128], spec[160];
	struct vmm_proc p;

	if (!mkdtemp(dir)) {
		ksft_test_result_fail("mkdtemp\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/m.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s,server=on,wait=off", path);
	const char *const args[] = { "-accel", "qtest", "-S", "-qmp", spec, NULL };
	if (vmm_spawn(&p, false, false, args) < 0) {
		ksft_test_result_fail("spawn\n");
		return;
	}
	int fa = connect_unix(path), fb = connect_unix(path);
	struct qmp_client *a = fa >= 0 ? qmp_client_new(fa, NULL, NULL, true) : NULL;
	struct qmp_client *b = fb >= 0 ? qmp_client_new(fb, NULL, NULL, true) : NULL;

	ksft_test_result(a && b && !strcmp(status_of(a), "prelaunch"),
			 "server=on,wait=off: two clients; -S: prelaunch\n");
	if (a && b) {
		json_decref(qmp_execute(a, "cont", NULL));
		json_t *ev = qmp_wait_event(b, "RESUME");
		ksft_test_result(ev && !strcmp(status_of(b), "running"),
				 "cont from one client, RESUME at the other\n");
		json_decref(ev);
	} else {
		ksft_test_result_fail("no clients\n");
	}
	kill(p.pid, SIGTERM);
	json_t *ev = a ? qmp_wait_event(a, "SHUTDOWN") : NULL;
	ksft_test_result(ev && !strcmp(json_string_value(json_object_get(json_object_get(ev, "data"),
									 "reason")) ?: "", "host-signal"),
			 "SIGTERM: SHUTDOWN host-signal\n");
	json_decref(ev);
	ksft_test_result(exited_zero(vmm_wait(&p)), "exit 0\n");
	unlink(path);
	qmp_client_free(a);
	qmp_client_free(b);
	rmdir(dir);
}

int main(void)
{
	ksft_print_header();
	if (!getenv("MINIVMM"))
		ksft_exit_skip("MINIVMM (path of the binary) not set\n");
	ksft_set_plan(11);
	signal(SIGPIPE, SIG_IGN);
	test_qtest_process();
	test_server_mode();
	return ksft_finished();
}
