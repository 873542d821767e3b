// SPDX-License-Identifier: MIT
/*
 * Fault injection for live migration: the connection is cut at many byte
 * offsets and the source guest must survive every cut.
 *
 * A TCP proxy thread in this test sits between the source and the
 * destination (the source migrates to the proxy's port).  It forwards both
 * directions and, for one cut, closes both connections once it has
 * forwarded exactly N bytes of the source -> destination stream, or N
 * bytes of the return path.  It parses the forward stream as it passes
 * (README "Migration stream": preamble, records {type, flags, id, len,
 * payload, XXH3}, trailer "MVMTRAIL", then the GO frame), so offsets are
 * given relative to a place in it: the start, the HEADER, the end of the
 * HEADER, the first RAM record, the device part (SKEYS, the first DEVICE
 * record), the last pass's RAM, END, the trailer, GO.  A first run with
 * nothing cut (its own source) shows the proxy is transparent and
 * measures the parts; then one source runs the miglive guest through
 * every cut, each against a new destination:
 *
 *   fixed   the start, inside the preamble, just after it, inside the
 *           HEADER's head and payload, right after the HEADER (before
 *           ACCEPT), the first RAM byte, inside pass 1, the device part
 *           (the guest is stopped there: the source must resume it),
 *           the last RAM, inside END, inside the trailer, after the
 *           trailer (before LOADED); on the return path inside and after
 *           ACCEPT and inside LOADED;
 *   random  ~22 offsets from a seeded PRNG (FAULTS_SEED=N to repeat a
 *           run; the seed is printed) over the same parts, sized from
 *           the first run;
 *   cancel  the proxy holds the stream (stops forwarding, closes
 *           nothing: a stalled connection) and migrate_cancel comes:
 *           with ACCEPT held (source in setup), in pass 1 at 200 kB/s
 *           (active), with the device part held and with LOADED held
 *           (device: the guest is stopped, STOP and RESUME): cancelled,
 *           the guest runs on, the destination exits 1 without running;
 *   GO      the window the protocol cannot close (two parties, one last
 *           message): a cut after LOADED reached the source, or inside
 *           GO, and finally after all of GO.
 *
 * What the protocol guarantees, asserted for every cut:
 *   - the destination runs the guest only if it received all of GO; then
 *     the source says completed and stays paused (never both running);
 *   - every cut before the source sent GO: the source says failed with a
 *     reason and its guest runs on intact (new g_round lines, no
 *     BAD); the destination exits 1 with "-incoming tcp:...: reason" and
 *     the guest never ran there;
 *   - a cut after the source sent GO but before the destination had all
 *     of it: the source says completed (it cannot know), stays paused,
 *     the destination exits 1 without running; nothing is lost: QMP cont
 *     on the source runs the guest on intact (what a management layer
 *     does when the destination does not come up, as with QEMU's
 *     postmigrate state).
 * Then a second source runs migdisk.c, which reads its virtio-blk disk
 * (and checks it) every round besides checking memory: cuts and cancels
 * in pre-copy and in the final phase, where the device's worker is held,
 * must let the device go again (its next read completes).
 * argv[1]: miglive.elf, argv[2]: migdisk.elf; $MINIVMM: the minivmm binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/guests/runner.h"
#include "tests/migrate/guest/migblk.h"
#include "livelib.h"

/* Places in the forward stream. */
enum anchor {
	AN_START,	/* byte 0 */
	AN_HEADER,	/* the HEADER record (after the 12-byte preamble) */
	AN_HDR_END,	/* right after the HEADER record */
	AN_RAM,		/* the first RAM record (after ACCEPT) */
	AN_PASS2,	/* the first RAM record of pass 2 (measured only) */
	AN_SKEYS,	/* the device part: SKEYS, then DEVICE records */
	AN_DEVICE,	/* the first DEVICE record */
	AN_LASTRAM,	/* the first RAM record after SKEYS (or END) */
	AN_END,		/* the END record */
	AN_TRAILER,	/* "MVMTRAIL" */
	AN_GO,		/* the GO frame (after the trailer) */
	AN_N,
};
static const char *const anchor_names[AN_N] = {
	"start", "header", "header end", "ram", "pass 2", "skeys", "device",
	"last ram", "end", "trailer", "go",
};

enum dir { CUT_NONE, CUT_FWD, CUT_RET };

struct cut {
	enum dir dir;
	enum anchor at;		/* CUT_FWD */
	uint64_t k;		/* bytes after the anchor (FWD), or of the
				 * return path (RET) */
	bool hold;		/* stop forwarding that direction there, but
				 * keep both connections (a stall) */
};

struct proxy {
	int lfd, stop[2], dport;
	struct cut cut;
	pthread_t th;
	/* results (read after the join) */
	uint8_t *fbuf;
	size_t flen, fcap;
	uint64_t fsent, rsent;
	int64_t at[AN_N];
	size_t nrec;		/* next record start not parsed */
	bool after_trailer;
	uint64_t last_frame;	/* first frame of the last RAM record */
	bool cut_done;
	atomic_bool held;	/* hold: a byte past the place came */
	bool running;		/* the thread was started */
	uint64_t cut_abs;	/* forward cut offset, once known */
	char note[96];
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void mark(struct proxy *x, enum anchor a, int64_t off)
{
	if (x->at[a] < 0)
		x->at[a] = off;
}

/* Identify every record start received so far. */
static void parse(struct proxy *x)
{
	while (x->nrec < x->flen) {
		const uint8_t *r = x->fbuf + x->nrec;
		size_t have = x->flen - x->nrec;

		if (x->after_trailer) {		/* return-path style frames */
			if (have < 12)
				return;
			x->nrec += 20 + be32(r + 8);
			continue;
		}
		if (r[0] == 'M') {		/* the trailer */
			mark(x, AN_LASTRAM, (int64_t)x->nrec);
			mark(x, AN_TRAILER, (int64_t)x->nrec);
			mark(x, AN_GO, (int64_t)x->nrec + 24);
			x->nrec += 24;
			x->after_trailer = true;
			continue;
		}
		switch (r[0]) {
		case 2:
			mark(x, AN_RAM, (int64_t)x->nrec);
			if (x->at[AN_SKEYS] >= 0)
				mark(x, AN_LASTRAM, (int64_t)x->nrec);
			break;
		case 3:
			mark(x, AN_SKEYS, (int64_t)x->nrec);
			break;
		case 4:
			mark(x, AN_DEVICE, (int64_t)x->nrec);
			break;
		case 5:
			mark(x, AN_LASTRAM, (int64_t)x->nrec);
			mark(x, AN_END, (int64_t)x->nrec);
			break;
		}
		if (have < 20)
			return;
		if (r[0] == 2 && x->at[AN_SKEYS] < 0) {
			uint64_t f = be64(r + 12);

			if (x->at[AN_RAM] != (int64_t)x->nrec && f <= x->last_frame)
				mark(x, AN_PASS2, (int64_t)x->nrec);
			x->last_frame = f;
		}
		x->nrec += 12 + (size_t)be32(r + 8) + 8;
		if (r[0] == 1)
			mark(x, AN_HDR_END, (int64_t)x->nrec);
	}
}

static bool send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static void *proxy_main(void *arg)
{
	struct proxy *x = arg;
	struct pollfd p[3];
	int src = -1, dst = -1;
	bool src_eof = false, dst_eof = false;
	uint8_t buf[65536];
	time_t t0 = time(NULL);

	/* the source connects (bounded), then the proxy connects on */
	p[0] = (struct pollfd){ .fd = x->lfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = x->stop[0], .events = POLLIN };
	if (poll(p, 2, 60000) <= 0 || !(p[0].revents & POLLIN)) {
		snprintf(x->note, sizeof(x->note), "no connection from the source");
		return NULL;
	}
	src = accept(x->lfd, NULL, NULL);
	dst = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)x->dport),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (src < 0 || dst < 0 ||
	    connect(dst, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(x->note, sizeof(x->note), "proxy connect: %s",
			 strerror(errno));
		goto out;
	}
	while (!(src_eof && dst_eof) && time(NULL) - t0 < 120) {
		p[0] = (struct pollfd){ .fd = src_eof ? -1 : src, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = dst_eof ? -1 : dst, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = x->stop[0], .events = POLLIN };
		if (poll(p, 3, 1000) < 0 && errno != EINTR)
			break;
		if (p[2].revents)
			break;
		if (p[0].revents) {		/* source -> destination */
			ssize_t n = recv(src, buf, sizeof(buf), 0);

			if (n <= 0) {
				src_eof = true;
				shutdown(dst, SHUT_WR);
			} else {
				if (x->flen + (size_t)n > x->fcap) {
					x->fcap = (x->fcap + (size_t)n) * 2;
					x->fbuf = realloc(x->fbuf, x->fcap);
					if (!x->fbuf)
						ksft_exit_fail_msg("out of memory\n");
				}
				memcpy(x->fbuf + x->flen, buf, (size_t)n);
				x->flen += (size_t)n;
				parse(x);
				uint64_t limit = x->flen;

				if (x->cut.dir == CUT_FWD && x->at[x->cut.at] >= 0) {
					x->cut_abs = (uint64_t)x->at[x->cut.at] + x->cut.k;
					if (limit > x->cut_abs)
						limit = x->cut_abs;
				}
				if (limit > x->fsent &&
				    !send_all(dst, x->fbuf + x->fsent, limit - x->fsent))
					dst_eof = true;
				else if (limit > x->fsent)
					x->fsent = limit;
				if (x->cut.dir == CUT_FWD && x->at[x->cut.at] >= 0 &&
				    x->fsent == x->cut_abs) {
					x->cut_done = true;
					if (!x->cut.hold)
						break;
				}
				/* held: a byte past the place came */
				if (x->cut.dir == CUT_FWD && x->cut_done &&
				    x->flen > x->cut_abs)
					atomic_store(&x->held, true);
			}
		}
		if (p[1].revents) {		/* the return path */
			ssize_t n = recv(dst, buf, sizeof(buf), 0);

			if (n <= 0) {
				dst_eof = true;
				shutdown(src, SHUT_WR);
			} else {
				uint64_t k = (uint64_t)n;

				if (x->cut.dir == CUT_RET && x->rsent + k > x->cut.k) {
					k = x->cut.k - x->rsent;
					/* held: a byte past the place came */
					if (x->cut.hold)
						atomic_store(&x->held, true);
				}
				if (k && !send_all(src, buf, k))
					src_eof = true;
				x->rsent += k;
				if (x->cut.dir == CUT_RET && x->rsent == x->cut.k) {
					x->cut_done = true;
					if (!x->cut.hold)
						break;
				}
			}
		}
	}
out:
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	return NULL;
}

/* Listen on a port of our own; the thread waits for the source. */
static int proxy_start(struct proxy *x, int dport, struct cut cut)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);

	memset(x, 0, sizeof(*x));
	for (int i = 0; i < AN_N; i++)
		x->at[i] = -1;
	x->nrec = 12;			/* after the preamble */
	x->at[AN_START] = 0;
	x->at[AN_HEADER] = 12;
	x->dport = dport;
	x->cut = cut;
	x->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->lfd < 0 || bind(x->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(x->lfd, 1) || getsockname(x->lfd, (struct sockaddr *)&sa, &len) ||
	    pipe2(x->stop, O_CLOEXEC))
		ksft_exit_fail_msg("proxy: %s\n", strerror(errno));
	if (pthread_create(&x->th, NULL, proxy_main, x))
		ksft_exit_fail_msg("proxy thread\n");
	x->running = true;
	return ntohs(sa.sin_port);
}

static void proxy_stop(struct proxy *x)
{
	if (!x->running)
		return;
	x->running = false;
	if (write(x->stop[1], "x", 1) != 1)
		ksft_print_msg("proxy stop: %s\n", strerror(errno));
	pthread_join(x->th, NULL);
	close(x->stop[0]);
	close(x->stop[1]);
	close(x->lfd);
	free(x->fbuf);
	x->fbuf = NULL;
}

/* ---- the test ---------------------------------------------------------- */

static char out_src[128], out_dst[128], out_src0[128];
static const char *const *dargs;
/* The guest's words: miglive.c, then migdisk.c. */
static const char *g_name = "miglive", *g_round = "miglive round",
		  *g_bad = "miglive BAD", *g_start = "miglive start";

static uint64_t rng;

static uint64_t next_rand(void)		/* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void describe(char *buf, size_t len, const struct cut *c)
{
	if (c->dir == CUT_RET)
		snprintf(buf, len, "return path after %llu bytes",
			 (unsigned long long)c->k);
	else if (c->dir == CUT_FWD)
		snprintf(buf, len, "%s+%llu", anchor_names[c->at],
			 (unsigned long long)c->k);
	else
		snprintf(buf, len, "no cut");
}

/* Outcomes a cut may have (what the protocol allows for it). */
enum expect {
	EX_FAIL,	/* before GO: failed, the source runs on */
	EX_LOST_GO,	/* GO sent, not all received: completed, dest exits */
	EX_EITHER,	/* the connection ends as GO goes out: one of both */
	EX_DONE,	/* all of GO received: completed, the dest runs */
};

struct cut_case {
	struct cut c;
	enum expect ex;
};

struct run {
	struct proxy x;
	json_t *q;		/* source's final query-migrate */
	int ws;			/* destination's wait status (EX_DONE: -1) */
	char evs[256];
	bool stop, resume;	/* the source's STOP and RESUME events */
};

/*
 * One migration through the proxy; the destination ends (or, for
 * EX_DONE, runs) before this returns.
 */
static bool migrate_start(struct qmp_client *s, struct cut cut,
			  struct run *r, struct lt_dest *d)
{
	memset(r, 0, sizeof(*r));
	r->ws = -1;
	if (!lt_dest_start(d, dargs, out_dst, NULL)) {
		lt_show("destination", out_dst, NULL);
		return false;
	}
	char uri[64];
	int port = proxy_start(&r->x, d->port, cut);

	snprintf(uri, sizeof(uri), "tcp:127.0.0.1:%d", port);
	if (!lt_migrate(s, uri)) {
		proxy_stop(&r->x);
		return false;
	}
	return true;
}

static bool migrate_through(struct qmp_client *s, struct cut cut,
			    struct run *r, struct lt_dest *d)
{
	if (!migrate_start(s, cut, r, d))
		return false;
	r->q = lt_wait_final(s);
	lt_statuses(s, r->evs, sizeof(r->evs), NULL, 0);
	lt_drop_events(s, "MIGRATION_PASS");
	r->stop = lt_count_events(s, "STOP") > 0;
	r->resume = lt_count_events(s, "RESUME") > 0;
	return r->q != NULL;
}

static bool dest_ran(void)
{
	return lt_count(out_dst, g_name) > 0;
}

/* The destination's "minivmm: -incoming tcp:...: reason" line. */
static bool dest_said_why(char *why, size_t len)
{
	char *s = slurp(out_dst), *l = strstr(s, "minivmm: -incoming tcp:");

	why[0] = 0;
	if (l) {
		l = strstr(l + 23, ": ") ? strstr(l + 23, ": ") + 2 : l;
		snprintf(why, len, "%.*s", (int)strcspn(l, "\n"), l);
	}
	free(s);
	return why[0] != 0;
}

static bool cont_runs_on(struct qmp_client *s)
{
	json_decref(qmp_execute(s, "cont", NULL));
	lt_drop_events(s, "RESUME");
	return lt_runs_on(s, out_src, g_round, g_bad, 2);
}

static void one_cut(struct qmp_client *s, struct cut cut, enum expect ex)
{
	char what[64];
	struct run r;
	struct lt_dest d;

	describe(what, sizeof(what), &cut);
	if (!migrate_through(s, cut, &r, &d)) {
		ksft_test_result_fail("cut %s: the migration did not run\n", what);
		if (d.p.pid > 0)		/* no source may ever come */
			kill(d.p.pid, SIGTERM);
		lt_dest_end(&d);
		proxy_stop(&r.x);
		json_decref(r.q);
		return;
	}
	const char *st = lt_str(r.q, "status");
	bool completed = !strcmp(st, "completed");

	if (ex == EX_DONE) {
		bool dst_ok = lt_wait_count(out_dst, g_round, 2) &&
			      !lt_count(out_dst, g_bad) &&
			      !lt_count(out_dst, g_start) && lt_running(d.c);

		json_decref(qmp_execute(d.c, "quit", NULL));
		r.ws = lt_dest_end(&d);
		proxy_stop(&r.x);
		ksft_test_result(completed && !lt_running(s) && dst_ok &&
				 r.x.cut_done && lt_exited_with(r.ws, 0),
				 "cut %s (all of GO through): completed, the "
				 "source stays paused, the destination runs "
				 "and verifies its memory\n", what);
		json_decref(r.q);
		return;
	}
	r.ws = lt_dest_end(&d);
	proxy_stop(&r.x);
	char why[160];
	bool dst_ok = lt_exited_with(r.ws, 1) && !dest_ran() &&
		      dest_said_why(why, sizeof(why));
	bool ok;

	if (ex == EX_FAIL || (ex == EX_EITHER && !completed)) {
		/* the guest was stopped for the final phase: resumed */
		bool final = cut.dir == CUT_RET ? cut.k > 20 :
			     cut.at >= AN_SKEYS;

		ok = !strcmp(st, "failed") && lt_str(r.q, "error-desc")[0] &&
		     strstr(r.evs, "failed") && dst_ok && r.x.cut_done &&
		     (!final || (r.stop && r.resume)) &&
		     lt_runs_on(s, out_src, g_round, g_bad, 2);
		ksft_test_result(ok, "cut %s (at %llu): source failed (%s)%s, "
				 "its guest runs on; destination exits 1, never "
				 "ran (%s)\n", what, r.x.cut_done ? (unsigned long long)
				 (cut.dir == CUT_RET ? r.x.rsent : r.x.fsent) : 0ull,
				 lt_str(r.q, "error-desc"), !final ? "" :
				 r.stop && r.resume ? ", STOP and RESUME" :
				 r.stop ? ", STOP without RESUME" : ", no STOP",
				 why);
	} else {
		ok = completed && !lt_running(s) && dst_ok && r.x.cut_done;
		bool back = ok && cont_runs_on(s);

		ksft_test_result(back, "cut %s: GO sent, not all received: the "
				 "source says completed and stays paused, the "
				 "destination exits 1 without running; cont on "
				 "the source runs the guest on intact\n", what);
		ok = back;
	}
	if (!ok) {
		ksft_print_msg("status %s (%s), events %s, dest wait status %#x, "
			       "cut %s, %s\n", st, lt_str(r.q, "error-desc"), r.evs,
			       r.ws, r.x.cut_done ? "done" : "not reached", r.x.note);
		lt_show("destination", out_dst, NULL);
	}
	json_decref(r.q);
}

/*
 * migrate_cancel while the proxy holds the stream at a place (a stalled
 * connection: nothing is closed).  status: what the source must say then.
 */
static void one_cancel(struct qmp_client *s, struct cut cut, const char *status)
{
	char what[64], why[160] = "", at[32] = "";
	struct run r;
	struct lt_dest d;
	bool held = false, ok = false;

	cut.hold = true;
	describe(what, sizeof(what), &cut);
	if (migrate_start(s, cut, &r, &d))
		for (int i = 0; i < LT_WAIT_STEPS; i++) {
			if ((held = atomic_load(&r.x.held)))
				break;
			usleep(10000);
		}
	if (held) {
		json_t *q = lt_query(s);

		snprintf(at, sizeof(at), "%s", lt_str(q, "status"));
		json_decref(q);
		q = qmp_execute(s, "migrate_cancel", NULL);
		ok = qmp_reply_ok(q);
		json_decref(q);
		r.q = lt_wait_final(s);
		lt_statuses(s, r.evs, sizeof(r.evs), NULL, 0);
		lt_drop_events(s, "MIGRATION_PASS");
		r.stop = lt_count_events(s, "STOP") > 0;
		r.resume = lt_count_events(s, "RESUME") > 0;
	}
	/* the source closed: the proxy passes the EOF on (nothing held:
	 * no source may ever come) */
	if (!held && d.p.pid > 0)
		kill(d.p.pid, SIGTERM);
	r.ws = lt_dest_end(&d);
	proxy_stop(&r.x);
	bool final = !strcmp(status, "device");
	bool dst_ok = lt_exited_with(r.ws, 1) && !dest_ran() &&
		      dest_said_why(why, sizeof(why));

	ok = ok && held && !strcmp(at, status) &&
	     !strcmp(lt_str(r.q, "status"), "cancelled") &&
	     strstr(r.evs, "cancelling,cancelled") &&
	     (!final || (r.stop && r.resume)) && dst_ok &&
	     lt_runs_on(s, out_src, g_round, g_bad, 2);
	ksft_test_result(ok, "cancel with the stream held at %s (source %s%s): "
			 "cancelled, its guest runs on; destination exits 1, "
			 "never ran (%s)\n", what, at,
			 final ? r.stop && r.resume ? ", STOP and RESUME" :
			 ", no STOP/RESUME" : "", why);
	if (!ok) {
		ksft_print_msg("held %d, status %s, events %s, dest wait status "
			       "%#x\n", held, lt_str(r.q, "status"), r.evs, r.ws);
		lt_show("destination", out_dst, NULL);
	}
	json_decref(r.q);
}

int main(int argc, char **argv)
{
	struct vmm_proc sp;
	struct qmp_client *s;

	ksft_print_header();
	if (argc < 3 || !getenv("MINIVMM"))
		ksft_exit_skip("usage: MINIVMM=minivmm %s miglive.elf migdisk.elf\n",
			       argv[0]);
	lt_init("faults");
	lt_path(out_src0, sizeof(out_src0), "src0.out");
	lt_path(out_src, sizeof(out_src), "src.out");
	lt_path(out_dst, sizeof(out_dst), "dst.out");
	rng = getenv("FAULTS_SEED") ? strtoull(getenv("FAULTS_SEED"), NULL, 0)
				    : (uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
	uint64_t seed = rng;

	const char *const sargs[] = { "-M", "s390-ccw-mini-3", "-kernel",
				      argv[1], NULL };
	static const char *const da[] = { "-M", "s390-ccw-mini-3", "-incoming",
					  "tcp:127.0.0.1:0", NULL };
	dargs = da;

	/* ---- the cuts, fixed ones first (the parts are sized below) ---- */
	struct cut_case cuts[96];
	unsigned int n = 0;
#define CUT(d, a, kk, e) (cuts[n++] = (struct cut_case){ { d, a, kk, false }, e })

	/* A run with nothing cut: the proxy is transparent; it measures the
	 * parts of the stream for the cuts.  Its own source. */
	if (lt_spawn(&sp, sargs, out_src0, NULL) < 0)
		ksft_exit_fail_msg("cannot start the source\n");
	s = qmp_client_new(sp.qmp_fd, NULL, NULL, true);
	if (!s || !lt_wait_count(out_src0, g_round, 2))
		ksft_exit_fail_msg("the first source's guest does not run\n");
	struct run r0;
	struct lt_dest d0;

	if (!migrate_through(s, (struct cut){ CUT_NONE, AN_START, 0, false }, &r0, &d0))
		ksft_exit_fail_msg("first run: no migration\n");
	bool up = lt_wait_count(out_dst, g_round, 2) &&
		  !lt_count(out_dst, g_bad);
	json_decref(qmp_execute(d0.c, "quit", NULL));
	int ws0 = lt_dest_end(&d0);
	/* the stream as the thread saw it: join it before reading */
	struct proxy *x0 = &r0.x;
	if (write(x0->stop[1], "x", 1) != 1 || pthread_join(x0->th, NULL))
		ksft_exit_fail_msg("proxy join\n");
	x0->running = false;
	int64_t *at = x0->at;
	uint64_t total = x0->flen;

	for (int i = 0; i < AN_N; i++)
		ksft_print_msg("stream: %-10s at %lld\n", anchor_names[i],
			       (long long)at[i]);
	ksft_print_msg("stream: %llu bytes forward, %llu back\n",
		       (unsigned long long)total, (unsigned long long)x0->rsent);
	bool layout = at[AN_HDR_END] > 12 && at[AN_RAM] == at[AN_HDR_END] &&
		      at[AN_SKEYS] > at[AN_RAM] && at[AN_DEVICE] > at[AN_SKEYS] &&
		      at[AN_END] >= at[AN_DEVICE] && at[AN_TRAILER] == at[AN_END] + 32 &&
		      at[AN_GO] == at[AN_TRAILER] + 24 &&
		      total == (uint64_t)at[AN_GO] + 20 && x0->rsent == 40;
	uint64_t hdr_len = (uint64_t)(at[AN_HDR_END] - 12);
	uint64_t pass1 = (uint64_t)((at[AN_PASS2] > 0 ? at[AN_PASS2] : at[AN_SKEYS]) -
				    at[AN_RAM]);
	uint64_t devpart = (uint64_t)(at[AN_LASTRAM] - at[AN_SKEYS]);
	uint64_t dev = (uint64_t)(at[AN_LASTRAM] - at[AN_DEVICE]);

	close(x0->stop[0]);
	close(x0->stop[1]);
	close(x0->lfd);
	free(x0->fbuf);
	if (!layout || !pass1 || !devpart || !dev)
		ksft_exit_fail_msg("the first run's stream is not laid out as "
				   "README says (see the offsets above)\n");

	/* fixed places */
	CUT(CUT_FWD, AN_START, 0, EX_FAIL);
	CUT(CUT_FWD, AN_START, 5, EX_FAIL);		/* inside the preamble */
	CUT(CUT_FWD, AN_HEADER, 0, EX_FAIL);		/* just after it */
	CUT(CUT_FWD, AN_HEADER, 6, EX_FAIL);		/* the header's head */
	CUT(CUT_FWD, AN_HEADER, 12 + hdr_len / 2, EX_FAIL);
	CUT(CUT_FWD, AN_HDR_END, 0, EX_FAIL);		/* before ACCEPT */
	CUT(CUT_FWD, AN_RAM, 0, EX_FAIL);		/* after ACCEPT */
	CUT(CUT_FWD, AN_RAM, 100, EX_FAIL);
	CUT(CUT_FWD, AN_RAM, pass1 / 2, EX_FAIL);
	CUT(CUT_FWD, AN_SKEYS, 0, EX_FAIL);		/* guest stopped */
	CUT(CUT_FWD, AN_SKEYS, 17, EX_FAIL);
	CUT(CUT_FWD, AN_DEVICE, 0, EX_FAIL);
	CUT(CUT_FWD, AN_DEVICE, dev / 2, EX_FAIL);
	CUT(CUT_FWD, AN_LASTRAM, 0, EX_FAIL);
	CUT(CUT_FWD, AN_END, 0, EX_FAIL);
	CUT(CUT_FWD, AN_END, 20, EX_FAIL);
	CUT(CUT_FWD, AN_TRAILER, 0, EX_FAIL);
	CUT(CUT_FWD, AN_TRAILER, 12, EX_FAIL);
	CUT(CUT_FWD, AN_TRAILER, 23, EX_FAIL);
	CUT(CUT_FWD, AN_GO, 0, EX_FAIL);		/* before LOADED */
	CUT(CUT_RET, AN_START, 0, EX_FAIL);		/* ACCEPT held */
	CUT(CUT_RET, AN_START, 7, EX_FAIL);
	CUT(CUT_RET, AN_START, 20, EX_FAIL);		/* after ACCEPT */
	CUT(CUT_RET, AN_START, 21, EX_FAIL);		/* inside LOADED */
	CUT(CUT_RET, AN_START, 39, EX_FAIL);
	/* random places, sized from the first run */
	for (int i = 0; i < 22; i++) {
		uint64_t v = next_rand(), k = next_rand();

		switch (v % 11) {
		case 0: CUT(CUT_FWD, AN_START, k % (12 + hdr_len), EX_FAIL); break;
		case 1: case 2: case 3: case 4:
			CUT(CUT_FWD, AN_RAM, k % (pass1 * 9 / 10), EX_FAIL); break;
		case 5: case 6: case 7:
			CUT(CUT_FWD, AN_SKEYS, k % devpart, EX_FAIL); break;
		case 8: case 9:
			CUT(CUT_FWD, AN_END, k % 56, EX_FAIL); break;
		default:
			CUT(CUT_RET, AN_START, k % 40, EX_FAIL); break;
		}
	}
	/* the GO window (after the cancels below) */
	CUT(CUT_RET, AN_START, 40, EX_EITHER);		/* LOADED through */
	CUT(CUT_FWD, AN_GO, 1, EX_LOST_GO);
	CUT(CUT_FWD, AN_GO, 12, EX_LOST_GO);
	CUT(CUT_FWD, AN_GO, 19, EX_LOST_GO);
	CUT(CUT_FWD, AN_GO, 20, EX_DONE);		/* all of GO */

	unsigned int n_go = 5;			/* the last five */

	/* the disk guest: the final phase, where the device is held */
	const struct cut disk_cuts[] = {
		{ CUT_FWD, AN_RAM, 100, false },
		{ CUT_FWD, AN_SKEYS, 0, false },
		{ CUT_FWD, AN_DEVICE, 0, false },
		{ CUT_FWD, AN_DEVICE, dev / 2, false },
		{ CUT_FWD, AN_END, 0, false },
		{ CUT_FWD, AN_TRAILER, 12, false },
		{ CUT_FWD, AN_GO, 0, false },
		{ CUT_RET, AN_START, 21, false },
		{ CUT_RET, AN_START, 39, false },
	};

	ksft_set_plan(2 + n + 4 + 1 +
		      1 + sizeof(disk_cuts) / sizeof(disk_cuts[0]) + 1 + 2 + 1);
	ksft_print_msg("seed %llu (FAULTS_SEED=%llu repeats this run)\n",
		       (unsigned long long)seed, (unsigned long long)seed);
	ksft_test_result(layout && up && lt_exited_with(ws0, 0) &&
			 !strcmp(lt_str(r0.q, "status"), "completed"),
			 "nothing cut: completed through the proxy, the "
			 "destination verifies its memory; stream of %llu bytes "
			 "(header %llu, pass 1 %llu, device part %llu)\n",
			 (unsigned long long)total, (unsigned long long)hdr_len,
			 (unsigned long long)pass1, (unsigned long long)devpart);
	json_decref(r0.q);
	json_decref(qmp_execute(s, "quit", NULL));
	vmm_wait(&sp);
	qmp_client_free(s);

	/* ---- one source through every cut ---- */
	if (lt_spawn(&sp, sargs, out_src, NULL) < 0)
		ksft_exit_fail_msg("cannot start the source\n");
	s = qmp_client_new(sp.qmp_fd, NULL, NULL, true);
	ksft_test_result(s && lt_wait_count(out_src, g_round, 2),
			 "source: the guest runs\n");
	for (unsigned int i = 0; i < n - n_go; i++)
		one_cut(s, cuts[i].c, cuts[i].ex);

	/* migrate_cancel on a stalled connection, in each phase */
	one_cancel(s, (struct cut){ CUT_RET, AN_START, 0, true }, "setup");
	if (!lt_set_params(s, 200000, -1))	/* pass 1 takes seconds */
		ksft_print_msg("cannot set max-bandwidth\n");
	one_cancel(s, (struct cut){ CUT_FWD, AN_RAM, 100000, true }, "active");
	lt_set_params(s, 128 << 20, -1);
	one_cancel(s, (struct cut){ CUT_FWD, AN_SKEYS, 0, true }, "device");
	one_cancel(s, (struct cut){ CUT_RET, AN_START, 20, true }, "device");

	for (unsigned int i = n - n_go; i < n; i++)
		one_cut(s, cuts[i].c, cuts[i].ex);

	json_decref(qmp_execute(s, "quit", NULL));
	int ws = vmm_wait(&sp);
	ksft_test_result(lt_exited_with(ws, 0) && !lt_count(out_src, g_bad),
			 "source: quits, its guest never saw a bad page\n");
	if (!lt_exited_with(ws, 0))
		lt_show("source", out_src, g_round);
	qmp_client_free(s);

	/*
	 * A guest that keeps using its virtio-blk disk (migdisk.c): the
	 * final phase holds the device's worker; every failure there must
	 * let it go, or the guest's next read never completes.
	 */
	char img[128], drive[192];

	lt_path(img, sizeof(img), "disk.img");
	snprintf(drive, sizeof(drive), "file=%s,format=raw,if=none,id=d0", img);
	FILE *f = fopen(img, "wb");
	for (uint32_t o = 0; f && o < MIGBLK_IMG_BYTES; o++)
		fputc(migblk_img_byte(o / 512, o % 512), f);
	if (!f || fclose(f))
		ksft_exit_fail_msg("cannot write %s\n", img);
	const char *const sargs_disk[] = { "-M", "s390-ccw-mini-3", "-drive", drive,
					   "-device", "virtio-blk-ccw,drive=d0",
					   "-kernel", argv[2], NULL };
	const char *const dargs_disk[] = { "-M", "s390-ccw-mini-3", "-drive", drive,
					   "-device", "virtio-blk-ccw,drive=d0",
					   "-incoming", "tcp:127.0.0.1:0", NULL };
	dargs = dargs_disk;
	g_name = "migdisk";
	g_round = "migdisk round";
	g_bad = "migdisk BAD";
	g_start = "migdisk start";
	if (lt_spawn(&sp, sargs_disk, out_src, NULL) < 0)
		ksft_exit_fail_msg("cannot start the disk source\n");
	s = qmp_client_new(sp.qmp_fd, NULL, NULL, true);
	ksft_test_result(s && lt_wait_count(out_src, g_round, 2),
			 "disk source: the guest reads its disk and runs\n");
	for (unsigned int i = 0; i < sizeof(disk_cuts) / sizeof(disk_cuts[0]); i++)
		one_cut(s, disk_cuts[i], EX_FAIL);
	/* GO lost: completed, the disk held; cont must let it go again
	 * (the guest's next read would hang otherwise). */
	one_cut(s, (struct cut){ CUT_FWD, AN_GO, 1, false }, EX_LOST_GO);
	one_cancel(s, (struct cut){ CUT_FWD, AN_SKEYS, 0, true }, "device");
	one_cancel(s, (struct cut){ CUT_RET, AN_START, 20, true }, "device");
	json_decref(qmp_execute(s, "quit", NULL));
	ws = vmm_wait(&sp);
	ksft_test_result(lt_exited_with(ws, 0) && !lt_count(out_src, g_bad),
			 "disk source: quits, its guest never saw a bad page or "
			 "a stuck read\n");
	if (!lt_exited_with(ws, 0) || lt_count(out_src, g_bad))
		lt_show("disk source", out_src, g_round);
	qmp_client_free(s);
	lt_cleanup();
	return ksft_finished();
}
