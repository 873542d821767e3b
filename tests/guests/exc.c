/* SPDX-License-Identifier: MIT */
/*
 * Interruption guest: program exceptions, SVC, and the clock comparator
 * and CPU timer external interruptions, each checked for interruption
 * code, instruction-length code and old PSW (PoP chapter 6,
 * "Interruptions").  For exceptions that suppress or complete the
 * instruction the old PSW points at the next sequential instruction.
 */
#include "lib/guest.h"
#include "lib/tap.h"

#define TOD_US		4096ULL		/* TOD clock bit 51 is 1 us */
#define TOD_MS		(1000 * TOD_US)

struct pgm_result {
	uint64_t at;	/* address of the instruction */
	uint64_t next;	/* address after it */
	bool ok;	/* exactly the armed code, once */
	uint16_t code, ilc;
	uint64_t old_addr, old_mask;
};

static void finish(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();

	r->code = p->code;
	r->ilc = p->ilc;
	r->old_addr = p->old_addr;
	r->old_mask = p->old_mask;
	r->ok = pgm_check();
}

static void report(const char *what, struct pgm_result *r, uint16_t code,
		   uint16_t ilc)
{
	tap_ok(r->ok && r->code == code && r->ilc == ilc && r->old_addr == r->next,
	       "%s: code 0x%x ilc %u old PSW +%lld", what, r->code, r->ilc,
	       (long long)(r->old_addr - r->at));
}

/*
 * Each trigger computes the faulting instruction's address (label 0) and
 * the next one (label 1), arms the resume address and runs it.
 */
static void op_exc_2byte(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();

	expect_pgm(PGM_OPERATION, 0);
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "0: .short 0x0000\n1:"
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume)
		     : : "cc", "memory");
	finish(r);
}

static void op_exc_6byte(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();

	expect_pgm(PGM_OPERATION, 0);
	/* EC..00 is not assigned (the EC opcodes start at EC44 BRXHG) */
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "0: .long 0xec000000\n .short 0x0000\n1:"
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume)
		     : : "cc", "memory");
	finish(r);
}

static void priv_op(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();
	uint64_t psw[2] __attribute__((aligned(8)));
	uint64_t buf;

	psw[0] = psw_mask() | PSW_MASK_PSTATE;
	expect_pgm(PGM_PRIVILEGED, 0);
	/*
	 * LPSWE into problem state at label 0, where STCTG is privileged.
	 * Should it not trap, SVC 255 returns to supervisor state.
	 */
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[at],8+%[psw]\n"
		     "larl %%r1,2f\n stg %%r1,%[res]\n"
		     "lpswe %[psw]\n"
		     "0: stctg 0,0,%[buf]\n"
		     "1: svc 255\n"
		     "2:"
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume),
		       [psw] "+Q"(psw), [buf] "=QS"(buf)
		     : : "r1", "cc", "memory");
	finish(r);
}

static void spec_odd_pair(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();

	expect_pgm(PGM_SPECIFICATION, 0);
	/* DR needs an even R1 (an even-odd register pair). */
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "lhi %%r2,1\n"
		     "0: .insn rr,0x1d00,%%r1,%%r2\n1:"	/* DR */
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume)
		     : : "r0", "r1", "r2", "cc", "memory");
	finish(r);
}

static void spec_odd_pair_rre(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();

	expect_pgm(PGM_SPECIFICATION, 0);
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "lghi %%r2,1\n"
		     "0: .insn rre,0xb9870000,%%r3,%%r2\n1:"	/* DLGR */
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume)
		     : : "r2", "r3", "r4", "cc", "memory");
	finish(r);
}

static void addressing(struct pgm_result *r, uint64_t addr)
{
	struct pgm_info *p = this_pgm();
	uint64_t v;

	expect_pgm(PGM_ADDRESSING, 0);
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "lghi %[v],0\n"
		     "0: lg %[v],0(%[addr])\n1:"
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume),
		       [v] "=&d"(v)
		     : [addr] "a"(addr) : "cc", "memory");
	finish(r);
}

static void divide_by_zero(struct pgm_result *r)
{
	struct pgm_info *p = this_pgm();

	expect_pgm(PGM_FIXPOINT_DIVIDE, 0);
	asm volatile("larl %[at],0f\n larl %[nx],1f\n stg %[nx],%[res]\n"
		     "lghi %%r2,0\n lghi %%r5,100\n"
		     "0: dsgr %%r4,%%r2\n1:"
		     : [at] "=&a"(r->at), [nx] "=&a"(r->next), [res] "=Q"(p->resume)
		     : : "r2", "r4", "r5", "cc", "memory");
	finish(r);
}

static void svc_tests(void)
{
	struct svc_info *s = &svc_info[stap()];
	uint64_t at, next;

	s->count = 0;
	asm volatile("larl %[at],0f\n larl %[nx],1f\n"
		     "0: svc 42\n1:"
		     : [at] "=&a"(at), [nx] "=&a"(next) : : "cc", "memory");
	tap_ok(s->count == 1 && s->code == 42 && s->ilc == 2 && s->old_addr == next,
	       "svc 42: code %u ilc %u old PSW +%lld", s->code, s->ilc,
	       (long long)(s->old_addr - at));

	/*
	 * EXECUTE RELATIVE LONG of SVC: the SVC number is ORed with R1 bits
	 * 56-63 and the ILC is that of EXRL (6 bytes).
	 */
	s->count = 0;
	asm volatile("larl %[at],0f\n larl %[nx],1f\n"
		     "lghi %%r1,0x20\n"
		     "0: exrl %%r1,2f\n1:\n"
		     "j 3f\n"
		     "2: svc 0x05\n"
		     "3:"
		     : [at] "=&a"(at), [nx] "=&a"(next) : : "r1", "cc", "memory");
	tap_ok(s->count == 1 && s->code == 0x25 && s->ilc == 6 && s->old_addr == next,
	       "exrl of svc: code 0x%x ilc %u old PSW +%lld", s->code, s->ilc,
	       (long long)(s->old_addr - at));
}

static void clock_tests(void)
{
	struct ext_info *e = &ext_info[stap()];
	uint64_t t0, t1, target;
	int64_t pt0, pt1;
	int n;

	t0 = stck();
	t1 = stck();
	tap_ok(t1 > t0, "TOD clock advances between two STCKs");

	/* Clock comparator 2 ms ahead. */
	e->clock_comp = 0;
	target = stck() + 2 * TOD_MS;
	sckc(target);
	ctl0_set(CR0_CLOCK_COMP);
	for (n = 0; !e->clock_comp && n < 100; n++)
		enabled_wait(PSW_MASK_EXT);
	ctl0_clear(CR0_CLOCK_COMP);
	tap_ok(e->clock_comp == 1 && e->last_code == EXT_CLOCK_COMP &&
	       e->tod_at_ckc >= target,
	       "clock comparator: code 0x%x after the comparator (%s)",
	       e->last_code, e->tod_at_ckc >= target ? "yes" : "no");
	tap_ok(stckc() == ~0ULL, "STCKC reads back the comparator the handler set");

	/* A comparator in the past stays pending while its subclass is off. */
	e->clock_comp = 0;
	sckc(stck() - TOD_MS);
	{
		uint8_t old;

		asm volatile("stosm %0,0x01\n"		/* open external mask */
			     "nop 0\n"
			     "stnsm %0,0xfe"
			     : "=Q"(old) : : "memory");
		tap_ok(e->clock_comp == 0, "masked clock comparator not taken");
		ctl0_set(CR0_CLOCK_COMP);
		asm volatile("stosm %0,0x01\n"
			     "nop 0\n"
			     "stnsm %0,0xfe"
			     : "=Q"(old) : : "memory");
		ctl0_clear(CR0_CLOCK_COMP);
		tap_ok(e->clock_comp == 1, "pending clock comparator taken once "
		       "the subclass is enabled");
	}

	/* CPU timer: counts down, interrupts when negative. */
	e->cpu_timer = 0;
	spt(3 * TOD_MS);
	pt0 = stpt();
	pt1 = stpt();
	tap_ok(pt0 <= (int64_t)(3 * TOD_MS) && pt1 <= pt0,
	       "CPU timer counts down");
	ctl0_set(CR0_CPU_TIMER);
	for (n = 0; !e->cpu_timer && n < 100; n++)
		enabled_wait(PSW_MASK_EXT);
	ctl0_clear(CR0_CPU_TIMER);
	tap_ok(e->cpu_timer == 1 && e->last_code == EXT_CPU_TIMER,
	       "CPU timer: code 0x%x", e->last_code);
}

static void facility_tests(void)
{
	uint64_t fac[4] = { 0 };
	register unsigned long r0 asm("0") = 3;	/* doublewords - 1 */
	int cc;

	asm volatile("stfle %[fac]\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=d"(cc), [fac] "=Q"(fac), "+d"(r0) : : "cc", "memory");
	/* bit 0: N3 instructions, bit 1: z/Architecture installed,
	 * bit 2: z/Architecture mode active */
	tap_ok(cc == 0 && (fac[0] >> 61) == 7,
	       "STFLE: cc %d, facility bits 0-2 %llx", cc,
	       (unsigned long long)(fac[0] >> 61));
	tap_ok((stidp() & 0xffff) == 0 || (stidp() & 0xffff) == 0x8000,
	       "STIDP format (%016llx)", (unsigned long long)stidp());
}

int main(void)
{
	struct pgm_result r;
	uint64_t mem = sclp_memory_size();

	sclp_init();
	mem = sclp_memory_size();
	tap_plan(21);

	op_exc_2byte(&r);
	report("operation exception (2-byte opcode 00)", &r, PGM_OPERATION, 2);
	op_exc_6byte(&r);
	report("operation exception (6-byte opcode EC..00)", &r, PGM_OPERATION, 6);
	priv_op(&r);
	report("privileged operation from problem state", &r, PGM_PRIVILEGED, 6);
	tap_ok(r.old_mask & PSW_MASK_PSTATE, "old PSW is in problem state");
	tap_ok(!(psw_mask() & PSW_MASK_PSTATE), "back in supervisor state");
	spec_odd_pair(&r);
	report("specification (DR with odd R1)", &r, PGM_SPECIFICATION, 2);
	spec_odd_pair_rre(&r);
	report("specification (DLGR with odd R1)", &r, PGM_SPECIFICATION, 4);
	tap_ok(mem >= (1ULL << 20), "memory size from SCLP: %llu MiB",
	       (unsigned long long)(mem >> 20));
	addressing(&r, 2 * mem + (16ULL << 20));
	report("addressing (load beyond storage)", &r, PGM_ADDRESSING, 6);
	divide_by_zero(&r);
	report("fixed-point divide (DSGR by zero)", &r, PGM_FIXPOINT_DIVIDE, 4);
	svc_tests();
	clock_tests();
	facility_tests();
	return tap_done();
}
