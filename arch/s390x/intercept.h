/* SPDX-License-Identifier: MIT */
/*
 * Second-level exit handlers (arch/s390x/): instruction intercepts by
 * ipa, and the s390-specific exits, for both backends.
 *
 * Handlers see the guest registers in vcpu->run (psw_mask/psw_addr and
 * s.regs, valid after every exit) and change them through the helpers
 * below, which mark the sync fields dirty for the next entry.
 */
#ifndef MINIVMM_INTERCEPT_H
#define MINIVMM_INTERCEPT_H

#include <stdint.h>

#include "vmm/vm.h"

int s390_handle_instruction(struct vcpu *vcpu);
int s390_handle_program_icpt(struct vcpu *vcpu);
int s390_handle_operexc(struct vcpu *vcpu);
int s390_handle_wait(struct vcpu *vcpu);
int s390_handle_stop(struct vcpu *vcpu);
int s390_handle_validity(struct vcpu *vcpu);
int s390_handle_noop_icpt(struct vcpu *vcpu);
int s390_handle_reset(struct vcpu *vcpu);
int s390_handle_stsi(struct vcpu *vcpu);
int s390_handle_tsch(struct vcpu *vcpu);

/* Register helpers for handlers. */
uint64_t s390_gpr(struct vcpu *vcpu, unsigned int r);
void s390_set_gpr(struct vcpu *vcpu, unsigned int r, uint64_t v);
void s390_set_cc(struct vcpu *vcpu, unsigned int cc);
/* Inject a program interruption for the intercepted instruction. */
int s390_program_interrupt(struct vcpu *vcpu, uint16_t code);
/* Length in bytes of the intercepted instruction (from ipa). */
unsigned int s390_icpt_ilen(struct vcpu *vcpu);
/* Base+displacement operand address of an RS/S-format instruction. */
uint64_t s390_icpt_b2d2(struct vcpu *vcpu);
/*
 * An intercepted instruction's storage operand at logical address a:
 * copies len bytes to (write) or from guest storage, or with buf NULL
 * only checks that it could.  Logical addresses go through DAT when the
 * exit's PSW has it on (the ASCE of its address space; in the AR mode
 * access register ar with ALET 0 or 1), then prefixing and the storage
 * bound.  Returns 0, or injects the program interruption (translation
 * exceptions with their TEID, protection for a store into a DAT-protected
 * page, addressing) and returns -1; nothing is copied then.
 */
int s390_guest_rw(struct vcpu *vcpu, uint64_t a, unsigned int ar, void *buf,
		  uint64_t len, bool write);

/* SIGP orders that reach userspace (arch/s390x/sigp.c).  Returns the cc;
 * *status is stored into R1 by the caller for cc 1. */
int s390_sigp(struct vcpu *vcpu, uint8_t order, uint16_t dst, uint64_t param,
	      uint32_t *status);
int s390_handle_sigp(struct vcpu *vcpu);
/* Store status of a stopped vCPU at absolute address addr (0x1200 form). */
int s390_store_status(struct vcpu *vcpu, uint64_t addr, bool arch_byte);

/* DIAGNOSE codes that reach userspace (arch/s390x/diag.c). */
int s390_handle_diag(struct vcpu *vcpu);

#endif
