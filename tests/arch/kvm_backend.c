/* SPDX-License-Identifier: MIT */
/*
 * The KVM backend on a real s390x host: one vCPU runs a hand-assembled
 * guest through ops->run() directly (no vCPU thread, no exit handlers).
 *
 *   CODE:     LGHI 1,42            a7 19 00 2a
 *             DIAG 0,0,0x501       83 00 05 01   -> exit 1
 *   CODE+8:   DIAG 0,0,0x501       83 00 05 01   (reached only if the
 *                                                 external call is lost)
 *   HANDLER:  DIAG 0,0,0x501       83 00 05 01   -> exit 2
 *
 * DIAGNOSE is always intercepted and KVM handles no code 0x501 itself, so
 * it reaches userspace as an instruction intercept (icptcode 4) with
 * ipa = 0x8300 (opcode, R1R3) and ipb = 0x05010000 (B2D2, left-justified),
 * the PSW already past it.
 *
 * Skipped where /dev/kvm is missing or the host is not s390x (the backend
 * is only built there); SKIP is not a pass.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "vmm/backend.h"
#include "vmm/vm.h"

#ifdef MINIVMM_HAVE_KVM
#include "arch/s390x/s390.h"
#include "vmm/endian.h"

#define CODE		0x2000ULL
#define HANDLER		0x3000ULL
#define SKEY_GFN	0x80ULL		/* 4 pages nothing else touches */
#define CLEAN_GFN	0xC8ULL		/* a page the guest never writes */
#define PSW_64		PSW_MASK_64	/* 64-bit mode, all interrupts off */
/* One second of TOD clock: bit 51 is one microsecond. */
#define TOD_SECOND	(1000000ULL << 12)

static const uint8_t guest_code[] = {
	0xa7, 0x19, 0x00, 0x2a,		/* LGHI 1,42 */
	0x83, 0x00, 0x05, 0x01,		/* DIAG 0,0,0x501 */
	0x83, 0x00, 0x05, 0x01,		/* DIAG 0,0,0x501 */
};
static const uint8_t handler_code[] = {
	0x83, 0x00, 0x05, 0x01,		/* DIAG 0,0,0x501 */
};

static bool is_diag501(const struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_S390_SIEIC &&
	       run->s390_sieic.icptcode == 4 &&
	       run->s390_sieic.ipa == 0x8300 &&
	       run->s390_sieic.ipb == 0x05010000;
}

static int run_tests(void)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini",
		.ram_size = VM_MEM_INCREMENT,
		.ncpus = 1,
		.backend = &kvm_backend_ops,
		.console_in = -1,
		.console_out = STDERR_FILENO,
	};
	const struct backend_ops *ops = &kvm_backend_ops;
	struct kvm_regs regs, back;
	struct kvm_sregs sregs;
	struct kvm_s390_irq irq;
	struct vcpu *vcpu;
	struct kvm_run *run;
	struct vm *vm;
	char *err = NULL;
	uint64_t tod, bitmap[VM_MEM_INCREMENT / VM_PAGE_SIZE / 64];
	uint8_t keys[4] = { 0x10, 0x28, 0x30, 0xF8 }, keys_back[4];
	bool ok;
	int r;

	ksft_set_plan(11);

	r = vm_create(&vm, &cfg, &err);
	if (r < 0)
		ksft_exit_fail_msg("vm_create with the KVM backend: %s\n",
				   err ? err : "(no message)");
	vcpu = vm->vcpus[0];
	run = vcpu ? vcpu->run : NULL;
	if (!run)
		ksft_exit_fail_msg("vm_create made no vCPU 0 with a kvm_run\n");

	memcpy(vm->ram + CODE, guest_code, sizeof(guest_code));
	memcpy(vm->ram + HANDLER, handler_code, sizeof(handler_code));
	/* External new PSW: 64-bit, disabled, at HANDLER. */
	be64_st(vm->ram + LC_EXT_NEW_PSW, PSW_64);
	be64_st(vm->ram + LC_EXT_NEW_PSW + 8, HANDLER);

	r = ops->set_initial_psw(vcpu, PSW_64, CODE);
	if (r < 0)
		ksft_exit_fail_msg("set_initial_psw: %s\n", strerror(-r));

	/* 1-4: LGHI then the intercepted DIAG. */
	r = ops->run(vcpu);
	ksft_test_result(r == 0 && run->exit_reason == KVM_EXIT_S390_SIEIC,
			 "run exits with KVM_EXIT_S390_SIEIC (r=%d reason=%u)\n",
			 r, run->exit_reason);
	ksft_test_result(is_diag501(run),
			 "DIAG 0x501 intercept: icptcode %u ipa 0x%04x "
			 "ipb 0x%08x\n", run->s390_sieic.icptcode,
			 run->s390_sieic.ipa, run->s390_sieic.ipb);
	ksft_test_result(run->s.regs.gprs[1] == 42,
			 "synced gpr 1 is 42 (0x%llx)\n",
			 (unsigned long long)run->s.regs.gprs[1]);
	ksft_test_result(run->psw_addr == CODE + 8,
			 "PSW past the DIAG (0x%llx)\n",
			 (unsigned long long)run->psw_addr);

	/* 5: register round trip through KVM_SET_REGS/KVM_GET_REGS. */
	for (int i = 0; i < 16; i++)
		regs.gprs[i] = 0x0101010101010101ULL * (uint64_t)(i + 1);
	memset(&back, 0, sizeof(back));
	ok = ops->set_regs(vcpu, &regs) == 0 &&
	     ops->get_regs(vcpu, &back) == 0 &&
	     memcmp(&regs, &back, sizeof(regs)) == 0 &&
	     run->s.regs.gprs[15] == regs.gprs[15];
	ksft_test_result(ok, "set_regs/get_regs round trip\n");

	/* 6: a kick before run() makes it return KVM_EXIT_INTR at once. */
	ops->kick(vcpu);
	r = ops->run(vcpu);
	ksft_test_result(r == 0 && run->exit_reason == KVM_EXIT_INTR &&
			 run->psw_addr == CODE + 8,
			 "kick: KVM_EXIT_INTR without executing (r=%d "
			 "reason=%u)\n", r, run->exit_reason);

	/* 7: TOD set/get. */
	ok = ops->set_tod(vm, 0x1234567800000000ULL) == 0 &&
	     ops->get_tod(vm, &tod) == 0 &&
	     tod >= 0x1234567800000000ULL &&
	     tod - 0x1234567800000000ULL < 10 * TOD_SECOND;
	ksft_test_result(ok, "set_tod/get_tod (0x%llx)\n",
			 (unsigned long long)tod);

	/* 8: storage keys (ACC and F; R and C belong to the hardware). */
	memset(keys_back, 0, sizeof(keys_back));
	ok = ops->set_skeys(vm, SKEY_GFN, 4, keys) == 0 &&
	     ops->get_skeys(vm, SKEY_GFN, 4, keys_back) == 0;
	for (int i = 0; ok && i < 4; i++)
		ok = (keys_back[i] & 0xF8) == keys[i];
	ksft_test_result(ok, "set_skeys/get_skeys round trip\n");

	/* 9-11: external call, enabled by PSW bit 7 and CR0 bit 50. */
	memset(bitmap, 0, sizeof(bitmap));
	r = ops->set_dirty_log(vm, 0, true, NULL);	/* logging is opt-in */
	if (r < 0)
		ksft_exit_fail_msg("set_dirty_log: %s\n", strerror(-r));
	r = ops->get_dirty_log(vm, 0, bitmap);	/* start clean */
	if (r < 0)
		ksft_exit_fail_msg("get_dirty_log: %s\n", strerror(-r));
	r = ops->get_sregs(vcpu, &sregs);
	if (r == 0) {
		sregs.crs[0] |= CR0_EXTERNAL_CALL;
		r = ops->set_sregs(vcpu, &sregs);
	}
	if (r < 0)
		ksft_exit_fail_msg("get/set_sregs: %s\n", strerror(-r));
	memset(&irq, 0, sizeof(irq));
	irq.type = KVM_S390_INT_EXTERNAL_CALL;
	irq.u.extcall.code = 0;		/* from CPU address 0 */
	r = ops->irq(vcpu, &irq);
	if (r < 0)
		ksft_exit_fail_msg("irq (external call): %s\n", strerror(-r));
	run->psw_mask |= PSW_MASK_EXT;
	r = ops->run(vcpu);
	ksft_test_result(r == 0 && is_diag501(run) &&
			 run->psw_addr == HANDLER + 4,
			 "external call taken: exit at 0x%llx\n",
			 (unsigned long long)run->psw_addr);
	ksft_test_result(be16_ld(vm->ram + LC_EXT_INT_CODE) ==
				 EXT_EXTERNAL_CALL &&
			 be16_ld(vm->ram + LC_EXT_CPU_ADDR) == 0 &&
			 be64_ld(vm->ram + LC_EXT_OLD_PSW + 8) == CODE + 8,
			 "lowcore: code 0x%04x cpu %u old PSW addr 0x%llx\n",
			 be16_ld(vm->ram + LC_EXT_INT_CODE),
			 be16_ld(vm->ram + LC_EXT_CPU_ADDR),
			 (unsigned long long)be64_ld(vm->ram + LC_EXT_OLD_PSW + 8));

	/* The interruption stored into page 0 only. */
	memset(bitmap, 0, sizeof(bitmap));
	r = ops->get_dirty_log(vm, 0, bitmap);
	ksft_test_result(r == 0 && (bitmap[0] & 1) &&
			 !(bitmap[CLEAN_GFN / 64] & (1ULL << (CLEAN_GFN % 64))),
			 "dirty log: page 0 dirty, page 0x%llx clean "
			 "(word 0 = 0x%llx)\n", CLEAN_GFN,
			 (unsigned long long)bitmap[0]);

	vm_destroy(vm);
	return ksft_finished();
}
#endif /* MINIVMM_HAVE_KVM */

int main(void)
{
	const char *why = NULL;

	ksft_print_header();
	if (!kvm_backend_available(&why))
		ksft_exit_skip("KVM backend unavailable: %s\n",
			       why ? why : "(no reason given)");
#ifdef MINIVMM_HAVE_KVM
	return run_tests();
#else
	ksft_exit_skip("KVM backend not built (needs an s390x host)\n");
#endif
}
