// SPDX-License-Identifier: MIT
/*
 * QEMU-compatible command-line parsing.
 *
 * Every option is one row of opt_table[]: name, whether it takes the next
 * argv element as argument, a handler and a line of help.  Adding an option
 * is a handler and a row.  As in QEMU (system/vl.c lookup_opt()), "--name"
 * is the same as "-name", and the argument is always a separate word.
 *
 * Option arguments with sub-options use QEMU's "key=value,key=value" form,
 * where the first item may omit its key (-m 1G == -m size=1G,
 * -smp 4 == -smp cpus=4, -machine X == -machine type=X).
 *
 * Repeating an option overrides the earlier value ("last one wins"), except
 * for -accel, which QEMU treats as an ordered list of accelerators to try
 * (see handle_accel_name()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/machine.h"
#include "migrate/transport.h"
#include "vmm/options.h"
#include "vmm/vm.h"

struct opt_parser {
	struct vmm_options *o;
	char **err;
	/* QEMU refuses "-accel"/"-enable-kvm" together with "-machine accel=". */
	bool accel_opt_seen, machine_accel_seen;
	/* -accel list: the first choice, and whether soft follows a kvm. */
	bool accel_set, soft_fallback;
	enum accel_kind accel_first;
};

struct opt_def {
	const char *name;	/* without the leading '-' */
	bool has_arg;
	int (*handler)(struct opt_parser *p, const char *arg);
	const char *argdesc;	/* for --help */
	const char *help;
};

static int fail(struct opt_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct opt_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		va_start(ap, fmt);
		if (vasprintf(p->err, fmt, ap) < 0)
			*p->err = NULL;
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- key=value lists ---------------------------------------------------- */

struct kv {
	const char *key, *val;	/* key NULL: bare value (implied key) */
	size_t klen, vlen;
};

/* Split the next comma-separated item off *s; false at the end. */
static bool kv_next(const char **s, struct kv *kv)
{
	const char *item = *s, *end, *eq;

	if (!item)
		return false;
	end = strchr(item, ',');
	*s = end ? end + 1 : NULL;
	if (!end)
		end = item + strlen(item);
	eq = memchr(item, '=', (size_t)(end - item));
	if (eq) {
		kv->key = item;
		kv->klen = (size_t)(eq - item);
		kv->val = eq + 1;
		kv->vlen = (size_t)(end - eq - 1);
	} else {
		kv->key = NULL;
		kv->klen = 0;
		kv->val = item;
		kv->vlen = (size_t)(end - item);
	}
	return true;
}

static bool kv_is(const struct kv *kv, const char *key)
{
	return kv->key && kv->klen == strlen(key) &&
	       !memcmp(kv->key, key, kv->klen);
}

static bool val_is(const struct kv *kv, const char *s)
{
	return kv->vlen == strlen(s) && !memcmp(kv->val, s, kv->vlen);
}

/* The key of an item, for messages ("" for a bare value). */
#define KV_KEY(kv)	(int)(kv)->klen, (kv)->key ? (kv)->key : ""
#define KV_VAL(kv)	(int)(kv)->vlen, (kv)->val

/*
 * An item that repeats the implied key must have been the first one
 * ("-smp 2,4" is nonsense); first says whether it is.
 */
static int kv_implied(struct opt_parser *p, const char *opt,
		      const struct kv *kv, bool first, const char *key)
{
	if (!first)
		return fail(p, "%s: '%.*s' has no key (only the first item may "
			    "omit '%s=')", opt, KV_VAL(kv), key);
	return 0;
}

/* ---- numbers ------------------------------------------------------------- */

/* Unsigned decimal, the whole string, no sign, no overflow. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/*
 * A size as QEMU writes it (util/cutils.c qemu_strtosz): a number with an
 * optional suffix B, K, M, G or T (either case, powers of 1024); without a
 * suffix -m counts MiB.
 */
static bool parse_size(const char *s, size_t len, uint64_t *out)
{
	static const char suffixes[] = "BKMGT";
	unsigned int shift = 20;
	uint64_t v;

	if (len > 1) {
		const char *suf = strchr(suffixes, s[len - 1] & ~0x20);

		if (s[len - 1] != '\0' && suf && *suf) {
			shift = 10 * (unsigned int)(suf - suffixes);
			len--;
		}
	}
	if (!parse_u64(s, len, &v))
		return false;
	if (v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

/* ---- handlers ------------------------------------------------------------ */

static int handle_machine_name(struct opt_parser *p, const struct kv *kv)
{
	const struct machine_type *m;

	if (val_is(kv, "help") || val_is(kv, "?")) {
		p->o->list_machines = true;
		return 0;
	}
	if (kv->vlen == 0)
		return fail(p, "-machine: empty machine type (use -M help to "
			    "list supported machines)");
	/* kv->val is not terminated when other items follow: compare a copy. */
	{
		char name[64];

		if (kv->vlen >= sizeof(name))
			return fail(p, "-machine: unsupported machine type "
				    "'%.*s' (use -M help to list supported "
				    "machines)", KV_VAL(kv));
		memcpy(name, kv->val, kv->vlen);
		name[kv->vlen] = '\0';
		m = machine_find(name);
		if (!m)
			return fail(p, "-machine: unsupported machine type "
				    "'%s' (use -M help to list supported "
				    "machines)", name);
		/* Keep the spelling given; both are static strings. */
		p->o->machine = strcmp(name, MACHINE_ALIAS) ? m->name
							    : MACHINE_ALIAS;
	}
	return 0;
}

/*
 * One accelerator name.  QEMU tries "-accel A -accel B" (and
 * "-machine accel=A:B") in order and uses the first that initializes.  The
 * software CPU always does, so the list boils down to its first entry,
 * except that kvm followed by soft means "kvm if usable, else soft", which
 * is ACCEL_AUTO.
 */
static int handle_accel_name(struct opt_parser *p, const char *opt,
			     const char *name, size_t len)
{
	enum accel_kind k;

	if (len == 3 && !memcmp(name, "kvm", 3))
		k = ACCEL_KVM;
	else if ((len == 3 && !memcmp(name, "tcg", 3)) ||
		 (len == 4 && !memcmp(name, "soft", 4)))
		k = ACCEL_SOFT;
	else if (len == 5 && !memcmp(name, "qtest", 5))
		k = ACCEL_QTEST;
	else
		return fail(p, "%s: invalid accelerator '%.*s' (kvm, tcg or "
			    "soft; qtest for device tests)", opt, (int)len, name);

	if (!p->accel_set) {
		p->accel_set = true;
		p->accel_first = k;
	} else if (p->accel_first == ACCEL_KVM && k == ACCEL_SOFT) {
		p->soft_fallback = true;
	}
	p->o->accel = p->accel_first == ACCEL_KVM && p->soft_fallback ?
		      ACCEL_AUTO : p->accel_first;
	return 0;
}

/* -machine [type=]name[,accel=a[:b...]] */
static int opt_machine(struct opt_parser *p, const char *arg)
{
	struct kv kv;
	bool first = true;
	int ret;

	while (kv_next(&arg, &kv)) {
		if (!kv.key || kv_is(&kv, "type")) {
			if (!kv.key &&
			    (ret = kv_implied(p, "-machine", &kv, first, "type")))
				return ret;
			ret = handle_machine_name(p, &kv);
		} else if (kv_is(&kv, "accel")) {
			const char *a = kv.val, *end = kv.val + kv.vlen;

			if (p->accel_opt_seen)
				return fail(p, "The -accel and \"-machine accel=\" "
					    "options are incompatible");
			p->machine_accel_seen = true;
			/* A new accel= replaces the earlier list. */
			p->accel_set = p->soft_fallback = false;
			ret = 0;
			while (!ret) {
				const char *colon = memchr(a, ':',
							   (size_t)(end - a));
				const char *e = colon ? colon : end;

				ret = handle_accel_name(p, "-machine accel", a,
							(size_t)(e - a));
				if (!colon)
					break;
				a = colon + 1;
			}
		} else {
			ret = fail(p, "-machine: unsupported property '%.*s' "
				   "(supported: type, accel)", KV_KEY(&kv));
		}
		if (ret)
			return ret;
		first = false;
	}
	return 0;
}

/* -m [size=]megs[M|G|...]; no memory hotplug, so no slots=/maxmem=. */
static int opt_memory(struct opt_parser *p, const char *arg)
{
	struct kv kv;
	bool first = true;
	uint64_t size;
	int ret;

	while (kv_next(&arg, &kv)) {
		if (!kv.key || kv_is(&kv, "size")) {
			if (!kv.key &&
			    (ret = kv_implied(p, "-m", &kv, first, "size")))
				return ret;
			if (!parse_size(kv.val, kv.vlen, &size))
				return fail(p, "-m: invalid size '%.*s' (a number "
					    "of MiB, or with a suffix K, M, G "
					    "or T)", KV_VAL(&kv));
			/*
			 * Storage is reported to the guest by SCLP in 1 MiB
			 * increments; QEMU silently rounds, we refuse.
			 */
			if (size % OPT_RAM_ALIGN)
				return fail(p, "-m: RAM size %llu bytes is not a "
					    "multiple of 1 MiB",
					    (unsigned long long)size);
			if (size < OPT_RAM_MIN || size > OPT_RAM_MAX)
				return fail(p, "-m: RAM size %llu MiB out of range "
					    "(%llu MiB to %llu MiB)",
					    (unsigned long long)(size >> 20),
					    OPT_RAM_MIN >> 20, OPT_RAM_MAX >> 20);
			p->o->ram_size = size;
		} else {
			return fail(p, "-m: unsupported property '%.*s' "
				    "(supported: size; no memory hotplug)",
				    KV_KEY(&kv));
		}
		first = false;
	}
	return 0;
}

static int smp_number(struct opt_parser *p, const struct kv *kv,
		      const char *what, unsigned int *out)
{
	uint64_t v;

	if (!parse_u64(kv->val, kv->vlen, &v))
		return fail(p, "-smp: invalid %s '%.*s' (a decimal number)",
			    what, KV_VAL(kv));
	if (v < 1 || v > VM_MAX_CPUS)
		return fail(p, "-smp: %s %llu out of range (1 to %u)", what,
			    (unsigned long long)v, VM_MAX_CPUS);
	*out = (unsigned int)v;
	return 0;
}

/* -smp [cpus=]n[,maxcpus=m] */
static int opt_smp(struct opt_parser *p, const char *arg)
{
	unsigned int cpus = 0, maxcpus = 0;
	struct kv kv;
	bool first = true;
	int ret;

	while (kv_next(&arg, &kv)) {
		if (!kv.key || kv_is(&kv, "cpus")) {
			if (!kv.key &&
			    (ret = kv_implied(p, "-smp", &kv, first, "cpus")))
				return ret;
			ret = smp_number(p, &kv, "cpus", &cpus);
		} else if (kv_is(&kv, "maxcpus")) {
			ret = smp_number(p, &kv, "maxcpus", &maxcpus);
		} else {
			ret = fail(p, "-smp: unsupported property '%.*s' "
				   "(supported: cpus, maxcpus)", KV_KEY(&kv));
		}
		if (ret)
			return ret;
		first = false;
	}
	/* QEMU: cpus defaults to maxcpus, maxcpus to cpus. */
	if (!cpus && !maxcpus)
		return fail(p, "-smp: no CPU count given");
	if (!cpus)
		cpus = maxcpus;
	if (!maxcpus)
		maxcpus = cpus;
	if (maxcpus < cpus)
		return fail(p, "-smp: maxcpus (%u) must be equal to or greater "
			    "than cpus (%u)", maxcpus, cpus);
	p->o->smp = cpus;
	p->o->max_cpus = maxcpus;
	return 0;
}

/* -accel name (QEMU also takes ",prop=value"; none supported yet). */
static int opt_accel(struct opt_parser *p, const char *arg)
{
	const char *comma = strchr(arg, ',');

	if (p->machine_accel_seen)
		return fail(p, "The -accel and \"-machine accel=\" options are "
			    "incompatible");
	if (comma)
		return fail(p, "-accel: unsupported property '%s'", comma + 1);
	p->accel_opt_seen = true;
	return handle_accel_name(p, "-accel", arg, strlen(arg));
}

static int opt_enable_kvm(struct opt_parser *p, const char *arg)
{
	(void)arg;
	return opt_accel(p, "kvm");
}

static int opt_kernel(struct opt_parser *p, const char *arg)
{
	p->o->kernel = arg;
	return 0;
}

static int opt_initrd(struct opt_parser *p, const char *arg)
{
	p->o->initrd = arg;
	return 0;
}

static int opt_append(struct opt_parser *p, const char *arg)
{
	p->o->append = arg;
	return 0;
}

/* The console is always the SCLP line-mode console on stdio. */
static int opt_nographic(struct opt_parser *p, const char *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

static int opt_display(struct opt_parser *p, const char *arg)
{
	if (strcmp(arg, "none"))
		return fail(p, "-display: display '%s' is not supported (only "
			    "'none')", arg);
	return 0;
}

/* -qmp unix:PATH[,server=on][,wait=off] | tcp:HOST:PORT[,...] (repeatable) */
static int opt_qmp(struct opt_parser *p, const char *arg)
{
	if (p->o->nqmp == OPT_MAX_QMP)
		return fail(p, "-qmp: at most %d monitors", OPT_MAX_QMP);
	p->o->qmp[p->o->nqmp++] = arg;
	return 0;
}

/* -qtest ENDPOINT: QEMU's device-test protocol; implies -accel qtest. */
static int opt_qtest(struct opt_parser *p, const char *arg)
{
	p->o->qtest = arg;
	return 0;
}

static int opt_start_paused(struct opt_parser *p, const char *arg)
{
	(void)arg;
	p->o->start_paused = true;
	return 0;
}

/* -incoming file:PATH|fd:N|tcp:HOST:PORT|defer: restore a saved VM, or
 * receive a live one, instead of booting -kernel (defer: the URI comes
 * later, QMP migrate-incoming). */
static int opt_incoming(struct opt_parser *p, const char *arg)
{
	if (!strncmp(arg, "tcp:", 4)) {
		struct mig_tcp_addr a;
		char *why = NULL;

		if (mig_tcp_parse(arg, true, &a, &why) < 0) {
			int rc = fail(p, "-incoming: %s", why ? why : arg);

			free(why);
			return rc;
		}
		p->o->incoming = arg;
		return 0;
	}
	if (strcmp(arg, "defer") && (strncmp(arg, "file:", 5) || !arg[5]) &&
	    (strncmp(arg, "fd:", 3) || !arg[3]))
		return fail(p, "-incoming: unknown migration protocol: %s "
			    "(minivmm supports file:PATH, fd:N, tcp:HOST:PORT "
			    "and defer)", arg);
	p->o->incoming = arg;
	return 0;
}

static int opt_dump_vmstate(struct opt_parser *p, const char *arg)
{
	p->o->dump_vmstate = arg;
	return 0;
}

static int opt_no_reboot(struct opt_parser *p, const char *arg)
{
	(void)arg;
	p->o->no_reboot = true;
	return 0;
}

static int opt_help(struct opt_parser *p, const char *arg)
{
	(void)arg;
	p->o->help = true;
	return 0;
}

static int opt_version(struct opt_parser *p, const char *arg)
{
	(void)arg;
	p->o->version = true;
	return 0;
}

/* -drive, -device, -chardev: kept as given for devices/setup.c. */
static int devopt_add(struct opt_parser *p, const char *opt, const char **list,
		      unsigned int *n, const char *arg)
{
	if (*n == OPT_MAX_DEVOPTS)
		return fail(p, "%s: at most %d of them", opt, OPT_MAX_DEVOPTS);
	list[(*n)++] = arg;
	return 0;
}

static int opt_drive(struct opt_parser *p, const char *arg)
{
	return devopt_add(p, "-drive", p->o->drives, &p->o->ndrives, arg);
}

static int opt_device(struct opt_parser *p, const char *arg)
{
	return devopt_add(p, "-device", p->o->devices, &p->o->ndevices, arg);
}

static int opt_chardev(struct opt_parser *p, const char *arg)
{
	return devopt_add(p, "-chardev", p->o->chardevs, &p->o->nchardevs, arg);
}

static int opt_netdev(struct opt_parser *p, const char *arg)
{
	return devopt_add(p, "-netdev", p->o->netdevs, &p->o->nnetdevs, arg);
}

static int opt_nic(struct opt_parser *p, const char *arg)
{
	return devopt_add(p, "-nic", p->o->nics, &p->o->nnics, arg);
}

/* -sandbox on|off|debug (QEMU's -sandbox takes on|off and sub-options). */
static int opt_sandbox(struct opt_parser *p, const char *arg)
{
	if (!strcmp(arg, "on"))
		p->o->sandbox = SANDBOX_ON;
	else if (!strcmp(arg, "off"))
		p->o->sandbox = SANDBOX_OFF;
	else if (!strcmp(arg, "debug"))
		p->o->sandbox = SANDBOX_DEBUG;
	else
		return fail(p, "-sandbox: '%s' is not on, off or debug", arg);
	p->o->sandbox_given = true;
	return 0;
}

static int opt_runas(struct opt_parser *p, const char *arg)
{
	if (!*arg)
		return fail(p, "-runas: empty user name");
	p->o->runas = arg;
	return 0;
}

static int opt_chroot(struct opt_parser *p, const char *arg)
{
	if (!*arg)
		return fail(p, "-chroot: empty directory");
	p->o->chroot_dir = arg;
	return 0;
}

static int opt_print_seccomp(struct opt_parser *p, const char *arg)
{
	(void)arg;
	p->o->print_seccomp = true;
	return 0;
}

static const struct opt_def opt_table[] = {
	{ "h", false, opt_help, NULL, "print this help and exit" },
	{ "help", false, opt_help, NULL, "print this help and exit" },
	{ "version", false, opt_version, NULL, "print the version and exit" },
	{ "machine", true, opt_machine, "[type=]name[,accel=a[:b]]",
	  "select the machine type ('help' lists them)" },
	{ "M", true, opt_machine, "name", "same as -machine" },
	{ "m", true, opt_memory, "[size=]megs[M|G]",
	  "guest RAM (default 128M; 16M to 1T, whole MiB)" },
	{ "smp", true, opt_smp, "[cpus=]n[,maxcpus=m]",
	  "number of CPUs (1 to 64, default 1)" },
	{ "accel", true, opt_accel, "kvm|tcg|soft|qtest",
	  "accelerator; repeat to give fallbacks (default: kvm, else soft)" },
	{ "enable-kvm", false, opt_enable_kvm, NULL, "same as -accel kvm" },
	{ "kernel", true, opt_kernel, "file",
	  "boot a Linux s390 image or an s390 ELF64 file directly" },
	{ "initrd", true, opt_initrd, "file", "initial ramdisk for -kernel" },
	{ "append", true, opt_append, "cmdline",
	  "kernel command line for -kernel" },
	{ "nographic", false, opt_nographic, NULL,
	  "console on stdio (always the case)" },
	{ "display", true, opt_display, "none", "only 'none' is accepted" },
	{ "sandbox", true, opt_sandbox, "on|off|debug",
	  "seccomp allowlist per thread (default on; debug names violations)" },
	{ "runas", true, opt_runas, "user",
	  "switch to this user after setup" },
	{ "chroot", true, opt_chroot, "dir",
	  "chroot to dir after setup (in a new mount namespace if permitted)" },
	{ "print-seccomp", false, opt_print_seccomp, NULL,
	  "print each thread's seccomp allowlist and exit" },
	{ "drive", true, opt_drive,
	  "file=F,format=raw,if=none,id=ID[,readonly=on][,cache=C]",
	  "a raw disk image for -device virtio-blk-ccw,drive=ID" },
	{ "device", true, opt_device, "DRIVER[,prop=value...]",
	  "virtio-blk-ccw, virtio-rng-ccw, virtio-serial-ccw, virtconsole, "
	  "virtio-net-ccw" },
	{ "chardev", true, opt_chardev, "stdio|socket,id=ID[,path=P,server=on]",
	  "a character device for -device virtconsole,chardev=ID" },
	{ "netdev", true, opt_netdev,
	  "stream|dgram|user|tap,id=ID[,...]",
	  "a network backend for -device virtio-net-ccw,netdev=ID" },
	{ "nic", true, opt_nic, "user|stream|dgram|tap[,mac=M][,...]",
	  "a virtio-net-ccw with its own backend (-nic none: no network)" },
	{ "qmp", true, opt_qmp, "unix:PATH[,server=on,wait=off]|tcp:H:P",
	  "QMP monitor (repeatable)" },
	{ "qtest", true, opt_qtest, "unix:PATH[,server=on,wait=off]",
	  "qtest device-test socket (implies -accel qtest)" },
	{ "S", false, opt_start_paused, NULL,
	  "do not start the CPUs (QMP 'cont' starts them)" },
	{ "incoming", true, opt_incoming, "file:PATH|fd:N|tcp:HOST:PORT|defer",
	  "restore the VM saved there (QMP migrate) instead of booting" },
	{ "dump-vmstate", true, opt_dump_vmstate, "file",
	  "write the migration schema of the -M machine type as JSON, exit" },
	{ "no-reboot", false, opt_no_reboot, NULL,
	  "exit instead of rebooting when the guest re-IPLs (DIAG 0x308)" },
};

static const struct opt_def *opt_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++)
		if (!strcmp(opt_table[i].name, name))
			return &opt_table[i];
	return NULL;
}

static void options_defaults(struct vmm_options *o)
{
	memset(o, 0, sizeof(*o));
	o->ram_size = OPT_RAM_DEFAULT;
	o->smp = 1;
	o->max_cpus = 1;
	o->accel = ACCEL_AUTO;
	o->sandbox = SANDBOX_ON;
}

int options_parse(struct vmm_options *o, int argc, char **argv, char **err)
{
	struct opt_parser p = { .o = o, .err = err };

	options_defaults(o);
	for (int i = 1; i < argc; i++) {
		const char *word = argv[i], *name;
		const struct opt_def *d;
		const char *arg = NULL;
		int ret;

		if (word[0] != '-' || word[1] == '\0')
			return fail(&p, "%s: unexpected argument (options start "
				    "with '-'; see --help)", word);
		name = word + 1;
		if (name[0] == '-')
			name++;
		d = opt_lookup(name);
		if (!d)
			return fail(&p, "%s: invalid option (see --help)", word);
		if (d->has_arg) {
			if (i + 1 >= argc)
				return fail(&p, "%s: requires an argument", word);
			arg = argv[++i];
		}
		ret = d->handler(&p, arg);
		if (ret)
			return ret;
		/* QEMU prints help/version as soon as it meets the option. */
		if (o->help || o->version)
			return 0;
	}
	if (o->list_machines || o->print_seccomp)
		return 0;

	if (o->qtest)
		o->accel = ACCEL_QTEST;

	/* QEMU system/vl.c: these make no sense without a kernel. */
	if (!o->kernel && o->initrd)
		return fail(&p, "-initrd only allowed with -kernel option");
	if (!o->kernel && o->append)
		return fail(&p, "-append only allowed with -kernel option");
	return 0;
}

void options_usage(FILE *f, const char *argv0)
{
	fprintf(f, "usage: %s [options]\n\n"
		"Options may be spelled -name or --name.\n\n", argv0);
	for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
		const struct opt_def *d = &opt_table[i];
		char left[64];

		snprintf(left, sizeof(left), "-%s%s%s", d->name,
			 d->argdesc ? " " : "", d->argdesc ? d->argdesc : "");
		fprintf(f, "  %-36s %s\n", left, d->help);
	}
}
