/* SPDX-License-Identifier: MIT */
/*
 * Route <asm/kvm.h> to the s390 uapi header on non-s390 hosts.
 *
 * minivmm is an s390x VMM even when it runs on an x86_64 machine (with the
 * software CPU backend): struct kvm_run, kvm_regs, kvm_sregs, kvm_fpu and
 * kvm_sync_regs must have their s390 layout everywhere.  <linux/kvm.h> is
 * architecture-neutral and includes <asm/kvm.h>; meson puts this directory
 * first on the include path of non-s390 builds and defines S390_ASM_KVM_H to
 * the s390 header shipped by linux-libc-dev-s390x-cross.
 */
#include S390_ASM_KVM_H
