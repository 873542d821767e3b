/* SPDX-License-Identifier: MIT */
/*
 * The floppy controller's migration state: section "fdc" with the
 * subsection "fdc/phase" (devices/fdc.c is the register model).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "devices/fdc-priv.h"
#include "migrate/vmstate.h"
#include "vmm/error.h"

/* ---- migration ---------------------------------------------------------------
 *
 * Section "fdc" (instance 0): the guest-visible members of struct fdc and
 * of each drive (marked above); whether a drive has media is compared
 * with the destination's (each side opens its own image).  `line` is
 * derived (recomputed on commit); the wiring is not state.
 *
 * The phase is the subsection fdc/phase (README "Machine types and compat
 * rules", STYLE item 4): needed() when it differs from what
 * fdc_reconstruct_phase() derives from MSR, which a destination without
 * the subsection would use.  Policy property migrate-phase: "always" by
 * default (s390-ccw-mini-2 and later), "when-needed" on -1 (compat row).
 * Today they differ only while DOR holds the controller in reset.
 */
struct fdc_drive_state {
	bool media;			/* configuration: must match */
	uint8_t track, head, sect;
	bool dskchg, int_pending;
	uint8_t int_st0;
};

static const struct vms_field fdc_drive_fields[] = {
	VMS_SCALAR(struct fdc_drive_state, media, VMS_BOOL, 1),
	VMS_SCALAR(struct fdc_drive_state, track, VMS_U8, 1),
	VMS_SCALAR(struct fdc_drive_state, head, VMS_U8, 1),
	VMS_SCALAR(struct fdc_drive_state, sect, VMS_U8, 1),
	VMS_SCALAR(struct fdc_drive_state, dskchg, VMS_BOOL, 1),
	VMS_SCALAR(struct fdc_drive_state, int_pending, VMS_BOOL, 1),
	VMS_SCALAR(struct fdc_drive_state, int_st0, VMS_U8, 1),
};
static const struct vms_desc fdc_drive_vmsd = {
	.name = "fdc-drive", .version = 1, .min_version = 1,
	.size = sizeof(struct fdc_drive_state), VMS_FIELDS(fdc_drive_fields),
};

struct fdc_state {
	uint8_t dor, tdr, dsr, msr;
	bool intr;
	uint32_t phase;			/* subsection fdc/phase */
	uint8_t fifo[FDC_FIFO_SIZE];
	uint32_t data_pos, data_len;
	uint8_t cmd, xfer, xfer_drive, xfer_hds;
	uint8_t xfer_c, xfer_h, xfer_r, xfer_n, xfer_eot, xfer_left, xfer_fill;
	uint8_t st0, st1, st2;
	uint8_t specify[2];
	uint8_t config, pretrk;
	bool locked;
	uint8_t perpendicular, last_eot, reset_sensei;
	struct fdc_drive_state drives[FDC_DRIVES];
};

/* Copy the members both ways: to_state true for a save. */
#define FDC_STATE_MEMBERS(X) \
	X(dor) X(tdr) X(dsr) X(msr) X(intr) X(data_pos) X(data_len) X(cmd) \
	X(xfer) X(xfer_drive) X(xfer_hds) X(xfer_c) X(xfer_h) X(xfer_r) \
	X(xfer_n) X(xfer_eot) X(xfer_left) X(xfer_fill) X(st0) X(st1) X(st2) \
	X(config) X(pretrk) X(locked) X(perpendicular) X(last_eot) \
	X(reset_sensei)

static int fdc_pre_save(void *dev, void *state, char **err)
{
	struct fdc *f = dev;
	struct fdc_state *s = state;

	(void)err;
	pthread_mutex_lock(&f->lock);
#define TO_STATE(m) s->m = f->m;
	FDC_STATE_MEMBERS(TO_STATE)
#undef TO_STATE
	s->phase = f->phase;
	memcpy(s->fifo, f->fifo, sizeof(s->fifo));
	memcpy(s->specify, f->specify, sizeof(s->specify));
	for (unsigned int i = 0; i < FDC_DRIVES; i++) {
		const struct fdc_drive *d = &f->drives[i];

		s->drives[i] = (struct fdc_drive_state){
			.media = d->media != NULL, .track = d->track,
			.head = d->head, .sect = d->sect, .dskchg = d->dskchg,
			.int_pending = d->int_pending, .int_st0 = d->int_st0,
		};
	}
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int fdc_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	struct fdc *f = dev;
	struct fdc_state *s = state;

	(void)version;
	/* Without fdc/phase, reconstruct it the way the frozen function
	 * says (the source sent it whenever that would be wrong). */
	if (!present[0])
		s->phase = fdc_reconstruct_phase(s->msr);
	if (s->phase < FDC_PHASE_COMMAND || s->phase > FDC_PHASE_RESULT ||
	    s->data_len > FDC_FIFO_SIZE || s->data_pos > s->data_len ||
	    s->xfer > XFER_FORMAT || s->xfer_drive >= FDC_DRIVES ||
	    s->reset_sensei > FDC_RESET_SENSEI) {
		error_setf(err, "inconsistent controller state: phase %u, FIFO "
			   "%u/%u, transfer %u on drive %u, %u reset statuses",
			   s->phase, s->data_pos, s->data_len, s->xfer,
			   s->xfer_drive, s->reset_sensei);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < FDC_DRIVES; i++) {
		bool here = fdc_has_media(f, i);

		if (s->drives[i].media != here) {
			error_setf(err, "floppy drive %u %s media in the stream "
				   "but %s here (check -drive if=floppy)", i,
				   s->drives[i].media ? "has" : "has no",
				   here ? "has" : "not");
			return -EINVAL;
		}
	}
	return 0;
}

static void fdc_commit(void *dev, const void *state)
{
	struct fdc *f = dev;
	const struct fdc_state *s = state;

	pthread_mutex_lock(&f->lock);
#define FROM_STATE(m) f->m = s->m;
	FDC_STATE_MEMBERS(FROM_STATE)
#undef FROM_STATE
	f->phase = (enum fdc_phase)s->phase;
	memcpy(f->fifo, s->fifo, sizeof(f->fifo));
	memcpy(f->specify, s->specify, sizeof(f->specify));
	for (unsigned int i = 0; i < FDC_DRIVES; i++) {
		struct fdc_drive *d = &f->drives[i];

		d->track = s->drives[i].track;
		d->head = s->drives[i].head;
		d->sect = s->drives[i].sect;
		d->dskchg = s->drives[i].dskchg;
		d->int_pending = s->drives[i].int_pending;
		d->int_st0 = s->drives[i].int_st0;
	}
	/* The IRQ 6 level on the bus.  The bridge is restored after us
	 * (migrate/registry.c), so no interruption is made here; a pending
	 * one travels in the flic section. */
	fdc_update_line(f);
	pthread_mutex_unlock(&f->lock);
}

static bool fdc_phase_state_needed(void *dev, const void *state)
{
	const struct fdc_state *s = state;

	(void)dev;
	return fdc_reconstruct_phase(s->msr) != (enum fdc_phase)s->phase;
}

static const struct vms_field fdc_fields[] = {
	VMS_SCALAR(struct fdc_state, dor, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, tdr, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, dsr, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, msr, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, intr, VMS_BOOL, 1),
	VMS_BUF(struct fdc_state, fifo, 1),
	VMS_SCALAR(struct fdc_state, data_pos, VMS_U32, 1),
	VMS_SCALAR(struct fdc_state, data_len, VMS_U32, 1),
	VMS_SCALAR(struct fdc_state, cmd, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_drive, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_hds, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_c, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_h, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_r, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_n, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_eot, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_left, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, xfer_fill, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, st0, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, st1, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, st2, VMS_U8, 1),
	VMS_ARRAY(struct fdc_state, specify, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, config, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, pretrk, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, locked, VMS_BOOL, 1),
	VMS_SCALAR(struct fdc_state, perpendicular, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, last_eot, VMS_U8, 1),
	VMS_SCALAR(struct fdc_state, reset_sensei, VMS_U8, 1),
	VMS_STRUCTS(struct fdc_state, drives, fdc_drive_vmsd, 1),
};

static const struct vms_field fdc_phase_fields[] = {
	VMS_SCALAR(struct fdc_state, phase, VMS_U32, 1),
};
static const struct vms_desc fdc_phase_vmsd = {
	.name = "fdc/phase", .version = 1, .min_version = 1,
	.size = sizeof(struct fdc_state), VMS_FIELDS(fdc_phase_fields),
};

static const struct vms_subsection fdc_subs[] = {
	{
		.name = "fdc/phase", .desc = &fdc_phase_vmsd,
		.policy_prop = "migrate-phase",
		.policy_default = VMS_ALWAYS,
		.needed = fdc_phase_state_needed,
		.needed_doc = "phase != fdc_reconstruct_phase(MSR) (frozen)",
	},
};

const struct vms_desc fdc_vmsd = {
	.name = "fdc", .version = 1, .min_version = 1,
	.size = sizeof(struct fdc_state), VMS_FIELDS(fdc_fields),
	VMS_SUBS(fdc_subs),
	.pre_save = fdc_pre_save, .post_load = fdc_post_load,
	.commit = fdc_commit,
};
