/* SPDX-License-Identifier: MIT */
/*
 * The port-I/O bridge: how an s390 guest reaches the ISA-style port-I/O
 * bus (devices/portio.h), which s390 does not have, through a
 * paravirtual DIAGNOSE.  README "Floppy and the port-I/O bridge" is the
 * guest-driver reference; in short:
 *
 *   DIAG 0x0F10 (DIAGNOSE with second-operand address 0x0F10, supervisor
 *   state; R1 and R3 are ignored).  GR1 = function:
 *
 *     0 IN      GR2 port (0-0xffff), GR3 size (1, 2 or 4)
 *               -> GR2 the value, zero-extended (all ones: no device)
 *     1 OUT     GR2 port, GR3 size, GR4 value (low 8/16/32 bits)
 *               -> GR2 0
 *     2 LEVELS  -> GR2 bit n (value 1 << n) = interrupt line n is high
 *     3 ENABLE  GR2 mask of lines whose rising edge makes an external
 *               interruption -> GR2 the previous mask (0 at start/reset)
 *     4 QUERY   -> GR2 0x50494f31 ("PIO1", interface version 1),
 *               GR3 the number of interrupt lines (16)
 *
 *   A bad port, size or mask gives GR2 = -EINVAL (-22), an unknown
 *   function GR2 = -ENOSYS (-38); the condition code is not changed.
 *
 *   Interrupts: when an enabled line goes from low to high, a floating
 *   external interruption with code 0x2603 is made pending (KVM's
 *   KVM_S390_INT_VIRTIO through the backend seam: any CPU with the
 *   external mask in the PSW and CR0 bit 54, the service-signal subclass
 *   mask, set takes it).  The external-interruption parameter (real
 *   0x80) is 0x50490000 | line, the CPU-address field (real 0x84) holds
 *   0x0d00, the 64-bit parameter (real 0x11b8) is 0.  Lines are levels:
 *   the guest finds out why from the device (e.g. fdc MSR) and may poll
 *   function 2 instead of enabling interruptions.
 */
#ifndef MINIVMM_PIO_BRIDGE_H
#define MINIVMM_PIO_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct pio_bridge;

#define PIO_BRIDGE_DIAG		0x0f10

#define PIO_FN_IN		0
#define PIO_FN_OUT		1
#define PIO_FN_LEVELS		2
#define PIO_FN_ENABLE		3
#define PIO_FN_QUERY		4

#define PIO_BRIDGE_MAGIC	0x50494f31u	/* "PIO1" */
#define PIO_IRQ_PARAM(line)	(0x50490000u | (line))

/* The registers a DIAG 0x0F10 call reads and writes. */
struct pio_diag_regs {
	uint64_t gr1, gr2, gr3, gr4;
};

/* Creates the bridge and installs it as vm->portio's interrupt sink. */
int pio_bridge_create(struct pio_bridge **out, struct vm *vm, char **err);
void pio_bridge_destroy(struct pio_bridge *b);
/* Reset (system_reset): no line enabled. */
void pio_bridge_reset(struct pio_bridge *b);
/* Serve one DIAG 0x0F10: reads gr1-gr4, writes gr2 (and gr3 for QUERY). */
void pio_bridge_diag(struct pio_bridge *b, struct pio_diag_regs *r);

/* Migration section "pio-bridge" (devices/pio-bridge.c). */
struct vms_desc;
extern const struct vms_desc pio_bridge_vmsd;

#endif
