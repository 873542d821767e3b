/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the fdc_*.c tests: a struct vm in qtest mode (no vCPU
 * runs), the floppy (ISA DMA + 82078) on its port-I/O bus with image
 * files in a temporary directory, a qtest client on a socketpair with IRQ
 * interception, and a QMP client with the floppy's commands.  Everything
 * the tests do to the controller goes through the qtest socket, the way
 * a driver would: ports, guest storage for DMA, IRQ 6 reports.
 *
 * Header-only (static functions): each test is one small program.
 */
#ifndef MINIVMM_TESTS_FDC_HARNESS_H
#define MINIVMM_TESTS_FDC_HARNESS_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../ksft.h"
#include "../lib/qmp-client.h"
#include "devices/fdc-setup.h"
#include "devices/fdc.h"
#include "vmm/mainloop.h"
#include "vmm/qmp.h"
#include "vmm/qtest.h"
#include "vmm/vm.h"

#define FDC	0x3f0
#define SRA	(FDC + 0)
#define SRB	(FDC + 1)
#define DOR	(FDC + 2)
#define TDR	(FDC + 3)
#define MSR	(FDC + 4)
#define DSR	(FDC + 4)
#define FIFO	(FDC + 5)
#define DIR	(FDC + 7)
#define CCR	(FDC + 7)

#define MSR_RQM		0x80
#define MSR_DIO		0x40
#define MSR_NDMA	0x20
#define MSR_CB		0x10

#define IMG_1440K	1474560
#define SPT		18	/* 1.44M */
#define DMA_BUF		0x10000	/* guest address of DMA buffers */

struct harness {
	struct vm *vm;
	struct qtest *qt;
	struct qmp_server *qmp;
	struct qtest_client *q;
	struct qmp_client *c;
	char dir[64];
	char img[2][128];
};

static struct harness H;

static void h_pump(void *opaque)
{
	(void)opaque;
	mainloop_iterate(H.vm->loop, 1);
}

/* The byte at offset i of sector lba in a fresh image. */
static inline uint8_t h_pattern(unsigned int lba, unsigned int i)
{
	return (uint8_t)(lba * 7 + i * 13 + (lba >> 8));
}

/* A raw image of size bytes filled with h_pattern(); path in out. */
static inline void h_make_image(char *out, size_t outlen, const char *name,
				uint64_t size)
{
	uint8_t sec[512];
	int fd;

	snprintf(out, outlen, "%s/%s", H.dir, name);
	fd = open(out, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		ksft_exit_fail_msg("create %s\n", out);
	for (uint64_t lba = 0; lba < size / 512; lba++) {
		for (unsigned int i = 0; i < 512; i++)
			sec[i] = h_pattern((unsigned int)lba, i);
		if (write(fd, sec, 512) != 512)
			ksft_exit_fail_msg("write %s\n", out);
	}
	if (size % 512 && ftruncate(fd, (off_t)size) < 0)
		ksft_exit_fail_msg("truncate %s\n", out);
	close(fd);
}

/* Read back sector lba of an image file. */
static inline bool h_file_sector(const char *path, unsigned int lba, uint8_t *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && pread(fd, buf, 512, (off_t)lba * 512) == 512;

	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Set up: drive 0 with a 1.44M image (extra "-drive" option text may add
 * ",readonly=on"), drive 1 with a second 1.44M image unless no_drive1.
 */
static inline void h_setup(const char *opt0, bool no_drive1)
{
	struct vm_config cfg = {
		.ram_size = 16 << 20, .ncpus = 1, .backend = &soft_backend_ops,
		.console_in = -1, .console_out = STDERR_FILENO, .qtest = true,
	};
	char d0[512], d1[512], *err = NULL;
	const char *drives[2] = { d0, d1 };
	int sv[2], sq[2];

	snprintf(H.dir, sizeof(H.dir), "/tmp/fdc-test-XXXXXX");
	if (!mkdtemp(H.dir))
		ksft_exit_fail_msg("mkdtemp\n");
	h_make_image(H.img[0], sizeof(H.img[0]), "a.img", IMG_1440K);
	h_make_image(H.img[1], sizeof(H.img[1]), "b.img", IMG_1440K);
	snprintf(d0, sizeof(d0), "file=%s,if=floppy,format=raw%s", H.img[0],
		 opt0 ? opt0 : "");
	snprintf(d1, sizeof(d1), "file=%s,if=floppy,index=1", H.img[1]);
	if (vm_create(&H.vm, &cfg, &err) < 0 ||
	    floppy_create(&H.vm->floppy, H.vm, drives, no_drive1 ? 1 : 2, &err) < 0 ||
	    qtest_create(&H.qt, H.vm, &err) < 0 ||
	    qmp_server_create(&H.qmp, H.vm, &err) < 0 ||
	    qmp_server_add_commands(H.qmp, floppy_qmp_commands,
				    floppy_qmp_ncommands, H.vm->floppy, &err) < 0)
		ksft_exit_fail_msg("setup: %s\n", err ? err : "?");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sq) < 0)
		ksft_exit_fail_msg("socketpair\n");
	qtest_attach_fd(H.qt, sv[0]);
	H.q = qtest_client_new(sv[1], h_pump, NULL);
	qmp_server_add_client_fd(H.qmp, sq[0]);
	H.c = qmp_client_new(sq[1], h_pump, NULL, true);
	if (!H.q || !H.c)
		ksft_exit_fail_msg("clients\n");
	free(qtest_cmd(H.q, "irq_intercept_in /machine/fdc"));
}

static inline void h_teardown(void)
{
	qtest_client_free(H.q);
	qmp_client_free(H.c);
	qtest_destroy(H.qt);
	qmp_server_destroy(H.qmp);
	vm_destroy(H.vm);
	unlink(H.img[0]);
	unlink(H.img[1]);
	rmdir(H.dir);
}

static inline uint8_t inb(uint16_t port)
{
	return qtest_inb(H.q, port);
}

static inline void outb(uint16_t port, uint8_t v)
{
	qtest_outb(H.q, port, v);
}

static inline bool irq6(void)
{
	return qtest_get_irq(H.q, 6);
}

/* Write command bytes as a driver does: each only when MSR says RQM, DIO=0. */
static inline bool h_cmd(const uint8_t *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if ((inb(MSR) & (MSR_RQM | MSR_DIO)) != MSR_RQM)
			return false;
		outb(FIFO, b[i]);
	}
	return true;
}

#define CMD(...) h_cmd((const uint8_t[]){ __VA_ARGS__ }, \
		       sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* Read result bytes while MSR is RQM|DIO|CB (Linux floppy.c result()). */
static inline int h_result(uint8_t *r, int max)
{
	int n = 0;

	for (;;) {
		uint8_t m = inb(MSR) & (MSR_RQM | MSR_DIO | MSR_CB | MSR_NDMA);

		if (m == MSR_RQM)
			return n;
		if (m != (MSR_RQM | MSR_DIO | MSR_CB) || n == max)
			return -1;
		r[n++] = inb(FIFO);
	}
}

/* Reset through DSR and take the four polling statuses. */
static inline bool h_reset(void)
{
	uint8_t r[2];
	bool ok;

	outb(DSR, 0x80);
	ok = irq6();
	for (unsigned int i = 0; i < 4; i++)
		ok = ok && CMD(0x08) && h_result(r, 2) == 2 && r[0] == (0xc0 | i);
	return ok && !irq6();
}

/*
 * Program DMA channel 2 (8237 ports 0x04/0x05, mode 0x0b, page 0x81):
 * to_memory: a disk read (mode 0x46), else a disk write (mode 0x4a).
 */
static inline void h_dma(uint32_t addr, uint32_t len, bool to_memory)
{
	outb(0x0a, 0x06);		/* mask channel 2 */
	outb(0x0c, 0);			/* flip-flop */
	outb(0x0b, to_memory ? 0x46 : 0x4a);
	outb(0x04, (uint8_t)addr);
	outb(0x04, (uint8_t)(addr >> 8));
	outb(0x81, (uint8_t)(addr >> 16));
	outb(0x05, (uint8_t)(len - 1));
	outb(0x05, (uint8_t)((len - 1) >> 8));
	outb(0x0a, 0x02);		/* unmask */
}

/* Guest storage <-> buffer through the qtest socket (read/write lines). */
static inline bool h_mem_read(uint64_t addr, uint8_t *buf, size_t len)
{
	char *r = qtest_cmd(H.q, "read 0x%llx 0x%zx", (unsigned long long)addr, len);
	bool ok = r && !strncmp(r, "OK 0x", 5) && strlen(r) == 5 + 2 * len;

	for (size_t i = 0; ok && i < len; i++) {
		unsigned int b;

		ok = sscanf(r + 5 + 2 * i, "%2x", &b) == 1;
		buf[i] = (uint8_t)b;
	}
	free(r);
	return ok;
}

static inline bool h_mem_write(uint64_t addr, const uint8_t *buf, size_t len)
{
	char *s = malloc(2 * len + 1), *r;
	bool ok;

	if (!s)
		return false;
	for (size_t i = 0; i < len; i++)
		sprintf(s + 2 * i, "%02x", buf[i]);
	r = qtest_cmd(H.q, "write 0x%llx 0x%zx 0x%s", (unsigned long long)addr,
		      len, s);
	ok = r && !strcmp(r, "OK");
	free(r);
	free(s);
	return ok;
}

static inline unsigned int h_lba(unsigned int c, unsigned int h, unsigned int r)
{
	return (c * 2 + h) * SPT + r - 1;
}

/* Is buf sectors lba.. of the pristine pattern? */
static inline bool h_is_pattern(const uint8_t *buf, unsigned int lba,
				unsigned int nsec)
{
	for (unsigned int s = 0; s < nsec; s++)
		for (unsigned int i = 0; i < 512; i++)
			if (buf[s * 512 + i] != h_pattern(lba + s, i))
				return false;
	return true;
}

/* Seek drive ds to cylinder c with head hds and take the seek status. */
static inline bool h_seek(unsigned int ds, unsigned int hds, uint8_t c)
{
	uint8_t r[2];

	return CMD(0x0f, (uint8_t)(hds << 2 | ds), c) && irq6() &&
	       CMD(0x08) && h_result(r, 2) == 2 &&
	       r[0] == (0x20 | hds << 2 | ds) && r[1] == c && !irq6();
}

#endif
