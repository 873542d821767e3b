// SPDX-License-Identifier: MIT
/*
 * Per-thread seccomp allowlists (see seccomp.h for the order of events).
 *
 * Each thread kind has a const table of rules {system call, up to two
 * argument checks, backends, reason}; common_rules[] apply to every kind.
 * The filter's default action kills the process (SCMP_ACT_KILL_PROCESS,
 * Linux 4.14); -sandbox debug uses SCMP_ACT_TRAP and a SIGSYS handler
 * instead.  Rules name system calls by their Linux name and are resolved
 * by libseccomp for the build's architecture; a name the architecture
 * lacks (poll on some) is skipped and not counted.
 *
 * What the threads do, and so what the tables allow (glibc, Linux):
 *  - every thread: futexes for pthread mutexes/condition variables/joins,
 *    malloc (brk, mmap/mprotect without PROT_EXEC, munmap), thread exit
 *    (glibc blocks signals and gives the stack back with MADV_DONTNEED),
 *    messages on stderr, clock_gettime when the vDSO can't answer,
 *    rt_sigreturn after a signal handler;
 *  - vCPU, software CPU: device models run on the vCPU thread that
 *    touches them (QEMU's model without iothreads): SCLP and
 *    virtio-console output, floppy image I/O, virtio-rng, and wake-ups
 *    of the main loop through its eventfd;
 *  - vCPU, KVM: the vCPU ioctls by request number, floating interrupts,
 *    and tgkill(SIGUSR1) to kick another vCPU out of KVM_RUN;
 *  - console input: poll and read on the console input fd;
 *  - main: waits, joins, frees, closes; the event loop's epoll, sockets
 *    and eventfds (vmm/mainloop.c, vmm/qmp.c);
 *  - block I/O: a proposal until that thread exists (marked);
 *  - migration: sockets of a live migration, the dirty log.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/caps.h"
#include "seccomp/seccomp.h"
#include "vmm/backend.h"
#include "vmm/error.h"

#ifdef MINIVMM_HAVE_SECCOMP
#include <seccomp.h>
#endif

/* Sanitizer runtimes make system calls of their own (see asan_rules[]). */
#if defined(__SANITIZE_ADDRESS__)
#define SB_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_SANITIZER 1
#endif
#endif
#ifndef SB_SANITIZER
#define SB_SANITIZER 0
#endif

/* ---- rule tables -------------------------------------------------------- */

/* glibc's poll()/epoll_wait() use the older calls where the kernel has them. */
#ifdef SYS_poll
#define POLL "poll"
#else
#define POLL "ppoll"
#endif
#ifdef SYS_epoll_wait
#define EPOLL_WAIT "epoll_wait"
#else
#define EPOLL_WAIT "epoll_pwait"
#endif

enum sb_op {
	SB_NONE,	/* no check */
	SB_EQ,		/* (arg & 0xffffffff) == value: int and request arguments */
	SB_MASK0,	/* (arg & value) == 0: a flag must be clear */
};

/* Where a compared value comes from: a constant, or the configuration. */
enum sb_src {
	SB_CONST,
	SB_CONSOLE_IN,
	SB_CONSOLE_OUT,
	SB_SELF_PID,	/* getpid() at sandbox_enter() */
};

struct sb_arg {
	enum sb_op op;
	unsigned int index;	/* system call argument, 0-5 */
	enum sb_src src;
	uint64_t value;
	const char *text;	/* for --print-seccomp */
};

#define B_SOFT	(1u << SANDBOX_BACKEND_SOFT)
#define B_KVM	(1u << SANDBOX_BACKEND_KVM)
#define B_ALL	(B_SOFT | B_KVM)

struct sb_rule {
	const char *syscall;
	unsigned int backends;
	struct sb_arg arg[2];
	const char *reason;
};

#define ARG_EQ(i, v, t)		{ SB_EQ, i, SB_CONST, (uint64_t)(v), t }
#define ARG_FD(i, src, t)	{ SB_EQ, i, src, 0, t }
#define ARG_CLEAR(i, v, t)	{ SB_MASK0, i, SB_CONST, (uint64_t)(v), t }
#define ANY(name, why)		{ name, B_ALL, { { 0 } }, why }
#define IOCTL(b, req, why)	{ "ioctl", b, { ARG_EQ(1, req, #req) }, why }

struct sb_table {
	const struct sb_rule *rules;
	size_t count;
};
#define TABLE(t)	{ t, sizeof(t) / sizeof((t)[0]) }

/* Every thread kind. */
static const struct sb_rule common_rules[] = {
	ANY("futex", "pthread mutexes, condition variables and joins"),
	ANY("exit", "a thread function returning ends the thread"),
	ANY("exit_group", "process exit (also the last resort of the SIGSYS reporter)"),
	{ "write", B_ALL, { ARG_EQ(0, 2, "fd == 2 (stderr)") },
	  "error messages and the SIGSYS reporter write to stderr" },
	{ "madvise", B_ALL, { ARG_EQ(2, MADV_DONTNEED, "MADV_DONTNEED") },
	  "glibc gives an exiting thread's stack back; free() trims arenas" },
	ANY("rt_sigprocmask", "glibc blocks signals around thread exit and pthread_kill()"),
	ANY("rt_sigreturn", "return from a signal handler (process signals may land on any thread)"),
	{ "mmap", B_ALL, { ARG_CLEAR(2, PROT_EXEC, "no PROT_EXEC") },
	  "malloc(): large blocks and per-thread arenas" },
	{ "mprotect", B_ALL, { ARG_CLEAR(2, PROT_EXEC, "no PROT_EXEC") },
	  "malloc() grows a per-thread arena" },
	ANY("munmap", "free() of large blocks, arena trimming"),
	ANY("brk", "malloc() on the main arena"),
	ANY("clock_gettime", "TOD clock, timed waits; only when the vDSO cannot answer"),
};

/* Main thread, after setup: waits, joins the threads, tears the VM down. */
static const struct sb_rule main_rules[] = {
	ANY("write", "SCLP console output, monitor replies, eventfd wake-ups"),
	ANY("read", "eventfds and monitor sockets"),
	ANY("close", "vm_destroy(): eventfds and KVM fds; closed monitor connections"),
	ANY(POLL, "chardev writes to a non-blocking fd"),
	/* The event loop (vmm/mainloop.c) and the monitors (vmm/qmp.c). */
	ANY(EPOLL_WAIT, "main loop: wait for fds and timers"),
	ANY("epoll_ctl", "main loop: watch and unwatch fds"),
	ANY("accept4", "monitor: accept a connection on a socket made at setup"),
	ANY("recvmsg", "monitor: commands and fds passed with SCM_RIGHTS (getfd)"),
	ANY("sendmsg", "monitor: replies and events"),
	{ "fcntl", B_ALL, { ARG_EQ(1, F_GETFL, "F_GETFL") },
	  "monitor: read a connection's flags" },
	{ "fcntl", B_ALL, { ARG_EQ(1, F_SETFL, "F_SETFL") },
	  "monitor: make a connection non-blocking" },
	{ "fcntl", B_ALL, { ARG_EQ(1, F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC") },
	  "monitor: open /dev/fdset/N = duplicate a descriptor passed with add-fd" },
	/* KVM: kicks and VM-wide interrupts from the loop. */
	{ "getpid", B_KVM, { { 0 } }, "pthread_kill() passes the tgid to tgkill" },
	{ "tgkill", B_KVM, { ARG_FD(0, SB_SELF_PID, "tgid == minivmm"),
			     ARG_EQ(2, SIGUSR1, "SIGUSR1") },
	  "kick a vCPU out of KVM_RUN (vm_request_end)" },
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "floating interrupts (signal quiesce)"),
	/* The floppy (devices/fdc.c): qtest-driven sector I/O, media change. */
	ANY("pread64", "floppy: sector reads when qtest drives the controller"),
	ANY("pwrite64", "floppy: sector writes when qtest drives the controller"),
	{ "openat", B_ALL, { ARG_CLEAR(2, O_CREAT | O_TRUNC, "no O_CREAT, O_TRUNC") },
	  "floppy: QMP blockdev-change-medium with a file name (a sandbox "
	  "that must not open by name passes the image: add-fd, /dev/fdset/N)" },
	{ "openat", B_ALL, { ARG_EQ(2, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"),
			      ARG_EQ(3, 0600, "mode 0600") },
	  "QMP migrate file:PATH creates the state file (migrate/monitor.c; "
	  "its writes are the main list's write)" },
	ANY("mremap", "QMP migrate file: grows its record buffer with "
	    "realloc() (a RAM record is up to 1 MiB: a Linux guest's save)"),
	ANY("writev", "QMP migrate file: RAM records go out with data pages "
	    "straight from guest RAM (migrate/stream.c)"),
	ANY("fstat", "floppy: the new image's size gives its geometry"),
	ANY("newfstatat", "floppy: fstat() as glibc issues it"),
};

/*
 * vCPU thread.  The software CPU runs guest instructions in this thread:
 * its list is the smallest (the common rules plus console output).
 */
static const struct sb_rule vcpu_rules[] = {
	ANY("write", "SCLP and virtio-console output to their chardevs; "
	    "wake-up eventfd of the main loop (vm_request_end, mainloop_post)"),
	ANY(POLL, "console output waits for a non-blocking chardev"),
	ANY("getrandom", "virtio-rng fills the guest's buffer"),
	ANY("sched_yield", "software CPU: an IPTE/IDTE/CSP purge waits for the "
	    "other CPUs' TLB flush acknowledgements (soft_tlb_purge_sync)"),
	/* KVM (arch/s390x/kvm.c) on the vCPU's own fd and the VM fd. */
	IOCTL(B_KVM, KVM_RUN, "enter the guest"),
	IOCTL(B_KVM, KVM_GET_REGS, "intercept handlers read registers"),
	IOCTL(B_KVM, KVM_SET_REGS, "intercept handlers set registers"),
	IOCTL(B_KVM, KVM_GET_SREGS, "access and control registers"),
	IOCTL(B_KVM, KVM_SET_SREGS, "access and control registers"),
	IOCTL(B_KVM, KVM_GET_FPU, "store status"),
	IOCTL(B_KVM, KVM_SET_FPU, "CPU resets"),
	IOCTL(B_KVM, KVM_GET_ONE_REG, "TOD programmable register, CPU timer, clock comparator"),
	IOCTL(B_KVM, KVM_SET_ONE_REG, "TOD programmable register, CPU timer, clock comparator"),
	IOCTL(B_KVM, KVM_GET_MP_STATE, "SIGP sense"),
	IOCTL(B_KVM, KVM_SET_MP_STATE, "SIGP start/stop, user-controlled CPU state"),
	IOCTL(B_KVM, KVM_S390_SET_INITIAL_PSW, "SIGP restart, re-IPL"),
	IOCTL(B_KVM, KVM_S390_INITIAL_RESET, "SIGP initial CPU reset"),
	IOCTL(B_KVM, KVM_S390_NORMAL_RESET, "SIGP CPU reset"),
	IOCTL(B_KVM, KVM_S390_CLEAR_RESET, "diagnose 0x308 clear reset"),
	IOCTL(B_KVM, KVM_S390_IRQ, "SIGP orders inject into another vCPU"),
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "floating interrupts (SCLP service signal)"),
	IOCTL(B_KVM, KVM_S390_GET_SKEYS, "storage keys for store status and "
	      "live migration's final phase"),
	IOCTL(B_KVM, KVM_GET_DIRTY_LOG, "live migration: the last dirty log "
	      "with the guest paused, and the check before GO (migrate/live.c)"),
	ANY("mremap", "realloc() of large buffers: live migration's final "
	    "phase encodes the storage keys and devices in memory"),
	{ "sched_yield", B_SOFT, { { 0 } }, "software CPU dirty log (live "
	  "migration's last sync): soft_tlb_flush_sync waits for the CPUs" },
	IOCTL(B_KVM, KVM_GET_DEVICE_ATTR, "TOD clock (KVM_S390_VM_TOD)"),
	IOCTL(B_KVM, KVM_SET_DEVICE_ATTR, "TOD clock on reset"),
	{ "getpid", B_KVM, { { 0 } }, "pthread_kill() passes the tgid to tgkill" },
	{ "tgkill", B_KVM, { ARG_FD(0, SB_SELF_PID, "tgid == minivmm"),
			     ARG_EQ(2, SIGUSR1, "SIGUSR1") },
	  "kick another vCPU out of KVM_RUN (SIGP, vm_request_end)" },
	ANY("pread64", "floppy: sector reads through the DIAG 0x0F10 port-I/O bridge"),
	ANY("pwrite64", "floppy: sector writes through the DIAG 0x0F10 port-I/O bridge"),
};

/* SCLP console input thread (arch/s390x/sclp.c reader_thread). */
static const struct sb_rule console_in_rules[] = {
	{ "read", B_ALL, { ARG_FD(0, SB_CONSOLE_IN, "fd == console in") },
	  "console input" },
	ANY(POLL, "wait for console input or the stop eventfd"),
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "service-signal interrupt on input"),
};

/*
 * Chardev input of a virtio console (devices/virtio-console.c con_input):
 * waits on its chardev (stdio, or a listening unix socket and the client
 * it accepts) and a stop pipe, reads, hands the bytes to the guest's
 * receive queue and interrupts it.
 */
static const struct sb_rule chardev_in_rules[] = {
	ANY("read", "chardev input and the stop pipe"),
	ANY(POLL, "wait for input, a client, or the stop pipe"),
	ANY("accept4", "a client connecting to a server=on socket"),
	ANY("close", "a client that went away"),
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "I/O interrupt for received data"),
};

/*
 * virtio-net packet thread (devices/virtio-net.c) with a stream, dgram
 * or tap backend: everything was opened at setup; the thread polls the
 * backend's fds and its eventfd, moves frames, accepts the next client
 * of a server=on stream socket and closes one that left.
 */
static const struct sb_rule net_io_rules[] = {
	ANY("read", "its eventfd; frames from a TAP device"),
	ANY("write", "kicks to its own eventfd; frames to a TAP device"),
	ANY(POLL, "wait for the backend's fds and the eventfd"),
	ANY("recvfrom", "frames from a stream or datagram socket"),
	ANY("sendmsg", "a length-prefixed frame to a stream socket"),
	ANY("sendto", "frames to a stream or datagram socket"),
	ANY("accept4", "the next client of a server=on stream netdev"),
	ANY("close", "a stream client that went away"),
	{ "ioctl", B_ALL, { ARG_EQ(1, TUNSETOFFLOAD, "TUNSETOFFLOAD") },
	  "tap: the guest's checksum offload changed" },
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "I/O interrupts for used buffers"),
};

/*
 * The same thread with -netdev stream,server=off,reconnect=: net-io plus
 * a new socket for each try, connected without blocking (the result is
 * SO_ERROR once it is writable).  Only the address families a stream
 * netdev has.
 */
static const struct sb_rule net_connect_rules[] = {
	{ "socket", B_ALL, { ARG_EQ(0, AF_UNIX, "AF_UNIX") },
	  "reconnect=: a new unix socket" },
	{ "socket", B_ALL, { ARG_EQ(0, AF_INET, "AF_INET") },
	  "reconnect=: a new TCP socket" },
	{ "socket", B_ALL, { ARG_EQ(0, AF_INET6, "AF_INET6") },
	  "reconnect=: a new TCP socket (IPv6)" },
	ANY("connect", "reconnect=: connect to the -netdev address"),
	{ "getsockopt", B_ALL, { ARG_EQ(2, SO_ERROR, "SO_ERROR") },
	  "reconnect=: the result of the non-blocking connect" },
};

/*
 * The same thread with -netdev user: libslirp is a TCP/IP stack that
 * NATs the guest's connections to host sockets it creates on demand
 * (socket, connect, bind/listen for hostfwd and FTP-style emulation),
 * and reads /etc/resolv.conf to forward DNS.  Sockets only: execve,
 * ptrace and file creation stay forbidden.
 */
static const struct sb_rule net_user_rules[] = {
	ANY("read", "its eventfd; /etc/resolv.conf"),
	ANY("write", "kicks to its own eventfd"),
	ANY(POLL, "wait for slirp's sockets and the eventfd"),
	{ "socket", B_ALL, { ARG_EQ(0, AF_INET, "AF_INET") },
	  "slirp: a host socket per guest connection (NAT)" },
	{ "socket", B_ALL, { ARG_EQ(0, AF_INET6, "AF_INET6") },
	  "slirp: a host socket per guest connection (NAT, IPv6)" },
	ANY("connect", "slirp: the guest's outbound TCP/UDP connections"),
	ANY("bind", "slirp: hostfwd listeners, UDP source ports"),
	ANY("listen", "slirp: hostfwd listeners"),
	ANY("accept", "slirp: inbound hostfwd connections"),
	ANY("accept4", "slirp: inbound hostfwd connections"),
	ANY("setsockopt", "slirp: SO_REUSEADDR, TCP_NODELAY, OOB inline"),
	ANY("getsockopt", "slirp: SO_ERROR of a pending connect"),
	ANY("getsockname", "slirp: the local address of a connection"),
	ANY("getpeername", "slirp: the peer of an accepted connection"),
	ANY("shutdown", "slirp: half-closed guest connections"),
	ANY("recvfrom", "slirp: data from host sockets"),
	ANY("recvmsg", "slirp: data from host sockets"),
	ANY("sendto", "slirp: data to host sockets"),
	ANY("sendmsg", "slirp: data to host sockets"),
	ANY("close", "slirp: connections that ended"),
	{ "fcntl", B_ALL, { ARG_EQ(1, F_GETFL, "F_GETFL") },
	  "slirp: make a new socket non-blocking" },
	{ "fcntl", B_ALL, { ARG_EQ(1, F_SETFL, "F_SETFL") },
	  "slirp: make a new socket non-blocking" },
	{ "ioctl", B_ALL, { ARG_EQ(1, FIONREAD, "FIONREAD") },
	  "slirp: bytes waiting on a socket" },
	{ "openat", B_ALL, { ARG_CLEAR(2, O_CREAT | O_TRUNC | O_WRONLY | O_RDWR,
				       "read-only") },
	  "slirp: /etc/resolv.conf for DNS forwarding" },
	ANY("fstat", "slirp: stdio reads /etc/resolv.conf"),
	ANY("newfstatat", "slirp: has /etc/resolv.conf changed"),
	ANY("statx", "slirp: has /etc/resolv.conf changed"),
	ANY("lseek", "slirp: stdio reads /etc/resolv.conf"),
	ANY("getrandom", "slirp: TCP initial sequence numbers, DHCP xids"),
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "I/O interrupts for used buffers"),
};

/*
 * Block I/O worker (devices/virtio-blk.c, one per device): positioned
 * I/O on the image fd opened at setup, flushes, eventfd notification.
 * A proposal until the worker exists: extend it with the worker.
 */
static const struct sb_rule block_io_rules[] = {
	ANY("pread64", "read sectors"),
	ANY("pwrite64", "write sectors"),
	ANY("preadv", "scatter-gather reads"),
	ANY("pwritev", "scatter-gather writes"),
	ANY("fdatasync", "virtio-blk FLUSH"),
	ANY("fsync", "virtio-blk FLUSH on a file system without fdatasync"),
	ANY("read", "its request eventfd"),
	ANY("write", "completion eventfd to the main loop"),
	ANY(POLL, "wait for requests"),
	IOCTL(B_KVM, KVM_S390_INTERRUPT, "I/O interrupt on completion"),
};

/*
 * Migration thread (migrate/live.c): created with the control plane
 * during setup (so it does not inherit the main list) and idle until QMP
 * migrate / migrate-incoming or -incoming tcp:.  It owns the socket of a
 * live migration either way and reads guest RAM; everything that touches
 * the VM's run state or devices is posted to the loop thread.
 */
static const struct sb_rule migration_rules[] = {
	{ "socket", B_ALL, { ARG_EQ(0, AF_INET, "AF_INET") },
	  "tcp: migration socket (connect, or migrate-incoming's listener)" },
	{ "socket", B_ALL, { ARG_EQ(0, AF_INET6, "AF_INET6") },
	  "tcp: migration socket over IPv6" },
	ANY("connect", "source: connect to the destination"),
	ANY("getsockopt", "source: SO_ERROR of the non-blocking connect"),
	{ "setsockopt", B_ALL, { ARG_EQ(1, SOL_SOCKET, "SOL_SOCKET"),
				 ARG_EQ(2, SO_REUSEADDR, "SO_REUSEADDR") },
	  "migrate-incoming: the listener reuses the port" },
	{ "setsockopt", B_ALL, { ARG_EQ(1, IPPROTO_TCP, "IPPROTO_TCP"),
				 ARG_EQ(2, TCP_NODELAY, "TCP_NODELAY") },
	  "no Nagle delay for the trailer and the return-path frames" },
	ANY("bind", "migrate-incoming: the listening address"),
	ANY("listen", "migrate-incoming: listen for the one source"),
	ANY("getsockname", "destination: the port the kernel picked (tcp:H:0)"),
	ANY("accept4", "destination: accept the source"),
	ANY("close", "the migration socket and the listener when done"),
	ANY("sendto", "the stream and return-path frames (send)"),
	ANY("recvfrom", "the stream and return-path frames (recv)"),
	ANY("read", "its cancel eventfd"),
	ANY("write", "main loop wake-ups (mainloop_post); the eventfd"),
	ANY(POLL, "every wait: the socket and the cancel eventfd, bounded"),
	IOCTL(B_KVM, KVM_GET_DIRTY_LOG, "dirty pages of guest storage (pre-copy)"),
	ANY("mremap", "realloc() of the record buffers (a RAM record is 1 MiB)"),
	ANY("pread64", "/proc/self/pagemap: which frames have no page yet "
	    "(sent as ZERO without a fault; migrate/untouched.c)"),
	{ "openat", B_ALL, { ARG_CLEAR(2, O_CREAT | O_TRUNC | O_WRONLY | O_RDWR,
				       "read-only") },
	  "glibc: the first free() that shrinks this thread's malloc arena "
	  "reads /proc/sys/vm/overcommit_memory" },
	{ "sched_yield", B_SOFT, { { 0 } }, "software CPU dirty log: the sync "
	  "waits for the CPUs' TLB flush acknowledgements (soft_tlb_flush_sync)" },
};

/*
 * Sanitizer builds only (CI's -Db_sanitize=address,undefined): what the
 * ASan/UBSan/LSan runtimes call on their own.  Every kind: fake stacks
 * and allocator (mmap with any flags, madvise), alternate signal stacks
 * per thread, thread registry (gettid, sched_getaffinity), reports
 * (stderr, /proc/self/maps).  Main thread: LeakSanitizer's exit check
 * clones a tracer task that ptraces every thread (it inherits the main
 * filter).  None of this is in a production build.
 */
static const struct sb_rule asan_rules[] = {
	ANY("madvise", "sanitizer: allocator and shadow memory"),
	ANY("mmap", "sanitizer: allocator and shadow memory"),
	ANY("mprotect", "sanitizer: allocator"),
	ANY("sigaltstack", "sanitizer: per-thread alternate signal stack"),
	ANY("gettid", "sanitizer: thread registry"),
	ANY("getpid", "sanitizer: reports"),
	ANY("sched_getaffinity", "sanitizer: thread start"),
	ANY("sched_yield", "sanitizer: spin locks"),
	ANY("write", "sanitizer: reports"),
	ANY("open", "sanitizer: /proc/self/maps for reports"),
	ANY("openat", "sanitizer: /proc/self/maps for reports"),
	ANY("read", "sanitizer: /proc/self/maps"),
	ANY("close", "sanitizer: /proc/self/maps"),
	ANY("readlink", "sanitizer: /proc/self/exe"),
	ANY("prlimit64", "sanitizer: stack limits"),
	ANY("rt_sigaction", "sanitizer: fatal signal handlers"),
	ANY("nanosleep", "sanitizer: waits"),
	ANY("clock_nanosleep", "sanitizer: waits"),
};

static const struct sb_rule asan_main_rules[] = {
	ANY("clone", "LeakSanitizer: the tracer task at exit"),
	ANY("wait4", "LeakSanitizer: wait for the tracer"),
	ANY("prctl", "LeakSanitizer: dumpable, ptracer"),
	ANY("ptrace", "LeakSanitizer: the tracer suspends and reads every thread"),
	ANY("getdents", "LeakSanitizer: list /proc/self/task"),
	ANY("getdents64", "LeakSanitizer: list /proc/self/task"),
	ANY("lseek", "LeakSanitizer: /proc files"),
	ANY("tgkill", "sanitizer: die on an error"),
	ANY("kill", "LeakSanitizer: tracer cleanup"),
	ANY("process_vm_readv", "LeakSanitizer: read thread registers and TLS"),
	ANY("newfstatat", "sanitizer: stat of /proc files"),
	ANY("fstat", "sanitizer: stat of /proc files"),
	ANY("munmap", "sanitizer: free"),
	ANY("exit", "LeakSanitizer: the tracer exits"),
	ANY("getppid", "LeakSanitizer: the tracer checks its parent"),
};

static const struct sb_table kind_tables[SANDBOX_THREAD_KINDS] = {
	[SANDBOX_MAIN] = TABLE(main_rules),
	[SANDBOX_VCPU] = TABLE(vcpu_rules),
	[SANDBOX_CONSOLE_IN] = TABLE(console_in_rules),
	[SANDBOX_BLOCK_IO] = TABLE(block_io_rules),
	[SANDBOX_MIGRATION] = TABLE(migration_rules),
	[SANDBOX_CHARDEV_IN] = TABLE(chardev_in_rules),
	[SANDBOX_NET_IO] = TABLE(net_io_rules),
	[SANDBOX_NET_USER] = TABLE(net_user_rules),
	[SANDBOX_NET_CONNECT] = TABLE(net_connect_rules),	/* + net-io */
};

static const char *const kind_names[SANDBOX_THREAD_KINDS] = {
	[SANDBOX_MAIN] = "main",
	[SANDBOX_VCPU] = "vcpu",
	[SANDBOX_CONSOLE_IN] = "console-in",
	[SANDBOX_BLOCK_IO] = "block-io",
	[SANDBOX_MIGRATION] = "migration",
	[SANDBOX_CHARDEV_IN] = "chardev-in",
	[SANDBOX_NET_IO] = "net-io",
	[SANDBOX_NET_USER] = "net-user",
	[SANDBOX_NET_CONNECT] = "net-connect",
};

/* The tables in the order a filter is built from them. */
static size_t kind_tables_for(enum sandbox_thread kind, struct sb_table *out)
{
	static const struct sb_table common = TABLE(common_rules);
	static const struct sb_table asan = TABLE(asan_rules);
	static const struct sb_table asan_main = TABLE(asan_main_rules);
	size_t n = 0;

	out[n++] = common;
	out[n++] = kind_tables[kind];
	if (kind == SANDBOX_NET_CONNECT)
		out[n++] = kind_tables[SANDBOX_NET_IO];
	if (SB_SANITIZER) {
		out[n++] = asan;
		if (kind == SANDBOX_MAIN)
			out[n++] = asan_main;
	}
	return n;
}

const char *sandbox_thread_name(enum sandbox_thread kind)
{
	return (unsigned int)kind < SANDBOX_THREAD_KINDS ? kind_names[kind] : "?";
}

int sandbox_thread_parse(const char *name)
{
	for (int k = 0; k < SANDBOX_THREAD_KINDS; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

const char *sandbox_backend_name(enum sandbox_backend b)
{
	return b == SANDBOX_BACKEND_KVM ? "kvm" : "soft";
}

/* ---- process-wide state ------------------------------------------------- */

/*
 * The sandbox is per process (seccomp and credentials belong to threads
 * of this process, not to a VM), so its state is here, set once before
 * any thread starts.  configured == false: the library is used without
 * minivmm's main (unit tests), and sandbox_enter() does nothing.
 */
static struct {
	bool configured;
	struct sandbox_config cfg;
	int test_forbidden_kind;	/* MINIVMM_TEST_FORBIDDEN_SYSCALL, or -1 */
	pthread_mutex_t lock;
	pthread_cond_t gate_cond;
	bool gate_open;
} sb = {
	.test_forbidden_kind = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.gate_cond = PTHREAD_COND_INITIALIZER,
};

/* The calling thread's kind, for the SIGSYS reporter. */
static _Thread_local int sb_thread_kind = -1;

enum sandbox_mode sandbox_mode(void)
{
	return sb.configured ? sb.cfg.mode : SANDBOX_OFF;
}

void sandbox_open_gate(void)
{
	pthread_mutex_lock(&sb.lock);
	sb.gate_open = true;
	pthread_cond_broadcast(&sb.gate_cond);
	pthread_mutex_unlock(&sb.lock);
}

static void wait_gate(void)
{
	pthread_mutex_lock(&sb.lock);
	while (!sb.gate_open)
		pthread_cond_wait(&sb.gate_cond, &sb.lock);
	pthread_mutex_unlock(&sb.lock);
}

/* A system call no list allows; harmless when it is not filtered. */
static void forbidden_syscall(void)
{
	static char *const argv[] = { NULL };

	syscall(SYS_execve, "/nonexistent/minivmm-forbidden", argv, argv);
}

#ifdef MINIVMM_HAVE_SECCOMP

bool sandbox_supported(void)
{
	return true;
}

bool sandbox_available(const char **why)
{
	/* API level 3: SECCOMP_GET_ACTION_AVAIL answers, KILL_PROCESS works. */
	if (seccomp_api_get() < 3) {
		*why = "this kernel (or emulator) cannot load seccomp filters "
		       "with SCMP_ACT_KILL_PROCESS";
		return false;
	}
	return true;
}

/* ---- the SIGSYS reporter (-sandbox debug) ------------------------------- */

/*
 * Names of system calls by number, filled before any filter exists:
 * libseccomp's resolver allocates, so the handler can't call it.
 */
#define SB_MAX_NR	1024
#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1	/* si_code of a seccomp SIGSYS (siginfo.h) */
#endif
static char sb_syscall_names[SB_MAX_NR][28];

static size_t put_str(char *buf, size_t pos, size_t cap, const char *s)
{
	while (*s && pos + 1 < cap)
		buf[pos++] = *s++;
	return pos;
}

static size_t put_dec(char *buf, size_t pos, size_t cap, long v)
{
	char tmp[24];
	size_t n = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0 && pos + 1 < cap)
		buf[pos++] = '-';
	while (n && pos + 1 < cap)
		buf[pos++] = tmp[--n];
	return pos;
}

/*
 * Async-signal-safe: formats into a stack buffer, write(2) to stderr
 * (every list allows it), then makes a forbidden call again.  SIGSYS is
 * blocked inside its own handler, so the kernel resets it to the default
 * action and the process dies of SIGSYS, as it would with
 * SCMP_ACT_KILL_PROCESS.
 */
static void sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	char buf[200];
	size_t n = 0;
	int nr = si->si_syscall;
	int kind = sb_thread_kind;

	(void)sig;
	(void)uc;
	n = put_str(buf, n, sizeof(buf), "minivmm: sandbox: ");
	if (si->si_code == SYS_SECCOMP) {
		n = put_str(buf, n, sizeof(buf), "thread '");
		n = put_str(buf, n, sizeof(buf), kind >= 0 ? kind_names[kind] : "?");
		n = put_str(buf, n, sizeof(buf), "' made forbidden system call ");
		n = put_dec(buf, n, sizeof(buf), nr);
		if (nr >= 0 && nr < SB_MAX_NR && sb_syscall_names[nr][0]) {
			n = put_str(buf, n, sizeof(buf), " (");
			n = put_str(buf, n, sizeof(buf), sb_syscall_names[nr]);
			n = put_str(buf, n, sizeof(buf), ")");
		}
	} else {
		n = put_str(buf, n, sizeof(buf), "SIGSYS not from seccomp");
	}
	n = put_str(buf, n, sizeof(buf), "; killing minivmm\n");
	(void)!syscall(SYS_write, 2, buf, n);
	forbidden_syscall();
	syscall(SYS_exit_group, 128 + SIGSYS);
}

static int install_reporter(char **err)
{
	struct sigaction sa;

	for (int nr = 0; nr < SB_MAX_NR; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name) {
			snprintf(sb_syscall_names[nr], sizeof(sb_syscall_names[nr]),
				 "%s", name);
			free(name);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		int e = errno;
		error_setf(err, "sandbox: SIGSYS handler: %s", strerror(e));
		return -e;
	}
	return 0;
}

/* ---- building a filter -------------------------------------------------- */

static bool rule_applies(const struct sb_rule *r, enum sandbox_backend b)
{
	return r->backends & (1u << b);
}

static uint64_t arg_value(const struct sb_arg *a)
{
	switch (a->src) {
	case SB_CONSOLE_IN:
		return (uint32_t)sb.cfg.console_in;
	case SB_CONSOLE_OUT:
		return (uint32_t)sb.cfg.console_out;
	case SB_SELF_PID:
		return (uint32_t)getpid();
	case SB_CONST:
	default:
		return a->op == SB_EQ ? (uint32_t)a->value : a->value;
	}
}

/* fd == -1 in the configuration: no such fd, the rule allows nothing. */
static bool arg_unusable(const struct sb_arg *a)
{
	return (a->src == SB_CONSOLE_IN && sb.cfg.console_in < 0) ||
	       (a->src == SB_CONSOLE_OUT && sb.cfg.console_out < 0);
}

static int add_rule(scmp_filter_ctx ctx, const struct sb_rule *r, char **err)
{
	struct scmp_arg_cmp cmp[2];
	unsigned int n = 0;
	int nr = seccomp_syscall_resolve_name(r->syscall);
	int rc;

	if (nr == __NR_SCMP_ERROR)
		return 0;		/* not on this architecture */
	for (unsigned int i = 0; i < 2; i++) {
		const struct sb_arg *a = &r->arg[i];

		if (a->op == SB_NONE)
			continue;
		if (arg_unusable(a))
			return 0;
		cmp[n].arg = a->index;
		cmp[n].op = SCMP_CMP_MASKED_EQ;
		if (a->op == SB_EQ) {
			cmp[n].datum_a = 0xffffffffULL;
			cmp[n].datum_b = arg_value(a);
		} else {
			cmp[n].datum_a = arg_value(a);
			cmp[n].datum_b = 0;
		}
		n++;
	}
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, cmp);
	/* -EEXIST: an equal or wider rule for the call is already there. */
	if (rc < 0 && rc != -EEXIST) {
		error_setf(err, "sandbox: rule for %s: %s", r->syscall, strerror(-rc));
		return rc;
	}
	return 0;
}

static int install_filter(enum sandbox_thread kind, char **err)
{
	uint32_t deny = sb.cfg.mode == SANDBOX_DEBUG ? SCMP_ACT_TRAP
						     : SCMP_ACT_KILL_PROCESS;
	struct sb_table tabs[4];
	size_t ntabs = kind_tables_for(kind, tabs);
	scmp_filter_ctx ctx = seccomp_init(deny);
	int rc = 0;

	if (!ctx) {
		error_setf(err, "sandbox: seccomp_init failed");
		return -ENOMEM;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, deny);
	for (size_t t = 0; !rc && t < ntabs; t++)
		for (size_t i = 0; !rc && i < tabs[t].count; i++)
			if (rule_applies(&tabs[t].rules[i], sb.cfg.backend))
				rc = add_rule(ctx, &tabs[t].rules[i], err);
	if (!rc) {
		rc = seccomp_load(ctx);
		if (rc < 0)
			error_setf(err, "sandbox: loading the %s filter: %s "
				   "(does this kernel support seccomp filters?)",
				   kind_names[kind], strerror(-rc));
	}
	seccomp_release(ctx);
	return rc;
}

/* Distinct system calls of a kind's filter on this architecture. */
unsigned int sandbox_syscall_count(enum sandbox_thread kind,
				   enum sandbox_backend backend)
{
	struct sb_table tabs[4];
	size_t ntabs = kind_tables_for(kind, tabs);
	int seen[256];
	unsigned int count = 0;

	for (size_t t = 0; t < ntabs; t++) {
		for (size_t i = 0; i < tabs[t].count; i++) {
			const struct sb_rule *r = &tabs[t].rules[i];
			int nr = seccomp_syscall_resolve_name(r->syscall);
			bool dup = false;

			if (!rule_applies(r, backend) || nr == __NR_SCMP_ERROR)
				continue;
			for (unsigned int j = 0; j < count && !dup; j++)
				dup = seen[j] == nr;
			if (!dup && count < sizeof(seen) / sizeof(seen[0]))
				seen[count++] = nr;
		}
	}
	return count;
}

static void print_args(FILE *f, const struct sb_rule *r)
{
	char text[80] = "";
	size_t len = 0;

	for (unsigned int i = 0; i < 2; i++) {
		if (r->arg[i].op == SB_NONE)
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
					len ? ", " : "", r->arg[i].text);
		if (len >= sizeof(text))
			break;
	}
	fprintf(f, "%-38s", text);
}

void sandbox_print(FILE *f)
{
#if defined(__x86_64__)
	const char *arch = "x86_64";
#elif defined(__s390x__)
	const char *arch = "s390x";
#elif defined(__aarch64__)
	const char *arch = "aarch64";
#else
	const char *arch = NULL;
#endif

	fprintf(f, "# minivmm seccomp allowlists (%s%s); anything else kills "
		"the process (SIGSYS)\n", arch ? arch : "?",
		SB_SANITIZER ? ", sanitizer build: extra rules marked" : "");
	for (int k = 0; k < SANDBOX_THREAD_KINDS; k++) {
		struct sb_table tabs[4];
		size_t ntabs = kind_tables_for((enum sandbox_thread)k, tabs);

		for (int b = 0; b < SANDBOX_BACKENDS; b++)
			fprintf(f, "%sthread %s (%s): %u system calls\n",
				b ? "" : "\n", kind_names[k],
				sandbox_backend_name((enum sandbox_backend)b),
				sandbox_syscall_count((enum sandbox_thread)k,
						      (enum sandbox_backend)b));
		for (size_t t = 0; t < ntabs; t++) {
			for (size_t i = 0; i < tabs[t].count; i++) {
				const struct sb_rule *r = &tabs[t].rules[i];
				bool here = seccomp_syscall_resolve_name(r->syscall) !=
					    __NR_SCMP_ERROR;

				fprintf(f, "  %-18s %-5s ", r->syscall,
					r->backends == B_ALL ? "" :
					r->backends == B_KVM ? "kvm" : "soft");
				print_args(f, r);
				fprintf(f, " %s%s%s\n",
					tabs[t].rules == asan_rules ||
					tabs[t].rules == asan_main_rules ?
					"[sanitizer build] " : "",
					r->reason, here ? "" : " (not on this arch)");
			}
		}
	}
}

#else /* !MINIVMM_HAVE_SECCOMP */

bool sandbox_supported(void)
{
	return false;
}

bool sandbox_available(const char **why)
{
	*why = "minivmm was built without libseccomp";
	return false;
}

static int install_reporter(char **err)
{
	(void)err;
	return 0;
}

static int install_filter(enum sandbox_thread kind, char **err)
{
	(void)kind;
	error_setf(err, "sandbox: minivmm was built without libseccomp");
	return -ENOSYS;
}

unsigned int sandbox_syscall_count(enum sandbox_thread kind,
				   enum sandbox_backend backend)
{
	(void)kind;
	(void)backend;
	return 0;
}

void sandbox_print(FILE *f)
{
	fprintf(f, "# minivmm was built without libseccomp: no allowlists\n");
}

#endif /* MINIVMM_HAVE_SECCOMP */

/* ---- configuration and entering ----------------------------------------- */

int sandbox_configure(const struct sandbox_config *cfg, char **err)
{
	const char *hook = getenv("MINIVMM_TEST_FORBIDDEN_SYSCALL");

	if (cfg->mode != SANDBOX_OFF && !sandbox_supported()) {
		error_setf(err, "-sandbox: this minivmm was built without "
			   "libseccomp (use -sandbox off)");
		return -ENOSYS;
	}
	if ((unsigned int)cfg->backend >= SANDBOX_BACKENDS) {
		error_setf(err, "sandbox: bad backend");
		return -EINVAL;
	}
	sb.cfg = *cfg;
	sb.test_forbidden_kind = hook ? sandbox_thread_parse(hook) : -1;
	if (cfg->mode == SANDBOX_DEBUG) {
		int rc = install_reporter(err);

		if (rc < 0)
			return rc;
	}
	sb.configured = true;
	return 0;
}

int sandbox_enter(enum sandbox_thread kind, char **err)
{
	int rc;

	if ((unsigned int)kind >= SANDBOX_THREAD_KINDS) {
		error_setf(err, "sandbox: unknown thread kind %d", (int)kind);
		return -EINVAL;
	}
	if (!sb.configured)
		return 0;
	wait_gate();
	sb_thread_kind = (int)kind;
	/* Capabilities and no_new_privs are per thread: drop this one's. */
	rc = caps_drop_thread(err);
	if (rc < 0)
		return rc;
	if (sb.cfg.mode != SANDBOX_OFF) {
		rc = install_filter(kind, err);
		if (rc < 0)
			return rc;
	}
	if (sb.test_forbidden_kind == (int)kind)
		forbidden_syscall();
	return 0;
}
