// SPDX-License-Identifier: MIT
/*
 * Command-line parsing (vmm/options.c) against QEMU's spelling and rules
 * (qemu-options.hx, system/vl.c), and the machine-type table
 * (migrate/machine.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/machine.h"
#include "tests/ksft.h"
#include "vmm/options.h"

#define MiB (1ULL << 20)

struct res {
	struct vmm_options o;
	int ret;
	char *err;
};

/* Parse "minivmm" + the NULL-terminated arguments. */
static struct res parse(const char *first, ...)
{
	char *argv[32] = { (char *)"minivmm" };
	struct res r;
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		if (argc == 31)
			ksft_exit_fail_msg("too many arguments\n");
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	r.err = NULL;
	r.ret = options_parse(&r.o, argc, argv, &r.err);
	if (r.err)
		ksft_print_msg("parser says: %s\n", r.err);
	return r;
}

#define P(...) parse(__VA_ARGS__, (const char *)NULL)

static bool ok(struct res *r)
{
	return r->ret == 0 && !r->err;
}

/* Failed with -EINVAL and a message containing w1 (and w2). */
static bool bad(struct res *r, const char *w1, const char *w2)
{
	return r->ret == -EINVAL && r->err && strstr(r->err, w1) &&
	       (!w2 || strstr(r->err, w2));
}

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

#define CHECK(cond, ...)                      \
	do {                                  \
		ksft_test_result(cond, __VA_ARGS__); \
		free(r.err);                  \
	} while (0)

static void test_defaults(void)
{
	struct res r = P(NULL);

	/* P(NULL) passes NULL first: no arguments at all. */
	CHECK(ok(&r) && !r.o.machine && r.o.ram_size == 128 * MiB &&
	      r.o.smp == 1 && r.o.max_cpus == 1 && r.o.accel == ACCEL_AUTO &&
	      !r.o.kernel && !r.o.initrd && !r.o.append && !r.o.help &&
	      !r.o.version && !r.o.list_machines,
	      "defaults: 128M, 1 CPU, auto accel, default machine\n");
}

static void test_machine_opts(void)
{
	struct res r;

	r = P("-M", "s390-ccw-mini-1");
	CHECK(ok(&r) && streq(r.o.machine, "s390-ccw-mini-1"),
	      "-M s390-ccw-mini-1\n");
	r = P("-machine", "s390-ccw-mini");
	CHECK(ok(&r) && streq(r.o.machine, "s390-ccw-mini"),
	      "-machine alias kept as given\n");
	r = P("-machine", "type=s390-ccw-mini-1");
	CHECK(ok(&r) && streq(r.o.machine, "s390-ccw-mini-1"),
	      "-machine type=NAME\n");
	r = P("-machine", "s390-ccw-mini-1,accel=kvm");
	CHECK(ok(&r) && streq(r.o.machine, "s390-ccw-mini-1") &&
	      r.o.accel == ACCEL_KVM, "-machine NAME,accel=kvm\n");
	r = P("-M", "pc-q35");
	CHECK(bad(&r, "pc-q35", "-M help"),
	      "-M unknown machine names it and points at -M help\n");
	r = P("-M", "help");
	CHECK(ok(&r) && r.o.list_machines, "-M help\n");
	r = P("-machine", "help");
	CHECK(ok(&r) && r.o.list_machines, "-machine help\n");
	r = P("-M", "help", "-bogus");
	CHECK(bad(&r, "-bogus", NULL), "-M help does not hide a bad option\n");
	r = P("-machine", "s390-ccw-mini-1,usb=on");
	CHECK(bad(&r, "usb", "type, accel"), "-machine unknown property\n");
	r = P("-machine", "accel=kvm,s390-ccw-mini-1");
	CHECK(bad(&r, "s390-ccw-mini-1", "first item"),
	      "-machine bare name after a property\n");
	r = P("-M", "");
	CHECK(bad(&r, "empty machine type", NULL), "-M ''\n");
}

static void test_memory(void)
{
	struct res r;

	r = P("-m", "512");
	CHECK(ok(&r) && r.o.ram_size == 512 * MiB, "-m 512 is MiB\n");
	r = P("-m", "512M");
	CHECK(ok(&r) && r.o.ram_size == 512 * MiB, "-m 512M\n");
	r = P("-m", "1G");
	CHECK(ok(&r) && r.o.ram_size == 1024 * MiB, "-m 1G\n");
	r = P("-m", "size=2g");
	CHECK(ok(&r) && r.o.ram_size == 2048 * MiB, "-m size=2g\n");
	r = P("-m", "32768K");
	CHECK(ok(&r) && r.o.ram_size == 32 * MiB, "-m 32768K\n");
	r = P("-m", "8");
	CHECK(bad(&r, "8 MiB", "16 MiB to 1048576 MiB"),
	      "-m below 16 MiB rejected with the bounds\n");
	r = P("-m", "2T");
	CHECK(bad(&r, "2097152 MiB", "1048576 MiB"),
	      "-m above 1 TiB rejected with the bounds\n");
	r = P("-m", "20000K");
	CHECK(bad(&r, "multiple of 1 MiB", NULL), "-m not a whole MiB\n");
	r = P("-m", "lots");
	CHECK(bad(&r, "invalid size 'lots'", NULL), "-m garbage\n");
	r = P("-m", "512X");
	CHECK(bad(&r, "invalid size", NULL), "-m bad suffix\n");
	r = P("-m", "99999999999999999999");
	CHECK(bad(&r, "invalid size", NULL), "-m overflowing number\n");
	r = P("-m", "17592186044416G");	/* 2^44 GiB = 2^74 bytes */
	CHECK(bad(&r, "invalid size", NULL), "-m overflowing with suffix\n");
	r = P("-m", "1G,maxmem=4G");
	CHECK(bad(&r, "maxmem", "no memory hotplug"), "-m maxmem= refused\n");
}

static void test_smp(void)
{
	struct res r;

	r = P("-smp", "4");
	CHECK(ok(&r) && r.o.smp == 4 && r.o.max_cpus == 4, "-smp 4\n");
	r = P("-smp", "cpus=2,maxcpus=8");
	CHECK(ok(&r) && r.o.smp == 2 && r.o.max_cpus == 8,
	      "-smp cpus=2,maxcpus=8\n");
	r = P("-smp", "maxcpus=3");
	CHECK(ok(&r) && r.o.smp == 3 && r.o.max_cpus == 3,
	      "-smp maxcpus=3 implies cpus=3 (QEMU)\n");
	r = P("-smp", "64");
	CHECK(ok(&r) && r.o.smp == 64, "-smp 64 (VM_MAX_CPUS)\n");
	r = P("-smp", "0");
	CHECK(bad(&r, "cpus 0 out of range", "1 to 64"), "-smp 0\n");
	r = P("-smp", "65");
	CHECK(bad(&r, "cpus 65 out of range", NULL), "-smp 65\n");
	r = P("-smp", "4x");
	CHECK(bad(&r, "invalid cpus '4x'", NULL), "-smp trailing junk\n");
	r = P("-smp", "");
	CHECK(bad(&r, "invalid cpus ''", NULL), "-smp empty\n");
	r = P("-smp", "-2");
	CHECK(bad(&r, "invalid cpus", NULL), "-smp negative\n");
	r = P("-smp", "18446744073709551617");
	CHECK(bad(&r, "invalid cpus", NULL), "-smp overflow\n");
	r = P("-smp", "4,maxcpus=2");
	CHECK(bad(&r, "maxcpus (2)", "cpus (4)"), "-smp maxcpus < cpus\n");
	r = P("-smp", "2,sockets=2");
	CHECK(bad(&r, "sockets", "cpus, maxcpus"), "-smp unsupported key\n");
	r = P("-smp", "2,4");
	CHECK(bad(&r, "'4' has no key", NULL), "-smp second bare value\n");
}

static void test_kernel(void)
{
	struct res r;

	r = P("-kernel", "vmlinuz", "-initrd", "rd.img", "-append",
	      "console=ttyS0 root=/dev/vda");
	CHECK(ok(&r) && streq(r.o.kernel, "vmlinuz") &&
	      streq(r.o.initrd, "rd.img") &&
	      streq(r.o.append, "console=ttyS0 root=/dev/vda"),
	      "-kernel -initrd -append\n");
	r = P("-initrd", "rd.img");
	CHECK(bad(&r, "-initrd only allowed with -kernel option", NULL),
	      "-initrd without -kernel (QEMU refuses)\n");
	r = P("-append", "quiet");
	CHECK(bad(&r, "-append only allowed with -kernel option", NULL),
	      "-append without -kernel (QEMU refuses)\n");
}

static void test_accel(void)
{
	struct res r;

	r = P("-accel", "kvm");
	CHECK(ok(&r) && r.o.accel == ACCEL_KVM, "-accel kvm\n");
	r = P("-accel", "tcg");
	CHECK(ok(&r) && r.o.accel == ACCEL_SOFT, "-accel tcg is soft\n");
	r = P("-accel", "soft");
	CHECK(ok(&r) && r.o.accel == ACCEL_SOFT, "-accel soft\n");
	r = P("-enable-kvm");
	CHECK(ok(&r) && r.o.accel == ACCEL_KVM, "-enable-kvm\n");
	r = P("-accel", "kvm", "-accel", "tcg");
	CHECK(ok(&r) && r.o.accel == ACCEL_AUTO,
	      "-accel kvm -accel tcg: kvm with fallback\n");
	r = P("-accel", "tcg", "-accel", "kvm");
	CHECK(ok(&r) && r.o.accel == ACCEL_SOFT,
	      "-accel tcg -accel kvm: soft always works first\n");
	r = P("-machine", "accel=kvm:tcg");
	CHECK(ok(&r) && r.o.accel == ACCEL_AUTO, "-machine accel=kvm:tcg\n");
	r = P("-accel", "xen");
	CHECK(bad(&r, "'xen'", "kvm, tcg or soft"), "-accel unknown\n");
	r = P("-accel", "kvm", "-machine", "accel=tcg");
	CHECK(bad(&r, "incompatible", NULL),
	      "-accel with -machine accel= refused (QEMU)\n");
}

static void test_misc(void)
{
	struct res r;

	r = P("-nographic", "-display", "none");
	CHECK(ok(&r), "-nographic -display none accepted\n");
	r = P("-display", "gtk");
	CHECK(bad(&r, "'gtk'", "none"), "-display gtk refused\n");
	r = P("--help");
	CHECK(ok(&r) && r.o.help, "--help\n");
	r = P("-h", "-no-such-option");
	CHECK(ok(&r) && r.o.help, "-h stops parsing like QEMU\n");
	r = P("-version");
	CHECK(ok(&r) && r.o.version && !r.o.help, "-version\n");
	r = P("--version");
	CHECK(ok(&r) && r.o.version, "--version\n");
	r = P("--m", "256", "--smp", "2", "--kernel", "k", "--enable-kvm");
	CHECK(ok(&r) && r.o.ram_size == 256 * MiB && r.o.smp == 2 &&
	      streq(r.o.kernel, "k") && r.o.accel == ACCEL_KVM,
	      "--opt spellings\n");
	r = P("-frobnicate");
	CHECK(bad(&r, "-frobnicate: invalid option", NULL), "unknown option\n");
	r = P("-kernel", "k", "-m");
	CHECK(bad(&r, "-m: requires an argument", NULL), "missing argument\n");
	r = P("disk.qcow2");
	CHECK(bad(&r, "disk.qcow2", "unexpected argument"),
	      "stray argument\n");
	r = P("-m", "256", "-m", "512", "-kernel", "a", "-kernel", "b", "-M",
	      "s390-ccw-mini", "-M", "s390-ccw-mini-1", "-smp", "2", "-smp", "3");
	CHECK(ok(&r) && r.o.ram_size == 512 * MiB && streq(r.o.kernel, "b") &&
	      streq(r.o.machine, "s390-ccw-mini-1") && r.o.smp == 3,
	      "repeated options: last one wins\n");
	{
		char *argv[] = { (char *)"minivmm", (char *)"-m",
				 (char *)"1", NULL };
		int ret = options_parse(&r.o, 3, argv, NULL);

		r.err = NULL;
		CHECK(ret == -EINVAL, "error without an err pointer\n");
	}
}

static char *capture(void (*fn)(FILE *f, const char *a), const char *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		ksft_exit_fail_msg("open_memstream\n");
	fn(f, a);
	fclose(f);
	return buf;
}

static void list_machines(FILE *f, const char *a)
{
	(void)a;
	machine_list(f);
}

static void test_machine_table(void)
{
	const struct machine_type *m1 = machine_find("s390-ccw-mini-1");
	const struct machine_type *def = machine_default();
	char *out, *usage;
	struct res r = { .err = NULL };

	CHECK(m1 && m1->version == 1 && streq(m1->name, "s390-ccw-mini-1") &&
	      streq(m1->desc, "minivmm s390x channel-I/O machine, version 1"),
	      "machine_find s390-ccw-mini-1\n");
	CHECK(def && machine_find("s390-ccw-mini") == def &&
	      def->version >= m1->version,
	      "alias and default resolve to the newest type\n");
	CHECK(!machine_find("s390-ccw-mini-0") && !machine_find("") &&
	      !machine_find("s390-ccw-mini-1x") && !machine_find(NULL),
	      "unknown machine names are NULL\n");

	out = capture(list_machines, NULL);
	for (char *line = out, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		ksft_print_msg("-M help: %.*s\n", (int)(nl - line), line);
	}
	/* The alias line and the default mark follow the newest type; -1
	 * stays listed without a mark. */
	char alias_line[160], def_line[160];
	snprintf(alias_line, sizeof(alias_line), "\n%-20s %s (alias of %s)\n",
		 "s390-ccw-mini", def->desc, def->name);
	snprintf(def_line, sizeof(def_line), "\n%-20s %s (default)\n",
		 def->name, def->desc);
	CHECK(!strncmp(out, "Supported machines are:\n", 24) &&
	      strstr(out, alias_line) && strstr(out, def_line) &&
	      (def == m1 || strstr(out, "\ns390-ccw-mini-1      minivmm s390x "
				   "channel-I/O machine, version 1\n")),
	      "machine_list in QEMU's layout\n");
	free(out);

	usage = capture(options_usage, "minivmm");
	CHECK(strstr(usage, "usage: minivmm") && strstr(usage, "-kernel file") &&
	      strstr(usage, "-smp [cpus=]n") && strstr(usage, "-accel") &&
	      strstr(usage, "-machine") && strstr(usage, "-append"),
	      "usage lists the options\n");
	free(usage);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(1 + 11 + 13 + 13 + 3 + 9 + 12 + 5);

	test_defaults();
	test_machine_opts();
	test_memory();
	test_smp();
	test_kernel();
	test_accel();
	test_misc();
	test_machine_table();

	return ksft_finished();
}
