// SPDX-License-Identifier: MIT
/*
 * qtest protocol, in process: a VM in qtest mode (no vCPU, virtual clock),
 * the qtest server on a socketpair, and a small test device on the
 * port-I/O bus whose timer raises an interrupt line.  Covers every
 * command, big-endian storage access, unassigned ports, deterministic
 * time (clock_step), IRQ interception and bad input.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../ksft.h"
#include "../lib/qmp-client.h"
#include "devices/portio.h"
#include "vmm/mainloop.h"
#include "vmm/qtest.h"
#include "vmm/vm.h"

static struct vm *vm;

static void pump(void *opaque)
{
	(void)opaque;
	mainloop_iterate(vm->loop, 1);
}

/*
 * The test device, ports 0x70-0x71:
 *   out 0x70 N: fire after N microseconds (virtual); IRQ 5 rises then.
 *   in  0x71  : number of times it fired;  out 0x71 any: lower IRQ 5.
 */
struct tdev {
	struct ml_timer *timer;
	unsigned int fired;
	uint64_t fired_at;
};

static void tdev_fire(void *opaque)
{
	struct tdev *d = opaque;

	d->fired++;
	d->fired_at = mainloop_now(vm->loop);
	portio_set_irq(vm->portio, 5, true);
}

static uint32_t tdev_read(void *opaque, uint16_t port, unsigned int size)
{
	struct tdev *d = opaque;

	(void)size;
	return port == 0x71 ? d->fired : 0;
}

static void tdev_write(void *opaque, uint16_t port, unsigned int size, uint32_t val)
{
	struct tdev *d = opaque;

	(void)size;
	if (port == 0x70)
		mainloop_timer_mod(d->timer, mainloop_now(vm->loop) + val * 1000ULL);
	else
		portio_set_irq(vm->portio, 5, false);
}

static const struct portio_ops tdev_ops = { "tdev", tdev_read, tdev_write };

static bool reply_is(struct qtest_client *q, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool reply_is(struct qtest_client *q, const char *want, const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	char *r = qtest_cmd(q, "%s", cmd);
	bool ok = r && !strncmp(r, want, strlen(want));
	if (!ok)
		ksft_print_msg("'%s' -> '%s' (want '%s')\n", cmd, r ? r : "(nothing)", want);
	free(r);
	return ok;
}

int main(void)
{
	struct vm_config cfg = {
		.ram_size = 16 << 20, .ncpus = 1, .backend = &soft_backend_ops,
		.console_in = -1, .console_out = STDERR_FILENO, .qtest = true,
	};
	struct tdev dev = { 0 };
	struct qtest *qt;
	char *err = NULL;
	int sv[2];
	uint64_t v;

	ksft_print_header();
	ksft_set_plan(24);
	if (vm_create(&vm, &cfg, &err) < 0 || qtest_create(&qt, vm, &err) < 0)
		ksft_exit_fail_msg("setup: %s\n", err ? err : "?");
	dev.timer = mainloop_timer_new(vm->loop, tdev_fire, &dev);
	if (portio_register(vm->portio, 0x70, 2, &tdev_ops, &dev, &err) < 0)
		ksft_exit_fail_msg("portio_register: %s\n", err);
	ksft_test_result(portio_register(vm->portio, 0x71, 4, &tdev_ops, &dev, NULL) == -EBUSY,
			 "overlapping port range refused\n");
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	qtest_attach_fd(qt, sv[0]);
	struct qtest_client *q = qtest_client_new(sv[1], pump, NULL);

	/* Storage: big-endian, like the guest sees it. */
	ksft_test_result(reply_is(q, "OK", "writel 0x1000 0x11223344") &&
			 reply_is(q, "OK 0x0000000000001122", "readw 0x1000") &&
			 reply_is(q, "OK 0x0000000000000044", "readb 0x1003"),
			 "writel/readw/readb big-endian\n");
	ksft_test_result(reply_is(q, "OK", "writeq 0x2000 0x0102030405060708") &&
			 reply_is(q, "OK 0x0102030405060708", "readq 0x2000") &&
			 reply_is(q, "OK 0x0000000005060708", "readl 0x2004"),
			 "writeq/readq/readl\n");
	ksft_test_result(reply_is(q, "OK", "writeb 0x2000 0xff") &&
			 reply_is(q, "OK", "writew 0x2002 0xbeef") &&
			 reply_is(q, "OK 0xff02beef", "read 0x2000 4"),
			 "writeb/writew and read SIZE in hex\n");
	ksft_test_result(reply_is(q, "OK", "write 0x3000 4 0xa1b2") &&
			 reply_is(q, "OK 0xa1b20000", "read 0x3000 4"),
			 "write SIZE DATA zero-fills short data\n");
	ksft_test_result(reply_is(q, "OK", "memset 0x3000 3 0x5a") &&
			 reply_is(q, "OK 0x5a5a5a00", "read 0x3000 4"),
			 "memset\n");
	ksft_test_result(qtest_readl(q, 0x1000) == 0x11223344 && (qtest_writel(q, 0x1000, 7), qtest_readl(q, 0x1000) == 7),
			 "client helpers qtest_readl/qtest_writel\n");
	ksft_test_result(reply_is(q, "FAIL", "readl 0x%x", 16 << 20) &&
			 reply_is(q, "FAIL", "read 0xfffffffffffffff0 32") &&
			 reply_is(q, "FAIL", "write 0 2 0x123456") &&
			 reply_is(q, "FAIL", "write 0 2 0xzz") &&
			 reply_is(q, "FAIL", "memset 0 %u 0", QTEST_MAX_RW + 1),
			 "out-of-range and malformed storage accesses: FAIL\n");

	/* Ports. */
	ksft_test_result(qtest_inb(q, 0x3f0) == 0xff &&
			 reply_is(q, "OK 0xffff", "inw 0x3f0") &&
			 reply_is(q, "OK 0xffffffff", "inl 0x3f0") &&
			 reply_is(q, "OK", "outb 0x3f0 1"),
			 "unassigned ports read all ones, writes dropped\n");
	ksft_test_result(reply_is(q, "FAIL", "outb 0x10000 1") &&
			 reply_is(q, "FAIL", "outb 0x70 0x100") &&
			 reply_is(q, "FAIL", "inb -1"),
			 "bad port or value: FAIL\n");
	ksft_test_result(reply_is(q, "OK 0x0000", "inb 0x71"), "device port read\n");

	/* Time: virtual, only clock_step moves it. */
	ksft_test_result(reply_is(q, "OK", "irq_intercept_in /machine/portio") &&
			 reply_is(q, "OK", "irq_intercept_out /machine/portio"),
			 "irq_intercept_in/out\n");
	qtest_outb(q, 0x70, 100);		/* fire after 100 us */
	for (int i = 0; i < 20; i++)
		pump(NULL);
	ksft_test_result(dev.fired == 0 && !qtest_get_irq(q, 5),
			 "timer does not fire without clock_step\n");
	ksft_test_result(qtest_cmd_ok(q, &v, "clock_step 99999") && v == 99999 &&
			 dev.fired == 0 && !qtest_get_irq(q, 5),
			 "clock_step short of the deadline: nothing\n");
	ksft_test_result(qtest_cmd_ok(q, &v, "clock_step 1") && v == 100000 &&
			 dev.fired == 1 && dev.fired_at == 100000 && qtest_get_irq(q, 5),
			 "clock_step to the deadline: fired at exactly 100000 ns, IRQ raise 5\n");
	qtest_outb(q, 0x71, 0);
	ksft_test_result(!qtest_get_irq(q, 5), "IRQ lower 5\n");
	qtest_outb(q, 0x70, 5);
	ksft_test_result(qtest_cmd_ok(q, &v, "clock_step") && v == 105000 &&
			 dev.fired == 2 && qtest_get_irq(q, 5),
			 "clock_step without NS runs to the next deadline\n");
	ksft_test_result(qtest_cmd_ok(q, &v, "clock_step") && v == 105000,
			 "clock_step with no timer pending: time stays\n");
	ksft_test_result(qtest_cmd_ok(q, &v, "clock_set 200000") && v == 200000 &&
			 qtest_cmd_ok(q, &v, "clock_set 100") && v == 200000,
			 "clock_set forward only\n");
	ksft_test_result(reply_is(q, "OK big", "endianness"), "endianness: big\n");

	/* Bad input. */
	ksft_test_result(reply_is(q, "FAIL Unknown command 'frobnicate'", "frobnicate 1 2") &&
			 reply_is(q, "FAIL", "readb") &&
			 reply_is(q, "FAIL", "readb 1 2") &&
			 reply_is(q, "FAIL", "a b c d e f g h i j") &&
			 reply_is(q, "FAIL", "clock_step abc"),
			 "unknown commands, wrong argument counts: FAIL\n");
	ksft_test_result(reply_is(q, "OK 0x0002", "  inb  0x71 \r") &&
			 reply_is(q, "OK 0x0000000000000000", "readb 0\r"),
			 "trailing blanks and CR LF tolerated\n");
	/* A line over the limit: FAIL and the client is dropped. */
	size_t big = QTEST_MAX_LINE + 10;
	char *huge = malloc(big);
	memset(huge, 'x', big);
	line_send(&q->lc, huge, big);
	free(huge);
	char *r = line_recv(&q->lc);
	char *r2 = line_recv(&q->lc);
	ksft_test_result(r && !strcmp(r, "FAIL line too long") && !r2,
			 "over-long line: FAIL, then disconnect\n");
	free(r);
	free(r2);
	qtest_client_free(q);

	/* A new client works after that. */
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	qtest_attach_fd(qt, sv[0]);
	q = qtest_client_new(sv[1], pump, NULL);
	ksft_test_result(qtest_readl(q, 0x1000) == 7, "next client served\n");
	qtest_client_free(q);
	for (int i = 0; i < 5; i++)
		pump(NULL);

	qtest_destroy(qt);
	mainloop_timer_free(dev.timer);
	vm_destroy(vm);
	return ksft_finished();
}
