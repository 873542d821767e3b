/* SPDX-License-Identifier: MIT */
/*
 * The vCPU thread and the first level of exit dispatch.
 *
 * Exits are dispatched by kvm_run.exit_reason, and SIE intercepts by their
 * interception code, through tables; the instruction intercept goes on to
 * arch/s390x/intercept.c, which dispatches by ipa.  The same code runs for
 * the KVM backend and the software CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/s390x/intercept.h"
#include "arch/s390x/s390.h"
#include "seccomp/seccomp.h"
#include "vmm/vm.h"

/* ---- State changes (PoP "CPU States": stopped / operating) -------- */

static bool all_stopped_locked(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->ncpus; i++)
		if (vm->vcpus[i]->state == VCPU_OPERATING)
			return false;
	return true;
}

void vcpu_start(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->lock);
	if (vcpu->state == VCPU_STOPPED) {
		vcpu->state = VCPU_OPERATING;
		vm->ops->set_mp_state(vcpu, KVM_MP_STATE_OPERATING);
		pthread_cond_broadcast(&vcpu->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

bool vcpu_is_stopped(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->vm->lock);
	bool stopped = vcpu->state != VCPU_OPERATING;
	pthread_mutex_unlock(&vcpu->vm->lock);
	return stopped;
}

/*
 * Enter the stopped state on the vCPU's own thread (after a stop
 * intercept, or a SIGP stop the CPU sent itself).  When no CPU is left
 * operating the VM is shut down, as QEMU does for s390.
 */
void vcpu_enter_stopped(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	bool all;

	pthread_mutex_lock(&vm->lock);
	vcpu->state = VCPU_STOPPED;
	vcpu->stop_requested = false;
	vm->ops->set_mp_state(vcpu, KVM_MP_STATE_STOPPED);
	all = all_stopped_locked(vm);
	pthread_mutex_unlock(&vm->lock);
	if (all)
		vm_request_end(vm, VM_END_SHUTDOWN, "all CPUs stopped: guest shut down");
}

void vcpu_request_stop(struct vcpu *vcpu, bool store_status)
{
	struct kvm_s390_irq irq = { .type = KVM_S390_SIGP_STOP };

	if (store_status)
		irq.u.stop.flags = KVM_S390_STOP_FLAG_STORE_STATUS;
	pthread_mutex_lock(&vcpu->vm->lock);
	vcpu->stop_requested = true;
	pthread_mutex_unlock(&vcpu->vm->lock);
	vcpu->vm->ops->irq(vcpu, &irq);
}

/* ---- Exit dispatch ------------------------------------------------- */

typedef int exit_fn(struct vcpu *vcpu);

struct icpt_handler {
	uint8_t code;
	const char *name;
	exit_fn *fn;
};

/* SIE interception codes (kvm_run.s390_sieic.icptcode). */
static const struct icpt_handler icpt_handlers[] = {
	{ ICPT_INSTRUCTION, "instruction", s390_handle_instruction },
	{ ICPT_PROGRAM, "program interruption", s390_handle_program_icpt },
	{ ICPT_INST_PROGRAM, "instruction and program", s390_handle_program_icpt },
	{ ICPT_OPEREXC, "operation exception", s390_handle_operexc },
	{ ICPT_WAIT, "wait state", s390_handle_wait },
	{ ICPT_STOP, "stop", s390_handle_stop },
	{ ICPT_VALIDITY, "validity", s390_handle_validity },
	{ ICPT_EXT_REQ, "external request", s390_handle_noop_icpt },
	{ ICPT_IO_REQ, "I/O request", s390_handle_noop_icpt },
};

static int handle_sieic(struct vcpu *vcpu)
{
	uint8_t code = vcpu->run->s390_sieic.icptcode;

	for (size_t i = 0; i < sizeof(icpt_handlers) / sizeof(icpt_handlers[0]); i++)
		if (icpt_handlers[i].code == code)
			return icpt_handlers[i].fn(vcpu);
	vm_request_end(vcpu->vm, VM_END_ERROR,
		       "CPU %u: unexpected SIE interception code 0x%02x", vcpu->id, code);
	return -EINVAL;
}

static int handle_intr(struct vcpu *vcpu)
{
	(void)vcpu;
	return 0;	/* a kick: the thread loop looks at the VM state */
}

struct exit_handler {
	uint32_t reason;
	const char *name;
	exit_fn *fn;
};

static const struct exit_handler exit_handlers[] = {
	{ KVM_EXIT_S390_SIEIC, "S390_SIEIC", handle_sieic },
	{ KVM_EXIT_S390_RESET, "S390_RESET", s390_handle_reset },
	{ KVM_EXIT_S390_STSI, "S390_STSI", s390_handle_stsi },
	{ KVM_EXIT_S390_TSCH, "S390_TSCH", s390_handle_tsch },
	{ KVM_EXIT_INTR, "INTR", handle_intr },
};

int vcpu_handle_exit(struct vcpu *vcpu)
{
	uint32_t reason = vcpu->run->exit_reason;

	for (size_t i = 0; i < sizeof(exit_handlers) / sizeof(exit_handlers[0]); i++)
		if (exit_handlers[i].reason == reason)
			return exit_handlers[i].fn(vcpu);
	vm_request_end(vcpu->vm, VM_END_ERROR, "CPU %u: unexpected KVM exit reason %u",
		       vcpu->id, reason);
	return -EINVAL;
}

/* ---- The thread ---------------------------------------------------- */

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	char *err = NULL;

	vcpu->tid = (int)gettid();
	/* Before any guest code: this thread's allowlist (seccomp/).  On
	 * failure the VM ends and the loop below finishes the thread. */
	if (sandbox_enter(SANDBOX_VCPU, &err) < 0) {
		vm_request_end(vm, VM_END_ERROR, "CPU %u: %s", vcpu->id,
			       err ? err : "cannot enter the sandbox");
		free(err);
	}
	for (;;) {
		/*
		 * The quiescent point: no run() in progress, the last exit
		 * handled.  A pause is acknowledged here whatever the
		 * architected state; a paused OPERATING CPU goes on operating
		 * after vm_resume().
		 */
		pthread_mutex_lock(&vm->lock);
		for (;;) {
			if (atomic_load(&vm->end) != VM_RUNNING)
				goto finished;
			if (vm->pause_requested) {
				if (!vcpu->paused) {
					vcpu->paused = true;
					pthread_cond_broadcast(&vm->pause_cond);
				}
			} else {
				vcpu->paused = false;
				if (vcpu->state != VCPU_STOPPED)
					break;
			}
			pthread_cond_wait(&vcpu->cond, &vm->lock);
		}
		pthread_mutex_unlock(&vm->lock);

		int rc = vm->ops->run(vcpu);
		if (rc < 0) {
			vm_request_end(vm, VM_END_ERROR, "CPU %u: KVM_RUN failed: %s",
				       vcpu->id, strerror(-rc));
			pthread_mutex_lock(&vm->lock);
			goto finished;
		}
		vcpu->exits++;
		if (vcpu_handle_exit(vcpu) < 0 && atomic_load(&vm->end) == VM_RUNNING)
			vm_request_end(vm, VM_END_ERROR, "CPU %u: exit handling failed",
				       vcpu->id);
	}
finished:
	/* vm->lock held */
	vcpu->state = VCPU_FINISHED;
	vcpu->paused = false;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->lock);
	return NULL;
}
