// SPDX-License-Identifier: MIT
/*
 * Migration through passed descriptors: QMP migrate {"uri": "fd:NAME"}
 * after getfd, -incoming fd:N (an inherited descriptor) and -incoming
 * defer + migrate-incoming fd:NAME, between minivmm processes with the
 * sandbox on (where it can be: none of them opens the stream by name).
 * The VMs run under qtest (no CPU), so the test writes a pattern into
 * guest storage before the save and reads it back from each destination.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ksft.h"
#include "../lib/qmp-client.h"

#define ADDR	0x100000ull
#define WORDS	16

static uint32_t pattern(unsigned int i)
{
	return 0x9e3779b9u * (i + 1) ^ 0x5a5a0000u;
}

struct vmm {
	struct vmm_proc p;
	struct qmp_client *c;
	struct qtest_client *q;
};

static bool start(struct vmm *v, const char *const *args)
{
	memset(v, 0, sizeof(*v));
	if (vmm_spawn(&v->p, true, true, args) < 0)
		return false;
	v->c = qmp_client_new(v->p.qmp_fd, NULL, NULL, true);
	v->q = qtest_client_new(v->p.qtest_fd, NULL, NULL);
	return v->c && v->q;
}

static int stop(struct vmm *v)
{
	if (v->c)
		json_decref(qmp_execute(v->c, "quit", NULL));
	qmp_client_free(v->c);
	qtest_client_free(v->q);
	return vmm_wait(&v->p);
}

static bool pattern_there(struct vmm *v)
{
	for (unsigned int i = 0; i < WORDS; i++)
		if (qtest_readl(v->q, ADDR + 4 * i) != pattern(i))
			return false;
	return true;
}

static const char *status(struct vmm *v)
{
	static char st[32];
	json_t *r = qmp_execute(v->c, "query-migrate", NULL);
	const char *s = json_string_value(json_object_get(json_object_get(r, "return"),
							 "status"));

	snprintf(st, sizeof(st), "%s", s ? s : "");
	json_decref(r);
	return st;
}

int main(void)
{
	char path[] = "/tmp/mig-fd-XXXXXX";
	const char *base[] = { "-m", "64", NULL };
	struct vmm src, dst;

	ksft_print_header();
	ksft_set_plan(7);
	int file = mkstemp(path);
	if (file < 0)
		ksft_exit_fail_msg("mkstemp: %s\n", strerror(errno));

	if (!start(&src, base))
		ksft_exit_fail_msg("cannot start the source\n");
	for (unsigned int i = 0; i < WORDS; i++)
		qtest_writel(src.q, ADDR + 4 * i, pattern(i));

	ksft_test_result(!strcmp(qmp_take_desc(qmp_execute(src.c, "migrate",
			 json_pack("{s:s}", "uri", "fd:nosuch"))),
			 "File descriptor named 'nosuch' not found"),
			 "migrate fd:NAME without getfd: not found\n");

	int wfd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	bool got = qmp_take_ok(qmp_pass_fd(src.c, "getfd", json_pack("{s:s}", "fdname",
							       "snap"), wfd));
	bool saved = qmp_take_ok(qmp_execute(src.c, "migrate",
					  json_pack("{s:s}", "uri", "fd:snap")));
	char magic[8] = { 0 };
	bool stream = pread(file, magic, 8, 0) == 8 && !memcmp(magic, "MVMSTRM\n", 8);
	ksft_test_result(got && saved && stream && !strcmp(status(&src), "completed"),
			 "getfd + migrate fd:snap: a stream in the passed file, "
			 "query-migrate completed\n");
	ksft_test_result(!strcmp(qmp_take_desc(qmp_execute(src.c, "migrate",
			 json_pack("{s:s}", "uri", "fd:snap"))),
			 "File descriptor named 'snap' not found"),
			 "the descriptor was taken by the migration\n");
	int st = stop(&src);
	ksft_test_result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			 "source: quit, exit status 0 (status 0x%x)\n", st);

	/* -incoming fd:N: the descriptor is inherited (no O_CLOEXEC). */
	int rfd = open(path, O_RDONLY);
	char inc[32];
	snprintf(inc, sizeof(inc), "fd:%d", rfd);
	const char *args_fd[] = { "-m", "64", "-incoming", inc, NULL };
	bool up = start(&dst, args_fd);
	close(rfd);
	ksft_test_result(up && pattern_there(&dst),
			 "-incoming fd:%d: the restored storage holds the pattern\n",
			 rfd);
	stop(&dst);

	/* -incoming defer, then migrate-incoming fd:NAME. */
	const char *args_defer[] = { "-m", "64", "-incoming", "defer", NULL };
	up = start(&dst, args_defer);
	bool in = up && qmp_take_ok(qmp_pass_fd(dst.c, "getfd", json_pack("{s:s}",
					 "fdname", "in"), open(path, O_RDONLY | O_CLOEXEC))) &&
		  qmp_take_ok(qmp_execute(dst.c, "migrate-incoming",
				       json_pack("{s:s}", "uri", "fd:in")));
	ksft_test_result(in && pattern_there(&dst),
			 "migrate-incoming fd:in after getfd: the pattern is back\n");
	st = stop(&dst);
	ksft_test_result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			 "destination: quit, exit status 0 (status 0x%x)\n", st);

	close(file);
	unlink(path);
	return ksft_finished();
}
