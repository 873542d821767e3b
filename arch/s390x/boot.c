// SPDX-License-Identifier: MIT
/*
 * Direct kernel boot, the facts of QEMU's hw/s390x/ipl.c (s390_ipl_realize)
 * and of the Linux s390 boot protocol (arch/s390/boot/head.S, asm/setup.h):
 *
 *  - The kernel file is tried as ELF first (big-endian, EM_S390).  QEMU
 *    starts at e_entry, except that an entry of 0x10000 or 0x800 (Linux up
 *    to 3.2, whose ELF entry was the SALIPL loader) is a Linux kernel and
 *    starts at 0x10000 with the parameter area filled in.
 *  - Otherwise the whole file is loaded at absolute 0.  If the 6 bytes at
 *    0x10008 are "S390EP" (the kernel's entry-point table, an ABI of the
 *    image) it is Linux and starts at 0x10000.  Without the signature QEMU
 *    treats the file as an IPL record and starts at the address of the
 *    ESA/390 short PSW in bytes 4-7 (& 0x7fffffff), i.e. it boots any file.
 *    minivmm refuses such files instead: a file that is neither ELF nor a
 *    Linux image is far more likely a mistake than an IPL record.
 *  - Parameter area (struct parmarea at 0x10400): initrd start and size as
 *    big-endian doublewords at 0x10408/0x10410, max_command_line_size at
 *    0x10430 (0 in kernels before it existed: 896 bytes then), the
 *    NUL-terminated command line at 0x10480.  QEMU counts the NUL against
 *    the maximum (strlen + 1 > max is an error).
 *  - The initrd goes to 8 MiB, or when the kernel reaches beyond
 *    8 MiB - 1 MiB, to the first MiB boundary at least 1 MiB past the
 *    kernel (QEMU: offset starts at 0x800000 and grows in 1 MiB steps while
 *    kernel_size + 1 MiB > offset).  QEMU uses the loaded size for ELF
 *    kernels, which is wrong for a kernel not linked at 0; we use the end
 *    address, identical for a raw image.
 *
 * Deviations, all in the direction of failing loudly: QEMU ignores -append
 * for a non-Linux ELF and does not write the parameter area when no loaded
 * segment covers it; we reject the -append and always write the area of a
 * Linux kernel (it is plain RAM then).  For a non-Linux ELF the initrd is
 * loaded and reported in boot_info, but 0x10408 is left alone: it belongs
 * to that program, not to a Linux parameter area.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/s390x/boot.h"
#include "arch/s390x/s390.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define MiB			(1ULL << 20)

_Static_assert(BOOT_PSW_MASK == PSW_MASK_64, "IPL PSW: EA + BA only");
/* End of the PSW-swap area: the CPU stores old PSWs and interruption codes
 * in 0x80-0x1ff and fetches new PSWs from 0x1a0-0x1ff (PoP "Assigned
 * Storage Locations"); code started there is overwritten or overwrites
 * the new PSWs at the first interruption. */
#define LOWCORE_PSW_AREA_END	0x200

/* ELF64 header and program-header field offsets (System V gABI). */
#define EH_SIZE			64
#define EH_TYPE			16
#define EH_MACHINE		18
#define EH_VERSION		20
#define EH_ENTRY		24
#define EH_PHOFF		32
#define EH_EHSIZE		52
#define EH_PHENTSIZE		54
#define EH_PHNUM		56
#define PH_SIZE			56
#define PH_TYPE			0
#define PH_FLAGS		4
#define PH_OFFSET		8
#define PH_PADDR		24
#define PH_FILESZ		32
#define PH_MEMSZ		40

struct segment {
	unsigned int index;	/* program header number, for messages */
	uint64_t offset, paddr, filesz, memsz;
};

struct loader {
	struct vm *vm;
	const struct boot_config *cfg;
	struct boot_info *out;
	char **err;
	int fd;
	uint64_t fsize;
	struct segment *segs;	/* ELF PT_LOADs, sorted by paddr */
	unsigned int nsegs;
	uint64_t lo, hi;	/* guest RAM handed out by guest(): marked
				 * dirty when the load ends (vm_mark_dirty) */
};

static int fail(struct loader *l, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct loader *l, int ret, const char *fmt, ...)
{
	va_list ap;

	if (l->err) {
		va_start(ap, fmt);
		if (vasprintf(l->err, fmt, ap) < 0)
			*l->err = NULL;
		va_end(ap);
	}
	return ret;
}

/* Open a regular, non-empty file; *fd and *size on success. */
static int open_file(struct loader *l, const char *what, const char *path,
		     int *fd, uint64_t *size)
{
	struct stat st;
	int ret;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		ret = -errno;
		return fail(l, ret, "%s '%s': cannot open: %s", what, path,
			    strerror(-ret));
	}
	if (fstat(*fd, &st) < 0) {
		ret = -errno;
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(*fd);
		*fd = -1;
		return fail(l, ret, "%s '%s': not a regular file", what, path);
	}
	if (st.st_size == 0) {
		close(*fd);
		*fd = -1;
		return fail(l, -EINVAL, "%s '%s' is empty", what, path);
	}
	*size = (uint64_t)st.st_size;
	return 0;

err_close:
	close(*fd);
	*fd = -1;
	return fail(l, ret, "%s '%s': %s", what, path, strerror(-ret));
}

/* Read exactly len bytes at off; a short file is -EIO. */
static int read_at(struct loader *l, int fd, const char *path, void *buf,
		   uint64_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		size_t chunk = len > (1U << 30) ? (1U << 30) : (size_t)len;
		ssize_t n = pread(fd, p, chunk, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;

			return fail(l, ret, "'%s': read error at offset %llu: %s",
				    path, (unsigned long long)off,
				    strerror(-ret));
		}
		if (n == 0)
			return fail(l, -EIO, "'%s': unexpected end of file at "
				    "offset %llu", path,
				    (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* Guest storage for [addr, addr+len), already bounds-checked by callers. */
static uint8_t *guest(struct loader *l, uint64_t addr, uint64_t len)
{
	uint8_t *p = vm_absolute(l->vm, addr, len);

	if (!p) {
		fail(l, -EFAULT, "guest range [0x%llx, 0x%llx) is not in RAM",
		     (unsigned long long)addr, (unsigned long long)(addr + len));
		return NULL;
	}
	if (len && (l->hi == l->lo || addr < l->lo))
		l->lo = addr;
	if (addr + len > l->hi)
		l->hi = addr + len;
	return p;
}

/* Does [a, a+alen) fit in guest RAM?  Overflow-safe. */
static bool in_ram(struct loader *l, uint64_t a, uint64_t alen)
{
	return a <= l->vm->ram_size && alen <= l->vm->ram_size - a;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/* ---- ELF ----------------------------------------------------------------- */

static int elf_check_header(struct loader *l, const uint8_t *eh)
{
	const char *path = l->cfg->kernel;

	if (l->fsize < EH_SIZE)
		return fail(l, -ENOEXEC, "kernel '%s': truncated ELF header "
			    "(%llu bytes, need %d)", path,
			    (unsigned long long)l->fsize, EH_SIZE);
	if (eh[EI_CLASS] != ELFCLASS64)
		return fail(l, -ENOEXEC, "kernel '%s': ELF class %u is not "
			    "ELFCLASS64; s390x kernels are 64-bit", path,
			    eh[EI_CLASS]);
	if (eh[EI_DATA] != ELFDATA2MSB)
		return fail(l, -ENOEXEC, "kernel '%s': ELF data encoding %u is "
			    "not big-endian (ELFDATA2MSB); s390x is big-endian",
			    path, eh[EI_DATA]);
	if (eh[EI_VERSION] != EV_CURRENT ||
	    be32_ld(eh + EH_VERSION) != EV_CURRENT)
		return fail(l, -ENOEXEC, "kernel '%s': unknown ELF version",
			    path);
	if (be16_ld(eh + EH_MACHINE) != EM_S390)
		return fail(l, -ENOEXEC, "kernel '%s': ELF machine %u is not "
			    "s390 (EM_S390 = %u)", path,
			    be16_ld(eh + EH_MACHINE), EM_S390);
	if (be16_ld(eh + EH_TYPE) != ET_EXEC)
		return fail(l, -ENOEXEC, "kernel '%s': ELF type %u is not an "
			    "executable (ET_EXEC)", path, be16_ld(eh + EH_TYPE));
	if (be16_ld(eh + EH_EHSIZE) != EH_SIZE)
		return fail(l, -ENOEXEC, "kernel '%s': ELF header size %u, "
			    "expected %d", path, be16_ld(eh + EH_EHSIZE),
			    EH_SIZE);
	if (be16_ld(eh + EH_PHENTSIZE) != PH_SIZE)
		return fail(l, -ENOEXEC, "kernel '%s': program header size %u, "
			    "expected %d", path, be16_ld(eh + EH_PHENTSIZE),
			    PH_SIZE);
	/* 0xffff (PN_XNUM) would move the count to section 0: not supported. */
	if (be16_ld(eh + EH_PHNUM) == 0 || be16_ld(eh + EH_PHNUM) == PN_XNUM)
		return fail(l, -ENOEXEC, "kernel '%s': %u program headers",
			    path, be16_ld(eh + EH_PHNUM));
	return 0;
}

/* Read, validate and sort the PT_LOAD segments. */
static int elf_segments(struct loader *l, const uint8_t *eh)
{
	const char *path = l->cfg->kernel;
	uint64_t phoff = be64_ld(eh + EH_PHOFF);
	unsigned int phnum = be16_ld(eh + EH_PHNUM);
	uint64_t phlen = (uint64_t)phnum * PH_SIZE;
	uint8_t *ph;
	int ret;

	if (phoff > l->fsize || phlen > l->fsize - phoff)
		return fail(l, -ENOEXEC, "kernel '%s': program headers "
			    "[%llu, +%llu) lie outside the file (%llu bytes)",
			    path, (unsigned long long)phoff,
			    (unsigned long long)phlen,
			    (unsigned long long)l->fsize);
	ph = malloc(phlen);
	l->segs = calloc(phnum, sizeof(*l->segs));
	if (!ph || !l->segs) {
		free(ph);
		return fail(l, -ENOMEM, "kernel '%s': out of memory", path);
	}
	ret = read_at(l, l->fd, path, ph, phlen, phoff);
	if (ret)
		goto out;

	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *p = ph + (size_t)i * PH_SIZE;
		uint32_t type = be32_ld(p + PH_TYPE);
		struct segment s = {
			.index = i,
			.offset = be64_ld(p + PH_OFFSET),
			.paddr = be64_ld(p + PH_PADDR),
			.filesz = be64_ld(p + PH_FILESZ),
			.memsz = be64_ld(p + PH_MEMSZ),
		};

		if (type == PT_INTERP || type == PT_DYNAMIC) {
			ret = fail(l, -ENOEXEC, "kernel '%s': dynamically "
				   "linked (program header %u)", path, i);
			goto out;
		}
		if (type != PT_LOAD || s.memsz == 0)
			continue;
		if (s.filesz > s.memsz) {
			ret = fail(l, -ENOEXEC, "kernel '%s': segment %u has "
				   "p_filesz 0x%llx > p_memsz 0x%llx", path, i,
				   (unsigned long long)s.filesz,
				   (unsigned long long)s.memsz);
			goto out;
		}
		if (s.offset > l->fsize || s.filesz > l->fsize - s.offset) {
			ret = fail(l, -ENOEXEC, "kernel '%s': segment %u data "
				   "[%llu, +%llu) lies outside the file (%llu "
				   "bytes)", path, i,
				   (unsigned long long)s.offset,
				   (unsigned long long)s.filesz,
				   (unsigned long long)l->fsize);
			goto out;
		}
		if (!in_ram(l, s.paddr, s.memsz)) {
			ret = fail(l, -ERANGE, "kernel '%s': segment %u at "
				   "0x%llx (0x%llx bytes) lies outside guest "
				   "memory (RAM size 0x%llx)", path, i,
				   (unsigned long long)s.paddr,
				   (unsigned long long)s.memsz,
				   (unsigned long long)l->vm->ram_size);
			goto out;
		}
		l->segs[l->nsegs++] = s;
	}
	if (l->nsegs == 0) {
		ret = fail(l, -ENOEXEC, "kernel '%s': no loadable (PT_LOAD) "
			   "segment", path);
		goto out;
	}
	qsort(l->segs, l->nsegs, sizeof(*l->segs), cmp_seg);
	for (unsigned int i = 1; i < l->nsegs; i++) {
		const struct segment *a = &l->segs[i - 1], *b = &l->segs[i];

		if (a->paddr + a->memsz > b->paddr) {
			ret = fail(l, -ENOEXEC, "kernel '%s': segments %u and "
				   "%u overlap at 0x%llx", path, a->index,
				   b->index, (unsigned long long)b->paddr);
			goto out;
		}
	}
out:
	free(ph);
	return ret;
}

static int elf_load(struct loader *l, const uint8_t *eh)
{
	const char *path = l->cfg->kernel;
	uint64_t entry = be64_ld(eh + EH_ENTRY), start;
	bool entry_loaded = false;
	int ret;

	ret = elf_check_header(l, eh);
	if (!ret)
		ret = elf_segments(l, eh);
	if (ret)
		return ret;

	l->out->linux_boot = entry == LINUX_KERNEL_START ||
			     entry == LINUX_OLD_ELF_ENTRY;
	start = l->out->linux_boot ? LINUX_KERNEL_START : entry;
	if (start & 1)
		return fail(l, -ENOEXEC, "kernel '%s': entry point 0x%llx is "
			    "odd (a PSW address must be even)", path,
			    (unsigned long long)start);
	if (start < LOWCORE_PSW_AREA_END)
		return fail(l, -ENOEXEC, "kernel '%s': entry point 0x%llx is "
			    "in the lowcore PSW area (below 0x%x), which the "
			    "CPU overwrites at every interruption", path,
			    (unsigned long long)start, LOWCORE_PSW_AREA_END);
	for (unsigned int i = 0; i < l->nsegs; i++) {
		const struct segment *s = &l->segs[i];

		if (start >= s->paddr && start - s->paddr < s->filesz)
			entry_loaded = true;
	}
	if (!entry_loaded)
		return fail(l, -ENOEXEC, "kernel '%s': entry point 0x%llx is "
			    "not inside the file contents of any PT_LOAD "
			    "segment", path, (unsigned long long)start);

	for (unsigned int i = 0; i < l->nsegs; i++) {
		const struct segment *s = &l->segs[i];
		uint8_t *dst = guest(l, s->paddr, s->memsz);

		if (!dst)
			return -EFAULT;
		ret = read_at(l, l->fd, path, dst, s->filesz, s->offset);
		if (ret)
			return ret;
		/* p_memsz > p_filesz: the rest is bss, zero it. */
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	l->out->elf = true;
	l->out->psw_addr = start;
	l->out->kernel_start = l->segs[0].paddr;
	l->out->kernel_end = l->segs[l->nsegs - 1].paddr +
			     l->segs[l->nsegs - 1].memsz;
	return 0;
}

/* ---- raw Linux image --------------------------------------------------- */

static int raw_load(struct loader *l)
{
	const char *path = l->cfg->kernel;
	char magic[sizeof(LINUX_EP_STRING) - 1];
	uint8_t *dst;
	int ret;

	if (l->fsize < LINUX_EP_OFFSET + sizeof(magic))
		return fail(l, -ENOEXEC, "kernel '%s' is neither an s390 ELF "
			    "executable nor a Linux s390 image (%llu bytes, "
			    "too short for the \"%s\" signature at 0x%x)", path,
			    (unsigned long long)l->fsize, LINUX_EP_STRING,
			    LINUX_EP_OFFSET);
	ret = read_at(l, l->fd, path, magic, sizeof(magic), LINUX_EP_OFFSET);
	if (ret)
		return ret;
	if (memcmp(magic, LINUX_EP_STRING, sizeof(magic)))
		return fail(l, -ENOEXEC, "kernel '%s' is neither an s390 ELF "
			    "executable nor a Linux s390 image (no \"%s\" "
			    "signature at 0x%x)", path, LINUX_EP_STRING,
			    LINUX_EP_OFFSET);
	if (l->fsize > l->vm->ram_size)
		return fail(l, -EFBIG, "kernel '%s' (%llu bytes) is larger "
			    "than guest RAM (%llu bytes)", path,
			    (unsigned long long)l->fsize,
			    (unsigned long long)l->vm->ram_size);
	dst = guest(l, 0, l->fsize);
	if (!dst)
		return -EFAULT;
	ret = read_at(l, l->fd, path, dst, l->fsize, 0);
	if (ret)
		return ret;
	l->out->elf = false;
	l->out->linux_boot = true;
	l->out->psw_addr = LINUX_KERNEL_START;
	l->out->kernel_start = 0;
	l->out->kernel_end = l->fsize;
	return 0;
}

/* ---- parameter area ---------------------------------------------------- */

static int put_cmdline(struct loader *l)
{
	const char *cmdline = l->cfg->cmdline ? l->cfg->cmdline : "";
	uint64_t len = strlen(cmdline) + 1, max;
	uint8_t *p;

	if (!l->out->linux_boot) {
		if (!*cmdline)
			return 0;
		return fail(l, -EINVAL, "kernel '%s' starts at 0x%llx, not at "
			    "the Linux entry 0x%x: it has no parameter area for "
			    "the command line", l->cfg->kernel,
			    (unsigned long long)l->out->psw_addr,
			    LINUX_KERNEL_START);
	}
	p = guest(l, LINUX_PARM_MAX_CMDLINE, 8);
	if (!p)
		return -EFAULT;
	max = be64_ld(p);
	if (!max)
		max = LINUX_LEGACY_CMDLINE_SIZE;
	if (len > max)
		return fail(l, -E2BIG, "kernel command line is %llu bytes "
			    "including its NUL, the kernel accepts at most %llu",
			    (unsigned long long)len, (unsigned long long)max);
	/* max comes from the image: bound the write by RAM as well. */
	if (!in_ram(l, LINUX_PARM_CMDLINE, len))
		return fail(l, -E2BIG, "kernel command line (%llu bytes) does "
			    "not fit in guest RAM", (unsigned long long)len);
	p = guest(l, LINUX_PARM_CMDLINE, len);
	if (!p)
		return -EFAULT;
	memcpy(p, cmdline, len);
	return 0;
}

static int load_initrd(struct loader *l)
{
	const char *path = l->cfg->initrd;
	uint64_t size = 0, addr = LINUX_DEFAULT_INITRD;
	uint8_t *p;
	int fd, ret;

	ret = open_file(l, "initrd", path, &fd, &size);
	if (ret)
		return ret;
	/* QEMU's rule (see the top of the file), on the kernel's end. */
	if (l->out->kernel_end + MiB > addr)
		addr = (l->out->kernel_end + MiB + MiB - 1) & ~(MiB - 1);
	if (!in_ram(l, addr, size)) {
		ret = fail(l, -ENOSPC, "initrd '%s' (%llu bytes) does not fit "
			   "in guest RAM: it would occupy [0x%llx, 0x%llx) but "
			   "RAM ends at 0x%llx", path,
			   (unsigned long long)size, (unsigned long long)addr,
			   (unsigned long long)(addr + size),
			   (unsigned long long)l->vm->ram_size);
		goto out;
	}
	/* Cannot happen with the rule above; kept as the invariant. */
	if (addr < l->out->kernel_end && l->out->kernel_start < addr + size) {
		ret = fail(l, -EINVAL, "initrd '%s' at [0x%llx, 0x%llx) "
			   "overlaps the kernel at [0x%llx, 0x%llx)", path,
			   (unsigned long long)addr,
			   (unsigned long long)(addr + size),
			   (unsigned long long)l->out->kernel_start,
			   (unsigned long long)l->out->kernel_end);
		goto out;
	}
	p = guest(l, addr, size);
	if (!p) {
		ret = -EFAULT;
		goto out;
	}
	ret = read_at(l, fd, path, p, size, 0);
	if (ret)
		goto out;
	l->out->initrd_addr = addr;
	l->out->initrd_size = size;
	if (l->out->linux_boot) {
		p = guest(l, LINUX_PARM_INITRD_START, 16);
		if (!p) {
			ret = -EFAULT;
			goto out;
		}
		be64_st(p, addr);
		be64_st(p + 8, size);
	}
out:
	close(fd);
	return ret;
}

int s390_boot_load(struct vm *vm, const struct boot_config *cfg,
		   struct boot_info *out, char **err)
{
	struct loader l = {
		.vm = vm, .cfg = cfg, .out = out, .err = err, .fd = -1,
	};
	uint8_t eh[EH_SIZE] = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	if (!cfg->kernel)
		return fail(&l, -EINVAL, "no kernel given");
	ret = open_file(&l, "kernel", cfg->kernel, &l.fd, &l.fsize);
	if (ret)
		return ret;
	ret = read_at(&l, l.fd, cfg->kernel, eh,
		      l.fsize < EH_SIZE ? l.fsize : EH_SIZE, 0);
	if (ret)
		goto out;
	if (l.fsize >= SELFMAG && !memcmp(eh, ELFMAG, SELFMAG))
		ret = elf_load(&l, eh);
	else
		ret = raw_load(&l);
	if (!ret)
		ret = put_cmdline(&l);
	if (!ret && cfg->initrd)
		ret = load_initrd(&l);
	/*
	 * The IPL PSW: QEMU (s390_ipl_prepare_cpu) loads IPL_PSW_MASK =
	 * PSW_MASK_32 | PSW_MASK_64, i.e. EA and BA, everything else 0, for
	 * every -kernel boot, ELF or raw.  Its CPUs only implement
	 * z/Architecture mode, so the IPL PSW is a z/Architecture PSW, and a
	 * kernel's first instructions (Linux: SIGP set-architecture, SAM64)
	 * expect to end up in 64-bit mode anyway.  DAT, I/O, external and
	 * machine-check interruptions stay off until the kernel enables them
	 * with its own PSW; key 0, supervisor state.
	 */
	if (!ret)
		out->psw_mask = BOOT_PSW_MASK;
out:
	/* A reset during a live migration reloads the guest: after the
	 * writes, so a concurrent dirty-log sync cannot miss them. */
	vm_mark_dirty(vm, l.lo, l.hi - l.lo);
	free(l.segs);
	close(l.fd);
	return ret;
}
