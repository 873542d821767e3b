// SPDX-License-Identifier: MIT
/*
 * Live migration over TCP between two minivmm processes on loopback,
 * driven through QMP (tests/lib/qmp-client.h) as any client would.
 *
 * One source runs the miglive guest (tests/migrate/live/miglive.c: it
 * rewrites and checks 1 MiB of memory forever, "miglive round N ok" per
 * round, "miglive BAD ..." and exit 1 on a mismatch) through every case:
 *
 *   refused    destinations with another -m and another -M: the source's
 *              query-migrate says failed with the destination's precise
 *              reason, no page was sent (ram normal = duplicate = 0), a
 *              MIGRATION event failed carries the reason, the destination
 *              exits 1 with the same text, and the source guest runs on;
 *   cancel     migrate_cancel during pre-copy (max-bandwidth 200 kB/s
 *              keeps pass 1 running): cancelling, cancelled, the guest
 *              runs on intact, the destination exits 1 without running;
 *   dest dies  the destination is killed mid-stream: failed with the
 *              reason, the guest runs on;
 *   late fail  a destination whose disk is read-only fails at the
 *              virtio-blk section, sent in the final phase with the guest
 *              stopped: FAILED reaches the source, which resumes it
 *              (STOP, RESUME) and runs on;
 *   live       default parameters, a destination started with -incoming
 *              defer + migrate-incoming tcp:: setup, active,
 *              MIGRATION_PASS, completed; the source stays paused; the
 *              destination's guest goes on checking every page and runs.
 *
 * "Runs on" is shown by new round lines after the failure (and no BAD
 * line).  Every wait is a bounded poll on a condition.
 * argv[1]: miglive.elf; $MINIVMM: the minivmm binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/lib/qmp-client.h"
#include "tests/migrate/proc.h"

static char dir[64], out_src[128], out_dst[128];

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static json_t *query(struct qmp_client *c)
{
	json_t *r = qmp_execute(c, "query-migrate", NULL);
	json_t *ret = json_incref(json_object_get(r, "return"));

	json_decref(r);
	return ret;
}

static bool terminal(const char *st)
{
	return !strcmp(st, "completed") || !strcmp(st, "failed") ||
	       !strcmp(st, "cancelled");
}

/* Poll query-migrate until the status is one of the final ones. */
static json_t *wait_final(struct qmp_client *c)
{
	for (int i = 0; i < PROC_WAIT_STEPS; i++) {
		json_t *q = query(c);
		const char *st = str(q, "status");

		if (!q)
			return NULL;
		if (terminal(st))
			return q;
		json_decref(q);
		usleep(10000);
	}
	return NULL;
}

/* Poll until active with at least min bytes transferred. */
static bool wait_active(struct qmp_client *c, json_int_t min)
{
	for (int i = 0; i < PROC_WAIT_STEPS; i++) {
		json_t *q = query(c);
		json_int_t t = json_integer_value(json_object_get(
			json_object_get(q, "ram"), "transferred"));
		bool ok = !strcmp(str(q, "status"), "active") && t >= min;
		bool over = strcmp(str(q, "status"), "active") &&
			    strcmp(str(q, "status"), "setup");

		json_decref(q);
		if (ok)
			return true;
		if (over || !q)
			return false;
		usleep(10000);
	}
	return false;
}

/* The port the destination listens on (it asked for port 0). */
static int dest_port(struct qmp_client *d)
{
	json_t *q = query(d);
	json_t *sa = json_array_get(json_object_get(q, "socket-address"), 0);
	int port = atoi(str(sa, "port"));

	json_decref(q);
	return port;
}


/* The MIGRATION statuses of one migration, in order ("setup,active,..."),
 * up to the final one (the event may follow query-migrate's answer). */
static void statuses(struct qmp_client *c, char *buf, size_t len,
		     char *failed_desc, size_t dlen)
{
	json_t *ev;
	bool done = false;

	buf[0] = 0;
	if (failed_desc)
		failed_desc[0] = 0;
	while (!done && (ev = qmp_wait_event(c, "MIGRATION"))) {
		json_t *data = json_object_get(ev, "data");

		done = terminal(str(data, "status"));

		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 buf[0] ? "," : "", str(data, "status"));
		if (failed_desc && !strcmp(str(data, "status"), "failed"))
			snprintf(failed_desc, dlen, "%s", str(data, "error-desc"));
		json_decref(ev);
	}
}

static bool running(struct qmp_client *c)
{
	json_t *r = qmp_execute(c, "query-status", NULL);
	bool on = json_is_true(json_object_get(json_object_get(r, "return"),
					       "running"));

	json_decref(r);
	return on;
}

/* The source guest goes on: two more rounds than now, and no BAD. */
static bool source_runs_on(struct qmp_client *s)
{
	unsigned int n = proc_count(out_src, "miglive round");

	return running(s) && proc_wait_count(out_src, "miglive round", n + 2) &&
	       !proc_count(out_src, "miglive BAD");
}

struct dest {
	struct vmm_proc p;
	struct qmp_client *c;
	char uri[64];
};

static bool dest_start(struct dest *d, const char *const *args)
{
	memset(d, 0, sizeof(*d));
	if (proc_spawn(&d->p, true, args, out_dst, NULL) < 0)
		return false;
	d->c = qmp_client_new(d->p.qmp_fd, NULL, NULL, true);
	/* -incoming defer: the migration thread listens on migrate-incoming */
	for (const char *const *a = args; d->c && *a; a++)
		if (!strcmp(*a, "defer")) {
			json_t *r = qmp_execute(d->c, "migrate-incoming",
						json_pack("{s:s}", "uri",
							  "tcp:127.0.0.1:0"));
			bool ok = qmp_reply_ok(r);

			json_decref(r);
			if (!ok)
				return false;
		}
	int port = d->c ? dest_port(d->c) : 0;

	snprintf(d->uri, sizeof(d->uri), "tcp:127.0.0.1:%d", port);
	return port > 0;
}

static bool migrate(struct qmp_client *s, const char *uri)
{
	json_t *r = qmp_execute(s, "migrate", json_pack("{s:s}", "uri", uri));
	bool ok = qmp_reply_ok(r);

	if (!ok)
		ksft_print_msg("migrate %s: %s\n", uri, r ? str(json_object_get(
			r, "error"), "desc") : "no reply");
	json_decref(r);
	return ok;
}

static bool set_bandwidth(struct qmp_client *s, json_int_t bw)
{
	json_t *r = qmp_execute(s, "migrate-set-parameters",
				json_pack("{s:I}", "max-bandwidth", bw));
	bool ok = qmp_reply_ok(r);

	json_decref(r);
	r = qmp_execute(s, "query-migrate-parameters", NULL);
	ok = ok && json_integer_value(json_object_get(json_object_get(r,
			"return"), "max-bandwidth")) == bw;
	json_decref(r);
	return ok;
}

/* A destination that must refuse: different -m, or different -M. */
static void test_refused(struct qmp_client *s, const char *what,
			 const char *const *dargs, const char *needle)
{
	struct dest d;
	char evs[256], evdesc[640];

	if (!dest_start(&d, dargs) || !migrate(s, d.uri)) {
		ksft_test_result_fail("%s: start\n", what);
		ksft_test_result_skip("%s: destination\n", what);
		ksft_test_result_skip("%s: source runs on\n", what);
		proc_show(out_dst, "miglive round", 40);
		vmm_kill(&d.p);
		qmp_client_free(d.c);
		return;
	}
	json_t *q = wait_final(s);
	json_t *ram = json_object_get(q, "ram");
	const char *desc = str(q, "error-desc");

	statuses(s, evs, sizeof(evs), evdesc, sizeof(evdesc));
	ksft_test_result(!strcmp(str(q, "status"), "failed") &&
			 strstr(desc, "refused") && strstr(desc, needle) &&
			 json_integer_value(json_object_get(ram, "normal")) == 0 &&
			 json_integer_value(json_object_get(ram, "duplicate")) == 0 &&
			 json_integer_value(json_object_get(ram, "transferred")) <
			 (1 << 20) &&
			 strstr(evs, "setup") && strstr(evs, "failed") &&
			 !strstr(evs, "active") && strstr(evdesc, needle),
			 "%s: failed before any page, events %s: %s\n", what,
			 evs, desc);
	json_decref(q);

	int ws = vmm_wait(&d.p);
	ksft_test_result(proc_exited_with(ws, 1) && proc_count(out_dst, needle) &&
			 !proc_count(out_dst, "miglive"),
			 "%s: the destination exits 1 with the reason, guest "
			 "never started\n", what);
	if (!proc_exited_with(ws, 1) || !proc_count(out_dst, needle))
		proc_show(out_dst, "miglive round", 40);
	qmp_client_free(d.c);
	ksft_test_result(source_runs_on(s), "%s: the source guest runs on\n",
			 what);
}

static void test_cancel(struct qmp_client *s, const char *const *dargs)
{
	struct dest d;
	char evs[256];
	bool busy = false;

	if (!set_bandwidth(s, 200000) || !dest_start(&d, dargs) ||
	    !migrate(s, d.uri) || !wait_active(s, 1)) {
		ksft_test_result_fail("cancel: start\n");
		ksft_test_result_skip("cancel: destination\n");
		ksft_test_result_skip("cancel: source runs on\n");
		vmm_kill(&d.p);
		qmp_client_free(d.c);
		return;
	}
	/* a second migrate while one runs is refused */
	json_t *r = qmp_execute(s, "migrate", json_pack("{s:s}", "uri", d.uri));
	busy = r && strstr(str(json_object_get(r, "error"), "desc"),
			   "in progress");
	json_decref(r);
	r = qmp_execute(s, "migrate_cancel", NULL);
	bool ok = qmp_reply_ok(r);
	json_decref(r);
	json_t *q = wait_final(s);

	statuses(s, evs, sizeof(evs), NULL, 0);
	ksft_test_result(ok && busy && !strcmp(str(q, "status"), "cancelled") &&
			 strstr(evs, "active,cancelling,cancelled"),
			 "cancel during pre-copy: cancelled (events %s; a second "
			 "migrate refused: %s)\n", evs, busy ? "yes" : "no");
	json_decref(q);
	int ws = vmm_wait(&d.p);
	ksft_test_result(proc_exited_with(ws, 1) && !proc_count(out_dst, "miglive"),
			 "cancel: the destination exits 1 without running\n");
	if (!proc_exited_with(ws, 1))
		proc_show(out_dst, "miglive round", 40);
	qmp_client_free(d.c);
	ksft_test_result(source_runs_on(s), "cancel: the source guest runs on "
			 "intact\n");
}

static void test_dest_killed(struct qmp_client *s, const char *const *dargs)
{
	struct dest d;
	char evs[256];

	if (!dest_start(&d, dargs) || !migrate(s, d.uri) ||
	    !wait_active(s, 20000)) {
		ksft_test_result_fail("destination killed: start\n");
		ksft_test_result_skip("destination killed: source runs on\n");
		vmm_kill(&d.p);
		qmp_client_free(d.c);
		return;
	}
	kill(d.p.pid, SIGKILL);
	vmm_wait(&d.p);
	json_t *q = wait_final(s);

	statuses(s, evs, sizeof(evs), NULL, 0);
	ksft_test_result(!strcmp(str(q, "status"), "failed") &&
			 strstr(str(q, "error-desc"), "destination") &&
			 strstr(evs, "failed"),
			 "destination killed mid-stream: failed: %s\n",
			 str(q, "error-desc"));
	json_decref(q);
	qmp_client_free(d.c);
	ksft_test_result(source_runs_on(s), "destination killed: the source "
			 "guest runs on\n");
}

/*
 * A destination that fails after ACCEPT: its disk is read-only, which
 * only the virtio-blk section (sent in the final phase, with the guest
 * stopped) shows.  FAILED reaches the source, which resumes the guest.
 */
static void test_final_failure(struct qmp_client *s, const char *const *dargs)
{
	struct dest d;
	char evs[256];

	if (!set_bandwidth(s, 128 << 20) || !dest_start(&d, dargs) ||
	    !migrate(s, d.uri)) {
		ksft_test_result_fail("failure in the final phase: start\n");
		ksft_test_result_skip("failure in the final phase: destination\n");
		ksft_test_result_skip("failure in the final phase: source\n");
		vmm_kill(&d.p);
		qmp_client_free(d.c);
		return;
	}
	json_t *q = wait_final(s);
	const char *desc = str(q, "error-desc");

	statuses(s, evs, sizeof(evs), NULL, 0);
	json_t *stop = qmp_take_event(s, "STOP");
	json_t *resume = qmp_take_event(s, "RESUME");
	ksft_test_result(!strcmp(str(q, "status"), "failed") &&
			 strstr(desc, "the destination failed") &&
			 strstr(desc, "read-only") &&
			 strstr(evs, "active,device,failed") && stop && resume,
			 "failure in the final phase: failed (events %s, STOP "
			 "%s, RESUME %s): %s\n", evs, stop ? "yes" : "no",
			 resume ? "yes" : "no", desc);
	json_decref(stop);
	json_decref(resume);
	json_decref(q);
	int ws = vmm_wait(&d.p);
	ksft_test_result(proc_exited_with(ws, 1) && proc_count(out_dst, "read-only") &&
			 !proc_count(out_dst, "miglive"),
			 "failure in the final phase: the destination exits 1 "
			 "with the reason, guest never started\n");
	if (!proc_exited_with(ws, 1))
		proc_show(out_dst, "miglive round", 40);
	qmp_client_free(d.c);
	ksft_test_result(source_runs_on(s), "failure in the final phase: the "
			 "source guest was resumed and runs on intact\n");
}

static void test_live(struct qmp_client *s, const char *const *dargs)
{
	struct dest d;
	char evs[256];
	json_t *pass;

	if (!set_bandwidth(s, 128 << 20) || !dest_start(&d, dargs) ||
	    !migrate(s, d.uri)) {
		ksft_test_result_fail("live: start\n");
		for (int i = 0; i < 3; i++)
			ksft_test_result_skip("live: not started\n");
		vmm_kill(&d.p);
		qmp_client_free(d.c);
		return;
	}
	json_t *q = wait_final(s);
	json_t *ram = json_object_get(q, "ram");

	statuses(s, evs, sizeof(evs), NULL, 0);
	pass = qmp_take_event(s, "MIGRATION_PASS");
	ksft_test_result(!strcmp(str(q, "status"), "completed") &&
			 strstr(evs, "setup,active") && strstr(evs, "completed") &&
			 pass && json_integer_value(json_object_get(ram, "total")) ==
			 128 << 20 && json_integer_value(json_object_get(ram,
			 "normal")) > 0 && json_object_get(q, "downtime"),
			 "live: completed (events %s, %lld bytes, downtime %lld "
			 "ms)\n", evs, json_integer_value(json_object_get(ram,
			 "transferred")), json_integer_value(json_object_get(q,
			 "downtime")));
	if (strcmp(str(q, "status"), "completed"))
		ksft_print_msg("source: %s\n", str(q, "error-desc"));
	json_decref(pass);
	json_decref(q);
	ksft_test_result(!running(s), "live: the source stays paused\n");

	/* The destination's guest checks every page and goes on. */
	bool ok = proc_wait_count(out_dst, "miglive round", 3);
	q = query(d.c);
	ksft_test_result(ok && !proc_count(out_dst, "miglive BAD") &&
			 !proc_count(out_dst, "miglive start") &&
			 !strcmp(str(q, "status"), "completed") && running(d.c),
			 "live: the destination guest verifies its memory and "
			 "runs\n");
	if (!ok || proc_count(out_dst, "miglive BAD"))
		proc_show(out_dst, "miglive round", 40);
	json_decref(q);
	json_decref(qmp_execute(d.c, "quit", NULL));
	int ws = vmm_wait(&d.p);
	ksft_test_result(proc_exited_with(ws, 0), "live: the destination quits\n");
	qmp_client_free(d.c);
}

int main(int argc, char **argv)
{
	ksft_print_header();
	ksft_set_plan(21);
	if (argc < 2 || !getenv("MINIVMM"))
		ksft_exit_skip("usage: MINIVMM=minivmm %s miglive.elf\n", argv[0]);
	snprintf(dir, sizeof(dir), "/tmp/minivmm-live-XXXXXX");
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(out_src, sizeof(out_src), "%s/src.out", dir);
	snprintf(out_dst, sizeof(out_dst), "%s/dst.out", dir);

	/* Every VM has a virtio-blk disk (the guest does not use it); the
	 * read-only one differs only in the section sent in the final phase. */
	char img[128], drive[192], drive_ro[224];
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	int ifd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (ifd < 0 || ftruncate(ifd, 1 << 20) < 0)
		ksft_exit_fail_msg("%s: %s\n", img, strerror(errno));
	close(ifd);
	snprintf(drive, sizeof(drive), "file=%s,format=raw,if=none,id=d0", img);
	snprintf(drive_ro, sizeof(drive_ro), "%s,readonly=on", drive);
#define DISK(d) "-drive", d, "-device", "virtio-blk-ccw,drive=d0"
	const char *const sargs[] = { "-M", "s390-ccw-mini-3", DISK(drive),
				      "-kernel", argv[1], NULL };
	const char *const dargs[] = { "-M", "s390-ccw-mini-3", DISK(drive),
				      "-incoming", "tcp:127.0.0.1:0", NULL };
	const char *const dargs_m[] = { "-M", "s390-ccw-mini-3", "-m", "256",
					DISK(drive), "-incoming",
					"tcp:127.0.0.1:0", NULL };
	const char *const dargs_defer[] = { "-M", "s390-ccw-mini-3", DISK(drive),
					    "-incoming", "defer", NULL };
	const char *const dargs_t[] = { "-M", "s390-ccw-mini-1", DISK(drive),
					"-incoming", "tcp:127.0.0.1:0", NULL };
	const char *const dargs_ro[] = { "-M", "s390-ccw-mini-3",
					 DISK(drive_ro), "-incoming",
					 "tcp:127.0.0.1:0", NULL };
	struct vmm_proc sp;

	if (proc_spawn(&sp, true, sargs, out_src, NULL) < 0)
		ksft_exit_fail_msg("cannot start the source\n");
	struct qmp_client *s = qmp_client_new(sp.qmp_fd, NULL, NULL, true);
	bool up = s && proc_wait_count(out_src, "miglive round", 2);
	ksft_test_result(up, "source: the guest runs\n");

	/* URIs the source refuses at once. */
	json_t *r = qmp_execute(s, "migrate", json_pack("{s:s}", "uri",
				"tcp:no-such-host:1"));
	ksft_test_result(r && strstr(str(json_object_get(r, "error"), "desc"),
				     "bad host") && running(s),
			 "migrate tcp:no-such-host:1: %s\n",
			 str(json_object_get(r, "error"), "desc"));
	json_decref(r);

	test_refused(s, "refused (-m 256)", dargs_m, "configuration mismatch");
	test_refused(s, "refused (-M s390-ccw-mini-1)", dargs_t,
		     "machine type mismatch");
	test_cancel(s, dargs);
	test_dest_killed(s, dargs);
	test_final_failure(s, dargs_ro);
	test_live(s, dargs_defer);

	json_decref(qmp_execute(s, "quit", NULL));
	int ws = vmm_wait(&sp);
	ksft_test_result(proc_exited_with(ws, 0) && !proc_count(out_src, "miglive BAD"),
			 "source: quits after the migration\n");
	if (!proc_exited_with(ws, 0))
		proc_show(out_src, "miglive round", 40);
	qmp_client_free(s);
	unlink(out_src);
	unlink(out_dst);
	unlink(img);
	rmdir(dir);
	ksft_finished();
}
