/* SPDX-License-Identifier: MIT */
/*
 * Control and system instructions of the software CPU
 * (arch/s390x/insn-sys.c) one instruction at a time through the cpu
 * harness, and the instructions that leave the CPU the way KVM forwards
 * them to userspace (kvm_run exits).  Expected values come from the
 * Principles of Operation: chapter 4 "Control" (PSW, prefixing, storage
 * keys, protection), chapter 6 "Interruptions" (ILC, old PSW, early
 * exception recognition), chapter 7 (interlocked updates) and chapter 10
 * "Control Instructions".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct harness H;

/* ---- Instruction encoders (PoP "Instruction Formats") -------------- */

/* S: 16-bit opcode, B2, D2 (4 bytes). */
static uint64_t e_s(unsigned op, unsigned b2, unsigned d2)
{
	return (uint64_t)op << 16 | b2 << 12 | d2;
}

/* RS-a/RS-b: 8-bit opcode, R1, R3 (or M3), B2, D2 (4 bytes). */
static uint64_t e_rs(unsigned op, unsigned r1, unsigned r3, unsigned b2,
		     unsigned d2)
{
	return (uint64_t)op << 24 | (uint64_t)r1 << 20 | r3 << 16 | b2 << 12 | d2;
}

/* RSY: EB r1 r3 b2 dl dh op2 (6 bytes). */
static uint64_t e_rsy(unsigned r1, unsigned r3, unsigned b2, int32_t d,
		      unsigned op2)
{
	uint32_t ud = (uint32_t)d;

	return 0xEBULL << 40 | (uint64_t)r1 << 36 | (uint64_t)r3 << 32 |
	       (uint64_t)b2 << 28 | (uint64_t)(ud & 0xfff) << 16 |
	       (uint64_t)((ud >> 12) & 0xff) << 8 | op2;
}

/* RXY: E3 r1 x2 b2 dl dh op2 (6 bytes). */
static uint64_t e_rxy(unsigned op2, unsigned r1, unsigned b2, int32_t d)
{
	uint32_t ud = (uint32_t)d;

	return 0xE3ULL << 40 | (uint64_t)r1 << 36 | (uint64_t)b2 << 28 |
	       (uint64_t)(ud & 0xfff) << 16 |
	       (uint64_t)((ud >> 12) & 0xff) << 8 | op2;
}

/* SI: op, I2, B1, D1 (4 bytes). */
static uint64_t e_si(unsigned op, uint8_t i2, unsigned b1, unsigned d1)
{
	return (uint64_t)op << 24 | (uint64_t)i2 << 16 | b1 << 12 | d1;
}

/* RRE / RRF: 16-bit opcode, [M3 or R3 in bits 16-19], R1, R2 (4 bytes). */
static uint64_t e_rre(unsigned op, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 16 | r1 << 4 | r2;
}

static uint64_t e_rrf(unsigned op, unsigned m3, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 16 | m3 << 12 | r1 << 4 | r2;
}

/* RR (2 bytes). */
static uint64_t e_rr(unsigned op, unsigned r1, unsigned r2)
{
	return (uint64_t)op << 8 | r1 << 4 | r2;
}

/* SSE: 16-bit opcode, B1, D1, B2, D2 (6 bytes). */
static uint64_t e_sse(unsigned op, unsigned b1, unsigned d1, unsigned b2,
		      unsigned d2)
{
	return (uint64_t)op << 32 | (uint64_t)b1 << 28 | (uint64_t)d1 << 16 |
	       b2 << 12 | d2;
}

/* ---- Helpers -------------------------------------------------------- */

#define MODE64		0x0000000180000000ULL
#define A		0x20000ULL	/* operand area */
#define NEXT4		(H_CODE + 4)
#define NEXT6		(H_CODE + 6)

static struct s390_cpu *cpu(void)
{
	return H.cpu;
}

static int run(uint64_t insn, unsigned len)
{
	return h_exec_insn(&H, insn, len);
}

static void reset(void)
{
	h_reset(&H);
	/* Storage keys back to 0, no reference/change. */
	uint8_t z[256] = { 0 };
	H.vm->ops->set_skeys(H.vm, 0, sizeof(z), z);
}

static void problem_state(void)
{
	cpu()->psw_mask |= PSW_MASK_PSTATE;
}

static void psw_key(unsigned key)
{
	cpu()->psw_mask = (cpu()->psw_mask & ~PSW_MASK_KEY) |
			  (uint64_t)key << PSW_SHIFT_KEY;
}

static uint8_t skey(uint64_t abs)
{
	uint8_t k = 0xff;

	H.vm->ops->get_skeys(H.vm, abs >> 12, 1, &k);
	return k;
}

static void set_skey(uint64_t abs, uint8_t k)
{
	H.vm->ops->set_skeys(H.vm, abs >> 12, 1, &k);
}

static uint16_t ld16(uint64_t a)
{
	uint8_t b[2];
	h_peek(&H, a, b, 2);
	return be16_ld(b);
}

static uint8_t ld8(uint64_t a)
{
	uint8_t b;
	h_peek(&H, a, &b, 1);
	return b;
}

static void st8(uint64_t a, uint8_t v)
{
	h_poke(&H, a, &v, 1);
}

/* Step one instruction at the current PSW (no code placed). */
static int step_here(void)
{
	struct kvm_run *r = H.vcpu->run;
	bool exited = false;

	st8(LC_PGM_CODE, 0);
	st8(LC_PGM_CODE + 1, 0);
	r->psw_mask = cpu_get_psw_mask(cpu());
	r->psw_addr = cpu()->psw_addr;
	r->kvm_dirty_regs = 0;
	softcpu_step(H.vcpu, 1, &exited);
	if (exited)
		return -1;
	if (cpu()->psw_addr == H_PGM_MARKER)
		return ld16(LC_PGM_CODE);
	return 0;
}

static uint64_t pgm_old_mask(void)
{
	return h_ld64(&H, LC_PGM_OLD_PSW);
}

/* A program interruption that suppressed a len-byte instruction:
 * code, ILC and old PSW past the instruction. */
static bool suppressed(int rc, uint16_t code, unsigned len)
{
	return rc == code && H.pgm_ilc == len && H.pgm_old_addr == H_CODE + len;
}

/* ---- LPSWE / LPSW --------------------------------------------------- */

static void test_lpswe(void)
{
	int rc;

	/* Valid: cc and program mask come from the new PSW. */
	reset();
	h_st64(&H, A, MODE64 | 2ULL << PSW_SHIFT_CC | 0x9ULL << PSW_SHIFT_PM);
	h_st64(&H, A + 8, 0x12340);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB2B2, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu()->psw_addr == 0x12340 && cpu()->cc == 2 &&
			 cpu_get_psw_mask(cpu()) == (MODE64 | 2ULL << PSW_SHIFT_CC |
						     0x9ULL << PSW_SHIFT_PM),
			 "LPSWE loads mask, cc, program mask and address\n");

	/* PoP "Exceptions Associated with the PSW", early recognition: the
	 * invalid PSW is loaded, the interruption follows with ILC 0 and the
	 * invalid PSW as old PSW. */
	static const struct { uint64_t mask, addr; const char *what; } bad[] = {
		{ MODE64 | PSW_MASK_BIT12, 0x12340, "bit 12 one" },
		{ MODE64 | 0x8000000000000000ULL, 0x12340, "bit 0 one" },
		{ MODE64 | 0x0000000200000000ULL, 0x12340, "bit 30 one" },
		{ MODE64 | 0x0000000000000001ULL, 0x12340, "bit 63 one" },
		{ PSW_MASK_EA, 0x12340, "EA without BA" },
		{ PSW_MASK_BA, 0x80012340ULL, "31-bit mode, address above 2G" },
		{ 0, 0x01012340ULL, "24-bit mode, address above 16M" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		reset();
		h_st64(&H, A, bad[i].mask);
		h_st64(&H, A + 8, bad[i].addr);
		cpu()->gr[1] = A;
		rc = run(e_s(0xB2B2, 1, 0), 4);
		ksft_test_result(rc == PGM_SPECIFICATION && H.pgm_ilc == 0 &&
				 (pgm_old_mask() & ~PSW_MASK_CC) == bad[i].mask &&
				 H.pgm_old_addr == bad[i].addr,
				 "LPSWE %s: early specification exception, ILC 0, old PSW is the new one\n",
				 bad[i].what);
	}

	/* Odd instruction address: loaded; the fetch fails (ILC 0). */
	reset();
	h_st64(&H, A, MODE64);
	h_st64(&H, A + 8, 0x12341);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB2B2, 1, 0), 4);
	bool loaded = rc == 0 && cpu()->psw_addr == 0x12341;
	rc = step_here();
	ksft_test_result(loaded && rc == PGM_SPECIFICATION &&
			 ld16(LC_PGM_ILC) == 0 &&
			 h_ld64(&H, LC_PGM_OLD_PSW + 8) == 0x12341,
			 "LPSWE odd address: loaded, next fetch specification exception ILC 0\n");

	/* Operand not on a doubleword boundary: suppressed. */
	reset();
	cpu()->gr[1] = A + 4;
	rc = run(e_s(0xB2B2, 1, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4) &&
			 pgm_old_mask() == MODE64,
			 "LPSWE unaligned operand: specification, suppressed\n");
}

static void test_lpsw(void)
{
	int rc;
	uint8_t b[8];

	/* ESA/390 short PSW: bit 12 one (inverted into the z PSW), bit 31
	 * the EA bit, bit 32 the BA bit, address in bits 33-63. */
	reset();
	be32_st(b, 0x030C1001);
	be32_st(b + 4, 0x80012340);
	h_poke(&H, A, b, 8);
	cpu()->gr[1] = A;
	rc = run(e_rs(0x82, 0, 0, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu_get_psw_mask(cpu()) == 0x0304100180000000ULL &&
			 cpu()->psw_addr == 0x12340 && cpu()->cc == 1,
			 "LPSW converts the short PSW (cc 1, 64-bit, I/O+ext+mcheck)\n");

	reset();
	be32_st(b, 0x00080000);
	be32_st(b + 4, 0x00012340);
	h_poke(&H, A, b, 8);
	cpu()->gr[1] = A;
	rc = run(e_rs(0x82, 0, 0, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu_get_psw_mask(cpu()) == 0 &&
			 cpu()->psw_addr == 0x12340,
			 "LPSW short PSW with BA 0: 24-bit mode\n");

	/* Bit 12 zero: after the inversion the z PSW has bit 12 one. */
	reset();
	be32_st(b, 0x00000001);
	be32_st(b + 4, 0x80012340);
	h_poke(&H, A, b, 8);
	cpu()->gr[1] = A;
	rc = run(e_rs(0x82, 0, 0, 1, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION && H.pgm_ilc == 0 &&
			 (pgm_old_mask() & ~PSW_MASK_CC) == (MODE64 | PSW_MASK_BIT12) &&
			 H.pgm_old_addr == 0x12340,
			 "LPSW short PSW with bit 12 zero: early specification exception\n");
}

/* ---- System mask ---------------------------------------------------- */

static void test_system_mask(void)
{
	int rc;

	reset();
	st8(A, 0x03);
	cpu()->gr[1] = A;
	rc = run(e_s(0x8000, 1, 0) & 0xffffffff, 4);	/* SSM 0(1): op 80 */
	ksft_test_result(rc == 0 && cpu()->psw_mask == (MODE64 | PSW_MASK_IO | PSW_MASK_EXT),
			 "SSM sets PSW bits 0-7 from the byte\n");

	reset();
	st8(A, 0x80);
	cpu()->gr[1] = A;
	rc = run(0x80001000, 4);
	ksft_test_result(rc == PGM_SPECIFICATION && (pgm_old_mask() >> 56) == 0x80,
			 "SSM with bit 0 one: specification exception\n");

	reset();
	st8(A, 0xaa);
	cpu()->gr[1] = A;
	rc = run(e_si(0xAD, 0x03, 1, 0), 4);		/* STOSM */
	ksft_test_result(rc == 0 && ld8(A) == 0x00 &&
			 (cpu()->psw_mask >> 56) == 0x03,
			 "STOSM stores the old system mask, ORs in I2\n");

	cpu()->psw_mask |= PSW_MASK_MCHECK;	/* not in the system mask */
	rc = run(e_si(0xAC, 0xFE, 1, 1), 4);		/* STNSM */
	ksft_test_result(rc == 0 && ld8(A + 1) == 0x03 &&
			 (cpu()->psw_mask >> 56) == 0x02 &&
			 (cpu()->psw_mask & PSW_MASK_MCHECK),
			 "STNSM stores the old system mask, ANDs with I2\n");

	reset();
	cpu()->gr[1] = A;
	rc = run(e_si(0xAD, 0x08, 1, 0), 4);
	ksft_test_result(rc == PGM_SPECIFICATION,
			 "STOSM setting bit 4: specification exception\n");
}

/* ---- Control registers ---------------------------------------------- */

static void test_control_regs(void)
{
	int rc;
	bool ok;

	/* LCTLG 14,1: registers 14, 15, 0, 1. */
	reset();
	for (int i = 0; i < 4; i++)
		h_st64(&H, A + 8 * i, 0x1111111111111111ULL * (i + 1));
	cpu()->gr[2] = A;
	cpu()->cr[2] = 0xdead;
	rc = run(e_rsy(14, 1, 2, 0, 0x2F), 6);
	ok = cpu()->cr[14] == 0x1111111111111111ULL && cpu()->cr[15] == 0x2222222222222222ULL &&
	     cpu()->cr[0] == 0x3333333333333333ULL && cpu()->cr[1] == 0x4444444444444444ULL &&
	     cpu()->cr[2] == 0xdead;
	ksft_test_result(rc == 0 && ok, "LCTLG 14,1 wraps around to CR0-CR1\n");

	/* LCTL 15,0: low halves only. */
	reset();
	cpu()->cr[15] = 0xAAAAAAAA00000000ULL;
	cpu()->cr[0] = 0xBBBBBBBB00000000ULL;
	h_st32(&H, A, 0x12345678);
	h_st32(&H, A + 4, 0x9abcdef0);
	cpu()->gr[2] = A;
	rc = run(e_rs(0xB7, 15, 0, 2, 0), 4);
	ksft_test_result(rc == 0 && cpu()->cr[15] == 0xAAAAAAAA12345678ULL &&
			 cpu()->cr[0] == 0xBBBBBBBB9abcdef0ULL,
			 "LCTL 15,0 wraps, loads bits 32-63 only\n");

	/* STCTG 15,1. */
	reset();
	cpu()->cr[15] = 0xF;
	cpu()->cr[0] = 0x0;
	cpu()->cr[1] = 0x1;
	h_st64(&H, A + 24, 0x5555);
	cpu()->gr[2] = A;
	rc = run(e_rsy(15, 1, 2, 0, 0x25), 6);
	ksft_test_result(rc == 0 && h_ld64(&H, A) == 0xF && h_ld64(&H, A + 8) == 0 &&
			 h_ld64(&H, A + 16) == 1 && h_ld64(&H, A + 24) == 0x5555,
			 "STCTG 15,1 stores CR15, CR0, CR1\n");

	/* STCTL 2,3: low words. */
	reset();
	cpu()->cr[2] = 0x1234567822222222ULL;
	cpu()->cr[3] = 0x8765432133333333ULL;
	cpu()->gr[4] = A;
	rc = run(e_rs(0xB6, 2, 3, 4, 0), 4);
	ksft_test_result(rc == 0 && h_ld32(&H, A) == 0x22222222 &&
			 h_ld32(&H, A + 4) == 0x33333333,
			 "STCTL stores bits 32-63 of each register\n");

	reset();
	cpu()->cr[5] = 0x77;
	cpu()->gr[2] = A + 4;
	rc = run(e_rsy(5, 5, 2, 0, 0x2F), 6);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 6) && cpu()->cr[5] == 0x77,
			 "LCTLG unaligned operand: specification, CRs unchanged\n");
}

/* ---- Prefixing ------------------------------------------------------ */

#define PFX	0x40000ULL

static void test_prefix(void)
{
	int rc;

	reset();
	h_st32(&H, A, (uint32_t)PFX);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB210, 1, 0), 4);			/* SPX */
	int rc2 = run(e_s(0xB211, 1, 8), 4);		/* STPX 8(1) */
	ksft_test_result(rc == 0 && rc2 == 0 && cpu()->prefix == PFX &&
			 h_ld32(&H, A + 8) == PFX,
			 "SPX sets the prefix, STPX stores it\n");

	/* Real 0x80 -> absolute prefix + 0x80; real prefix -> absolute 0. */
	h_st64(&H, 0x80, 0);
	h_st64(&H, PFX + 0x80, 0);
	cpu()->gr[3] = 0x1122334455667788ULL;
	cpu()->gr[1] = 0x80;
	rc = run(e_rxy(0x24, 3, 1, 0), 6);		/* STG 3,0(1) */
	ksft_test_result(rc == 0 && h_ld64(&H, PFX + 0x80) == 0x1122334455667788ULL &&
			 h_ld64(&H, 0x80) == 0,
			 "with a prefix, real 0x80 is absolute prefix+0x80\n");

	cpu()->gr[1] = PFX + 0x80;
	cpu()->gr[3] = 0xCAFE;
	rc = run(e_rxy(0x24, 3, 1, 0), 6);
	ksft_test_result(rc == 0 && h_ld64(&H, 0x80) == 0xCAFE &&
			 h_ld64(&H, PFX + 0x80) == 0x1122334455667788ULL,
			 "with a prefix, real prefix+0x80 is absolute 0x80\n");

	/* Interruptions use the new lowcore: the program-new PSW at
	 * prefix + 0x1d0 (copied by the harness only at absolute 0). */
	reset();
	h_st32(&H, A, 0x80000000U | (uint32_t)PFX | 0x1fffU);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB210, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu()->prefix == PFX,
			 "SPX ignores bits 0 and 19-31 of the operand\n");

	reset();
	h_st32(&H, A, 0xFFE000);	/* beyond 1 MiB */
	cpu()->gr[1] = A;
	rc = run(e_s(0xB210, 1, 0), 4);
	ksft_test_result(suppressed(rc, PGM_ADDRESSING, 4) && cpu()->prefix == 0,
			 "SPX with the prefix area outside storage: addressing\n");

	reset();
	cpu()->gr[1] = A + 2;
	rc = run(e_s(0xB210, 1, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4),
			 "SPX unaligned operand: specification\n");
}

/* ---- CPU identity, facilities --------------------------------------- */

static void test_identity(void)
{
	int rc;

	reset();
	h_st64(&H, A, ~0ULL);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB202, 1, 0), 4);			/* STIDP */
	uint64_t id = h_ld64(&H, A);
	ksft_test_result(rc == 0 && ((id >> 16) & 0xffff) == 0x2827 &&
			 ((id >> 32) & 0xffffff) == H.vcpu->id && (id & 0xffff) == 0,
			 "STIDP: CPU number, machine type 2827, format 0 (%016" PRIx64 ")\n", id);

	h_st64(&H, A, ~0ULL);
	rc = run(e_s(0xB212, 1, 0), 4);			/* STAP */
	ksft_test_result(rc == 0 && ld16(A) == H.vcpu->id && ld16(A + 2) == 0xffff,
			 "STAP stores the 2-byte CPU address\n");

	cpu()->gr[1] = A + 1;
	rc = run(e_s(0xB212, 1, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4),
			 "STAP odd operand: specification\n");

	/* STFL stores at real 200 (0xC8): bits 0-2 (N3, z/Arch installed
	 * and active) and 7 (STFLE) are one (bit 3, DAT enhancement, too). */
	reset();
	h_st32(&H, LC_STFL_FAC_LIST, 0);
	rc = run(e_s(0xB2B1, 0, 0), 4);
	uint32_t fl = h_ld32(&H, LC_STFL_FAC_LIST);
	ksft_test_result(rc == 0 && ((fl >> 24) & 0xE1) == 0xE1 && fl == (uint32_t)(soft_facilities[0] >> 32),
			 "STFL stores the facility list at 200 (%08x)\n", fl);

	reset();
	cpu()->prefix = (uint32_t)PFX;
	h_st32(&H, LC_STFL_FAC_LIST, 0);
	h_st32(&H, PFX + LC_STFL_FAC_LIST, 0);
	/* program-new PSW at the new lowcore in case anything goes wrong */
	h_st64(&H, PFX + LC_PGM_NEW_PSW, MODE64 | PSW_MASK_WAIT);
	h_st64(&H, PFX + LC_PGM_NEW_PSW + 8, H_PGM_MARKER);
	rc = run(e_s(0xB2B1, 0, 0), 4);
	ksft_test_result(rc == 0 && h_ld32(&H, PFX + LC_STFL_FAC_LIST) == fl &&
			 h_ld32(&H, LC_STFL_FAC_LIST) == 0,
			 "STFL goes through prefixing\n");

	/* STFLE: R0 bits 56-63 = doublewords provided - 1. */
	reset();
	for (int i = 0; i < 4; i++)
		h_st64(&H, A + 8 * i, 0x5A5A5A5A5A5A5A5AULL);
	cpu()->gr[0] = 0xABCD000000000000ULL;
	cpu()->gr[1] = A;
	rc = run(e_s(0xB2B0, 1, 0), 4);
	uint64_t fle = h_ld64(&H, A);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && fle == soft_facilities[0] &&
			 (uint32_t)(fle >> 32) == fl &&
			 h_ld64(&H, A + 8) == 0x5A5A5A5A5A5A5A5AULL &&
			 cpu()->gr[0] == 0xABCD000000000000ULL,
			 "STFLE with one doubleword: cc 0, list stored, R0 = 0\n");

	h_st64(&H, A, 0);
	cpu()->gr[0] = 0xFF00000000000003ULL;	/* 4 doublewords provided */
	rc = run(e_s(0xB2B0, 1, 0), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && h_ld64(&H, A) == soft_facilities[0] &&
			 cpu()->gr[0] == 0xFF00000000000000ULL,
			 "STFLE with a longer buffer: cc 0, R0 bits 56-63 = needed-1\n");

	cpu()->gr[1] = A + 4;
	rc = run(e_s(0xB2B0, 1, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4),
			 "STFLE unaligned operand: specification\n");
}

/* ---- Clocks --------------------------------------------------------- */

/* TOD value of 2020-01-01 (bit 51 = 1 us, epoch 1900). */
#define TOD_2020	(((uint64_t)3786825600ULL * 1000000ULL) << 12)

static void test_clocks(void)
{
	int rc;

	reset();
	cpu()->gr[1] = A;
	cpu()->cc = 3;
	rc = run(e_s(0xB205, 1, 0), 4);			/* STCK */
	uint64_t t1 = h_ld64(&H, A);
	int rc2 = run(e_s(0xB205, 1, 8), 4);
	uint64_t t2 = h_ld64(&H, A + 8);
	ksft_test_result(rc == 0 && rc2 == 0 && cpu()->cc == 0 && t1 > TOD_2020 && t2 > t1,
			 "STCK: cc 0, a current TOD value, increasing\n");

	bool unique = true;
	uint64_t prev = t2;
	for (int i = 0; i < 500 && unique; i++) {
		run(e_s(0xB205, 1, 0), 4);
		uint64_t t = h_ld64(&H, A);
		unique = t > prev;
		prev = t;
	}
	ksft_test_result(unique, "STCK values are unique and increasing (500 in a row)\n");

	/* STCKE: epoch index, TOD bits 0-63, zeros, programmable field. */
	uint8_t e[16];
	cpu()->todpr = 0x1234;
	memset(e, 0xee, sizeof(e));
	h_poke(&H, A, e, 16);
	run(e_s(0xB205, 1, 0x20), 4);
	uint64_t before = h_ld64(&H, A + 0x20);
	rc = run(e_s(0xB278, 1, 0), 4);
	h_peek(&H, A, e, 16);
	uint64_t te = be64_ld(e + 1);
	ksft_test_result(rc == 0 && cpu()->cc == 0 && e[0] == 0 && te > before &&
			 te - before < (10000000ULL << 12) &&
			 !e[9] && !e[10] && !e[11] && !e[12] && !e[13] &&
			 be16_ld(e + 14) == 0x1234,
			 "STCKE layout: epoch 0, TOD, zeros, TOD programmable field\n");

	/* SCKC / STCKC. */
	reset();
	h_st64(&H, A, 0x0123456789ABCDEFULL);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB206, 1, 0), 4);
	rc2 = run(e_s(0xB207, 1, 8), 4);
	ksft_test_result(rc == 0 && rc2 == 0 && cpu()->ckc == 0x0123456789ABCDEFULL &&
			 h_ld64(&H, A + 8) == 0x0123456789ABCDEFULL,
			 "SCKC sets the clock comparator, STCKC stores it\n");

	cpu()->gr[1] = A + 4;
	rc = run(e_s(0xB206, 1, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4),
			 "SCKC unaligned operand: specification\n");

	/* SPT / STPT: the CPU timer decreases. */
	reset();
	h_st64(&H, A, 1ULL << 40);
	cpu()->gr[1] = A;
	rc = run(e_s(0xB208, 1, 0), 4);
	rc2 = run(e_s(0xB209, 1, 8), 4);
	uint64_t c1 = h_ld64(&H, A + 8);
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	run(e_s(0xB209, 1, 16), 4);
	uint64_t c2 = h_ld64(&H, A + 16);
	ksft_test_result(rc == 0 && rc2 == 0 && c1 <= (1ULL << 40) &&
			 c1 > (1ULL << 40) - (1000000ULL << 12) &&
			 c2 < c1 && c1 - c2 >= (1000ULL << 12),
			 "SPT/STPT: timer set, decreasing over 2 ms (%" PRIx64 " -> %" PRIx64 ")\n",
			 c1, c2);
}

/* ---- PSW fields ----------------------------------------------------- */

static void test_psw_fields(void)
{
	int rc;

	reset();
	cpu()->cc = 2;
	cpu()->psw_mask |= 0x9ULL << PSW_SHIFT_PM;
	cpu()->gr[5] = 0xAAAAAAAAFFFFFFFFULL;
	rc = run(e_rre(0xB222, 5, 0), 4);		/* IPM 5 */
	ksft_test_result(rc == 0 && cpu()->gr[5] == 0xAAAAAAAA29FFFFFFULL,
			 "IPM: bits 32-33 zero, cc, program mask, bits 40-63 kept\n");

	cpu()->gr[6] = 0x1600000000000000ULL | 0x16000000ULL;
	rc = run(e_rr(0x04, 6, 0), 2);			/* SPM 6 */
	ksft_test_result(rc == 0 && cpu()->cc == 1 &&
			 ((cpu()->psw_mask & PSW_MASK_PM) >> PSW_SHIFT_PM) == 0x6,
			 "SPM sets cc and program mask from bits 34-39\n");

	rc = run(e_rre(0xB222, 7, 0), 4);
	ksft_test_result(rc == 0 && ((cpu()->gr[7] >> 24) & 0x3f) == 0x16,
			 "IPM after SPM round-trips\n");

	reset();
	cpu()->cc = 3;
	cpu()->gr[1] = 0xFFFFFFFF00000000ULL;
	cpu()->gr[2] = 0xEEEEEEEE00000000ULL;
	rc = run(e_rre(0xB98D, 1, 2), 4);		/* EPSW 1,2 */
	uint64_t m = MODE64 | 3ULL << PSW_SHIFT_CC;
	ksft_test_result(rc == 0 && cpu()->gr[1] == (0xFFFFFFFF00000000ULL | (m >> 32)) &&
			 cpu()->gr[2] == (0xEEEEEEEE00000000ULL | (uint32_t)m),
			 "EPSW stores PSW bits 0-31 and 32-63\n");

	cpu()->gr[0] = 0x77;
	rc = run(e_rre(0xB98D, 3, 0), 4);
	ksft_test_result(rc == 0 && cpu()->gr[0] == 0x77 && (uint32_t)cpu()->gr[3] == (m >> 32),
			 "EPSW with R2 = 0 leaves GR0 alone\n");
}

/* ---- Storage keys ---------------------------------------------------- */

#define KPAGE	0x50000ULL

static void test_storage_keys(void)
{
	int rc;

	reset();
	cpu()->gr[1] = 0x30;
	cpu()->gr[2] = KPAGE + 0x123;
	rc = run(e_rrf(0xB22B, 0, 1, 2), 4);		/* SSKE 1,2 */
	cpu()->gr[3] = 0xFFFFFFFFFFFFFF00ULL;
	int rc2 = run(e_rre(0xB229, 3, 2), 4);		/* ISKE 3,2 */
	ksft_test_result(rc == 0 && rc2 == 0 && skey(KPAGE) == 0x30 &&
			 cpu()->gr[3] == 0xFFFFFFFFFFFFFF30ULL,
			 "SSKE sets the key, ISKE reads it into bits 56-62\n");

	cpu()->gr[4] = KPAGE + 8;
	rc = run(e_rxy(0x04, 5, 4, 0), 6);		/* LG 5,0(4) */
	ksft_test_result(rc == 0 && (skey(KPAGE) & 0x06) == 0x04,
			 "a fetch sets the reference bit only\n");

	rc = run(e_rxy(0x24, 5, 4, 0), 6);		/* STG */
	ksft_test_result(rc == 0 && (skey(KPAGE) & 0x06) == 0x06,
			 "a store sets reference and change bits\n");

	rc = run(e_rre(0xB22A, 0, 2), 4);		/* RRBE 0,2 */
	unsigned cc1 = cpu()->cc;
	uint8_t k1 = skey(KPAGE);
	rc2 = run(e_rre(0xB22A, 0, 2), 4);
	ksft_test_result(rc == 0 && rc2 == 0 && cc1 == 3 && k1 == 0x32 && cpu()->cc == 1,
			 "RRBE: cc 3 (R and C), reference reset, then cc 1 (C only)\n");

	cpu()->gr[2] = 0x200000;		/* beyond storage */
	rc = run(e_rre(0xB229, 3, 2), 4);
	ksft_test_result(suppressed(rc, PGM_ADDRESSING, 4),
			 "ISKE beyond storage: addressing exception\n");

	/* TPROT D1(B1),D2(B2): key in bits 56-59 of the second address. */
	static const struct { uint8_t skey; unsigned key; unsigned cc; } tp[] = {
		{ 0x50, 5, 0 },		/* match: fetch and store */
		{ 0x50, 3, 1 },		/* mismatch, not fetch-protected */
		{ 0x58, 3, 2 },		/* mismatch, fetch-protected */
		{ 0x58, 0, 0 },		/* access key 0 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(tp); i++) {
		reset();
		set_skey(KPAGE, tp[i].skey);
		cpu()->gr[1] = KPAGE;
		cpu()->gr[2] = tp[i].key << 4;
		rc = run(e_sse(0xE501, 1, 0, 2, 0), 6);
		ksft_test_result(rc == 0 && cpu()->cc == tp[i].cc,
				 "TPROT storage key %02x, access key %u: cc %u\n",
				 tp[i].skey, tp[i].key, tp[i].cc);
	}
	reset();
	cpu()->gr[1] = 0x200000;
	rc = run(e_sse(0xE501, 1, 0, 0, 0), 6);
	ksft_test_result(suppressed(rc, PGM_ADDRESSING, 6),
			 "TPROT beyond storage: addressing exception\n");
}

/* ---- Protection and addressing --------------------------------------- */

static void test_protection(void)
{
	int rc;

	reset();
	cpu()->gr[1] = 0x100000;		/* first byte past 1 MiB */
	rc = run(e_rxy(0x04, 2, 1, 0), 6);	/* LG */
	ksft_test_result(suppressed(rc, PGM_ADDRESSING, 6),
			 "LG beyond storage: addressing exception, ILC 6\n");

	/* Key-controlled protection. */
	reset();
	set_skey(KPAGE, 0x50);
	h_st64(&H, KPAGE, 0x1234);
	psw_key(3);
	cpu()->gr[1] = KPAGE;
	cpu()->gr[2] = 0xBAD;
	rc = run(e_rxy(0x24, 2, 1, 0), 6);	/* STG */
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) && h_ld64(&H, KPAGE) == 0x1234 &&
			 ((pgm_old_mask() & PSW_MASK_KEY) >> PSW_SHIFT_KEY) == 3,
			 "store with PSW key 3 into key-5 storage: protection, not stored\n");

	reset();
	set_skey(KPAGE, 0x50);
	psw_key(5);
	cpu()->gr[1] = KPAGE;
	cpu()->gr[2] = 0x600D;
	rc = run(e_rxy(0x24, 2, 1, 0), 6);
	ksft_test_result(rc == 0 && h_ld64(&H, KPAGE) == 0x600D,
			 "store with matching PSW key succeeds\n");

	reset();
	set_skey(KPAGE, 0x50);
	psw_key(3);
	cpu()->gr[1] = KPAGE;
	rc = run(e_rxy(0x04, 2, 1, 0), 6);
	ksft_test_result(rc == 0 && cpu()->gr[2] == 0x600D,
			 "fetch with mismatching key from non-fetch-protected storage succeeds\n");

	reset();
	set_skey(KPAGE, 0x58);
	psw_key(3);
	cpu()->gr[1] = KPAGE;
	cpu()->gr[2] = 0;
	rc = run(e_rxy(0x04, 2, 1, 0), 6);
	ksft_test_result(suppressed(rc, PGM_PROTECTION, 6) && cpu()->gr[2] == 0,
			 "fetch from fetch-protected storage with another key: protection\n");

	/* Low-address protection, CR0 bit 35: 0-511 and 4096-4607. */
	static const struct { uint64_t a; bool prot; } la[] = {
		{ 0x100, true }, { 0x1F8, true }, { 0x1100, true },
		{ 0x200, false }, { 0x1200, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(la); i++) {
		reset();
		cpu()->cr[0] |= CR0_LOW_ADDR_PROT;
		h_st64(&H, la[i].a, 0x77);
		cpu()->gr[1] = la[i].a;
		cpu()->gr[2] = 0x88;
		rc = run(e_rxy(0x24, 2, 1, 0), 6);
		bool ok = la[i].prot ? suppressed(rc, PGM_PROTECTION, 6) &&
					       h_ld64(&H, la[i].a) == 0x77
				     : rc == 0 && h_ld64(&H, la[i].a) == 0x88;
		ksft_test_result(ok, "low-address protection on: store to %#" PRIx64 " %s\n",
				 la[i].a, la[i].prot ? "protected" : "allowed");
	}
	reset();
	h_st64(&H, 0x100, 0x77);
	cpu()->gr[1] = 0x100;
	cpu()->gr[2] = 0x88;
	rc = run(e_rxy(0x24, 2, 1, 0), 6);
	ksft_test_result(rc == 0 && h_ld64(&H, 0x100) == 0x88,
			 "low-address protection off: store to 0x100 allowed\n");
}

/* ---- Interlocked updates --------------------------------------------- */

static void test_interlocked(void)
{
	int rc;

	reset();
	h_st32(&H, A, 0x11111111);
	cpu()->gr[1] = 0xFFFFFFFF11111111ULL;
	cpu()->gr[3] = 0x22222222;
	cpu()->gr[4] = A;
	rc = run(e_rs(0xBA, 1, 3, 4, 0), 4);		/* CS 1,3,0(4) */
	ksft_test_result(rc == 0 && cpu()->cc == 0 && h_ld32(&H, A) == 0x22222222 &&
			 cpu()->gr[1] == 0xFFFFFFFF11111111ULL,
			 "CS equal: cc 0, third operand stored\n");

	rc = run(e_rs(0xBA, 1, 3, 4, 0), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && h_ld32(&H, A) == 0x22222222 &&
			 cpu()->gr[1] == 0xFFFFFFFF22222222ULL,
			 "CS unequal: cc 1, R1 bits 32-63 loaded\n");

	cpu()->gr[4] = A + 2;
	rc = run(e_rs(0xBA, 1, 3, 4, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4),
			 "CS unaligned: specification\n");

	reset();
	h_st64(&H, A, 0x0102030405060708ULL);
	cpu()->gr[1] = 0x0102030405060708ULL;
	cpu()->gr[3] = 0xA0A0A0A0B0B0B0B0ULL;
	cpu()->gr[4] = A;
	rc = run(e_rsy(1, 3, 4, 0, 0x30), 6);		/* CSG */
	unsigned cc1 = cpu()->cc;
	int rc2 = run(e_rsy(1, 3, 4, 0, 0x30), 6);
	ksft_test_result(rc == 0 && rc2 == 0 && cc1 == 0 && cpu()->cc == 1 &&
			 cpu()->gr[1] == 0xA0A0A0A0B0B0B0B0ULL,
			 "CSG: cc 0 then cc 1 with R1 loaded\n");

	reset();
	h_st64(&H, A, 0x1111111122222222ULL);
	cpu()->gr[2] = 0x11111111;
	cpu()->gr[3] = 0x22222222;
	cpu()->gr[4] = 0x33333333;
	cpu()->gr[5] = 0x44444444;
	cpu()->gr[6] = A;
	rc = run(e_rs(0xBB, 2, 4, 6, 0), 4);		/* CDS 2,4,0(6) */
	ksft_test_result(rc == 0 && cpu()->cc == 0 && h_ld64(&H, A) == 0x3333333344444444ULL,
			 "CDS equal: cc 0, pair stored\n");
	rc = run(e_rs(0xBB, 2, 4, 6, 0), 4);
	ksft_test_result(rc == 0 && cpu()->cc == 1 && (uint32_t)cpu()->gr[2] == 0x33333333 &&
			 (uint32_t)cpu()->gr[3] == 0x44444444,
			 "CDS unequal: cc 1, R1 pair loaded\n");
	rc = run(e_rs(0xBB, 3, 4, 6, 0), 4);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 4),
			 "CDS with odd R1: specification\n");

	reset();
	h_st64(&H, A, 1);
	h_st64(&H, A + 8, 2);
	cpu()->gr[2] = 1;
	cpu()->gr[3] = 2;
	cpu()->gr[4] = 3;
	cpu()->gr[5] = 4;
	cpu()->gr[6] = A;
	rc = run(e_rsy(2, 4, 6, 0, 0x3E), 6);		/* CDSG */
	cc1 = cpu()->cc;
	bool stored = h_ld64(&H, A) == 3 && h_ld64(&H, A + 8) == 4;
	rc2 = run(e_rsy(2, 4, 6, 0, 0x3E), 6);
	ksft_test_result(rc == 0 && rc2 == 0 && cc1 == 0 && stored && cpu()->cc == 1 &&
			 cpu()->gr[2] == 3 && cpu()->gr[3] == 4,
			 "CDSG: cc 0 stores the quadword, then cc 1 loads it\n");
	cpu()->gr[6] = A + 8;
	rc = run(e_rsy(2, 4, 6, 0, 0x3E), 6);
	ksft_test_result(suppressed(rc, PGM_SPECIFICATION, 6),
			 "CDSG not on a quadword boundary: specification\n");

	/* LOAD AND ADD / AND / OR / EXCLUSIVE OR. */
	reset();
	h_st32(&H, A, 5);
	cpu()->gr[3] = 7;
	cpu()->gr[4] = A;
	cpu()->gr[1] = 0xFFFFFFFF00000000ULL;
	rc = run(e_rsy(1, 3, 4, 0, 0xF8), 6);		/* LAA 1,3,0(4) */
	ksft_test_result(rc == 0 && cpu()->gr[1] == 0xFFFFFFFF00000005ULL &&
			 h_ld32(&H, A) == 12 && cpu()->cc == 2,
			 "LAA: old value to R1, sum stored, cc 2\n");

	h_st32(&H, A, 0x7FFFFFFF);
	cpu()->gr[3] = 1;
	rc = run(e_rsy(1, 3, 4, 0, 0xF8), 6);
	ksft_test_result(rc == 0 && h_ld32(&H, A) == 0x80000000U && cpu()->cc == 3,
			 "LAA overflow: cc 3 (program mask off)\n");

	h_st64(&H, A, 10);
	cpu()->gr[3] = (uint64_t)-20;
	rc = run(e_rsy(1, 3, 4, 0, 0xE8), 6);		/* LAAG */
	ksft_test_result(rc == 0 && cpu()->gr[1] == 10 && h_ld64(&H, A) == (uint64_t)-10 &&
			 cpu()->cc == 1,
			 "LAAG negative sum: cc 1\n");

	h_st32(&H, A, 0xF0F0F0F0);
	cpu()->gr[3] = 0x0F0F0F0F;
	rc = run(e_rsy(1, 3, 4, 0, 0xF4), 6);		/* LAN */
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 0xF0F0F0F0 &&
			 h_ld32(&H, A) == 0 && cpu()->cc == 0,
			 "LAN zero result: cc 0\n");

	rc = run(e_rsy(1, 3, 4, 0, 0xF6), 6);		/* LAO */
	ksft_test_result(rc == 0 && (uint32_t)cpu()->gr[1] == 0 &&
			 h_ld32(&H, A) == 0x0F0F0F0F && cpu()->cc == 1,
			 "LAO: OR stored, cc 1\n");

	cpu()->gr[3] = 0x0F0F0F0F;
	rc = run(e_rsy(1, 3, 4, 0, 0xF7), 6);		/* LAX */
	ksft_test_result(rc == 0 && h_ld32(&H, A) == 0 && cpu()->cc == 0 &&
			 (uint32_t)cpu()->gr[1] == 0x0F0F0F0F,
			 "LAX: XOR stored, cc 0 for zero\n");

	/* TEST AND SET. */
	reset();
	st8(A, 0x00);
	cpu()->gr[1] = A;
	rc = run(e_si(0x93, 0, 1, 0), 4);
	unsigned tcc = cpu()->cc;
	rc2 = run(e_si(0x93, 0, 1, 0), 4);
	ksft_test_result(rc == 0 && rc2 == 0 && tcc == 0 && cpu()->cc == 1 && ld8(A) == 0xFF,
			 "TS: cc 0 then 1, byte set to ones\n");
}

/* ---- Access registers, real-address access ---------------------------- */

static void test_access_regs(void)
{
	int rc;

	reset();
	for (int i = 0; i < 3; i++)
		h_st32(&H, A + 4 * i, 0xA0000000U + (uint32_t)i);
	cpu()->gr[1] = A;
	rc = run(e_rs(0x9A, 15, 1, 1, 0), 4);		/* LAM 15,1 */
	ksft_test_result(rc == 0 && cpu()->ar[15] == 0xA0000000U && cpu()->ar[0] == 0xA0000001U &&
			 cpu()->ar[1] == 0xA0000002U && cpu()->ar[2] == 0,
			 "LAM 15,1 wraps around\n");

	cpu()->ar[14] = 0x14;
	cpu()->ar[15] = 0x15;
	cpu()->ar[0] = 0x10;
	rc = run(e_rs(0x9B, 14, 0, 1, 0x20), 4);	/* STAM 14,0 */
	ksft_test_result(rc == 0 && h_ld32(&H, A + 0x20) == 0x14 &&
			 h_ld32(&H, A + 0x24) == 0x15 && h_ld32(&H, A + 0x28) == 0x10,
			 "STAM 14,0 stores AR14, AR15, AR0\n");

	cpu()->gr[3] = 0x12345678DEADBEEFULL;
	cpu()->gr[4] = 0xFFFFFFFFFFFFFFFFULL;
	run(e_rre(0xB24E, 5, 3), 4);			/* SAR 5,3 */
	run(e_rre(0xB24D, 6, 5), 4);			/* CPYA 6,5 */
	run(e_rre(0xB24F, 4, 6), 4);			/* EAR 4,6 */
	ksft_test_result(cpu()->ar[5] == 0xDEADBEEF && cpu()->ar[6] == 0xDEADBEEF &&
			 cpu()->gr[4] == 0xFFFFFFFFDEADBEEFULL,
			 "SAR, CPYA, EAR move bits 32-63\n");

	/* STURA/LURA use real addresses: prefixing applies. */
	reset();
	cpu()->prefix = (uint32_t)PFX;
	h_st64(&H, PFX + LC_PGM_NEW_PSW, MODE64 | PSW_MASK_WAIT);
	h_st64(&H, PFX + LC_PGM_NEW_PSW + 8, H_PGM_MARKER);
	h_st32(&H, PFX + 0x300, 0);
	cpu()->gr[1] = 0xCAFEF00D;
	cpu()->gr[2] = 0x300;
	rc = run(e_rre(0xB246, 1, 2), 4);		/* STURA 1,2 */
	cpu()->gr[3] = 0;
	int rc2 = run(e_rre(0xB24B, 3, 2), 4);		/* LURA 3,2 */
	ksft_test_result(rc == 0 && rc2 == 0 && h_ld32(&H, PFX + 0x300) == 0xCAFEF00D &&
			 cpu()->gr[3] == 0xCAFEF00D,
			 "STURA/LURA access real storage through the prefix\n");
}

/* ---- Privileged operations -------------------------------------------- */

static void test_privileged(void)
{
	static const struct { const char *name; uint64_t insn; unsigned len; } priv[] = {
		{ "LPSWE", 0xB2B21000, 4 },
		{ "LPSW", 0x82001000, 4 },
		{ "SSM", 0x80001000, 4 },
		{ "STOSM", 0xAD031000, 4 },
		{ "STNSM", 0xACFF1000, 4 },
		{ "LCTL", 0xB7001000, 4 },
		{ "STCTL", 0xB6001000, 4 },
		{ "LCTLG", 0xEB001000002FULL, 6 },
		{ "STCTG", 0xEB0010000025ULL, 6 },
		{ "SPX", 0xB2101000, 4 },
		{ "STPX", 0xB2111000, 4 },
		{ "STIDP", 0xB2021000, 4 },
		{ "STAP", 0xB2121000, 4 },
		{ "STFL", 0xB2B10000, 4 },
		{ "SCK", 0xB2041000, 4 },
		{ "SCKC", 0xB2061000, 4 },
		{ "STCKC", 0xB2071000, 4 },
		{ "SPT", 0xB2081000, 4 },
		{ "STPT", 0xB2091000, 4 },
		{ "SCKPF", 0x0107, 2 },
		{ "ISKE", 0xB2290012, 4 },
		{ "SSKE", 0xB22B0012, 4 },
		{ "RRBE", 0xB22A0012, 4 },
		{ "TPROT", 0xE50110000000ULL, 6 },
		{ "LURA", 0xB24B0012, 4 },
		{ "STURA", 0xB2460012, 4 },
		{ "LURAG", 0xB9050012, 4 },
		{ "STURG", 0xB9250012, 4 },
		{ "PTLB", 0xB20D0000, 4 },
		{ "SERVC", 0xB2200012, 4 },
		{ "SIGP", 0xAE120001, 4 },
		{ "DIAG", 0x83120500, 4 },
		{ "SSCH", 0xB2331000, 4 },
		{ "STSCH", 0xB2341000, 4 },
		{ "TSCH", 0xB2351000, 4 },
		{ "TPI", 0xB2361000, 4 },
		{ "STSI", 0xB27D1000, 4 },
		{ "LPP", 0xB2801000, 4 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(priv); i++) {
		reset();
		problem_state();
		cpu()->gr[1] = A;
		cpu()->gr[2] = A;
		uint64_t cr0 = cpu()->cr[0], gr0 = cpu()->gr[0];
		int rc = run(priv[i].insn, priv[i].len);
		ksft_test_result(suppressed(rc, PGM_PRIVILEGED, priv[i].len) &&
				 (pgm_old_mask() & PSW_MASK_PSTATE) && !H.exited &&
				 cpu()->cr[0] == cr0 && cpu()->gr[0] == gr0,
				 "%s in the problem state: privileged-operation exception\n",
				 priv[i].name);
	}
}

/* ---- Exits to userspace ------------------------------------------------ */

static bool icpt(int rc, uint16_t ipa, uint32_t ipb, unsigned len)
{
	struct kvm_run *r = H.vcpu->run;

	return rc == -1 && r->exit_reason == KVM_EXIT_S390_SIEIC &&
	       r->s390_sieic.icptcode == ICPT_INSTRUCTION &&
	       r->s390_sieic.ipa == ipa && r->s390_sieic.ipb == ipb &&
	       r->psw_addr == H_CODE + len && cpu()->psw_addr == H_CODE + len;
}

static void test_exits(void)
{
	struct kvm_run *r = H.vcpu->run;
	int rc;

	reset();
	rc = run(0xB2200012, 4);				/* SERVC 1,2 */
	ksft_test_result(icpt(rc, 0xB220, 0x00120000, 4),
			 "SERVC exits: icptcode 4, ipa B220, ipb 00120000, PSW past it\n");

	reset();
	cpu()->gr[3] = 1;
	rc = run(e_rs(0xAE, 2, 3, 0, SIGP_START), 4);		/* SIGP 2,3,4 */
	ksft_test_result(icpt(rc, 0xAE23, 0x00040000, 4),
			 "SIGP start exits to userspace (ipa AE23, ipb 00040000)\n");

	reset();
	cpu()->gr[1] = 0xFFFF;
	rc = run(e_rs(0xAE, 4, 1, 0, SIGP_SENSE), 4);		/* SIGP sense, no CPU */
	ksft_test_result(rc == 0 && cpu()->cc == SIGP_CC_NOT_OPERATIONAL,
			 "SIGP sense to a nonexistent CPU: cc 3 in the kernel\n");

	reset();
	cpu()->gr[5] = 0x10000;
	rc = run(e_rs(0x83, 1, 2, 5, 0x500), 4);		/* DIAG 1,2,0x500(5) */
	ksft_test_result(icpt(rc, 0x8312, 0x55000000, 4),
			 "DIAG 0x500 exits: ipa 8312, ipb 55000000\n");

	reset();
	cpu()->gr[1] = 0x00010005;
	cpu()->gr[2] = A;
	rc = run(e_s(0xB233, 2, 0x10), 4);			/* SSCH 0x10(2) */
	ksft_test_result(icpt(rc, 0xB233, 0x20100000, 4),
			 "SSCH exits: ipa B233, ipb 20100000\n");

	reset();
	rc = run(e_s(0xB239, 1, 0), 4);				/* STCRW */
	ksft_test_result(icpt(rc, 0xB239, 0x10000000, 4), "STCRW exits\n");

	/* TSCH: the kernel dequeues the subchannel's I/O interruption. */
	reset();
	struct kvm_s390_interrupt io = {
		.type = KVM_S390_INT_IO(0, 0, 0, 5),
		.parm = 0x00010005,
		.parm64 = (uint64_t)0xDEADBEEF << 32 | 0x18000000,
	};
	H.vm->ops->floating_irq(H.vm, &io);
	cpu()->gr[1] = 0x00010005;
	rc = run(e_s(0xB235, 2, 0), 4);
	ksft_test_result(rc == -1 && r->exit_reason == KVM_EXIT_S390_TSCH &&
			 r->s390_tsch.dequeued && r->s390_tsch.subchannel_id == 1 &&
			 r->s390_tsch.subchannel_nr == 5 &&
			 r->s390_tsch.io_int_parm == 0xDEADBEEF &&
			 r->s390_tsch.io_int_word == 0x18000000 &&
			 r->s390_tsch.ipb == 0x20000000 && r->psw_addr == NEXT4,
			 "TSCH: KVM_EXIT_S390_TSCH with the dequeued interruption\n");

	rc = run(e_s(0xB235, 2, 0), 4);
	ksft_test_result(rc == -1 && r->exit_reason == KVM_EXIT_S390_TSCH &&
			 !r->s390_tsch.dequeued && r->s390_tsch.subchannel_nr == 5,
			 "TSCH with nothing pending: dequeued 0\n");

	/* STSI 3.2.2 goes to userspace; function code 0 answers level 3. */
	reset();
	cpu()->gr[0] = 0x30000002;
	cpu()->gr[1] = 2;
	cpu()->gr[4] = 0x30000;
	rc = run(e_s(0xB27D, 4, 0), 4);
	ksft_test_result(rc == -1 && r->exit_reason == KVM_EXIT_S390_STSI &&
			 r->s390_stsi.addr == 0x30000 && r->s390_stsi.fc == 3 &&
			 r->s390_stsi.sel1 == 2 && r->s390_stsi.sel2 == 2 &&
			 r->s390_stsi.ar == 4 && r->psw_addr == NEXT4,
			 "STSI 3.2.2: KVM_EXIT_S390_STSI with address and selectors\n");

	reset();
	cpu()->gr[0] = 0;
	rc = run(e_s(0xB27D, 0, 0), 4);
	ksft_test_result(rc == 0 && cpu()->gr[0] == 0x30000000 && cpu()->cc == 0,
			 "STSI function code 0: current level 3 in GR0\n");

	/* DIAG 0x308 subcode 3 / 4: KVM_EXIT_S390_RESET. */
	reset();
	cpu()->gr[3] = 3;
	rc = run(e_rs(0x83, 2, 3, 0, 0x308), 4);
	ksft_test_result(rc == -1 && r->exit_reason == KVM_EXIT_S390_RESET &&
			 (r->s390_reset_flags & KVM_S390_RESET_CLEAR) &&
			 (r->s390_reset_flags & KVM_S390_RESET_IPL),
			 "DIAG 0x308 subcode 3: reset exit with CLEAR|IPL flags\n");

	reset();
	cpu()->gr[3] = 4;
	rc = run(e_rs(0x83, 2, 3, 0, 0x308), 4);
	ksft_test_result(rc == -1 && r->exit_reason == KVM_EXIT_S390_RESET &&
			 !(r->s390_reset_flags & KVM_S390_RESET_CLEAR) &&
			 (r->s390_reset_flags & KVM_S390_RESET_IPL),
			 "DIAG 0x308 subcode 4: reset exit without CLEAR\n");

	reset();
	rc = run(e_rs(0x83, 0, 0, 0, 0x44), 4);
	ksft_test_result(rc == 0 && !H.exited && cpu()->psw_addr == NEXT4,
			 "DIAG 0x44 is handled without an exit\n");
}

/* ---- Exceptions of instruction execution ------------------------------- */

static void test_exceptions(void)
{
	int rc;

	reset();
	rc = run(0x0000, 2);
	ksft_test_result(suppressed(rc, PGM_OPERATION, 2),
			 "opcode 0000: operation exception, ILC 2, old PSW past it\n");

	reset();
	rc = run(0xB2FF0000, 4);
	ksft_test_result(suppressed(rc, PGM_OPERATION, 4),
			 "opcode B2FF: operation exception, ILC 4\n");

	/* Odd instruction address: specification, ILC 0, old PSW at it. */
	reset();
	cpu()->psw_addr = H_CODE + 1;
	rc = step_here();
	ksft_test_result(rc == PGM_SPECIFICATION && ld16(LC_PGM_ILC) == 0 &&
			 h_ld64(&H, LC_PGM_OLD_PSW + 8) == H_CODE + 1,
			 "odd instruction address: specification exception, ILC 0\n");

	/* SVC: code and ILC at 0x88, old PSW past it, new PSW loaded. */
	reset();
	h_st64(&H, LC_SVC_NEW_PSW, MODE64);
	h_st64(&H, LC_SVC_NEW_PSW + 8, 0x7000);
	cpu()->cc = 1;
	rc = run(e_rr(0x0A, 0x4, 0x2), 2);			/* SVC 0x42 */
	ksft_test_result(rc == 0 && ld16(LC_SVC_CODE) == 0x42 && ld16(LC_SVC_ILC) == 2 &&
			 h_ld64(&H, LC_SVC_OLD_PSW) == (MODE64 | 1ULL << PSW_SHIFT_CC) &&
			 h_ld64(&H, LC_SVC_OLD_PSW + 8) == H_CODE + 2 &&
			 cpu()->psw_addr == 0x7000 && cpu()->cc == 0,
			 "SVC 0x42: code and ILC in the lowcore, old and new PSW\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(144);
	h_init(&H);

	test_lpswe();
	test_lpsw();
	test_system_mask();
	test_control_regs();
	test_prefix();
	test_identity();
	test_clocks();
	test_psw_fields();
	test_storage_keys();
	test_protection();
	test_interlocked();
	test_access_regs();
	test_privileged();
	test_exits();
	test_exceptions();

	h_fini(&H);
	return ksft_finished();
}
