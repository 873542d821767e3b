/* SPDX-License-Identifier: MIT */
/*
 * C side of the interruption stubs in start.S.
 *
 * Program interruptions are expected or fatal: a test arms expect_pgm()
 * and the handler records the interruption code (lowcore 0x8E), the ILC
 * (0x8C bits 13-14, in halfwords) and the program old PSW, then resumes.
 * External interruptions are counted per CPU and dispatched on the
 * interruption code at lowcore 0x86.  Every handler that interrupted an
 * enabled wait (enabled_wait()) returns to the instruction after the wait
 * with the wait bit and the interruption masks off, so a wait ends after
 * exactly one interruption.
 */
#include "guest.h"

struct pgm_info pgm_info[MAX_CPUS];
struct ext_info ext_info[MAX_CPUS];
struct svc_info svc_info[MAX_CPUS];

void sclp_interrupt(uint32_t param);

static unsigned cpu_index(void)
{
	unsigned cpu = stap();

	if (cpu >= MAX_CPUS)
		disabled_wait(0xbad0000 | cpu);
	return cpu;
}

struct pgm_info *this_pgm(void)
{
	return &pgm_info[cpu_index()];
}

void expect_pgm(int code, uint64_t resume)
{
	struct pgm_info *p = this_pgm();

	p->count = 0;
	p->code = 0;
	p->ilc = 0;
	p->old_mask = 0;
	p->old_addr = 0;
	p->resume = resume;
	barrier();
	p->expected = code;
	barrier();
}

bool pgm_check(void)
{
	struct pgm_info *p = this_pgm();
	bool ok = p->count == 1 && p->code == p->expected;

	p->expected = -1;
	return ok;
}

static void end_wait(struct regs *r)
{
	if (r->psw_mask & PSW_MASK_WAIT)
		r->psw_mask &= ~(PSW_MASK_WAIT | PSW_MASK_EXT | PSW_MASK_IO |
				 PSW_MASK_MCHECK);
}

static void fatal(const char *what, struct regs *r, uint64_t code)
{
	printf("Bail out! unexpected %s interruption code 0x%llx on CPU %u, "
	       "old PSW %016llx %016llx\n", what, (unsigned long long)code,
	       stap(), (unsigned long long)r->psw_mask,
	       (unsigned long long)r->psw_addr);
	disabled_wait(0xdead0000 | (code & 0xffff));
}

void pgm_handler(struct regs *r)
{
	struct pgm_info *p = this_pgm();
	uint16_t code = lc_ld16(LC_PGM_CODE);

	if (p->expected <= 0)
		fatal("program", r, code);
	p->code = code;
	p->ilc = lc_ld16(LC_PGM_ILC) & 6;
	p->old_mask = r->psw_mask;
	p->old_addr = r->psw_addr;
	p->count++;
	if (p->count > 100)
		fatal("repeated program", r, code);
	if (p->resume) {
		r->psw_addr = p->resume;
		r->psw_mask &= ~PSW_MASK_PSTATE;
	}
}

void ext_handler(struct regs *r)
{
	struct ext_info *e = &ext_info[cpu_index()];
	uint16_t code = lc_ld16(LC_EXT_INT_CODE);

	e->last_code = code;
	e->last_old_addr = r->psw_addr;
	switch (code) {
	case EXT_CLOCK_COMP:
		/* Pending as long as TOD > CKC: move the comparator away. */
		e->tod_at_ckc = stck();
		sckc(~0ULL);
		e->clock_comp++;
		break;
	case EXT_CPU_TIMER:
		/* Pending while the timer is negative: reload it. */
		spt(0x7fffffffffffffffLL);
		e->cpu_timer++;
		break;
	case EXT_EMERGENCY_SIGNAL:
		e->last_cpu = lc_ld16(LC_EXT_CPU_ADDR);
		e->emergency++;
		break;
	case EXT_EXTERNAL_CALL:
		e->last_cpu = lc_ld16(LC_EXT_CPU_ADDR);
		e->external_call++;
		break;
	case EXT_SERVICE_SIGNAL:
		e->service++;
		sclp_interrupt(lc_ld32(LC_EXT_PARAMS));
		break;
	case EXT_VIRTIO:
		/* Port-I/O bridge lines (lib/pio.c); fatal without a driver. */
		if (!ext_virtio_hook)
			fatal("external", r, code);
		e->virtio++;
		ext_virtio_hook(lc_ld32(LC_EXT_PARAMS));
		break;
	default:
		fatal("external", r, code);
	}
	end_wait(r);
}

void svc_handler(struct regs *r)
{
	struct svc_info *s = &svc_info[cpu_index()];

	s->code = lc_ld16(LC_SVC_CODE);
	s->ilc = lc_ld16(LC_SVC_ILC) & 6;
	s->old_addr = r->psw_addr;
	s->old_mask = r->psw_mask;
	s->count++;
	/* SVC 255 from problem state returns to supervisor state. */
	if (s->code == 255)
		r->psw_mask &= ~PSW_MASK_PSTATE;
}

void mcck_handler(struct regs *r)
{
	fatal("machine-check", r, lc_ld64(LC_MCCK_CODE));
}

/* Code 0x2603 is fatal unless a driver (lib/pio.c) set a hook. */
void (*ext_virtio_hook)(uint32_t param);

/* I/O interruptions are fatal unless a driver (lib/css.c) set a hook. */
void (*io_interrupt_hook)(void);

void io_handler(struct regs *r)
{
	if (!io_interrupt_hook)
		fatal("I/O", r, lc_ld32(LC_SUBCHANNEL_ID));
	io_interrupt_hook();
	end_wait(r);
}
