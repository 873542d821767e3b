/* SPDX-License-Identifier: MIT */
/*
 * Command-line options, spelled like QEMU's (qemu-options.hx): every option
 * is "-name" or "--name", its argument the next argv element.  The parser
 * only fills struct vmm_options; vmm/main.c acts on it.
 */
#ifndef MINIVMM_OPTIONS_H
#define MINIVMM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "seccomp/seccomp.h"

#define OPT_RAM_DEFAULT		(128ULL << 20)	/* QEMU's default -m */
#define OPT_RAM_MIN		(16ULL << 20)	/* room for kernel + initrd at 8M */
#define OPT_RAM_MAX		(1ULL << 40)	/* 1 TiB */
#define OPT_RAM_ALIGN		(1ULL << 20)	/* = VM_MEM_INCREMENT */

enum accel_kind {
	ACCEL_AUTO,	/* KVM when usable, else the software CPU */
	ACCEL_KVM,
	ACCEL_SOFT,	/* QEMU's "tcg" */
	ACCEL_QTEST,	/* no vCPU runs; devices driven over -qtest */
};

#define OPT_MAX_QMP	4	/* -qmp may be repeated */

#define OPT_MAX_DEVOPTS		16	/* each of -drive, -device, -chardev */

struct vmm_options {
	const char *machine;	/* as given (NULL: default); validated */
	uint64_t ram_size;	/* bytes; default 128 MiB like QEMU */
	unsigned int smp;	/* default 1 */
	unsigned int max_cpus;	/* -smp maxcpus=; default = smp */
	const char *kernel, *initrd, *append;
	enum accel_kind accel;
	bool help, version;	/* print and exit 0 */
	/* -drive, -device, -chardev arguments in order; parsed and checked
	 * by devices/setup.c (dev_config_parse). */
	const char *drives[OPT_MAX_DEVOPTS], *devices[OPT_MAX_DEVOPTS],
		   *chardevs[OPT_MAX_DEVOPTS];
	unsigned int ndrives, ndevices, nchardevs;
	/* -netdev and -nic arguments in order (devices/net-setup.c). */
	const char *netdevs[OPT_MAX_DEVOPTS], *nics[OPT_MAX_DEVOPTS];
	unsigned int nnetdevs, nnics;
	bool list_machines;	/* -M help / -machine help */
	/* Sandbox (seccomp/): -sandbox on|off|debug, default on. */
	enum sandbox_mode sandbox;
	bool sandbox_given;	/* -sandbox was on the command line */
	const char *runas;	/* -runas USER */
	const char *chroot_dir;	/* -chroot DIR */
	bool print_seccomp;	/* --print-seccomp: print the allowlists, exit 0 */
	const char *qmp[OPT_MAX_QMP];	/* -qmp endpoints (vmm/chardev.h) */
	unsigned int nqmp;
	const char *qtest;	/* -qtest endpoint; implies -accel qtest */
	bool start_paused;	/* -S */
	const char *incoming;	/* -incoming file:PATH|defer (migrate/monitor.h) */
	const char *dump_vmstate;	/* --dump-vmstate FILE: schema JSON, exit 0 */
	bool no_reboot;		/* -no-reboot: a guest re-IPL ends minivmm */
};

/*
 * Fill *o from argv (argv[0] is the program name): defaults first, then
 * the options in order, later ones overriding earlier ones.  Returns 0, or
 * -EINVAL with *err set (caller frees; err may be NULL).  After -h or
 * -version parsing stops with 0 and the flag set, as QEMU does.  Strings in
 * *o point into argv or into static tables.
 */
int options_parse(struct vmm_options *o, int argc, char **argv, char **err);
void options_usage(FILE *f, const char *argv0);

#endif
