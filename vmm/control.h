/* SPDX-License-Identifier: MIT */
/*
 * The control plane of one minivmm process, as vmm/main.c sets it up:
 * the -qmp monitors, the -qtest socket, -S, the system_reset boot hook
 * and SIGINT/SIGTERM/SIGHUP (a clean SHUTDOWN, reason "host-signal").
 * Everything here lives on vm->loop (the main thread).
 */
#ifndef MINIVMM_CONTROL_H
#define MINIVMM_CONTROL_H

struct vm;
struct vmm_options;
struct boot_config;
struct control;

/* Block the termination signals in every thread; call first in main(),
 * before any thread exists.  The loop takes them through a signalfd. */
void control_block_signals(void);

/* After vm_create() and the boot load, before vm_run().  bc (NULL under
 * qtest) must stay valid: system_reset loads the kernel again. */
int control_create(struct control **out, struct vm *vm,
		   const struct vmm_options *o, const struct boot_config *bc,
		   char **err);
/* After vm_run(): flushes the monitors (their SHUTDOWN event) and closes. */
void control_destroy(struct control *c);

#endif
