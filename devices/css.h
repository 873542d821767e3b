/* SPDX-License-Identifier: MIT */
/*
 * The channel subsystem (z/Architecture Principles of Operation, chapters
 * 13 "I/O Overview", 14 "I/O Instructions", 15 "Basic I/O Functions",
 * 16 "I/O Interruptions", 17 "I/O Support Functions").
 *
 * minivmm has one channel-subsystem image with subchannel set 0.  Every
 * device sits behind one I/O subchannel with a device number (written
 * fe.0.XXXX like QEMU, "fe" being the virtual channel-subsystem id that
 * the guest sees in SENSE ID/CHSC, 0 the subchannel set) and one virtual
 * channel path (CHPID 0, type 0x32 "virtual").
 *
 * The I/O instructions are interpreted here; arch/s390x/intercept.c only
 * decodes operands and turns the results into a condition code or a
 * program interruption.  A start function runs the channel program
 * synchronously on the calling thread (ccw.c), then makes the subchannel
 * status pending and injects an I/O interruption through the backend
 * seam (vm->ops->floating_irq, KVM_S390_INT_IO).
 *
 * Locking: css->lock protects every subchannel's state and the CRW
 * queue.  Device callbacks (struct css_dev_ops) run with it held and must
 * not call back into the css except through the css_*_locked helpers.
 */
#ifndef MINIVMM_CSS_H
#define MINIVMM_CSS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct css;
struct subchannel;
struct mig_sections;

#define CSS_VIRTUAL_CSSID	0xfe	/* "fe" in fe.0.XXXX */
#define CSS_MAX_SUBCHANNELS	256	/* in subchannel set 0 */
#define CSS_MAX_CRWS		64	/* pending channel reports */
#define CSS_CHPID_VIRTUAL	0x00
#define CSS_CHPID_TYPE_VIRTUAL	0x32

/* ---- PMCW (PoP "Path-Management-Control Word"), word 1 flags ------- */
#define PMCW_FLAGS_ISC		0x3800	/* bits 2-4 */
#define PMCW_FLAGS_INVALID	0xc700	/* bits 0-1, 5-7 must be zero */
#define PMCW_FLAGS_ENA		0x0080	/* E: enabled */
#define PMCW_FLAGS_LM		0x0060	/* limit mode */
#define PMCW_FLAGS_MME		0x0018	/* measurement-mode enable */
#define PMCW_FLAGS_MP		0x0004	/* D: multipath mode */
#define PMCW_FLAGS_TF		0x0002	/* T: timing facility */
#define PMCW_FLAGS_DNV		0x0001	/* V: device number valid */
/* word 6: characteristics */
#define PMCW_CHARS_ST		0x00e00000	/* subchannel type (0: I/O) */
#define PMCW_CHARS_MBFC		0x00000004	/* measurement-block-format control */
#define PMCW_CHARS_XMWME	0x00000002	/* extended-measurement-word mode */
#define PMCW_CHARS_CSENSE	0x00000001	/* concurrent sense */
#define PMCW_CHARS_INVALID	0xff1ffff8

/* ---- SCSW (PoP "Subchannel-Status Word"), command mode ------------- */
/* word 0 bits 0-15: flags */
#define SCSW_FLAGS_KEY		0xf000
#define SCSW_FLAGS_SCTL		0x0800	/* S: suspend control */
#define SCSW_FLAGS_ESWF		0x0400	/* L: ESW format */
#define SCSW_FLAGS_CC		0x0300	/* deferred condition code */
#define SCSW_FLAGS_FMT		0x0080	/* F: CCW format */
#define SCSW_FLAGS_PFCH		0x0040	/* P: prefetch */
#define SCSW_FLAGS_ISIC		0x0020	/* I: initial-status-interruption ctl */
#define SCSW_FLAGS_ALCC		0x0010	/* A: address-limit-checking ctl */
#define SCSW_FLAGS_SSI		0x0008	/* U: suppress-suspended interruption */
#define SCSW_FLAGS_ZCC		0x0004	/* Z: zero condition code */
#define SCSW_FLAGS_ECTL		0x0002	/* E: extended control */
#define SCSW_FLAGS_PNO		0x0001	/* N: path not operational */
/* word 0 bits 16-31: function, activity and status control */
#define SCSW_FCTL_START		0x4000
#define SCSW_FCTL_HALT		0x2000
#define SCSW_FCTL_CLEAR		0x1000
#define SCSW_FCTL_MASK		0x7000
#define SCSW_ACTL_RESUME_PEND	0x0800
#define SCSW_ACTL_START_PEND	0x0400
#define SCSW_ACTL_HALT_PEND	0x0200
#define SCSW_ACTL_CLEAR_PEND	0x0100
#define SCSW_ACTL_SCH_ACTIVE	0x0080
#define SCSW_ACTL_DEV_ACTIVE	0x0040
#define SCSW_ACTL_SUSP		0x0020
#define SCSW_ACTL_MASK		0x0fe0
#define SCSW_STCTL_ALERT	0x0010
#define SCSW_STCTL_INTERMEDIATE	0x0008
#define SCSW_STCTL_PRIMARY	0x0004
#define SCSW_STCTL_SECONDARY	0x0002
#define SCSW_STCTL_STATUS_PEND	0x0001
#define SCSW_STCTL_MASK		0x001f
/* word 2: device status and subchannel status */
#define DSTAT_ATTENTION		0x80
#define DSTAT_SM		0x40
#define DSTAT_CUE		0x20
#define DSTAT_BUSY		0x10
#define DSTAT_CE		0x08	/* channel end */
#define DSTAT_DE		0x04	/* device end */
#define DSTAT_UC		0x02	/* unit check */
#define DSTAT_UX		0x01	/* unit exception */
#define CSTAT_PCI		0x80
#define CSTAT_IL		0x40	/* incorrect length */
#define CSTAT_PROG_CHECK	0x20
#define CSTAT_PROT_CHECK	0x10
#define CSTAT_DATA_CHECK	0x08
#define CSTAT_CTL_CHECK		0x04
#define CSTAT_INTF_CTL_CHECK	0x02
#define CSTAT_CHAIN_CHECK	0x01

/* ---- ORB (PoP "Operation-Request Block"), word 1 -------------------- */
#define ORB_KEY			0xf0000000
#define ORB_SPND		0x08000000	/* S: suspend control */
#define ORB_STRM		0x04000000	/* C: streaming mode */
#define ORB_MOD			0x02000000	/* M: modification control */
#define ORB_SYNC		0x01000000	/* Y: synchronization control */
#define ORB_FMT			0x00800000	/* F: format-1 CCWs */
#define ORB_PFCH		0x00400000	/* P: prefetch control */
#define ORB_ISIC		0x00200000	/* I: initial-status interruption */
#define ORB_ALCC		0x00100000	/* A: address-limit checking */
#define ORB_SSIC		0x00080000	/* U: suppress suspended int. */
#define ORB_TM			0x00040000	/* B: transport mode */
#define ORB_C64			0x00020000	/* H: format-2 IDAWs */
#define ORB_I2K			0x00010000	/* T: 2K format-2 IDAWs */
#define ORB_LPM			0x0000ff00
#define ORB_ILS			0x00000080	/* L: incorrect-length suppression */
#define ORB_MIDAW		0x00000040	/* D: MIDA control */
#define ORB_RESERVED		0x0000003e	/* bits 26-30 */
#define ORB_ORBX		0x00000001	/* X: ORB extension */

/* ---- CCW (PoP "Channel-Command Word") ------------------------------- */
#define CCW_FLAG_CD		0x80	/* chain data */
#define CCW_FLAG_CC		0x40	/* chain command */
#define CCW_FLAG_SLI		0x20	/* suppress length indication */
#define CCW_FLAG_SKIP		0x10	/* skip (no data to storage) */
#define CCW_FLAG_PCI		0x08	/* program-controlled interruption */
#define CCW_FLAG_IDA		0x04	/* indirect data addressing */
#define CCW_FLAG_SUSPEND	0x02	/* S: suspend */
#define CCW_FLAG_MIDA		0x01	/* modified IDA */
#define CCW_CMD_TIC		0x08
#define CCW_CMD_NOOP		0x03
#define CCW_CMD_SENSE		0x04	/* basic sense */
#define CCW_CMD_SENSE_ID	0xe4

/* Sense byte 0 (basic sense, PoP / common device conventions). */
#define SENSE_CMD_REJECT	0x80
#define SENSE_INTERV_REQ	0x40
#define SENSE_EQUIPMENT_CHECK	0x10
#define SENSE_DATA_CHECK	0x08

/* ---- CRW (PoP "Channel-Report Word") -------------------------------- */
#define CRW_S			0x40000000	/* solicited */
#define CRW_R			0x20000000	/* overflow */
#define CRW_C			0x10000000	/* chaining */
#define CRW_RSC_SHIFT		24		/* bits 4-7 */
#define CRW_A			0x00800000	/* ancillary report */
#define CRW_ERC_SHIFT		16		/* bits 10-15 */
#define CRW_RSC_SUBCH		0x3
#define CRW_RSC_CHP		0x4
#define CRW_ERC_EVENT		0x00	/* event information pending */
#define CRW_ERC_AVAIL		0x01	/* available */
#define CRW_ERC_INIT		0x02	/* initialized */
#define CRW_ERC_IPARM		0x04	/* installed parameters changed */

/* Machine-check interruption code bit 9: channel report pending. */
#define MCIC_CP			0x0040000000000000ULL

/* A format-1 CCW as the interpreter hands it to the device. */
struct ccw1 {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
};

/*
 * What a device's CCW handler reports (PoP "Conclusion of I/O
 * Operations").  The interpreter turns these into SCSW status.
 */
enum ccw_result {
	CCW_OK,			/* command done: channel end + device end */
	CCW_CMD_REJECT,		/* unit check, sense byte 0 = command reject */
	CCW_UNIT_EXCEPTION,	/* unit exception (device-specific meaning) */
	CCW_PROG_CHECK,		/* channel-program check */
	CCW_PROT_CHECK,		/* protection check */
	CCW_DATA_CHECK,		/* channel-data check */
};

/*
 * The data area of one CCW, followed through data chaining and IDAW
 * lists (PoP "Data Chaining", "Indirect Data Addressing").  Devices move
 * bytes with ccw_data_read()/ccw_data_write(); the interpreter keeps the
 * position and the residual count.
 */
struct ccw_stream;
/* Total byte count of the data area (all data-chained CCWs). */
uint32_t ccw_data_len(const struct ccw_stream *ds);
/* Bytes not transferred yet. */
uint32_t ccw_data_left(const struct ccw_stream *ds);
/* Move up to len bytes from guest storage (a write/control command) or
 * to guest storage (a read command).  Return bytes moved (short at the
 * end of the area), or a negative ccw_result on an access error. */
int ccw_data_read(struct ccw_stream *ds, void *buf, uint32_t len);
int ccw_data_write(struct ccw_stream *ds, const void *buf, uint32_t len);
/* Reposition at offset 0 (a read command that first fetches its input,
 * like virtio-ccw READ_VQ_CONF). */
void ccw_data_rewind(struct ccw_stream *ds);

/* A device behind a subchannel. */
struct css_dev_ops {
	const char *name;
	/* Execute one CCW command (never TIC, NOOP, SENSE or SENSE ID, which
	 * the channel subsystem answers itself). */
	enum ccw_result (*ccw)(void *dev, struct subchannel *sch,
			       const struct ccw1 *ccw, struct ccw_stream *ds);
	/* The clear function (CSCH) reached the device. */
	void (*clear)(void *dev);
	/* MSCH disabled the subchannel: the device forgets its driver. */
	void (*disabled)(void *dev);
	/* Optional: add the device's migration sections (migrate/migrate.h,
	 * mig_sections_add()) with this instance number; 0 or -ENOMEM. */
	int (*mig_collect)(void *dev, uint32_t instance,
			   struct mig_sections *ss);
};

/* Identification returned by SENSE ID (common I/O device commands). */
struct css_sense_id {
	uint16_t cu_type;
	uint8_t cu_model;
	uint16_t dev_type;
	uint8_t dev_model;
};

/* Lifetime; the css belongs to struct vm (vm->css). */
int css_create(struct css **out, struct vm *vm, char **err);
void css_destroy(struct css *css);

/*
 * Add a device.  devno < 0 picks the next free device number.  With
 * hotplug, a channel report (subchannel installed) is queued and a
 * channel-report-pending machine check made pending, as for a device
 * attached while the guest runs.  Returns the subchannel or NULL with
 * *err set.
 */
struct subchannel *css_add_device(struct css *css, int devno,
				  const struct css_sense_id *id,
				  const struct css_dev_ops *ops, void *dev,
				  bool hotplug, char **err);
/*
 * Subsystem reset (PoP "Channel-Subsystem Reset", as part of a system
 * reset): every subchannel back to its initial state (disabled, no
 * status, interruption parameter and ISC 0), each device told that its
 * driver is gone (css_dev_ops.disabled), channel reports and the
 * measurement mode dropped.  Pending I/O interruptions in the backend
 * are the caller's to clear.
 */
void css_reset(struct css *css);
/* Hand the css a device collection to destroy first in css_destroy()
 * (joining device threads while guest storage and subchannels exist). */
void css_own_devices(struct css *css, void (*destroy)(void *), void *devices);
/* Migration: add the css, every subchannel and the devices behind them
 * (devices/css-state.c); 0 or -ENOMEM. */
int css_mig_collect(struct css *css, struct mig_sections *ss);
/* Parse "fe.0.XXXX" or "XXXX" (hex); -1 on error. */
int css_parse_devno(const char *s);

uint16_t css_sch_devno(const struct subchannel *sch);
uint16_t css_sch_schno(const struct subchannel *sch);
struct subchannel *css_find_subchannel(struct css *css, uint32_t schid);
struct css *css_sch_css(const struct subchannel *sch);
/* The device behind schid if its ops are `ops`, else NULL. */
void *css_find_dev(struct css *css, uint32_t schid,
		   const struct css_dev_ops *ops);
struct vm *css_vm(const struct css *css);
/* The interruption subclass programmed in the PMCW. */
uint8_t css_sch_isc(const struct subchannel *sch);

/*
 * Device-initiated status ("alert status" / unsolicited interruption, PoP
 * "Conditions for I/O Interruption"): when the subchannel is not already
 * status pending, make it status pending with the alert bit and inject an
 * I/O interruption.  virtio-ccw uses it for classic indicators.
 */
void css_conditional_io_interrupt(struct subchannel *sch);
/* Adapter (thin) interruption for ISC isc: interruption code with the AI
 * bit, no subchannel (PoP "Adapter Interruptions"). */
int css_adapter_interrupt(struct css *css, uint8_t isc);

/* ---- I/O instructions (PoP chapter 14).  Return the condition code,
 * or a negative program-interruption code (-PGM_OPERAND, ...).  schid is
 * GR1; guest structures are passed as big-endian byte images. ---------- */
#define SCHIB_SIZE	52
#define IRB_SIZE	96
#define ORB_SIZE	32
#define CRW_SIZE	4

/* Is GR1 a valid subsystem-identification word? (else operand exception) */
bool css_schid_valid(uint32_t schid);
int css_stsch(struct css *css, uint32_t schid, uint8_t schib[SCHIB_SIZE]);
int css_msch(struct css *css, uint32_t schid, const uint8_t schib[SCHIB_SIZE]);
int css_ssch(struct css *css, uint32_t schid, const uint8_t orb[ORB_SIZE]);
/* TSCH: io_dequeued says the backend removed a pending interruption for
 * the subchannel (KVM_EXIT_S390_TSCH). */
int css_tsch(struct css *css, uint32_t schid, uint8_t irb[IRB_SIZE]);
int css_csch(struct css *css, uint32_t schid);
int css_hsch(struct css *css, uint32_t schid);
int css_rsch(struct css *css, uint32_t schid);
int css_xsch(struct css *css, uint32_t schid);
/* SCHM: GR1 and GR2 contents. */
int css_schm(struct css *css, uint64_t gr1, uint64_t gr2);
int css_rchp(struct css *css, uint8_t chpid);
/* STCRW: fills crw (zeros when none); returns cc 0 or 1. */
int css_stcrw(struct css *css, uint8_t crw[CRW_SIZE]);
/* CHSC: req is the 4K command block (request then response area). */
int css_chsc(struct css *css, uint8_t block[4096]);

/* Queue a channel report (for tests and hot-plug). */
void css_queue_crw(struct css *css, uint8_t rsc, uint8_t erc, uint16_t rsid);

#endif
