/* SPDX-License-Identifier: MIT */
/*
 * Channel-subsystem internals shared by css.c (subchannels, I/O
 * instructions, interruptions, CRWs), ccw.c (the channel-program
 * interpreter) and chsc.c (CHANNEL SUBSYSTEM CALL).  Not for devices.
 */
#ifndef MINIVMM_CSS_INTERNAL_H
#define MINIVMM_CSS_INTERNAL_H

#include "devices/css.h"

/* Bound on CCWs per start function: a channel program may loop forever
 * on real hardware; here it runs on a vCPU thread, so after this many
 * CCWs it ends with a channel-program check. */
#define CSS_MAX_CCWS		4096
/* Bound on CCWs in one data chain (ccw.c). */
#define CSS_MAX_DATA_CHAIN	64
#define CSS_SENSE_SIZE		32

/* PMCW as the guest sees it (PoP Figure 15-2).  Guest-visible: migrate. */
struct pmcw {
	uint32_t intparm;
	uint16_t flags;
	uint16_t devno;
	uint8_t lpm, pnom, lpum, pim;
	uint16_t mbi;
	uint8_t pom, pam;
	uint8_t chpid[8];
	uint32_t chars;
};

/* SCSW, command-mode format (PoP Figure 16-3).  Guest-visible: migrate. */
struct scsw {
	uint16_t flags;
	uint16_t ctrl;		/* function, activity, status control */
	uint32_t cpa;		/* CCW address */
	uint8_t dstat, cstat;
	uint16_t count;		/* residual count */
};

struct subchannel {
	struct css *css;
	uint16_t schno;			/* subchannel number in set 0 */
	/* Guest-visible state (migrate all of it). */
	struct pmcw pmcw;
	struct scsw scsw;
	uint64_t mba;			/* measurement-block address */
	uint8_t sense[CSS_SENSE_SIZE];	/* basic sense data */
	uint32_t erw;			/* ESW extended-report word */
	uint32_t orb[ORB_SIZE / 4];	/* ORB of the current start function */
	uint64_t suspended_ccw;		/* CCW address to resume at */
	bool pci_pending;		/* a CCW with the PCI flag ran */
	/* Configuration, not state (rebuilt from the command line). */
	struct css_sense_id id;
	const struct css_dev_ops *ops;
	void *dev;
};

struct css {
	struct vm *vm;
	pthread_mutex_t lock;
	struct subchannel *sch[CSS_MAX_SUBCHANNELS];
	unsigned int nsch;
	/* Guest-visible: pending channel reports and the overflow flag. */
	uint32_t crw[CSS_MAX_CRWS];
	unsigned int crw_head, crw_count;
	bool crw_overflow;
	/* Guest-visible: SCHM measurement mode and block origin. */
	uint64_t mb_origin;
	uint8_t mb_key;
	bool mb_update, mb_mode2;
	/* Host-side: the devices, destroyed with the css (not state). */
	void (*devices_destroy)(void *);
	void *devices;
};

/* ccw.c: run the channel program of the start function (css->lock held).
 * resume_at: 0 for SSCH, else the CCW address after RSCH. */
void css_run_start(struct subchannel *sch, uint64_t resume_at);
/* css.c: make status pending and inject the I/O interruption. */
void css_sch_status_pending(struct subchannel *sch);
/* Machine check for a channel report (css->lock held). */
void css_crw_mchk(struct css *css);
void css_queue_crw_locked(struct css *css, uint8_t rsc, uint8_t erc,
			  uint16_t rsid);

#endif
