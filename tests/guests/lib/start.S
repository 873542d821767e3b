/* SPDX-License-Identifier: MIT */
/*
 * Entry, interruption stubs and waits of the s390x test-guest runtime.
 *
 * The VMM (or QEMU) starts CPU 0 at _start with the PSW mask
 * 0x0000000180000000: 64-bit addressing, DAT off, every interruption
 * masked, supervisor state.  Lowcore (0x0-0x1fff) belongs to the CPU.
 *
 * An interruption stub saves the interrupted GPRs in the lowcore save
 * area (a per-CPU real address, since every CPU has its own prefix),
 * builds a struct regs (guest.h) below the interrupted stack pointer,
 * calls the C handler with it and resumes with the (possibly changed)
 * struct regs through LPSWE.  New PSWs keep all interruptions masked, so
 * stubs never nest except by a program check in a handler, which is a bug.
 */
#include "arch/s390x/s390.h"

#define MAX_CPUS	8
#define STACK_SIZE	16384
#define LC_SAVE_AREA	0x200
#define LC_RETURN_PSW	0x280
#define LC_SCRATCH	0x290

/* struct regs: gprs[16], psw mask/addr, fprs[16], fpc */
#define REGS_GPRS	0
#define REGS_PSW	128
#define REGS_FPRS	144
#define REGS_FPC	272
#define REGS_SIZE	280
#define FRAME		(160 + REGS_SIZE)

/* Mask of every new PSW: 64-bit addressing, everything disabled. */
#define NEW_PSW_MASK	0x0000000180000000

	.section .text.start, "ax"
	.globl	_start
_start:
	larl	%r15, stack0 + STACK_SIZE - 160
	lghi	%r0, 0
	stg	%r0, 0(%r15)

	/* Clear .bss with MOVE LONG EXTENDED: no source (length 0), pad
	 * byte 0; CC 3 means "not finished yet, execute again". */
	larl	%r2, __bss_start
	larl	%r3, __bss_end
	sgr	%r3, %r2
	lghi	%r4, 0
	lghi	%r5, 0
1:	mvcle	%r2, %r4, 0
	jo	1b
	/* CPU 0's stack is recorded for symmetry with the secondaries. */
	larl	%r1, cpu_stack_top
	larl	%r2, stack0 + STACK_SIZE
	stg	%r2, 0(%r1)

	brasl	%r14, setup_cpu
	brasl	%r14, main
	/* exit(main()) */
	lgfr	%r2, %r2
	brasl	%r14, exit
	j	.

/*
 * Per-CPU setup: control register 0 (AFP so that gcc may use all 16
 * FPRs) and the new PSWs in this CPU's lowcore.
 */
setup_cpu:
	larl	%r1, cr0_init
	lctlg	%c0, %c0, 0(%r1)
	larl	%r1, new_psws
	lghi	%r2, 0			/* real address of this CPU's lowcore */
1:	lg	%r3, 0(%r1)		/* lowcore offset, 0 ends */
	ltgr	%r3, %r3
	jz	2f
	lg	%r4, 8(%r1)		/* handler */
	larl	%r5, new_psw_mask
	mvc	0(8, %r3), 0(%r5)
	stg	%r4, 8(%r3)
	aghi	%r1, 16
	j	1b
2:	br	%r14

/* Secondary CPUs come here from the restart new PSW (SIGP RESTART). */
	.globl	secondary_entry
secondary_entry:
	stap	LC_SCRATCH
	llgh	%r1, LC_SCRATCH
	clgfi	%r1, MAX_CPUS
	jhe	9f
	sllg	%r1, %r1, 3
	larl	%r2, cpu_stack_top
	lg	%r15, 0(%r1, %r2)
	ltgr	%r15, %r15
	jz	9f
	aghi	%r15, -160
	lghi	%r0, 0
	stg	%r0, 0(%r15)
	brasl	%r14, setup_cpu
	brasl	%r14, smp_secondary_main
9:	llill	%r2, 0xdead
	brasl	%r14, disabled_wait

/* void enabled_wait(uint64_t extra_mask): wait for one interruption. */
	.globl	enabled_wait
enabled_wait:
	aghi	%r15, -176
	epsw	%r0, %r1
	sllg	%r0, %r0, 32
	llgfr	%r1, %r1
	ogr	%r0, %r1
	ogr	%r0, %r2
	oihh	%r0, 0x0002		/* PSW bit 14: wait */
	stg	%r0, 160(%r15)
	larl	%r1, 1f
	stg	%r1, 168(%r15)
	lpswe	160(%r15)
1:	aghi	%r15, 176
	br	%r14

/* void disabled_wait(uint64_t code): the code is the PSW address. */
	.globl	disabled_wait
disabled_wait:
	aghi	%r15, -176
	larl	%r1, disabled_wait_mask
	mvc	160(8, %r15), 0(%r1)
	stg	%r2, 168(%r15)
	lpswe	160(%r15)
	j	.

.macro	STUB name, old, handler
\name:
	stmg	%r0, %r15, LC_SAVE_AREA
	aghi	%r15, -FRAME
	mvc	160+REGS_GPRS(128, %r15), LC_SAVE_AREA
	mvc	160+REGS_PSW(16, %r15), \old
	std	%f0, 160+REGS_FPRS+0(%r15)
	std	%f1, 160+REGS_FPRS+8(%r15)
	std	%f2, 160+REGS_FPRS+16(%r15)
	std	%f3, 160+REGS_FPRS+24(%r15)
	std	%f4, 160+REGS_FPRS+32(%r15)
	std	%f5, 160+REGS_FPRS+40(%r15)
	std	%f6, 160+REGS_FPRS+48(%r15)
	std	%f7, 160+REGS_FPRS+56(%r15)
	std	%f8, 160+REGS_FPRS+64(%r15)
	std	%f9, 160+REGS_FPRS+72(%r15)
	std	%f10, 160+REGS_FPRS+80(%r15)
	std	%f11, 160+REGS_FPRS+88(%r15)
	std	%f12, 160+REGS_FPRS+96(%r15)
	std	%f13, 160+REGS_FPRS+104(%r15)
	std	%f14, 160+REGS_FPRS+112(%r15)
	std	%f15, 160+REGS_FPRS+120(%r15)
	stfpc	160+REGS_FPC(%r15)
	lghi	%r0, 0
	stg	%r0, 0(%r15)
	la	%r2, 160(%r15)
	brasl	%r14, \handler
	j	resume
.endm

	STUB	pgm_stub, LC_PGM_OLD_PSW, pgm_handler
	STUB	ext_stub, LC_EXT_OLD_PSW, ext_handler
	STUB	svc_stub, LC_SVC_OLD_PSW, svc_handler
	STUB	mcck_stub, LC_MCCK_OLD_PSW, mcck_handler
	STUB	io_stub, LC_IO_OLD_PSW, io_handler

/* Resume from the struct regs at 160(%r15). */
resume:
	lfpc	160+REGS_FPC(%r15)
	ld	%f0, 160+REGS_FPRS+0(%r15)
	ld	%f1, 160+REGS_FPRS+8(%r15)
	ld	%f2, 160+REGS_FPRS+16(%r15)
	ld	%f3, 160+REGS_FPRS+24(%r15)
	ld	%f4, 160+REGS_FPRS+32(%r15)
	ld	%f5, 160+REGS_FPRS+40(%r15)
	ld	%f6, 160+REGS_FPRS+48(%r15)
	ld	%f7, 160+REGS_FPRS+56(%r15)
	ld	%f8, 160+REGS_FPRS+64(%r15)
	ld	%f9, 160+REGS_FPRS+72(%r15)
	ld	%f10, 160+REGS_FPRS+80(%r15)
	ld	%f11, 160+REGS_FPRS+88(%r15)
	ld	%f12, 160+REGS_FPRS+96(%r15)
	ld	%f13, 160+REGS_FPRS+104(%r15)
	ld	%f14, 160+REGS_FPRS+112(%r15)
	ld	%f15, 160+REGS_FPRS+120(%r15)
	mvc	LC_RETURN_PSW(16), 160+REGS_PSW(%r15)
	lmg	%r0, %r15, 160+REGS_GPRS(%r15)
	lpswe	LC_RETURN_PSW

	.section .rodata
	.align	8
new_psw_mask:
	.quad	NEW_PSW_MASK
disabled_wait_mask:
	.quad	0x0002000180000000
cr0_init:
	.quad	0x00000000000400e0	/* CR0_RESET | CR0_AFP (bit 45) */
new_psws:
	.quad	LC_PGM_NEW_PSW, pgm_stub
	.quad	LC_EXT_NEW_PSW, ext_stub
	.quad	LC_SVC_NEW_PSW, svc_stub
	.quad	LC_MCCK_NEW_PSW, mcck_stub
	.quad	LC_IO_NEW_PSW, io_stub
	.quad	LC_RESTART_NEW_PSW, secondary_entry
	.quad	0, 0

	.section .bss
	.align	4096
stack0:
	.skip	STACK_SIZE

	.section .note.GNU-stack, "", @progbits
