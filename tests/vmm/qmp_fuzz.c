// SPDX-License-Identifier: MIT
/*
 * Bounded fuzz test of the QMP request path: the framer, jansson and the
 * dispatcher get random bytes and mutations of valid requests through a
 * real client connection (in process, on a socketpair).  The server must
 * neither crash (ASan/UBSan in CI) nor stop answering: after every batch a
 * well-formed query-status must get its reply.  The seed is fixed, so a
 * failure reproduces; MINIVMM_FUZZ_ITERS changes the number of rounds.
 *
 * With -DQMP_LIBFUZZER this file is a libFuzzer target instead
 * (LLVMFuzzerTestOneInput feeds the framer and the validator).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmm/qmp.h"

#ifdef QMP_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qmp_framer f;
	const char *text;
	size_t len;
	enum qmp_frame_kind k;

	qmp_framer_init(&f);
	qmp_framer_push(&f, data, size);
	while ((k = qmp_framer_next(&f, &text, &len)) != QMP_FRAME_NONE) {
		if (k == QMP_FRAME_TEXT) {
			json_t *req = json_loadb(text, len, JSON_DECODE_ANY, NULL);
			enum qmp_error_class cls;
			char *desc = NULL;

			qmp_check_request(req, NULL, &cls, &desc);
			free(desc);
			json_decref(req);
		}
	}
	qmp_framer_free(&f);
	return 0;
}
#else

#include "../ksft.h"
#include "../lib/qmp-client.h"
#include "vmm/mainloop.h"
#include "vmm/vm.h"

static struct vm *vm;
static struct qmp_server *srv;

static void pump(void *opaque)
{
	(void)opaque;
	mainloop_iterate(vm->loop, 0);
}

static const char *const seeds[] = {
	"{\"execute\": \"query-status\"}",
	"{\"execute\": \"query-cpus-fast\", \"id\": 7}",
	"{\"execute\": \"stop\"}",
	"{\"execute\": \"cont\", \"arguments\": {}}",
	"{\"execute\": \"system_powerdown\"}",
	"{\"execute\": \"query-machines\", \"id\": [1, {\"a\": null}]}",
	"{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}",
	"{\"execute\": \"query-commands\", \"arguments\": {\"x\": \"\\u0041\\\\\"}}",
	"[[[[{\"execute\": 1.5e300}]]]]",
	"\"string\\\" with } and {\"",
};

/* xorshift64*: deterministic across hosts and endianness. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t mutate(char *buf, size_t cap)
{
	static const char interesting[] = "{}[]\":,\\ \n\r\t0-eE.u\x00\xff";
	const char *seed = seeds[rnd() % (sizeof(seeds) / sizeof(seeds[0]))];
	size_t len = strlen(seed);

	if (rnd() % 8 == 0) {		/* pure noise */
		len = rnd() % 200;
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(rnd() % 4 ? interesting[rnd() % (sizeof(interesting) - 1)]
						  : (char)rnd());
		return len;
	}
	memcpy(buf, seed, len);
	for (int n = (int)(rnd() % 6); n >= 0; n--) {
		size_t pos = len ? rnd() % len : 0;

		switch (rnd() % 4) {
		case 0:		/* flip */
			buf[pos] ^= (char)(1u << (rnd() % 8));
			break;
		case 1:		/* insert */
			if (len + 1 < cap) {
				memmove(buf + pos + 1, buf + pos, len - pos);
				buf[pos] = interesting[rnd() % (sizeof(interesting) - 1)];
				len++;
			}
			break;
		case 2:		/* delete */
			if (len) {
				memmove(buf + pos, buf + pos + 1, len - pos - 1);
				len--;
			}
			break;
		default:	/* truncate */
			len = pos;
			break;
		}
	}
	return len;
}

int main(void)
{
	struct vm_config cfg = {
		.ram_size = 16 << 20, .ncpus = 2, .backend = &soft_backend_ops,
		.console_in = -1, .console_out = STDERR_FILENO, .qtest = true,
	};
	const char *env = getenv("MINIVMM_FUZZ_ITERS");
	unsigned int iters = env ? (unsigned int)atoi(env) : 3000, batches = 0, answered = 0;
	char *err = NULL, buf[512];
	int sv[2];

	ksft_print_header();
	ksft_set_plan(2);
	if (vm_create(&vm, &cfg, &err) < 0 || qmp_server_create(&srv, vm, &err) < 0)
		ksft_exit_fail_msg("setup: %s\n", err ? err : "?");
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	qmp_server_add_client_fd(srv, sv[0]);
	struct qmp_client *c = qmp_client_new(sv[1], pump, NULL, true);
	if (!c)
		ksft_exit_fail_msg("no greeting\n");

	for (unsigned int i = 0; i < iters; i++) {
		size_t len = mutate(buf, sizeof(buf));

		line_send(&c->lc, buf, len);
		if (rnd() % 2)
			line_send(&c->lc, "\n", 1);
		pump(NULL);
		if (i % 50 == 49) {
			/*
			 * Leave mid-message (junk may be pending), connect
			 * again and check the server still answers.
			 */
			qmp_client_free(c);
			socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
			qmp_server_add_client_fd(srv, sv[0]);
			c = qmp_client_new(sv[1], pump, NULL, true);
			json_t *r = c ? qmp_execute(c, "query-version", NULL) : NULL;

			batches++;
			if (qmp_reply_ok(r))
				answered++;
			json_decref(r);
			if (!c)
				ksft_exit_fail_msg("server stopped answering\n");
		}
	}
	ksft_test_result(batches && answered == batches,
			 "%u mutated requests: server answered after each of %u batches\n",
			 iters, batches);

	/* The pure framer: random chunking of one stream gives the same texts. */
	struct qmp_framer f1, f2;
	const char *stream = "{\"a\": \"}\\\"{\"} [1,[2]] {\"execute\":\"x\"}\n";
	const char *t;
	size_t tl, n1 = 0, n2 = 0;
	qmp_framer_init(&f1);
	qmp_framer_init(&f2);
	qmp_framer_push(&f1, (const uint8_t *)stream, strlen(stream));
	while (qmp_framer_next(&f1, &t, &tl) == QMP_FRAME_TEXT)
		n1++;
	for (size_t i = 0; i < strlen(stream); i++) {
		qmp_framer_push(&f2, (const uint8_t *)stream + i, 1);
		while (qmp_framer_next(&f2, &t, &tl) == QMP_FRAME_TEXT)
			n2++;
	}
	ksft_test_result(n1 == 3 && n2 == 3, "framer: same 3 texts whole and byte by byte\n");
	qmp_framer_free(&f1);
	qmp_framer_free(&f2);

	qmp_client_free(c);
	for (int i = 0; i < 5; i++)
		pump(NULL);
	vm_request_end(vm, VM_END_QUIT, "done");
	qmp_server_destroy(srv);
	vm_destroy(vm);
	return ksft_finished();
}
#endif
