/* SPDX-License-Identifier: MIT */
/*
 * An 8237A-style ISA DMA controller: the first (8-bit) controller,
 * channels 0-3, at ports 0x00-0x0f, and the page registers at 0x80-0x8f
 * (channel 2, the floppy's, has its page at 0x81).  A channel's guest
 * address is page << 16 | 16-bit address: 24 bits into guest absolute
 * storage, wrapping inside the 64 KiB page as on the 8237 (no carry into
 * the page register).  The 16-bit second controller (0xc0-0xdf) is not
 * modelled; its ports float.
 *
 * A device asks for service with isa_dma_set_drq(); it moves bytes with
 * isa_dma_transfer(), which honours the mode register (verify / write to
 * memory / read from memory, increment or decrement, auto-initialize) and
 * stops at terminal count (TC).  When the guest unmasks a channel whose
 * DRQ is up, the channel's handler runs (outside the DMA lock) so the
 * device can go on with a transfer that was waiting.
 */
#ifndef MINIVMM_ISA_DMA_H
#define MINIVMM_ISA_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct portio_bus;
struct isa_dma;

#define ISA_DMA_CHANNELS	4
#define ISA_DMA_FLOPPY		2

enum isa_dma_dir {
	ISA_DMA_TO_MEMORY,	/* device -> storage: 8237 "write transfer" */
	ISA_DMA_FROM_MEMORY,	/* storage -> device: 8237 "read transfer" */
};

typedef void isa_dma_ready_fn(void *opaque);

int isa_dma_create(struct isa_dma **out, struct vm *vm, struct portio_bus *bus,
		   char **err);
void isa_dma_destroy(struct isa_dma *d);
/* Back to the state after a hardware reset (all channels masked). */
void isa_dma_reset(struct isa_dma *d);

void isa_dma_set_handler(struct isa_dma *d, unsigned int chan,
			 isa_dma_ready_fn *fn, void *opaque);
void isa_dma_set_drq(struct isa_dma *d, unsigned int chan, bool level);
/* Unmasked and the controller enabled: a transfer can proceed. */
bool isa_dma_ready(struct isa_dma *d, unsigned int chan);
/*
 * Move up to len bytes between buf and the channel's storage window.
 * Returns the bytes the channel took (fewer than len when TC is reached;
 * 0 when the channel is not ready).  *tc (may be NULL) is set when this
 * call reached terminal count.  A mode whose direction is not dir still
 * counts the bytes (8237 verify semantics) but touches no storage;
 * storage outside guest memory reads as 0xff and drops writes (an ISA
 * bus with nothing there).
 */
size_t isa_dma_transfer(struct isa_dma *d, unsigned int chan, void *buf,
			size_t len, enum isa_dma_dir dir, bool *tc);

/* Migration section "isa-dma" (devices/isa-dma.c); dev = struct isa_dma. */
struct vms_desc;
extern const struct vms_desc isa_dma_vmsd;

#endif
