/* SPDX-License-Identifier: MIT */
/*
 * SMP guest (run with -smp 2 or more): SIGNAL PROCESSOR orders between
 * CPUs (PoP chapter 4, "Signal Processor"), interlocked updates with
 * COMPARE AND SWAP, emergency signal and external call interruptions,
 * store status at address, and stopping and restarting a CPU.
 */
#include "lib/guest.h"
#include "lib/tap.h"

#define ITER	20000

static volatile uint32_t count32, ready, done;
static volatile uint64_t count64;
static uint8_t status_area[512] __attribute__((aligned(512)));

/* Interlocked add with COMPARE AND SWAP (CS): retry while another CPU won. */
static void cs_add(volatile uint32_t *p, uint32_t v)
{
	uint32_t old = *p;
	int cc;

	do {
		uint32_t new = old + v;

		asm volatile("cs %[old],%[new],%[mem]\n ipm %[cc]\n srl %[cc],28"
			     : [old] "+d"(old), [mem] "+Q"(*p), [cc] "=d"(cc)
			     : [new] "d"(new) : "cc", "memory");
	} while (cc);
}

static void csg_add(volatile uint64_t *p, uint64_t v)
{
	uint64_t old = *p;
	int cc;

	do {
		uint64_t new = old + v;

		asm volatile("csg %[old],%[new],%[mem]\n ipm %[cc]\n srl %[cc],28"
			     : [old] "+d"(old), [mem] "+QS"(*p), [cc] "=d"(cc)
			     : [new] "d"(new) : "cc", "memory");
	} while (cc);
}

static void count_up(void)
{
	for (int i = 0; i < ITER; i++) {
		cs_add(&count32, 1);
		csg_add(&count64, 3);
	}
}

static void worker(void *arg)
{
	struct ext_info *e = &ext_info[stap()];
	uint32_t status;

	(void)arg;
	count_up();
	cs_add(&ready, 1);

	/* Wait for CPU 0's emergency signal, then answer with an external call. */
	ctl0_set(CR0_EMERGENCY_SIGNAL);
	while (!e->emergency)
		enabled_wait(PSW_MASK_EXT);
	ctl0_clear(CR0_EMERGENCY_SIGNAL);
	/* CC 1 with "external call pending": CPU 0 has one already; retry. */
	while (sigp(0, SIGP_EXTERNAL_CALL, 0, &status) != 0)
		;
	cs_add(&done, 1);
}

static void second_life(void *arg)
{
	cs_add(&count32, (uint32_t)(uintptr_t)arg);
	cs_add(&done, 1);
}

static bool sense_stopped(uint16_t cpu, int *cc, uint32_t *status)
{
	*cc = sigp(cpu, SIGP_SENSE, 0, status);
	return *cc == 1 && (*status & SIGP_STAT_STOPPED);
}

static bool wait_stopped(uint16_t cpu)
{
	uint32_t status;
	int cc;

	/* Pause between polls: on QEMU every SIGP takes one lock, and a CPU
	 * that senses without a break can starve the SIGP STOP it waits for. */
	for (long i = 0; i < 100000; i++) {
		if (sense_stopped(cpu, &cc, &status))
			return true;
		for (volatile int d = 0; d < 20000; d++)
			;
	}
	return false;
}

static uint64_t be_ld64(const uint8_t *p)
{
	return *(const uint64_t *)p;	/* storage is big-endian, so is the CPU */
}

int main(void)
{
	struct ext_info *me = &ext_info[0];
	int ncpus, cc, started = 0;
	uint32_t status;
	bool ok;

	sclp_init();
	ncpus = smp_count_cpus();
	tap_plan(18);
	tap_ok(ncpus >= 2, "%d CPUs configured (SIGP SENSE)", ncpus);
	if (ncpus < 2) {
		printf("Bail out! run with -smp 2 or more\n");
		return 1;
	}
	tap_ok(stap() == 0, "boot CPU address is 0");

	cc = sigp(0, SIGP_SENSE, 0, &status);
	tap_ok(cc == 0, "SIGP SENSE of the running CPU: cc %d", cc);
	ok = sense_stopped(1, &cc, &status);
	tap_ok(ok, "SIGP SENSE of CPU 1 before start: cc %d status 0x%x", cc, status);
	cc = sigp(200, SIGP_SENSE, 0, &status);
	tap_ok(cc == 3, "SIGP SENSE of CPU address 200: not operational (cc %d)", cc);
	cc = sigp(1, 0xff, 0, &status);
	tap_ok(cc == 1 && (status & SIGP_STAT_INVALID_ORDER),
	       "SIGP order 0xff: cc %d status 0x%x", cc, status);

	/* Bring up every secondary CPU; all count in parallel with CS/CSG. */
	for (int cpu = 1; cpu < ncpus; cpu++)
		if (smp_start_cpu((uint16_t)cpu, worker, NULL) == 0)
			started++;
	tap_ok(started == ncpus - 1, "started %d secondary CPUs (SET PREFIX + RESTART)",
	       started);
	count_up();
	while (ready != (uint32_t)started)
		;
	tap_ok(count32 == (uint32_t)ncpus * ITER, "CS counter %u == %u",
	       count32, ncpus * ITER);
	tap_ok(count64 == 3ULL * ncpus * ITER, "CSG counter %llu == %llu",
	       (unsigned long long)count64, 3ULL * ncpus * ITER);

	/* Emergency signals out, external calls back. */
	ctl0_set(CR0_EXTERNAL_CALL);
	for (int cpu = 1; cpu < ncpus; cpu++)
		sigp((uint16_t)cpu, SIGP_EMERGENCY_SIGNAL, 0, NULL);
	while (me->external_call < started)
		enabled_wait(PSW_MASK_EXT);
	ctl0_clear(CR0_EXTERNAL_CALL);
	ok = true;
	for (int cpu = 1; cpu < ncpus; cpu++)
		ok &= ext_info[cpu].emergency == 1 && ext_info[cpu].last_cpu == 0 &&
		      ext_info[cpu].last_code == EXT_EMERGENCY_SIGNAL;
	tap_ok(ok, "each secondary got one emergency signal from CPU 0");
	tap_ok(me->external_call == started &&
	       me->last_cpu >= 1 && me->last_cpu < ncpus,
	       "CPU 0 got %d external calls (last from CPU %u)",
	       me->external_call, me->last_cpu);

	while (done != (uint32_t)started)
		;
	ok = true;
	for (int cpu = 1; cpu < ncpus; cpu++)
		ok &= wait_stopped((uint16_t)cpu);
	tap_ok(ok, "secondaries stopped themselves (SIGP SENSE: stopped)");

	/* Store status of stopped CPU 1 at an address (PoP "Store Status"). */
	memset(status_area, 0xaa, sizeof(status_area));
	cc = sigp(1, SIGP_STORE_STATUS_AT_ADDRESS, (uint64_t)(uintptr_t)status_area,
		  &status);
	tap_ok(cc == 0, "SIGP STORE STATUS AT ADDRESS: cc %d", cc);
	tap_ok(*(uint32_t *)(status_area + 0x118) ==
	       (uint32_t)(uintptr_t)cpu_lowcores[1],
	       "stored prefix 0x%x is CPU 1's lowcore",
	       *(uint32_t *)(status_area + 0x118));
	tap_ok(be_ld64(status_area + 0x180) & CR0_AFP,
	       "stored CR0 %016llx has AFP on",
	       (unsigned long long)be_ld64(status_area + 0x180));

	/* Restart CPU 1 for more work. */
	done = 0;
	cc = smp_start_cpu(1, second_life, (void *)1000);
	while (done != 1)
		;
	tap_ok(cc == 0 && count32 == (uint32_t)ncpus * ITER + 1000,
	       "restarted CPU 1 ran again (counter %u)", count32);
	tap_ok(wait_stopped(1), "CPU 1 stopped again");

	/* SIGP STOP of a running CPU from outside. */
	done = 0;
	int rc = smp_start_cpu(1, (void (*)(void *))cpu_stop_self, NULL);
	bool stopped = wait_stopped(1);
	tap_ok(rc == 0 && stopped, "CPU 1 started (rc %d) and stopped once more (%d)",
	       rc, stopped);
	return tap_done();
}
