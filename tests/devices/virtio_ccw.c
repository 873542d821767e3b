// SPDX-License-Identifier: MIT
/*
 * The virtio-ccw transport driven through the channel subsystem with
 * channel programs in guest storage, in front of a small fake device:
 * revisions, features, configuration byte order, queue set-up, classic
 * and adapter indicators, DIAG 0x500 notifications, and the errors a
 * driver can cause (unknown revision, short data areas, out-of-range
 * queues, indicator mix-ups).  Ends with random CCWs against the
 * transport.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/s390.h"
#include "devices/css.h"
#include "devices/virtio-ccw.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define RAM	(16ULL << 20)
#define SCHID	0x00010000U
#define PROG	0x1000ULL
#define DATA	0x2000ULL
#define RING	0x10000ULL

static struct vm *vm;
static struct virtio_ccw_dev *vd;
static struct backend_ops rec_ops;
static int nio, nai;
static struct kvm_s390_interrupt last_irq;

static int rec_floating_irq(struct vm *v, const struct kvm_s390_interrupt *irq)
{
	(void)v;
	if (irq->type & KVM_S390_INT_IO_AI_MASK)
		nai++;
	else if (irq->type != KVM_S390_MCHK)
		nio++;
	last_irq = *irq;
	return 0;
}

/* ---- the fake device ---- */
static uint8_t written_cfg[8];
static uint32_t written_len;
static int notified, resets;

static void fake_get_config(void *dev, uint8_t *cfg, bool le)
{
	(void)dev;
	if (le)
		le64_st(cfg, 0x1122334455667788ULL);
	else
		be64_st(cfg, 0x1122334455667788ULL);
}

static void fake_set_config(void *dev, const uint8_t *cfg, uint32_t len, bool le)
{
	(void)dev;
	(void)le;
	memcpy(written_cfg, cfg, len < 8 ? len : 8);
	written_len = len;
}

static void fake_notify(void *dev, unsigned int q)
{
	(void)dev;
	(void)q;
	notified++;
}

static void fake_reset(void *dev)
{
	(void)dev;
	resets++;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "fake",
	.device_id = 9,
	.num_queues = 2,
	.queue_max = 64,
	.features = VIRTIO_F_INDIRECT_DESC | (1ULL << 3),
	.config_size = 8,
	.get_config = fake_get_config,
	.set_config = fake_set_config,
	.notify = fake_notify,
	.reset = fake_reset,
};

/* ---- channel programs ---- */
static uint8_t *G(uint64_t a)
{
	return vm->ram + a;
}

static uint8_t dstat, cstat;
static uint16_t residual;

/* One CCW on DATA; true when it ended with CE+DE and nothing else. */
static bool cmd(uint8_t code, uint8_t flags, uint16_t count)
{
	uint8_t orb[ORB_SIZE] = { 0 }, irb[IRB_SIZE];

	G(PROG)[0] = code;
	G(PROG)[1] = flags;
	be16_st(G(PROG) + 2, count);
	be32_st(G(PROG) + 4, (uint32_t)DATA);
	be32_st(orb + 4, ORB_FMT | 0xff00);
	be32_st(orb + 8, (uint32_t)PROG);
	if (css_ssch(vm->css, SCHID, orb) != 0) {
		/* Unsolicited status pending: take it, try again. */
		css_tsch(vm->css, SCHID, irb);
		if (css_ssch(vm->css, SCHID, orb) != 0)
			return false;
	}
	css_tsch(vm->css, SCHID, irb);
	dstat = irb[8];
	cstat = irb[9];
	residual = be16_ld(irb + 10);
	return dstat == (DSTAT_CE | DSTAT_DE) && cstat == 0;
}

static bool rejected(void)
{
	return (dstat & DSTAT_UC) && cstat == 0;
}

static bool set_rev(uint16_t rev)
{
	be16_st(G(DATA), rev);
	be16_st(G(DATA) + 2, 0);
	return cmd(0x83, 0, 4);
}

static void enable(bool on)
{
	uint8_t schib[SCHIB_SIZE];

	css_stsch(vm->css, SCHID, schib);
	uint16_t f = be16_ld(schib + 4) & ~PMCW_FLAGS_ISC;
	f = on ? (f | PMCW_FLAGS_ENA | (3 << 11)) : (f & ~PMCW_FLAGS_ENA);
	be16_st(schib + 4, f);
	css_msch(vm->css, SCHID, schib);
}

static uint32_t read_feat(uint8_t index)
{
	memset(G(DATA), 0, 5);
	G(DATA)[4] = index;
	cmd(0x12, 0, 5);
	return le32_ld(G(DATA));
}

static bool write_feat(uint8_t index, uint32_t bits)
{
	le32_st(G(DATA), bits);
	G(DATA)[4] = index;
	return cmd(0x11, 0, 5);
}

static bool write_status(uint8_t st)
{
	G(DATA)[0] = st;
	return cmd(0x31, 0, 1);
}

static bool set_vq_modern(uint16_t index, uint16_t num, uint64_t desc)
{
	memset(G(DATA), 0, 32);
	be64_st(G(DATA), desc);
	be16_st(G(DATA) + 12, index);
	be16_st(G(DATA) + 14, num);
	be64_st(G(DATA) + 16, desc + 16ULL * num);
	be64_st(G(DATA) + 24, desc + 0x1000);
	return cmd(0x13, 0, 32);
}

static void test_identity_revision(void)
{
	memset(G(DATA), 0, 8);
	bool ok = cmd(CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8);
	ksft_test_result(ok && G(DATA)[0] == 0xff && be16_ld(G(DATA) + 1) == 0x3832 &&
			 G(DATA)[3] == 9, "SENSE ID: 3832 model 9\n");
	ksft_test_result(!set_rev(3) && rejected(), "revision 3: command reject\n");
	ksft_test_result(set_rev(1), "revision 1 accepted\n");
	ksft_test_result(!set_rev(1) && rejected(), "second SET_VIRTIO_REV rejected\n");
	G(DATA)[0] = 0;
	ksft_test_result(!cmd(0x72, 0, 1) && rejected(),
			 "READ_STATUS at revision 1: rejected\n");
	be16_st(G(DATA), 0);
	be16_st(G(DATA) + 2, 4);
	enable(false);
	enable(true);
	ksft_test_result(!cmd(0x83, 0, 8) && rejected(),
			 "SET_VIRTIO_REV with data: rejected\n");
	enable(false);
	enable(true);
	ksft_test_result(set_rev(2) && cmd(0x72, 0, 1),
			 "disable/enable forgets the revision; 2 has READ_STATUS\n");
}

static void test_features_config(void)
{
	enable(false);
	enable(true);
	set_rev(1);
	write_status(0);
	uint32_t f0 = read_feat(0), f1 = read_feat(1), f2 = read_feat(2);
	ksft_test_result(f0 == ((1U << 28) | (1U << 3)) && f1 == 1 && f2 == 0,
			 "READ_FEAT: device bits, VERSION_1 in word 1\n");
	write_feat(0, 1U << 3);
	write_feat(1, 0);
	ksft_test_result(!write_status(0x0b) && rejected(),
			 "FEATURES_OK without VERSION_1: rejected\n");
	write_feat(0, 1U << 5);
	write_feat(1, 1);
	ksft_test_result(!write_status(0x0b) && rejected(),
			 "FEATURES_OK with a feature never offered: rejected\n");
	write_feat(0, 1U << 3);
	ksft_test_result(write_status(0x0b), "FEATURES_OK accepted\n");

	memset(G(DATA), 0, 8);
	cmd(0x22, 0, 8);
	ksft_test_result(le64_ld(G(DATA)) == 0x1122334455667788ULL,
			 "READ_CONF: modern configuration is little-endian\n");
	memcpy(G(DATA), "ABCDEFGH", 8);
	cmd(0x21, 0, 6);
	ksft_test_result(written_len == 6 && !memcmp(written_cfg, "ABCDEF", 6),
			 "WRITE_CONF hands the bytes to the device\n");
	ksft_test_result(!cmd(0x22, 0, 12) && (cstat & CSTAT_IL) && residual == 4,
			 "READ_CONF longer than the space: incorrect length\n");
	ksft_test_result(cmd(0x22, CCW_FLAG_SLI, 12), "... suppressed with SLI\n");

	enable(false);
	enable(true);
	set_rev(0);
	ksft_test_result(read_feat(1) == 0 && read_feat(0) == ((1U << 28) | (1U << 3)),
			 "revision 0: no VERSION_1, word 1 empty\n");
	cmd(0x22, 0, 8);
	ksft_test_result(be64_ld(G(DATA)) == 0x1122334455667788ULL,
			 "revision 0: configuration in guest (big-endian) order\n");
}

static void test_queues_indicators(void)
{
	enable(false);
	enable(true);
	set_rev(1);
	write_status(0);
	write_feat(1, 1);
	write_status(0x0b);
	be16_st(G(DATA), 1);
	cmd(0x32, 0, 4);
	ksft_test_result(be16_ld(G(DATA) + 2) == 64, "READ_VQ_CONF: 64\n");
	ksft_test_result(!set_vq_modern(2, 16, RING) && rejected(),
			 "SET_VQ of queue 2 (of 2): rejected\n");
	ksft_test_result(!set_vq_modern(0, 128, RING) && rejected(),
			 "SET_VQ bigger than the maximum: rejected\n");
	ksft_test_result(!set_vq_modern(0, 16, RAM - 0x100) && rejected(),
			 "SET_VQ with rings outside storage: rejected\n");
	ksft_test_result(!cmd(0x13, 0, 16) && rejected(),
			 "SET_VQ with a 16-byte area at revision 1: rejected\n");
	ksft_test_result(set_vq_modern(0, 16, RING), "SET_VQ of queue 0\n");

	be64_st(G(DATA), 0x3000);
	bool ind = cmd(0x43, 0, 8);
	be64_st(G(DATA), 0x3008);
	bool conf = cmd(0x53, 0, 8);
	be64_st(G(DATA), 0x3100);
	be64_st(G(DATA) + 8, 0x3200);
	be64_st(G(DATA) + 16, 0);
	G(DATA)[24] = 3;
	ksft_test_result(ind && conf && !cmd(0x73, 0, 25) && rejected(),
			 "SET_IND_ADAPTER after SET_IND: rejected\n");
	be64_st(G(DATA), 0x3000);
	ksft_test_result(!cmd(0x43, 0, 4) && rejected(),
			 "SET_IND with a 4-byte area: rejected\n");
	write_status(0x0f);

	memset(G(0x3000), 0, 16);
	nio = 0;
	int before = notified;
	int64_t c = virtio_ccw_notify(vm->css, SCHID, 0, 0);
	ksft_test_result(c >= 0 && notified == before + 1 &&
			 virtio_ccw_notify(vm->css, SCHID, 2, 0) == -EINVAL &&
			 virtio_ccw_notify(vm->css, SCHID | 7, 0, 0) == -EINVAL,
			 "DIAG 0x500: queue 0 notified; queue 2, subchannel 7: -EINVAL\n");
	vccw_interrupt(vd, 1);
	ksft_test_result(be64_ld(G(0x3000)) == 2 && nio == 1,
			 "classic indicator bit 1 and an I/O interruption\n");
	vccw_interrupt(vd, ~0u);
	ksft_test_result(be64_ld(G(0x3008)) == 1,
			 "configuration change: bit 0 of the config indicator\n");

	/* Adapter interruptions on a fresh driver. */
	write_status(0);
	be64_st(G(DATA), 0x3100);
	be64_st(G(DATA) + 8, 0x3200);
	be64_st(G(DATA) + 16, 10);
	G(DATA)[24] = 3;
	G(0x3100)[0] = 0;
	memset(G(0x3200), 0, 4);
	bool ok = cmd(0x73, 0, 25);
	nai = 0;
	vccw_interrupt(vd, 1);
	vccw_interrupt(vd, 0);
	ksft_test_result(ok && G(0x3100)[0] == 1 && G(0x3201)[0] == 0x30 && nai == 1 &&
			 (uint32_t)last_irq.parm64 == (0x80000000U | (3U << 27)),
			 "adapter: bits 10-11, summary, one interruption with AI and ISC 3\n");
	G(DATA)[24] = 8;
	ksft_test_result(!cmd(0x73, 0, 25) && rejected(), "adapter ISC 8: rejected\n");
	css_reset(vm->css);
	enable(true);
	ksft_test_result(set_rev(2) && read_feat(1) == 1,
			 "after a subsystem reset the revision is negotiated anew\n");
	int r0 = resets;
	ksft_test_result(cmd(0x33, 0, 0) && resets == r0 + 1 &&
			 virtio_ccw_notify(vm->css, SCHID, 0, 0) >= 0 && notified == before + 1,
			 "VDEV_RESET: device reset, queues gone\n");
}

/* Random single commands with random data: always concluded, never a
 * crash (the sanitizers watch the rest). */
static void test_random(void)
{
	static const uint8_t codes[] = { 0x13, 0x33, 0x43, 0x53, 0x73, 0x12, 0x11,
					 0x22, 0x21, 0x31, 0x32, 0x83, 0x72, 0xe4,
					 0x04, 0x03, 0x99 };
	bool ok = true;

	srand(777);
	for (int i = 0; i < 20000 && ok; i++) {
		if (rand() % 50 == 0) {
			enable(false);
			enable(true);
		}
		for (int b = 0; b < 40; b++)
			G(DATA)[b] = (uint8_t)(rand() % 4 ? rand() % 4 : rand());
		if (rand() % 2)
			be64_st(G(DATA), (uint64_t)(rand() % 0x100000));
		uint8_t c = codes[rand() % sizeof(codes)];
		cmd(c, (uint8_t)(rand() & (CCW_FLAG_SLI | CCW_FLAG_SKIP)),
		    (uint16_t)(rand() % 40));
		ok = dstat || cstat;
		if (rand() % 8 == 0)
			virtio_ccw_notify(vm->css, SCHID, (uint64_t)(rand() % 3), 0);
	}
	ksft_test_result(ok, "20000 random transport commands concluded\n");
}

int main(void)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini",
		.ram_size = RAM,
		.ncpus = 1,
		.console_in = -1,
		.console_out = -1,
	};
	char *err = NULL;

	ksft_print_header();
	ksft_set_plan(33);
	rec_ops = soft_backend_ops;
	rec_ops.floating_irq = rec_floating_irq;
	cfg.backend = &rec_ops;
	if (vm_create(&vm, &cfg, &err))
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	if (virtio_ccw_create(&vd, vm->css, 0x10, &fake_ops, NULL, &err))
		ksft_exit_fail_msg("virtio_ccw_create: %s\n", err ? err : "?");
	enable(true);
	test_identity_revision();	/* 7 */
	test_features_config();		/* 10 */
	test_queues_indicators();	/* 15 */
	test_random();			/* 1 */
	vm_destroy(vm);
	virtio_ccw_destroy(vd);
	return ksft_finished();
}
