// SPDX-License-Identifier: MIT
/*
 * Live migration's wire pieces without a guest (suite unit, also
 * big-endian): tcp: URI parsing with its errors (migrate/transport.c),
 * the return-path frames (migrate/live.c: encode, head check, checksum,
 * every single-bit flip of a frame rejected), and a loopback listen +
 * connect on port 0.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/live.h"
#include "migrate/transport.h"
#include "tests/ksft.h"
#include "vmm/endian.h"

struct uri_case {
	const char *uri;
	bool listening;
	int rc;
	const char *text;	/* parsed address, or a piece of the error */
};

static const struct uri_case uris[] = {
	{ "tcp:127.0.0.1:4444", false, 0, "127.0.0.1:4444" },
	{ "tcp:localhost:1", false, 0, "127.0.0.1:1" },
	{ "tcp:[::1]:65535", false, 0, "[::1]:65535" },
	{ "tcp:0.0.0.0:0", true, 0, "0.0.0.0:0" },
	{ "tcp:127.0.0.1:0", false, -EINVAL, "bad port" },
	{ "tcp:127.0.0.1:65536", false, -EINVAL, "bad port" },
	{ "tcp:127.0.0.1:", false, -EINVAL, "bad port" },
	{ "tcp:127.0.0.1:12x", false, -EINVAL, "bad port" },
	{ "tcp:127.0.0.1", false, -EINVAL, "expected tcp:HOST:PORT" },
	{ "tcp:host.example:80", false, -EINVAL, "bad host" },
	{ "tcp:[::1:80", false, -EINVAL, "expected tcp:[IPV6]:PORT" },
	{ "tcp:", false, -EINVAL, "expected tcp:HOST:PORT" },
	{ "file:/x", false, -EINVAL, "not a tcp: URI" },
};

static void test_uris(void)
{
	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		const struct uri_case *c = &uris[i];
		struct mig_tcp_addr a;
		char *err = NULL;
		int rc = mig_tcp_parse(c->uri, c->listening, &a, &err);
		bool ok = rc == c->rc &&
			  (rc ? err && strstr(err, c->text) && strstr(err, c->uri)
			      : !strcmp(a.text, c->text));

		ksft_test_result(ok, "%s%s: %s\n", c->uri,
				 c->listening ? " (listening)" : "",
				 rc ? (err ? err : "?") : a.text);
		free(err);
	}
}

static void test_frames(void)
{
	uint8_t buf[20 + MIG_RP_MAX], bad[20 + MIG_RP_MAX];
	uint32_t len;
	size_t n = mig_rp_encode(buf, MIG_RP_REFUSE, "machine type mismatch");
	bool all = true;

	ksft_test_result(n == 12 + 21 + 8 && buf[0] == 0x82 && buf[1] == 0 &&
			 be16_ld(buf + 2) == 0 && be32_ld(buf + 4) == 1 &&
			 be32_ld(buf + 8) == 21 && !memcmp(buf + 12, "machine", 7) &&
			 mig_rp_check_head(buf, &len) == 0 && len == 21 &&
			 mig_rp_check_sum(buf, buf + 12, len, buf + 12 + len),
			 "REFUSE frame: head, payload, checksum\n");
	n = mig_rp_encode(buf, MIG_RP_GO, NULL);
	ksft_test_result(n == 20 && buf[0] == 0x84 && be32_ld(buf + 8) == 0 &&
			 mig_rp_check_head(buf, &len) == 0 &&
			 mig_rp_check_sum(buf, buf + 12, 0, buf + 12),
			 "GO frame: 20 bytes\n");
	/* every single-bit flip is caught by the head check or the sum */
	n = mig_rp_encode(buf, MIG_RP_FAILED, "section 'cpu': bad value");
	for (size_t bit = 0; bit < n * 8; bit++) {
		memcpy(bad, buf, n);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (mig_rp_check_head(bad, &len) == 0 && len == be32_ld(buf + 8) &&
		    mig_rp_check_sum(bad, bad + 12, len, bad + 12 + len))
			all = false;
	}
	ksft_test_result(all, "FAILED frame: every single-bit flip rejected\n");
	memcpy(bad, buf, n);
	bad[0] = 0x86;
	ksft_test_result(mig_rp_check_head(bad, &len) == -EPROTO,
			 "unknown type 0x86 rejected\n");
	memcpy(bad, buf, n);
	be32_st(bad + 8, MIG_RP_MAX + 1);
	ksft_test_result(mig_rp_check_head(bad, &len) == -EPROTO,
			 "length over %u rejected\n", MIG_RP_MAX);
	char *big = malloc(MIG_RP_MAX + 100);
	memset(big, 'x', MIG_RP_MAX + 99);
	big[MIG_RP_MAX + 99] = 0;
	n = mig_rp_encode(buf, MIG_RP_FAILED, big);
	ksft_test_result(n == 20 + MIG_RP_MAX && mig_rp_check_head(buf, &len) == 0,
			 "an over-long reason is cut to %u bytes\n", MIG_RP_MAX);
	free(big);
}

static void test_loopback(void)
{
	struct mig_tcp_addr la, ca;
	char *err = NULL, uri[64];
	int lfd = -1, cfd = -1, rc, port;

	rc = mig_tcp_parse("tcp:127.0.0.1:0", true, &la, &err);
	if (!rc)
		rc = mig_tcp_listen(&la, &lfd, &err);
	port = rc ? -1 : mig_tcp_local_port(lfd);
	ksft_test_result(!rc && port > 0, "listen on port 0: got port %d\n", port);
	snprintf(uri, sizeof(uri), "tcp:127.0.0.1:%d", port);
	if (!rc)
		rc = mig_tcp_parse(uri, false, &ca, &err);
	if (!rc) {
		rc = mig_tcp_connect(&ca, &cfd, &err);
		if (rc == -EINPROGRESS) {
			struct pollfd p = { .fd = cfd, .events = POLLOUT };

			rc = poll(&p, 1, 30000) == 1 ?
			     mig_tcp_connect_done(cfd, &ca, &err) : -ETIMEDOUT;
		}
	}
	ksft_test_result(rc == 0, "connect %s: %s\n", uri, err ? err : "ok");
	free(err);
	err = NULL;
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	/* nobody listens there now */
	rc = mig_tcp_connect(&ca, &cfd, &err);
	if (rc == -EINPROGRESS) {
		struct pollfd p = { .fd = cfd, .events = POLLOUT };

		rc = poll(&p, 1, 30000) == 1 ?
		     mig_tcp_connect_done(cfd, &ca, &err) : -ETIMEDOUT;
	}
	ksft_test_result(rc == -ECONNREFUSED && err && strstr(err, "refused"),
			 "connect to a closed port: %s\n", err ? err : "?");
	free(err);
	if (cfd >= 0)
		close(cfd);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(sizeof(uris) / sizeof(uris[0]) + 6 + 3);
	test_uris();
	test_frames();
	test_loopback();
	ksft_finished();
}
