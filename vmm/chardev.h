/* SPDX-License-Identifier: MIT */
/*
 * Socket endpoints for the control plane, spelled like QEMU's character
 * device shorthand (-qmp/-qtest/-monitor arguments):
 *
 *   unix:PATH[,server=on|off][,wait=on|off]
 *   tcp:HOST:PORT[,server=on|off][,wait=on|off]
 *
 * As in QEMU, server defaults to off (minivmm connects to PATH, the way
 * libqtest starts QEMU) and wait to on (a server waits for its first
 * client before the guest starts).  "server"/"nowait" without a value are
 * accepted for server=on/wait=off.
 *
 * struct chr_conn is one connected byte stream on the main loop: input
 * arrives through a callback, output is queued and written when the socket
 * is writable, and a peer that stops reading is dropped once its queue
 * exceeds a bound (a slow client never blocks the VM).
 */
#ifndef MINIVMM_CHARDEV_H
#define MINIVMM_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mainloop;

struct chr_spec {
	bool is_unix;
	char path[108];		/* sun_path */
	char host[64], port[16];
	bool server, wait;
};

/* 0 or -EINVAL with *err set. */
int chr_spec_parse(struct chr_spec *spec, const char *text, char **err);

/* Server: a listening socket (unix: a stale PATH is unlinked first). */
int chr_listen(const struct chr_spec *spec, char **err);
/* Client: a connected socket. */
int chr_connect(const struct chr_spec *spec, char **err);
/* accept4 with CLOEXEC|NONBLOCK; -errno. */
int chr_accept(int listen_fd);

#define CHR_OUT_MAX	(4u << 20)	/* queued output bytes per peer */

struct chr_conn;
/* Bytes arrived (len > 0), or the peer went away (len == 0): the owner
 * then calls chr_conn_free(). */
typedef void chr_input_fn(void *opaque, struct chr_conn *c,
			  const uint8_t *buf, size_t len);

/* Take over fd (made non-blocking) and watch it on ml.  NULL: no memory. */
struct chr_conn *chr_conn_new(struct mainloop *ml, int fd,
			      chr_input_fn *fn, void *opaque);
/* Queue output; false when the peer is gone or over CHR_OUT_MAX. */
bool chr_conn_write(struct chr_conn *c, const void *buf, size_t len);
bool chr_conn_printf(struct chr_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool chr_conn_dead(const struct chr_conn *c);
/* Descriptors that arrived with SCM_RIGHTS on a UNIX socket are kept, at
 * most CHR_MAX_FDS, until taken (oldest first; -1: none).  The taker owns
 * the fd; those never taken are closed with the connection. */
#define CHR_MAX_FDS	16
int chr_conn_take_fd(struct chr_conn *c);
/* Close the descriptors nobody took. */
void chr_conn_drop_fds(struct chr_conn *c);
/* Write what is queued, waiting up to timeout_ms (at exit). */
void chr_conn_flush(struct chr_conn *c, int timeout_ms);
void chr_conn_free(struct chr_conn *c);

#endif
