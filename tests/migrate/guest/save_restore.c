// SPDX-License-Identifier: MIT
/*
 * Save and restore of a running guest across minivmm processes:
 *
 *   source       minivmm -qmp ... -M s390-ccw-mini-3 -kernel migcount.elf;
 *                QMP migrate {"uri": "file:PATH"} mid-run; the source
 *                keeps running and prints the right final checksum;
 *   destination  minivmm -M s390-ccw-mini-3 -incoming file:PATH continues
 *                from the saved point (no "start" line, a later progress
 *                line first) and prints the same checksum;
 *   refusals     -M s390-ccw-mini-1 against the -3 stream, a truncated and
 *                a corrupted file: exit status 1 with a precise message,
 *                no guest output; QMP migrate to a bad URI or an
 *                uncreatable file is an error reply and the guest runs on.
 *
 * The expected checksum comes from tests/guests/migcount.h, run here.
 * argv[1]: migcount.elf.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/lib/qmp-client.h"
#include "tests/guests/migcount.h"
#include "tests/migrate/proc.h"

static char dir[64], out_src[128], out_dst[128], state[128];

/* The final line the guest must print. */
static void expected_done(char *buf, size_t len)
{
	static uint64_t tab[MIGCOUNT_WORDS];
	uint64_t x = 1;

	for (uint32_t i = 0; i < MIGCOUNT_ITERS; i++)
		x = migcount_step(x, i, tab);
	snprintf(buf, len, "migcount done %016llx\n",
		 (unsigned long long)migcount_sum(x, tab));
}

static const char *error_desc(const json_t *r)
{
	const char *d = json_string_value(json_object_get(
		json_object_get(r, "error"), "desc"));
	return d ? d : "";
}

static void test_source(const char *guest, const char *done)
{
	const char *const args[] = { "-M", "s390-ccw-mini-3", "-kernel", guest,
				     NULL };
	struct vmm_proc p;
	char uri[160];
	int ws;

	if (proc_spawn(&p, true, args, out_src, NULL) < 0) {
		ksft_test_result_fail("spawn the source\n");
		return;
	}
	struct qmp_client *c = qmp_client_new(p.qmp_fd, NULL, NULL, true);
	bool started = c && proc_wait_for(out_src, "migcount progress 2\n");

	ksft_test_result(started, "source: the guest runs\n");

	json_t *r = qmp_execute(c, "query-migrate", NULL);
	ksft_test_result(r && qmp_reply_ok(r) &&
			 json_object_size(json_object_get(r, "return")) == 0,
			 "query-migrate before any migration: {}\n");
	json_decref(r);

	r = qmp_execute(c, "migrate", json_pack("{s:s}", "uri", "exec:cat"));
	ksft_test_result(r && !strcmp(qmp_error_class(r) ? qmp_error_class(r) : "",
				      "GenericError") &&
			 strstr(error_desc(r), "unknown migration protocol: exec:cat"),
			 "migrate exec: is refused: %s\n", r ? error_desc(r) : "no reply");
	json_decref(r);

	snprintf(uri, sizeof(uri), "file:%s/no-such-dir/state", dir);
	r = qmp_execute(c, "migrate", json_pack("{s:s}", "uri", uri));
	ksft_test_result(r && qmp_error_class(r) && strstr(error_desc(r), uri) &&
			 strstr(error_desc(r), "No such file or directory"),
			 "migrate to an uncreatable file: %s\n",
			 r ? error_desc(r) : "no reply");
	json_decref(r);
	r = qmp_execute(c, "query-migrate", NULL);
	json_t *ret = json_object_get(r, "return");
	ksft_test_result(ret && !strcmp(json_string_value(json_object_get(ret, "status"))
					? json_string_value(json_object_get(ret, "status")) : "",
					"failed") &&
			 strstr(json_string_value(json_object_get(ret, "error-desc"))
				? json_string_value(json_object_get(ret, "error-desc")) : "",
				"no-such-dir"),
			 "query-migrate after a failure: failed with error-desc\n");
	json_decref(r);

	snprintf(uri, sizeof(uri), "file:%s", state);
	r = qmp_execute(c, "migrate", json_pack("{s:s}", "uri", uri));
	ksft_test_result(r && qmp_reply_ok(r), "migrate %s: %s\n", uri,
			 !r ? "no reply" : !qmp_reply_ok(r) ? error_desc(r) : "ok");
	json_decref(r);

	r = qmp_execute(c, "query-migrate", NULL);
	ret = json_object_get(r, "return");
	json_t *ram = json_object_get(ret, "ram");
	struct stat st;
	ksft_test_result(ret && !strcmp(json_string_value(json_object_get(ret, "status"))
					? json_string_value(json_object_get(ret, "status")) : "",
					"completed") &&
			 stat(state, &st) == 0 &&
			 json_integer_value(json_object_get(ram, "transferred")) ==
			 (json_int_t)st.st_size,
			 "query-migrate: completed, transferred = file size\n");
	json_decref(r);

	r = qmp_execute(c, "query-status", NULL);
	ksft_test_result(r && json_is_true(json_object_get(json_object_get(r, "return"),
							   "running")),
			 "the source runs on after the save\n");
	json_decref(r);

	ws = vmm_wait(&p);
	char *s = slurp(out_src);
	ksft_test_result(proc_exited_with(ws, 0) && s && strstr(s, done),
			 "source finishes with the right checksum\n");
	if (!proc_exited_with(ws, 0) || !s || !strstr(s, done))
		proc_show(out_src, "migcount progress", UINT_MAX);
	free(s);
	qmp_client_free(c);
}

static void test_destination(const char *done)
{
	char uri[160];
	const char *const args[] = { "-M", "s390-ccw-mini-3", "-incoming", uri,
				     NULL };
	struct vmm_proc p;
	unsigned int first = 0;

	snprintf(uri, sizeof(uri), "file:%s", state);
	if (proc_spawn(&p, false, args, out_dst, NULL) < 0) {
		ksft_test_result_fail("spawn the destination\n");
		return;
	}
	int ws = vmm_wait(&p);
	char *s = slurp(out_dst);
	const char *pl = s ? strstr(s, "migcount progress ") : NULL;

	if (pl)
		first = (unsigned int)strtoul(pl + 18, NULL, 10);
	ksft_test_result(proc_exited_with(ws, 0) && s && strstr(s, done),
			 "destination finishes with the same checksum\n");
	ksft_test_result(s && !strstr(s, "migcount start") && first >= 3,
			 "destination continues from the saved point (first "
			 "progress line %u)\n", first);
	if (!proc_exited_with(ws, 0) || !s || !strstr(s, done))
		proc_show(out_dst, "migcount progress", UINT_MAX);
	free(s);
}

/*
 * -smp 2: CPU 1 counts, CPU 0 is stopped.  The restored stopped CPU 0
 * must stay stopped (vm_run() starts no CPU after -incoming).
 */
static void test_smp(const char *guest, const char *done)
{
	char uri[160];
	const char *const sargs[] = { "-smp", "2", "-kernel", guest, NULL };
	const char *const dargs[] = { "-smp", "2", "-incoming", uri, NULL };
	struct vmm_proc p;
	bool saved = false;

	snprintf(uri, sizeof(uri), "file:%s", state);
	if (proc_spawn(&p, true, sargs, out_src, NULL) == 0) {
		struct qmp_client *c = qmp_client_new(p.qmp_fd, NULL, NULL, true);

		if (c && proc_wait_for(out_src, "migcount progress 2\n")) {
			json_t *r = qmp_execute(c, "migrate",
						json_pack("{s:s}", "uri", uri));
			saved = r && qmp_reply_ok(r);
			json_decref(r);
		}
		vmm_wait(&p);
		qmp_client_free(c);
	}
	if (!saved || proc_spawn(&p, false, dargs, out_dst, NULL) < 0) {
		ksft_test_result_fail("-smp 2: save mid-run\n");
		proc_show(out_src, "migcount progress", UINT_MAX);
		return;
	}
	int ws = vmm_wait(&p);
	char *o = slurp(out_dst);

	ksft_test_result(proc_exited_with(ws, 0) && o && strstr(o, done) &&
			 !strstr(o, "cpu0 resumed") && !strstr(o, "migcount start"),
			 "-smp 2: the restored stopped CPU 0 stays stopped, CPU 1 "
			 "finishes\n");
	if (!proc_exited_with(ws, 0) || !o || !strstr(o, done))
		proc_show(out_dst, "migcount progress", UINT_MAX);
	free(o);
}

/* -incoming defer, then QMP migrate-incoming (the -smp 2 stream). */
static void test_defer(const char *done)
{
	char uri[160];
	const char *const args[] = { "-smp", "2", "-incoming", "defer", NULL };
	struct vmm_proc p;

	snprintf(uri, sizeof(uri), "file:%s", state);
	if (proc_spawn(&p, true, args, out_dst, NULL) < 0) {
		ksft_test_result_fail("-incoming defer: spawn\n");
		return;
	}
	struct qmp_client *c = qmp_client_new(p.qmp_fd, NULL, NULL, true);
	json_t *bad = qmp_execute(c, "migrate-incoming",
				  json_pack("{s:s}", "uri", "exec:cat"));
	json_t *good = qmp_execute(c, "migrate-incoming",
				   json_pack("{s:s}", "uri", uri));
	int ws = vmm_wait(&p);
	char *o = slurp(out_dst);

	ksft_test_result(bad && strstr(error_desc(bad), "unknown migration protocol: exec:cat") &&
			 good && qmp_reply_ok(good) && proc_exited_with(ws, 0) &&
			 o && strstr(o, done) && !strstr(o, "cpu0 resumed"),
			 "-incoming defer: migrate-incoming refuses exec:, loads "
			 "file: and the guest finishes\n");
	if (!o || !strstr(o, done))
		proc_show(out_dst, "migcount progress", UINT_MAX);
	json_decref(bad);
	json_decref(good);
	qmp_client_free(c);
	free(o);
}

/* minivmm args... must end with status 1, no guest output, and every
 * needle in its message. */
static void refused(const char *what, const char *const *args,
		    const char *const *needles)
{
	struct vmm_proc p;
	bool ok;

	if (proc_spawn(&p, false, args, out_dst, NULL) < 0) {
		ksft_test_result_fail("%s: spawn\n", what);
		return;
	}
	int ws = vmm_wait(&p);
	char *s = slurp(out_dst);

	ok = proc_exited_with(ws, 1) && s && !strstr(s, "migcount");
	for (; ok && *needles; needles++)
		ok = strstr(s, *needles) != NULL;
	ksft_test_result(ok, "%s is refused up front\n", what);
	proc_show(out_dst, "migcount progress", UINT_MAX);
	free(s);
}

/* minivmm-stream on path: its exit status and output. */
static int run_stream_tool(const char *path, char **output)
{
	char cmd[512], out[160];

	snprintf(out, sizeof(out), "%s/tool.out", dir);
	snprintf(cmd, sizeof(cmd), "'%s' '%s' >'%s' 2>&1", getenv("MINIVMM_STREAM"),
		 path, out);
	int ws = system(cmd);
	*output = slurp(out);
	unlink(out);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static void test_stream_tool(const char *damaged)
{
	char *o = NULL;
	int st = run_stream_tool(state, &o);

	ksft_test_result(st == 0 && o && strstr(o, "machine s390-ccw-mini-3") &&
			 strstr(o, "section cpu instance 0 version 1") &&
			 strstr(o, "psw_addr u64 = ") && strstr(o, "END") &&
			 strstr(o, "stream checksum ok"),
			 "minivmm-stream prints the records, sections and fields\n");
	if (st != 0)
		ksft_print_msg("minivmm-stream said: %.300s\n", o ? o : "");
	free(o);
	st = run_stream_tool(damaged, &o);
	ksft_test_result(st == 1 && o && strstr(o, "minivmm-stream: "),
			 "minivmm-stream: a damaged stream ends with status 1\n");
	free(o);
}

static int copy_damaged(const char *to, long cut, long flip)
{
	char *cmd;
	FILE *in = fopen(state, "rb"), *out = fopen(to, "wb");
	long n = 0;
	int ch;

	(void)cmd;
	if (!in || !out) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	while ((ch = fgetc(in)) != EOF && (cut < 0 || n < cut)) {
		fputc(n == flip ? ch ^ 0x40 : ch, out);
		n++;
	}
	fclose(in);
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	char done[64], uri[160], damaged[128];
	struct stat st;

	ksft_print_header();
	ksft_set_plan(19);
	if (argc < 2 || !getenv("MINIVMM"))
		ksft_exit_skip("usage: MINIVMM=minivmm %s migcount.elf\n", argv[0]);
	snprintf(dir, sizeof(dir), "/tmp/minivmm-mig-XXXXXX");
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(out_src, sizeof(out_src), "%s/src.out", dir);
	snprintf(out_dst, sizeof(out_dst), "%s/dst.out", dir);
	snprintf(state, sizeof(state), "%s/state.mig", dir);
	snprintf(damaged, sizeof(damaged), "%s/damaged.mig", dir);
	expected_done(done, sizeof(done));

	test_source(argv[1], done);
	test_destination(done);

	snprintf(uri, sizeof(uri), "file:%s", state);
	const char *const older[] = { "-M", "s390-ccw-mini-1", "-incoming", uri, NULL };
	const char *const older_needles[] = { "s390-ccw-mini-1", "s390-ccw-mini-3",
					      "machine type", NULL };
	refused("machine type -1 against a -3 stream", older, older_needles);

	snprintf(uri, sizeof(uri), "file:%s", damaged);
	const char *const args[] = { "-M", "s390-ccw-mini-3", "-incoming", uri, NULL };
	const char *const needles[] = { "-incoming", uri, NULL };
	if (stat(state, &st) == 0 && copy_damaged(damaged, st.st_size / 2, -1) == 0)
		refused("a file cut in half", args, needles);
	else
		ksft_test_result_fail("a file cut in half: copy\n");
	if (getenv("MINIVMM_STREAM"))
		test_stream_tool(damaged);
	else
		ksft_test_result_skip("minivmm-stream: $MINIVMM_STREAM not set\n"),
		ksft_test_result_skip("minivmm-stream: damaged\n");
	if (stat(state, &st) == 0 && copy_damaged(damaged, -1, st.st_size / 2) == 0)
		refused("a file with one byte flipped", args, needles);
	else
		ksft_test_result_fail("a file with one byte flipped: copy\n");

	snprintf(uri, sizeof(uri), "file:%s/absent.mig", dir);
	const char *const needles2[] = { "-incoming", uri, "No such file", NULL };
	refused("a missing file", args, needles2);

	test_smp(argv[1], done);
	test_defer(done);

	unlink(out_src);
	unlink(out_dst);
	unlink(state);
	unlink(damaged);
	rmdir(dir);
	ksft_finished();
}
