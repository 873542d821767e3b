/* SPDX-License-Identifier: MIT */
/*
 * Migration transports by URI (QEMU's -incoming / migrate syntax):
 *
 *   tcp:HOST:PORT   HOST is a numeric IPv4 address, an IPv6 address in
 *                   brackets ([::1]) or "localhost" (127.0.0.1); PORT
 *                   1..65535 (0 when listening: the kernel picks one, and
 *                   query-migrate on the destination reports it).
 *
 * Names are not resolved: the migration thread runs under a seccomp list
 * without the files and sockets a resolver needs (seccomp/seccomp.c).
 * Sockets are non-blocking and close-on-exec; the waits are the caller's
 * (migrate/live.c polls with a cancel fd and a bound).
 */
#ifndef MINIVMM_MIGRATE_TRANSPORT_H
#define MINIVMM_MIGRATE_TRANSPORT_H

#include <stdbool.h>
#include <sys/socket.h>

struct mig_tcp_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	char text[80];			/* "127.0.0.1:4444", "[::1]:4444" */
};

/* Does uri name the tcp transport ("tcp:" prefix)? */
bool mig_uri_is_tcp(const char *uri);
/* Parse "tcp:HOST:PORT".  listening: port 0 allowed.  0 or -EINVAL with
 * *err saying what is wrong with which part. */
int mig_tcp_parse(const char *uri, bool listening, struct mig_tcp_addr *a,
		  char **err);
/* Listen (SO_REUSEADDR, backlog 1): *fd, non-blocking.  0 or -errno. */
int mig_tcp_listen(const struct mig_tcp_addr *a, int *fd, char **err);
/* The port a listening socket got (port 0 asked for), or -1. */
int mig_tcp_local_port(int fd);
/* Start a non-blocking connect: 0 connected, -EINPROGRESS (wait for
 * POLLOUT, then mig_tcp_connect_done()), or another -errno with *err. */
int mig_tcp_connect(const struct mig_tcp_addr *a, int *fd, char **err);
/* After POLLOUT: 0 connected, or -errno with *err ("Connection refused"). */
int mig_tcp_connect_done(int fd, const struct mig_tcp_addr *a, char **err);

/* TCP_NODELAY: the trailer and the return-path frames are small writes
 * the peer waits for; Nagle + delayed ACK would hold them ~40 ms. */
void mig_tcp_nodelay(int fd);

#endif
