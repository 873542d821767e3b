/* SPDX-License-Identifier: MIT */
/*
 * VM lifetime: guest storage, vCPUs, the SCLP, and the run/stop protocol
 * between the main thread and the vCPU threads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/s390x/s390.h"
#include "arch/s390x/sclp.h"
#include "vmm/error.h"
#include "vmm/vm.h"

uint64_t vm_real_to_abs(uint32_t prefix, uint64_t addr)
{
	if (addr < LOWCORE_SIZE)
		return addr + prefix;
	if (addr >= prefix && addr < (uint64_t)prefix + LOWCORE_SIZE)
		return addr - prefix;
	return addr;
}

void *vm_absolute(struct vm *vm, uint64_t addr, uint64_t len)
{
	if (addr > vm->ram_size || len > vm->ram_size - addr)
		return NULL;
	return vm->ram + addr;
}

int vm_read(struct vm *vm, uint64_t addr, void *buf, uint64_t len)
{
	void *p = vm_absolute(vm, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vm_write(struct vm *vm, uint64_t addr, const void *buf, uint64_t len)
{
	void *p = vm_absolute(vm, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

/*
 * Guest storage: anonymous memory aligned to 1 MiB, because s390 KVM
 * accepts only memory slots whose host address and size are 1 MiB
 * aligned (segment tables map it in 1 MiB units).
 */
static int map_guest_ram(struct vm *vm, char **err)
{
	size_t align = VM_MEM_INCREMENT;
	size_t len = vm->ram_size + align;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		int e = errno;
		error_setf(err, "cannot allocate %llu MiB of guest memory: %s",
			   (unsigned long long)(vm->ram_size >> 20), strerror(e));
		return -e;
	}
	uint8_t *ram = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (ram > p)
		munmap(p, (size_t)(ram - p));
	size_t tail = (size_t)(p + len - (ram + vm->ram_size));
	if (tail)
		munmap(ram + vm->ram_size, tail);
	vm->ram = ram;
	return 0;
}

static void vm_free(struct vm *vm)
{
	/* The SCLP's input thread injects interrupts: stop it first. */
	if (vm->sclp)
		sclp_destroy(vm->sclp);
	vm->sclp = NULL;
	for (unsigned int i = 0; i < VM_MAX_CPUS; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		if (vcpu->backend)
			vm->ops->vcpu_exit(vcpu);
		pthread_cond_destroy(&vcpu->cond);
		free(vcpu);
	}
	if (vm->backend)
		vm->ops->vm_exit(vm);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	pthread_mutex_destroy(&vm->lock);
	pthread_cond_destroy(&vm->cond);
	free(vm);
}

int vm_create(struct vm **out, const struct vm_config *cfg, char **err)
{
	struct vm *vm;
	int rc;

	if (!cfg->backend) {
		error_setf(err, "no vCPU backend selected");
		return -EINVAL;
	}
	if (cfg->ncpus < 1 || cfg->ncpus > VM_MAX_CPUS) {
		error_setf(err, "%u CPUs requested; minivmm supports 1 to %u",
			   cfg->ncpus, VM_MAX_CPUS);
		return -EINVAL;
	}
	if (cfg->ram_size == 0 || cfg->ram_size % VM_MEM_INCREMENT) {
		error_setf(err, "guest memory must be a non-zero multiple of 1 MiB");
		return -EINVAL;
	}

	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->ops = cfg->backend;
	vm->ncpus = cfg->ncpus;
	vm->ram_size = cfg->ram_size;
	snprintf(vm->machine, sizeof(vm->machine), "%s",
		 cfg->machine ? cfg->machine : "");

	rc = map_guest_ram(vm, err);
	if (rc < 0)
		goto fail;

	rc = vm->ops->vm_init(vm, err);
	if (rc < 0)
		goto fail;
	rc = vm->ops->set_memory(vm, 0, 0, vm->ram_size, vm->ram, err);
	if (rc < 0)
		goto fail;

	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = calloc(1, sizeof(*vcpu));

		if (!vcpu) {
			rc = -ENOMEM;
			error_setf(err, "out of memory");
			goto fail;
		}
		vcpu->vm = vm;
		vcpu->id = i;
		vcpu->state = VCPU_STOPPED;
		pthread_cond_init(&vcpu->cond, NULL);
		vm->vcpus[i] = vcpu;
		rc = vm->ops->vcpu_init(vcpu, err);
		if (rc < 0)
			goto fail;
	}

	rc = sclp_create(&vm->sclp, vm, cfg->console_in, cfg->console_out, err);
	if (rc < 0)
		goto fail;

	*out = vm;
	return 0;
fail:
	vm_free(vm);
	return rc;
}

void vm_destroy(struct vm *vm)
{
	if (vm)
		vm_free(vm);
}

void vm_request_end(struct vm *vm, enum vm_end why, const char *fmt, ...)
{
	int expected = VM_RUNNING;

	if (!atomic_compare_exchange_strong(&vm->end, &expected, (int)why))
		return;
	pthread_mutex_lock(&vm->lock);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->end_msg, sizeof(vm->end_msg), fmt, ap);
	va_end(ap);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		pthread_cond_broadcast(&vcpu->cond);
		if (vcpu->run)
			vm->ops->kick(vcpu);
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

struct vcpu *vm_find_vcpu(struct vm *vm, uint16_t cpu_addr)
{
	if (cpu_addr >= vm->ncpus)
		return NULL;
	return vm->vcpus[cpu_addr];
}

enum vm_end vm_run(struct vm *vm)
{
	/* CPU 0 is the IPL CPU; the others wait for SIGP. */
	vcpu_start(vm->vcpus[0]);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];
		int rc = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

		if (rc) {
			vm_request_end(vm, VM_END_ERROR, "cannot start vCPU thread %u: %s",
				       i, strerror(rc));
			break;
		}
		vcpu->thread_started = true;
	}

	pthread_mutex_lock(&vm->lock);
	while (atomic_load(&vm->end) == VM_RUNNING)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);

	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (vcpu->thread_started) {
			pthread_join(vcpu->thread, NULL);
			vcpu->thread_started = false;
		}
	}
	return (enum vm_end)atomic_load(&vm->end);
}
