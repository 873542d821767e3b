// SPDX-License-Identifier: MIT
/*
 * The sandbox of a real minivmm process (native builds only):
 *   process MINIVMM DEMO_GUEST ECHO_GUEST
 *
 *  - --print-seccomp lists every thread kind for both backends;
 *  - -sandbox off says so on stderr;
 *  - MINIVMM_TEST_FORBIDDEN_SYSCALL=<kind> (seccomp.h): the main, vCPU
 *    and console-input threads are killed by SIGSYS at a forbidden call,
 *    with and without -sandbox debug (which names the call on stderr);
 *  - while the echo guest waits for input, every thread of minivmm has
 *    empty capability sets, NoNewPrivs 1 and Seccomp 2 (filter mode).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ksft.h"

struct run {
	int status;
	char out[65536], err[16384];
};

/* Read a pipe to its end into buf (NUL-terminated, truncated). */
static void slurp(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, buf + len, cap - 1 - len)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0)
			len += (size_t)n;
		if (len == cap - 1)
			len = 0;	/* keep the tail only */
	}
	buf[len] = '\0';
}

/* Run argv with stdin /dev/null, env var (may be NULL); collect output. */
static int run(char *const argv[], const char *env, struct run *r)
{
	int out[2], err[2];
	pid_t pid;

	if (pipe(out) < 0 || pipe(err) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		if (env)
			putenv((char *)env);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* The guests print little: stdout fits the pipe while stderr drains. */
	slurp(err[0], r->err, sizeof(r->err));
	slurp(out[0], r->out, sizeof(r->out));
	close(out[0]);
	close(err[0]);
	return waitpid(pid, &r->status, 0) == pid ? 0 : -1;
}

static bool sigsys(const struct run *r)
{
	return WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGSYS;
}

/* Every task of pid: capabilities, no_new_privs, seccomp mode. */
static bool check_tasks(pid_t pid, unsigned int *ntasks, char *why, size_t wlen)
{
	char path[320], line[256];
	struct dirent *de;
	DIR *d;
	bool ok = true;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d) {
		snprintf(why, wlen, "cannot open %.100s", path);
		return false;
	}
	*ntasks = 0;
	while ((de = readdir(d))) {
		FILE *f;
		unsigned int seen = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
			 (int)pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		(*ntasks)++;
		while (fgets(line, sizeof(line), f)) {
			const char *want = NULL;

			if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7) ||
			    !strncmp(line, "CapAmb:", 7))
				want = "0000000000000000";
			else if (!strncmp(line, "NoNewPrivs:", 11))
				want = "1";
			else if (!strncmp(line, "Seccomp:", 8))
				want = "2";
			if (!want)
				continue;
			seen++;
			if (!strstr(strchr(line, ':'), want)) {
				ok = false;
				line[strcspn(line, "\n")] = '\0';
				snprintf(why, wlen, "task %.16s: %.100s", de->d_name, line);
			}
		}
		fclose(f);
		if (seen != 5) {
			ok = false;
			snprintf(why, wlen, "task %.16s: fields missing", de->d_name);
		}
	}
	closedir(d);
	return ok && *ntasks > 0;
}

/* Start the echo guest, wait for its prompt, inspect, then answer. */
static void test_running(const char *vmm, const char *echo)
{
	int in[2], out[2];
	char buf[4096], why[160] = "";
	size_t len = 0;
	unsigned int ntasks = 0;
	bool ok = false;
	int status;
	pid_t pid;

	if (pipe(in) < 0 || pipe(out) < 0) {
		ksft_test_result_fail("pipes\n");
		return;
	}
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(nul, 2);
		close(in[1]);
		close(out[0]);
		execl(vmm, vmm, "-kernel", echo, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	while (len < sizeof(buf) - 1) {
		ssize_t n = read(out[0], buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "type a line"))
			break;
	}
	/*
	 * The guest prints while the main and console threads may still be
	 * on their way into the sandbox: look again until they are (or the
	 * guest gives up waiting for input, after 10 s).
	 */
	if (strstr(buf, "type a line")) {
		for (int i = 0; i < 500 && !ok; i++) {
			if (i)
				usleep(10000);
			why[0] = '\0';
			ok = check_tasks(pid, &ntasks, why, sizeof(why));
		}
	} else
		snprintf(why, sizeof(why), "no prompt from the echo guest");
	(void)!write(in[1], "hi\n", 3);
	close(in[1]);
	while (read(out[0], buf, sizeof(buf)) > 0)
		;
	close(out[0]);
	waitpid(pid, &status, 0);
	ksft_test_result(ok, "running minivmm: %u threads without capabilities, "
			 "no_new_privs, seccomp filter%s%s\n", ntasks,
			 why[0] ? ": " : "", why);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "sandboxed echo guest ran to completion (status 0x%x)\n",
			 status);
}

int main(int argc, char **argv)
{
	static struct run r;
	static const char *const kinds[] = { "main", "vcpu", "console-in" };
	char *vmm, *demo;

	ksft_print_header();
	if (argc != 4)
		ksft_exit_skip("usage: process MINIVMM DEMO_GUEST ECHO_GUEST\n");
	vmm = argv[1];
	demo = argv[2];
	ksft_set_plan(4 + 2 * 3 + 2);

	{
		char *a[] = { vmm, "--print-seccomp", NULL };
		bool all = run(a, NULL, &r) == 0 && WIFEXITED(r.status) &&
			   WEXITSTATUS(r.status) == 0;
		static const char *const names[] = {
			"main", "vcpu", "console-in", "block-io", "migration",
		};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			char want[64];

			snprintf(want, sizeof(want), "thread %s (soft):", names[i]);
			all = all && strstr(r.out, want);
			snprintf(want, sizeof(want), "thread %s (kvm):", names[i]);
			all = all && strstr(r.out, want);
		}
		ksft_test_result(all, "--print-seccomp lists every thread kind\n");
	}
	{
		char *a[] = { vmm, "-sandbox", "off", "-kernel", demo, NULL };

		ksft_test_result(run(a, NULL, &r) == 0 && WIFEXITED(r.status) &&
				 WEXITSTATUS(r.status) == 0 &&
				 strstr(r.err, "-sandbox off"),
				 "-sandbox off runs and says so on stderr\n");
	}
	{
		char *a[] = { vmm, "-kernel", demo, NULL };

		ksft_test_result(run(a, NULL, &r) == 0 && WIFEXITED(r.status) &&
				 WEXITSTATUS(r.status) == 0 &&
				 strstr(r.out, "Hello") && !strstr(r.err, "-sandbox off"),
				 "default run is sandboxed and boots the demo\n");
	}
	{
		char *a[] = { vmm, "-sandbox", "bogus", "-kernel", demo, NULL };

		ksft_test_result(run(a, NULL, &r) == 0 && WIFEXITED(r.status) &&
				 WEXITSTATUS(r.status) == 2,
				 "-sandbox bogus is a usage error\n");
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char env[64];
		char *a[] = { vmm, "-kernel", demo, NULL };
		char *d[] = { vmm, "-sandbox", "debug", "-kernel", demo, NULL };
		char want[80];

		snprintf(env, sizeof(env), "MINIVMM_TEST_FORBIDDEN_SYSCALL=%s", kinds[i]);
		ksft_test_result(run(a, env, &r) == 0 && sigsys(&r),
				 "%s thread: forbidden call kills minivmm with SIGSYS\n",
				 kinds[i]);
		snprintf(want, sizeof(want), "thread '%s' made forbidden system call",
			 kinds[i]);
		ksft_test_result(run(d, env, &r) == 0 && sigsys(&r) &&
				 strstr(r.err, want) && strstr(r.err, "execve"),
				 "%s thread: -sandbox debug names the call, then SIGSYS\n",
				 kinds[i]);
	}
	test_running(vmm, argv[3]);
	return ksft_finished();
}
