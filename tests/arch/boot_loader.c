// SPDX-License-Identifier: MIT
/*
 * Direct kernel boot (arch/s390x/boot.c): ELF64 and raw Linux s390 images
 * built here byte by byte, loaded into a 64 MiB software-CPU VM, and the
 * guest storage checked against the Linux s390 boot protocol (parameter
 * area at 0x10400, arch/s390/include/asm/setup.h) and QEMU's -kernel rules.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/s390x/boot.h"
#include "arch/s390x/s390.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define RAM		(64ULL << 20)
#define FILL		0xAA	/* RAM pattern before loading ... */
#define FILL_LEN	(16ULL << 20)	/* ... in the part the checks look at */

static char tmpdir[] = "/tmp/minivmm-boot-XXXXXX";
static int devnull = -1;

/* ---- files and VMs ------------------------------------------------------ */

static const char *tpath(const char *name)
{
	static char buf[8][256];
	static unsigned int n;
	char *p = buf[n++ % 8];

	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static const char *write_file(const char *name, const void *data, size_t len)
{
	const char *path = tpath(name);
	FILE *f = fopen(path, "wb");

	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f))
		ksft_exit_fail_msg("cannot write %s\n", path);
	return path;
}

/* A file of the given size that is all zeros except `data` at `off`. */
static const char *sparse_file(const char *name, uint64_t size,
			       const void *data, size_t len, uint64_t off)
{
	const char *path = tpath(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)size) ||
	    (len && pwrite(fd, data, len, (off_t)off) != (ssize_t)len))
		ksft_exit_fail_msg("cannot write %s\n", path);
	close(fd);
	return path;
}

static uint8_t *at(struct vm *vm, uint64_t addr, uint64_t len)
{
	uint8_t *p = vm_absolute(vm, addr, len);

	if (!p)
		ksft_exit_fail_msg("vm_absolute(0x%llx) failed\n",
				   (unsigned long long)addr);
	return p;
}

static struct vm *new_vm(void)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini-1",
		.ram_size = RAM,
		.ncpus = 1,
		.backend = &soft_backend_ops,
		.console_in = -1,
		.console_out = devnull,
	};
	struct vm *vm = NULL;
	char *err = NULL;

	if (vm_create(&vm, &cfg, &err))
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	memset(at(vm, 0, FILL_LEN), FILL, FILL_LEN);
	return vm;
}

static bool all_bytes(const uint8_t *p, uint64_t len, uint8_t v)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void pattern(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + 1);
}

/* ---- image builders ----------------------------------------------------- */

struct tseg {
	uint32_t type;
	uint64_t paddr, filesz, memsz;
	const uint8_t *data;	/* filesz bytes; NULL: pattern */
};

#define ELF_MAX		(1u << 20)
#define ELF_DATA_OFF	0x1000

/* ELF64 big-endian EM_S390 ET_EXEC, headers written field by field. */
static size_t mk_elf(uint8_t *buf, uint64_t entry, const struct tseg *s,
		     unsigned int n)
{
	uint64_t off = ELF_DATA_OFF;

	memset(buf, 0, ELF_MAX);
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = ELFCLASS64;
	buf[EI_DATA] = ELFDATA2MSB;
	buf[EI_VERSION] = EV_CURRENT;
	be16_st(buf + 16, ET_EXEC);		/* e_type */
	be16_st(buf + 18, EM_S390);		/* e_machine */
	be32_st(buf + 20, EV_CURRENT);		/* e_version */
	be64_st(buf + 24, entry);		/* e_entry */
	be64_st(buf + 32, 64);			/* e_phoff */
	be64_st(buf + 40, 0);			/* e_shoff */
	be16_st(buf + 52, 64);			/* e_ehsize */
	be16_st(buf + 54, 56);			/* e_phentsize */
	be16_st(buf + 56, (uint16_t)n);		/* e_phnum */
	be16_st(buf + 58, 64);			/* e_shentsize */
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *ph = buf + 64 + 56 * i;

		be32_st(ph + 0, s[i].type);
		be32_st(ph + 4, PF_R | PF_W | PF_X);
		be64_st(ph + 8, off);			/* p_offset */
		be64_st(ph + 16, s[i].paddr);		/* p_vaddr */
		be64_st(ph + 24, s[i].paddr);		/* p_paddr */
		be64_st(ph + 32, s[i].filesz);
		be64_st(ph + 40, s[i].memsz);
		be64_st(ph + 48, 0x1000);		/* p_align */
		if (off + s[i].filesz > ELF_MAX)
			ksft_exit_fail_msg("test ELF too big\n");
		if (s[i].data)
			memcpy(buf + off, s[i].data, s[i].filesz);
		else
			pattern(buf + off, s[i].filesz, i);
		off = (off + s[i].filesz + 15) & ~15ULL;
	}
	return off;
}

#define RAW_SIZE	0x20000

/* A raw Linux image: pattern, a zeroed parameter area, the signature. */
static void mk_raw(uint8_t *buf, size_t size, bool magic, uint64_t max_cmdline)
{
	pattern(buf, size, 5);
	memset(buf + (LINUX_PARM_AREA), 0, 0x1000);
	be64_st(buf + LINUX_PARM_MAX_CMDLINE, max_cmdline);
	if (magic)
		memcpy(buf + LINUX_EP_OFFSET, "S390EP\0\1", 8);
}

/* ---- running the loader ------------------------------------------------- */

struct run {
	struct vm *vm;
	struct boot_info bi;
	char *err;
	int ret;
};

static void load(struct run *r, const char *kernel, const char *initrd,
		 const char *cmdline)
{
	struct boot_config cfg = {
		.kernel = kernel, .initrd = initrd, .cmdline = cmdline,
	};

	r->vm = new_vm();
	r->err = NULL;
	r->ret = s390_boot_load(r->vm, &cfg, &r->bi, &r->err);
	if (r->err)
		ksft_print_msg("loader says: %s\n", r->err);
}

static void done(struct run *r)
{
	free(r->err);
	vm_destroy(r->vm);
}

/* Expect failure with ret and a message containing every given word. */
static void expect_fail(const char *name, const char *kernel,
			const char *initrd, const char *cmdline, int ret,
			const char *w1, const char *w2)
{
	struct run r;

	load(&r, kernel, initrd, cmdline);
	ksft_test_result(r.ret == ret && r.err && strstr(r.err, w1) &&
			 (!w2 || strstr(r.err, w2)),
			 "%s: rejected (%d, want %d)\n", name, r.ret, ret);
	done(&r);
}

static uint8_t elfbuf[ELF_MAX];
static uint8_t rawbuf[RAW_SIZE];

/* ---- ELF kernels -------------------------------------------------------- */

static void test_elf_basic(void)
{
	struct tseg segs[] = {
		{ PT_LOAD, 0x20000, 0x3000, 0x3000, NULL },
		{ PT_NOTE, 0, 0x10, 0x10, NULL },	/* ignored */
		{ PT_LOAD, 0x40000, 0x800, 0x2000, NULL },	/* + bss */
	};
	size_t len = mk_elf(elfbuf, 0x20010, segs, 3);
	const char *path = write_file("basic.elf", elfbuf, len);
	uint8_t expect[0x3000];
	struct run r;

	load(&r, path, NULL, NULL);
	ksft_test_result(r.ret == 0 && r.bi.elf && !r.bi.linux_boot,
			 "elf: loads (ret %d)\n", r.ret);
	ksft_test_result(r.bi.psw_addr == 0x20010 &&
			 r.bi.psw_mask == 0x0000000180000000ULL,
			 "elf: entry PSW %016llx %016llx\n",
			 (unsigned long long)r.bi.psw_mask,
			 (unsigned long long)r.bi.psw_addr);
	pattern(expect, 0x3000, 0);
	ksft_test_result(!memcmp(at(r.vm, 0x20000, 0x3000), expect, 0x3000),
			 "elf: segment 0 bytes at p_paddr 0x20000\n");
	pattern(expect, 0x800, 2);
	ksft_test_result(!memcmp(at(r.vm, 0x40000, 0x800), expect, 0x800) &&
			 all_bytes(at(r.vm, 0x40800, 0x1800), 0x1800, 0),
			 "elf: segment 2 bytes, bss zeroed up to p_memsz\n");
	ksft_test_result(all_bytes(at(r.vm, 0x42000, 0x100), 0x100, FILL) &&
			 all_bytes(at(r.vm, 0x1ff00, 0x100), 0x100, FILL) &&
			 all_bytes(at(r.vm, 0x10400, 0x100), 0x100, FILL),
			 "elf: nothing written outside the segments\n");
	ksft_test_result(r.bi.kernel_start == 0x20000 &&
			 r.bi.kernel_end == 0x42000 &&
			 r.bi.initrd_addr == 0 && r.bi.initrd_size == 0,
			 "elf: kernel range [0x%llx, 0x%llx)\n",
			 (unsigned long long)r.bi.kernel_start,
			 (unsigned long long)r.bi.kernel_end);
	done(&r);
}

/* A Linux-looking ELF: one segment at 0x10000 with a zero parameter area. */
static const char *linux_elf(const char *name, uint64_t entry)
{
	static uint8_t data[0x2000];
	struct tseg seg = { PT_LOAD, 0x10000, sizeof(data), sizeof(data), data };

	pattern(data, sizeof(data), 9);
	memset(data + 0x400, 0, 0x400);
	return write_file(name, elfbuf, mk_elf(elfbuf, entry, &seg, 1));
}

static void test_elf_linux(void)
{
	const char *initrd_data = "INITRD-CONTENTS";
	const char *initrd = write_file("small.initrd", initrd_data, 15);
	struct run r;

	load(&r, linux_elf("linux.elf", 0x10000), initrd, "console=ttyS0 x=1");
	ksft_test_result(r.ret == 0 && r.bi.linux_boot &&
			 r.bi.psw_addr == LINUX_KERNEL_START &&
			 !strcmp((char *)at(r.vm, LINUX_PARM_CMDLINE, 18),
				 "console=ttyS0 x=1"),
			 "elf linux: entry 0x10000, cmdline at 0x10480\n");
	ksft_test_result(r.ret == 0 && r.bi.initrd_addr == 0x800000 &&
			 be64_ld(at(r.vm, LINUX_PARM_INITRD_START, 8)) ==
				0x800000 &&
			 be64_ld(at(r.vm, LINUX_PARM_INITRD_SIZE, 8)) == 15 &&
			 !memcmp(at(r.vm, 0x800000, 15), initrd_data, 15),
			 "elf linux: initrd at 8M, start/size in parm area\n");
	done(&r);

	load(&r, linux_elf("old.elf", LINUX_OLD_ELF_ENTRY), NULL, NULL);
	ksft_test_result(r.ret == 0 && r.bi.linux_boot &&
			 r.bi.psw_addr == LINUX_KERNEL_START &&
			 *at(r.vm, LINUX_PARM_CMDLINE, 1) == 0,
			 "elf linux <= 3.2: entry 0x800 started at 0x10000\n");
	done(&r);
}

static void test_elf_nonlinux_initrd(void)
{
	struct tseg seg = { PT_LOAD, 0x20000, 0x100, 0x100, NULL };
	const char *path = write_file("prog.elf", elfbuf,
				      mk_elf(elfbuf, 0x20000, &seg, 1));
	const char *initrd = write_file("data.initrd", "abcdef", 6);
	struct run r;

	load(&r, path, initrd, "");
	ksft_test_result(r.ret == 0 && r.bi.initrd_addr == 0x800000 &&
			 r.bi.initrd_size == 6 &&
			 !memcmp(at(r.vm, 0x800000, 6), "abcdef", 6) &&
			 all_bytes(at(r.vm, LINUX_PARM_AREA, 0x100), 0x100, FILL),
			 "elf non-linux: initrd loaded, parm area untouched\n");
	done(&r);
	expect_fail("elf non-linux + append", path, NULL, "quiet", -EINVAL,
		    "Linux entry", "parameter area");
}

static void test_elf_errors(void)
{
	struct tseg one = { PT_LOAD, 0x20000, 0x100, 0x100, NULL };
	size_t len;

	len = mk_elf(elfbuf, 0x20000, &one, 1);
	elfbuf[EI_CLASS] = ELFCLASS32;
	expect_fail("elf class 32", write_file("c32.elf", elfbuf, len), NULL,
		    NULL, -ENOEXEC, "ELFCLASS64", NULL);

	len = mk_elf(elfbuf, 0x20000, &one, 1);
	elfbuf[EI_DATA] = ELFDATA2LSB;
	expect_fail("elf little-endian", write_file("le.elf", elfbuf, len),
		    NULL, NULL, -ENOEXEC, "big-endian", NULL);

	len = mk_elf(elfbuf, 0x20000, &one, 1);
	be16_st(elfbuf + 18, EM_X86_64);
	expect_fail("elf machine x86-64", write_file("x86.elf", elfbuf, len),
		    NULL, NULL, -ENOEXEC, "EM_S390", "62");

	len = mk_elf(elfbuf, 0x20000, &one, 1);
	be16_st(elfbuf + 16, ET_DYN);
	expect_fail("elf type DYN", write_file("dyn.elf", elfbuf, len), NULL,
		    NULL, -ENOEXEC, "ET_EXEC", NULL);

	expect_fail("elf truncated header",
		    write_file("short.elf", elfbuf, 40), NULL, NULL, -ENOEXEC,
		    "truncated", NULL);

	len = mk_elf(elfbuf, 0x20000, &one, 1);
	be64_st(elfbuf + 32, 0xfffffffffffffff0ULL);	/* e_phoff */
	expect_fail("elf phdrs past EOF", write_file("phoff.elf", elfbuf, len),
		    NULL, NULL, -ENOEXEC, "program headers", "outside the file");

	len = mk_elf(elfbuf, 0x20000, &one, 1);
	be16_st(elfbuf + 54, 32);			/* e_phentsize */
	expect_fail("elf phentsize", write_file("phent.elf", elfbuf, len),
		    NULL, NULL, -ENOEXEC, "program header size", NULL);

	{
		struct tseg s = { PT_NOTE, 0, 0x10, 0x10, NULL };

		len = mk_elf(elfbuf, 0x20000, &s, 1);
		expect_fail("elf without PT_LOAD",
			    write_file("noload.elf", elfbuf, len), NULL, NULL,
			    -ENOEXEC, "PT_LOAD", NULL);
	}
	{
		struct tseg s = { PT_LOAD, RAM - 0x1000, 0x100, 0x2000, NULL };

		len = mk_elf(elfbuf, RAM - 0x1000, &s, 1);
		expect_fail("elf segment past RAM end",
			    write_file("big.elf", elfbuf, len), NULL, NULL,
			    -ERANGE, "outside guest memory", NULL);
	}
	{
		struct tseg s = { PT_LOAD, 0xfffffffffffff000ULL, 0x100,
				  0x2000, NULL };

		len = mk_elf(elfbuf, 0x20000, &s, 1);
		expect_fail("elf p_paddr + p_memsz wraps",
			    write_file("wrap.elf", elfbuf, len), NULL, NULL,
			    -ERANGE, "outside guest memory", NULL);
	}
	{
		struct tseg s = { PT_LOAD, 0x20000, 0x200, 0x100, NULL };

		len = mk_elf(elfbuf, 0x20000, &s, 1);
		expect_fail("elf p_filesz > p_memsz",
			    write_file("fsz.elf", elfbuf, len), NULL, NULL,
			    -ENOEXEC, "p_filesz", NULL);
	}
	len = mk_elf(elfbuf, 0x20000, &one, 1);
	be64_st(elfbuf + 64 + 32, 0x100000);	/* p_filesz beyond EOF */
	be64_st(elfbuf + 64 + 40, 0x100000);
	expect_fail("elf segment data past EOF",
		    write_file("eof.elf", elfbuf, len), NULL, NULL, -ENOEXEC,
		    "segment 0 data", "outside the file");
	{
		struct tseg s = { PT_LOAD, 0, 0x1000, 0x1000, NULL };

		len = mk_elf(elfbuf, 0x100, &s, 1);
		expect_fail("elf entry in lowcore PSW area",
			    write_file("lc.elf", elfbuf, len), NULL, NULL,
			    -ENOEXEC, "lowcore", NULL);
	}
	expect_fail("elf entry outside segments",
		    write_file("noentry.elf", elfbuf,
			       mk_elf(elfbuf, 0x30000, &one, 1)),
		    NULL, NULL, -ENOEXEC, "not inside", NULL);
	{
		struct tseg s[] = {
			{ PT_LOAD, 0x20000, 0x1000, 0x3000, NULL },
			{ PT_LOAD, 0x22000, 0x1000, 0x1000, NULL },
		};

		len = mk_elf(elfbuf, 0x20000, s, 2);
		expect_fail("elf overlapping segments",
			    write_file("ovl.elf", elfbuf, len), NULL, NULL,
			    -ENOEXEC, "overlap", NULL);
	}
}

/* ---- raw Linux images --------------------------------------------------- */

static void test_raw(void)
{
	const char *path;
	struct run r;

	mk_raw(rawbuf, RAW_SIZE, true, 0);
	path = write_file("image", rawbuf, RAW_SIZE);
	load(&r, path, NULL, "root=/dev/vda");
	ksft_test_result(r.ret == 0 && !r.bi.elf && r.bi.linux_boot &&
			 r.bi.psw_addr == 0x10000 &&
			 r.bi.psw_mask == 0x0000000180000000ULL,
			 "raw: S390EP image starts at 0x10000, EA+BA\n");
	ksft_test_result(r.ret == 0 &&
			 !memcmp(at(r.vm, 0, 0x10400), rawbuf, 0x10400) &&
			 !memcmp(at(r.vm, 0x11000, RAW_SIZE - 0x11000),
				 rawbuf + 0x11000, RAW_SIZE - 0x11000) &&
			 *at(r.vm, RAW_SIZE, 1) == FILL &&
			 r.bi.kernel_start == 0 && r.bi.kernel_end == RAW_SIZE,
			 "raw: whole file at absolute 0, nothing past it\n");
	ksft_test_result(r.ret == 0 &&
			 !memcmp(at(r.vm, LINUX_PARM_CMDLINE, 14),
				 "root=/dev/vda", 14),
			 "raw: cmdline NUL-terminated at 0x10480\n");
	done(&r);
}

static void test_cmdline_limits(void)
{
	char cmd[5000];
	const char *legacy, *big;
	struct run r;

	mk_raw(rawbuf, RAW_SIZE, true, 0);
	legacy = write_file("legacy", rawbuf, RAW_SIZE);
	mk_raw(rawbuf, RAW_SIZE, true, 4096);
	big = write_file("cmdline4096", rawbuf, RAW_SIZE);

	memset(cmd, 'a', 895);
	cmd[895] = '\0';
	load(&r, legacy, NULL, cmd);
	ksft_test_result(r.ret == 0 &&
			 *at(r.vm, LINUX_PARM_CMDLINE + 894, 1) == 'a' &&
			 *at(r.vm, LINUX_PARM_CMDLINE + 895, 1) == 0,
			 "cmdline: 895 chars fit the legacy 896 bytes\n");
	done(&r);

	memset(cmd, 'b', 896);
	cmd[896] = '\0';
	expect_fail("cmdline: 896 chars exceed legacy size", legacy, NULL, cmd,
		    -E2BIG, "897", "896");

	memset(cmd, 'c', 3000);
	cmd[3000] = '\0';
	load(&r, big, NULL, cmd);
	ksft_test_result(r.ret == 0 &&
			 *at(r.vm, LINUX_PARM_CMDLINE + 2999, 1) == 'c' &&
			 *at(r.vm, LINUX_PARM_CMDLINE + 3000, 1) == 0,
			 "cmdline: max_command_line_size 4096 honoured\n");
	done(&r);

	memset(cmd, 'd', 4096);
	cmd[4096] = '\0';
	expect_fail("cmdline: 4096 chars exceed 4096 bytes", big, NULL, cmd,
		    -E2BIG, "4097", "4096");
}

static void test_initrd(void)
{
	static uint8_t big[0x780000];
	const char *kernel, *initrd;
	uint8_t data[4096];
	struct run r;

	pattern(data, sizeof(data), 3);
	initrd = write_file("rd", data, sizeof(data));

	mk_raw(rawbuf, RAW_SIZE, true, 0);
	kernel = write_file("image-small", rawbuf, RAW_SIZE);
	load(&r, kernel, initrd, NULL);
	ksft_test_result(r.ret == 0 && r.bi.initrd_addr == LINUX_DEFAULT_INITRD &&
			 r.bi.initrd_size == sizeof(data) &&
			 !memcmp(at(r.vm, 0x800000, sizeof(data)), data,
				 sizeof(data)),
			 "initrd: at 0x800000 after a small kernel\n");
	ksft_test_result(r.ret == 0 &&
			 !memcmp(at(r.vm, LINUX_PARM_INITRD_START, 16),
				 "\0\0\0\0\0\x80\0\0\0\0\0\0\0\0\x10\0", 16),
			 "initrd: start/size big-endian at 0x10408/0x10410\n");
	done(&r);

	/* Kernel of 7.5 MiB: +1 MiB gap reaches past 8 MiB -> 9 MiB. */
	mk_raw(big, sizeof(big), true, 0);
	kernel = write_file("image-big", big, sizeof(big));
	load(&r, kernel, initrd, NULL);
	ksft_test_result(r.ret == 0 && r.bi.initrd_addr == 0x900000 &&
			 r.bi.initrd_addr >= r.bi.kernel_end &&
			 be64_ld(at(r.vm, LINUX_PARM_INITRD_START, 8)) ==
				0x900000 &&
			 !memcmp(at(r.vm, 0x900000, sizeof(data)), data,
				 sizeof(data)),
			 "initrd: moved to 0x%llx after a 7.5 MiB kernel\n",
			 (unsigned long long)r.bi.initrd_addr);
	done(&r);

	kernel = write_file("image-small2", rawbuf, RAW_SIZE);
	expect_fail("initrd larger than RAM above 8M", kernel,
		    sparse_file("huge.rd", RAM - 0x800000 + 1, NULL, 0, 0),
		    NULL, -ENOSPC, "does not fit", "huge.rd");
	expect_fail("initrd missing", kernel, tpath("nonexistent.rd"), NULL,
		    -ENOENT, "initrd", "cannot open");
	expect_fail("initrd empty", kernel, write_file("empty.rd", "", 0),
		    NULL, -EINVAL, "initrd", "empty");
}

static void test_file_errors(void)
{
	uint8_t junk[RAW_SIZE];

	expect_fail("kernel missing", tpath("no-such-kernel"), NULL, NULL,
		    -ENOENT, "cannot open", "no-such-kernel");
	expect_fail("kernel empty", write_file("empty", "", 0), NULL, NULL,
		    -EINVAL, "empty", NULL);
	expect_fail("kernel is a directory", tmpdir, NULL, NULL, -EISDIR,
		    "not a regular file", NULL);

	/* A random file of the right size but without the signature. */
	mk_raw(junk, sizeof(junk), false, 0);
	expect_fail("raw without S390EP", write_file("junk", junk, sizeof(junk)),
		    NULL, NULL, -ENOEXEC, "S390EP", "neither");
	expect_fail("short non-ELF file", write_file("tiny", "hello", 5), NULL,
		    NULL, -ENOEXEC, "neither", NULL);

	/* A Linux image larger than RAM (sparse). */
	expect_fail("raw image larger than RAM",
		    sparse_file("huge-image", RAM + 0x1000, "S390EP", 6,
				LINUX_EP_OFFSET),
		    NULL, NULL, -EFBIG, "larger than guest RAM", NULL);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		ksft_print_msg("could not remove %s\n", tmpdir);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(45);
	if (!mkdtemp(tmpdir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	devnull = open("/dev/null", O_WRONLY);

	test_elf_basic();		/* 6 */
	test_elf_linux();		/* 3 */
	test_elf_nonlinux_initrd();	/* 2 */
	test_elf_errors();		/* 15 */
	test_raw();			/* 3 */
	test_cmdline_limits();		/* 4 */
	test_initrd();			/* 6 */
	test_file_errors();		/* 6 */

	cleanup();
	return ksft_finished();
}
