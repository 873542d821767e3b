/* SPDX-License-Identifier: MIT */
/*
 * The main event loop (see mainloop.h): epoll for fds, a list of one-shot
 * timers on the loop clock, and an eventfd-backed queue of work posted by
 * other threads.  Only the loop thread touches fds and timers; the work
 * queue is the one structure shared with other threads (work_lock).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vmm/error.h"
#include "vmm/mainloop.h"

struct ml_watch {
	struct ml_watch *next;
	int fd;
	bool deleted;		/* freed after the current dispatch batch */
	ml_fd_fn *fn;
	void *opaque;
};

struct ml_timer {
	struct ml_timer *next;
	struct mainloop *ml;
	bool pending;
	uint64_t deadline;
	ml_fn *fn;
	void *opaque;
};

struct ml_work {
	struct ml_work *next;
	ml_fn *fn;
	void *opaque;
};

struct mainloop {
	int epfd;
	int wake_fd;			/* eventfd: posted work or wake-up */
	struct ml_watch *watches;
	struct ml_timer *timers;
	bool virtual_clock;
	uint64_t vclock;		/* ns, virtual clock only */

	pthread_mutex_t work_lock;	/* the only state other threads touch */
	struct ml_work *work_head, **work_tail;
};

static uint64_t host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t mainloop_now(struct mainloop *ml)
{
	return ml->virtual_clock ? ml->vclock : host_now();
}

bool mainloop_is_virtual(const struct mainloop *ml)
{
	return ml->virtual_clock;
}

/* ---- fds ----------------------------------------------------------- */

static struct ml_watch *find_watch(struct mainloop *ml, int fd)
{
	for (struct ml_watch *w = ml->watches; w; w = w->next)
		if (w->fd == fd && !w->deleted)
			return w;
	return NULL;
}

int mainloop_add_fd(struct mainloop *ml, int fd, uint32_t events,
		    ml_fd_fn *fn, void *opaque)
{
	struct ml_watch *w;
	struct epoll_event ev = { .events = events };

	if (find_watch(ml, fd))
		return -EEXIST;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->fn = fn;
	w->opaque = opaque;
	ev.data.ptr = w;
	if (epoll_ctl(ml->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;

		free(w);
		return -e;
	}
	w->next = ml->watches;
	ml->watches = w;
	return 0;
}

int mainloop_mod_fd(struct mainloop *ml, int fd, uint32_t events)
{
	struct ml_watch *w = find_watch(ml, fd);
	struct epoll_event ev = { .events = events };

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	return epoll_ctl(ml->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void mainloop_del_fd(struct mainloop *ml, int fd)
{
	struct ml_watch *w = find_watch(ml, fd);

	if (!w)
		return;
	epoll_ctl(ml->epfd, EPOLL_CTL_DEL, fd, NULL);
	w->deleted = true;	/* an event for it may still be in the batch */
}

static void reap_watches(struct mainloop *ml)
{
	struct ml_watch **pp = &ml->watches;

	while (*pp) {
		struct ml_watch *w = *pp;

		if (w->deleted) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

/* ---- timers -------------------------------------------------------- */

struct ml_timer *mainloop_timer_new(struct mainloop *ml, ml_fn *fn, void *opaque)
{
	struct ml_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ml = ml;
	t->fn = fn;
	t->opaque = opaque;
	t->next = ml->timers;
	ml->timers = t;
	return t;
}

void mainloop_timer_mod(struct ml_timer *t, uint64_t deadline_ns)
{
	t->deadline = deadline_ns;
	t->pending = true;
}

void mainloop_timer_del(struct ml_timer *t)
{
	t->pending = false;
}

bool mainloop_timer_pending(const struct ml_timer *t)
{
	return t->pending;
}

void mainloop_timer_free(struct ml_timer *t)
{
	if (!t)
		return;
	for (struct ml_timer **pp = &t->ml->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	free(t);
}

static struct ml_timer *earliest_timer(struct mainloop *ml)
{
	struct ml_timer *best = NULL;

	for (struct ml_timer *t = ml->timers; t; t = t->next)
		if (t->pending && (!best || t->deadline < best->deadline))
			best = t;
	return best;
}

/*
 * Run every timer due at or before limit, earliest first.  A callback may
 * re-arm, delete or free any timer (itself included): the list is searched
 * afresh after each one.  With the virtual clock, time jumps to each
 * deadline before its callback runs.
 */
static int run_timers(struct mainloop *ml, uint64_t limit)
{
	struct ml_timer *t;
	int n = 0;

	while ((t = earliest_timer(ml)) && t->deadline <= limit) {
		if (ml->virtual_clock && t->deadline > ml->vclock)
			ml->vclock = t->deadline;
		t->pending = false;
		t->fn(t->opaque);
		n++;
	}
	return n;
}

uint64_t mainloop_clock_step(struct mainloop *ml, uint64_t ns)
{
	uint64_t target;

	if (!ml->virtual_clock)
		return mainloop_now(ml);
	if (ns == UINT64_MAX) {
		struct ml_timer *t = earliest_timer(ml);

		if (!t)
			return ml->vclock;
		target = t->deadline > ml->vclock ? t->deadline : ml->vclock;
	} else {
		target = ml->vclock + ns < ml->vclock ? UINT64_MAX - 1
						      : ml->vclock + ns;
	}
	run_timers(ml, target);
	ml->vclock = target;
	return target;
}

uint64_t mainloop_clock_set(struct mainloop *ml, uint64_t ns)
{
	if (!ml->virtual_clock || ns <= ml->vclock)
		return mainloop_now(ml);
	return mainloop_clock_step(ml, ns - ml->vclock);
}

/* ---- posted work ----------------------------------------------------- */

void mainloop_wake(struct mainloop *ml)
{
	uint64_t one = 1;

	while (write(ml->wake_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

int mainloop_post(struct mainloop *ml, ml_fn *fn, void *opaque)
{
	struct ml_work *w = malloc(sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->next = NULL;
	w->fn = fn;
	w->opaque = opaque;
	pthread_mutex_lock(&ml->work_lock);
	*ml->work_tail = w;
	ml->work_tail = &w->next;
	pthread_mutex_unlock(&ml->work_lock);
	mainloop_wake(ml);
	return 0;
}

void mainloop_cancel(struct mainloop *ml, ml_fn *fn, void *opaque)
{
	pthread_mutex_lock(&ml->work_lock);
	for (struct ml_work **pp = &ml->work_head; *pp;) {
		struct ml_work *w = *pp;

		if (w->fn == fn && w->opaque == opaque) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
	ml->work_tail = &ml->work_head;
	while (*ml->work_tail)
		ml->work_tail = &(*ml->work_tail)->next;
	pthread_mutex_unlock(&ml->work_lock);
}

static int run_work(struct mainloop *ml)
{
	struct ml_work *list;
	int n = 0;

	pthread_mutex_lock(&ml->work_lock);
	list = ml->work_head;
	ml->work_head = NULL;
	ml->work_tail = &ml->work_head;
	pthread_mutex_unlock(&ml->work_lock);
	while (list) {
		struct ml_work *w = list;

		list = w->next;
		w->fn(w->opaque);
		free(w);
		n++;
	}
	return n;
}

/* ---- the loop ---------------------------------------------------------- */

#define ML_MAX_EVENTS 16

int mainloop_iterate(struct mainloop *ml, int timeout_ms)
{
	struct epoll_event evs[ML_MAX_EVENTS];
	struct ml_timer *t = ml->virtual_clock ? NULL : earliest_timer(ml);
	int n, ran = 0;

	if (t) {
		uint64_t now = host_now();
		uint64_t ms = t->deadline <= now ? 0
			    : (t->deadline - now + 999999) / 1000000;

		if (ms > INT_MAX)
			ms = INT_MAX;
		if (timeout_ms < 0 || (uint64_t)timeout_ms > ms)
			timeout_ms = (int)ms;
	}

	n = epoll_wait(ml->epfd, evs, ML_MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct ml_watch *w = evs[i].data.ptr;

		if (!w) {		/* the wake eventfd */
			uint64_t cnt;

			while (read(ml->wake_fd, &cnt, sizeof(cnt)) < 0 &&
			       errno == EINTR)
				;
			continue;
		}
		if (w->deleted)
			continue;
		w->fn(w->opaque, w->fd, evs[i].events);
		ran++;
	}
	reap_watches(ml);
	ran += run_work(ml);
	if (!ml->virtual_clock)
		ran += run_timers(ml, host_now());
	return ran;
}

/* ---- lifetime ---------------------------------------------------------- */

int mainloop_create(struct mainloop **out, bool virtual_clock, char **err)
{
	struct mainloop *ml = calloc(1, sizeof(*ml));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	*out = NULL;
	if (!ml) {
		error_setf(err, "main loop: out of memory");
		return -ENOMEM;
	}
	ml->virtual_clock = virtual_clock;
	ml->work_tail = &ml->work_head;
	pthread_mutex_init(&ml->work_lock, NULL);
	ml->epfd = epoll_create1(EPOLL_CLOEXEC);
	ml->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ml->epfd < 0 || ml->wake_fd < 0 ||
	    epoll_ctl(ml->epfd, EPOLL_CTL_ADD, ml->wake_fd, &ev) < 0) {
		int e = errno;

		error_setf(err, "main loop: %s", strerror(e));
		mainloop_destroy(ml);
		return -e;
	}
	*out = ml;
	return 0;
}

void mainloop_destroy(struct mainloop *ml)
{
	if (!ml)
		return;
	run_work(ml);
	for (struct ml_watch *w = ml->watches; w; w = w->next)
		w->deleted = true;
	reap_watches(ml);
	while (ml->timers)
		mainloop_timer_free(ml->timers);
	if (ml->epfd >= 0)
		close(ml->epfd);
	if (ml->wake_fd >= 0)
		close(ml->wake_fd);
	pthread_mutex_destroy(&ml->work_lock);
	free(ml);
}
