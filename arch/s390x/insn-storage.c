/* SPDX-License-Identifier: MIT */
/*
 * Storage-to-storage, string, editing and decimal-conversion instructions
 * (z/Architecture Principles of Operation, ch. 7 "General Instructions").
 *
 * Conventions shared by the handlers below:
 *
 *   - SS instructions operate on at most 256 bytes.  All access checks for
 *     both operands are made before anything is stored, so a suppressed or
 *     nullified instruction leaves storage unchanged.  When neither operand
 *     crosses a 4K boundary the handler works on host pointers; otherwise
 *     it walks the operands a byte at a time through cpu_ld8/cpu_st8.
 *   - MVC, NC, OC, XC, MVN, MVZ and TR are defined to process their
 *     operands one byte at a time, left to right, so overlapping operands
 *     propagate bytes (MVC 1(255,r),0(r) replicates one byte, which is how
 *     compilers implement memset).  The byte loops below keep that order.
 *   - The "long" and string instructions (MVCL, CLCL, MVCLE, CLCLE, MVST,
 *     CLST, SRST, CKSM) are interruptible: they work through the operands
 *     one page-bounded chunk at a time and write the address and length
 *     registers back after every chunk, so an access exception in the
 *     middle leaves registers that let re-execution continue.  MVCLE,
 *     CLCLE, MVST, CLST, SRST and CKSM stop after a CPU-determined amount
 *     (LONG_CHUNK bytes) with condition code 3, as the PoP allows.
 */
#include "arch/s390x/softcpu.h"

/* Bytes processed per execution before a CC-3 partial completion. */
#define LONG_CHUNK	4096u
#define PAGE_SIZE_4K	4096u

/* DXC for an invalid decimal digit or sign (PoP "Data-Exception Code"). */
#define DXC_DECIMAL	0x00


static inline unsigned page_left(uint64_t a)
{
	return PAGE_SIZE_4K - (unsigned)(a & (PAGE_SIZE_4K - 1));
}

static inline bool in_page(uint64_t a, unsigned len)
{
	return (a & (PAGE_SIZE_4K - 1)) + len <= PAGE_SIZE_4K;
}

static inline uint64_t addr_add(const struct s390_cpu *cpu, uint64_t a,
				uint64_t n)
{
	return cpu_wrap(cpu, a + n);
}

/*
 * Address registers of the long/string instructions: the address is
 * taken in the current addressing mode and written back the same way
 * (24-bit mode: bits 40-63, bits 32-39 zeroed; 31-bit: bits 33-63, bit 32
 * zeroed; bits 0-31 unchanged in both; 64-bit: the whole register).
 */
static uint64_t addr_reg(const struct s390_cpu *cpu, unsigned r)
{
	return cpu_wrap(cpu, cpu->gr[r]);
}

static void set_addr_reg(struct s390_cpu *cpu, unsigned r, uint64_t a)
{
	if (cpu->psw_mask & PSW_MASK_EA)
		cpu->gr[r] = a;
	else
		gr_set_lo(cpu, r, (uint32_t)cpu_wrap(cpu, a));
}

/* Lengths of MVCLE/CLCLE/CKSM: 64 bits in 64-bit mode, else bits 32-63. */
static uint64_t len_reg(const struct s390_cpu *cpu, unsigned r)
{
	return (cpu->psw_mask & PSW_MASK_EA) ? cpu->gr[r] : gr_lo(cpu, r);
}

static void set_len_reg(struct s390_cpu *cpu, unsigned r, uint64_t v)
{
	if (cpu->psw_mask & PSW_MASK_EA)
		cpu->gr[r] = v;
	else
		gr_set_lo(cpu, r, (uint32_t)v);
}

static void require_even(struct s390_cpu *cpu, unsigned r)
{
	if (r & 1)
		cpu_pgm(cpu, PGM_SPECIFICATION);
}

/* ---- SS logical: MVC, NC, OC, XC, MVN, MVZ ------------------------- */

enum ss_op { SS_MVC, SS_NC, SS_OC, SS_XC, SS_MVN, SS_MVZ };

static inline uint8_t ss_apply(enum ss_op op, uint8_t d, uint8_t s)
{
	switch (op) {
	case SS_MVC: return s;
	case SS_NC: return d & s;
	case SS_OC: return d | s;
	case SS_XC: return d ^ s;
	case SS_MVN: return (uint8_t)((d & 0xf0) | (s & 0x0f));
	case SS_MVZ: return (uint8_t)((d & 0x0f) | (s & 0xf0));
	}
	return d;
}

/* Returns the OR of all result bytes (for the NC/OC/XC condition code). */
static uint8_t ss_logical(struct s390_cpu *cpu, uint64_t insn, enum ss_op op)
{
	unsigned len = F_SS_L(insn) + 1;
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));
	uint8_t acc = 0;

	if (in_page(a1, len) && in_page(a2, len)) {
		const uint8_t *p2 = cpu_ptr(cpu, a2, len, ACC_FETCH);
		uint8_t *p1 = cpu_ptr(cpu, a1, len, ACC_STORE);
		bool overlap = p1 > p2 && p1 < p2 + len;

		if (op == SS_MVC && !overlap) {
			/* Disjoint, identical, or destination below source:
			 * a forward byte copy equals memmove. */
			memmove(p1, p2, len);
			return 0;
		}
		if (op == SS_XC && p1 == p2) {
			memset(p1, 0, len);
			return 0;
		}
		/* Byte at a time: later source bytes may be earlier results. */
		for (unsigned i = 0; i < len; i++) {
			p1[i] = ss_apply(op, p1[i], p2[i]);
			acc |= p1[i];
		}
		return acc;
	}

	cpu_check_range(cpu, a2, len, ACC_FETCH);
	cpu_check_range(cpu, a1, len, ACC_STORE);
	for (unsigned i = 0; i < len; i++) {
		uint64_t d = addr_add(cpu, a1, i);
		uint8_t s = cpu_ld8(cpu, addr_add(cpu, a2, i));
		uint8_t r = op == SS_MVC ? s : ss_apply(op, cpu_ld8(cpu, d), s);

		cpu_st8(cpu, d, r);
		acc |= r;
	}
	return acc;
}

/* D2 MVC: MOVE (character). */
static void op_mvc(struct s390_cpu *cpu, uint64_t insn)
{
	ss_logical(cpu, insn, SS_MVC);
}

/* D1 MVN: MOVE NUMERICS. */
static void op_mvn(struct s390_cpu *cpu, uint64_t insn)
{
	ss_logical(cpu, insn, SS_MVN);
}

/* D3 MVZ: MOVE ZONES. */
static void op_mvz(struct s390_cpu *cpu, uint64_t insn)
{
	ss_logical(cpu, insn, SS_MVZ);
}

/* D4 NC, D6 OC, D7 XC: CC 0 result all zero, 1 not zero. */
static void op_nc(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->cc = ss_logical(cpu, insn, SS_NC) ? 1 : 0;
}

static void op_oc(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->cc = ss_logical(cpu, insn, SS_OC) ? 1 : 0;
}

static void op_xc(struct s390_cpu *cpu, uint64_t insn)
{
	cpu->cc = ss_logical(cpu, insn, SS_XC) ? 1 : 0;
}

/* D5 CLC: COMPARE LOGICAL (character). CC 0 equal, 1 low, 2 high. */
static void op_clc(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned len = F_SS_L(insn) + 1;
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));
	int c = 0;

	if (in_page(a1, len) && in_page(a2, len)) {
		const uint8_t *p1 = cpu_ptr(cpu, a1, len, ACC_FETCH);
		const uint8_t *p2 = cpu_ptr(cpu, a2, len, ACC_FETCH);

		c = memcmp(p1, p2, len);
	} else {
		cpu_check_range(cpu, a1, len, ACC_FETCH);
		cpu_check_range(cpu, a2, len, ACC_FETCH);
		for (unsigned i = 0; i < len && !c; i++)
			c = (int)cpu_ld8(cpu, addr_add(cpu, a1, i)) -
			    (int)cpu_ld8(cpu, addr_add(cpu, a2, i));
	}
	cpu->cc = c == 0 ? 0 : c < 0 ? 1 : 2;
}

/* E8 MVCIN: MOVE INVERSE.  The second-operand address designates the
 * rightmost byte of the second operand. */
static void op_mvcin(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned len = F_SS_L(insn) + 1;
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_wrap(cpu, cpu_ea(cpu, 0, F_SS_B2(insn),
					   F_SS_D2(insn)) - (len - 1));
	uint8_t src[256], dst[256];

	cpu_check_range(cpu, a2, len, ACC_FETCH);
	cpu_check_range(cpu, a1, len, ACC_STORE);
	cpu_ld_bytes(cpu, a2, src, len);
	for (unsigned i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
	cpu_st_bytes(cpu, a1, dst, len);
}

/* 92 MVI, EB52 MVIY: MOVE (immediate). */
static void op_mvi(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_st8(cpu, cpu_ea(cpu, 0, F_SI_B1(insn), F_SI_D1(insn)),
		F_SI_I2(insn));
}

static void op_mviy(struct s390_cpu *cpu, uint64_t insn)
{
	cpu_st8(cpu, cpu_ea(cpu, 0, F_SI_B1(insn), f_dl_dh(insn)),
		F_SI_I2(insn));
}

/* ---- Translation: TR, TRT, TRTR ------------------------------------ */

/* DC TR: TRANSLATE.  Each first-operand byte is replaced by the byte of
 * the 256-byte table (second operand) it indexes, left to right. */
static void op_tr(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned len = F_SS_L(insn) + 1;
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));

	if (in_page(a1, len) && in_page(a2, 256)) {
		const uint8_t *tab = cpu_ptr(cpu, a2, 256, ACC_FETCH);
		uint8_t *p1 = cpu_ptr(cpu, a1, len, ACC_STORE);

		for (unsigned i = 0; i < len; i++)
			p1[i] = tab[p1[i]];
		return;
	}
	/* Only the table bytes actually used are accessed, so a table that
	 * ends at an inaccessible page can still be used; the first operand
	 * is checked as a whole before anything is stored. */
	cpu_check_range(cpu, a1, len, ACC_STORE);
	uint8_t buf[256];
	cpu_ld_bytes(cpu, a1, buf, len);
	for (unsigned i = 0; i < len; i++)
		(void)cpu_ld8(cpu, addr_add(cpu, a2, buf[i]));
	for (unsigned i = 0; i < len; i++) {
		uint64_t d = addr_add(cpu, a1, i);

		cpu_st8(cpu, d, cpu_ld8(cpu, addr_add(cpu, a2, cpu_ld8(cpu, d))));
	}
}

/* Result registers of TRT/TRTR: GR1 gets the argument-byte address
 * (24-bit mode: bits 40-63, bits 0-39 unchanged; 31-bit: bits 33-63 with
 * bit 32 zero; 64-bit: bits 0-63), GR2 bits 56-63 the function byte. */
static void trt_found_addr(struct s390_cpu *cpu, uint64_t addr)
{
	if (cpu->psw_mask & PSW_MASK_EA)
		cpu->gr[1] = addr;
	else if (cpu->psw_mask & PSW_MASK_BA)
		gr_set_lo(cpu, 1, (uint32_t)addr & 0x7fffffffu);
	else
		gr_set_lo(cpu, 1, (gr_lo(cpu, 1) & 0xff000000u) |
				  ((uint32_t)addr & 0x00ffffffu));
}

static void trt_found(struct s390_cpu *cpu, uint64_t addr, uint8_t fn)
{
	trt_found_addr(cpu, addr);
	cpu->gr[2] = (cpu->gr[2] & ~0xffULL) | fn;
}

static void trt_common(struct s390_cpu *cpu, uint64_t insn, bool reverse)
{
	unsigned len = F_SS_L(insn) + 1;
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));

	for (unsigned i = 0; i < len; i++) {
		uint64_t a = reverse ? cpu_wrap(cpu, a1 - i) : addr_add(cpu, a1, i);
		uint8_t fn = cpu_ld8(cpu, addr_add(cpu, a2, cpu_ld8(cpu, a)));

		if (fn) {
			trt_found(cpu, a, fn);
			cpu->cc = i == len - 1 ? 2 : 1;
			return;
		}
	}
	cpu->cc = 0;
}

/* DD TRT: TRANSLATE AND TEST (left to right). */
static void op_trt(struct s390_cpu *cpu, uint64_t insn)
{
	trt_common(cpu, insn, false);
}

/* D0 TRTR: TRANSLATE AND TEST REVERSE; the first-operand address
 * designates its rightmost byte. */
static void op_trtr(struct s390_cpu *cpu, uint64_t insn)
{
	trt_common(cpu, insn, true);
}

/* ---- Packed decimal: PACK, UNPK, MVO, CVB*, CVD* ------------------- */

/* SS-b operands: L1/L2 are lengths minus one.  Fetches both operands
 * (right-justified in 16-byte buffers) after checking the store range. */
struct ss2 {
	uint64_t a1, a2;
	unsigned l1, l2;	/* byte counts */
	uint8_t op1[16], op2[16];
};

static void ss2_load(struct s390_cpu *cpu, uint64_t insn, struct ss2 *s,
		     bool need_op1)
{
	s->l1 = F_SS_L1(insn) + 1;
	s->l2 = F_SS_L2(insn) + 1;
	s->a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	s->a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));
	cpu_check_range(cpu, s->a2, s->l2, ACC_FETCH);
	cpu_check_range(cpu, s->a1, s->l1, ACC_STORE);
	cpu_ld_bytes(cpu, s->a2, s->op2, s->l2);
	if (need_op1)
		cpu_ld_bytes(cpu, s->a1, s->op1, s->l1);
}

/* Digit i (0 = rightmost, the sign position excluded) of a byte string
 * of n bytes holding two nibbles per byte; digit numbering starts at the
 * rightmost nibble: nib 0 is the low nibble of the last byte. */
static inline unsigned get_nib(const uint8_t *b, unsigned n, unsigned nib)
{
	unsigned byte = nib / 2;

	if (byte >= n)
		return 0;
	uint8_t v = b[n - 1 - byte];
	return (nib & 1) ? v >> 4 : v & 0xf;
}

static inline void set_nib(uint8_t *b, unsigned n, unsigned nib, unsigned v)
{
	unsigned byte = nib / 2;

	if (byte >= n)
		return;
	uint8_t *p = &b[n - 1 - byte];
	if (nib & 1)
		*p = (uint8_t)((*p & 0x0f) | (v << 4));
	else
		*p = (uint8_t)((*p & 0xf0) | (v & 0xf));
}

/* F2 PACK: zoned second operand to packed first operand, right to left;
 * the rightmost byte has its nibbles swapped, then the numeric nibbles of
 * the remaining bytes are packed two per byte.  Short: zero fill. */
static void op_pack(struct s390_cpu *cpu, uint64_t insn)
{
	struct ss2 s;
	uint8_t out[16] = { 0 };

	ss2_load(cpu, insn, &s, false);
	uint8_t last = s.op2[s.l2 - 1];
	out[s.l1 - 1] = (uint8_t)((last << 4) | (last >> 4));
	/* Result nibble k (k >= 2) comes from the numeric nibble of source
	 * byte k-1 counted from the right. */
	for (unsigned k = 2; k < 2 * s.l1; k++) {
		unsigned src = k - 1;	/* bytes from the right */
		unsigned v = src < s.l2 ? s.op2[s.l2 - 1 - src] & 0xf : 0;

		set_nib(out, s.l1, k, v);
	}
	cpu_st_bytes(cpu, s.a1, out, s.l1);
}

/* F3 UNPK: packed second operand to zoned first operand; every digit
 * gets the zone F except the rightmost byte, whose nibbles are swapped. */
static void op_unpk(struct s390_cpu *cpu, uint64_t insn)
{
	struct ss2 s;
	uint8_t out[16];

	ss2_load(cpu, insn, &s, false);
	uint8_t last = s.op2[s.l2 - 1];
	out[s.l1 - 1] = (uint8_t)((last << 4) | (last >> 4));
	for (unsigned i = 1; i < s.l1; i++) {
		/* Result byte i from the right holds digit nibble i+1. */
		unsigned d = get_nib(s.op2, s.l2, i + 1);

		out[s.l1 - 1 - i] = (uint8_t)(0xf0 | d);
	}
	cpu_st_bytes(cpu, s.a1, out, s.l1);
}

/* F1 MVO: MOVE WITH OFFSET.  The second operand is placed to the left of
 * the rightmost four bits of the first operand; zero fill on the left. */
static void op_mvo(struct s390_cpu *cpu, uint64_t insn)
{
	struct ss2 s;
	uint8_t out[16];

	ss2_load(cpu, insn, &s, true);
	memcpy(out, s.op1, s.l1);
	for (unsigned k = 1; k < 2 * s.l1; k++)
		set_nib(out, s.l1, k, get_nib(s.op2, s.l2, k - 1));
	cpu_st_bytes(cpu, s.a1, out, s.l1);
}

/*
 * Validate and convert a packed decimal field of n bytes (2n-1 digits and
 * a sign).  A digit code A-F or a sign code 0-9 is a data exception (DXC
 * 0).  The magnitude of a 31-digit number does not fit in 64 bits, so it
 * is returned in 128-bit arithmetic.
 */
static unsigned __int128 packed_to_bin(struct s390_cpu *cpu, const uint8_t *b,
				       unsigned n, bool *neg)
{
	unsigned sign = b[n - 1] & 0xf;
	unsigned __int128 v = 0;

	if (sign < 0xa)
		cpu_data_exception(cpu, DXC_DECIMAL);
	for (unsigned i = 0; i < 2 * n - 1; i++) {
		unsigned d = (i & 1) ? b[i / 2] & 0xf : b[i / 2] >> 4;

		if (d > 9)
			cpu_data_exception(cpu, DXC_DECIMAL);
		v = v * 10 + d;
	}
	*neg = sign == 0xb || sign == 0xd;
	return v;
}

/* 4F CVB, E306 CVBY: 8-byte packed decimal to a 32-bit signed binary in
 * bits 32-63 of R1.  Out of range: the rightmost 32 bits of the result
 * are placed in R1 and a fixed-point-divide exception is recognized. */
static void cvb32(struct s390_cpu *cpu, unsigned r1, uint64_t addr)
{
	uint8_t b[8];
	bool neg;

	be64_st(b, cpu_ld64(cpu, addr));
	unsigned __int128 m = packed_to_bin(cpu, b, 8, &neg);
	uint64_t v = neg ? -(uint64_t)m : (uint64_t)m;

	gr_set_lo(cpu, r1, (uint32_t)v);
	if (neg ? m > 0x80000000u : m > 0x7fffffffu)
		cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
}

static void op_cvb(struct s390_cpu *cpu, uint64_t insn)
{
	cvb32(cpu, F_R1(insn), cpu_ea(cpu, F_X2(insn), F_B2(insn), F_D2(insn)));
}

static void op_cvby(struct s390_cpu *cpu, uint64_t insn)
{
	cvb32(cpu, F_R1(insn), cpu_ea(cpu, F_X2(insn), F_B2(insn),
				      f_dl_dh(insn)));
}

/* E30E CVBG: 16-byte packed decimal to 64-bit binary; out of range is a
 * fixed-point-divide exception with R1 unchanged. */
static void op_cvbg(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t addr = cpu_ea(cpu, F_X2(insn), F_B2(insn), f_dl_dh(insn));
	uint8_t b[16];
	bool neg;

	cpu_check_range(cpu, addr, 16, ACC_FETCH);
	cpu_ld_bytes(cpu, addr, b, 16);
	unsigned __int128 m = packed_to_bin(cpu, b, 16, &neg);
	if (neg ? m > ((unsigned __int128)1 << 63) :
		  m > (unsigned __int128)INT64_MAX)
		cpu_pgm(cpu, PGM_FIXPOINT_DIVIDE);
	cpu->gr[F_R1(insn)] = neg ? -(uint64_t)m : (uint64_t)m;
}

/* Binary to packed decimal: sign C for plus, D for minus. */
static void bin_to_packed(uint8_t *b, unsigned n, uint64_t mag, bool neg)
{
	memset(b, 0, n);
	b[n - 1] = neg ? 0x0d : 0x0c;
	for (unsigned nib = 1; nib < 2 * n && mag; nib++) {
		set_nib(b, n, nib, (unsigned)(mag % 10));
		mag /= 10;
	}
}

/* 4E CVD, E326 CVDY: bits 32-63 of R1 to 8 bytes packed decimal. */
static void cvd32(struct s390_cpu *cpu, unsigned r1, uint64_t addr)
{
	int32_t v = (int32_t)gr_lo(cpu, r1);
	uint64_t mag = v < 0 ? -(uint64_t)(int64_t)v : (uint64_t)v;
	uint8_t b[8];

	bin_to_packed(b, 8, mag, v < 0);
	cpu_st64(cpu, addr, be64_ld(b));
}

static void op_cvd(struct s390_cpu *cpu, uint64_t insn)
{
	cvd32(cpu, F_R1(insn), cpu_ea(cpu, F_X2(insn), F_B2(insn), F_D2(insn)));
}

static void op_cvdy(struct s390_cpu *cpu, uint64_t insn)
{
	cvd32(cpu, F_R1(insn), cpu_ea(cpu, F_X2(insn), F_B2(insn),
				      f_dl_dh(insn)));
}

/* E32E CVDG: 64-bit R1 to 16 bytes packed decimal. */
static void op_cvdg(struct s390_cpu *cpu, uint64_t insn)
{
	uint64_t addr = cpu_ea(cpu, F_X2(insn), F_B2(insn), f_dl_dh(insn));
	int64_t v = (int64_t)cpu->gr[F_R1(insn)];
	uint8_t b[16];

	bin_to_packed(b, 16, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
	cpu_check_range(cpu, addr, 16, ACC_STORE);
	cpu_st_bytes(cpu, addr, b, 16);
}

/*
 * DE ED / DF EDMK: EDIT (AND MARK).  The first operand is a pattern whose
 * first byte is the fill character; packed digits of the second operand
 * replace the digit selectors (20) and significance starters (21) left to
 * right, a field separator (22) starts a new field, other pattern bytes
 * are message characters kept only once significance is on.  A digit is
 * shown (zone F) when it is nonzero or significance is on, else the fill
 * character; a plus sign code (A C E F) in the right half of a source
 * byte whose left digit was just used turns significance off.  CC: 0 the
 * last field is zero, 1 nonzero with significance on (minus), 2 nonzero
 * with significance off.  EDMK puts the address of each result digit that
 * turns significance on by being nonzero (not by a starter) in GR1 (as
 * TRT does; the last one stays).  An invalid
 * digit is a data exception; nothing is stored then.
 */
#define ED_DS	0x20	/* digit selector */
#define ED_SS	0x21	/* significance starter */
#define ED_FS	0x22	/* field separator */

static void ed_common(struct s390_cpu *cpu, uint64_t insn, bool mark)
{
	unsigned len = F_SS_L(insn) + 1;
	uint64_t a1 = cpu_ea(cpu, 0, F_SS_B1(insn), F_SS_D1(insn));
	uint64_t a2 = cpu_ea(cpu, 0, F_SS_B2(insn), F_SS_D2(insn));
	uint8_t buf[256];
	bool sig = false, nonzero = false, have_right = false, marked = false;
	uint8_t src = 0, fill;
	uint64_t mark_addr = 0;

	cpu_check_range(cpu, a1, len, ACC_STORE);
	cpu_ld_bytes(cpu, a1, buf, len);
	fill = buf[0];
	for (unsigned i = 0; i < len; i++) {
		uint8_t p = buf[i];

		if (p == ED_FS) {
			buf[i] = fill;
			sig = false;
			nonzero = false;
			continue;
		}
		if (p != ED_DS && p != ED_SS) {
			if (!sig)
				buf[i] = fill;
			continue;
		}
		unsigned d;
		bool sign_check = false;
		if (have_right) {
			d = src & 0xf;
			have_right = false;
		} else {
			src = cpu_ld8(cpu, a2);
			a2 = addr_add(cpu, a2, 1);
			d = src >> 4;
			sign_check = true;
		}
		if (d > 9)
			cpu_data_exception(cpu, DXC_DECIMAL);
		if (d || sig) {
			if (!sig && d && mark) {
				mark_addr = addr_add(cpu, a1, i);
				marked = true;
			}
			buf[i] = (uint8_t)(0xf0 | d);
			sig = true;
		} else {
			buf[i] = fill;
		}
		if (d)
			nonzero = true;
		if (p == ED_SS)
			sig = true;
		if (sign_check) {
			unsigned r = src & 0xf;

			if (r > 9) {
				/* A sign: plus turns significance off. */
				if (r != 0xb && r != 0xd)
					sig = false;
			} else {
				have_right = true;
			}
		}
	}
	cpu_st_bytes(cpu, a1, buf, len);
	if (marked)
		trt_found_addr(cpu, mark_addr);
	cpu->cc = !nonzero ? 0 : sig ? 1 : 2;
}

static void op_ed(struct s390_cpu *cpu, uint64_t insn)
{
	ed_common(cpu, insn, false);
}

static void op_edmk(struct s390_cpu *cpu, uint64_t insn)
{
	ed_common(cpu, insn, true);
}

/* ---- Long instructions: MVCL, CLCL, MVCLE, CLCLE ------------------- */

/* Operand state of a long instruction (R1/R1+1 and R2/R2+1 pairs). */
struct long_op {
	unsigned r1, r2;
	bool ext;		/* MVCLE/CLCLE: register-sized lengths */
	uint64_t a1, a2, len1, len2;
	uint8_t pad;
};

static void long_load(struct s390_cpu *cpu, struct long_op *o, unsigned r1,
		      unsigned r2, bool ext)
{
	require_even(cpu, r1);
	require_even(cpu, r2);
	o->r1 = r1;
	o->r2 = r2;
	o->ext = ext;
	o->a1 = addr_reg(cpu, r1);
	o->a2 = addr_reg(cpu, r2);
	if (ext) {
		o->len1 = len_reg(cpu, r1 + 1);
		o->len2 = len_reg(cpu, r2 + 1);
	} else {
		/* MVCL/CLCL: 24-bit lengths in bits 40-63; the pad byte is
		 * bits 32-39 of R2+1. */
		o->len1 = cpu->gr[r1 + 1] & 0xffffff;
		o->len2 = cpu->gr[r2 + 1] & 0xffffff;
		o->pad = (uint8_t)(cpu->gr[r2 + 1] >> 24);
	}
}

/* Write the current addresses and lengths back to the registers. */
static void long_store(struct s390_cpu *cpu, const struct long_op *o)
{
	set_addr_reg(cpu, o->r1, o->a1);
	set_addr_reg(cpu, o->r2, o->a2);
	if (o->ext) {
		set_len_reg(cpu, o->r1 + 1, o->len1);
		set_len_reg(cpu, o->r2 + 1, o->len2);
	} else {
		cpu->gr[o->r1 + 1] = (cpu->gr[o->r1 + 1] & ~0xffffffULL) | o->len1;
		cpu->gr[o->r2 + 1] = (cpu->gr[o->r2 + 1] & ~0xffffffULL) | o->len2;
	}
}

static unsigned len_cc(uint64_t len1, uint64_t len2)
{
	return len1 == len2 ? 0 : len1 < len2 ? 1 : 2;
}

/*
 * Move up to limit bytes of the first operand (from the second operand,
 * then padding), one page-bounded chunk at a time, writing registers
 * back after each chunk.  Returns true when the first operand is done.
 */
static bool long_move(struct s390_cpu *cpu, struct long_op *o, uint64_t limit)
{
	while (o->len1 && limit) {
		uint64_t n = o->len1 < limit ? o->len1 : limit;

		if (n > page_left(o->a1))
			n = page_left(o->a1);
		if (o->len2) {
			if (n > o->len2)
				n = o->len2;
			if (n > page_left(o->a2))
				n = page_left(o->a2);
			const uint8_t *src = cpu_ptr(cpu, o->a2, (unsigned)n,
						     ACC_FETCH);
			uint8_t *dst = cpu_ptr(cpu, o->a1, (unsigned)n,
					       ACC_STORE);
			if (dst > src && dst < src + n) {
				for (uint64_t i = 0; i < n; i++)
					dst[i] = src[i];
			} else {
				memmove(dst, src, n);
			}
			o->a2 = addr_add(cpu, o->a2, n);
			o->len2 -= n;
		} else {
			memset(cpu_ptr(cpu, o->a1, (unsigned)n, ACC_STORE),
			       o->pad, n);
		}
		o->a1 = addr_add(cpu, o->a1, n);
		o->len1 -= n;
		limit -= n;
		long_store(cpu, o);
	}
	return o->len1 == 0;
}

/* 0E MVCL: MOVE LONG.  CC 0/1/2 compare the lengths; CC 3 when the
 * operands overlap destructively, nothing is moved. */
static void op_mvcl(struct s390_cpu *cpu, uint64_t insn)
{
	struct long_op o;

	long_load(cpu, &o, F_R1(insn), F_R2(insn), false);
	unsigned cc = len_cc(o.len1, o.len2);
	uint64_t moved = o.len1 < o.len2 ? o.len1 : o.len2;
	uint64_t dist = cpu_wrap(cpu, o.a1 - o.a2);

	/* Destructive overlap: the first operand starts inside the part of
	 * the second operand that is still to be used as a source. */
	if (dist != 0 && dist < moved) {
		cpu->cc = 3;
		return;
	}
	long_move(cpu, &o, UINT64_MAX);
	cpu->cc = cc;
}

/* A8 MVCLE: MOVE LONG EXTENDED.  The pad byte is bits 56-63 of the
 * second-operand address; CC 3 after a CPU-determined amount. */
static void op_mvcle(struct s390_cpu *cpu, uint64_t insn)
{
	struct long_op o;

	long_load(cpu, &o, F_R1(insn), F_R3(insn), true);
	o.pad = (uint8_t)cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
	unsigned cc = len_cc(o.len1, o.len2);

	cpu->cc = long_move(cpu, &o, LONG_CHUNK) ? cc : 3;
}

/*
 * Compare up to limit bytes, shorter operand extended with the pad byte.
 * Returns 0 (equal so far), 1 or 2 (registers point at the first unequal
 * bytes), or 3 when the limit ran out first.
 */
static unsigned long_compare(struct s390_cpu *cpu, struct long_op *o,
			     uint64_t limit)
{
	while (o->len1 || o->len2) {
		if (!limit)
			return 3;
		uint64_t n = limit;
		const uint8_t *p1 = NULL, *p2 = NULL;

		if (o->len1) {
			n = n < o->len1 ? n : o->len1;
			n = n < page_left(o->a1) ? n : page_left(o->a1);
		}
		if (o->len2) {
			n = n < o->len2 ? n : o->len2;
			n = n < page_left(o->a2) ? n : page_left(o->a2);
		}
		if (o->len1)
			p1 = cpu_ptr(cpu, o->a1, (unsigned)n, ACC_FETCH);
		if (o->len2)
			p2 = cpu_ptr(cpu, o->a2, (unsigned)n, ACC_FETCH);
		uint64_t i;
		unsigned cc = 0;
		for (i = 0; i < n; i++) {
			uint8_t b1 = p1 ? p1[i] : o->pad;
			uint8_t b2 = p2 ? p2[i] : o->pad;

			if (b1 != b2) {
				cc = b1 < b2 ? 1 : 2;
				break;
			}
		}
		if (o->len1) {
			o->a1 = addr_add(cpu, o->a1, i);
			o->len1 -= i;
		}
		if (o->len2) {
			o->a2 = addr_add(cpu, o->a2, i);
			o->len2 -= i;
		}
		limit -= i;
		long_store(cpu, o);
		if (cc)
			return cc;
	}
	return 0;
}

/* 0F CLCL: COMPARE LOGICAL LONG. */
static void op_clcl(struct s390_cpu *cpu, uint64_t insn)
{
	struct long_op o;

	long_load(cpu, &o, F_R1(insn), F_R2(insn), false);
	cpu->cc = long_compare(cpu, &o, UINT64_MAX);
}

/* A9 CLCLE: COMPARE LOGICAL LONG EXTENDED. */
static void op_clcle(struct s390_cpu *cpu, uint64_t insn)
{
	struct long_op o;

	long_load(cpu, &o, F_R1(insn), F_R3(insn), true);
	o.pad = (uint8_t)cpu_ea(cpu, 0, F_B2(insn), F_D2(insn));
	cpu->cc = long_compare(cpu, &o, LONG_CHUNK);
}

/* ---- Strings terminated by the character in R0: MVST, CLST, SRST ---- */

/* Bits 32-55 of GR0 must be zero (specification exception). */
static uint8_t string_char(struct s390_cpu *cpu)
{
	if (cpu->gr[0] & 0xffffff00ULL)
		cpu_pgm(cpu, PGM_SPECIFICATION);
	return (uint8_t)cpu->gr[0];
}

static inline uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* B255 MVST: MOVE STRING.  CC 1: moved through the ending character, R1
 * addresses it in the first operand; CC 3: partial, R1 and R2 advanced. */
static void op_mvst(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn);
	uint8_t end = string_char(cpu);
	uint64_t a1 = addr_reg(cpu, r1), a2 = addr_reg(cpu, r2);
	uint64_t budget = LONG_CHUNK;

	while (budget) {
		/* A chunk never crosses a page of either operand, so accessing
		 * it as a whole checks exactly the pages the byte loop would. */
		unsigned n = (unsigned)min3(budget, page_left(a1), page_left(a2));
		const uint8_t *src = cpu_ptr(cpu, a2, n, ACC_FETCH);
		uint8_t *dst = cpu_ptr(cpu, a1, n, ACC_STORE);
		const uint8_t *hit = memchr(src, end, n);
		unsigned m = hit ? (unsigned)(hit - src) + 1 : n;

		memmove(dst, src, m);
		if (hit) {
			set_addr_reg(cpu, r1, addr_add(cpu, a1, m - 1));
			cpu->cc = 1;
			return;
		}
		a1 = addr_add(cpu, a1, n);
		a2 = addr_add(cpu, a2, n);
		budget -= n;
		set_addr_reg(cpu, r1, a1);
		set_addr_reg(cpu, r2, a2);
	}
	cpu->cc = 3;
}

/* B25D CLST: COMPARE LOGICAL STRING.  CC 0 equal (registers unchanged);
 * 1/2 first operand low/high, R1 and R2 address the differing bytes (the
 * operand that ends first is low); CC 3 partial, registers advanced. */
static void op_clst(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn);
	uint8_t end = string_char(cpu);
	uint64_t a1 = addr_reg(cpu, r1), a2 = addr_reg(cpu, r2);
	uint64_t budget = LONG_CHUNK;

	while (budget) {
		unsigned n = (unsigned)min3(budget, page_left(a1), page_left(a2));
		const uint8_t *p1 = cpu_ptr(cpu, a1, n, ACC_FETCH);
		const uint8_t *p2 = cpu_ptr(cpu, a2, n, ACC_FETCH);

		for (unsigned i = 0; i < n; i++) {
			uint8_t b1 = p1[i], b2 = p2[i];

			if (b1 == b2 && b1 != end)
				continue;
			if (b1 == b2) {
				cpu->cc = 0;
				return;
			}
			if (b1 == end)
				cpu->cc = 1;
			else if (b2 == end)
				cpu->cc = 2;
			else
				cpu->cc = b1 < b2 ? 1 : 2;
			set_addr_reg(cpu, r1, addr_add(cpu, a1, i));
			set_addr_reg(cpu, r2, addr_add(cpu, a2, i));
			return;
		}
		a1 = addr_add(cpu, a1, n);
		a2 = addr_add(cpu, a2, n);
		budget -= n;
		set_addr_reg(cpu, r1, a1);
		set_addr_reg(cpu, r2, a2);
	}
	cpu->cc = 3;
}

/* B25E SRST: SEARCH STRING.  Search [R2, R1) for the character in R0.
 * CC 1 found (R1 gets its address), CC 2 not found (registers unchanged),
 * CC 3 partial (R2 advanced). */
static void op_srst(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn);
	uint8_t c = string_char(cpu);
	uint64_t end = addr_reg(cpu, r1), a = addr_reg(cpu, r2);
	uint64_t budget = LONG_CHUNK;

	while (a != end) {
		if (!budget) {
			set_addr_reg(cpu, r2, a);
			cpu->cc = 3;
			return;
		}
		unsigned n = (unsigned)min3(budget, page_left(a),
					    cpu_wrap(cpu, end - a));
		const uint8_t *p = cpu_ptr(cpu, a, n, ACC_FETCH);
		const uint8_t *hit = memchr(p, c, n);

		if (hit) {
			set_addr_reg(cpu, r1, addr_add(cpu, a, (uint64_t)(hit - p)));
			cpu->cc = 1;
			return;
		}
		a = addr_add(cpu, a, n);
		budget -= n;
	}
	cpu->cc = 2;
}

/* B241 CKSM: CHECKSUM.  32-bit one's-complement sum (end-around carry) of
 * the second operand's words, a short last word padded with zeros on the
 * right, added to bits 32-63 of R1.  CC 0 done, CC 3 partial. */
static void op_cksm(struct s390_cpu *cpu, uint64_t insn)
{
	unsigned r1 = F_RRE_R1(insn), r2 = F_RRE_R2(insn);

	require_even(cpu, r2);
	uint64_t a = addr_reg(cpu, r2), len = len_reg(cpu, r2 + 1);
	uint64_t sum = gr_lo(cpu, r1);
	uint64_t budget = LONG_CHUNK;	/* a multiple of 4: word phase kept */
	uint64_t pos = 0;

	while (len && budget) {
		unsigned n = (unsigned)min3(len, budget, page_left(a));
		const uint8_t *p = cpu_ptr(cpu, a, n, ACC_FETCH);

		for (unsigned i = 0; i < n; i++, pos++)
			sum += (uint64_t)p[i] << (24 - 8 * (pos & 3));
		a = addr_add(cpu, a, n);
		len -= n;
		budget -= n;
		/* Fold the carries out of bit 32 back in (end-around carry). */
		while (sum >> 32)
			sum = (sum & 0xffffffffULL) + (sum >> 32);
		gr_set_lo(cpu, r1, (uint32_t)sum);
		set_addr_reg(cpu, r2, a);
		set_len_reg(cpu, r2 + 1, len);
	}
	cpu->cc = len ? 3 : 0;
}

static const struct insn_def defs[] = {
	{ 0x0E00, "MVCL", op_mvcl },
	{ 0x0F00, "CLCL", op_clcl },
	{ 0x4E00, "CVD", op_cvd },
	{ 0x4F00, "CVB", op_cvb },
	{ 0x9200, "MVI", op_mvi },
	{ 0xA800, "MVCLE", op_mvcle },
	{ 0xA900, "CLCLE", op_clcle },
	{ 0xB241, "CKSM", op_cksm },
	{ 0xB255, "MVST", op_mvst },
	{ 0xB25D, "CLST", op_clst },
	{ 0xB25E, "SRST", op_srst },
	{ 0xD000, "TRTR", op_trtr },
	{ 0xD100, "MVN", op_mvn },
	{ 0xD200, "MVC", op_mvc },
	{ 0xD300, "MVZ", op_mvz },
	{ 0xD400, "NC", op_nc },
	{ 0xD500, "CLC", op_clc },
	{ 0xD600, "OC", op_oc },
	{ 0xD700, "XC", op_xc },
	{ 0xDC00, "TR", op_tr },
	{ 0xDD00, "TRT", op_trt },
	{ 0xDE00, "ED", op_ed },
	{ 0xDF00, "EDMK", op_edmk },
	{ 0xE306, "CVBY", op_cvby },
	{ 0xE30E, "CVBG", op_cvbg },
	{ 0xE326, "CVDY", op_cvdy },
	{ 0xE32E, "CVDG", op_cvdg },
	{ 0xE800, "MVCIN", op_mvcin },
	{ 0xEB52, "MVIY", op_mviy },
	{ 0xF100, "MVO", op_mvo },
	{ 0xF200, "PACK", op_pack },
	{ 0xF300, "UNPK", op_unpk },
};

const struct insn_table insn_table_storage = {
	defs, sizeof(defs) / sizeof(defs[0])
};
