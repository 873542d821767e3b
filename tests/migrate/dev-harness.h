/* SPDX-License-Identifier: MIT */
/*
 * A migration-test VM with every device kind: virtio-rng (subchannel 0),
 * virtio-blk on a 1 MiB image (1), virtio-console writing to /dev/null
 * (2), the port-I/O bridge and the floppy (ISA DMA + 82078) with a 1.44M
 * image.  Nothing runs; device state is set the way a driver sets it
 * (channel programs through the css, port I/O through the bus, DIAG
 * 0x0F10 functions through the bridge).
 */
#ifndef MINIVMM_TESTS_MIG_DEV_HARNESS_H
#define MINIVMM_TESTS_MIG_DEV_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

#include "mig-harness.h"
#include "devices/css.h"
#include "devices/fdc-setup.h"
#include "devices/pio-bridge.h"
#include "devices/portio.h"
#include "devices/virtio-ccw.h"
#include "devices/virtio-devices.h"

#ifndef DEV_RAM
#define DEV_RAM		(16ULL << 20)	/* > RING(2) + 0x8000 */
#endif
#define SCH(n)		(0x00010000U | (n))
#define PROG		0x1000ULL
#define DATA		0x2000ULL
#define RING(n)		(0x100000ULL + (n) * 0x10000ULL)
#define IND		0x3000ULL
#define CONF_IND	0x3100ULL

struct dvm {
	struct vm *vm;
	struct virtio_rng *rng;
	struct virtio_blk *blk;
	struct virtio_console *con;
	char img[64], fimg[64];
};

static inline void make_file(char *path, size_t n, const char *tmpl, uint64_t size)
{
	snprintf(path, n, "%s", tmpl);
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		ksft_exit_fail_msg("cannot make %s\n", path);
	close(fd);
}

/* blk_size 0: no virtio-blk; floppy false: no floppy.  swap: blk first. */
static inline void dvm_create(struct dvm *d, const char *machine,
			      uint64_t blk_size, bool floppy, bool swap)
{
	static int devnull = -1;
	char *err = NULL;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	d->vm = mig_new_vm(machine, DEV_RAM, 1);
	make_file(d->img, sizeof(d->img), "/tmp/mig-blk-XXXXXX", blk_size ? blk_size : 512);
	make_file(d->fimg, sizeof(d->fimg), "/tmp/mig-fd-XXXXXX", 1474560);
	struct blk_config bc = { .file = d->img };
	struct console_chardev chr = { .in_fd = -1, .out_fd = devnull,
				       .listen_fd = -1 };
	if (swap && blk_size)
		rc |= virtio_blk_create(&d->blk, d->vm->css, -1, &bc, &err);
	rc |= virtio_rng_create(&d->rng, d->vm->css, -1, &err);
	if (!swap && blk_size)
		rc |= virtio_blk_create(&d->blk, d->vm->css, -1, &bc, &err);
	rc |= virtio_console_create(&d->con, d->vm->css, -1, &chr, &err);
	rc |= pio_bridge_create(&d->vm->pio_bridge, d->vm, &err);
	if (floppy) {
		char arg[128];
		snprintf(arg, sizeof(arg), "file=%s,if=floppy,format=raw", d->fimg);
		const char *drives[] = { arg };
		rc |= floppy_create(&d->vm->floppy, d->vm, drives, 1, &err);
	}
	if (rc)
		ksft_exit_fail_msg("devices: %s\n", err ? err : "?");
}

static inline void dvm_destroy(struct dvm *d)
{
	virtio_blk_destroy(d->blk);
	virtio_rng_destroy(d->rng);
	virtio_console_destroy(d->con);
	vm_destroy(d->vm);
	unlink(d->img);
	unlink(d->fimg);
}

/* ---- a virtio-ccw driver, just enough ---- */

/* One CCW with its data at DATA; true when it ended with CE+DE. */
static inline bool dvm_ccw(struct vm *vm, uint32_t schid, uint8_t code,
			   uint16_t count)
{
	uint8_t orb[ORB_SIZE] = { 0 }, irb[IRB_SIZE];

	vm->ram[PROG] = code;
	vm->ram[PROG + 1] = CCW_FLAG_SLI;
	be16_st(vm->ram + PROG + 2, count);
	be32_st(vm->ram + PROG + 4, (uint32_t)DATA);
	be32_st(orb + 4, ORB_FMT | 0xff00);
	be32_st(orb + 8, (uint32_t)PROG);
	if (css_ssch(vm->css, schid, orb) != 0)
		return false;
	css_tsch(vm->css, schid, irb);
	return irb[8] == (DSTAT_CE | DSTAT_DE) && irb[9] == 0;
}

/* Enable the subchannel (ISC 3, interruption parameter) and bring the
 * device up at revision 1 with VERSION_1, queues set up, a classic
 * indicator and, with conf_ind, a configuration indicator. */
static inline bool dvm_driver(struct vm *vm, unsigned int schno,
			      unsigned int nq, bool conf_ind)
{
	uint32_t schid = SCH(schno);
	uint8_t schib[SCHIB_SIZE];
	uint8_t *g = vm->ram + DATA;
	bool ok = true;

	css_stsch(vm->css, schid, schib);
	be32_st(schib, 0xc0de0000 | schno);
	be16_st(schib + 4, be16_ld(schib + 4) | PMCW_FLAGS_ENA | (3 << 11));
	ok &= css_msch(vm->css, schid, schib) == 0;
	be16_st(g, 1);
	be16_st(g + 2, 0);
	ok &= dvm_ccw(vm, schid, 0x83, 4);		/* SET_VIRTIO_REV 1 */
	g[0] = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	ok &= dvm_ccw(vm, schid, 0x31, 1);		/* WRITE_STATUS */
	le32_st(g, 1);
	g[4] = 1;
	ok &= dvm_ccw(vm, schid, 0x11, 5);		/* WRITE_FEAT VERSION_1 */
	g[0] = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	       VIRTIO_STATUS_FEATURES_OK;
	ok &= dvm_ccw(vm, schid, 0x31, 1);
	for (unsigned int q = 0; q < nq; q++) {
		uint64_t desc = RING(schno) + q * 0x4000;

		memset(g, 0, 32);
		be64_st(g, desc);
		be16_st(g + 12, (uint16_t)q);
		be16_st(g + 14, 16);
		be64_st(g + 16, desc + 16 * 16);
		be64_st(g + 24, desc + 0x1000);
		ok &= dvm_ccw(vm, schid, 0x13, 32);	/* SET_VQ */
	}
	be64_st(g, IND + 8 * schno);
	ok &= dvm_ccw(vm, schid, 0x43, 8);		/* SET_IND */
	if (conf_ind) {
		be64_st(g, CONF_IND + 8 * schno);
		ok &= dvm_ccw(vm, schid, 0x53, 8);	/* SET_CONF_IND */
	}
	g[0] = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	       VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;
	ok &= dvm_ccw(vm, schid, 0x31, 1);
	return ok;
}

/* ---- the floppy, through its ports ---- */
#define FDC_DOR		0x3f2
#define FDC_FIFO	0x3f5

static inline void dvm_outb(struct vm *vm, uint16_t port, uint8_t v)
{
	portio_write(vm->portio, port, 1, v);
}

/* Drive every device into non-reset state: virtio drivers with queues
 * and indicators, a channel report, an alert status pending on sch 1,
 * DMA channel 2 programmed, the floppy in the middle of READ DATA's
 * command bytes, line 6 enabled at the bridge. */
static inline void dvm_drive(struct dvm *d)
{
	struct vm *vm = d->vm;
	bool ok = dvm_driver(vm, 0, 1, true) && dvm_driver(vm, 1, 1, false) &&
		  dvm_driver(vm, 2, 2, true);

	if (!ok)
		ksft_exit_fail_msg("driver set-up failed\n");
	/* A channel report and an unsolicited (alert) status on sch 1. */
	css_queue_crw(vm->css, CRW_RSC_SUBCH, CRW_ERC_IPARM, 7);
	struct virtio_ccw_dev *vd = css_find_dev(vm->css, SCH(1), &virtio_ccw_css_ops);
	vccw_interrupt(vd, 0);
	/* DMA channel 2 programmed, the floppy in the middle of READ DATA's
	 * command bytes, line 6 enabled at the bridge. */
	dvm_outb(vm, 0x0b, 0x46);	/* mode: single, write, channel 2 */
	dvm_outb(vm, 0x0c, 0);		/* flip-flop */
	dvm_outb(vm, 0x04, 0x34);
	dvm_outb(vm, 0x04, 0x12);
	dvm_outb(vm, 0x81, 0x05);
	dvm_outb(vm, FDC_FIFO, 0x03);	/* SPECIFY */
	dvm_outb(vm, FDC_FIFO, 0xdf);
	dvm_outb(vm, FDC_FIFO, 0x02);
	dvm_outb(vm, FDC_FIFO, 0xe6);	/* READ DATA, 2 of 9 bytes */
	dvm_outb(vm, FDC_FIFO, 0x00);
	struct pio_diag_regs r = { .gr1 = PIO_FN_ENABLE, .gr2 = 1u << 6 };
	pio_bridge_diag(vm->pio_bridge, &r);
}

/* The encoding of section `name` instance `inst` (NULL: none). */
static inline const struct vms_buf *dvm_find(const struct vms_buf *img,
					     const struct mig_sections *ss,
					     const char *name, uint32_t inst)
{
	for (unsigned int i = 0; i < ss->n; i++)
		if (!strcmp(ss->s[i].desc->name, name) && ss->s[i].instance == inst)
			return &img[i];
	return NULL;
}

/* Does an encoding carry the subsection `name` (u8 length + name)? */
static inline bool dvm_has_sub(const struct vms_buf *b, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; b && i + 1 + n <= b->len; i++)
		if (b->data[i] == n && !memcmp(b->data + i + 1, name, n))
			return true;
	return false;
}

#endif
