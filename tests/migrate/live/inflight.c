// SPDX-License-Identifier: MIT
/*
 * Live migration over TCP with device state in the middle of an
 * operation, the guest verifying after it resumes on the destination:
 *
 *   inflight blk GUEST.elf [M]       virtio-blk requests in flight
 *                                    (tests/migrate/guest/migblk.c);
 *   inflight fdc NAME GUEST.elf [M]  a floppy command stopped in the
 *                                    command, execution or result phase
 *                                    (migfloppy.c; NAME as it prints it).
 *
 * M is the machine type of both sides (default s390-ccw-mini-3).  The
 * guests are the file-migration continuity guests (migguest.h): the guest
 * stops at its point, prints "NAME ready" and polls its console for
 * "go", so it runs (and takes console interruptions) during the whole
 * live migration.  The source (console input from a pipe) is migrated on
 * "ready" to a destination with the same devices and the same image
 * file (shared storage, as between two hosts); the source must complete
 * and stay paused without ever getting "go"; the destination gets "go"
 * ("go-quiet" for virtio-blk: no new notification, its transport must
 * find the requests made available before the move) and must pass all of
 * the guest's checks, continuing from the saved point (no second
 * "ready"); then the image holds exactly what the guest wrote.
 * Environment: MINIVMM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/guests/runner.h"
#include "tests/migrate/guest/migimage.h"
#include "livelib.h"

static char out_src[128], out_dst[128], img[128];
static bool floppy;

/* Type word until the guest answers "NAME go" (bounded). */
static bool go(int in, const char *out, const char *name, const char *word)
{
	char ack[80];
	size_t n = strlen(word);

	snprintf(ack, sizeof(ack), "%s go\n", name);
	for (int i = 0; i < LT_WAIT_STEPS / 10; i++) {
		if (write(in, word, n) != (ssize_t)n)
			return false;
		for (int k = 0; k < 10; k++) {
			if (lt_count(out, ack))
				return true;
			usleep(10000);
		}
	}
	return false;
}

static bool verdict(const char *path)
{
	char *s = slurp(path);
	bool ok = guest_verdict(s, NULL, NULL);

	free(s);
	return ok;
}

int main(int argc, char **argv)
{
	const char *name, *guest, *machine = "s390-ccw-mini-3";
	char drive[200], ready[80], ack[80];
	int in_src = -1, in_dst = -1;

	ksft_print_header();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "blk")) {
		name = "migblk";
		guest = argv[2];
		machine = argc == 4 ? argv[3] : machine;
	} else if ((argc == 4 || argc == 5) && !strcmp(argv[1], "fdc")) {
		floppy = true;
		name = argv[2];
		guest = argv[3];
		machine = argc == 5 ? argv[4] : machine;
	} else {
		ksft_exit_skip("usage: %s blk GUEST [MACHINE] | fdc NAME GUEST "
			       "[MACHINE]\n", argv[0]);
	}
	if (!getenv("MINIVMM"))
		ksft_exit_skip("$MINIVMM is not set\n");
	ksft_set_plan(7);
	lt_init("inflight");
	lt_path(out_src, sizeof(out_src), "src.out");
	lt_path(out_dst, sizeof(out_dst), "dst.out");
	lt_path(img, sizeof(img), "disk.img");
	snprintf(ready, sizeof(ready), "%s ready\n", name);
	snprintf(ack, sizeof(ack), "%s go\n", name);
	if (floppy)
		snprintf(drive, sizeof(drive), "file=%s,if=floppy,format=raw", img);
	else
		snprintf(drive, sizeof(drive), "file=%s,format=raw,if=none,id=d0", img);
	if (migimg_make(img, floppy))
		ksft_exit_fail_msg("cannot write %s\n", img);

	const char *const sargs[] = { "-M", machine, "-kernel", guest,
				      "-drive", drive,
				      floppy ? NULL : "-device", "virtio-blk-ccw,drive=d0",
				      NULL };
	const char *const dargs[] = { "-M", machine, "-incoming", "tcp:127.0.0.1:0",
				      "-drive", drive,
				      floppy ? NULL : "-device", "virtio-blk-ccw,drive=d0",
				      NULL };
	struct vmm_proc sp;
	struct lt_dest d;

	if (lt_spawn(&sp, sargs, out_src, &in_src) < 0)
		ksft_exit_fail_msg("cannot start the source\n");
	struct qmp_client *s = qmp_client_new(sp.qmp_fd, NULL, NULL, true);
	bool stopped = s && lt_wait_count(out_src, ready, 1);
	ksft_test_result(stopped, "source (%s): the guest stops at '%s' with "
			 "its device operation in flight\n", machine, name);

	bool started = stopped && lt_dest_start(&d, dargs, out_dst, &in_dst) &&
		       lt_migrate(s, d.uri);
	json_t *q = started ? lt_wait_final(s) : NULL;
	char evs[256] = "";

	if (q)
		lt_statuses(s, evs, sizeof(evs), NULL, 0);
	bool done = q && !strcmp(lt_str(q, "status"), "completed");
	ksft_test_result(done && strstr(evs, "setup,active") &&
			 strstr(evs, "device,completed"),
			 "live migration completes (events %s, %lld bytes, "
			 "downtime %lld ms)%s%s\n", evs, lt_ram(q, "transferred"),
			 lt_int(q, "downtime"), q && !done ? ": " : "",
			 q && !done ? lt_str(q, "error-desc") : "");
	json_decref(q);
	ksft_test_result(done && !lt_running(s),
			 "the source stays paused after completion\n");

	/* The destination's guest goes on from the point it stopped. */
	bool dst_ok = false, resumed = false;
	if (done) {
		resumed = go(in_dst, out_dst, name, floppy ? "go\n" : "go-quiet\n");
		close(in_dst);
		in_dst = -1;
		int ws = lt_dest_end(&d);

		dst_ok = resumed && lt_exited_with(ws, 0) && verdict(out_dst);
		if (!dst_ok)
			lt_show("destination", out_dst, NULL);
	} else if (started) {
		lt_dest_end(&d);
	}
	ksft_test_result(dst_ok, "destination: the guest finishes its device "
			 "operation and passes its checks\n");
	ksft_test_result(dst_ok && !lt_count(out_dst, ready),
			 "destination: it continued from the migrated point\n");

	/* The source never went past "ready"; it quits. */
	json_decref(qmp_execute(s, "quit", NULL));
	if (in_src >= 0)
		close(in_src);
	int ws = vmm_wait(&sp);
	ksft_test_result(lt_exited_with(ws, 0) && !lt_count(out_src, ack),
			 "source: never resumed after the migration, quits\n");
	if (!lt_exited_with(ws, 0))
		lt_show("source", out_src, NULL);
	qmp_client_free(s);
	ksft_test_result(dst_ok && migimg_check(img, floppy, name),
			 "the image holds what the guest wrote, nothing else "
			 "changed\n");
	if (in_dst >= 0)
		close(in_dst);
	lt_cleanup();
	return ksft_finished();
}
