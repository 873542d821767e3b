/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the migration tests: a small software-CPU VM without
 * threads (nothing runs; state is set through the backend ops like a
 * restore would), and a deterministic random source.
 */
#ifndef MINIVMM_TESTS_MIG_HARNESS_H
#define MINIVMM_TESTS_MIG_HARNESS_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ksft.h"
#include "migrate/migrate.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

static uint64_t mig_rng = 0x9e3779b97f4a7c15ULL;

static inline uint64_t rnd(void)
{
	/* xorshift64* */
	mig_rng ^= mig_rng >> 12;
	mig_rng ^= mig_rng << 25;
	mig_rng ^= mig_rng >> 27;
	return mig_rng * 0x2545f4914f6cdd1dULL;
}

static inline struct vm *mig_new_vm(const char *machine, uint64_t ram,
				    unsigned int ncpus)
{
	static int devnull = -1;
	struct vm_config cfg = {
		.machine = machine,
		.ram_size = ram,
		.ncpus = ncpus,
		.backend = &soft_backend_ops,
		.console_in = -1,
	};
	struct vm *vm = NULL;
	char *err = NULL;

	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	cfg.console_out = devnull;
	if (vm_create(&vm, &cfg, &err))
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	return vm;
}

/* Give a VM some state worth migrating: registers on every CPU, pending
 * interruptions, a few RAM pages (data, duplicates), storage keys. */
static inline void mig_fill_vm(struct vm *vm, uint64_t seed)
{
	mig_rng = seed | 1;
	for (unsigned int c = 0; c < vm->ncpus; c++) {
		struct vcpu *v = vm->vcpus[c];
		struct kvm_regs regs;
		struct kvm_sregs sregs;
		struct kvm_fpu fpu;

		for (int i = 0; i < 16; i++) {
			regs.gprs[i] = rnd();
			sregs.acrs[i] = (uint32_t)rnd();
			sregs.crs[i] = rnd();
			fpu.fprs[i] = rnd();
		}
		fpu.fpc = 0x00070000;	/* valid FPC: masks only */
		vm->ops->set_regs(v, &regs);
		vm->ops->set_sregs(v, &sregs);
		vm->ops->set_fpu(v, &fpu);
		vm->ops->set_one_reg(v, KVM_REG_S390_CLOCK_COMP, rnd());
		vm->ops->set_one_reg(v, KVM_REG_S390_TODPR, rnd() & 0xffff);
		vm->ops->set_one_reg(v, KVM_REG_S390_CPU_TIMER, 1ULL << 40);
		vm->ops->set_initial_psw(v, 0x0000000180000000ULL,
					 0x10000 + 2 * c);
		v->run->s.regs.prefix = 0x2000u * (c + 1);
		v->run->kvm_valid_regs |= KVM_SYNC_PREFIX;
		struct kvm_s390_irq q = { .type = KVM_S390_INT_EMERGENCY };
		q.u.emerg.code = (uint16_t)(c + 1);
		vm->ops->irq(v, &q);
		struct kvm_s390_irq x = { .type = KVM_S390_INT_EXTERNAL_CALL };
		x.u.extcall.code = 0;
		vm->ops->irq(v, &x);
	}
	struct kvm_s390_interrupt io = {
		.type = KVM_S390_INT_IO(0, 0, 0, 1),
		.parm = 0x00010001, .parm64 = 0x1234567880000000ULL >> 1,
	};
	vm->ops->floating_irq(vm, &io);
	struct kvm_s390_interrupt svc = {
		.type = KVM_S390_INT_SERVICE, .parm = 0x7ff000,
	};
	vm->ops->floating_irq(vm, &svc);
	/* RAM: a few data pages, one duplicated, the rest zero. */
	for (uint64_t p = 0; p < 8 && (p + 1) * 4096 <= vm->ram_size; p++)
		for (unsigned int i = 0; i < 4096; i += 8)
			be64_st(vm->ram + p * 4096 + i, p < 4 ? rnd() : 0x5a5a5a5a5a5a5a5aULL);
	uint8_t keys[16];
	for (int i = 0; i < 16; i++)
		keys[i] = (uint8_t)(i << 4) | 0x06;
	vm->ops->set_skeys(vm, 0, 16, keys);
}

/* Encoded state of every section (pre_save + encode with the machine
 * type's policies). */
static inline struct vms_buf *mig_images(struct vm *vm, struct mig_sections *ss)
{
	char *err = NULL;

	if (migrate_collect(vm, ss, &err))
		ksft_exit_fail_msg("collect: %s\n", err);
	struct vms_buf *img = calloc(ss->n, sizeof(*img));
	for (unsigned int i = 0; i < ss->n; i++) {
		void *st = calloc(1, ss->s[i].desc->size);
		if (ss->s[i].desc->pre_save &&
		    ss->s[i].desc->pre_save(ss->s[i].dev, st, &err))
			ksft_exit_fail_msg("pre_save: %s\n", err);
		if (vms_encode(&img[i], ss->s[i].desc, ss->s[i].dev, st,
			       &ss->s[i].pol, &err))
			ksft_exit_fail_msg("encode: %s\n", err);
		free(st);
	}
	return img;
}

static inline void mig_images_free(struct vms_buf *img, struct mig_sections *ss)
{
	for (unsigned int i = 0; i < ss->n; i++)
		vms_buf_free(&img[i]);
	free(img);
	mig_sections_free(ss);
}

#endif
