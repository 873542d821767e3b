/* SPDX-License-Identifier: MIT */
/*
 * The channel-program interpreter (PoP chapter 15 "Basic I/O Functions",
 * "Execution of I/O Operations"): fetch CCWs (format 0 and 1), follow
 * TIC, command chaining and data chaining, move data directly or through
 * IDAW lists (format-1: 31-bit, 2K blocks; format-2: 64-bit, 4K or 2K
 * blocks), honour SLI and SKIP, suspend at the S flag, and conclude the
 * start function with the subchannel status the architecture defines:
 *
 *   success                 CE+DE, primary+secondary status
 *   incorrect length        IL (chaining stops unless SLI without CD)
 *   bad CCW / address       channel-program check (alert status)
 *   storage-key mismatch    protection check (alert status)
 *   device rejects          unit check with sense (alert status)
 *   PCI flag                PCI with the next status presented
 *
 * Every guest address is checked against guest storage before use; the
 * number of CCWs per start function is bounded (CSS_MAX_CCWS).
 */
#include <string.h>

#include "devices/css-internal.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

struct ccw_seg {
	uint64_t addr;		/* of the CCW */
	struct ccw1 ccw;
};

struct ccw_stream {
	struct vm *vm;
	uint32_t orb1;		/* ORB word 1: key, IDAW format */
	bool to_guest;		/* a read-type command */
	struct ccw_seg seg[CSS_MAX_DATA_CHAIN];
	unsigned int nseg;
	uint32_t total;
	/* position */
	unsigned int cur;	/* segment */
	uint32_t off;		/* bytes done in seg[cur] */
	uint32_t done;		/* bytes done in all */
};

/* ---- guest storage ----------------------------------------------------- */

/* Storage-key check for a channel access (PoP "Key-Controlled
 * Protection"): access key 0 matches everything; a store needs the
 * storage key's access-control bits to match, a fetch too when the
 * fetch-protection bit is on. */
static enum ccw_result key_check(struct ccw_stream *ds, uint64_t addr,
				 uint32_t len, bool store)
{
	uint8_t akey = (uint8_t)(ds->orb1 >> 28);
	struct vm *vm = ds->vm;

	if (!akey || !len || !vm->ops->get_skeys)
		return CCW_OK;
	for (uint64_t f = addr >> 12; f <= (addr + len - 1) >> 12; f++) {
		uint8_t k;

		if (vm->ops->get_skeys(vm, f, 1, &k) < 0)
			return CCW_PROG_CHECK;
		if ((k >> 4) == akey)
			continue;
		if (store || (k & 0x08))
			return CCW_PROT_CHECK;
	}
	return CCW_OK;
}

/* Fetch the CCW at addr, converting format 0 to format 1. */
static enum ccw_result fetch_ccw(struct vm *vm, bool fmt1, uint64_t addr,
				 struct ccw1 *ccw)
{
	uint8_t b[8];

	/* CCWs are on doubleword boundaries within guest storage. */
	if ((addr & 7) || vm_read(vm, addr, b, 8) < 0)
		return CCW_PROG_CHECK;
	if (fmt1) {
		ccw->cmd = b[0];
		ccw->flags = b[1];
		ccw->count = be16_ld(b + 2);
		ccw->cda = be32_ld(b + 4);
		/* Bit 32 of a format-1 CCW (bit 0 of the 31-bit data
		 * address) must be zero. */
		if (ccw->cda & 0x80000000U)
			return CCW_PROG_CHECK;
	} else {
		ccw->cmd = b[0];
		ccw->cda = ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
		ccw->flags = b[4];
		ccw->count = be16_ld(b + 6);
		/* Format-0 TIC: flags and count are ignored. */
		if ((ccw->cmd & 0x0f) == CCW_CMD_TIC) {
			ccw->flags = 0;
			ccw->count = 0;
		}
	}
	return CCW_OK;
}

static bool is_tic(const struct ccw1 *ccw)
{
	return (ccw->cmd & 0x0f) == CCW_CMD_TIC;
}

/* Read-type commands move data to storage: read (xxxxxx10), read
 * backward (xxxx1100), sense (xxxx0100). */
static bool is_read_cmd(uint8_t cmd)
{
	return (cmd & 3) == 2 || (cmd & 0x0f) == 0x0c || (cmd & 0x0f) == 0x04;
}

/*
 * Collect the data chain that starts with the CCW at addr: while CD is
 * set, the next CCW (through at most one TIC each) continues the data
 * area.  A data-chained CCW with count 0 is a program check.
 */
static enum ccw_result open_stream(struct ccw_stream *ds, struct vm *vm,
				   uint32_t orb1, uint64_t addr,
				   const struct ccw1 *first)
{
	bool fmt1 = orb1 & ORB_FMT;

	memset(ds, 0, sizeof(*ds));
	ds->vm = vm;
	ds->orb1 = orb1;
	ds->to_guest = is_read_cmd(first->cmd);
	ds->seg[0].addr = addr;
	ds->seg[0].ccw = *first;
	ds->nseg = 1;
	ds->total = first->count;
	while (ds->seg[ds->nseg - 1].ccw.flags & CCW_FLAG_CD) {
		struct ccw_seg *prev = &ds->seg[ds->nseg - 1];
		uint64_t next = prev->addr + 8;
		struct ccw1 c;
		enum ccw_result r;

		if (prev->ccw.count == 0 || ds->nseg == CSS_MAX_DATA_CHAIN)
			return CCW_PROG_CHECK;
		r = fetch_ccw(vm, fmt1, next, &c);
		if (r != CCW_OK)
			return r;
		if (is_tic(&c)) {
			next = c.cda;
			r = fetch_ccw(vm, fmt1, next, &c);
			if (r != CCW_OK)
				return r;
			if (is_tic(&c))
				return CCW_PROG_CHECK;
		}
		ds->seg[ds->nseg].addr = next;
		ds->seg[ds->nseg].ccw = c;
		ds->nseg++;
		ds->total += c.count;
	}
	if (ds->nseg > 1 && ds->seg[ds->nseg - 1].ccw.count == 0)
		return CCW_PROG_CHECK;
	return CCW_OK;
}

uint32_t ccw_data_len(const struct ccw_stream *ds)
{
	return ds->total;
}

uint32_t ccw_data_left(const struct ccw_stream *ds)
{
	return ds->total - ds->done;
}

void ccw_data_rewind(struct ccw_stream *ds)
{
	ds->cur = 0;
	ds->off = 0;
	ds->done = 0;
}

/*
 * The guest absolute address of byte `off` of segment s and how many
 * bytes from there are contiguous (to the end of the CCW's count, or of
 * the IDAW's block).  IDAW rules (PoP "Indirect Data Addressing"): the
 * first IDAW may start anywhere, each further one at a block boundary.
 */
static enum ccw_result seg_locate(struct ccw_stream *ds, const struct ccw_seg *s,
				  uint32_t off, uint64_t *addr, uint32_t *len)
{
	const struct ccw1 *c = &s->ccw;
	uint32_t left = c->count - off;

	if (!(c->flags & CCW_FLAG_IDA)) {
		uint64_t a = (uint64_t)c->cda + off;

		if (!(ds->orb1 & ORB_FMT) && a + left > 0x1000000)
			return CCW_PROG_CHECK;	/* format 0: 24-bit */
		*addr = a;
		*len = left;
		return CCW_OK;
	}

	bool fmt2 = ds->orb1 & ORB_C64;
	uint64_t bsize = (fmt2 && !(ds->orb1 & ORB_I2K)) ? 4096 : 2048;
	unsigned int isize = fmt2 ? 8 : 4;
	uint8_t b[8];
	uint64_t first, a;

	if (c->cda & (isize - 1))
		return CCW_PROG_CHECK;
	if (vm_read(ds->vm, c->cda, b, isize) < 0)
		return CCW_PROG_CHECK;
	first = fmt2 ? be64_ld(b) : be32_ld(b);
	if (!fmt2 && (first & 0x80000000U))
		return CCW_PROG_CHECK;
	uint64_t first_len = bsize - (first & (bsize - 1));
	if (off < first_len) {
		a = first + off;
		*len = (uint32_t)(first_len - off < left ? first_len - off : left);
	} else {
		uint64_t rel = off - first_len;
		uint64_t idx = 1 + rel / bsize;
		uint64_t in = rel % bsize;

		if (vm_read(ds->vm, c->cda + idx * isize, b, isize) < 0)
			return CCW_PROG_CHECK;
		a = fmt2 ? be64_ld(b) : be32_ld(b);
		if ((!fmt2 && (a & 0x80000000U)) || (a & (bsize - 1)))
			return CCW_PROG_CHECK;
		a += in;
		*len = (uint32_t)(bsize - in < left ? bsize - in : left);
	}
	*addr = a;
	return CCW_OK;
}

static int transfer(struct ccw_stream *ds, void *buf, uint32_t len, bool store)
{
	uint8_t *p = buf;
	uint32_t moved = 0;

	while (moved < len && ds->cur < ds->nseg) {
		const struct ccw_seg *s = &ds->seg[ds->cur];

		if (ds->off == s->ccw.count) {
			ds->cur++;
			ds->off = 0;
			continue;
		}
		uint64_t a;
		uint32_t n;
		enum ccw_result r = seg_locate(ds, s, ds->off, &a, &n);

		if (r != CCW_OK)
			return -(int)r;
		if (n > len - moved)
			n = len - moved;
		/* SKIP: a read-type command moves no data to storage. */
		bool skip = store && (s->ccw.flags & CCW_FLAG_SKIP);
		if (!skip) {
			void *g = vm_absolute(ds->vm, a, n);

			if (!g)
				return -(int)CCW_PROG_CHECK;
			r = key_check(ds, a, n, store);
			if (r != CCW_OK)
				return -(int)r;
			if (store) {
				memcpy(g, p + moved, n);
				vm_mark_dirty(ds->vm, a, n);
			} else {
				memcpy(p + moved, g, n);
			}
		}
		ds->off += n;
		ds->done += n;
		moved += n;
	}
	return (int)moved;
}

int ccw_data_read(struct ccw_stream *ds, void *buf, uint32_t len)
{
	return transfer(ds, buf, len, false);
}

int ccw_data_write(struct ccw_stream *ds, const void *buf, uint32_t len)
{
	return transfer(ds, (void *)buf, len, true);
}

/* ---- commands the channel subsystem answers itself ------------------- */

static enum ccw_result do_sense(struct subchannel *sch, struct ccw_stream *ds)
{
	int n = ccw_data_write(ds, sch->sense, CSS_SENSE_SIZE);

	if (n < 0)
		return (enum ccw_result)-n;
	memset(sch->sense, 0, sizeof(sch->sense));
	return CCW_OK;
}

/* SENSE ID: byte 0 0xff, control-unit type and model, device type and
 * model (common I/O-device commands). */
static enum ccw_result do_sense_id(struct subchannel *sch, struct ccw_stream *ds)
{
	uint8_t b[8];
	int n;

	b[0] = 0xff;
	be16_st(b + 1, sch->id.cu_type);
	b[3] = sch->id.cu_model;
	be16_st(b + 4, sch->id.dev_type);
	b[6] = sch->id.dev_model;
	b[7] = 0;
	n = ccw_data_write(ds, b, sizeof(b));
	return n < 0 ? (enum ccw_result)-n : CCW_OK;
}

static enum ccw_result exec_ccw(struct subchannel *sch, const struct ccw1 *ccw,
				struct ccw_stream *ds, bool *no_il)
{
	*no_il = false;
	switch (ccw->cmd) {
	case CCW_CMD_NOOP:
		*no_il = true;	/* no data transfer, no length check */
		return CCW_OK;
	case CCW_CMD_SENSE:
		return do_sense(sch, ds);
	case CCW_CMD_SENSE_ID:
		return do_sense_id(sch, ds);
	default:
		return sch->ops->ccw(sch->dev, sch, ccw, ds);
	}
}

/* ---- the start function ------------------------------------------------ */

static void conclude(struct subchannel *sch, uint64_t last_ccw, uint16_t residual,
		     uint8_t dstat, uint8_t cstat)
{
	struct scsw *s = &sch->scsw;

	s->cpa = (uint32_t)(last_ccw + 8);
	s->count = residual;
	s->dstat = dstat;
	/* A program-controlled interruption not yet presented goes with
	 * the final status (PoP "Program-Controlled Interruption"). */
	s->cstat = cstat | (sch->pci_pending ? CSTAT_PCI : 0);
	sch->pci_pending = false;
	s->ctrl &= (uint16_t)~(SCSW_ACTL_MASK | SCSW_STCTL_MASK);
	s->ctrl |= SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY;
	if (cstat & (CSTAT_PROG_CHECK | CSTAT_PROT_CHECK | CSTAT_DATA_CHECK) ||
	    (dstat & (DSTAT_UC | DSTAT_UX)))
		s->ctrl |= SCSW_STCTL_ALERT;
	css_sch_status_pending(sch);
}

static void conclude_error(struct subchannel *sch, uint64_t ccw_addr,
			   uint16_t residual, enum ccw_result r)
{
	switch (r) {
	case CCW_CMD_REJECT:
		memset(sch->sense, 0, sizeof(sch->sense));
		sch->sense[0] = SENSE_CMD_REJECT;
		conclude(sch, ccw_addr, residual, DSTAT_CE | DSTAT_DE | DSTAT_UC, 0);
		break;
	case CCW_UNIT_EXCEPTION:
		conclude(sch, ccw_addr, residual, DSTAT_CE | DSTAT_DE | DSTAT_UX, 0);
		break;
	case CCW_PROT_CHECK:
		conclude(sch, ccw_addr, residual, 0, CSTAT_PROT_CHECK);
		break;
	case CCW_DATA_CHECK:
		conclude(sch, ccw_addr, residual, 0, CSTAT_DATA_CHECK);
		break;
	case CCW_PROG_CHECK:
	default:
		conclude(sch, ccw_addr, residual, 0, CSTAT_PROG_CHECK);
		break;
	}
}

void css_run_start(struct subchannel *sch, uint64_t resume_at)
{
	uint32_t orb1 = sch->orb[1];
	bool fmt1 = orb1 & ORB_FMT;
	uint64_t addr = resume_at ? resume_at : sch->orb[2];
	struct vm *vm = sch->css->vm;
	bool after_tic = false;
	struct ccw_stream ds;

	sch->scsw.ctrl &= (uint16_t)~(SCSW_ACTL_START_PEND | SCSW_ACTL_RESUME_PEND);
	sch->scsw.ctrl |= SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE;
	for (unsigned int n = 0;; n++) {
		struct ccw1 ccw;
		enum ccw_result r;

		if (n == CSS_MAX_CCWS) {
			conclude_error(sch, addr - 8, 0, CCW_PROG_CHECK);
			return;
		}
		r = fetch_ccw(vm, fmt1, addr, &ccw);
		if (r != CCW_OK) {
			conclude_error(sch, addr, 0, r);
			return;
		}
		if (is_tic(&ccw)) {
			/* TIC to TIC, or to a non-doubleword address: program
			 * check (PoP "Transfer in Channel"). */
			if (after_tic || (ccw.cda & 7)) {
				conclude_error(sch, addr, 0, CCW_PROG_CHECK);
				return;
			}
			after_tic = true;
			addr = ccw.cda;
			continue;
		}
		after_tic = false;
		/* Channel programs run to their end before the guest can look,
		 * so a PCI is presented with the next status (intermediate at
		 * a suspension, else the final one). */
		if (ccw.flags & CCW_FLAG_PCI)
			sch->pci_pending = true;
		/* Command code xxxx0000 is invalid; MIDAWs are not offered. */
		if ((ccw.cmd & 0x0f) == 0 || (ccw.flags & CCW_FLAG_MIDA)) {
			conclude_error(sch, addr, ccw.count, CCW_PROG_CHECK);
			return;
		}
		if (ccw.flags & CCW_FLAG_SUSPEND) {
			/* S flag without suspend control in the ORB: program
			 * check; with it, the channel program suspends before
			 * the CCW (PoP "Suspension of Channel-Program
			 * Execution"). */
			if (!(orb1 & ORB_SPND)) {
				conclude_error(sch, addr, ccw.count, CCW_PROG_CHECK);
				return;
			}
			if (!resume_at || n > 0) {
				sch->suspended_ccw = addr;
				sch->scsw.cpa = (uint32_t)(addr + 8);
				sch->scsw.ctrl &= (uint16_t)~SCSW_ACTL_MASK;
				sch->scsw.ctrl |= SCSW_ACTL_SUSP;
				if (!(orb1 & ORB_SSIC)) {
					sch->scsw.ctrl &= (uint16_t)~SCSW_STCTL_MASK;
					sch->scsw.ctrl |= SCSW_STCTL_INTERMEDIATE;
					if (sch->pci_pending)
						sch->scsw.cstat |= CSTAT_PCI;
					sch->pci_pending = false;
					css_sch_status_pending(sch);
				}
				return;
			}
			/* Resumed at this CCW: execute it (the S flag was
			 * honoured once). */
		}
		r = open_stream(&ds, vm, orb1, addr, &ccw);
		if (r != CCW_OK) {
			conclude_error(sch, addr, ccw.count, r);
			return;
		}
		bool no_il;
		r = exec_ccw(sch, &ccw, &ds, &no_il);
		/* Where the data transfer ended: that CCW's flags and count. */
		unsigned int cur = ds.cur;
		uint32_t off = ds.off;
		if (cur < ds.nseg - 1 && off == ds.seg[cur].ccw.count) {
			cur++;
			off = 0;
		}
		if (cur >= ds.nseg)
			cur = ds.nseg - 1, off = ds.seg[cur].ccw.count;
		const struct ccw_seg *end = &ds.seg[cur];
		uint16_t residual = (uint16_t)(end->ccw.count - off);

		if (r != CCW_OK) {
			conclude_error(sch, end->addr, residual, r);
			return;
		}
		/* Incorrect length: the device took more or less than the
		 * count.  SLI suppresses it unless data chaining is on. */
		bool il = !no_il && ds.done != ds.total;
		bool sli = (end->ccw.flags & CCW_FLAG_SLI) &&
			   !(end->ccw.flags & CCW_FLAG_CD);
		if (il && !sli) {
			conclude(sch, end->addr, residual, DSTAT_CE | DSTAT_DE,
				 CSTAT_IL);
			return;
		}
		const struct ccw_seg *last = &ds.seg[ds.nseg - 1];
		if (!(last->ccw.flags & CCW_FLAG_CC)) {
			conclude(sch, last->addr, no_il ? 0 : residual,
				 DSTAT_CE | DSTAT_DE, 0);
			return;
		}
		addr = last->addr + 8;
	}
}
