// SPDX-License-Identifier: MIT
/*
 * vm_pause()/vm_resume()/vm_system_reset() with real vCPU threads on the
 * software CPU: a guest loop counts in storage; after vm_pause() the count
 * and the registers no longer move (every thread acknowledged at a
 * quiescent point), a stopped CPU acknowledges too, resume goes on from
 * where it was, and a system reset restarts the guest through the boot
 * hook.  The main loop runs on its own thread here (vm_run()).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define CODE	0x10000
#define COUNTER	0x4000

/*
 *	lghi	%r1,0
 *	lghi	%r2,0x4000
 * 0:	aghi	%r1,1
 *	stg	%r1,0(%r2)
 *	j	0b
 */
static const uint8_t loop_code[] = {
	0xa7, 0x19, 0x00, 0x00, 0xa7, 0x29, 0x40, 0x00,
	0xa7, 0x1b, 0x00, 0x01, 0xe3, 0x10, 0x20, 0x00, 0x00, 0x24,
	0xa7, 0xf4, 0xff, 0xfb,
};

static struct vm *vm;
static int boots;

static uint64_t counter(void)
{
	uint8_t b[8];

	vm_read(vm, COUNTER, b, 8);
	return be64_ld(b);
}

static int boot(void *opaque, struct vm *v, char **err)
{
	(void)opaque;
	(void)err;
	memset(vm_absolute(v, COUNTER, 8), 0, 8);
	vm_write(v, CODE, loop_code, sizeof(loop_code));
	boots++;
	return v->ops->set_initial_psw(v->vcpus[0], 0x0000000180000000ULL, CODE);
}

/* Bounded wait (not a timing assertion): give up after 30 s. */
static bool wait_for_count_above(uint64_t v)
{
	for (int i = 0; i < 30000; i++) {
		if (counter() > v)
			return true;
		usleep(1000);
	}
	return false;
}

static void *runner(void *arg)
{
	(void)arg;
	vm_run(vm);
	return NULL;
}

int main(void)
{
	struct vm_config cfg = {
		.ram_size = 16 << 20, .ncpus = 2, .backend = &soft_backend_ops,
		.console_in = -1, .console_out = STDERR_FILENO,
	};
	struct kvm_regs r1, r2;
	char *err = NULL;
	pthread_t t;

	ksft_print_header();
	ksft_set_plan(11);
	if (vm_create(&vm, &cfg, &err) < 0)
		ksft_exit_fail_msg("vm_create: %s\n", err);
	vm_set_boot_hook(vm, boot, NULL);
	boot(NULL, vm, NULL);
	pthread_create(&t, NULL, runner, NULL);

	ksft_test_result(wait_for_count_above(1000), "guest loop runs\n");

	bool was_running = vm_pause(vm);
	uint64_t c1 = counter();
	vm->ops->get_regs(vm->vcpus[0], &r1);
	usleep(20000);
	uint64_t c2 = counter();
	vm->ops->get_regs(vm->vcpus[0], &r2);
	ksft_test_result(was_running && vm_is_paused(vm) && vm->vcpus[0]->paused &&
			 vm->vcpus[1]->paused, "vm_pause: both threads acknowledged "
			 "(the stopped CPU 1 too)\n");
	ksft_test_result(c1 == c2 && !memcmp(&r1, &r2, sizeof(r1)),
			 "storage and registers stable while paused\n");
	ksft_test_result(r1.gprs[1] == c1 || r1.gprs[1] == c1 + 1,
			 "GPR 1 (%llu) matches the count (%llu)\n",
			 (unsigned long long)r1.gprs[1], (unsigned long long)c1);
	ksft_test_result(!vm_pause(vm), "second vm_pause: already paused\n");
	ksft_test_result(vm->vcpus[0]->state == VCPU_OPERATING &&
			 vm->vcpus[1]->state == VCPU_STOPPED,
			 "pause leaves the architected states alone\n");

	ksft_test_result(vm_resume(vm) && wait_for_count_above(c2) &&
			 counter() > c2 && !vm_is_paused(vm),
			 "vm_resume: the count goes on from where it stopped\n");

	/* A floating service signal the guest (external interruptions
	 * disabled) never takes: pending until the reset drops it. */
	struct kvm_s390_interrupt svc = { .type = KVM_S390_INT_SERVICE, .parm = 0x8000 };
	struct kvm_s390_irq fl[4];
	vm->ops->floating_irq(vm, &svc);
	int npending = vm->ops->get_floating_irqs(vm, fl, 4);

	uint64_t before = counter();
	int rc = vm_system_reset(vm, "host-qmp-system-reset", &err);
	ksft_test_result(rc == 0 && boots == 2 && !vm_is_paused(vm) &&
			 vm->vcpus[0]->state == VCPU_OPERATING,
			 "system_reset: guest reloaded, CPU 0 restarted (count was %llu)\n",
			 (unsigned long long)before);
	ksft_test_result(npending == 1 && vm->ops->get_floating_irqs(vm, fl, 4) == 0,
			 "system_reset drops the pending floating interruption (%d before)\n",
			 npending);
	ksft_test_result(wait_for_count_above(1000), "guest runs again after reset\n");

	vm_pause(vm);
	vm_request_end(vm, VM_END_QUIT, "test done");
	pthread_join(t, NULL);
	ksft_test_result(atomic_load(&vm->end) == VM_END_QUIT &&
			 vm->vcpus[0]->state == VCPU_FINISHED,
			 "ending while paused finishes the threads\n");
	vm_destroy(vm);
	return ksft_finished();
}
