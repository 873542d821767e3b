// SPDX-License-Identifier: MIT
/*
 * Live migration over TCP (see live.h for the flow and the thread rules;
 * README "Migrating a VM" and "Migration stream" for the bytes).
 *
 * Source states (info.status; each change is a MIGRATION event):
 *
 *   none/completed/failed/cancelled --migrate--> setup
 *   setup --connected, HEADER sent, ACCEPT--> active
 *   active --pass N (MIGRATION_PASS)--> active
 *   active --remaining / bandwidth <= downtime-limit--> device
 *   device --LOADED, GO sent--> completed (the VM stays paused)
 *   setup/active/device --error, EOF, timeout, REFUSE, FAILED--> failed
 *   setup/active/device --migrate_cancel--> cancelling --> cancelled
 *
 * Destination: setup (listening) --accept--> active --GO, commit-->
 * completed (resumed unless -S); any failure ends minivmm (status 1).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "migrate/live.h"
#include "migrate/migrate.h"
#include "migrate/transport.h"
#include "seccomp/seccomp.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/mainloop.h"
#include "vmm/vm.h"

#define PAGE			4096u
#define CONNECT_WAIT_MS		30000	/* connect */
#define ANSWER_WAIT_MS		30000	/* ACCEPT/REFUSE after the HEADER */
#define STALL_MS		60000	/* no byte moves either way */
#define LOADED_WAIT_MS		120000	/* LOADED after the trailer */
#define GO_WAIT_MS		60000	/* GO after LOADED (destination) */
#define SOURCE_IDLE_MS		120000	/* destination: no byte from the source */
#define RATE_WINDOW_MS		100	/* max-bandwidth is enforced per window */
#define SEND_CHUNK		(256u << 10)
#define RECV_BUF		(256u << 10)
#define DIRECT_RECV		(16u << 10)	/* reads this large skip rbuf */
#define PROGRESS_MS		500
#define MAX_EVENTS		64

enum job { JOB_NONE, JOB_OUT, JOB_IN };

/* A queued event for the loop thread: kind 0 status, 1 pass. */
struct mig_ev {
	uint8_t kind;
	uint32_t val;
};

struct mig_live {
	struct vm *vm;
	const struct mig_live_ops *ops;
	void *opaque;
	pthread_t thread;
	bool thread_started;
	int cancel_fd;			/* eventfd: wakes every poll */
	bool progress_tty;		/* stderr is a terminal (checked at setup) */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	bool quit;
	atomic_bool cancel;
	enum job job;
	char uri[256];
	int listen_fd;			/* incoming: listening socket */
	bool listen_here;		/* incoming: the thread must listen */
	bool listen_answered;
	int listen_rc;
	char *listen_err;
	bool autostart;
	bool used;
	struct mig_info info;
	struct mig_params params;
	struct mig_ev ev[MAX_EVENTS];
	unsigned int nev;
	void (*call_fn)(struct mig_live *l);
	bool call_done;

	/* Migration thread only (and the loop thread inside a loop call). */
	int sock;
	struct mig_writer *w;
	uint64_t *final_bitmap;
	bool paused_by_us, was_running, quiesced;
	/* A completed migration's writer, its devices still held until the
	 * source is continued (release_held) or destroyed; l->lock. */
	struct mig_writer *held;
	bool accepted;			/* destination: ACCEPT sent */
	int call_rc;
	char *call_err;
	uint64_t t_start, t_pause;
	void (*commit_fn)(void *arg);
	void *commit_arg;
	/* rate limiting and progress (source) */
	uint64_t win_start, win_bytes, last_progress;
	char *peer_err;			/* a FAILED/REFUSE reason seen while sending */
	/* destination receive buffer */
	uint8_t *rbuf;
	size_t rpos, rlen;
};

static const char *const status_names[] = {
	[MIG_ST_NONE] = "none", [MIG_ST_SETUP] = "setup",
	[MIG_ST_ACTIVE] = "active", [MIG_ST_DEVICE] = "device",
	[MIG_ST_COMPLETED] = "completed", [MIG_ST_FAILED] = "failed",
	[MIG_ST_CANCELLING] = "cancelling", [MIG_ST_CANCELLED] = "cancelled",
};

const char *mig_status_name(enum mig_status s)
{
	return (unsigned int)s < sizeof(status_names) / sizeof(status_names[0])
		? status_names[s] : "none";
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- return-path frames ------------------------------------------------ */

static uint64_t rp_sum(const uint8_t *head, const uint8_t *payload,
		       uint32_t len)
{
	XXH3_state_t *h = XXH3_createState();
	uint64_t v;

	if (!h)
		return 0;
	XXH3_64bits_reset(h);
	XXH3_64bits_update(h, head, 12);
	if (len)
		XXH3_64bits_update(h, payload, len);
	v = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	return v;
}

size_t mig_rp_encode(uint8_t *buf, uint8_t type, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n > MIG_RP_MAX)
		n = MIG_RP_MAX;
	buf[0] = type;
	buf[1] = 0;
	be16_st(buf + 2, 0);
	be32_st(buf + 4, 1);
	be32_st(buf + 8, (uint32_t)n);
	if (n)
		memcpy(buf + 12, text, n);
	be64_st(buf + 12 + n, rp_sum(buf, buf + 12, (uint32_t)n));
	return 12 + n + 8;
}

int mig_rp_check_head(const uint8_t *head, uint32_t *len)
{
	*len = be32_ld(head + 8);
	if (head[0] < MIG_RP_ACCEPT || head[0] > MIG_RP_FAILED || head[1] ||
	    be16_ld(head + 2) || be32_ld(head + 4) != 1 || *len > MIG_RP_MAX)
		return -EPROTO;
	return 0;
}

bool mig_rp_check_sum(const uint8_t *head, const uint8_t *payload,
		      uint32_t len, const uint8_t *check)
{
	return rp_sum(head, payload, len) == be64_ld(check);
}

static const char *rp_name(uint8_t t)
{
	switch (t) {
	case MIG_RP_ACCEPT: return "ACCEPT";
	case MIG_RP_REFUSE: return "REFUSE";
	case MIG_RP_LOADED: return "LOADED";
	case MIG_RP_GO: return "GO";
	case MIG_RP_FAILED: return "FAILED";
	}
	return "unknown";
}

/* ---- waits: every one also returns on cancel ---------------------------- */

static bool cancelled(struct mig_live *l)
{
	return atomic_load(&l->cancel);
}

/*
 * Wait until fd has events (POLLIN/POLLOUT) or timeout_ms passes (-1: no
 * bound).  Returns the revents, 0 on timeout, -ECANCELED, or -errno.
 */
static int wait_fd(struct mig_live *l, int fd, short events, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = events },
		{ .fd = l->cancel_fd, .events = POLLIN },
	};

	for (;;) {
		if (cancelled(l))
			return -ECANCELED;
		int r = poll(p, 2, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (cancelled(l))
			return -ECANCELED;
		if (r == 0)
			return 0;
		if (p[0].revents)
			return p[0].revents;
		/* the eventfd without cancel (a stale wake-up): drain it */
		uint64_t v;
		if (read(l->cancel_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			return -errno;
	}
}

/* Exactly n bytes from the socket (bounded).  0, -ECANCELED, -ETIMEDOUT,
 * -EPIPE for EOF, -errno. */
static int recv_exact(struct mig_live *l, int fd, void *p, size_t n,
		      int timeout_ms)
{
	size_t done = 0;

	while (done < n) {
		int ev = wait_fd(l, fd, POLLIN, timeout_ms);

		if (ev < 0)
			return ev;
		if (ev == 0)
			return -ETIMEDOUT;
		ssize_t r = recv(fd, (uint8_t *)p + done, n - done, MSG_DONTWAIT);

		if (r == 0)
			return -EPIPE;
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0)
			return -errno;
		done += (size_t)r;
	}
	return 0;
}

/* All n bytes to the socket (bounded per step, no rate limit). */
static int send_all(struct mig_live *l, int fd, const void *p, size_t n,
		    int timeout_ms)
{
	size_t done = 0;

	while (done < n) {
		int ev = wait_fd(l, fd, POLLOUT, timeout_ms);

		if (ev < 0)
			return ev;
		if (ev == 0)
			return -ETIMEDOUT;
		ssize_t r = send(fd, (const uint8_t *)p + done, n - done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0)
			return -errno;
		done += (size_t)r;
	}
	return 0;
}

static int rp_send(struct mig_live *l, uint8_t type, const char *text)
{
	uint8_t buf[20 + MIG_RP_MAX];
	size_t n = mig_rp_encode(buf, type, text);

	return send_all(l, l->sock, buf, n, STALL_MS);
}

/* One return-path frame: *type, *text (malloc'ed, NUL-terminated). */
static int rp_recv(struct mig_live *l, int timeout_ms, uint8_t *type,
		   char **text, char **err)
{
	uint8_t head[12], check[8];
	char *payload;
	uint32_t len;
	int rc = recv_exact(l, l->sock, head, sizeof(head), timeout_ms);

	*text = NULL;
	if (rc == 0 && mig_rp_check_head(head, &len) < 0) {
		error_setf(err, "return path: bad frame (type %#x, length %u)",
			   head[0], be32_ld(head + 8));
		return -EPROTO;
	}
	if (rc)
		goto io;
	payload = calloc(1, len + 1);
	if (!payload)
		return -ENOMEM;
	rc = recv_exact(l, l->sock, payload, len, STALL_MS);
	if (!rc)
		rc = recv_exact(l, l->sock, check, sizeof(check), STALL_MS);
	if (rc) {
		free(payload);
		goto io;
	}
	if (!mig_rp_check_sum(head, (uint8_t *)payload, len, check)) {
		free(payload);
		error_setf(err, "return path: %s frame with a bad checksum",
			   rp_name(head[0]));
		return -EPROTO;
	}
	*type = head[0];
	*text = payload;
	return 0;
io:
	;
	const char *peer = l->info.incoming ? "the source" : "the destination";

	if (rc == -ETIMEDOUT)
		error_setf(err, "%s sent nothing for %d s", peer,
			   timeout_ms / 1000);
	else if (rc == -EPIPE)
		error_setf(err, "%s closed the connection", peer);
	else if (rc != -ECANCELED)
		error_setf(err, "connection to %s lost: %s", peer,
			   strerror(-rc));
	return rc;
}

/* ---- state, events, loop calls ------------------------------------------ */

static void events_cb(void *opaque)
{
	struct mig_live *l = opaque;
	struct mig_ev ev[MAX_EVENTS];
	unsigned int n;

	pthread_mutex_lock(&l->lock);
	n = l->nev;
	memcpy(ev, l->ev, n * sizeof(ev[0]));
	l->nev = 0;
	pthread_mutex_unlock(&l->lock);
	for (unsigned int i = 0; i < n; i++) {
		if (ev[i].kind == 0 && l->ops && l->ops->status)
			l->ops->status(l->opaque, (enum mig_status)ev[i].val);
		else if (ev[i].kind == 1 && l->ops && l->ops->pass)
			l->ops->pass(l->opaque, ev[i].val);
	}
}

/* Queue an event for the loop thread (any thread). */
static void post_event(struct mig_live *l, uint8_t kind, uint32_t val)
{
	pthread_mutex_lock(&l->lock);
	if (l->nev < MAX_EVENTS) {
		l->ev[l->nev].kind = kind;
		l->ev[l->nev].val = val;
		l->nev++;
	}
	pthread_mutex_unlock(&l->lock);
	mainloop_post(l->vm->loop, events_cb, l);
}

static void set_status(struct mig_live *l, enum mig_status st)
{
	pthread_mutex_lock(&l->lock);
	/* After migrate_cancel said "cancelling" only the end may follow. */
	if (l->info.status == MIG_ST_CANCELLING && st != MIG_ST_CANCELLED &&
	    st != MIG_ST_FAILED) {
		pthread_mutex_unlock(&l->lock);
		return;
	}
	l->info.status = st;
	pthread_mutex_unlock(&l->lock);
	post_event(l, 0, st);
}

static void loop_call_cb(void *opaque)
{
	struct mig_live *l = opaque;
	void (*fn)(struct mig_live *);

	pthread_mutex_lock(&l->lock);
	fn = l->call_fn;
	l->call_fn = NULL;
	pthread_mutex_unlock(&l->lock);
	if (fn)
		fn(l);
	pthread_mutex_lock(&l->lock);
	l->call_done = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/*
 * Run fn(l) on the loop thread and wait for it.  -ECANCELED when the VM's
 * control plane goes away first (the call then never runs).
 */
static int loop_call(struct mig_live *l, void (*fn)(struct mig_live *))
{
	int rc = 0;

	pthread_mutex_lock(&l->lock);
	if (l->quit) {
		pthread_mutex_unlock(&l->lock);
		return -ECANCELED;
	}
	l->call_fn = fn;
	l->call_done = false;
	pthread_mutex_unlock(&l->lock);
	if (mainloop_post(l->vm->loop, loop_call_cb, l) < 0)
		return -ENOMEM;
	pthread_mutex_lock(&l->lock);
	while (!l->call_done && !l->quit)
		pthread_cond_wait(&l->cond, &l->lock);
	if (!l->call_done) {
		l->call_fn = NULL;	/* destroy cancels the queued post */
		rc = -ECANCELED;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static void set_error(struct mig_live *l, const char *msg)
{
	pthread_mutex_lock(&l->lock);
	snprintf(l->info.error, sizeof(l->info.error), "%s", msg ? msg : "");
	pthread_mutex_unlock(&l->lock);
}

/* ---- source: the stream sink (rate limit, stall bound, return path) ----- */

/* A frame arrived while we send: the destination failed (or hung up). */
static int peer_spoke(struct mig_live *l)
{
	uint8_t type = 0;
	char *text = NULL, *e = NULL;
	int rc = rp_recv(l, 10000, &type, &text, &e);

	free(l->peer_err);
	l->peer_err = NULL;
	if (rc == 0 && (type == MIG_RP_FAILED || type == MIG_RP_REFUSE))
		error_setf(&l->peer_err, "the destination failed: %s", text);
	else if (rc == 0)
		error_setf(&l->peer_err, "return path: unexpected %s frame",
			   rp_name(type));
	else if (rc == -EPIPE)
		error_setf(&l->peer_err, "the destination closed the connection");
	else if (rc != -ECANCELED)
		l->peer_err = e, e = NULL;
	free(e);
	free(text);
	return rc == -ECANCELED ? -ECANCELED : -EPIPE;
}

static void account(struct mig_live *l, size_t n)
{
	pthread_mutex_lock(&l->lock);
	l->info.ram.transferred += n;
	pthread_mutex_unlock(&l->lock);
}

static void progress(struct mig_live *l, bool last)
{
	uint64_t t = now_ms();
	struct mig_info i;

	if (!l->progress_tty || (!last && t - l->last_progress < PROGRESS_MS))
		return;
	l->last_progress = t;
	mig_live_info(l, &i);
	fprintf(stderr, "\rminivmm: migration %s: pass %u, %llu MiB sent, "
		"%llu MiB remaining, %.0f Mbit/s   %s", mig_status_name(i.status),
		i.passes, (unsigned long long)(i.ram.transferred >> 20),
		(unsigned long long)(i.ram.remaining >> 20), i.ram.mbps,
		last ? "\n" : "");
}

static int sink_write(void *opaque, const void *p, size_t n)
{
	struct mig_live *l = opaque;
	const uint8_t *b = p;

	while (n) {
		struct mig_params prm;
		uint64_t t = now_ms();
		size_t k = n < SEND_CHUNK ? n : SEND_CHUNK;

		mig_live_get_params(l, &prm);
		if (t - l->win_start >= RATE_WINDOW_MS) {
			l->win_start = t;
			l->win_bytes = 0;
		}
		if (prm.max_bandwidth) {
			uint64_t quota = prm.max_bandwidth * RATE_WINDOW_MS / 1000;

			if (quota < 1)
				quota = 1;
			if (l->win_bytes >= quota) {
				/* wait out the window; a frame from the
				 * destination or a cancel ends the wait */
				int left = (int)(l->win_start + RATE_WINDOW_MS - t);
				int ev = wait_fd(l, l->sock, POLLIN,
						 left > 0 ? left : 0);

				if (ev < 0)
					return ev;
				if (ev)
					return peer_spoke(l);
				continue;
			}
			if (k > quota - l->win_bytes)
				k = (size_t)(quota - l->win_bytes);
		}
		int ev = wait_fd(l, l->sock, POLLOUT | POLLIN, STALL_MS);

		if (ev < 0)
			return ev;
		if (ev == 0) {
			free(l->peer_err);
			l->peer_err = NULL;
			error_setf(&l->peer_err, "the destination accepted no "
				   "data for %d s", STALL_MS / 1000);
			return -ETIMEDOUT;
		}
		if (ev & (POLLIN | POLLHUP | POLLERR))
			return peer_spoke(l);
		ssize_t r = send(l->sock, b, k, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0) {
			int e = errno;

			free(l->peer_err);
			l->peer_err = NULL;
			error_setf(&l->peer_err, "connection to the destination "
				   "lost: %s", strerror(e));
			return -e;
		}
		b += r;
		n -= (size_t)r;
		l->win_bytes += (uint64_t)r;
		account(l, (size_t)r);
		progress(l, false);
	}
	return 0;
}

/* ---- source: loop-thread steps ------------------------------------------ */

/* Final phase, part 1 (loop thread): stop the guest, hold the devices,
 * take the last dirty log and encode SKEYS + DEVICE into memory. */
static void final_phase(struct mig_live *l)
{
	char *err = NULL;
	int rc;

	if (cancelled(l)) {	/* migrate_cancel runs on this thread too */
		l->call_rc = -ECANCELED;
		l->call_err = NULL;
		return;
	}
	l->was_running = vm_pause(l->vm);
	l->paused_by_us = true;
	l->t_pause = now_ms();
	if (l->was_running)
		vm_emit_event(l->vm, VM_EVENT_STOP, false, NULL);
	mig_writer_quiesce(l->w, true);
	l->quiesced = true;
	rc = vm_dirty_log_sync(l->vm, l->final_bitmap, &err);
	if (!rc)
		rc = mig_writer_hold(l->w, true);
	if (!rc) {
		rc = mig_writer_state(l->w, &err);
		mig_writer_hold(l->w, false);
	}
	l->call_rc = rc;
	l->call_err = err;
}

/* Completion (loop thread): nothing may have changed since the final
 * phase; then GO goes out (a few bytes on an idle socket: no wait). */
static void go_phase(struct mig_live *l)
{
	uint64_t words = vm_dirty_log_words(l->vm);
	uint64_t *bm = calloc(words ? words : 1, sizeof(uint64_t));
	uint8_t buf[20];
	char *err = NULL;
	int rc = 0;

	l->call_rc = 0;
	l->call_err = NULL;
	if (!bm) {
		l->call_rc = -ENOMEM;
		return;
	}
	if (cancelled(l)) {		/* migrate_cancel runs here too */
		rc = -ECANCELED;
	} else if (!vm_is_paused(l->vm)) {
		error_setf(&l->call_err, "the VM was resumed (cont) during the "
			   "final phase");
		rc = -EBUSY;
	} else if ((rc = vm_dirty_log_sync(l->vm, bm, &err)) < 0) {
		l->call_err = err;
	} else {
		for (uint64_t i = 0; i < words && !rc; i++)
			if (bm[i]) {
				error_setf(&l->call_err, "guest RAM changed "
					   "after the final phase (a monitor "
					   "command?)");
				rc = -EBUSY;
			}
	}
	free(bm);
	if (!rc) {
		/* After LOADED the destination only waits for GO: anything
		 * readable now is its EOF, an error or a stray frame.  GO sent
		 * into a closed connection would "complete" a migration whose
		 * guest then runs nowhere. */
		struct pollfd p = { .fd = l->sock, .events = POLLIN | POLLRDHUP };

		if (poll(&p, 1, 0) != 0) {
			error_setf(&l->call_err, "the destination closed the "
				   "connection after LOADED");
			rc = -EPIPE;
		}
	}
	if (!rc) {
		size_t n = mig_rp_encode(buf, MIG_RP_GO, NULL);
		struct iovec iov = { .iov_base = buf, .iov_len = n };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t r = sendmsg(l->sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r != (ssize_t)n) {
			rc = r < 0 ? -errno : -EIO;
			error_setf(&l->call_err, "cannot send GO: %s",
				   strerror(-rc));
		}
	}
	if (!rc) {		/* committed: the destination owns the guest */
		pthread_mutex_lock(&l->lock);
		l->info.downtime = now_ms() - l->t_pause;
		l->info.have_downtime = true;
		pthread_mutex_unlock(&l->lock);
	}
	l->call_rc = rc;
}

/* Failure or cancel (loop thread): devices go on, the guest runs again
 * if the final phase stopped it. */
static void abort_phase(struct mig_live *l)
{
	if (l->quiesced)
		mig_writer_quiesce(l->w, false);
	l->quiesced = false;
	if (l->paused_by_us && l->was_running && vm_resume(l->vm))
		vm_emit_event(l->vm, VM_EVENT_RESUME, false, NULL);
	l->paused_by_us = false;
}

/* ---- source: the migration thread --------------------------------------- */

static uint64_t popcount_bitmap(const uint64_t *bm, uint64_t words)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < words; i++)
		n += (uint64_t)__builtin_popcountll(bm[i]);
	return n;
}

static void update_ram(struct mig_live *l, uint64_t remaining_pages)
{
	const struct mig_stats *s = mig_writer_stats(l->w);

	pthread_mutex_lock(&l->lock);
	l->info.ram.remaining = remaining_pages * PAGE;
	l->info.ram.duplicate = s->zero_pages + s->dup_pages;
	l->info.ram.normal = s->data_pages;
	l->info.ram.normal_bytes = s->data_pages * PAGE;
	pthread_mutex_unlock(&l->lock);
}

/* Why the source failed: the peer's words first, then ours. */
static const char *reason(struct mig_live *l, const char *own)
{
	return l->peer_err ? l->peer_err : own ? own : "migration failed";
}

static int connect_dest(struct mig_live *l, const struct mig_tcp_addr *a,
			char **err)
{
	int rc = mig_tcp_connect(a, &l->sock, err);

	if (rc == 0)
		mig_tcp_nodelay(l->sock);
	if (rc != -EINPROGRESS)
		return rc;
	rc = wait_fd(l, l->sock, POLLOUT, CONNECT_WAIT_MS);
	if (rc == 0) {
		error_setf(err, "tcp:%s: no connection after %d s", a->text,
			   CONNECT_WAIT_MS / 1000);
		return -ETIMEDOUT;
	}
	if (rc < 0)
		return rc;
	rc = mig_tcp_connect_done(l->sock, a, err);
	if (!rc)
		mig_tcp_nodelay(l->sock);
	return rc;
}

static void run_outgoing(struct mig_live *l)
{
	struct mig_tcp_addr a;
	struct mig_sink sink = { .write = sink_write, .opaque = l };
	uint64_t words = vm_dirty_log_words(l->vm), *bm = NULL;
	bool logging = false;
	char *err = NULL;
	uint8_t type;
	char *text = NULL;
	uint32_t pass = 0;
	int rc;

	l->win_start = now_ms();
	l->win_bytes = 0;
	free(l->peer_err);
	l->peer_err = NULL;
	rc = mig_tcp_parse(l->uri, false, &a, &err);
	if (!rc)
		rc = connect_dest(l, &a, &err);
	if (!rc)
		rc = mig_writer_open(&l->w, l->vm, -1, NULL, &sink, &err);
	bm = calloc(words ? words : 1, sizeof(uint64_t));
	l->final_bitmap = calloc(words ? words : 1, sizeof(uint64_t));
	if (!rc && (!bm || !l->final_bitmap)) {
		error_setf(&err, "out of memory");
		rc = -ENOMEM;
	}
	/* Logging starts before pass 1 reads a page: a write during the pass
	 * is in the next sync. */
	if (!rc && (rc = vm_dirty_log_start(l->vm, &err)) == 0)
		logging = true;
	if (!rc)
		rc = mig_writer_header(l->w, &err);
	if (!rc)
		rc = mig_writer_flush(l->w, &err);
	/* The destination answers before any RAM. */
	if (!rc) {
		rc = rp_recv(l, ANSWER_WAIT_MS, &type, &text, &err);
		if (!rc && type == MIG_RP_REFUSE) {
			error_setf(&err, "the destination refused the migration: %s",
				   text);
			rc = -ECONNREFUSED;
		} else if (!rc && type != MIG_RP_ACCEPT) {
			error_setf(&err, "return path: expected ACCEPT or REFUSE, "
				   "got %s", rp_name(type));
			rc = -EPROTO;
		} else if (rc == -ETIMEDOUT) {
			free(err);
			err = NULL;
			error_setf(&err, "the destination did not answer the "
				   "header within %d s", ANSWER_WAIT_MS / 1000);
		}
		free(text);
		text = NULL;
	}
	if (!rc) {
		pthread_mutex_lock(&l->lock);
		l->info.setup_time = now_ms() - l->t_start;
		l->info.have_setup = true;
		pthread_mutex_unlock(&l->lock);
		set_status(l, MIG_ST_ACTIVE);
	}

	/* Pre-copy: pass 1 every frame, then the dirty ones. */
	const uint64_t *todo = NULL;		/* NULL: every frame */
	uint64_t dirty = l->w ? mig_writer_frames(l->w) : 0, t_pass;
	while (!rc) {
		uint64_t b0 = mig_writer_stats(l->w)->bytes;

		pass++;
		pthread_mutex_lock(&l->lock);
		l->info.passes = pass;
		pthread_mutex_unlock(&l->lock);
		post_event(l, 1, pass);
		update_ram(l, dirty);
		t_pass = now_ms();
		rc = mig_writer_ram(l->w, todo, false, &err);
		if (!rc)
			rc = mig_writer_flush(l->w, &err);
		if (rc)
			break;
		uint64_t dt = now_ms() - t_pass, bytes = mig_writer_stats(l->w)->bytes - b0;

		if (dt == 0)
			dt = 1;
		memset(bm, 0, words * sizeof(uint64_t));
		rc = vm_dirty_log_sync(l->vm, bm, &err);
		if (rc)
			break;
		todo = bm;
		dirty = popcount_bitmap(bm, words);

		/* bytes per ms this pass; the next pass is about as fast */
		uint64_t bw = bytes / dt ? bytes / dt : 1;
		uint64_t expected = dirty * PAGE / bw;
		struct mig_params prm;

		mig_live_get_params(l, &prm);
		pthread_mutex_lock(&l->lock);
		l->info.ram.dirty_sync_count++;
		l->info.ram.mbps = (double)bytes * 8 / 1e3 / (double)dt;
		l->info.ram.pages_per_second = (bytes / (PAGE + 1)) * 1000 / dt;
		l->info.ram.dirty_pages_rate = dirty * 1000 / dt;
		l->info.expected_downtime = expected;
		pthread_mutex_unlock(&l->lock);
		update_ram(l, dirty);
		progress(l, false);
		if (expected <= prm.downtime_limit)
			break;
		if (cancelled(l))
			rc = -ECANCELED;
	}

	/* Final phase: the loop thread stops the guest and encodes the
	 * devices; here the last pages, END and the trailer go out.  The
	 * pages of the last sync are still to send: the final sync ORs the
	 * rest into them. */
	if (!rc && cancelled(l))	/* a cancel during the last pass */
		rc = -ECANCELED;
	if (!rc) {
		memcpy(l->final_bitmap, bm, words * sizeof(uint64_t));
		rc = loop_call(l, final_phase);
		if (!rc) {
			rc = l->call_rc;
			err = l->call_err;
			l->call_err = NULL;
		}
	}
	if (!rc) {
		set_status(l, MIG_ST_DEVICE);
		update_ram(l, popcount_bitmap(l->final_bitmap, words));
		rc = mig_writer_ram(l->w, l->final_bitmap, false, &err);
		if (!rc)
			rc = mig_writer_end(l->w, &err);
		if (!rc)
			rc = mig_writer_flush(l->w, &err);
		update_ram(l, 0);
	}
	if (!rc) {
		rc = rp_recv(l, LOADED_WAIT_MS, &type, &text, &err);
		if (!rc && type == MIG_RP_FAILED) {
			error_setf(&err, "the destination failed: %s", text);
			rc = -EIO;
		} else if (!rc && type != MIG_RP_LOADED) {
			error_setf(&err, "return path: expected LOADED, got %s",
				   rp_name(type));
			rc = -EPROTO;
		} else if (rc == -EPIPE) {
			free(err);
			err = NULL;
			error_setf(&err, "the destination closed the connection "
				   "before LOADED");
		}
		free(text);
		text = NULL;
	}
	if (!rc && !cancelled(l)) {
		rc = loop_call(l, go_phase);
		if (!rc) {
			rc = l->call_rc;
			err = l->call_err;
			l->call_err = NULL;
		}
	} else if (!rc) {
		rc = -ECANCELED;
	}

	/* The outcome. */
	if (l->sock >= 0) {
		close(l->sock);
		l->sock = -1;
	}
	if (logging)
		vm_dirty_log_stop(l->vm);
	pthread_mutex_lock(&l->lock);
	l->info.total_time = now_ms() - l->t_start;
	pthread_mutex_unlock(&l->lock);
	if (!rc) {
		/* The devices stay held: the destination runs the guest now
		 * (QEMU inactivates the source's disks the same way) -- until
		 * a cont here, before the status can tell a client to. */
		pthread_mutex_lock(&l->lock);
		l->held = l->w;
		pthread_mutex_unlock(&l->lock);
		l->w = NULL;
		set_status(l, MIG_ST_COMPLETED);
		progress(l, true);
		l->quiesced = false;
		fprintf(stderr, "minivmm: migration to %s completed: %llu bytes, "
			"%u passes, downtime %llu ms\n", l->uri,
			(unsigned long long)l->info.ram.transferred, pass,
			(unsigned long long)l->info.downtime);
	} else {
		bool cancel = rc == -ECANCELED || cancelled(l);

		loop_call(l, abort_phase);
		set_error(l, cancel ? "migration cancelled" : reason(l, err));
		set_status(l, cancel ? MIG_ST_CANCELLED : MIG_ST_FAILED);
		progress(l, true);
		fprintf(stderr, "minivmm: migration to %s %s: %s\n", l->uri,
			cancel ? "cancelled" : "failed",
			cancel ? "the guest runs on" : reason(l, err));
	}
	free(err);
	free(bm);
	free(l->final_bitmap);
	l->final_bitmap = NULL;
	if (l->w) {
		/* a failure let the devices go in abort_phase, or here when
		 * the loop is gone */
		mig_writer_free(l->w);
		l->w = NULL;
	}
}

/* ---- destination --------------------------------------------------------- */

static long src_read(void *opaque, void *p, size_t n)
{
	struct mig_live *l = opaque;
	/* a large read with nothing buffered goes straight into the
	 * caller's buffer (a RAM record: one copy less) */
	bool direct = l->rpos == l->rlen && n >= DIRECT_RECV;

	while (l->rpos == l->rlen) {
		int ev = wait_fd(l, l->sock, POLLIN, SOURCE_IDLE_MS);

		if (ev < 0)
			return ev;
		if (ev == 0) {
			free(l->peer_err);
			l->peer_err = NULL;
			error_setf(&l->peer_err, "no data from the source for %d s",
				   SOURCE_IDLE_MS / 1000);
			return -ETIMEDOUT;
		}
		ssize_t r = recv(l->sock, direct ? p : l->rbuf,
				 direct ? n : RECV_BUF, MSG_DONTWAIT);

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return r < 0 ? -errno : 0;
		account(l, (size_t)r);
		if (direct)
			return (long)r;
		l->rpos = 0;
		l->rlen = (size_t)r;
	}
	if (n > l->rlen - l->rpos)
		n = l->rlen - l->rpos;
	memcpy(p, l->rbuf + l->rpos, n);
	l->rpos += n;
	return (long)n;
}

static int dest_header(void *opaque, const char *refusal)
{
	struct mig_live *l = opaque;
	int rc = rp_send(l, refusal ? MIG_RP_REFUSE : MIG_RP_ACCEPT, refusal);

	if (!rc && !refusal)
		l->accepted = true;
	return rc;
}

static int dest_loaded(void *opaque, char **err)
{
	struct mig_live *l = opaque;
	uint8_t type;
	char *text = NULL;
	int rc = rp_send(l, MIG_RP_LOADED, NULL);

	if (rc) {
		error_setf(err, "cannot send LOADED: %s", strerror(-rc));
		return rc;
	}
	rc = rp_recv(l, GO_WAIT_MS, &type, &text, err);
	free(text);
	if (rc == -EPIPE) {
		free(*err);
		*err = NULL;
		error_setf(err, "the connection ended before GO: the guest did "
			   "not start here; the source keeps it (running if its "
			   "migration failed, paused if it completed: QMP cont "
			   "there resumes it)");
	} else if (!rc && type != MIG_RP_GO) {
		error_setf(err, "return path: expected GO, got %s",
			   rp_name(type));
		rc = -EPROTO;
	}
	return rc;
}

static void commit_phase(struct mig_live *l)
{
	l->commit_fn(l->commit_arg);
}

static int dest_commit(void *opaque, void (*fn)(void *arg), void *arg)
{
	struct mig_live *l = opaque;

	l->commit_fn = fn;
	l->commit_arg = arg;
	return loop_call(l, commit_phase);
}

/* Loop thread: the guest is ours now. */
static void dest_done(struct mig_live *l)
{
	if (l->autostart && vm_resume(l->vm))
		vm_emit_event(l->vm, VM_EVENT_RESUME, false, NULL);
}

static void dest_failed(struct mig_live *l)
{
	vm_request_end(l->vm, VM_END_ERROR, "incoming migration failed; the "
		       "guest was not started");
}

static void run_incoming(struct mig_live *l)
{
	struct mig_tcp_addr a;
	struct mig_src src = { .fd = -1, .read = src_read, .opaque = l };
	struct mig_load_hooks h = {
		.header = dest_header, .loaded = dest_loaded,
		.commit = dest_commit, .live = true, .opaque = l,
	};
	char *err = NULL;
	int rc = 0;

	free(l->peer_err);
	l->peer_err = NULL;
	l->accepted = false;
	if (l->listen_here) {		/* migrate-incoming: listen here */
		rc = mig_tcp_parse(l->uri, true, &a, &err);
		if (!rc)
			rc = mig_tcp_listen(&a, &l->listen_fd, &err);
		pthread_mutex_lock(&l->lock);
		if (!rc) {
			l->info.port = mig_tcp_local_port(l->listen_fd);
			l->info.status = MIG_ST_SETUP;
		}
		l->listen_rc = rc;
		l->listen_err = err;
		err = NULL;
		l->listen_answered = true;
		pthread_cond_broadcast(&l->cond);
		pthread_mutex_unlock(&l->lock);
		if (rc)
			return;
		post_event(l, 0, MIG_ST_SETUP);
	}
	/* A destination waits for its source as long as it takes. */
	for (;;) {
		rc = wait_fd(l, l->listen_fd, POLLIN, -1);
		if (rc < 0)
			break;
		l->sock = accept4(l->listen_fd, NULL, NULL,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (l->sock >= 0 || (errno != EAGAIN && errno != EINTR &&
				     errno != ECONNABORTED))
			break;
	}
	if (rc < 0 || l->sock < 0) {
		if (rc != -ECANCELED)
			fprintf(stderr, "minivmm: -incoming %s: accept: %s\n",
				l->uri, strerror(rc < 0 ? -rc : errno));
		goto out;
	}
	close(l->listen_fd);
	l->listen_fd = -1;
	mig_tcp_nodelay(l->sock);
	pthread_mutex_lock(&l->lock);
	l->t_start = now_ms();
	pthread_mutex_unlock(&l->lock);
	set_status(l, MIG_ST_ACTIVE);
	l->rpos = l->rlen = 0;
	rc = migrate_load_hooks(l->vm, &src, &h, &err);
	if (!rc) {
		pthread_mutex_lock(&l->lock);
		l->info.total_time = now_ms() - l->t_start;
		pthread_mutex_unlock(&l->lock);
		set_status(l, MIG_ST_COMPLETED);
		loop_call(l, dest_done);
	} else if (rc != -ECANCELED || !l->quit) {
		const char *why = l->peer_err ? l->peer_err : err ? err :
				  strerror(-rc);

		/* after ACCEPT the source hears why (best effort) */
		if (l->accepted)
			rp_send(l, MIG_RP_FAILED, why);
		fprintf(stderr, "minivmm: -incoming %s: %s\n", l->uri, why);
		set_error(l, why);
		set_status(l, MIG_ST_FAILED);
		loop_call(l, dest_failed);
	}
out:
	free(err);
	if (l->sock >= 0) {
		close(l->sock);
		l->sock = -1;
	}
	if (l->listen_fd >= 0) {
		close(l->listen_fd);
		l->listen_fd = -1;
	}
}

/* ---- the thread ------------------------------------------------------------ */

static void *mig_thread(void *arg)
{
	struct mig_live *l = arg;
	char *err = NULL;

	/* The migration list (seccomp/seccomp.c); created during setup, so
	 * the main list does not apply on top.  Waits at the gate. */
	if (sandbox_enter(SANDBOX_MIGRATION, &err) < 0) {
		vm_request_end(l->vm, VM_END_ERROR, "migration thread: %s",
			       err ? err : "cannot enter the sandbox");
		free(err);
		pthread_mutex_lock(&l->lock);
		l->quit = true;		/* nobody waits for this thread */
		pthread_cond_broadcast(&l->cond);
		pthread_mutex_unlock(&l->lock);
		return NULL;
	}
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->quit && l->job == JOB_NONE)
			pthread_cond_wait(&l->cond, &l->lock);
		if (l->quit)
			break;
		enum job j = l->job;
		pthread_mutex_unlock(&l->lock);
		if (j == JOB_OUT)
			run_outgoing(l);
		else
			run_incoming(l);
		pthread_mutex_lock(&l->lock);
		l->job = JOB_NONE;
		pthread_cond_broadcast(&l->cond);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* The source is continued after a completed migration (QMP cont, when
 * the destination did not come up): its devices work again. */
static void release_held(void *opaque)
{
	struct mig_live *l = opaque;
	struct mig_writer *w;

	pthread_mutex_lock(&l->lock);
	w = l->held;
	l->held = NULL;
	pthread_mutex_unlock(&l->lock);
	mig_writer_free(w);	/* lets the devices go */
}

int mig_live_create(struct mig_live **out, struct vm *vm,
		    const struct mig_live_ops *ops, void *opaque, char **err)
{
	struct mig_live *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (!l) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	l->vm = vm;
	l->ops = ops;
	l->opaque = opaque;
	l->sock = -1;
	l->listen_fd = -1;
	l->params.max_bandwidth = MIG_DEFAULT_MAX_BANDWIDTH;
	l->params.downtime_limit = MIG_DEFAULT_DOWNTIME_LIMIT;
	l->progress_tty = isatty(STDERR_FILENO);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	l->rbuf = malloc(RECV_BUF);
	l->cancel_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!l->rbuf || l->cancel_fd < 0) {
		rc = l->rbuf ? -errno : -ENOMEM;
		error_setf(err, "migration: %s", strerror(-rc));
		mig_live_destroy(l);
		return rc;
	}
	rc = pthread_create(&l->thread, NULL, mig_thread, l);
	if (rc) {
		error_setf(err, "migration thread: %s", strerror(rc));
		mig_live_destroy(l);
		return -rc;
	}
	l->thread_started = true;
	vm_set_resume_hook(vm, release_held, l);
	*out = l;
	return 0;
}

static void wake(struct mig_live *l)
{
	uint64_t one = 1;

	if (write(l->cancel_fd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: it wakes anyway */
	}
}

void mig_live_destroy(struct mig_live *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->quit = true;
	atomic_store(&l->cancel, true);
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (l->cancel_fd >= 0)
		wake(l);
	if (l->thread_started) {
		/* On a setup error path the thread may still wait at the
		 * sandbox gate; main opens it on every such path anyway. */
		sandbox_open_gate();
		pthread_join(l->thread, NULL);
	}
	if (l->vm->resume_fn == release_held)
		vm_set_resume_hook(l->vm, NULL, NULL);
	if (l->held) {
		/* Quitting a completed source: its devices must not run the
		 * requests they hold against images the destination owns. */
		mig_writer_quiesce_forget(l->held);
		mig_writer_free(l->held);
		l->held = NULL;
	}
	/* Work the thread posted that the loop never ran. */
	mainloop_cancel(l->vm->loop, loop_call_cb, l);
	mainloop_cancel(l->vm->loop, events_cb, l);
	if (l->listen_fd >= 0)
		close(l->listen_fd);
	if (l->sock >= 0)
		close(l->sock);
	if (l->cancel_fd >= 0)
		close(l->cancel_fd);
	free(l->listen_err);
	free(l->peer_err);
	free(l->rbuf);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

static bool busy_locked(struct mig_live *l)
{
	return l->job != JOB_NONE;
}

bool mig_live_busy(struct mig_live *l)
{
	pthread_mutex_lock(&l->lock);
	bool b = busy_locked(l);
	pthread_mutex_unlock(&l->lock);
	return b;
}

bool mig_live_used(struct mig_live *l)
{
	pthread_mutex_lock(&l->lock);
	bool u = l->used;
	pthread_mutex_unlock(&l->lock);
	return u;
}

/* Start a job (loop thread); the thread takes it. */
static int start_job(struct mig_live *l, enum job j, const char *uri,
		     bool incoming, bool setup_event, char **err)
{
	pthread_mutex_lock(&l->lock);
	if (busy_locked(l)) {
		pthread_mutex_unlock(&l->lock);
		error_setf(err, "There's a migration process in progress");
		return -EBUSY;
	}
	snprintf(l->uri, sizeof(l->uri), "%s", uri);
	memset(&l->info, 0, sizeof(l->info));
	l->info.incoming = incoming;
	l->info.status = MIG_ST_SETUP;
	l->info.ram.total = l->vm->ram_size;
	l->t_start = incoming ? 0 : now_ms();
	l->used = true;
	atomic_store(&l->cancel, false);
	/* drop a stale wake-up of an earlier cancel */
	uint64_t v;
	if (read(l->cancel_fd, &v, sizeof(v)) < 0) {
		/* nothing was pending */
	}
	/* The SETUP event is queued before the thread can queue ACTIVE */
	if (setup_event && l->nev < MAX_EVENTS) {
		l->ev[l->nev].kind = 0;
		l->ev[l->nev].val = MIG_ST_SETUP;
		l->nev++;
	}
	l->job = j;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (setup_event)
		mainloop_post(l->vm->loop, events_cb, l);
	return 0;
}

int mig_live_migrate(struct mig_live *l, const char *uri, char **err)
{
	struct mig_tcp_addr a;
	int rc = mig_tcp_parse(uri, false, &a, err);

	if (rc)
		return rc;
	return start_job(l, JOB_OUT, uri, false, true, err);
}

int mig_live_incoming(struct mig_live *l, const char *uri, bool now,
		      bool autostart, char **err)
{
	struct mig_tcp_addr a;
	int fd = -1, rc = mig_tcp_parse(uri, true, &a, err);

	if (rc)
		return rc;
	if (now) {
		rc = mig_tcp_listen(&a, &fd, err);
		if (rc)
			return rc;
	}
	pthread_mutex_lock(&l->lock);
	if (busy_locked(l)) {
		pthread_mutex_unlock(&l->lock);
		if (fd >= 0)
			close(fd);
		error_setf(err, "There's a migration process in progress");
		return -EBUSY;
	}
	l->autostart = autostart;
	l->listen_here = !now;
	l->listen_answered = false;
	l->listen_fd = fd;
	pthread_mutex_unlock(&l->lock);
	rc = start_job(l, JOB_IN, uri, true, now, err);
	if (rc)
		return rc;
	pthread_mutex_lock(&l->lock);
	snprintf(l->info.host, sizeof(l->info.host), "%s", a.text);
	char *colon = strrchr(l->info.host, ':');
	if (colon)
		*colon = 0;
	if (now) {
		l->info.port = mig_tcp_local_port(fd);
	} else {
		/* the thread listens (the sandbox list allows it there, not
		 * on the loop thread): wait for its answer */
		while (!l->listen_answered && !l->quit)
			pthread_cond_wait(&l->cond, &l->lock);
		rc = l->listen_answered ? l->listen_rc : -ECANCELED;
		if (rc) {
			if (err)
				*err = l->listen_err;
			else
				free(l->listen_err);
			l->listen_err = NULL;
		}
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

bool mig_live_cancel(struct mig_live *l)
{
	bool running;

	pthread_mutex_lock(&l->lock);
	running = l->job == JOB_OUT && l->info.status != MIG_ST_COMPLETED &&
		  l->info.status != MIG_ST_FAILED &&
		  l->info.status != MIG_ST_CANCELLED;
	if (running) {
		atomic_store(&l->cancel, true);
		l->info.status = MIG_ST_CANCELLING;
	}
	pthread_mutex_unlock(&l->lock);
	if (running) {
		wake(l);
		post_event(l, 0, MIG_ST_CANCELLING);
	}
	return running;
}

void mig_live_info(struct mig_live *l, struct mig_info *out)
{
	pthread_mutex_lock(&l->lock);
	*out = l->info;
	if (!l->info.incoming && (l->info.status == MIG_ST_SETUP ||
				   l->info.status == MIG_ST_ACTIVE ||
				   l->info.status == MIG_ST_DEVICE ||
				   l->info.status == MIG_ST_CANCELLING))
		out->total_time = now_ms() - l->t_start;
	pthread_mutex_unlock(&l->lock);
}

void mig_live_get_params(struct mig_live *l, struct mig_params *p)
{
	pthread_mutex_lock(&l->lock);
	*p = l->params;
	pthread_mutex_unlock(&l->lock);
}

void mig_live_set_params(struct mig_live *l, const struct mig_params *p)
{
	pthread_mutex_lock(&l->lock);
	l->params = *p;
	pthread_mutex_unlock(&l->lock);
	wake(l);		/* a rate-limit wait re-reads the limit */
}
