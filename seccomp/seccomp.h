/* SPDX-License-Identifier: MIT */
/*
 * The sandbox: one default-deny seccomp allowlist per thread kind.
 *
 * Each thread that runs code a guest (or a monitor client) can reach calls
 * sandbox_enter(kind) at its top, before it touches untrusted input.  The
 * call drops the thread's capabilities, sets no_new_privs and installs the
 * kind's filter (seccomp/seccomp.c holds the tables).  A forbidden system
 * call kills the whole process with SIGSYS (SCMP_ACT_KILL_PROCESS); in
 * debug mode the filter traps instead and a SIGSYS handler names the call
 * on stderr before the process dies the same way.
 *
 * The sandbox is a property of the process, not of one VM: the mode and
 * the fds the console threads may use are set once by vmm/main.c with
 * sandbox_configure() before any thread starts.  Without that call (unit
 * tests that build VMs in-process) the mode is SANDBOX_OFF and
 * sandbox_enter() does nothing.
 *
 * Order of events in a sandboxed minivmm (vmm/main.c):
 *
 *   sandbox_configure()          mode, console fds
 *   vm_create(), boot load       opens /dev/kvm, images; may start threads
 *      \-- a thread that calls sandbox_enter() now waits at the gate
 *   sandbox_drop_privileges()    seccomp/caps.c: -chroot, -runas, caps,
 *                                no_new_privs; then opens the gate
 *   vm_run()                     vCPU threads: sandbox_enter(VCPU)
 *                                main thread: sandbox_enter(MAIN)
 *
 * The gate exists because capabilities and uids are per thread in Linux:
 * a thread that dropped its capabilities early would make glibc's
 * process-wide setuid() (-runas) fail.  Threads created after
 * sandbox_enter(MAIN) inherit the main filter and can only narrow it
 * (filters stack), so a thread kind started from the main loop
 * (migration) must stay within the main list.
 */
#ifndef MINIVMM_SECCOMP_H
#define MINIVMM_SECCOMP_H

#include <stdbool.h>
#include <stdio.h>

enum sandbox_mode {
	SANDBOX_OFF,		/* no filters; minivmm says so on stderr */
	SANDBOX_ON,		/* violations: SCMP_ACT_KILL_PROCESS */
	SANDBOX_DEBUG,		/* violations: SIGSYS handler names the call, then dies */
};

enum sandbox_thread {
	SANDBOX_MAIN,		/* main thread / event loop after setup */
	SANDBOX_VCPU,		/* vcpu_thread(); the list depends on the backend */
	SANDBOX_CONSOLE_IN,	/* SCLP console input thread (arch/s390x/sclp.c) */
	SANDBOX_BLOCK_IO,	/* block I/O worker (devices/virtio-blk.c) */
	SANDBOX_MIGRATION,	/* migration thread (migrate/live.c) */
	SANDBOX_CHARDEV_IN,	/* chardev input of a virtio console */
	SANDBOX_NET_IO,		/* virtio-net packet thread: socket/tap backends */
	SANDBOX_NET_USER,	/* virtio-net packet thread with libslirp (-netdev user) */
	SANDBOX_NET_CONNECT,	/* the same with -netdev stream,reconnect= (net-io + connect) */
	SANDBOX_THREAD_KINDS,
};

enum sandbox_backend {
	SANDBOX_BACKEND_SOFT,	/* software CPU */
	SANDBOX_BACKEND_KVM,
	SANDBOX_BACKENDS,
};

struct sandbox_config {
	enum sandbox_mode mode;
	enum sandbox_backend backend;
	int console_in;		/* SCLP input fd, -1: none */
	int console_out;	/* SCLP output fd */
};

/* Whether this build has seccomp support (libseccomp found). */
bool sandbox_supported(void);
/*
 * Whether filters can be loaded here: the build has libseccomp and the
 * kernel offers SECCOMP_RET_KILL_PROCESS (Linux 4.14; qemu-user does not
 * pass seccomp through).  Otherwise *why says what is missing.
 */
bool sandbox_available(const char **why);

/*
 * Set the process-wide sandbox (main thread, before any thread exists).
 * 0, or -errno with *err set (mode on/debug in a build without libseccomp).
 */
int sandbox_configure(const struct sandbox_config *cfg, char **err);
enum sandbox_mode sandbox_mode(void);

/*
 * Sandbox the calling thread as kind.  Waits until sandbox_open_gate()
 * when called before it.  Returns 0 (also when the sandbox is off), or
 * -errno with *err set; callers end the thread (or the VM) on failure.
 */
int sandbox_enter(enum sandbox_thread kind, char **err);

/*
 * Let threads waiting in sandbox_enter() go on: after the privilege drop,
 * and on every error path that gives up before it (so the waiters can be
 * joined).
 */
void sandbox_open_gate(void);

/* "main", "vcpu", ... ; parse returns -1 for an unknown name. */
const char *sandbox_thread_name(enum sandbox_thread kind);
int sandbox_thread_parse(const char *name);
const char *sandbox_backend_name(enum sandbox_backend b);

/*
 * Distinct system calls the kind may make on this architecture with that
 * backend (the rules for sanitizer builds included when this is one).
 */
unsigned int sandbox_syscall_count(enum sandbox_thread kind,
				   enum sandbox_backend backend);

/* --print-seccomp: every kind's list with argument filters and reasons. */
void sandbox_print(FILE *f);

/*
 * Test hook (tests/seccomp/): with MINIVMM_TEST_FORBIDDEN_SYSCALL=<kind> in
 * the environment at sandbox_configure() time, sandbox_enter(kind) ends by
 * issuing a system call no list allows (execve of a path that does not
 * exist), so the test sees the filter kill the process.  Harmless without
 * a sandbox: the call fails with ENOENT.
 */

#endif
