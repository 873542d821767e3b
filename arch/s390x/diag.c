/* SPDX-License-Identifier: MIT */
/*
 * DIAGNOSE codes that reach userspace.  The code is bits 48-63 of the
 * second-operand address (DIAG R1,R3,D2(B2)).  A code minivmm does not
 * implement gets a specification exception, as on KVM with QEMU.
 *
 *   0x308  IPL functions.  Subcodes 3 and 4 (clear / normal reset and
 *          re-IPL) are turned into KVM_EXIT_S390_RESET by the kernel.
 *          Subcodes 5 and 6 (set / store IPL parameters) answer "no
 *          configuration" (rc 0x0102 in R1+1): minivmm boots with
 *          -kernel and has no IPL device to describe.
 *   0x500  KVM/virtio hypercall.  Subcode 3 (GR1) is the virtio-ccw
 *          notification: GR2 subchannel id, GR3 queue index, GR4 the
 *          host cookie of the previous notification; the new cookie,
 *          or -EINVAL for an unknown subchannel or queue, goes to GR2
 *          (virtio spec 4.3.3.2).  Other subcodes: specification
 *          exception.
 *   0xF10  port-I/O bridge (devices/pio-bridge.h, README "Floppy and the
 *          port-I/O bridge"): GR1 function, GR2-GR4 operands; results
 *          in GR2 (and GR3).
 */
#include <errno.h>

#include "arch/s390x/intercept.h"
#include "arch/s390x/s390.h"
#include "devices/pio-bridge.h"
#include "devices/virtio-ccw.h"
#include "vmm/vm.h"

#define DIAG308_RC_NO_CONF	0x0102

static int diag_308(struct vcpu *vcpu, unsigned int r1, unsigned int r3)
{
	uint64_t subcode = s390_gpr(vcpu, r3) & 0xffff;

	if (r1 & 1)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	switch (subcode) {
	case 5:
	case 6:
		s390_set_gpr(vcpu, r1 + 1, DIAG308_RC_NO_CONF);
		return 0;
	default:
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	}
}

#define DIAG500_VIRTIO_CCW_NOTIFY	3

static int diag_500(struct vcpu *vcpu)
{
	if (s390_gpr(vcpu, 1) != DIAG500_VIRTIO_CCW_NOTIFY)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	int64_t r = virtio_ccw_notify(vcpu->vm->css, (uint32_t)s390_gpr(vcpu, 2),
				      s390_gpr(vcpu, 3), s390_gpr(vcpu, 4));
	s390_set_gpr(vcpu, 2, (uint64_t)r);
	return 0;
}

/* The port-I/O bridge (devices/pio-bridge.h): GR1-GR4 in, GR2/GR3 out. */
static int diag_pio_bridge(struct vcpu *vcpu)
{
	struct pio_diag_regs r = {
		s390_gpr(vcpu, 1), s390_gpr(vcpu, 2), s390_gpr(vcpu, 3),
		s390_gpr(vcpu, 4),
	};

	if (!vcpu->vm->pio_bridge)
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	pio_bridge_diag(vcpu->vm->pio_bridge, &r);
	s390_set_gpr(vcpu, 2, r.gr2);
	s390_set_gpr(vcpu, 3, r.gr3);
	return 0;
}

int s390_handle_diag(struct vcpu *vcpu)
{
	uint16_t ipa = vcpu->run->s390_sieic.ipa;
	unsigned int r1 = (ipa >> 4) & 0xf, r3 = ipa & 0xf;
	unsigned int code = (unsigned int)s390_icpt_b2d2(vcpu) & 0xffff;

	if (vcpu->run->psw_mask & PSW_MASK_PSTATE)
		return s390_program_interrupt(vcpu, PGM_PRIVILEGED);
	switch (code) {
	case DIAG_IPL:
		return diag_308(vcpu, r1, r3);
	case DIAG_VIRTIO_NOTIFY:
		return diag_500(vcpu);
	case PIO_BRIDGE_DIAG:
		return diag_pio_bridge(vcpu);
	default:
		return s390_program_interrupt(vcpu, PGM_SPECIFICATION);
	}
}
