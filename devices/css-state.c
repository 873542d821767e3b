// SPDX-License-Identifier: MIT
/*
 * Migration state of the channel subsystem (migrate/vmstate.h tables for
 * the structs of css-internal.h).
 *
 *   css         (one, instance 0) the pending channel reports in queue
 *               order (PoP "Channel-Report Word"), the CRW overflow flag,
 *               the SCHM measurement mode and block origin, and the number
 *               of subchannels (configuration: must match).
 *   subchannel  (one per subchannel, instance = subchannel number) the
 *               PMCW, SCSW, measurement-block address, basic sense, ESW
 *               extended-report word, the ORB of the current start
 *               function, the CCW address a suspended program resumes at
 *               and the pending PCI; plus the device number and the SENSE
 *               ID identification, which are configuration: the load
 *               checks them against the destination's -device options.
 *
 * A status-pending subchannel's I/O interruption itself is pending in the
 * backend and travels in the flic section.  The device behind a
 * subchannel adds its own sections through css_dev_ops.mig_collect
 * (virtio-ccw: devices/virtio-ccw.c).  Host-side members (ops, dev, the
 * lock, the device collection) are not state: don't migrate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/css-internal.h"
#include "migrate/migrate.h"
#include "vmm/error.h"

/* ---- css ---------------------------------------------------------- */

struct css_state {
	uint32_t nsch;			/* configuration: must match */
	uint32_t ncrw;
	uint32_t crw[CSS_MAX_CRWS];	/* queue order, oldest first */
	bool crw_overflow;
	uint64_t mb_origin;
	uint8_t mb_key;
	bool mb_update, mb_mode2;
};

static int css_pre_save(void *dev, void *state, char **err)
{
	struct css *css = dev;
	struct css_state *s = state;

	(void)err;
	pthread_mutex_lock(&css->lock);
	s->nsch = css->nsch;
	s->ncrw = css->crw_count;
	for (unsigned int i = 0; i < css->crw_count; i++)
		s->crw[i] = css->crw[(css->crw_head + i) % CSS_MAX_CRWS];
	s->crw_overflow = css->crw_overflow;
	s->mb_origin = css->mb_origin;
	s->mb_key = css->mb_key;
	s->mb_update = css->mb_update;
	s->mb_mode2 = css->mb_mode2;
	pthread_mutex_unlock(&css->lock);
	return 0;
}

static int css_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	struct css *css = dev;
	const struct css_state *s = state;

	(void)version;
	(void)present;
	if (s->nsch != css->nsch) {
		error_setf(err, "the stream has %u subchannels, this destination "
			   "%u (check the -device options)", s->nsch, css->nsch);
		return -EINVAL;
	}
	/* SCHM: the key is 4 bits (GR1 bits 32-35). */
	if (s->mb_key > 0xf) {
		error_setf(err, "mb_key %u is not a storage key", s->mb_key);
		return -EINVAL;
	}
	return 0;
}

static void css_commit(void *dev, const void *state)
{
	struct css *css = dev;
	const struct css_state *s = state;

	pthread_mutex_lock(&css->lock);
	css->crw_head = 0;
	css->crw_count = s->ncrw;
	memcpy(css->crw, s->crw, s->ncrw * sizeof(s->crw[0]));
	css->crw_overflow = s->crw_overflow;
	css->mb_origin = s->mb_origin;
	css->mb_key = s->mb_key;
	css->mb_update = s->mb_update;
	css->mb_mode2 = s->mb_mode2;
	pthread_mutex_unlock(&css->lock);
}

static const struct vms_field css_fields[] = {
	VMS_SCALAR(struct css_state, nsch, VMS_U32, 1),
	VMS_SCALAR(struct css_state, ncrw, VMS_U32, 1),
	VMS_VARRAY(struct css_state, crw, VMS_U32, ncrw, 1),
	VMS_SCALAR(struct css_state, crw_overflow, VMS_BOOL, 1),
	VMS_SCALAR(struct css_state, mb_origin, VMS_U64, 1),
	VMS_SCALAR(struct css_state, mb_key, VMS_U8, 1),
	VMS_SCALAR(struct css_state, mb_update, VMS_BOOL, 1),
	VMS_SCALAR(struct css_state, mb_mode2, VMS_BOOL, 1),
};

const struct vms_desc css_vmsd = {
	.name = "css", .version = 1, .min_version = 1,
	.size = sizeof(struct css_state), VMS_FIELDS(css_fields),
	.pre_save = css_pre_save, .post_load = css_post_load,
	.commit = css_commit,
};

/* ---- subchannel --------------------------------------------------- */

static const struct vms_field pmcw_fields[] = {
	VMS_SCALAR(struct pmcw, intparm, VMS_U32, 1),
	VMS_SCALAR(struct pmcw, flags, VMS_U16, 1),
	VMS_SCALAR(struct pmcw, devno, VMS_U16, 1),
	VMS_SCALAR(struct pmcw, lpm, VMS_U8, 1),
	VMS_SCALAR(struct pmcw, pnom, VMS_U8, 1),
	VMS_SCALAR(struct pmcw, lpum, VMS_U8, 1),
	VMS_SCALAR(struct pmcw, pim, VMS_U8, 1),
	VMS_SCALAR(struct pmcw, mbi, VMS_U16, 1),
	VMS_SCALAR(struct pmcw, pom, VMS_U8, 1),
	VMS_SCALAR(struct pmcw, pam, VMS_U8, 1),
	VMS_ARRAY(struct pmcw, chpid, VMS_U8, 1),
	VMS_SCALAR(struct pmcw, chars, VMS_U32, 1),
};
static const struct vms_desc pmcw_vmsd = {
	.name = "pmcw", .version = 1, .min_version = 1,
	.size = sizeof(struct pmcw), VMS_FIELDS(pmcw_fields),
};

static const struct vms_field scsw_fields[] = {
	VMS_SCALAR(struct scsw, flags, VMS_U16, 1),
	VMS_SCALAR(struct scsw, ctrl, VMS_U16, 1),
	VMS_SCALAR(struct scsw, cpa, VMS_U32, 1),
	VMS_SCALAR(struct scsw, dstat, VMS_U8, 1),
	VMS_SCALAR(struct scsw, cstat, VMS_U8, 1),
	VMS_SCALAR(struct scsw, count, VMS_U16, 1),
};
static const struct vms_desc scsw_vmsd = {
	.name = "scsw", .version = 1, .min_version = 1,
	.size = sizeof(struct scsw), VMS_FIELDS(scsw_fields),
};

struct sch_state {
	/* Configuration: must match the destination's. */
	uint16_t cu_type, dev_type;
	uint8_t cu_model, dev_model;
	/* Guest-visible. */
	struct pmcw pmcw[1];
	struct scsw scsw[1];
	uint64_t mba;
	uint8_t sense[CSS_SENSE_SIZE];
	uint32_t erw;
	uint32_t orb[ORB_SIZE / 4];
	uint64_t suspended_ccw;
	bool pci_pending;
};

static int sch_pre_save(void *dev, void *state, char **err)
{
	struct subchannel *sch = dev;
	struct sch_state *s = state;

	(void)err;
	pthread_mutex_lock(&sch->css->lock);
	s->cu_type = sch->id.cu_type;
	s->cu_model = sch->id.cu_model;
	s->dev_type = sch->id.dev_type;
	s->dev_model = sch->id.dev_model;
	s->pmcw[0] = sch->pmcw;
	s->scsw[0] = sch->scsw;
	s->mba = sch->mba;
	memcpy(s->sense, sch->sense, sizeof(s->sense));
	s->erw = sch->erw;
	memcpy(s->orb, sch->orb, sizeof(s->orb));
	s->suspended_ccw = sch->suspended_ccw;
	s->pci_pending = sch->pci_pending;
	pthread_mutex_unlock(&sch->css->lock);
	return 0;
}

static int sch_post_load(void *dev, void *state, uint32_t version,
			 const bool *present, char **err)
{
	const struct subchannel *sch = dev;
	const struct sch_state *s = state;
	const struct pmcw *p = &s->pmcw[0];

	(void)version;
	(void)present;
	if (p->devno != sch->pmcw.devno || s->cu_type != sch->id.cu_type ||
	    s->cu_model != sch->id.cu_model || s->dev_type != sch->id.dev_type ||
	    s->dev_model != sch->id.dev_model) {
		error_setf(err, "the stream has device fe.0.%04x (control unit "
			   "%04x/%02x), this destination fe.0.%04x (%04x/%02x) "
			   "(check the -device options)", p->devno, s->cu_type,
			   s->cu_model, sch->pmcw.devno, sch->id.cu_type,
			   sch->id.cu_model);
		return -EINVAL;
	}
	/* PoP "Path-Management-Control Word": reserved bits are zero and
	 * the device number is valid for every subchannel minivmm has. */
	if ((p->flags & PMCW_FLAGS_INVALID) || !(p->flags & PMCW_FLAGS_DNV) ||
	    (p->chars & PMCW_CHARS_INVALID)) {
		error_setf(err, "PMCW flags %#x / characteristics %#x have "
			   "reserved bits set", p->flags, p->chars);
		return -EINVAL;
	}
	/* Only a suspended start function survives a synchronous channel
	 * program: the activity control may not say "running". */
	if (s->scsw[0].ctrl & (SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE)) {
		error_setf(err, "SCSW control %#x says a channel program is "
			   "running", s->scsw[0].ctrl);
		return -EINVAL;
	}
	return 0;
}

static void sch_commit(void *dev, const void *state)
{
	struct subchannel *sch = dev;
	const struct sch_state *s = state;

	pthread_mutex_lock(&sch->css->lock);
	sch->pmcw = s->pmcw[0];
	sch->scsw = s->scsw[0];
	sch->mba = s->mba;
	memcpy(sch->sense, s->sense, sizeof(sch->sense));
	sch->erw = s->erw;
	memcpy(sch->orb, s->orb, sizeof(sch->orb));
	sch->suspended_ccw = s->suspended_ccw;
	sch->pci_pending = s->pci_pending;
	pthread_mutex_unlock(&sch->css->lock);
}

static const struct vms_field sch_fields[] = {
	VMS_SCALAR(struct sch_state, cu_type, VMS_U16, 1),
	VMS_SCALAR(struct sch_state, cu_model, VMS_U8, 1),
	VMS_SCALAR(struct sch_state, dev_type, VMS_U16, 1),
	VMS_SCALAR(struct sch_state, dev_model, VMS_U8, 1),
	VMS_STRUCTS(struct sch_state, pmcw, pmcw_vmsd, 1),
	VMS_STRUCTS(struct sch_state, scsw, scsw_vmsd, 1),
	VMS_SCALAR(struct sch_state, mba, VMS_U64, 1),
	VMS_BUF(struct sch_state, sense, 1),
	VMS_SCALAR(struct sch_state, erw, VMS_U32, 1),
	VMS_ARRAY(struct sch_state, orb, VMS_U32, 1),
	VMS_SCALAR(struct sch_state, suspended_ccw, VMS_U64, 1),
	VMS_SCALAR(struct sch_state, pci_pending, VMS_BOOL, 1),
};

const struct vms_desc subchannel_vmsd = {
	.name = "subchannel", .version = 1, .min_version = 1,
	.size = sizeof(struct sch_state), VMS_FIELDS(sch_fields),
	.pre_save = sch_pre_save, .post_load = sch_post_load,
	.commit = sch_commit,
};

/* ---- the sections of a css ---------------------------------------- */

int css_mig_collect(struct css *css, struct mig_sections *ss)
{
	int rc = mig_sections_add(ss, &css_vmsd, 0, css);

	for (unsigned int i = 0; !rc && i < css->nsch; i++)
		rc = mig_sections_add(ss, &subchannel_vmsd, css->sch[i]->schno,
				      css->sch[i]);
	for (unsigned int i = 0; !rc && i < css->nsch; i++) {
		struct subchannel *sch = css->sch[i];

		if (sch->ops->mig_collect)
			rc = sch->ops->mig_collect(sch->dev, sch->schno, ss);
	}
	return rc;
}
