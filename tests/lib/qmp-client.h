/* SPDX-License-Identifier: MIT */
/*
 * Test-side clients for minivmm's control plane, reused by the device and
 * migration tests:
 *
 *  - struct qmp_client: a QMP client (greeting, qmp_capabilities,
 *    commands, events kept in a queue while waiting for replies);
 *  - struct qtest_client: the qtest line protocol (inb/outb, readl, ...),
 *    with "IRQ raise/lower N" lines recorded as they pass;
 *  - vmm_spawn(): start a minivmm process the way libqtest starts QEMU
 *    (the test listens, minivmm connects to -qmp/-qtest unix sockets).
 *
 * Clients talk over a file descriptor.  In-process tests (a socketpair to
 * a server on a struct vm's loop) pass a pump callback that runs the
 * server's loop while the client waits, so no thread is needed.
 * Every wait is bounded (CLIENT_WAIT_MS) so a broken server fails the
 * test instead of hanging it.
 */
#ifndef MINIVMM_TESTS_QMP_CLIENT_H
#define MINIVMM_TESTS_QMP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#define CLIENT_WAIT_MS	30000

/* Run the server a little (in-process tests); NULL for a real process. */
typedef void client_pump_fn(void *opaque);

/* ---- line transport ---- */
struct line_conn {
	int fd;
	client_pump_fn *pump;
	void *pump_opaque;
	char buf[1 << 16];
	size_t len;
	bool eof;
};
/* Next line without the newline (malloc'ed), or NULL at EOF/timeout. */
char *line_recv(struct line_conn *c);
bool line_send(struct line_conn *c, const char *s, size_t len);

/* ---- QMP ---- */
struct qmp_client {
	struct line_conn lc;
	json_t *greeting;
	json_t *events;		/* array of events not yet taken */
};

/* Read the greeting; negotiate when negotiate is true.  NULL on failure. */
struct qmp_client *qmp_client_new(int fd, client_pump_fn *pump, void *opaque,
				  bool negotiate);
void qmp_client_free(struct qmp_client *c);
/* Send raw bytes (bad-input tests). */
bool qmp_send_raw(struct qmp_client *c, const char *text);
/* Next non-event message (reply); events are queued.  NULL: EOF/timeout. */
json_t *qmp_recv_reply(struct qmp_client *c);
/* Execute a command: args may be NULL (stolen otherwise).  Whole reply. */
json_t *qmp_execute(struct qmp_client *c, const char *cmd, json_t *args);
/* The same with a file descriptor attached (SCM_RIGHTS; UNIX sockets):
 * getfd, add-fd.  The caller keeps its fd.  fd < 0: qmp_execute(). */
json_t *qmp_execute_fd(struct qmp_client *c, const char *cmd, json_t *args,
		       int fd);
/* Wait for (and take) the first queued or arriving event called name. */
json_t *qmp_wait_event(struct qmp_client *c, const char *name);
/* Take a queued event without waiting (NULL: none queued). */
json_t *qmp_take_event(struct qmp_client *c, const char *name);
/* Helpers on replies. */
bool qmp_reply_ok(const json_t *reply);
const char *qmp_error_class(const json_t *reply);
/* Consume a reply: was it a return?  Its error desc ("" when none; a
 * static buffer, valid until the next call)? */
bool qmp_take_ok(json_t *reply);
const char *qmp_take_desc(json_t *reply);
/* qmp_execute_fd() that closes fd after sending it (tests pass fresh
 * descriptors). */
json_t *qmp_pass_fd(struct qmp_client *c, const char *cmd, json_t *args, int fd);

/* ---- qtest ---- */
struct qtest_client {
	struct line_conn lc;
	int irq_level[64];	/* from "IRQ raise/lower N" */
	unsigned int irq_events;
};

struct qtest_client *qtest_client_new(int fd, client_pump_fn *pump, void *opaque);
void qtest_client_free(struct qtest_client *q);
/* Send one command line (no newline); returns the reply line (malloc'ed). */
char *qtest_cmd(struct qtest_client *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "OK [value]": value parsed (0 when none); false on FAIL/EOF. */
bool qtest_cmd_ok(struct qtest_client *q, uint64_t *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint8_t qtest_inb(struct qtest_client *q, uint16_t port);
void qtest_outb(struct qtest_client *q, uint16_t port, uint8_t v);
uint32_t qtest_readl(struct qtest_client *q, uint64_t addr);
void qtest_writel(struct qtest_client *q, uint64_t addr, uint32_t v);
uint64_t qtest_clock_step(struct qtest_client *q, uint64_t ns);
bool qtest_get_irq(struct qtest_client *q, unsigned int line);

/* ---- a minivmm process ---- */
struct vmm_proc {
	pid_t pid;
	char dir[64];		/* temporary directory of the sockets */
	int qmp_fd, qtest_fd;	/* -1 when not requested */
};

/*
 * Start $MINIVMM (run through $MINIVMM_WRAPPER when set, e.g. qemu-user;
 * $MINIVMM_ARGS are added first, e.g. "-sandbox off") with extra args (NULL-terminated) and, when asked, -qmp/-qtest sockets it
 * connects to.  0 or -errno.
 */
int vmm_spawn(struct vmm_proc *p, bool with_qmp, bool with_qtest,
	      const char *const *args);
/* The same with the child's stdin from stdin_fd (-1: /dev/null), e.g. a
 * pipe to type on the guest's console. */
int vmm_spawn_in(struct vmm_proc *p, bool with_qmp, bool with_qtest,
		 const char *const *args, int stdin_fd);
/* Wait for exit (SIGKILL after CLIENT_WAIT_MS); returns the wait status. */
int vmm_wait(struct vmm_proc *p);
/* SIGTERM then vmm_wait(). */
int vmm_kill(struct vmm_proc *p);

#endif
