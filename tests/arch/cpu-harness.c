/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"
#include "vmm/endian.h"

#define H_RAM		(1ULL << 20)
#define H_PSW_MASK	0x0000000180000000ULL

void h_init(struct harness *h)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini-1",
		.ram_size = H_RAM,
		.ncpus = 1,
		.backend = &soft_backend_ops,
		.console_in = -1,
		.console_out = 1,
	};
	char *err = NULL;

	memset(h, 0, sizeof(*h));
	if (vm_create(&h->vm, &cfg, &err) < 0)
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	h->vcpu = h->vm->vcpus[0];
	h->cpu = softcpu_of(h->vcpu);
	h_reset(h);
}

void h_fini(struct harness *h)
{
	vm_destroy(h->vm);
	h->vm = NULL;
}

void h_reset(struct harness *h)
{
	struct s390_cpu *cpu = h->cpu;
	uint8_t *lc = h->vm->ram;

	memset(cpu->gr, 0, sizeof(cpu->gr));
	memset(cpu->fpr, 0, sizeof(cpu->fpr));
	memset(cpu->ar, 0, sizeof(cpu->ar));
	memset(cpu->cr, 0, sizeof(cpu->cr));
	cpu->cr[0] = CR0_RESET | CR0_AFP;
	cpu->cr[14] = CR14_RESET;
	cpu->fpc = 0;
	cpu->prefix = 0;
	cpu->cc = 0;
	cpu->psw_mask = H_PSW_MASK;
	cpu->psw_addr = H_CODE;
	/* Program-new PSW: a disabled wait at the marker address. */
	be64_st(lc + LC_PGM_NEW_PSW, H_PSW_MASK | PSW_MASK_WAIT);
	be64_st(lc + LC_PGM_NEW_PSW + 8, H_PGM_MARKER);
}

int h_exec(struct harness *h, const uint8_t *bytes, unsigned len)
{
	struct s390_cpu *cpu = h->cpu;
	struct kvm_run *run = h->vcpu->run;
	uint8_t *lc = h->vm->ram;
	bool exited = false;

	memcpy(h->vm->ram + H_CODE, bytes, len);
	h->pgm_code = 0;
	h->pgm_ilc = 0;
	h->exited = false;
	be16_st(lc + LC_PGM_CODE, 0);
	cpu->psw_addr = H_CODE;

	/* softcpu_step() loads state from kvm_run: publish ours first. */
	run->psw_mask = cpu_get_psw_mask(cpu);
	run->psw_addr = cpu->psw_addr;
	run->kvm_dirty_regs = 0;

	softcpu_step(h->vcpu, 1, &exited);
	if (exited) {
		h->exited = true;
		return -1;
	}
	if (cpu->psw_addr == H_PGM_MARKER && (cpu->psw_mask & PSW_MASK_WAIT)) {
		h->pgm_code = be16_ld(lc + LC_PGM_CODE);
		h->pgm_ilc = be16_ld(lc + LC_PGM_ILC);
		h->pgm_old_addr = be64_ld(lc + LC_PGM_OLD_PSW + 8);
		/* Continue in the state the old PSW describes. */
		cpu_load_psw(cpu, be64_ld(lc + LC_PGM_OLD_PSW), h->pgm_old_addr);
		return h->pgm_code ? h->pgm_code : 0xffff;
	}
	return 0;
}

int h_exec_insn(struct harness *h, uint64_t insn, unsigned len)
{
	uint8_t b[6];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(insn >> (8 * (len - 1 - i)));
	return h_exec(h, b, len);
}

void h_poke(struct harness *h, uint64_t addr, const void *buf, uint64_t len)
{
	if (vm_write(h->vm, addr, buf, len) < 0)
		ksft_exit_fail_msg("h_poke outside guest storage\n");
}

void h_peek(struct harness *h, uint64_t addr, void *buf, uint64_t len)
{
	if (vm_read(h->vm, addr, buf, len) < 0)
		ksft_exit_fail_msg("h_peek outside guest storage\n");
}

void h_st64(struct harness *h, uint64_t addr, uint64_t v)
{
	uint8_t b[8];
	be64_st(b, v);
	h_poke(h, addr, b, 8);
}

void h_st32(struct harness *h, uint64_t addr, uint32_t v)
{
	uint8_t b[4];
	be32_st(b, v);
	h_poke(h, addr, b, 4);
}

uint64_t h_ld64(struct harness *h, uint64_t addr)
{
	uint8_t b[8];
	h_peek(h, addr, b, 8);
	return be64_ld(b);
}

uint32_t h_ld32(struct harness *h, uint64_t addr)
{
	uint8_t b[4];
	h_peek(h, addr, b, 4);
	return be32_ld(b);
}
