/* SPDX-License-Identifier: MIT */
/*
 * Intel 82078-compatible floppy disk controller at the primary ISA ports
 * 0x3f0-0x3f5 and 0x3f7, IRQ 6, DMA channel 2, two drives with raw
 * images.  See devices/fdc.c for the registers, the commands and the
 * command/execution/result phases.
 */
#ifndef MINIVMM_FDC_H
#define MINIVMM_FDC_H

#include <stdbool.h>
#include <stdint.h>

struct portio_bus;
struct isa_dma;
struct fdc;

#define FDC_BASE_PORT		0x3f0
#define FDC_IRQ			6
#define FDC_DMA_CHANNEL		2
#define FDC_DRIVES		2

/*
 * The three phases of the 82078 datasheet ("Command/Result Phases").
 * 0 is never a phase, so a zeroed struct or a stream byte of 0 is caught.
 * The values are migration ABI (the fdc/phase subsection carries them).
 */
enum fdc_phase {
	FDC_PHASE_COMMAND = 1,
	FDC_PHASE_EXECUTION = 2,
	FDC_PHASE_RESULT = 3,
};

/* Main status register bits (datasheet "Main Status Register"). */
#define FDC_MSR_DRV_BUSY	0x0f	/* drive 0-3 seeking */
#define FDC_MSR_CMD_BUSY	0x10
#define FDC_MSR_NON_DMA		0x20
#define FDC_MSR_DIO		0x40	/* 1: controller -> host */
#define FDC_MSR_RQM		0x80

/* A floppy format, detected from an image's size. */
struct fdc_geometry {
	uint64_t bytes;
	uint8_t tracks, heads, sectors;	/* sectors per track, 512 bytes each */
	const char *name;
};

/* The format of an image of this size, or NULL. */
const struct fdc_geometry *fdc_geometry_for_size(uint64_t bytes);

int fdc_create(struct fdc **out, struct portio_bus *bus, struct isa_dma *dma,
	       char **err);
void fdc_destroy(struct fdc *f);
/* Power-on state (system_reset): DOR 0x0c, no command, media kept. */
void fdc_reset(struct fdc *f);

/*
 * Media.  Inserting opens the image (read-only when asked) and checks its
 * size against the known formats; both insert and eject set the drive's
 * disk-change line (DIR bit 7), which a step pulse with a disk present
 * clears, as on hardware.  0 or -errno with *err set.
 */
int fdc_insert(struct fdc *f, unsigned int drive, const char *path,
	       bool readonly, char **err);
/* The same with an open image fd (owned from now on, on failure too);
 * name is for messages. */
int fdc_insert_fd(struct fdc *f, unsigned int drive, int fd, const char *name,
		  bool readonly, char **err);
int fdc_eject(struct fdc *f, unsigned int drive, char **err);
bool fdc_has_media(struct fdc *f, unsigned int drive);

/* The explicit phase, and the MSR value it goes with. */
enum fdc_phase fdc_phase(struct fdc *f);
uint8_t fdc_msr(struct fdc *f);
/*
 * The phase an implementation without the phase field would derive from
 * the main status register.  A pure function of the register value:
 * FROZEN AS MIGRATION ABI (the fdc/phase subsection is needed() exactly
 * when this differs from the explicit phase; changing it changes which
 * streams carry the subsection).
 */
enum fdc_phase fdc_reconstruct_phase(uint8_t msr);
/* phase != fdc_reconstruct_phase(msr): the fdc/phase subsection's needed(). */
bool fdc_phase_needed(struct fdc *f);

/* Migration section "fdc" with subsection fdc/phase (devices/fdc.c);
 * dev = struct fdc. */
struct vms_desc;
extern const struct vms_desc fdc_vmsd;

#endif
