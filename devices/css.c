/* SPDX-License-Identifier: MIT */
/*
 * Channel subsystem: subchannels, the I/O instructions (PoP chapter 14),
 * I/O interruptions (chapter 16) and channel reports (chapter 17).
 *
 * Guest structures cross the boundary once, as big-endian byte images:
 * schib_to_guest()/schib_from_guest(), irb_to_guest(), orb parsing in
 * css_ssch().  Everything inside works on host-order structs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/s390.h"
#include "devices/css-internal.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/vm.h"

/* ---- lifetime ------------------------------------------------------- */

int css_create(struct css **out, struct vm *vm, char **err)
{
	struct css *css = calloc(1, sizeof(*css));

	if (!css) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	css->vm = vm;
	pthread_mutex_init(&css->lock, NULL);
	*out = css;
	return 0;
}

void css_destroy(struct css *css)
{
	if (!css)
		return;
	if (css->devices_destroy)
		css->devices_destroy(css->devices);
	for (unsigned int i = 0; i < css->nsch; i++)
		free(css->sch[i]);
	pthread_mutex_destroy(&css->lock);
	free(css);
}

void css_own_devices(struct css *css, void (*destroy)(void *), void *devices)
{
	css->devices_destroy = destroy;
	css->devices = devices;
}

struct vm *css_vm(const struct css *css)
{
	return css->vm;
}

struct css *css_sch_css(const struct subchannel *sch)
{
	return sch->css;
}

uint16_t css_sch_devno(const struct subchannel *sch)
{
	return sch->pmcw.devno;
}

uint16_t css_sch_schno(const struct subchannel *sch)
{
	return sch->schno;
}

uint8_t css_sch_isc(const struct subchannel *sch)
{
	return (uint8_t)((sch->pmcw.flags & PMCW_FLAGS_ISC) >> 11);
}

int css_parse_devno(const char *s)
{
	const char *p = s;
	char *end;
	unsigned long v;

	/* "fe.0.XXXX": cssid fe (the virtual css), subchannel set 0. */
	if (strchr(s, '.')) {
		if (strncmp(s, "fe.0.", 5))
			return -1;
		p = s + 5;
	}
	if (!*p || strlen(p) > 4)
		return -1;
	v = strtoul(p, &end, 16);
	if (*end)
		return -1;
	return (int)v;
}

/* ---- devices -------------------------------------------------------- */

static bool devno_used(struct css *css, uint16_t devno)
{
	for (unsigned int i = 0; i < css->nsch; i++)
		if (css->sch[i]->pmcw.devno == devno)
			return true;
	return false;
}

/* Initial subchannel state after a device is installed (PoP "Subchannel
 * Information Block" initial values): disabled, ISC 0, path 0x80 valid. */
static void sch_init(struct subchannel *sch, uint16_t devno)
{
	memset(&sch->pmcw, 0, sizeof(sch->pmcw));
	memset(&sch->scsw, 0, sizeof(sch->scsw));
	sch->pmcw.devno = devno;
	sch->pmcw.flags = PMCW_FLAGS_DNV;
	sch->pmcw.pim = 0x80;
	sch->pmcw.pom = 0xff;
	sch->pmcw.pam = 0x80;
	sch->pmcw.chpid[0] = CSS_CHPID_VIRTUAL;
	sch->mba = 0;
	sch->erw = 0;
	memset(sch->sense, 0, sizeof(sch->sense));
}

struct subchannel *css_add_device(struct css *css, int devno,
				  const struct css_sense_id *id,
				  const struct css_dev_ops *ops, void *dev,
				  bool hotplug, char **err)
{
	struct subchannel *sch;

	pthread_mutex_lock(&css->lock);
	if (css->nsch == CSS_MAX_SUBCHANNELS) {
		error_setf(err, "too many I/O devices (at most %d)",
			   CSS_MAX_SUBCHANNELS);
		goto fail;
	}
	if (devno < 0) {
		/* The next free device number from 0000, as QEMU does. */
		for (devno = 0; devno <= 0xffff && devno_used(css, (uint16_t)devno);
		     devno++)
			;
	}
	if (devno > 0xffff) {
		error_setf(err, "no free device number");
		goto fail;
	}
	if (devno_used(css, (uint16_t)devno)) {
		error_setf(err, "device number fe.0.%04x is already in use", devno);
		goto fail;
	}
	sch = calloc(1, sizeof(*sch));
	if (!sch) {
		error_setf(err, "out of memory");
		goto fail;
	}
	sch->css = css;
	sch->schno = (uint16_t)css->nsch;
	sch->id = *id;
	sch->ops = ops;
	sch->dev = dev;
	sch_init(sch, (uint16_t)devno);
	css->sch[css->nsch++] = sch;
	if (hotplug) {
		/* PoP "Channel-Subsystem Recovery": subchannel installed. */
		css_queue_crw_locked(css, CRW_RSC_SUBCH, CRW_ERC_IPARM, sch->schno);
	}
	pthread_mutex_unlock(&css->lock);
	return sch;
fail:
	pthread_mutex_unlock(&css->lock);
	return NULL;
}

bool css_schid_valid(uint32_t schid)
{
	/* Bits 32-47 of GR1: 0x0001 with the subchannel-set id in bits
	 * 45-46; the css id (bits 32-39) only with MCSS-E, which minivmm
	 * does not enable. */
	return ((schid >> 16) & ~0x0006U) == 0x0001;
}

struct subchannel *css_find_subchannel(struct css *css, uint32_t schid)
{
	if (!css_schid_valid(schid) || ((schid >> 17) & 3))
		return NULL;	/* only subchannel set 0 exists */
	uint16_t no = (uint16_t)schid;
	if (no >= css->nsch)
		return NULL;
	return css->sch[no];
}

void css_reset(struct css *css)
{
	pthread_mutex_lock(&css->lock);
	for (unsigned int i = 0; i < css->nsch; i++) {
		struct subchannel *sch = css->sch[i];

		if (sch->ops->disabled)
			sch->ops->disabled(sch->dev);
		sch_init(sch, sch->pmcw.devno);
		memset(sch->orb, 0, sizeof(sch->orb));
		sch->suspended_ccw = 0;
		sch->pci_pending = false;
	}
	css->crw_head = css->crw_count = 0;
	css->crw_overflow = false;
	css->mb_origin = 0;
	css->mb_key = 0;
	css->mb_update = css->mb_mode2 = false;
	pthread_mutex_unlock(&css->lock);
}

void *css_find_dev(struct css *css, uint32_t schid,
		   const struct css_dev_ops *ops)
{
	struct subchannel *sch;
	void *dev = NULL;

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (sch && sch->ops == ops)
		dev = sch->dev;
	pthread_mutex_unlock(&css->lock);
	return dev;
}

/* ---- interruptions -------------------------------------------------- */

/* Queue the I/O interruption of a status-pending subchannel (PoP
 * "I/O-Interruption Code"): subchannel id and number, the interruption
 * parameter from the PMCW, the ISC in bits 2-4 of the interruption word. */
static void sch_inject(struct subchannel *sch)
{
	struct vm *vm = sch->css->vm;
	uint32_t word = (uint32_t)css_sch_isc(sch) << 27;
	struct kvm_s390_interrupt irq = {
		.type = KVM_S390_INT_IO(0, 0, 0, sch->schno),
		.parm = (0x0001U << 16) | sch->schno,
		.parm64 = ((uint64_t)sch->pmcw.intparm << 32) | word,
	};

	if (vm->ops->floating_irq(vm, &irq) < 0)
		fprintf(stderr, "minivmm: css: cannot queue the I/O "
			"interruption of subchannel 0.0.%04x\n", sch->schno);
}

void css_sch_status_pending(struct subchannel *sch)
{
	sch->scsw.ctrl |= SCSW_STCTL_STATUS_PEND;
	sch_inject(sch);
}

void css_conditional_io_interrupt(struct subchannel *sch)
{
	struct css *css = sch->css;

	pthread_mutex_lock(&css->lock);
	if (!(sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND) &&
	    (sch->pmcw.flags & PMCW_FLAGS_ENA)) {
		/* Unsolicited alert status, no function (PoP "Status-Control
		 * Field": alert status alone). */
		sch->scsw.ctrl &= ~SCSW_STCTL_MASK;
		sch->scsw.ctrl |= SCSW_STCTL_ALERT;
		sch->scsw.dstat = 0;
		sch->scsw.cstat = 0;
		css_sch_status_pending(sch);
	}
	pthread_mutex_unlock(&css->lock);
}

int css_adapter_interrupt(struct css *css, uint8_t isc)
{
	/* PoP "Adapter Interruptions": the interruption word has bit 0
	 * (adapter interruption) and the ISC; no subchannel id. */
	struct kvm_s390_interrupt irq = {
		.type = KVM_S390_INT_IO(1, 0, 0, 0),
		.parm = 0,
		.parm64 = 0x80000000U | ((uint32_t)(isc & 7) << 27),
	};

	return css->vm->ops->floating_irq(css->vm, &irq);
}

/* ---- channel reports ------------------------------------------------ */

/* Machine-check interruption code for a channel report: CP plus the
 * validity bits a guest checks before it trusts the interrupted state
 * (PoP "Machine-Check Interruption Code"). */
#define MCIC_BIT(n)	(1ULL << (63 - (n)))
#define MCIC_CRW	(MCIC_CP | MCIC_BIT(20) | MCIC_BIT(21) | MCIC_BIT(22) | \
			 MCIC_BIT(23) | MCIC_BIT(27) | MCIC_BIT(28) | MCIC_BIT(29) | \
			 MCIC_BIT(31) | MCIC_BIT(33) | MCIC_BIT(36) | MCIC_BIT(37) | \
			 MCIC_BIT(39) | MCIC_BIT(40))

void css_crw_mchk(struct css *css)
{
	struct kvm_s390_interrupt irq = {
		.type = KVM_S390_MCHK,
		.parm = (uint32_t)CR14_CHANNEL_REPORT,
		.parm64 = MCIC_CRW,
	};

	css->vm->ops->floating_irq(css->vm, &irq);
}

void css_queue_crw_locked(struct css *css, uint8_t rsc, uint8_t erc,
			  uint16_t rsid)
{
	bool was_empty = css->crw_count == 0;

	if (css->crw_count == CSS_MAX_CRWS) {
		/* PoP: the overflow is reported by R in the next CRW stored. */
		css->crw_overflow = true;
		return;
	}
	css->crw[(css->crw_head + css->crw_count++) % CSS_MAX_CRWS] =
		((uint32_t)(rsc & 0xf) << CRW_RSC_SHIFT) |
		((uint32_t)(erc & 0x3f) << CRW_ERC_SHIFT) | rsid;
	/* One machine check announces the queue; the guest drains it with
	 * STCRW until cc 1. */
	if (was_empty)
		css_crw_mchk(css);
}

void css_queue_crw(struct css *css, uint8_t rsc, uint8_t erc, uint16_t rsid)
{
	pthread_mutex_lock(&css->lock);
	css_queue_crw_locked(css, rsc, erc, rsid);
	pthread_mutex_unlock(&css->lock);
}

int css_stcrw(struct css *css, uint8_t crw[CRW_SIZE])
{
	int cc;

	pthread_mutex_lock(&css->lock);
	if (!css->crw_count) {
		be32_st(crw, 0);
		cc = 1;
	} else {
		uint32_t w = css->crw[css->crw_head];

		css->crw_head = (css->crw_head + 1) % CSS_MAX_CRWS;
		css->crw_count--;
		if (css->crw_overflow) {
			w |= CRW_R;
			css->crw_overflow = false;
		}
		be32_st(crw, w);
		cc = 0;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* ---- SCHIB / IRB images --------------------------------------------- */

static void pmcw_to_guest(const struct pmcw *p, uint8_t *b)
{
	be32_st(b + 0, p->intparm);
	be16_st(b + 4, p->flags);
	be16_st(b + 6, p->devno);
	b[8] = p->lpm;
	b[9] = p->pnom;
	b[10] = p->lpum;
	b[11] = p->pim;
	be16_st(b + 12, p->mbi);
	b[14] = p->pom;
	b[15] = p->pam;
	memcpy(b + 16, p->chpid, 8);
	be32_st(b + 24, p->chars);
}

static void scsw_to_guest(const struct scsw *s, uint8_t *b)
{
	be16_st(b + 0, s->flags);
	be16_st(b + 2, s->ctrl);
	be32_st(b + 4, s->cpa);
	b[8] = s->dstat;
	b[9] = s->cstat;
	be16_st(b + 10, s->count);
}

/* STORE SUBCHANNEL (PoP chapter 14, "STORE SUBCHANNEL"): the SCHIB:
 * PMCW, SCSW, and the model-dependent area with the measurement-block
 * address. */
int css_stsch(struct css *css, uint32_t schid, uint8_t schib[SCHIB_SIZE])
{
	struct subchannel *sch;

	memset(schib, 0, SCHIB_SIZE);
	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (sch) {
		pmcw_to_guest(&sch->pmcw, schib);
		scsw_to_guest(&sch->scsw, schib + 28);
		be64_st(schib + 40, sch->mba);
	}
	pthread_mutex_unlock(&css->lock);
	return sch ? 0 : 3;
}

/* MODIFY SUBCHANNEL: only the program-modifiable PMCW fields change:
 * interruption parameter, ISC, E, LM, MM, D, LPM, MBI/MBA, CS, MBFC. */
int css_msch(struct css *css, uint32_t schid, const uint8_t schib[SCHIB_SIZE])
{
	uint16_t flags = be16_ld(schib + 4);
	uint32_t chars = be32_ld(schib + 24);
	struct subchannel *sch;
	int cc;

	/* Reserved bits: operand exception (PoP MSCH "Program Exceptions").
	 * Extended measurement words are not offered. */
	if ((flags & PMCW_FLAGS_INVALID) || (chars & PMCW_CHARS_INVALID) ||
	    (chars & PMCW_CHARS_XMWME))
		return -PGM_OPERAND;

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV)) {
		cc = 3;
	} else if (sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND) {
		cc = 1;
	} else if (sch->scsw.ctrl & SCSW_FCTL_MASK) {
		cc = 2;
	} else {
		struct pmcw *p = &sch->pmcw;
		const uint16_t mod = PMCW_FLAGS_ISC | PMCW_FLAGS_ENA |
				     PMCW_FLAGS_LM | PMCW_FLAGS_MME | PMCW_FLAGS_MP;

		if ((p->flags & PMCW_FLAGS_ENA) && !(flags & PMCW_FLAGS_ENA) &&
		    sch->ops->disabled)
			sch->ops->disabled(sch->dev);
		p->intparm = be32_ld(schib);
		p->flags = (uint16_t)((p->flags & ~mod) | (flags & mod));
		p->lpm = schib[8];
		p->mbi = be16_ld(schib + 12);
		p->chars = (p->chars & ~(PMCW_CHARS_MBFC | PMCW_CHARS_CSENSE)) |
			   (chars & (PMCW_CHARS_MBFC | PMCW_CHARS_CSENSE));
		if (chars & PMCW_CHARS_MBFC)
			sch->mba = be64_ld(schib + 40);
		cc = 0;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* Fields of ORB word 1 that must be zero here: transport mode, MIDAWs and
 * the reserved bits (PoP SSCH: operand exception). */
#define ORB_UNSUPPORTED		(ORB_TM | ORB_MIDAW | ORB_RESERVED)

int css_ssch(struct css *css, uint32_t schid, const uint8_t orb[ORB_SIZE])
{
	uint32_t w1 = be32_ld(orb + 4), cpa = be32_ld(orb + 8);
	struct subchannel *sch;
	int cc;

	if ((w1 & ORB_UNSUPPORTED) || (cpa & 0x80000000U))
		return -PGM_OPERAND;
	/* Extended ORB words 3-7 must be zero but for word 4 bits 0-7 (CSS
	 * priority) and word 6 bits 0-7 (CU priority), which are ignored. */
	if (w1 & ORB_ORBX) {
		if (be32_ld(orb + 12) || (be32_ld(orb + 16) & 0x00ffffffU) ||
		    be32_ld(orb + 20) || (be32_ld(orb + 24) & 0x00ffffffU) ||
		    be32_ld(orb + 28))
			return -PGM_OPERAND;
	}

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV) ||
	    !(sch->pmcw.flags & PMCW_FLAGS_ENA)) {
		cc = 3;
	} else if (sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND) {
		cc = 1;
	} else if (sch->scsw.ctrl & (SCSW_FCTL_MASK | SCSW_ACTL_MASK)) {
		cc = 2;
	} else if (!(((w1 & ORB_LPM) >> 8) & sch->pmcw.pam & sch->pmcw.pom)) {
		/* No usable path: not operational (PoP "Path Management"). */
		cc = 3;
	} else {
		for (unsigned int i = 0; i < ORB_SIZE / 4; i++)
			sch->orb[i] = be32_ld(orb + 4 * i);
		if (!(w1 & ORB_ORBX))
			memset(&sch->orb[3], 0, ORB_SIZE - 12);
		sch->pmcw.intparm = sch->orb[0];
		sch->scsw.flags = (uint16_t)((w1 >> 16) & SCSW_FLAGS_KEY);
		if (w1 & ORB_SPND)
			sch->scsw.flags |= SCSW_FLAGS_SCTL;
		if (w1 & ORB_FMT)
			sch->scsw.flags |= SCSW_FLAGS_FMT;
		if (w1 & ORB_PFCH)
			sch->scsw.flags |= SCSW_FLAGS_PFCH;
		if (w1 & ORB_ISIC)
			sch->scsw.flags |= SCSW_FLAGS_ISIC;
		if (w1 & ORB_ALCC)
			sch->scsw.flags |= SCSW_FLAGS_ALCC;
		if (w1 & ORB_SSIC)
			sch->scsw.flags |= SCSW_FLAGS_SSI;
		sch->scsw.ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND;
		sch->scsw.dstat = sch->scsw.cstat = 0;
		sch->scsw.count = 0;
		sch->pmcw.lpum = 0x80;
		css_run_start(sch, 0);
		cc = 0;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* TEST SUBCHANNEL (PoP chapter 14, "TEST SUBCHANNEL", and the table of
 * SCSW fields it clears): store the IRB; a status-pending subchannel
 * loses its status, and its function unless it is only suspended with
 * intermediate status. */
int css_tsch(struct css *css, uint32_t schid, uint8_t irb[IRB_SIZE])
{
	struct subchannel *sch;
	int cc;

	memset(irb, 0, IRB_SIZE);
	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV)) {
		pthread_mutex_unlock(&css->lock);
		return 3;
	}
	struct scsw *s = &sch->scsw;
	bool pending = s->ctrl & SCSW_STCTL_STATUS_PEND;

	scsw_to_guest(s, irb);
	/* ESW format 0: the extended-report word; with concurrent sense
	 * enabled a unit check puts the sense bytes in the ECW. */
	be32_st(irb + 16, sch->erw);
	if (pending && (s->dstat & DSTAT_UC) &&
	    (sch->pmcw.chars & PMCW_CHARS_CSENSE)) {
		memcpy(irb + 32, sch->sense, CSS_SENSE_SIZE);
		/* ERW S (bit 7) and the sense count (bits 10-15). */
		be32_st(irb + 16, sch->erw | 0x01000000U |
			((uint32_t)CSS_SENSE_SIZE << 16));
	}
	/* Enough-status bits cleared (PoP "TEST SUBCHANNEL"). */
	if (pending) {
		uint16_t st = s->ctrl & SCSW_STCTL_MASK;

		if (st & (SCSW_STCTL_ALERT | SCSW_STCTL_PRIMARY |
			  SCSW_STCTL_SECONDARY) ||
		    !(s->ctrl & SCSW_ACTL_SUSP)) {
			/* The function has ended. */
			s->ctrl &= (uint16_t)~(SCSW_FCTL_MASK | SCSW_ACTL_MASK);
			s->flags &= (uint16_t)~(SCSW_FLAGS_PNO | SCSW_FLAGS_ZCC |
						SCSW_FLAGS_ECTL | SCSW_FLAGS_CC);
		}
		s->ctrl &= (uint16_t)~SCSW_STCTL_MASK;
		s->cstat &= (uint8_t)~CSTAT_PCI;
		sch->erw = 0;
		cc = 0;
	} else {
		cc = 1;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* CLEAR SUBCHANNEL: the clear function ends any function, resets path
 * management, reaches the device, and ends with status pending. */
int css_csch(struct css *css, uint32_t schid)
{
	struct subchannel *sch;

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV)) {
		pthread_mutex_unlock(&css->lock);
		return 3;
	}
	sch->pmcw.pnom = 0;
	sch->pmcw.lpum = 0;
	sch->scsw.flags &= (uint16_t)~SCSW_FLAGS_PNO;
	sch->scsw.ctrl = SCSW_FCTL_CLEAR;
	sch->scsw.dstat = sch->scsw.cstat = 0;
	sch->scsw.count = 0;
	sch->erw = 0;
	if (sch->ops->clear)
		sch->ops->clear(sch->dev);
	css_sch_status_pending(sch);
	pthread_mutex_unlock(&css->lock);
	return 0;
}

/* HALT SUBCHANNEL.  Start functions run to completion inside SSCH, so a
 * halt can only meet an idle or a suspended channel program. */
int css_hsch(struct css *css, uint32_t schid)
{
	struct subchannel *sch;
	int cc;

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV)) {
		cc = 3;
	} else if ((sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND) &&
		   (sch->scsw.ctrl & (SCSW_STCTL_ALERT | SCSW_STCTL_PRIMARY |
				      SCSW_STCTL_SECONDARY))) {
		cc = 1;
	} else if (sch->scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)) {
		cc = 2;
	} else {
		bool suspended = sch->scsw.ctrl & SCSW_ACTL_SUSP;

		sch->scsw.ctrl &= (uint16_t)~(SCSW_ACTL_MASK | SCSW_STCTL_MASK);
		sch->scsw.ctrl |= SCSW_FCTL_HALT;
		/* A halted channel program ends with primary status, an
		 * idle subchannel with status pending alone. */
		if (suspended) {
			sch->scsw.ctrl |= SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY;
			sch->scsw.dstat = DSTAT_CE | DSTAT_DE;
		}
		css_sch_status_pending(sch);
		cc = 0;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* RESUME SUBCHANNEL: continue a suspended channel program at the CCW that
 * suspended it (refetched: the program may have changed it). */
int css_rsch(struct css *css, uint32_t schid)
{
	struct subchannel *sch;
	int cc;

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV) ||
	    !(sch->pmcw.flags & PMCW_FLAGS_ENA)) {
		cc = 3;
	} else if (sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND) {
		cc = 1;
	} else if ((sch->scsw.ctrl & SCSW_FCTL_MASK) != SCSW_FCTL_START ||
		   !(sch->scsw.ctrl & SCSW_ACTL_SUSP) ||
		   (sch->scsw.ctrl & SCSW_ACTL_RESUME_PEND) ||
		   !(sch->orb[1] & ORB_SPND)) {
		cc = 2;
	} else {
		sch->scsw.ctrl &= (uint16_t)~SCSW_ACTL_SUSP;
		sch->scsw.ctrl |= SCSW_ACTL_RESUME_PEND;
		css_run_start(sch, sch->suspended_ccw);
		cc = 0;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* CANCEL SUBCHANNEL: only a start function that has not begun (start
 * pending) or is suspended can be withdrawn; here that is "suspended". */
int css_xsch(struct css *css, uint32_t schid)
{
	struct subchannel *sch;
	int cc;

	pthread_mutex_lock(&css->lock);
	sch = css_find_subchannel(css, schid);
	if (!sch || !(sch->pmcw.flags & PMCW_FLAGS_DNV)) {
		cc = 3;
	} else if (sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND) {
		cc = 1;
	} else if ((sch->scsw.ctrl & SCSW_FCTL_MASK) != SCSW_FCTL_START ||
		   !(sch->scsw.ctrl & (SCSW_ACTL_SUSP | SCSW_ACTL_START_PEND |
				       SCSW_ACTL_RESUME_PEND))) {
		cc = 2;
	} else {
		sch->scsw.ctrl &= (uint16_t)~(SCSW_FCTL_MASK | SCSW_ACTL_MASK);
		cc = 0;
	}
	pthread_mutex_unlock(&css->lock);
	return cc;
}

/* SET CHANNEL MONITOR: GR1 bits 32-35 measurement-block key, bit 62 M
 * (measurement-block update), bit 63 D (device-connect-time
 * measurement); GR2 the measurement-block origin.  minivmm records the
 * mode but keeps no counters (measurement blocks stay as the guest left
 * them). */
int css_schm(struct css *css, uint64_t gr1, uint64_t gr2)
{
	if ((uint32_t)gr1 & 0x0ffffffcU)
		return -PGM_OPERAND;
	if ((gr1 & 2) && (gr2 & 0x1f))
		return -PGM_OPERAND;
	pthread_mutex_lock(&css->lock);
	css->mb_key = (uint8_t)(((uint32_t)gr1 >> 28) & 0xf);
	css->mb_update = gr1 & 2;
	css->mb_mode2 = gr1 & 1;
	if (css->mb_update)
		css->mb_origin = gr2;
	pthread_mutex_unlock(&css->lock);
	return 0;
}

/* RESET CHANNEL PATH: the one virtual path resets at once and reports
 * "initialized" through a channel report. */
int css_rchp(struct css *css, uint8_t chpid)
{
	if (chpid != CSS_CHPID_VIRTUAL)
		return 3;
	css_queue_crw(css, CRW_RSC_CHP, CRW_ERC_INIT, chpid);
	return 0;
}
