/* SPDX-License-Identifier: MIT */
/*
 * The floppy on the command line and in the monitor:
 *
 *   -drive file=IMG,if=floppy[,format=raw][,readonly=on|off][,index=0|1]
 *          [,id=NAME]
 *
 * The first -drive if=floppy creates the ISA DMA controller and the
 * 82078 controller (two drives); without one there is no controller and
 * ports 0x3f0-0x3f7 float.  Drives are named "floppy0"/"floppy1" (and
 * id=NAME) for QMP eject and blockdev-change-medium.
 */
#ifndef MINIVMM_FDC_SETUP_H
#define MINIVMM_FDC_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/fdc.h"

struct vm;
struct isa_dma;

#define FLOPPY_ID_MAX	32

struct floppy {
	struct vm *vm;
	struct isa_dma *dma;
	struct fdc *fdc;
	char id[FDC_DRIVES][FLOPPY_ID_MAX];	/* -drive id=, or "" */
	bool readonly[FDC_DRIVES];		/* of the medium inserted last */
};

/* Is this -drive argument an if=floppy one? */
bool floppy_drive_option(const char *arg);
/* Check the floppy -drive arguments without opening anything: 0 or
 * -EINVAL with *err set (exit status 2). */
int floppy_check_options(const char *const *drives, unsigned int n, char **err);
/*
 * Create the controllers on vm->portio and insert the images (the
 * non-floppy -drive arguments are skipped).  *out stays NULL when no
 * floppy drive is given.  0 or -errno with *err set.
 */
int floppy_create(struct floppy **out, struct vm *vm, const char *const *drives,
		  unsigned int n, char **err);
void floppy_destroy(struct floppy *fl);
/* The drive a monitor name means ("floppy0", "floppy1" or an id), or -1. */
int floppy_find(const struct floppy *fl, const char *name);

#ifdef MINIVMM_HAVE_QMP
#include "vmm/qmp.h"
/* eject, blockdev-change-medium; opaque: the struct floppy. */
extern const struct qmp_command floppy_qmp_commands[];
extern const size_t floppy_qmp_ncommands;
#endif

#endif
