/* SPDX-License-Identifier: MIT */
/*
 * Multiprocessing through vm_run(): vCPU threads, SIGP between CPUs
 * (PoP "Signal Processor" and "CPU States"), interlocked updates from
 * several CPUs, and how a VM ends (all CPUs stopped, disabled wait,
 * vm_request_end from another thread).
 *
 * The guests are hand-assembled into RAM.  Every vm_run() is guarded by
 * a watchdog thread that ends the VM after a few seconds, so a bug fails
 * the test instead of hanging it.  Results the guests produce are written
 * to a result area (R) and checked after vm_run() returns.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/s390x/s390.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define PLAN	17
#define MODE64	0x0000000180000000ULL
#define RAM	(1ULL << 20)
#define R	0x30000ULL		/* result area, GR12 in the guests */
#define COUNTER	0x100			/* R + COUNTER: the shared counter */

/* ---- A tiny assembler (PoP "Instruction Formats") ------------------- */

struct as {
	struct vm *vm;
	uint64_t pc;
};

static void emit(struct as *a, uint64_t insn, unsigned len)
{
	uint8_t b[6];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(insn >> (8 * (len - 1 - i)));
	vm_write(a->vm, a->pc, b, len);
	a->pc += len;
}

static void lghi(struct as *a, unsigned r, int16_t i)	{ emit(a, 0xA7090000 | r << 20 | (uint16_t)i, 4); }
static void ahi(struct as *a, unsigned r, int16_t i)	{ emit(a, 0xA70A0000 | r << 20 | (uint16_t)i, 4); }
static void chi(struct as *a, unsigned r, int16_t i)	{ emit(a, 0xA70E0000 | r << 20 | (uint16_t)i, 4); }
static void llilf(struct as *a, unsigned r, uint32_t i)	{ emit(a, 0xC00F00000000ULL | (uint64_t)r << 36 | i, 6); }
static void lr(struct as *a, unsigned r1, unsigned r2)	{ emit(a, 0x1800 | r1 << 4 | r2, 2); }
static void rx(struct as *a, unsigned op, unsigned r1, unsigned b2, unsigned d2)
{
	emit(a, (uint64_t)op << 24 | r1 << 20 | b2 << 12 | d2, 4);
}
#define L(a, r, b, d)	rx(a, 0x58, r, b, d)
#define ST(a, r, b, d)	rx(a, 0x50, r, b, d)
#define LH(a, r, b, d)	rx(a, 0x48, r, b, d)
static void cs(struct as *a, unsigned r1, unsigned r3, unsigned b2, unsigned d2)
{
	emit(a, 0xBA000000 | r1 << 20 | r3 << 16 | b2 << 12 | d2, 4);
}
static void sigp(struct as *a, unsigned r1, unsigned r3, unsigned order)
{
	emit(a, 0xAE000000 | r1 << 20 | r3 << 16 | order, 4);
}
static void s_op(struct as *a, unsigned op, unsigned b2, unsigned d2)
{
	emit(a, (uint64_t)op << 16 | b2 << 12 | d2, 4);
}
static void ipm(struct as *a, unsigned r)		{ emit(a, 0xB2220000 | r << 4, 4); }
static void lctlg(struct as *a, unsigned r1, unsigned r3, unsigned b2, unsigned d2)
{
	emit(a, 0xEB000000002FULL | (uint64_t)r1 << 36 | (uint64_t)r3 << 32 |
		(uint64_t)b2 << 28 | (uint64_t)d2 << 16, 6);
}
/* BRC/BRCT to an address already emitted (backward) or to target. */
static void brc(struct as *a, unsigned m, uint64_t target)
{
	int64_t rel = ((int64_t)target - (int64_t)a->pc) / 2;
	emit(a, 0xA7040000 | m << 20 | (uint16_t)rel, 4);
}
static void brct(struct as *a, unsigned r, uint64_t target)
{
	int64_t rel = ((int64_t)target - (int64_t)a->pc) / 2;
	emit(a, 0xA7060000 | r << 20 | (uint16_t)rel, 4);
}

/* Record the cc of the previous instruction as a word at R+off. */
static void store_cc(struct as *a, unsigned off)
{
	lghi(a, 7, 0);
	ipm(a, 7);
	ST(a, 7, 12, off);
}

/* Increment the word at R+COUNTER n times with COMPARE AND SWAP. */
static void cs_loop(struct as *a, int16_t n)
{
	lghi(a, 9, n);
	uint64_t loop = a->pc;
	L(a, 2, 12, COUNTER);
	uint64_t retry = a->pc;
	lr(a, 3, 2);
	ahi(a, 3, 1);
	cs(a, 2, 3, 12, COUNTER);
	brc(a, 4, retry);			/* cc 1: R2 reloaded, again */
	brct(a, 9, loop);
}

static void put_psw(struct vm *vm, uint64_t at, uint64_t mask, uint64_t addr)
{
	uint8_t b[16];

	be64_st(b, mask);
	be64_st(b + 8, addr);
	vm_write(vm, at, b, 16);
}

static uint32_t ld32(struct vm *vm, uint64_t a)
{
	uint8_t b[4] = { 0 };
	vm_read(vm, a, b, 4);
	return be32_ld(b);
}

static uint64_t ld64(struct vm *vm, uint64_t a)
{
	uint8_t b[8] = { 0 };
	vm_read(vm, a, b, 8);
	return be64_ld(b);
}

static unsigned cc_at(struct vm *vm, unsigned off)
{
	return (ld32(vm, R + off) >> 28) & 3;
}

/* ---- VM and watchdog ----------------------------------------------- */

static struct vm *new_vm(unsigned ncpus)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini-1",
		.ram_size = RAM,
		.ncpus = ncpus,
		.backend = &soft_backend_ops,
		.console_in = -1,
		.console_out = 1,
	};
	struct vm *vm;
	char *err = NULL;

	if (vm_create(&vm, &cfg, &err) < 0)
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	return vm;
}

struct watchdog {
	struct vm *vm;
	unsigned int ms;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	bool fired;
};

static void *watchdog_thread(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += w->ms / 1000;
	ts.tv_nsec += (long)(w->ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_nsec -= 1000000000L;
		ts.tv_sec++;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->done) {
		if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) == ETIMEDOUT) {
			w->fired = true;
			vm_request_end(w->vm, VM_END_ERROR, "test watchdog after %u ms", w->ms);
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* vm_run() with a watchdog; *fired tells whether it had to end the VM. */
static enum vm_end run_guarded(struct vm *vm, unsigned int ms, bool *fired)
{
	struct watchdog w = { .vm = vm, .ms = ms };
	pthread_t t;

	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	pthread_create(&t, NULL, watchdog_thread, &w);
	enum vm_end end = vm_run(vm);
	pthread_mutex_lock(&w.lock);
	w.done = true;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.lock);
	pthread_join(t, NULL);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	if (fired)
		*fired = w.fired;
	if (w.fired)
		ksft_print_msg("watchdog ended the VM: %s\n", vm->end_msg);
	return end;
}

/* ---- Two CPUs: SIGP orders, CS counter, external call, stop ---------- */

#define CPU0_CODE	0x10000ULL
#define CPU1_CODE	0x11000ULL
#define CPU1_EXT	0x11800ULL
#define CPU1_PREFIX	0x40000ULL
#define MARKER		0x0CAFEBAB

static void test_two_cpus(void)
{
	struct vm *vm = new_vm(2);
	struct as a = { vm, CPU0_CODE };

	/* CPU 0: R4/R5 status/parameter, R6 the CPU address. */
	llilf(&a, 12, (uint32_t)R);
	lghi(&a, 6, 1);
	lghi(&a, 4, 0);
	sigp(&a, 4, 6, SIGP_SENSE);
	store_cc(&a, 0);
	ST(&a, 4, 12, 4);
	lghi(&a, 6, 7);
	sigp(&a, 4, 6, SIGP_SENSE);			/* no CPU 7 */
	store_cc(&a, 8);
	lghi(&a, 6, 1);
	llilf(&a, 5, (uint32_t)CPU1_PREFIX);
	sigp(&a, 4, 6, SIGP_SET_PREFIX);
	store_cc(&a, 12);
	sigp(&a, 4, 6, SIGP_RESTART);
	store_cc(&a, 16);
	cs_loop(&a, 1000);
	uint64_t wait0 = a.pc;				/* both CPUs done */
	L(&a, 2, 12, COUNTER);
	chi(&a, 2, 2000);
	brc(&a, 7, wait0);
	lghi(&a, 4, 0);
	sigp(&a, 4, 6, SIGP_SENSE);			/* CPU 1 operating */
	store_cc(&a, 20);
	ST(&a, 4, 12, 24);
	sigp(&a, 4, 6, SIGP_EXTERNAL_CALL);
	store_cc(&a, 28);
	uint64_t wait1 = a.pc;				/* handler ran */
	L(&a, 2, 12, 0x200);
	chi(&a, 2, 0);
	brc(&a, 8, wait1);
	uint64_t stp = a.pc;
	sigp(&a, 4, 6, SIGP_STOP_AND_STORE_STATUS);
	brc(&a, 2, stp);				/* busy: again */
	store_cc(&a, 32);
	uint64_t sn = a.pc;
	lghi(&a, 4, 0);
	sigp(&a, 4, 6, SIGP_SENSE);
	brc(&a, 8, sn);					/* cc 0: not stopped yet */
	ST(&a, 4, 12, 36);
	lghi(&a, 6, 0);
	sigp(&a, 4, 6, SIGP_STOP);			/* stop myself */
	brc(&a, 15, a.pc);

	/* CPU 1, entered by the restart through its new prefix. */
	a.pc = CPU1_CODE;
	llilf(&a, 12, (uint32_t)R);
	llilf(&a, 11, MARKER);
	cs_loop(&a, 1000);
	lctlg(&a, 0, 0, 12, 0x400);			/* CR0: external call */
	s_op(&a, 0xB2B2, 12, 0x410);			/* LPSWE: enabled wait */
	a.pc = CPU1_EXT;
	LH(&a, 2, 0, LC_EXT_INT_CODE);
	ST(&a, 2, 12, 0x204);
	LH(&a, 2, 0, LC_EXT_CPU_ADDR);
	ST(&a, 2, 12, 0x208);
	lghi(&a, 2, 1);
	ST(&a, 2, 12, 0x200);
	uint64_t spin = a.pc;
	brc(&a, 15, spin);

	uint8_t cr0[8];
	be64_st(cr0, CR0_RESET | CR0_EXTERNAL_CALL);
	vm_write(vm, R + 0x400, cr0, 8);
	put_psw(vm, R + 0x410, MODE64 | PSW_MASK_EXT | PSW_MASK_WAIT, 0x4321);
	put_psw(vm, CPU1_PREFIX + LC_RESTART_NEW_PSW, MODE64, CPU1_CODE);
	put_psw(vm, CPU1_PREFIX + LC_EXT_NEW_PSW, MODE64, CPU1_EXT);
	/* The restart old PSW (CPU 1 after reset: zeros) must land in the
	 * new lowcore, not at absolute 0x120. */
	put_psw(vm, CPU1_PREFIX + LC_RESTART_OLD_PSW, ~0ULL, ~0ULL);
	put_psw(vm, LC_RESTART_OLD_PSW, ~0ULL, ~0ULL);
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);

	bool fired;
	enum vm_end end = run_guarded(vm, 5000, &fired);
	ksft_test_result(end == VM_END_SHUTDOWN && !fired,
			 "2 CPUs: the last CPU stopping ends the VM with VM_END_SHUTDOWN (%d: %s)\n",
			 end, vm->end_msg);
	ksft_test_result(cc_at(vm, 0) == SIGP_CC_STATUS_STORED &&
			 ld32(vm, R + 4) == SIGP_STAT_STOPPED,
			 "SIGP sense of a stopped CPU: cc 1, status 'stopped'\n");
	ksft_test_result(cc_at(vm, 8) == SIGP_CC_NOT_OPERATIONAL,
			 "SIGP to a nonexistent CPU: cc 3\n");
	ksft_test_result(cc_at(vm, 12) == 0 && cc_at(vm, 16) == 0 &&
			 ld64(vm, CPU1_PREFIX + LC_RESTART_OLD_PSW) == 0 &&
			 ld64(vm, CPU1_PREFIX + LC_RESTART_OLD_PSW + 8) == 0 &&
			 ld64(vm, LC_RESTART_OLD_PSW) == ~0ULL,
			 "SIGP set prefix + restart: CPU 1 restarted through its new lowcore\n");
	ksft_test_result(ld32(vm, R + COUNTER) == 2000,
			 "CS counter incremented 1000 times by each CPU: %u\n",
			 ld32(vm, R + COUNTER));
	ksft_test_result(cc_at(vm, 20) == 0 && ld32(vm, R + 24) == 0,
			 "SIGP sense of an operating CPU: cc 0\n");
	ksft_test_result(cc_at(vm, 28) == 0 && ld32(vm, R + 0x204) == EXT_EXTERNAL_CALL &&
			 ld32(vm, R + 0x208) == 0,
			 "external call CPU 0 -> CPU 1: code 1202, CPU address 0\n");
	ksft_test_result(cc_at(vm, 32) == 0 && ld32(vm, R + 36) == SIGP_STAT_STOPPED,
			 "stop and store status accepted; CPU 1 then senses as stopped\n");
	uint8_t arch = 0;
	vm_read(vm, LC_ARCH_MODE_ID, &arch, 1);
	ksft_test_result(ld64(vm, LC_GPREGS_SAVE + 8 * 11) == MARKER &&
			 ld32(vm, LC_PREFIX_SAVE) == CPU1_PREFIX &&
			 ld64(vm, LC_PSW_SAVE + 8) == spin &&
			 (ld64(vm, LC_CREGS_SAVE) & CR0_EXTERNAL_CALL) &&
			 ld64(vm, LC_GPREGS_SAVE + 8 * 12) == R && arch == 1,
			 "CPU 1 status at absolute 0x1200: GR11/GR12, prefix, PSW, CR0\n");
	vm_destroy(vm);
}

/* ---- Four CPUs, each stopping itself -------------------------------- */

#define WORKER_CODE	0x12000ULL

static void test_four_cpus(void)
{
	struct vm *vm = new_vm(4);
	struct as a = { vm, CPU0_CODE };

	llilf(&a, 12, (uint32_t)R);
	for (unsigned c = 1; c < 4; c++) {
		lghi(&a, 6, (int16_t)c);
		llilf(&a, 5, (uint32_t)(CPU1_PREFIX + 0x2000 * c));
		sigp(&a, 4, 6, SIGP_SET_PREFIX);
		store_cc(&a, 0x10 * c);
		sigp(&a, 4, 6, SIGP_RESTART);
		store_cc(&a, 0x10 * c + 4);
	}
	cs_loop(&a, 500);
	uint64_t w = a.pc;
	L(&a, 2, 12, COUNTER);
	chi(&a, 2, 2000);
	brc(&a, 7, w);
	/* Wait for the others to be stopped, then stop. */
	for (unsigned c = 1; c < 4; c++) {
		lghi(&a, 6, (int16_t)c);
		uint64_t sn = a.pc;
		lghi(&a, 4, 0);
		sigp(&a, 4, 6, SIGP_SENSE);
		brc(&a, 8, sn);
	}
	lghi(&a, 6, 0);
	sigp(&a, 4, 6, SIGP_STOP);
	brc(&a, 15, a.pc);

	/* Workers: own address to R+0x300+4*addr, 500 increments, stop self. */
	a.pc = WORKER_CODE;
	llilf(&a, 12, (uint32_t)R);
	lghi(&a, 6, 0);
	/* Scratch in the CPU's own lowcore (real 0x3F0, behind its prefix). */
	s_op(&a, 0xB212, 0, 0x3F0);			/* STAP 0x3F0 */
	LH(&a, 6, 0, 0x3F0);
	lr(&a, 8, 6);
	emit(&a, 0x89800002, 4);			/* SLL 8,2 */
	emit(&a, 0x5068C300, 4);			/* ST 6,0x300(8,12) */
	cs_loop(&a, 500);
	sigp(&a, 4, 6, SIGP_STOP);
	brc(&a, 15, a.pc);

	for (unsigned c = 1; c < 4; c++)
		put_psw(vm, CPU1_PREFIX + 0x2000 * c + LC_RESTART_NEW_PSW, MODE64, WORKER_CODE);
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);

	bool fired;
	enum vm_end end = run_guarded(vm, 5000, &fired);
	bool ccs = true;
	for (unsigned c = 1; c < 4; c++)
		ccs = ccs && cc_at(vm, 0x10 * c) == 0 && cc_at(vm, 0x10 * c + 4) == 0;
	if (!ccs || end != VM_END_SHUTDOWN)
		for (unsigned c = 1; c < 4; c++)
			ksft_print_msg("CPU %u: set prefix %08x restart %08x STAP %08x (end %d: %s)\n",
				       c, ld32(vm, R + 0x10 * c), ld32(vm, R + 0x10 * c + 4),
				       ld32(vm, R + 0x300 + 4 * c), end, vm->end_msg);
	ksft_test_result(end == VM_END_SHUTDOWN && !fired && ccs,
			 "4 CPUs started with set prefix + restart, all stop: VM_END_SHUTDOWN\n");
	ksft_test_result(ld32(vm, R + COUNTER) == 2000,
			 "4 CPUs x 500 CS increments: %u\n", ld32(vm, R + COUNTER));
	ksft_test_result(ld32(vm, R + 0x304) == 1 && ld32(vm, R + 0x308) == 2 &&
			 ld32(vm, R + 0x30C) == 3,
			 "STAP on each CPU stores its own address\n");
	vm_destroy(vm);
}

/* ---- How a VM ends ---------------------------------------------------- */

static void test_endings(void)
{
	/* A disabled wait ends the VM; the PSW is reported. */
	struct vm *vm = new_vm(1);
	struct as a = { vm, CPU0_CODE };

	llilf(&a, 12, (uint32_t)R);
	s_op(&a, 0xB2B2, 12, 0);			/* LPSWE 0(12) */
	put_psw(vm, R, 0x0002000180000000ULL, 0xDEAD0);
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);
	bool fired;
	enum vm_end end = run_guarded(vm, 5000, &fired);
	ksft_test_result(end == VM_END_DISABLED_WAIT && !fired &&
			 vm->end_psw_mask == 0x0002000180000000ULL && vm->end_psw_addr == 0xDEAD0,
			 "disabled wait: VM_END_DISABLED_WAIT with the PSW in end_psw_*\n");
	vm_destroy(vm);

	/* Two CPUs, CPU 1 never started, CPU 0 in a disabled wait. */
	vm = new_vm(2);
	a = (struct as){ vm, CPU0_CODE };
	llilf(&a, 12, (uint32_t)R);
	s_op(&a, 0xB2B2, 12, 0);
	put_psw(vm, R, 0x0002000180000000ULL, 0xF00);
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);
	end = run_guarded(vm, 5000, &fired);
	ksft_test_result(end == VM_END_DISABLED_WAIT && !fired && vm->end_psw_addr == 0xF00,
			 "disabled wait with a stopped second CPU: the VM ends, threads joined\n");
	vm_destroy(vm);

	/* vm_request_end from another thread stops running CPUs. */
	vm = new_vm(2);
	a = (struct as){ vm, CPU0_CODE };
	lghi(&a, 6, 1);
	sigp(&a, 4, 6, SIGP_START);
	brc(&a, 15, a.pc);				/* spin forever */
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);
	vm->ops->set_initial_psw(vm->vcpus[1], MODE64, CPU0_CODE + 8);
	end = run_guarded(vm, 300, &fired);
	ksft_test_result(end == VM_END_ERROR && fired &&
			 strstr(vm->end_msg, "watchdog") != NULL,
			 "vm_request_end from another thread ends spinning CPUs\n");
	vm_destroy(vm);

	/* SIGP stop of the only CPU: shutdown. */
	vm = new_vm(1);
	a = (struct as){ vm, CPU0_CODE };
	lghi(&a, 6, 0);
	sigp(&a, 4, 6, SIGP_STOP);
	brc(&a, 15, a.pc);
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);
	end = run_guarded(vm, 5000, &fired);
	ksft_test_result(end == VM_END_SHUTDOWN && !fired,
			 "a single CPU stopping itself: VM_END_SHUTDOWN\n");
	vm_destroy(vm);

	/* SIGP to a CPU address beyond the configuration from userspace
	 * orders (start): cc 3 as well. */
	vm = new_vm(2);
	a = (struct as){ vm, CPU0_CODE };
	llilf(&a, 12, (uint32_t)R);
	lghi(&a, 6, 2);
	sigp(&a, 4, 6, SIGP_START);
	store_cc(&a, 0);
	lghi(&a, 6, 0);
	sigp(&a, 4, 6, SIGP_STOP);
	brc(&a, 15, a.pc);
	vm->ops->set_initial_psw(vm->vcpus[0], MODE64, CPU0_CODE);
	end = run_guarded(vm, 5000, &fired);
	ksft_test_result(end == VM_END_SHUTDOWN && cc_at(vm, 0) == SIGP_CC_NOT_OPERATIONAL,
			 "SIGP start to CPU address 2 of a 2-CPU VM: cc 3\n");
	vm_destroy(vm);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(PLAN);

	test_two_cpus();
	test_four_cpus();
	test_endings();

	return ksft_finished();
}
