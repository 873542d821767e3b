/* SPDX-License-Identifier: MIT */
/*
 * qtest protocol server (see qtest.h for the commands).  A line buffer per
 * client, a command table {name, argument counts, handler}, and the
 * port-I/O bus's interrupt sink while an intercept is active.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "devices/portio.h"
#include "vmm/chardev.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/mainloop.h"
#include "vmm/qtest.h"
#include "vmm/vm.h"

#define QTEST_MAX_WORDS	8

struct qtest {
	struct vm *vm;
	struct chr_conn *conn;		/* the client, or NULL */
	char *line;			/* partial input line */
	size_t line_len, line_cap;
	int listen_fd;
	bool intercepting;		/* our sink is installed on vm->portio */
	portio_irq_fn *old_sink;
	void *old_opaque;
};

/* ---- helpers ----------------------------------------------------------- */

static void reply(struct qtest *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reply(struct qtest *q, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	if (!q->conn)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	chr_conn_write(q->conn, s, (size_t)n);
	chr_conn_write(q->conn, "\n", 1);
	free(s);
}

/* A whole C number (0x hex, 0 octal or decimal), like qemu_strtou64(,0). */
static bool parse_num(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Guest absolute storage [addr, addr+len), or NULL after a FAIL reply. */
static uint8_t *guest(struct qtest *q, uint64_t addr, uint64_t len)
{
	uint8_t *p = vm_absolute(q->vm, addr, len);

	if (!p)
		reply(q, "FAIL address 0x%" PRIx64 "+0x%" PRIx64 " out of range",
		      addr, len);
	return p;
}

/* ---- commands ------------------------------------------------------------- */

struct qtest_cmd {
	const char *name;
	int min_args, max_args;		/* words after the name */
	unsigned int size;		/* access width for the sized families */
	void (*fn)(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n);
};

/* outb/outw/outl PORT VALUE: the port-I/O bus. */
static void cmd_out(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t port, val;

	(void)n;
	if (!parse_num(w[1], &port) || port > 0xffff ||
	    !parse_num(w[2], &val) || val >> (8 * cmd->size)) {
		reply(q, "FAIL bad port or value");
		return;
	}
	portio_write(q->vm->portio, (uint16_t)port, cmd->size, (uint32_t)val);
	reply(q, "OK");
}

static void cmd_in(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t port;

	(void)n;
	if (!parse_num(w[1], &port) || port > 0xffff) {
		reply(q, "FAIL bad port");
		return;
	}
	reply(q, "OK 0x%04x", portio_read(q->vm->portio, (uint16_t)port, cmd->size));
}

/* Storage is big-endian: readw of bytes 12 34 is 0x1234, as on the guest. */
static void cmd_write_n(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t addr, val;
	uint8_t *p;

	(void)n;
	if (!parse_num(w[1], &addr) || !parse_num(w[2], &val) ||
	    (cmd->size < 8 && val >> (8 * cmd->size))) {
		reply(q, "FAIL bad address or value");
		return;
	}
	p = guest(q, addr, cmd->size);
	if (!p)
		return;
	switch (cmd->size) {
	case 1: p[0] = (uint8_t)val; break;
	case 2: be16_st(p, (uint16_t)val); break;
	case 4: be32_st(p, (uint32_t)val); break;
	default: be64_st(p, val); break;
	}
	vm_mark_dirty(q->vm, addr, cmd->size);
	reply(q, "OK");
}

static void cmd_read_n(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t addr, val;
	uint8_t *p;

	(void)n;
	if (!parse_num(w[1], &addr)) {
		reply(q, "FAIL bad address");
		return;
	}
	p = guest(q, addr, cmd->size);
	if (!p)
		return;
	switch (cmd->size) {
	case 1: val = p[0]; break;
	case 2: val = be16_ld(p); break;
	case 4: val = be32_ld(p); break;
	default: val = be64_ld(p); break;
	}
	reply(q, "OK 0x%016" PRIx64, val);
}

static bool parse_addr_size(struct qtest *q, char **w, uint64_t *addr,
			    uint64_t *size)
{
	if (!parse_num(w[1], addr) || !parse_num(w[2], size)) {
		reply(q, "FAIL bad address or size");
		return false;
	}
	if (*size > QTEST_MAX_RW) {
		reply(q, "FAIL size over %u bytes", QTEST_MAX_RW);
		return false;
	}
	return true;
}

static void cmd_read(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t addr, size;
	uint8_t *p;
	char *s;

	(void)cmd;
	(void)n;
	if (!parse_addr_size(q, w, &addr, &size) || !(p = guest(q, addr, size)))
		return;
	s = malloc(2 * size + 1);
	if (!s) {
		reply(q, "FAIL out of memory");
		return;
	}
	for (uint64_t i = 0; i < size; i++) {
		s[2 * i] = hex[p[i] >> 4];
		s[2 * i + 1] = hex[p[i] & 15];
	}
	s[2 * size] = '\0';
	reply(q, "OK 0x%s", s);
	free(s);
}

static void cmd_write(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t addr, size;
	const char *data = w[3];
	size_t digits;
	uint8_t *p;

	(void)cmd;
	(void)n;
	if (!parse_addr_size(q, w, &addr, &size))
		return;
	if (strncmp(data, "0x", 2)) {
		reply(q, "FAIL data must start with 0x");
		return;
	}
	data += 2;
	digits = strlen(data);
	if (digits % 2 || digits / 2 > size) {
		reply(q, "FAIL data does not fit %" PRIu64 " bytes", size);
		return;
	}
	for (size_t i = 0; i < digits; i++) {
		if (hexval(data[i]) < 0) {
			reply(q, "FAIL bad hex digit");
			return;
		}
	}
	if (!(p = guest(q, addr, size)))
		return;
	/* QEMU zero-fills what the data does not cover. */
	for (uint64_t i = 0; i < size; i++)
		p[i] = i < digits / 2 ? (uint8_t)(hexval(data[2 * i]) << 4 |
						  hexval(data[2 * i + 1])) : 0;
	vm_mark_dirty(q->vm, addr, size);
	reply(q, "OK");
}

static void cmd_memset(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t addr, size, val;
	uint8_t *p;

	(void)cmd;
	(void)n;
	if (!parse_addr_size(q, w, &addr, &size))
		return;
	if (!parse_num(w[3], &val) || val > 0xff) {
		reply(q, "FAIL bad byte value");
		return;
	}
	if (!(p = guest(q, addr, size)))
		return;
	memset(p, (int)val, size);
	vm_mark_dirty(q->vm, addr, size);
	reply(q, "OK");
}

static void cmd_clock_step(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t ns = UINT64_MAX, now;

	(void)cmd;
	if (n == 2 && !parse_num(w[1], &ns)) {
		reply(q, "FAIL bad time");
		return;
	}
	now = mainloop_clock_step(q->vm->loop, ns);
	reply(q, "OK %" PRIu64, now);
}

static void cmd_clock_set(struct qtest *q, const struct qtest_cmd *cmd, char **w, int n)
{
	uint64_t ns;

	(void)cmd;
	(void)n;
	if (!parse_num(w[1], &ns)) {
		reply(q, "FAIL bad time");
		return;
	}
	reply(q, "OK %" PRIu64, mainloop_clock_set(q->vm->loop, ns));
}

static void irq_sink(void *opaque, unsigned int line, bool level)
{
	struct qtest *q = opaque;

	reply(q, "IRQ %s %u", level ? "raise" : "lower", line);
}

/*
 * irq_intercept_in/out PATH.  QEMU intercepts the GPIO lines of the
 * device at PATH; here every device's lines are lines of the port-I/O
 * bus, so any path intercepts the bus (once; later calls are OK).
 */
static void cmd_irq_intercept(struct qtest *q, const struct qtest_cmd *cmd,
			      char **w, int n)
{
	(void)cmd;
	(void)w;
	(void)n;
	if (!q->intercepting) {
		portio_set_irq_sink(q->vm->portio, irq_sink, q, &q->old_sink,
				    &q->old_opaque);
		q->intercepting = true;
	}
	reply(q, "OK");
}

static void cmd_endianness(struct qtest *q, const struct qtest_cmd *cmd,
			   char **w, int n)
{
	(void)cmd;
	(void)w;
	(void)n;
	reply(q, "OK big");	/* z/Architecture storage is big-endian */
}

static const struct qtest_cmd qtest_cmds[] = {
	{ "outb", 2, 2, 1, cmd_out },
	{ "outw", 2, 2, 2, cmd_out },
	{ "outl", 2, 2, 4, cmd_out },
	{ "inb", 1, 1, 1, cmd_in },
	{ "inw", 1, 1, 2, cmd_in },
	{ "inl", 1, 1, 4, cmd_in },
	{ "writeb", 2, 2, 1, cmd_write_n },
	{ "writew", 2, 2, 2, cmd_write_n },
	{ "writel", 2, 2, 4, cmd_write_n },
	{ "writeq", 2, 2, 8, cmd_write_n },
	{ "readb", 1, 1, 1, cmd_read_n },
	{ "readw", 1, 1, 2, cmd_read_n },
	{ "readl", 1, 1, 4, cmd_read_n },
	{ "readq", 1, 1, 8, cmd_read_n },
	{ "read", 2, 2, 0, cmd_read },
	{ "write", 3, 3, 0, cmd_write },
	{ "memset", 3, 3, 0, cmd_memset },
	{ "clock_step", 0, 1, 0, cmd_clock_step },
	{ "clock_set", 1, 1, 0, cmd_clock_set },
	{ "irq_intercept_in", 1, 1, 0, cmd_irq_intercept },
	{ "irq_intercept_out", 1, 1, 0, cmd_irq_intercept },
	{ "endianness", 0, 0, 0, cmd_endianness },
};

static void process_line(struct qtest *q, char *line)
{
	char *w[QTEST_MAX_WORDS + 1], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (n == QTEST_MAX_WORDS) {
			reply(q, "FAIL too many words");
			return;
		}
		w[n++] = tok;
	}
	w[n] = NULL;
	if (n == 0)
		return;		/* empty line: QEMU ignores it too */
	for (size_t i = 0; i < sizeof(qtest_cmds) / sizeof(qtest_cmds[0]); i++) {
		const struct qtest_cmd *c = &qtest_cmds[i];

		if (strcmp(c->name, w[0]))
			continue;
		if (n - 1 < c->min_args || n - 1 > c->max_args) {
			reply(q, "FAIL %s takes %d to %d arguments", c->name,
			      c->min_args, c->max_args);
			return;
		}
		c->fn(q, c, w, n);
		return;
	}
	reply(q, "FAIL Unknown command '%s'", w[0]);
}

/* ---- connection ------------------------------------------------------------- */

static void drop_client(struct qtest *q)
{
	chr_conn_free(q->conn);
	q->conn = NULL;
	q->line_len = 0;
}

static void client_input(void *opaque, struct chr_conn *conn,
			 const uint8_t *buf, size_t len)
{
	struct qtest *q = opaque;
	size_t i;

	(void)conn;
	if (len == 0) {
		drop_client(q);
		return;
	}
	for (i = 0; i < len && q->conn; i++) {
		char c = (char)buf[i];

		if (c == '\n') {
			q->line[q->line_len] = '\0';
			q->line_len = 0;
			process_line(q, q->line);
			continue;
		}
		if (q->line_len + 1 >= q->line_cap) {
			size_t cap = q->line_cap ? q->line_cap * 2 : 256;
			char *n;

			if (cap > QTEST_MAX_LINE + 1 ||
			    !(n = realloc(q->line, cap))) {
				/* A line longer than any command: a broken peer. */
				reply(q, "FAIL line too long");
				chr_conn_flush(q->conn, 100);
				drop_client(q);
				return;
			}
			q->line = n;
			q->line_cap = cap;
		}
		q->line[q->line_len++] = c;
	}
}

int qtest_attach_fd(struct qtest *q, int fd)
{
	if (q->conn)
		drop_client(q);
	q->conn = chr_conn_new(q->vm->loop, fd, client_input, q);
	if (!q->conn) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

static void listener_event(void *opaque, int fd, uint32_t events)
{
	struct qtest *q = opaque;
	int cfd = chr_accept(fd);

	(void)events;
	if (cfd < 0)
		return;
	if (q->conn) {		/* one client at a time */
		close(cfd);
		return;
	}
	qtest_attach_fd(q, cfd);
}

int qtest_add_endpoint(struct qtest *q, const char *text, char **err)
{
	struct chr_spec spec;
	int fd, rc = chr_spec_parse(&spec, text, err);

	if (rc < 0)
		return rc;
	if (!spec.server) {
		fd = chr_connect(&spec, err);
		return fd < 0 ? fd : qtest_attach_fd(q, fd);
	}
	if (q->listen_fd >= 0) {
		error_setf(err, "-qtest: only one endpoint");
		return -EBUSY;
	}
	fd = chr_listen(&spec, err);
	if (fd < 0)
		return fd;
	rc = mainloop_add_fd(q->vm->loop, fd, EPOLLIN, listener_event, q);
	if (rc < 0) {
		close(fd);
		error_setf(err, "-qtest: %s", strerror(-rc));
		return rc;
	}
	q->listen_fd = fd;
	if (spec.wait) {
		int cfd = chr_accept(fd);

		if (cfd >= 0)
			qtest_attach_fd(q, cfd);
	}
	return 0;
}

int qtest_create(struct qtest **out, struct vm *vm, char **err)
{
	struct qtest *q = calloc(1, sizeof(*q));

	*out = NULL;
	if (!q) {
		error_setf(err, "qtest: out of memory");
		return -ENOMEM;
	}
	q->vm = vm;
	q->listen_fd = -1;
	*out = q;
	return 0;
}

void qtest_destroy(struct qtest *q)
{
	if (!q)
		return;
	if (q->intercepting)
		portio_set_irq_sink(q->vm->portio, q->old_sink, q->old_opaque,
				    NULL, NULL);
	if (q->conn) {
		chr_conn_flush(q->conn, 1000);
		drop_client(q);
	}
	if (q->listen_fd >= 0) {
		mainloop_del_fd(q->vm->loop, q->listen_fd);
		close(q->listen_fd);	/* the socket file stays, see qmp.c */
	}
	free(q->line);
	free(q);
}
