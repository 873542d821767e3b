/* SPDX-License-Identifier: MIT */
/*
 * Direct kernel boot (QEMU's -kernel/-initrd/-append on s390x).
 *
 * Two kinds of kernel are accepted:
 *  - an ELF64 big-endian EM_S390 executable: PT_LOAD segments are placed at
 *    their physical addresses and CPU 0 starts at e_entry (at 0x10000 when
 *    the entry is the Linux one, 0x10000, or the pre-3.3 SALIPL one, 0x800);
 *  - a raw Linux s390 image (arch/s390/boot "image"/bzImage), recognized by
 *    "S390EP" at 0x10008: loaded at absolute 0, started at 0x10000.
 * For Linux kernels the initrd location and the command line go into the
 * parameter area at 0x10400 (LINUX_PARM_* in arch/s390x/s390.h).
 */
#ifndef MINIVMM_BOOT_H
#define MINIVMM_BOOT_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

struct boot_config {
	const char *kernel;	/* required */
	const char *initrd;	/* NULL: none */
	const char *cmdline;	/* NULL or "": empty command line */
};

struct boot_info {
	uint64_t psw_mask, psw_addr;		/* initial PSW for CPU 0 */
	uint64_t kernel_start, kernel_end;	/* absolute range occupied */
	uint64_t initrd_addr, initrd_size;	/* 0/0 without initrd */
	bool elf;		/* ELF file (else raw Linux image) */
	bool linux_boot;	/* Linux entry: parameter area written */
};

/* The IPL PSW mask of a -kernel boot (see boot.c). */
#define BOOT_PSW_MASK		0x0000000180000000ULL
/* Where the raw Linux image announces itself (Linux asm/setup.h EP_*). */
#define LINUX_EP_OFFSET		0x10008
#define LINUX_EP_STRING		"S390EP"
/* Entry point of Linux up to 3.2 as seen in its ELF header (SALIPL). */
#define LINUX_OLD_ELF_ENTRY	0x800

/*
 * Load cfg->kernel (and initrd, command line) into vm's RAM and describe
 * the result in *out.  Does not touch the vCPUs: the caller sets CPU 0's
 * initial PSW from out->psw_mask/psw_addr.  Returns 0, or -errno with *err
 * set (caller frees; err may be NULL).  Guest RAM may have been partly
 * written on failure.
 */
int s390_boot_load(struct vm *vm, const struct boot_config *cfg,
		   struct boot_info *out, char **err);

#endif
