// SPDX-License-Identifier: MIT
/*
 * Live migration between machine types over TCP, end to end.
 *
 * What "forward" and "backward" mean here (README "Machine types and
 * compat rules"): a destination must run the source's -M, so a move
 * between releases is a move within one machine type, from an older
 * minivmm to a newer one (forward) or back (backward).  Both ends then
 * speak that type's schema, which never changes once released
 * (tests/migrate/schemas.c holds every released type to
 * migrate/schemas/<type>.json, and the compat rows of migrate/machine.c
 * keep an old type's streams old).  So an older binary's side of type T
 * is exactly what this binary does on -M T, and the test runs, for each
 * of s390-ccw-mini-1, -2 and -3, with a virtio-blk disk on every VM and
 * the miglive guest (it rewrites and checks 1 MiB forever):
 *
 *   refused    the source on T to a destination on every other type U:
 *              failed before any page (no RAM counted, no "active"),
 *              the reason names both types, the destination exits 1 with
 *              it, the source's guest runs on;
 *   forward    T -> T: completed, the destination's guest checks every
 *              page and runs, the source stays paused;
 *   backward   that destination, now running the guest, migrates it on
 *              to a new T process (the way back): completed again, the
 *              guest checks every page there too.
 *
 * And the alias s390-ccw-mini is the newest type: a source started with
 * it migrates to a destination on s390-ccw-mini-3 and is refused by one
 * on s390-ccw-mini-2 with the resolved name.  (An older minivmm with
 * live migration does not exist: tcp: arrived after -3; compat_rows.c
 * and machine_matrix.c simulate older schemas in one process.)
 * argv[1]: miglive.elf; $MINIVMM: the minivmm binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/guests/runner.h"
#include "livelib.h"

static const char *const types[] = {
	"s390-ccw-mini-1", "s390-ccw-mini-2", "s390-ccw-mini-3",
};
#define NTYPES	3

static char drive[224], guest[256];
static char outs[4][128];		/* rotating process outputs */

/* Source/destination argument vectors for machine m. */
static void src_args(const char **a, const char *m)
{
	const char *v[] = { "-M", m, "-drive", drive, "-device",
			    "virtio-blk-ccw,drive=d0", "-kernel", guest, NULL };

	memcpy(a, v, sizeof(v));
}

static void dst_args(const char **a, const char *m)
{
	const char *v[] = { "-M", m, "-drive", drive, "-device",
			    "virtio-blk-ccw,drive=d0", "-incoming",
			    "tcp:127.0.0.1:0", NULL };

	memcpy(a, v, sizeof(v));
}

/* A source on m whose guest runs; false if it does not come up. */
static bool source_start(struct vmm_proc *p, struct qmp_client **c,
			 const char *m, const char *out)
{
	const char *a[12];

	src_args(a, m);
	*c = NULL;
	if (lt_spawn(p, a, out, NULL) < 0)
		return false;
	*c = qmp_client_new(p->qmp_fd, NULL, NULL, true);
	return *c && lt_wait_count(out, "miglive round", 2);
}

static void refused(struct qmp_client *s, const char *sout, const char *sm,
		    const char *resolved, const char *dm, const char *dout)
{
	const char *a[12];
	struct lt_dest d;
	char evs[256], evdesc[640];

	dst_args(a, dm);
	if (!lt_dest_start(&d, a, dout, NULL) || !lt_migrate(s, d.uri)) {
		ksft_test_result_fail("%s -> %s: the migration did not start\n",
				      sm, dm);
		lt_dest_end(&d);
		return;
	}
	json_t *q = lt_wait_final(s);
	const char *desc = lt_str(q, "error-desc");

	lt_statuses(s, evs, sizeof(evs), evdesc, sizeof(evdesc));
	int ws = lt_dest_end(&d);
	bool before_ram = !strcmp(lt_str(q, "status"), "failed") &&
			  lt_ram(q, "normal") == 0 && lt_ram(q, "duplicate") == 0 &&
			  !strstr(evs, "active");
	bool names = strstr(desc, "machine type mismatch") &&
		     strstr(desc, resolved) && strstr(desc, dm) &&
		     strstr(evdesc, dm);
	bool dst = lt_exited_with(ws, 1) && lt_count(dout, "machine type mismatch") &&
		   !lt_count(dout, "miglive");

	ksft_test_result(before_ram && names && dst &&
			 lt_runs_on(s, sout, "miglive round", "miglive BAD", 2),
			 "%s -> %s: refused before any page, the destination "
			 "exits 1, the source runs on: %s\n", sm, dm, desc);
	if (!dst)
		lt_show("destination", dout, NULL);
	json_decref(q);
}

/*
 * Migrate the guest of s (machine m) to a new destination on m, which
 * then runs it: *d is that destination.  Two results.
 */
static bool moved(struct qmp_client *s, const char *m, const char *what,
		  struct lt_dest *d, const char *dout)
{
	const char *a[12];
	char evs[256];

	/* a destination that runs the guest has its incoming migration's
	 * events queued (all of them: query-status answered after them) */
	lt_drop_events(s, "MIGRATION");
	lt_drop_events(s, "RESUME");
	dst_args(a, m);
	if (!lt_dest_start(d, a, dout, NULL) || !lt_migrate(s, d->uri)) {
		ksft_test_result_fail("%s on %s: the migration did not start\n",
				      what, m);
		ksft_test_result_skip("%s on %s: not migrated\n", what, m);
		return false;
	}
	json_t *q = lt_wait_final(s);
	bool done = q && !strcmp(lt_str(q, "status"), "completed");

	lt_statuses(s, evs, sizeof(evs), NULL, 0);
	lt_drop_events(s, "MIGRATION_PASS");
	lt_drop_events(s, "STOP");
	ksft_test_result(done && strstr(evs, "device,completed") &&
			 lt_ram(q, "normal") > 0 && !lt_running(s),
			 "%s on %s: completed (events %s, %lld bytes), the "
			 "source stays paused%s%s\n", what, m, evs,
			 lt_ram(q, "transferred"), done ? "" : ": ",
			 done ? "" : lt_str(q, "error-desc"));
	json_decref(q);
	bool ok = done && lt_wait_count(dout, "miglive round", 2) &&
		  !lt_count(dout, "miglive BAD") && !lt_count(dout, "miglive start") &&
		  lt_running(d->c);
	ksft_test_result(ok, "%s on %s: the destination's guest checks every "
			 "page and runs\n", what, m);
	if (!ok)
		lt_show("destination", dout, "miglive round");
	return ok;
}

static void quit(struct vmm_proc *p, struct qmp_client *c)
{
	if (c)
		json_decref(qmp_execute(c, "quit", NULL));
	vmm_wait(p);
	qmp_client_free(c);
}

int main(int argc, char **argv)
{
	char img[128];

	ksft_print_header();
	if (argc < 2 || !getenv("MINIVMM"))
		ksft_exit_skip("usage: MINIVMM=minivmm %s miglive.elf\n", argv[0]);
	ksft_set_plan(NTYPES * (1 + (NTYPES - 1) + 4) + 4);
	lt_init("machines");
	snprintf(guest, sizeof(guest), "%s", argv[1]);
	lt_path(img, sizeof(img), "disk.img");
	for (int i = 0; i < 4; i++) {
		char n[16];

		snprintf(n, sizeof(n), "p%d.out", i);
		lt_path(outs[i], sizeof(outs[i]), n);
	}
	int fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20) < 0)
		ksft_exit_fail_msg("%s: %s\n", img, strerror(errno));
	close(fd);
	snprintf(drive, sizeof(drive), "file=%s,format=raw,if=none,id=d0", img);

	for (int t = 0; t < NTYPES; t++) {
		const char *m = types[t];
		struct vmm_proc sp;
		struct qmp_client *s;
		struct lt_dest fwd, back;

		bool up = source_start(&sp, &s, m, outs[0]);
		ksft_test_result(up, "%s: the source's guest runs\n", m);
		if (!up) {
			for (int i = 0; i < NTYPES - 1 + 4; i++)
				ksft_test_result_skip("%s: no source\n", m);
			quit(&sp, s);
			continue;
		}
		for (int u = 0; u < NTYPES; u++)
			if (u != t)
				refused(s, outs[0], m, m, types[u], outs[1]);
		bool there = moved(s, m, "forward", &fwd, outs[1]);
		quit(&sp, s);
		/* the guest now runs in fwd: move it on, to a new process */
		if (there) {
			if (moved(fwd.c, m, "backward", &back, outs[2]))
				json_decref(qmp_execute(back.c, "quit", NULL));
			lt_dest_end(&back);
		} else {
			ksft_test_result_skip("backward on %s: not forward\n", m);
			ksft_test_result_skip("backward on %s: not forward\n", m);
		}
		if (fwd.c)
			json_decref(qmp_execute(fwd.c, "quit", NULL));
		lt_dest_end(&fwd);
	}

	/* The alias is the newest type. */
	struct vmm_proc sp;
	struct qmp_client *s;
	struct lt_dest d;
	bool up = source_start(&sp, &s, "s390-ccw-mini", outs[0]);

	ksft_test_result(up, "s390-ccw-mini (the alias): the source's guest runs\n");
	if (up) {
		refused(s, outs[0], "s390-ccw-mini", types[NTYPES - 1],
			types[NTYPES - 2], outs[1]);
		moved(s, types[NTYPES - 1], "s390-ccw-mini ->", &d, outs[1]);
		if (d.c)
			json_decref(qmp_execute(d.c, "quit", NULL));
		lt_dest_end(&d);
	} else {
		for (int i = 0; i < 3; i++)
			ksft_test_result_skip("no alias source\n");
	}
	quit(&sp, s);
	lt_cleanup();
	return ksft_finished();
}
