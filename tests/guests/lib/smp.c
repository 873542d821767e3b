/* SPDX-License-Identifier: MIT */
/*
 * SIGNAL PROCESSOR helpers and secondary-CPU start-up.
 *
 * A secondary CPU is started the way Linux does it: SIGP SET PREFIX gives
 * the (stopped) CPU its own 8 KiB prefix area, whose restart new PSW
 * (0x1A0) points at secondary_entry (start.S), then SIGP RESTART makes it
 * load that PSW.  secondary_entry finds its stack in cpu_stack_top[] by
 * its CPU address (STAP), sets up its control registers and new PSWs, and
 * calls smp_secondary_main(), which runs the function given to
 * smp_start_cpu() and stops the CPU when it returns.
 */
#include "guest.h"

#define STACK_SIZE	16384

uint64_t cpu_stack_top[MAX_CPUS];
uint8_t cpu_lowcores[MAX_CPUS][2 * PAGE_SIZE] __attribute__((aligned(2 * PAGE_SIZE)));
static uint8_t cpu_stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(PAGE_SIZE)));

static struct {
	void (*fn)(void *);
	void *arg;
} cpu_work[MAX_CPUS];

int sigp(uint16_t cpu, uint8_t order, uint64_t param, uint32_t *status)
{
	register unsigned long r2 asm("2");
	register unsigned long r3 asm("3") = param;
	int cc;

	/* R1 = 2: parameter in R1+1 (r3), status stored in r2 on CC 1.
	 * CC 2 (busy) means "try again" (PoP "SIGNAL PROCESSOR"); QEMU
	 * answers it while another SIGP is in progress. */
	do {
		r2 = 0;
		asm volatile("sigp %%r2,%[cpu],0(%[order])\n"
			     "ipm %[cc]\n"
			     "srl %[cc],28"
			     : [cc] "=d"(cc), "+d"(r2)
			     : [cpu] "d"((unsigned long)cpu),
			       [order] "a"((unsigned long)order), "d"(r3)
			     : "cc", "memory");
	} while (cc == 2);
	if (status)
		*status = cc == 1 ? (uint32_t)r2 : 0;
	return cc;
}

void smp_secondary_main(void)
{
	unsigned cpu = stap();

	if (cpu < MAX_CPUS && cpu_work[cpu].fn)
		cpu_work[cpu].fn(cpu_work[cpu].arg);
	cpu_stop_self();
}

int smp_start_cpu(uint16_t cpu, void (*fn)(void *), void *arg)
{
	uint8_t *lc;
	int cc;

	if (cpu >= MAX_CPUS || cpu == stap())
		return -1;
	lc = cpu_lowcores[cpu];
	memset(lc, 0, sizeof(cpu_lowcores[cpu]));
	/* The new PSWs, restart new PSW included, as in our own lowcore. */
	memcpy(lc + LC_RESTART_NEW_PSW, (void *)LC_RESTART_NEW_PSW,
	       LC_IO_NEW_PSW + 16 - LC_RESTART_NEW_PSW);
	cpu_stack_top[cpu] = (uint64_t)(uintptr_t)(cpu_stacks[cpu] + STACK_SIZE);
	cpu_work[cpu].fn = fn;
	cpu_work[cpu].arg = arg;
	barrier();
	cc = sigp(cpu, SIGP_SET_PREFIX, (uint64_t)(uintptr_t)lc, NULL);
	if (cc)
		return -2;
	cc = sigp(cpu, SIGP_RESTART, 0, NULL);
	return cc ? -3 : 0;
}

void cpu_stop_self(void)
{
	for (;;)
		sigp(stap(), SIGP_STOP, 0, NULL);
}

int smp_count_cpus(void)
{
	int n = 0;

	for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
		uint32_t status;

		if (sigp((uint16_t)cpu, SIGP_SENSE, 0, &status) != 3)
			n++;
	}
	return n;
}

/* Stop every other CPU and wait until SIGP SENSE reports it stopped. */
static void stop_others(void)
{
	uint16_t me = stap();

	for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
		uint32_t status;
		int cc;

		if (cpu == me)
			continue;
		if (sigp((uint16_t)cpu, SIGP_SENSE, 0, &status) == 3)
			continue;
		while (sigp((uint16_t)cpu, SIGP_STOP, 0, NULL) == 2)
			;
		do {
			cc = sigp((uint16_t)cpu, SIGP_SENSE, 0, &status);
		} while (cc == 0 || (cc == 1 && !(status & SIGP_STAT_STOPPED)));
	}
}

void exit(int code)
{
	stop_others();
	if (code == 0)
		cpu_stop_self();
	disabled_wait((uint64_t)(unsigned)code);
}
