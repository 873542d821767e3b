// SPDX-License-Identifier: MIT
/*
 * tcp: migration URIs (see transport.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/transport.h"
#include "vmm/error.h"

#define TCP_PREFIX	"tcp:"

bool mig_uri_is_tcp(const char *uri)
{
	return uri && !strncmp(uri, TCP_PREFIX, strlen(TCP_PREFIX));
}

int mig_tcp_parse(const char *uri, bool listening, struct mig_tcp_addr *a,
		  char **err)
{
	const char *hp, *colon;
	char host[64];
	size_t hl;
	char *end;
	unsigned long port;

	memset(a, 0, sizeof(*a));
	if (!mig_uri_is_tcp(uri)) {
		error_setf(err, "%s: not a tcp: URI", uri ? uri : "");
		return -EINVAL;
	}
	hp = uri + strlen(TCP_PREFIX);
	if (hp[0] == '[') {			/* [IPv6]:PORT */
		const char *rb = strchr(hp, ']');

		if (!rb || rb[1] != ':') {
			error_setf(err, "%s: expected tcp:[IPV6]:PORT", uri);
			return -EINVAL;
		}
		hl = (size_t)(rb - hp - 1);
		if (hl >= sizeof(host))
			goto bad_host;
		memcpy(host, hp + 1, hl);
		colon = rb + 1;
	} else {
		colon = strrchr(hp, ':');
		if (!colon) {
			error_setf(err, "%s: expected tcp:HOST:PORT", uri);
			return -EINVAL;
		}
		hl = (size_t)(colon - hp);
		if (hl >= sizeof(host))
			goto bad_host;
		memcpy(host, hp, hl);
	}
	host[hl] = 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port > 65535 ||
	    (port == 0 && !listening)) {
		error_setf(err, "%s: bad port '%s' (1..65535%s)", uri, colon + 1,
			   listening ? ", or 0 for any" : "");
		return -EINVAL;
	}
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");

	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->sa;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		a->len = sizeof(*s4);
		snprintf(a->text, sizeof(a->text), "%s:%lu", host, port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*s6);
		snprintf(a->text, sizeof(a->text), "[%s]:%lu", host, port);
		return 0;
	}
bad_host:
	error_setf(err, "%s: bad host: give a numeric IPv4 address, [IPv6] or "
		   "localhost (names are not resolved)", uri);
	return -EINVAL;
}

int mig_tcp_listen(const struct mig_tcp_addr *a, int *fd, char **err)
{
	int one = 1, rc;
	int s = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);

	*fd = -1;
	if (s < 0) {
		rc = -errno;
		error_setf(err, "tcp:%s: socket: %s", a->text, strerror(errno));
		return rc;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (const struct sockaddr *)&a->sa, a->len) < 0 ||
	    listen(s, 1) < 0) {
		rc = -errno;
		error_setf(err, "tcp:%s: cannot listen: %s", a->text,
			   strerror(errno));
		close(s);
		return rc;
	}
	*fd = s;
	return 0;
}

int mig_tcp_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

int mig_tcp_connect(const struct mig_tcp_addr *a, int *fd, char **err)
{
	int rc;
	int s = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);

	*fd = -1;
	if (s < 0) {
		rc = -errno;
		error_setf(err, "tcp:%s: socket: %s", a->text, strerror(errno));
		return rc;
	}
	*fd = s;
	if (connect(s, (const struct sockaddr *)&a->sa, a->len) == 0)
		return 0;
	if (errno == EINPROGRESS)
		return -EINPROGRESS;
	rc = -errno;
	error_setf(err, "tcp:%s: cannot connect: %s", a->text, strerror(errno));
	close(s);
	*fd = -1;
	return rc;
}

int mig_tcp_connect_done(int fd, const struct mig_tcp_addr *a, char **err)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e) {
		error_setf(err, "tcp:%s: cannot connect: %s", a->text,
			   strerror(e));
		return -e;
	}
	return 0;
}

void mig_tcp_nodelay(int fd)
{
	int one = 1;

	/* best effort: without it the stream still flows, only later */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}
