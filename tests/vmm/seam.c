/* SPDX-License-Identifier: MIT */
/*
 * The backend seam contract (vmm/backend.h) as the VMM relies on it,
 * exercised through struct backend_ops only: register access, resets,
 * kvm_run sync registers in both directions, the dirty log, storage keys,
 * the TOD clock and mp_state.  Each case runs on the software CPU and,
 * when /dev/kvm can run s390 guests, on KVM; otherwise the KVM cases are
 * skipped with the reason.
 *
 * Expected values: the Linux KVM API document (KVM_CAP_SYNC_REGS,
 * KVM_S390_INITIAL_RESET, KVM_GET_DIRTY_LOG, KVM_S390_SET_SKEYS, ...) and
 * the PoP "CPU Reset" figure for the initial register values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/s390.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MODE64	0x0000000180000000ULL
#define CODE	0x10000ULL
#define RAM	(1ULL << 20)

struct ctx {
	struct vm *vm;
	struct vcpu *vcpu;
	const struct backend_ops *ops;
	struct kvm_run *run;
};

/* ---- Guest code ------------------------------------------------------ */

static void put(struct ctx *c, uint64_t addr, uint64_t insn, unsigned len)
{
	uint8_t b[6];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(insn >> (8 * (len - 1 - i)));
	vm_write(c->vm, addr, b, len);
}

/* DIAG 0,0,code: leaves run() as an instruction intercept. */
#define DIAG(code)	(0x83000000ULL | (code))

static void start_at(struct ctx *c, uint64_t addr)
{
	c->ops->set_initial_psw(c->vcpu, MODE64, addr);
	c->ops->set_mp_state(c->vcpu, KVM_MP_STATE_OPERATING);
}

/* run() until the DIAG intercept with the given code. */
static bool run_to_diag(struct ctx *c, unsigned code)
{
	int rc = c->ops->run(c->vcpu);

	return rc == 0 && c->run->exit_reason == KVM_EXIT_S390_SIEIC &&
	       c->run->s390_sieic.icptcode == ICPT_INSTRUCTION &&
	       c->run->s390_sieic.ipa == 0x8300 &&
	       c->run->s390_sieic.ipb == (uint32_t)code << 16;
}

/* ---- Cases ------------------------------------------------------------ */

static bool t_regs(struct ctx *c)
{
	struct kvm_regs r, g;

	for (int i = 0; i < 16; i++)
		r.gprs[i] = 0x0101010101010101ULL * (uint64_t)(i + 1);
	if (c->ops->set_regs(c->vcpu, &r) < 0 || c->ops->get_regs(c->vcpu, &g) < 0)
		return false;
	return memcmp(r.gprs, g.gprs, sizeof(r.gprs)) == 0;
}

static bool t_sregs(struct ctx *c)
{
	struct kvm_sregs s, g;

	for (int i = 0; i < 16; i++) {
		s.acrs[i] = 0xA0A00000U + (uint32_t)i;
		s.crs[i] = 0xC0000000ULL + (uint64_t)i;
	}
	s.crs[0] = CR0_RESET;
	if (c->ops->set_sregs(c->vcpu, &s) < 0 || c->ops->get_sregs(c->vcpu, &g) < 0)
		return false;
	return memcmp(s.acrs, g.acrs, sizeof(s.acrs)) == 0 &&
	       memcmp(s.crs, g.crs, sizeof(s.crs)) == 0;
}

static bool t_fpu(struct ctx *c)
{
	struct kvm_fpu f, g;

	memset(&f, 0, sizeof(f));
	f.fpc = 0x00000003;		/* rounding mode 3 */
	for (int i = 0; i < 16; i++)
		f.fprs[i] = 0x4010000000000000ULL + (uint64_t)i;
	if (c->ops->set_fpu(c->vcpu, &f) < 0 || c->ops->get_fpu(c->vcpu, &g) < 0)
		return false;
	return g.fpc == f.fpc && memcmp(f.fprs, g.fprs, sizeof(f.fprs)) == 0;
}

static bool t_one_reg_todpr_ckc(struct ctx *c)
{
	uint64_t v = 0, w = 0;

	return c->ops->set_one_reg(c->vcpu, KVM_REG_S390_TODPR, 0xBEEF) == 0 &&
	       c->ops->get_one_reg(c->vcpu, KVM_REG_S390_TODPR, &v) == 0 && v == 0xBEEF &&
	       c->ops->set_one_reg(c->vcpu, KVM_REG_S390_CLOCK_COMP, 0x1234567890ULL) == 0 &&
	       c->ops->get_one_reg(c->vcpu, KVM_REG_S390_CLOCK_COMP, &w) == 0 &&
	       w == 0x1234567890ULL;
}

static bool t_one_reg_cputm(struct ctx *c)
{
	uint64_t v = 0;
	const uint64_t set = 1ULL << 40, second = 1000000ULL << 12;

	return c->ops->set_one_reg(c->vcpu, KVM_REG_S390_CPU_TIMER, set) == 0 &&
	       c->ops->get_one_reg(c->vcpu, KVM_REG_S390_CPU_TIMER, &v) == 0 &&
	       v <= set && v > set - second;
}

static bool t_one_reg_unknown(struct ctx *c)
{
	uint64_t v;

	return c->ops->get_one_reg(c->vcpu, 0x1234, &v) < 0 &&
	       c->ops->set_one_reg(c->vcpu, 0x1234, 0) < 0;
}

static bool t_initial_psw_exit(struct ctx *c)
{
	put(c, CODE, DIAG(0x500), 4);
	start_at(c, CODE);
	return run_to_diag(c, 0x500) && c->run->psw_addr == CODE + 4 &&
	       c->run->psw_mask == MODE64;
}

static bool t_initial_reset(struct ctx *c)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	memset(&s, 0xff, sizeof(s));
	c->ops->set_sregs(c->vcpu, &s);
	for (int i = 0; i < 16; i++)
		r.gprs[i] = 0x77;
	c->ops->set_regs(c->vcpu, &r);
	c->ops->set_initial_psw(c->vcpu, MODE64 | PSW_MASK_IO, 0x4000);
	c->run->s.regs.prefix = 0x20000;
	c->run->kvm_dirty_regs |= KVM_SYNC_PREFIX;
	put(c, 0x4000, DIAG(0x500), 4);
	c->ops->set_mp_state(c->vcpu, KVM_MP_STATE_OPERATING);
	if (!run_to_diag(c, 0x500) || c->run->s.regs.prefix != 0x20000)
		return false;

	if (c->ops->initial_reset(c->vcpu) < 0 || c->ops->get_sregs(c->vcpu, &s) < 0 ||
	    c->ops->get_regs(c->vcpu, &r) < 0)
		return false;
	bool crs = s.crs[0] == CR0_RESET && s.crs[14] == CR14_RESET;
	for (int i = 1; i < 16; i++)
		if (i != 14 && s.crs[i] != 0)
			crs = false;
	return crs && c->run->psw_mask == 0 && c->run->psw_addr == 0 &&
	       c->run->s.regs.prefix == 0 && r.gprs[5] == 0x77;
}

static bool t_clear_reset(struct ctx *c)
{
	struct kvm_regs r;

	for (int i = 0; i < 16; i++)
		r.gprs[i] = 0x55;
	c->ops->set_regs(c->vcpu, &r);
	if (c->ops->clear_reset(c->vcpu) < 0 || c->ops->get_regs(c->vcpu, &r) < 0)
		return false;
	for (int i = 0; i < 16; i++)
		if (r.gprs[i])
			return false;
	return c->run->psw_mask == 0 && c->run->s.regs.crs[0] == CR0_RESET;
}

static bool t_sync_valid_after_exit(struct ctx *c)
{
	put(c, CODE, 0xA7391234, 4);		/* LGHI 3,0x1234 */
	put(c, CODE + 4, 0xB2100000 | 0x7000, 4);	/* SPX 0(7) */
	put(c, CODE + 8, DIAG(0x500), 4);
	vm_write(c->vm, 0x18000, "\x00\x04\x00\x00", 4);	/* prefix 0x40000 */
	struct kvm_regs r = { .gprs = { [7] = 0x18000 } };
	c->ops->set_regs(c->vcpu, &r);
	start_at(c, CODE);
	uint64_t need = KVM_SYNC_GPRS | KVM_SYNC_PREFIX | KVM_SYNC_CRS | KVM_SYNC_ACRS;
	return run_to_diag(c, 0x500) && (c->run->kvm_valid_regs & need) == need &&
	       c->run->s.regs.gprs[3] == 0x1234 && c->run->s.regs.prefix == 0x40000 &&
	       c->run->s.regs.crs[0] == CR0_RESET;
}

static bool t_dirty_gprs_in(struct ctx *c)
{
	struct kvm_regs r;

	put(c, CODE, 0xB9040054, 4);		/* LGR 5,4 */
	put(c, CODE + 4, DIAG(0x500), 4);
	start_at(c, CODE);
	c->run->s.regs.gprs[4] = 0x5555AAAA5555AAAAULL;
	c->run->kvm_dirty_regs |= KVM_SYNC_GPRS;
	return run_to_diag(c, 0x500) && c->run->s.regs.gprs[5] == 0x5555AAAA5555AAAAULL &&
	       c->ops->get_regs(c->vcpu, &r) == 0 && r.gprs[5] == 0x5555AAAA5555AAAAULL;
}

static bool t_dirty_arch0_crs_in(struct ctx *c)
{
	struct kvm_sregs s;
	uint64_t todpr = 0;

	put(c, CODE, DIAG(0x500), 4);
	start_at(c, CODE);
	c->run->s.regs.todpr = 0x77;
	c->run->s.regs.ckc = 0xC0C0;
	c->run->s.regs.cputm = 1ULL << 40;
	c->run->s.regs.crs[6] = 0xFF000000ULL;
	c->run->kvm_dirty_regs |= KVM_SYNC_ARCH0 | KVM_SYNC_CRS;
	return run_to_diag(c, 0x500) &&
	       c->ops->get_one_reg(c->vcpu, KVM_REG_S390_TODPR, &todpr) == 0 &&
	       todpr == 0x77 && c->ops->get_sregs(c->vcpu, &s) == 0 &&
	       s.crs[6] == 0xFF000000ULL && c->run->s.regs.ckc == 0xC0C0;
}

static bool t_psw_in_run(struct ctx *c)
{
	put(c, CODE, DIAG(0x500), 4);
	put(c, CODE + 0x100, 0xB2220060, 4);	/* IPM 6 */
	put(c, CODE + 0x104, DIAG(0x501), 4);
	start_at(c, CODE);
	if (!run_to_diag(c, 0x500))
		return false;
	c->run->psw_addr = CODE + 0x100;
	c->run->psw_mask = MODE64 | 3ULL << PSW_SHIFT_CC;
	return run_to_diag(c, 0x501) && ((c->run->s.regs.gprs[6] >> 28) & 3) == 3 &&
	       c->run->psw_addr == CODE + 0x108;
}

/* A VMM that changed a register through kvm_run (dirty) and then uses
 * an ioctl for another register must not lose the first change: with
 * KVM the ioctls leave the other kvm_run fields alone. */
static bool t_setters_keep_dirty(struct ctx *c)
{
	struct kvm_sregs s;
	struct kvm_fpu f;

	put(c, CODE, 0xB9040054, 4);		/* LGR 5,4 */
	put(c, CODE + 4, DIAG(0x500), 4);
	start_at(c, CODE);
	c->run->s.regs.gprs[4] = 0x4444;
	c->run->kvm_dirty_regs |= KVM_SYNC_GPRS;
	c->ops->set_one_reg(c->vcpu, KVM_REG_S390_TODPR, 1);
	c->ops->get_sregs(c->vcpu, &s);
	c->ops->set_sregs(c->vcpu, &s);
	c->ops->get_fpu(c->vcpu, &f);
	c->ops->set_fpu(c->vcpu, &f);
	return run_to_diag(c, 0x500) && c->run->s.regs.gprs[5] == 0x4444;
}

static bool t_dirty_log(struct ctx *c)
{
	uint64_t bm[RAM / 4096 / 64];
	uint64_t bm2[RAM / 4096 / 64];

	put(c, CODE, 0xE3107000, 4);		/* STG 1,0(7) ... */
	put(c, CODE + 4, 0x0024, 2);
	put(c, CODE + 6, 0xE3108008, 4);	/* STG 1,8(8) */
	put(c, CODE + 10, 0x0024, 2);
	put(c, CODE + 12, DIAG(0x500), 4);
	struct kvm_regs r = { .gprs = { [1] = 1, [7] = 0x30000, [8] = 0x52000 } };
	c->ops->set_regs(c->vcpu, &r);
	start_at(c, CODE);
	/* A backend that logs only on request (KVM) is asked first. */
	if (c->ops->set_dirty_log && c->ops->set_dirty_log(c->vm, 0, true, NULL) < 0)
		return false;
	c->ops->get_dirty_log(c->vm, 0, bm);	/* start clean */
	if (!run_to_diag(c, 0x500))
		return false;
	memset(bm, 0, sizeof(bm));
	memset(bm2, 0xff, sizeof(bm2));
	if (c->ops->get_dirty_log(c->vm, 0, bm) < 0 ||
	    c->ops->get_dirty_log(c->vm, 0, bm2) < 0)
		return false;
	bool p30 = bm[0x30 / 64] >> (0x30 % 64) & 1;
	bool p52 = bm[0x52 / 64] >> (0x52 % 64) & 1;
	bool p40 = bm[0x40 / 64] >> (0x40 % 64) & 1;
	bool clear = true;
	for (size_t i = 0; i < ARRAY_SIZE(bm2); i++)
		clear = clear && bm2[i] == 0;
	if (c->ops->set_dirty_log && c->ops->set_dirty_log(c->vm, 0, false, NULL) < 0)
		return false;
	return p30 && p52 && !p40 && clear;
}

static bool t_skeys(struct ctx *c)
{
	const uint8_t keys[3] = { 0x10, 0x26, 0xF8 };
	uint8_t got[3] = { 0 };

	return c->ops->set_skeys(c->vm, 0x60, 3, keys) == 0 &&
	       c->ops->get_skeys(c->vm, 0x60, 3, got) == 0 &&
	       memcmp(keys, got, 3) == 0;
}

static bool t_skeys_invalid(struct ctx *c)
{
	const uint8_t bad = 0x31;
	uint8_t k;

	return c->ops->set_skeys(c->vm, 0x60, 1, &bad) == -EINVAL &&
	       c->ops->get_skeys(c->vm, RAM / 4096, 1, &k) < 0;
}

static bool t_skeys_change_bit(struct ctx *c)
{
	const uint8_t k0 = 0x00;
	uint8_t k = 0;

	put(c, CODE, 0xE3107000, 4);		/* STG 1,0(7) */
	put(c, CODE + 4, 0x0024, 2);
	put(c, CODE + 6, DIAG(0x500), 4);
	struct kvm_regs r = { .gprs = { [7] = 0x61000 } };
	c->ops->set_regs(c->vcpu, &r);
	c->ops->set_skeys(c->vm, 0x61, 1, &k0);
	start_at(c, CODE);
	return run_to_diag(c, 0x500) && c->ops->get_skeys(c->vm, 0x61, 1, &k) == 0 &&
	       (k & 0x06) == 0x06;
}

static bool t_tod(struct ctx *c)
{
	const uint64_t t = 0xD000000000000000ULL;
	uint64_t got = 0;
	uint8_t b[8];

	put(c, CODE, 0xB2057000, 4);		/* STCK 0(7) */
	put(c, CODE + 4, DIAG(0x500), 4);
	struct kvm_regs r = { .gprs = { [7] = 0x20000 } };
	c->ops->set_regs(c->vcpu, &r);
	start_at(c, CODE);
	if (c->ops->set_tod(c->vm, t) < 0 || c->ops->get_tod(c->vm, &got) < 0)
		return false;
	if (!run_to_diag(c, 0x500) || vm_read(c->vm, 0x20000, b, 8) < 0)
		return false;
	uint64_t guest = be64_ld(b);
	const uint64_t second = 1000000ULL << 12;
	return got >= t && got - t < second && guest >= got && guest - t < second;
}

static bool t_mp_state(struct ctx *c)
{
	uint32_t s = 0;

	return c->ops->set_mp_state(c->vcpu, KVM_MP_STATE_OPERATING) == 0 &&
	       c->ops->get_mp_state(c->vcpu, &s) == 0 && s == KVM_MP_STATE_OPERATING &&
	       c->ops->set_mp_state(c->vcpu, KVM_MP_STATE_STOPPED) == 0 &&
	       c->ops->get_mp_state(c->vcpu, &s) == 0 && s == KVM_MP_STATE_STOPPED &&
	       c->ops->set_mp_state(c->vcpu, 42) == -EINVAL &&
	       c->ops->get_mp_state(c->vcpu, &s) == 0 && s == KVM_MP_STATE_STOPPED;
}

static bool t_kick(struct ctx *c)
{
	put(c, CODE, 0xA7F40000, 4);		/* J . */
	start_at(c, CODE);
	c->ops->kick(c->vcpu);
	return c->ops->run(c->vcpu) == 0 && c->run->exit_reason == KVM_EXIT_INTR;
}

static bool t_program_irq_delivery(struct ctx *c)
{
	/* A program interruption injected after an intercept: its new PSW
	 * is a DIAG that reports back; the old PSW is past the DIAG. */
	uint8_t b[8];

	put(c, CODE, DIAG(0x500), 4);
	put(c, 0x3000, DIAG(0x502), 4);
	be64_st(b, MODE64);
	vm_write(c->vm, LC_PGM_NEW_PSW, b, 8);
	be64_st(b, 0x3000);
	vm_write(c->vm, LC_PGM_NEW_PSW + 8, b, 8);
	start_at(c, CODE);
	if (!run_to_diag(c, 0x500))
		return false;
	struct kvm_s390_irq irq = { .type = KVM_S390_PROGRAM_INT };
	irq.u.pgm.code = PGM_SPECIFICATION;
	irq.u.pgm.flags = KVM_S390_PGM_FLAGS_ILC_VALID | 4;
	if (c->ops->irq(c->vcpu, &irq) < 0 || !run_to_diag(c, 0x502))
		return false;
	vm_read(c->vm, LC_PGM_OLD_PSW + 8, b, 8);
	uint8_t ilc[2], code[2];
	vm_read(c->vm, LC_PGM_ILC, ilc, 2);
	vm_read(c->vm, LC_PGM_CODE, code, 2);
	return be64_ld(b) == CODE + 4 && be16_ld(ilc) == 4 &&
	       be16_ld(code) == PGM_SPECIFICATION;
}

static const struct {
	const char *name;
	bool (*fn)(struct ctx *c);
} cases[] = {
	{ "set_regs/get_regs round trip", t_regs },
	{ "set_sregs/get_sregs round trip", t_sregs },
	{ "set_fpu/get_fpu round trip", t_fpu },
	{ "one_reg TODPR and clock comparator", t_one_reg_todpr_ckc },
	{ "one_reg CPU timer", t_one_reg_cputm },
	{ "one_reg unknown id fails", t_one_reg_unknown },
	{ "set_initial_psw, run, intercept with PSW past the instruction", t_initial_psw_exit },
	{ "initial_reset: CR0 E0, CR14 C2000000, PSW 0, prefix 0, GPRs kept", t_initial_reset },
	{ "clear_reset clears the GPRs", t_clear_reset },
	{ "sync regs valid after an exit", t_sync_valid_after_exit },
	{ "KVM_SYNC_GPRS in kvm_dirty_regs is loaded on entry", t_dirty_gprs_in },
	{ "KVM_SYNC_ARCH0 and KVM_SYNC_CRS loaded on entry", t_dirty_arch0_crs_in },
	{ "psw_mask/psw_addr changed in kvm_run are honoured", t_psw_in_run },
	{ "register ioctls keep a pending dirty GPR change", t_setters_keep_dirty },
	{ "get_dirty_log reports stored-to pages and clears", t_dirty_log },
	{ "set_skeys/get_skeys round trip", t_skeys },
	{ "set_skeys reserved bit / get_skeys beyond memory fail", t_skeys_invalid },
	{ "a guest store sets reference and change bits", t_skeys_change_bit },
	{ "set_tod/get_tod and guest STCK", t_tod },
	{ "mp_state set/get and validation", t_mp_state },
	{ "kick() then run(): KVM_EXIT_INTR", t_kick },
	{ "injected program interruption delivered on the next run()", t_program_irq_delivery },
};

static void run_cases(const char *bname, const struct backend_ops *ops, const char *skip)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (skip) {
			ksft_test_result_skip("%s: %s: %s\n", bname, cases[i].name, skip);
			continue;
		}
		struct vm_config cfg = {
			.machine = "s390-ccw-mini-1",
			.ram_size = RAM,
			.ncpus = 1,
			.backend = ops,
			.console_in = -1,
			.console_out = 1,
		};
		struct ctx c = { .ops = ops };
		char *err = NULL;

		if (vm_create(&c.vm, &cfg, &err) < 0) {
			ksft_test_result_fail("%s: %s: vm_create: %s\n", bname,
					      cases[i].name, err ? err : "?");
			free(err);
			continue;
		}
		c.vcpu = c.vm->vcpus[0];
		c.run = c.vcpu->run;
		ksft_test_result(cases[i].fn(&c), "%s: %s\n", bname, cases[i].name);
		vm_destroy(c.vm);
	}
}

int main(void)
{
	const char *why = NULL;
	const struct backend_ops *kvm = NULL;

	ksft_print_header();
	ksft_set_plan(2 * ARRAY_SIZE(cases));

	run_cases("soft", &soft_backend_ops, NULL);
	if (kvm_backend_available(&why)) {
#ifdef MINIVMM_HAVE_KVM
		kvm = &kvm_backend_ops;
#else
		why = "built without the KVM backend";
#endif
	}
	run_cases("kvm", kvm, kvm ? NULL : (why ? why : "KVM not available"));
	return ksft_finished();
}
