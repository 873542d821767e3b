/* SPDX-License-Identifier: MIT */
/*
 * The main event loop: one thread (the process's main thread) waits in
 * epoll for file descriptors (monitor sockets, the qtest socket), runs
 * timers, and runs work that other threads post to it.
 *
 * Everything registered here runs on the loop thread, so the monitor and
 * qtest code need no locks of their own.  Other threads talk to the loop
 * only through mainloop_post() and mainloop_wake(), which write an
 * eventfd.
 *
 * Timers run on the loop's clock: the host monotonic clock normally, or a
 * virtual clock (qtest) that moves only when mainloop_clock_step() is
 * called, so device timing seen through qtest is deterministic.
 */
#ifndef MINIVMM_MAINLOOP_H
#define MINIVMM_MAINLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct mainloop;
struct ml_timer;

/* events: EPOLLIN/EPOLLOUT/EPOLLHUP/EPOLLERR bits as epoll reports them. */
typedef void ml_fd_fn(void *opaque, int fd, uint32_t events);
typedef void ml_fn(void *opaque);

/* 0 or -errno (*err set). */
int mainloop_create(struct mainloop **out, bool virtual_clock, char **err);
/* Runs the posted work still queued, frees timers left registered. */
void mainloop_destroy(struct mainloop *ml);

/* Watch fd for events (EPOLLIN, EPOLLOUT).  One watch per fd. 0/-errno. */
int mainloop_add_fd(struct mainloop *ml, int fd, uint32_t events,
		    ml_fd_fn *fn, void *opaque);
int mainloop_mod_fd(struct mainloop *ml, int fd, uint32_t events);
/* Safe from inside any fd callback, also for another fd of the batch. */
void mainloop_del_fd(struct mainloop *ml, int fd);

/* Timers: one-shot, armed with an absolute deadline on the loop clock. */
struct ml_timer *mainloop_timer_new(struct mainloop *ml, ml_fn *fn, void *opaque);
void mainloop_timer_mod(struct ml_timer *t, uint64_t deadline_ns);
void mainloop_timer_del(struct ml_timer *t);
bool mainloop_timer_pending(const struct ml_timer *t);
void mainloop_timer_free(struct ml_timer *t);

/* The loop clock in ns (monotonic; the virtual clock starts at 0). */
uint64_t mainloop_now(struct mainloop *ml);
bool mainloop_is_virtual(const struct mainloop *ml);
/*
 * Virtual clock only: advance by ns, running each due timer with the clock
 * set to its deadline (in deadline order).  ns == UINT64_MAX: to the next
 * deadline (nothing happens without one).  Returns the new time.
 */
uint64_t mainloop_clock_step(struct mainloop *ml, uint64_t ns);
/* Virtual clock only: run timers up to ns (if in the future). */
uint64_t mainloop_clock_set(struct mainloop *ml, uint64_t ns);

/* Any thread: run fn(opaque) on the loop thread soon. 0 or -ENOMEM. */
int mainloop_post(struct mainloop *ml, ml_fn *fn, void *opaque);
/* Drop queued work that matches fn and opaque (not yet run). */
void mainloop_cancel(struct mainloop *ml, ml_fn *fn, void *opaque);
/* Any thread: make a blocked mainloop_iterate() return. */
void mainloop_wake(struct mainloop *ml);

/*
 * One iteration: wait for fds/timers/posted work (at most timeout_ms; -1
 * forever) and dispatch.  Returns the number of callbacks run, or -errno.
 */
int mainloop_iterate(struct mainloop *ml, int timeout_ms);

#endif
