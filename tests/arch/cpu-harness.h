/* SPDX-License-Identifier: MIT */
/*
 * One-instruction test harness for the software CPU.
 *
 * A VM with the soft backend, one vCPU and 1 MiB of storage.  The CPU
 * starts in the 64-bit supervisor state (PSW mask 0x0000000180000000,
 * key 0, DAT off, interrupts disabled).  h_exec() places the instruction
 * bytes at H_CODE and executes exactly that instruction; a program
 * interruption it raises is caught (the program-new PSW points at a
 * marker) and reported.
 */
#ifndef MINIVMM_CPU_HARNESS_H
#define MINIVMM_CPU_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/s390x/softcpu.h"
#include "vmm/vm.h"

#define H_CODE		0x10000ULL	/* where h_exec() puts the instruction */
#define H_DATA		0x20000ULL	/* free storage for operands */
#define H_PGM_MARKER	0x0F000ULL	/* program-new PSW address */

struct harness {
	struct vm *vm;
	struct vcpu *vcpu;
	struct s390_cpu *cpu;
	/* Set by h_exec() when the instruction raised a program interruption. */
	uint16_t pgm_code;
	uint16_t pgm_ilc;
	uint64_t pgm_old_addr;	/* instruction address in the program old PSW */
	bool exited;		/* the instruction exited to userspace */
};

/* Create the VM; aborts the test (Bail out!) on failure. */
void h_init(struct harness *h);
void h_fini(struct harness *h);
/* Reset registers and PSW to the initial state described above. */
void h_reset(struct harness *h);

/*
 * Execute the instruction in bytes[0..len) at H_CODE.  Returns 0 when it
 * completed (cpu->psw_addr is then the next instruction or a branch
 * target), or the program-interruption code it raised (h->pgm_* set).
 * Returns -1 if it exited to userspace (h->exited; kvm_run filled).
 */
int h_exec(struct harness *h, const uint8_t *bytes, unsigned len);
/* Same with the instruction given as an integer of len bytes (2/4/6):
 * h_exec_insn(h, 0x1a12, 2) runs AR 1,2. */
int h_exec_insn(struct harness *h, uint64_t insn, unsigned len);

/* Guest storage access (absolute addresses), big-endian values. */
void h_poke(struct harness *h, uint64_t addr, const void *buf, uint64_t len);
void h_peek(struct harness *h, uint64_t addr, void *buf, uint64_t len);
void h_st64(struct harness *h, uint64_t addr, uint64_t v);
void h_st32(struct harness *h, uint64_t addr, uint32_t v);
uint64_t h_ld64(struct harness *h, uint64_t addr);
uint32_t h_ld32(struct harness *h, uint64_t addr);

#endif
