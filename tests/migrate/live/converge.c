// SPDX-License-Identifier: MIT
/*
 * Convergence of pre-copy: a guest that dirties memory faster than
 * max-bandwidth allows (migdirty.c: 2 MiB rewritten continuously, some
 * 20 MB/s natively, against 4 MB/s) with downtime-limit 30 ms.
 *
 *   not converging  the migration stays active: MIGRATION_PASS events
 *                   keep coming (1, 2, 3, ... in order), query-migrate's
 *                   dirty-sync-count grows, and every expected-downtime
 *                   it reports after a sync is above downtime-limit; it
 *                   never stops the guest (no "device" status, no STOP):
 *                   the limit is honoured by not finishing;
 *   new limits      migrate-set-parameters raises max-bandwidth (0: none)
 *                   and downtime-limit (2000 ms) on the running migration:
 *                   it completes, its last expected-downtime fits the new
 *                   limit and the downtime it reports too;
 *   destination     the guest checks every page and goes on; the source
 *                   stays paused.
 * argv[1]: migdirty.elf; $MINIVMM: the minivmm binary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "livelib.h"

#define SLOW_BW		4000000		/* bytes/s */
#define SLOW_LIMIT	30		/* ms */
#define NEW_LIMIT	2000		/* ms */
#define PASSES		4		/* seen before the limits change */

static char out_src[128], out_dst[128];

int main(int argc, char **argv)
{
	ksft_print_header();
	if (argc < 2 || !getenv("MINIVMM"))
		ksft_exit_skip("usage: MINIVMM=minivmm %s migdirty.elf\n", argv[0]);
	ksft_set_plan(8);
	lt_init("converge");
	lt_path(out_src, sizeof(out_src), "src.out");
	lt_path(out_dst, sizeof(out_dst), "dst.out");

	const char *const sargs[] = { "-M", "s390-ccw-mini-3", "-kernel",
				      argv[1], NULL };
	const char *const dargs[] = { "-M", "s390-ccw-mini-3", "-incoming",
				      "tcp:127.0.0.1:0", NULL };
	struct vmm_proc sp;
	struct lt_dest d;

	if (lt_spawn(&sp, sargs, out_src, NULL) < 0)
		ksft_exit_fail_msg("cannot start the source\n");
	struct qmp_client *s = qmp_client_new(sp.qmp_fd, NULL, NULL, true);
	bool up = s && lt_wait_count(out_src, "migdirty round", 2) &&
		  lt_set_params(s, SLOW_BW, SLOW_LIMIT);
	ksft_test_result(up, "source: the guest dirties 2 MiB over and over; "
			 "max-bandwidth %d B/s, downtime-limit %d ms\n",
			 SLOW_BW, SLOW_LIMIT);
	if (!up || !lt_dest_start(&d, dargs, out_dst, NULL) || !lt_migrate(s, d.uri))
		ksft_exit_fail_msg("cannot start the migration\n");

	/*
	 * Watch it until PASSES passes went by: every sample active, the
	 * sync count never going back, every expected downtime (once a sync
	 * measured one) above the limit.
	 */
	unsigned int passes = 0, samples = 0, over = 0, next_pass = 1;
	json_int_t syncs = 0, first_syncs = -1, max_expected = 0, min_expected = -1;
	bool always_active = true, in_order = true, stopped = false;
	char bad[160] = "";

	for (int i = 0; i < LT_WAIT_STEPS / 5 && passes < PASSES; i++) {
		json_t *ev, *q = lt_query(s);

		if (!q)
			break;
		char st[32];
		json_int_t n = lt_ram(q, "dirty-sync-count");
		json_int_t e = lt_int(q, "expected-downtime");

		snprintf(st, sizeof(st), "%s", lt_str(q, "status"));
		samples++;
		if (strcmp(st, "active") && strcmp(st, "setup")) {
			always_active = false;
			snprintf(bad, sizeof(bad), "status %s", st);
		}
		if (!strcmp(st, "active") && n >= 1) {
			if (first_syncs < 0)
				first_syncs = n;
			if (n < syncs)
				in_order = false;
			syncs = n;
			over += e > SLOW_LIMIT;
			if (e <= SLOW_LIMIT)
				snprintf(bad, sizeof(bad), "expected-downtime %lld "
					 "ms after sync %lld", (long long)e,
					 (long long)n);
			max_expected = e > max_expected ? e : max_expected;
			min_expected = min_expected < 0 || e < min_expected ?
				       e : min_expected;
		}
		json_decref(q);
		while ((ev = qmp_take_event(s, "MIGRATION_PASS"))) {
			json_int_t p = lt_int(json_object_get(ev, "data"), "pass");

			in_order &= p == (json_int_t)next_pass;
			next_pass++;
			passes++;
			json_decref(ev);
		}
		if ((ev = qmp_take_event(s, "STOP"))) {
			stopped = true;
			json_decref(ev);
		}
		if (!always_active)
			break;
		usleep(50000);
	}
	ksft_test_result(always_active && !stopped && passes >= PASSES && in_order,
			 "not converging: still active after %u passes "
			 "(MIGRATION_PASS 1..%u in order), the guest never "
			 "stopped%s%s\n", passes, next_pass - 1, bad[0] ? ": " : "",
			 bad);
	ksft_test_result(first_syncs >= 1 && syncs > first_syncs && in_order,
			 "dirty-sync-count grows: %lld -> %lld over %u samples\n",
			 (long long)first_syncs, (long long)syncs, samples);
	ksft_test_result(over > 0 && min_expected > SLOW_LIMIT,
			 "expected-downtime stays above downtime-limit %d ms: "
			 "%lld..%lld ms in %u samples\n", SLOW_LIMIT,
			 (long long)min_expected, (long long)max_expected, over);

	/* New limits on the running migration: it completes. */
	bool set = lt_set_params(s, 0, NEW_LIMIT);
	json_t *q = lt_wait_final(s);
	char evs[256] = "";

	lt_statuses(s, evs, sizeof(evs), NULL, 0);
	json_int_t down = lt_int(q, "downtime");
	bool done = q && !strcmp(lt_str(q, "status"), "completed");
	ksft_test_result(set && done && strstr(evs, "device,completed") &&
			 lt_ram(q, "dirty-sync-count") > syncs,
			 "max-bandwidth 0 and downtime-limit %d ms on the running "
			 "migration: completed (events %s, %lld syncs)%s%s\n",
			 NEW_LIMIT, evs, (long long)lt_ram(q, "dirty-sync-count"),
			 done ? "" : ": ", done ? "" : lt_str(q, "error-desc"));
	ksft_test_result(done && down >= 0 && down <= NEW_LIMIT,
			 "the downtime fits the new limit: %lld ms (limit %d "
			 "ms)\n", (long long)down, NEW_LIMIT);
	json_decref(q);
	ksft_test_result(done && !lt_running(s), "the source stays paused\n");

	/* The destination's guest checks every page and goes on. */
	bool ok = done && lt_wait_count(out_dst, "migdirty round", 2);
	ksft_test_result(ok && !lt_count(out_dst, "migdirty BAD") &&
			 !lt_count(out_dst, "migdirty start") && lt_running(d.c),
			 "destination: the guest verifies its memory and runs\n");
	if (!ok || lt_count(out_dst, "migdirty BAD"))
		lt_show("destination", out_dst, "migdirty round");
	json_decref(qmp_execute(d.c, "quit", NULL));
	lt_dest_end(&d);
	json_decref(qmp_execute(s, "quit", NULL));
	int ws = vmm_wait(&sp);
	if (!lt_exited_with(ws, 0) || lt_count(out_src, "migdirty BAD"))
		lt_show("source", out_src, "migdirty round");
	qmp_client_free(s);
	lt_cleanup();
	return ksft_finished();
}
