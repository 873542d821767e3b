// SPDX-License-Identifier: MIT
/*
 * The channel subsystem driven like a guest would: SCHIBs, ORBs and
 * channel programs built in guest storage, the I/O instructions called
 * through their css_* entry points, IRBs and I/O interruptions checked.
 * The device behind the subchannel is a small echo device: WRITE (0x01)
 * stores bytes, READ (0x02) returns them, CONTROL 0x0b rejects (unit
 * check / command reject).  Ends with a bounded random test of the
 * channel-program interpreter (random CCWs, IDAWs and ORBs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/s390.h"
#include "devices/css.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define RAM		(16ULL << 20)
#define SCHID0		0x00010000U
#define CMD_WRITE	0x01
#define CMD_READ	0x02
#define CMD_REJECT	0x0b

static struct vm *vm;
static struct css *css;

/* ---- interruptions: the soft backend with a recording floating_irq -- */
static struct backend_ops rec_ops;
static struct kvm_s390_interrupt last_irq;
static int nio, nmchk;

static int rec_floating_irq(struct vm *v, const struct kvm_s390_interrupt *irq)
{
	(void)v;
	if (irq->type == KVM_S390_MCHK)
		nmchk++;
	else
		nio++;
	last_irq = *irq;
	return 0;
}

/* ---- echo device ------------------------------------------------------ */
struct echo {
	uint8_t data[256];
	uint32_t len;
	int cleared;
};

static enum ccw_result echo_ccw(void *dev, struct subchannel *sch,
				const struct ccw1 *ccw, struct ccw_stream *ds)
{
	struct echo *e = dev;
	int n;

	(void)sch;
	switch (ccw->cmd) {
	case CMD_WRITE:
		n = ccw_data_read(ds, e->data, sizeof(e->data));
		if (n < 0)
			return (enum ccw_result)-n;
		e->len = (uint32_t)n;
		return CCW_OK;
	case CMD_READ:
		n = ccw_data_write(ds, e->data, e->len);
		return n < 0 ? (enum ccw_result)-n : CCW_OK;
	default:
		return CCW_CMD_REJECT;
	}
}

static void echo_clear(void *dev)
{
	((struct echo *)dev)->cleared++;
}

static const struct css_dev_ops echo_ops = {
	.name = "echo", .ccw = echo_ccw, .clear = echo_clear,
};
static struct echo echo;

/* ---- guest-side helpers -------------------------------------------------- */
static uint8_t *G(uint64_t a)
{
	return vm->ram + a;
}

static void ccw1(uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count,
		 uint32_t cda)
{
	uint8_t *p = G(at);

	p[0] = cmd;
	p[1] = flags;
	be16_st(p + 2, count);
	be32_st(p + 4, cda);
}

static void orb(uint8_t *o, uint32_t intparm, uint32_t w1, uint32_t cpa)
{
	memset(o, 0, ORB_SIZE);
	be32_st(o, intparm);
	be32_st(o + 4, w1 | ORB_FMT | 0x8000 /* LPM 0x80 */);
	be32_st(o + 8, cpa);
}

static void enable(uint32_t schid, uint8_t isc, uint32_t intparm)
{
	uint8_t schib[SCHIB_SIZE];

	css_stsch(css, schid, schib);
	be32_st(schib, intparm);
	be16_st(schib + 4, (uint16_t)((be16_ld(schib + 4) & ~PMCW_FLAGS_ISC) |
		 PMCW_FLAGS_ENA | (isc << 11)));
	css_msch(css, schid, schib);
}

/* Start a program at cpa, TSCH it; returns the ssch cc and the IRB. */
static int run(uint32_t w1, uint32_t cpa, uint8_t irb[IRB_SIZE])
{
	uint8_t o[ORB_SIZE];
	int cc;

	orb(o, 0x12345678, w1, cpa);
	cc = css_ssch(css, SCHID0, o);
	memset(irb, 0, IRB_SIZE);
	if (cc == 0)
		css_tsch(css, SCHID0, irb);
	return cc;
}

#define IRB_CTRL(irb)	be16_ld((irb) + 2)
#define IRB_CPA(irb)	be32_ld((irb) + 4)
#define IRB_DSTAT(irb)	((irb)[8])
#define IRB_CSTAT(irb)	((irb)[9])
#define IRB_COUNT(irb)	be16_ld((irb) + 10)

static bool ok_end(const uint8_t *irb)
{
	return IRB_DSTAT(irb) == (DSTAT_CE | DSTAT_DE) && IRB_CSTAT(irb) == 0 &&
	       (IRB_CTRL(irb) & SCSW_STCTL_STATUS_PEND);
}

static void test_stsch_msch(void)
{
	uint8_t schib[SCHIB_SIZE];

	ksft_test_result(css_stsch(css, SCHID0, schib) == 0 &&
			 be16_ld(schib + 6) == 0x1234 &&
			 (be16_ld(schib + 4) & PMCW_FLAGS_DNV) &&
			 !(be16_ld(schib + 4) & PMCW_FLAGS_ENA) &&
			 schib[11] == 0x80 && schib[15] == 0x80,
			 "STSCH: devno 1234, valid, disabled, path 0x80\n");
	ksft_test_result(css_stsch(css, SCHID0 | 5, schib) == 3,
			 "STSCH of a missing subchannel: cc 3\n");
	ksft_test_result(!css_schid_valid(0x00000000) && !css_schid_valid(0x00110000) &&
			 css_schid_valid(0x00010001) && css_schid_valid(0x00030000),
			 "subsystem-identification word validity\n");
	uint8_t o[ORB_SIZE];
	orb(o, 0, 0, 0x1000);
	ksft_test_result(css_ssch(css, SCHID0, o) == 3,
			 "SSCH on a disabled subchannel: cc 3\n");
	css_stsch(css, SCHID0, schib);
	be16_st(schib + 4, be16_ld(schib + 4) | 0x0100);
	ksft_test_result(css_msch(css, SCHID0, schib) == -PGM_OPERAND,
			 "MSCH with a reserved PMCW bit: operand exception\n");
	enable(SCHID0, 3, 0xcafe);
	css_stsch(css, SCHID0, schib);
	ksft_test_result((be16_ld(schib + 4) & PMCW_FLAGS_ENA) &&
			 ((be16_ld(schib + 4) & PMCW_FLAGS_ISC) >> 11) == 3 &&
			 be32_ld(schib) == 0xcafe && be16_ld(schib + 6) == 0x1234,
			 "MSCH: enabled, ISC 3, intparm set, devno kept\n");
}

static void test_simple(void)
{
	uint8_t irb[IRB_SIZE];

	memcpy(G(0x2000), "hello channel", 13);
	ccw1(0x1000, CMD_WRITE, 0, 13, 0x2000);
	nio = 0;
	int cc = run(0, 0x1000, irb);
	ksft_test_result(cc == 0 && ok_end(irb) && IRB_COUNT(irb) == 0 &&
			 IRB_CPA(irb) == 0x1008 && echo.len == 13 &&
			 !memcmp(echo.data, "hello channel", 13),
			 "WRITE: CE+DE, count 0, CCW address +8, data arrived\n");
	ksft_test_result(nio == 1 && last_irq.parm == (SCHID0 | 0) &&
			 (last_irq.parm64 >> 32) == 0x12345678 &&
			 (uint32_t)last_irq.parm64 == 3U << 27,
			 "I/O interruption: subchannel id, intparm, ISC 3\n");
	ksft_test_result(css_tsch(css, SCHID0, irb) == 1 &&
			 !(IRB_CTRL(irb) & SCSW_STCTL_STATUS_PEND),
			 "second TSCH: cc 1, not status pending\n");

	/* Status pending blocks a new start: cc 1. */
	uint8_t o[ORB_SIZE];
	orb(o, 1, 0, 0x1000);
	css_ssch(css, SCHID0, o);
	ksft_test_result(css_ssch(css, SCHID0, o) == 1,
			 "SSCH while status pending: cc 1\n");
	css_tsch(css, SCHID0, irb);

	/* Command chaining: WRITE then READ back into another buffer. */
	ccw1(0x1000, CMD_WRITE, CCW_FLAG_CC, 5, 0x2000);
	ccw1(0x1008, CMD_READ, 0, 5, 0x3000);
	memset(G(0x3000), 0, 16);
	run(0, 0x1000, irb);
	ksft_test_result(ok_end(irb) && !memcmp(G(0x3000), "hello", 5) &&
			 IRB_CPA(irb) == 0x1010,
			 "command chaining: write then read back\n");
}

static void test_chaining(void)
{
	uint8_t irb[IRB_SIZE];

	/* Data chaining: one WRITE over two areas, the second after a TIC. */
	memcpy(G(0x2000), "abc", 3);
	memcpy(G(0x2800), "defgh", 5);
	ccw1(0x1000, CMD_WRITE, CCW_FLAG_CD, 3, 0x2000);
	ccw1(0x1008, CCW_CMD_TIC, 0, 0, 0x1100);
	ccw1(0x1100, 0xff, 0, 5, 0x2800);
	run(0, 0x1000, irb);
	ksft_test_result(ok_end(irb) && echo.len == 8 &&
			 !memcmp(echo.data, "abcdefgh", 8),
			 "data chaining through a TIC\n");

	/* Format-1 IDAWs (2K blocks): 3 bytes at the end of a block, then
	 * 5 at the start of another. */
	be32_st(G(0x4000), 0x57fd);
	be32_st(G(0x4004), 0x6000);
	memcpy(G(0x57fd), "123", 3);
	memcpy(G(0x6000), "45678", 5);
	ccw1(0x1000, CMD_WRITE, CCW_FLAG_IDA, 8, 0x4000);
	run(0, 0x1000, irb);
	ksft_test_result(ok_end(irb) && echo.len == 8 &&
			 !memcmp(echo.data, "12345678", 8),
			 "format-1 IDAWs across a 2K boundary\n");

	/* Format-2 IDAWs (4K blocks), read direction. */
	be64_st(G(0x4000), 0x7ffe);
	be64_st(G(0x4008), 0x9000);
	memset(G(0x7ffe), 0, 2);
	memset(G(0x9000), 0, 8);
	ccw1(0x1000, CMD_READ, CCW_FLAG_IDA, 8, 0x4000);
	run(ORB_C64, 0x1000, irb);
	ksft_test_result(ok_end(irb) && !memcmp(G(0x7ffe), "12", 2) &&
			 !memcmp(G(0x9000), "345678", 6),
			 "format-2 IDAWs across a 4K boundary\n");

	/* An IDAW after the first that is not on a block boundary. */
	be64_st(G(0x4008), 0x9004);
	run(ORB_C64, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "misaligned second IDAW: channel-program check\n");

	/* PCI flag: presented with the final status. */
	ccw1(0x1000, CMD_WRITE, CCW_FLAG_PCI | CCW_FLAG_CC, 8, 0x2000);
	ccw1(0x1008, CMD_READ, 0, 8, 0x3000);
	run(0, 0x1000, irb);
	bool pci = IRB_CSTAT(irb) == CSTAT_PCI && IRB_DSTAT(irb) == (DSTAT_CE | DSTAT_DE);
	run(0, 0x1008, irb);
	ksft_test_result(pci && ok_end(irb),
			 "PCI flag reported with the final status, once\n");

	/* SKIP: the read moves no data. */
	memset(G(0x3000), 0xee, 8);
	ccw1(0x1000, CMD_READ, CCW_FLAG_SKIP, 8, 0x3000);
	run(0, 0x1000, irb);
	ksft_test_result(ok_end(irb) && G(0x3000)[0] == 0xee,
			 "SKIP: no data stored\n");
}

static void test_errors(void)
{
	uint8_t irb[IRB_SIZE];

	ccw1(0x1000, CCW_CMD_TIC, 0, 0, 0x1008);
	ccw1(0x1008, CCW_CMD_TIC, 0, 0, 0x1000);
	run(0, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK &&
			 (IRB_CTRL(irb) & SCSW_STCTL_ALERT),
			 "TIC to TIC: channel-program check, alert status\n");

	run(0, (uint32_t)RAM + 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "CCW outside guest storage: program check\n");

	ccw1(0x1000, CMD_WRITE, 0, 16, (uint32_t)RAM - 8);
	run(0, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "data area running off guest storage: program check\n");

	ccw1(0x1000, 0x00, 0, 4, 0x2000);
	run(0, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "command code 0: program check\n");

	run(0, 0x1004, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "CCW address not doubleword aligned: program check\n");

	/* A loop that never ends: bounded. */
	ccw1(0x1000, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	ccw1(0x1008, CCW_CMD_TIC, 0, 0, 0x1000);
	run(0, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "endless NOP/TIC loop ends with a program check\n");

	/* Incorrect length: the device has 13 bytes, the CCW asks 20. */
	ccw1(0x1000, CMD_WRITE, 0, 13, 0x2000);
	run(0, 0x1000, irb);
	ccw1(0x1000, CMD_READ, CCW_FLAG_CC, 20, 0x3000);
	ccw1(0x1008, CMD_READ, 0, 13, 0x3000);
	run(0, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_IL && IRB_COUNT(irb) == 7 &&
			 IRB_CPA(irb) == 0x1008,
			 "incorrect length ends the chain, residual 7\n");
	ccw1(0x1000, CMD_READ, CCW_FLAG_CC | CCW_FLAG_SLI, 20, 0x3000);
	run(0, 0x1000, irb);
	ksft_test_result(ok_end(irb) && IRB_CPA(irb) == 0x1010,
			 "SLI suppresses incorrect length, chain continues\n");

	/* Unit check, then basic sense returns command reject. */
	ccw1(0x1000, CMD_REJECT, 0, 0, 0);
	run(0, 0x1000, irb);
	bool uc = IRB_DSTAT(irb) == (DSTAT_CE | DSTAT_DE | DSTAT_UC);
	ccw1(0x1000, CCW_CMD_SENSE, CCW_FLAG_SLI, 32, 0x3000);
	run(0, 0x1000, irb);
	ksft_test_result(uc && ok_end(irb) && G(0x3000)[0] == SENSE_CMD_REJECT,
			 "unit check; SENSE returns command reject\n");

	ccw1(0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, 0x3000);
	run(0, 0x1000, irb);
	ksft_test_result(ok_end(irb) && G(0x3000)[0] == 0xff &&
			 be16_ld(G(0x3000) + 1) == 0x3832 && G(0x3000)[3] == 9,
			 "SENSE ID: control-unit type 3832 model 9\n");

	/* Storage keys (PoP "Key-Controlled Protection"): frame 2 gets
	 * access key 3 with fetch protection. */
	uint8_t key = 0x38;
	vm->ops->set_skeys(vm, 2, 1, &key);
	ccw1(0x1000, CMD_WRITE, 0, 8, 0x2000);
	run(2U << 28, 0x1000, irb);
	bool prot = IRB_CSTAT(irb) == CSTAT_PROT_CHECK;
	run(3U << 28, 0x1000, irb);
	bool match = ok_end(irb);
	run(0, 0x1000, irb);
	ksft_test_result(prot && match && ok_end(irb),
			 "fetch-protected frame: key 2 protection check, keys 3 and 0 pass\n");
	key = 0;
	vm->ops->set_skeys(vm, 2, 1, &key);

	/* Reserved ORB bits and a 64-bit CPA: operand exception. */
	uint8_t o[ORB_SIZE];
	orb(o, 0, ORB_TM, 0x1000);
	int a = css_ssch(css, SCHID0, o);
	orb(o, 0, 0, 0x80001000);
	ksft_test_result(a == -PGM_OPERAND && css_ssch(css, SCHID0, o) == -PGM_OPERAND,
			 "ORB with transport mode / CPA bit 0: operand exception\n");
}

static void test_functions(void)
{
	uint8_t irb[IRB_SIZE], o[ORB_SIZE];

	/* Suspend at the second CCW, then resume. */
	memcpy(G(0x2000), "susp", 4);
	ccw1(0x1000, CMD_WRITE, CCW_FLAG_CC, 4, 0x2000);
	ccw1(0x1008, CMD_READ, CCW_FLAG_SUSPEND, 4, 0x3000);
	memset(G(0x3000), 0, 4);
	orb(o, 7, ORB_SPND, 0x1000);
	css_ssch(css, SCHID0, o);
	css_tsch(css, SCHID0, irb);
	bool susp = (IRB_CTRL(irb) & SCSW_ACTL_SUSP) &&
		    (IRB_CTRL(irb) & SCSW_STCTL_INTERMEDIATE) &&
		    G(0x3000)[0] == 0;
	int cc = css_rsch(css, SCHID0);
	css_tsch(css, SCHID0, irb);
	ksft_test_result(susp && cc == 0 && ok_end(irb) &&
			 !memcmp(G(0x3000), "susp", 4),
			 "suspend with intermediate status, RSCH completes\n");
	ksft_test_result(css_rsch(css, SCHID0) == 2,
			 "RSCH without a suspended program: cc 2\n");

	/* S flag without ORB suspend control: program check. */
	ccw1(0x1000, CMD_READ, CCW_FLAG_SUSPEND, 4, 0x3000);
	run(0, 0x1000, irb);
	ksft_test_result(IRB_CSTAT(irb) == CSTAT_PROG_CHECK,
			 "S flag without suspend control: program check\n");

	/* XSCH withdraws a suspended program (no interruption). */
	orb(o, 7, ORB_SPND | ORB_SSIC, 0x1000);
	nio = 0;
	css_ssch(css, SCHID0, o);
	cc = css_xsch(css, SCHID0);
	ksft_test_result(nio == 0 && cc == 0 && css_tsch(css, SCHID0, irb) == 1 &&
			 !(IRB_CTRL(irb) & SCSW_FCTL_MASK),
			 "XSCH cancels a suspended program silently\n");

	/* HSCH on an idle subchannel: status pending with halt function. */
	cc = css_hsch(css, SCHID0);
	css_tsch(css, SCHID0, irb);
	ksft_test_result(cc == 0 && (IRB_CTRL(irb) & SCSW_FCTL_HALT),
			 "HSCH: halt function, status pending\n");

	/* CSCH reaches the device and ends with the clear function. */
	int before = echo.cleared;
	cc = css_csch(css, SCHID0);
	css_tsch(css, SCHID0, irb);
	ksft_test_result(cc == 0 && echo.cleared == before + 1 &&
			 (IRB_CTRL(irb) & SCSW_FCTL_CLEAR),
			 "CSCH: device cleared, clear function pending\n");
	ksft_test_result(css_csch(css, SCHID0 | 9) == 3 &&
			 css_hsch(css, SCHID0 | 9) == 3,
			 "CSCH/HSCH of a missing subchannel: cc 3\n");
}

static void test_crw_chsc(void)
{
	uint8_t crw[CRW_SIZE];
	struct css_sense_id id = { .cu_type = 0x3832, .cu_model = 1 };
	char *err = NULL;

	nmchk = 0;
	struct subchannel *s = css_add_device(css, 0x42, &id, &echo_ops, &echo,
					      true, &err);
	int cc0 = css_stcrw(css, crw);
	uint32_t w = be32_ld(crw);
	int cc1 = css_stcrw(css, crw);
	ksft_test_result(s && nmchk == 1 && cc0 == 0 &&
			 ((w >> CRW_RSC_SHIFT) & 0xf) == CRW_RSC_SUBCH &&
			 (w & 0xffff) == css_sch_schno(s) && cc1 == 1 &&
			 be32_ld(crw) == 0,
			 "hot-plug: machine check, subchannel CRW, then cc 1\n");
	ksft_test_result(!css_add_device(css, 0x42, &id, &echo_ops, &echo,
					 false, &err) && err,
			 "duplicate device number refused\n");
	free(err);
	ksft_test_result(css_parse_devno("fe.0.00ff") == 0xff &&
			 css_parse_devno("1a2b") == 0x1a2b &&
			 css_parse_devno("0.0.0001") < 0 &&
			 css_parse_devno("fe.0.12345") < 0,
			 "device number syntax\n");

	uint8_t block[4096] = { 0 };
	be16_st(block, 16);
	be16_st(block + 2, 0x0004);
	be16_st(block + 6, 0);
	be16_st(block + 10, 1);
	css_chsc(css, block);
	ksft_test_result(be16_ld(block + 16 + 2) == 0x0001 &&
			 (block[24] & 0xc0) == 0xc0 &&
			 be16_ld(block + 24 + 2) == 0x1234 &&
			 be16_ld(block + 56 + 2) == 0x0042,
			 "CHSC store subchannel description\n");
	memset(block, 0, sizeof(block));
	be16_st(block, 16);
	be16_st(block + 2, 0x0010);
	css_chsc(css, block);
	ksft_test_result(be16_ld(block + 16 + 2) == 0x0001 &&
			 (block[32 + 5] & 0x40),
			 "CHSC store characteristics: adapter interruptions\n");
	memset(block, 0, sizeof(block));
	be16_st(block, 16);
	be16_st(block + 2, 0x7777);
	css_chsc(css, block);
	ksft_test_result(be16_ld(block + 16 + 2) == 0x0002,
			 "CHSC unknown command: not supported\n");
}

static void test_reset(void)
{
	uint8_t schib[SCHIB_SIZE], crw[CRW_SIZE], irb[IRB_SIZE];

	enable(SCHID0, 5, 0x77);
	ccw1(0x1000, CMD_WRITE, 0, 4, 0x2000);
	uint8_t o[ORB_SIZE];
	orb(o, 9, 0, 0x1000);
	css_ssch(css, SCHID0, o);			/* status pending */
	css_queue_crw(css, CRW_RSC_CHP, CRW_ERC_INIT, 0);
	css_reset(css);
	css_stsch(css, SCHID0, schib);
	ksft_test_result(!(be16_ld(schib + 4) & (PMCW_FLAGS_ENA | PMCW_FLAGS_ISC)) &&
			 be32_ld(schib) == 0 && be16_ld(schib + 6) == 0x1234 &&
			 !(be16_ld(schib + 30) & SCSW_STCTL_STATUS_PEND) &&
			 css_stcrw(css, crw) == 1 && css_tsch(css, SCHID0, irb) == 1,
			 "subsystem reset: disabled, no status, no reports, devno kept\n");
	enable(SCHID0, 3, 0xcafe);
}

/* Random channel programs: whatever the bytes, the start function ends
 * with status pending, stores stay in guest storage, nothing hangs. */
static void test_random(void)
{
	uint8_t irb[IRB_SIZE], o[ORB_SIZE];
	bool ok = true;
	unsigned int seed = 12345;

	for (int i = 0; i < 20000 && ok; i++) {
		seed = seed * 1103515245 + 12345;
		srand(seed);
		/* Random CCWs and IDAWs in the first 64K. */
		for (int j = 0; j < 32; j++) {
			uint64_t at = 0x1000 + 8 * (uint64_t)(rand() % 64);
			uint8_t cmds[] = { CMD_WRITE, CMD_READ, CMD_REJECT,
					   CCW_CMD_TIC, CCW_CMD_NOOP, CCW_CMD_SENSE,
					   CCW_CMD_SENSE_ID, 0, (uint8_t)rand() };
			uint32_t cda = rand() % 8 ? (uint32_t)(rand() % 0x10000)
						  : (uint32_t)rand() * 2;
			ccw1(at, cmds[rand() % 9], (uint8_t)rand(),
			     (uint16_t)(rand() % 300), cda);
			be32_st(G(0x4000 + 4 * (uint64_t)(rand() % 64)),
				(uint32_t)(rand() % 0x20000));
		}
		uint32_t w1 = (uint32_t)rand() & (ORB_SPND | ORB_C64 | ORB_I2K |
						  ORB_SSIC | ORB_PFCH);
		orb(o, 0, w1, 0x1000 + 8 * (uint32_t)(rand() % 64));
		if (rand() % 2)
			be32_st(o + 4, be32_ld(o + 4) & ~ORB_FMT);
		int cc = css_ssch(css, SCHID0, o);
		for (int k = 0; k < 3 && cc == 0; k++) {
			css_tsch(css, SCHID0, irb);
			if (IRB_CTRL(irb) & SCSW_ACTL_SUSP)
				css_rsch(css, SCHID0) == 0 ? (void)0 : (void)css_xsch(css, SCHID0);
		}
		/* Whatever happened, the subchannel can be made idle. */
		css_csch(css, SCHID0);
		css_tsch(css, SCHID0, irb);
		ok = css_tsch(css, SCHID0, irb) == 1 && cc >= 0;
		if (!ok)
			ksft_print_msg("iteration %d: cc %d\n", i, cc);
	}
	ksft_test_result(ok, "20000 random channel programs end cleanly\n");
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
	struct css_sense_id id = { .cu_type = 0x3832, .cu_model = 9 };
	char *err = NULL;

	ksft_print_header();
	ksft_set_plan(44);
	rec_ops = soft_backend_ops;
	rec_ops.floating_irq = rec_floating_irq;
	cfg.backend = &rec_ops;
	if (vm_create(&vm, &cfg, &err))
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	css = vm->css;
	if (!css || !css_add_device(css, 0x1234, &id, &echo_ops, &echo, false, &err))
		ksft_exit_fail_msg("css: %s\n", err ? err : "no css");

	test_stsch_msch();	/* 6 */
	test_simple();		/* 5 */
	test_chaining();	/* 6 */
	test_errors();		/* 12 */
	test_functions();	/* 7 */
	test_crw_chsc();	/* 6 */
	test_reset();		/* 1 */
	test_random();		/* 1 */
	vm_destroy(vm);
	return ksft_finished();
}
