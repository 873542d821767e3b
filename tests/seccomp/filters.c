// SPDX-License-Identifier: MIT
/*
 * Each thread kind's seccomp filter, in a child process per case: the
 * child configures the sandbox (soft backend, console fds 0/1), enters
 * the kind and makes one system call.  Allowed calls must work (the child
 * exits 0); forbidden ones must kill it with SIGSYS.
 *
 * Under qemu-user (the big-endian cross run) the emulator does not pass
 * seccomp filters to the kernel, so every case SKIPs with that reason;
 * so does a build without libseccomp.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "tests/ksft.h"

enum probe {
	P_NONE,		/* only enter the sandbox */
	P_CLOCK,	/* clock_gettime (syscall, not the vDSO) */
	P_STDERR,	/* write(2, "", 0) */
	P_SOCKET,	/* socket(AF_INET, SOCK_STREAM) */
	P_EXECVE,	/* execve of a missing file */
	P_PTRACE,	/* ptrace(PTRACE_TRACEME) */
	P_OPEN,		/* openat(O_CREAT) of a new file */
	P_READ_FD3,	/* read(3): console-in may read only fd 0 */
};

static const char *const probe_names[] = {
	"enter", "clock_gettime", "write stderr", "socket", "execve",
	"ptrace", "openat O_CREAT", "read fd 3",
};

#define CHILD_SKIP	77

/* Child: returns the exit status, or dies of the signal. */
static int child(enum sandbox_thread kind, enum probe p, const char *tmpfile)
{
	struct sandbox_config cfg = {
		.mode = SANDBOX_ON,
		.backend = SANDBOX_BACKEND_SOFT,
		.console_in = 0,
		.console_out = 1,
	};
	struct timespec ts;
	char *err = NULL;
	char c;

	if (sandbox_configure(&cfg, &err) < 0)
		return CHILD_SKIP;
	sandbox_open_gate();
	if (sandbox_enter(kind, &err) < 0)
		return CHILD_SKIP;
	switch (p) {
	case P_NONE:
		break;
	case P_CLOCK:
		if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) < 0)
			return 1;
		break;
	case P_STDERR:
		if (syscall(SYS_write, 2, "", 0) < 0)
			return 1;
		break;
	case P_SOCKET:
		syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
		break;
	case P_EXECVE: {
		static char *const argv[] = { NULL };

		syscall(SYS_execve, "/nonexistent/x", argv, argv);
		break;
	}
	case P_PTRACE:
		syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
		break;
	case P_OPEN:
		syscall(SYS_openat, AT_FDCWD, tmpfile, O_CREAT | O_WRONLY, 0600);
		break;
	case P_READ_FD3:
		syscall(SYS_read, 3, &c, 0);
		break;
	}
	return 0;
}

/* Fork, run the case, return the wait status (or -1). */
static int run_case(enum sandbox_thread kind, enum probe p, const char *tmpfile)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* Only exit_group: no atexit handlers, no sanitizer leak check. */
		syscall(SYS_exit_group, child(kind, p, tmpfile));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static bool killed_by_sigsys(int st)
{
	return st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

static bool exited_ok(int st)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Probes that each kind must allow, and ones it must not. */
static const enum probe allowed[] = { P_NONE, P_CLOCK, P_STDERR };
/* Sanitizer builds allow open and (main) ptrace for the runtime. */
#if defined(__SANITIZE_ADDRESS__)
static const enum probe forbidden[] = { P_SOCKET, P_EXECVE };
#else
static const enum probe forbidden[] = { P_SOCKET, P_EXECVE, P_PTRACE, P_OPEN };
#endif

#define N(a)	(sizeof(a) / sizeof((a)[0]))

int main(void)
{
	char tmpfile[64];
	int st;

	snprintf(tmpfile, sizeof(tmpfile), "/tmp/minivmm-seccomp-%d", (int)getpid());
	ksft_print_header();

	/* Can this environment run filters at all? */
	st = run_case(SANDBOX_VCPU, P_NONE, tmpfile);
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == CHILD_SKIP) {
		const char *why = sandbox_supported() ?
			"seccomp filters cannot be loaded here (qemu-user does "
			"not pass them to the kernel)" :
			"built without libseccomp";

		ksft_exit_skip("%s\n", why);
	}
	ksft_set_plan(SANDBOX_THREAD_KINDS * (N(allowed) + N(forbidden)) + 1);

	for (int k = 0; k < SANDBOX_THREAD_KINDS; k++) {
		const char *kn = sandbox_thread_name((enum sandbox_thread)k);

		for (size_t i = 0; i < N(allowed); i++) {
			st = run_case((enum sandbox_thread)k, allowed[i], tmpfile);
			ksft_test_result(exited_ok(st), "%s: %s allowed\n", kn,
					 probe_names[allowed[i]]);
		}
		for (size_t i = 0; i < N(forbidden); i++) {
			st = run_case((enum sandbox_thread)k, forbidden[i], tmpfile);
			/* libslirp's NAT makes a host socket per guest
			 * connection: net-user allows AF_INET sockets; so
			 * does the migration thread (tcp: migration) and a
			 * stream netdev's reconnect= (net-connect). */
			if ((k == SANDBOX_NET_USER || k == SANDBOX_MIGRATION ||
			     k == SANDBOX_NET_CONNECT) &&
			    forbidden[i] == P_SOCKET) {
				ksft_test_result(exited_ok(st), "%s: %s allowed "
						 "(%s)\n", kn,
						 probe_names[forbidden[i]],
						 k == SANDBOX_MIGRATION ?
						 "tcp: migration" :
						 k == SANDBOX_NET_CONNECT ?
						 "stream reconnect=" : "slirp NAT");
				continue;
			}
			ksft_test_result(killed_by_sigsys(st),
					 "%s: %s kills with SIGSYS\n", kn,
					 probe_names[forbidden[i]]);
		}
	}
	/* Argument filters: console-in reads only the console fd. */
#if defined(__SANITIZE_ADDRESS__)
	ksft_test_result_skip("console-in: %s: sanitizer builds allow read "
			      "(/proc/self/maps)\n", probe_names[P_READ_FD3]);
#else
	st = run_case(SANDBOX_CONSOLE_IN, P_READ_FD3, tmpfile);
	ksft_test_result(killed_by_sigsys(st), "console-in: %s kills with SIGSYS\n",
			 probe_names[P_READ_FD3]);
#endif
	unlink(tmpfile);
	return ksft_finished();
}
