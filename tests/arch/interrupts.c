/* SPDX-License-Identifier: MIT */
/*
 * The interruption mechanism of the software CPU (arch/s390x/softcpu.c),
 * driven through the backend seam the way the VMM drives it: interrupts
 * injected with vm->ops->irq() / floating_irq() (the KVM_S390_IRQ and
 * KVM_S390_INTERRUPT structures), instructions stepped with
 * softcpu_step() or run with vm->ops->run().
 *
 * Expected behaviour: PoP chapter 6 "Interruptions" (masks, lowcore
 * fields, old/new PSWs), chapter 4 (wait state, clock comparator, CPU
 * timer, store status) and the KVM API document (KVM_S390_PROGRAM_INT
 * rewinding, stop and wait intercepts, KVM_EXIT_INTR after a kick).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/arch/cpu-harness.h"
#include "tests/ksft.h"

#define PLAN		36
#define MODE64		0x0000000180000000ULL
#define EXT_HANDLER	0x5000ULL
#define IO_HANDLER	0x6000ULL
#define RST_HANDLER	0x7000ULL
#define NOPR		0x0700		/* BCR 0,0 */

static struct harness H;

static struct s390_cpu *cpu(void)
{
	return H.cpu;
}

static struct kvm_run *krun(void)
{
	return H.vcpu->run;
}

static void st16(uint64_t a, uint16_t v)
{
	uint8_t b[2];
	be16_st(b, v);
	h_poke(&H, a, b, 2);
}

static uint16_t ld16(uint64_t a)
{
	uint8_t b[2];
	h_peek(&H, a, b, 2);
	return be16_ld(b);
}

static void new_psw(unsigned off, uint64_t mask, uint64_t addr)
{
	h_st64(&H, off, mask);
	h_st64(&H, off + 8, addr);
}

/* A CPU with nothing pending, NOPs at the code and handler addresses,
 * and handlers entered disabled in 64-bit mode. */
static void reset(void)
{
	struct soft_vm *svm = cpu()->svm;

	h_reset(&H);
	soft_cpu_reset(cpu());
	pthread_mutex_lock(&svm->irq_lock);
	svm->service_pending = false;
	svm->service_parm = 0;
	svm->io_count = 0;
	pthread_mutex_unlock(&svm->irq_lock);
	cpu()->ckc = ~0ULL;
	soft_set_cputm(cpu(), INT64_MAX / 2);
	cpu()->kicked = false;

	st16(H_CODE, NOPR);
	st16(EXT_HANDLER, NOPR);
	st16(IO_HANDLER, NOPR);
	st16(RST_HANDLER, NOPR);
	new_psw(LC_EXT_NEW_PSW, MODE64, EXT_HANDLER);
	new_psw(LC_IO_NEW_PSW, MODE64, IO_HANDLER);
	new_psw(LC_RESTART_NEW_PSW, MODE64, RST_HANDLER);
	uint8_t zero[0x200] = { 0 };
	h_poke(&H, 0x80, zero, 0x50);		/* interruption codes */
	h_poke(&H, 0x120, zero, 0x60);		/* old PSWs */
}

static void publish(void)
{
	krun()->psw_mask = cpu_get_psw_mask(cpu());
	krun()->psw_addr = cpu()->psw_addr;
	krun()->kvm_dirty_regs = 0;
}

/* Execute one instruction (after any interruption that is due). */
static bool step(void)
{
	bool exited = false;

	publish();
	softcpu_step(H.vcpu, 1, &exited);
	return exited;
}

static void enable(uint64_t psw_bits, uint64_t cr0_bits)
{
	cpu()->psw_mask |= psw_bits;
	cpu()->cr[0] |= cr0_bits;
}

static int inject(uint64_t type, uint32_t code)
{
	struct kvm_s390_irq irq = { .type = type };

	if (type == KVM_S390_INT_EXTERNAL_CALL)
		irq.u.extcall.code = (uint16_t)code;
	else if (type == KVM_S390_INT_EMERGENCY)
		irq.u.emerg.code = (uint16_t)code;
	else if (type == KVM_S390_SIGP_SET_PREFIX)
		irq.u.prefix.address = code;
	return H.vm->ops->irq(H.vcpu, &irq);
}

/* The external interruption was taken before the instruction at H_CODE. */
static bool took_ext(uint16_t code, uint16_t cpu_addr, uint64_t old_mask)
{
	return ld16(LC_EXT_INT_CODE) == code && ld16(LC_EXT_CPU_ADDR) == cpu_addr &&
	       h_ld64(&H, LC_EXT_OLD_PSW) == old_mask &&
	       h_ld64(&H, LC_EXT_OLD_PSW + 8) == H_CODE &&
	       cpu()->psw_addr == EXT_HANDLER + 2 && cpu()->psw_mask == MODE64;
}

static bool not_taken(void)
{
	return cpu()->psw_addr == H_CODE + 2 && ld16(LC_EXT_INT_CODE) == 0 &&
	       h_ld64(&H, LC_IO_OLD_PSW + 8) == 0;
}

/* ---- External call, emergency signal ---------------------------------- */

static void test_sigp_externals(void)
{
	reset();
	inject(KVM_S390_INT_EXTERNAL_CALL, 5);
	enable(0, CR0_EXTERNAL_CALL);
	step();
	ksft_test_result(not_taken(), "external call not taken with PSW bit 7 off\n");

	reset();
	inject(KVM_S390_INT_EXTERNAL_CALL, 5);
	enable(PSW_MASK_EXT, CR0_EMERGENCY_SIGNAL);
	step();
	ksft_test_result(not_taken(), "external call not taken with CR0 bit 50 off\n");

	cpu()->psw_addr = H_CODE;
	enable(PSW_MASK_EXT, CR0_EXTERNAL_CALL);
	step();
	ksft_test_result(took_ext(EXT_EXTERNAL_CALL, 5, MODE64 | PSW_MASK_EXT),
			 "external call: code 1202, CPU address 5, old/new PSW\n");

	cpu()->psw_addr = H_CODE;
	cpu()->psw_mask |= PSW_MASK_EXT;
	st16(LC_EXT_INT_CODE, 0);
	step();
	ksft_test_result(not_taken(), "external call taken only once\n");

	ksft_test_result(inject(KVM_S390_INT_EXTERNAL_CALL, 1) == 0 &&
			 inject(KVM_S390_INT_EXTERNAL_CALL, 2) == -EBUSY,
			 "a second external call while one is pending: -EBUSY\n");

	reset();
	inject(KVM_S390_INT_EMERGENCY, 3);
	enable(PSW_MASK_EXT, CR0_EXTERNAL_CALL);
	step();
	ksft_test_result(not_taken(), "emergency signal not taken with CR0 bit 49 off\n");

	cpu()->psw_addr = H_CODE;
	enable(0, CR0_EMERGENCY_SIGNAL);
	step();
	ksft_test_result(took_ext(EXT_EMERGENCY_SIGNAL, 3, MODE64 | PSW_MASK_EXT),
			 "emergency signal: code 1201, CPU address 3\n");
}

/* ---- Service signal ---------------------------------------------------- */

static void test_service(void)
{
	struct kvm_s390_interrupt s = { .type = KVM_S390_INT_SERVICE, .parm = 0x00123458 };

	reset();
	H.vm->ops->floating_irq(H.vm, &s);
	enable(PSW_MASK_EXT, CR0_EXTERNAL_CALL);
	step();
	ksft_test_result(not_taken(), "service signal not taken with CR0 bit 54 off\n");

	cpu()->psw_addr = H_CODE;
	enable(0, CR0_SERVICE_SIGNAL);
	step();
	ksft_test_result(took_ext(EXT_SERVICE_SIGNAL, 0, MODE64 | PSW_MASK_EXT) &&
			 h_ld32(&H, LC_EXT_PARAMS) == 0x00123458,
			 "service signal: code 2401, SCCB address parameter at 0x80\n");
}

/* ---- I/O --------------------------------------------------------------- */

static void inject_io(unsigned isc, uint16_t nr, uint32_t parm)
{
	struct kvm_s390_interrupt io = {
		.type = KVM_S390_INT_IO(0, 0, 0, nr),
		.parm = 0x00010000U | nr,
		.parm64 = (uint64_t)parm << 32 | (uint32_t)isc << 27,
	};

	H.vm->ops->floating_irq(H.vm, &io);
}

static void test_io(void)
{
	reset();
	inject_io(3, 0x42, 0xAABBCCDD);
	cpu()->cr[6] = CR6_ISC_MASK(3);
	step();
	ksft_test_result(not_taken(), "I/O interruption not taken with PSW bit 6 off\n");

	cpu()->psw_addr = H_CODE;
	cpu()->cr[6] = CR6_ISC_MASK(2);
	enable(PSW_MASK_IO, 0);
	step();
	ksft_test_result(not_taken(), "I/O interruption for ISC 3 not taken when CR6 allows ISC 2 only\n");

	cpu()->psw_addr = H_CODE;
	cpu()->cr[6] = CR6_ISC_MASK(3);
	cpu_cr_changed(cpu());
	step();
	ksft_test_result(ld16(LC_SUBCHANNEL_ID) == 0x0001 && ld16(LC_SUBCHANNEL_NR) == 0x42 &&
			 h_ld32(&H, LC_IO_INT_PARM) == 0xAABBCCDD &&
			 h_ld32(&H, LC_IO_INT_WORD) == 3U << 27 &&
			 h_ld64(&H, LC_IO_OLD_PSW) == (MODE64 | PSW_MASK_IO) &&
			 h_ld64(&H, LC_IO_OLD_PSW + 8) == H_CODE &&
			 cpu()->psw_addr == IO_HANDLER + 2,
			 "I/O interruption: subchannel id/nr, parameter, word, old/new PSW\n");

	/* TPI dequeues instead (PoP "TEST PENDING INTERRUPTION"). */
	reset();
	inject_io(5, 0x7, 0x11223344);
	cpu()->cr[6] = CR6_ISC_MASK(5);
	cpu()->gr[1] = 0x20000;
	h_st64(&H, 0x20000, 0);
	int rc = h_exec_insn(&H, 0xB2361000, 4);	/* TPI 0(1) */
	ksft_test_result(rc == 0 && cpu()->cc == 1 && h_ld32(&H, 0x20000) == 0x00010007 &&
			 h_ld32(&H, 0x20004) == 0x11223344,
			 "TPI with an operand: cc 1, subchannel word and parameter stored\n");

	rc = h_exec_insn(&H, 0xB2361000, 4);
	ksft_test_result(rc == 0 && cpu()->cc == 0, "TPI after dequeuing: cc 0\n");

	inject_io(5, 0x8, 0x55667788);
	rc = h_exec_insn(&H, 0xB2360000, 4);		/* TPI 0 */
	ksft_test_result(rc == 0 && cpu()->cc == 1 && ld16(LC_SUBCHANNEL_ID) == 1 &&
			 ld16(LC_SUBCHANNEL_NR) == 8 && h_ld32(&H, LC_IO_INT_PARM) == 0x55667788 &&
			 h_ld32(&H, LC_IO_INT_WORD) == 5U << 27,
			 "TPI with address 0: three words stored at 0xB8\n");

	inject_io(4, 0x9, 0x1);
	cpu()->cr[6] = CR6_ISC_MASK(5);
	rc = h_exec_insn(&H, 0xB2361000, 4);
	bool cc0 = rc == 0 && cpu()->cc == 0;
	cpu()->cr[6] = CR6_ISC_MASK(4);
	rc = h_exec_insn(&H, 0xB2361000, 4);
	ksft_test_result(cc0 && rc == 0 && cpu()->cc == 1 && h_ld32(&H, 0x20000) == 0x00010009,
			 "TPI honours the CR6 subclass mask\n");
}

/* ---- Clock comparator, CPU timer ---------------------------------------- */

static void test_timers(void)
{
	reset();
	h_st64(&H, 0x20000, 1);			/* long in the past */
	cpu()->gr[1] = 0x20000;
	enable(PSW_MASK_EXT, CR0_CLOCK_COMP);
	int rc = h_exec_insn(&H, 0xB2061000, 4);	/* SCKC 0(1) */
	cpu()->psw_addr = H_CODE;
	st16(H_CODE, NOPR);
	step();
	ksft_test_result(rc == 0 && took_ext(EXT_CLOCK_COMP, 0, MODE64 | PSW_MASK_EXT),
			 "clock comparator in the past: code 1004 when enabled\n");

	reset();
	cpu()->ckc = 1;
	enable(PSW_MASK_EXT, CR0_CPU_TIMER);
	step();
	ksft_test_result(not_taken(), "clock comparator not taken with CR0 bit 52 off\n");

	reset();
	cpu()->ckc = ~0ULL;
	enable(PSW_MASK_EXT, CR0_CLOCK_COMP);
	step();
	ksft_test_result(not_taken(), "clock comparator in the future: nothing\n");

	reset();
	h_st64(&H, 0x20000, (uint64_t)-1);
	cpu()->gr[1] = 0x20000;
	enable(PSW_MASK_EXT, CR0_CPU_TIMER);
	rc = h_exec_insn(&H, 0xB2081000, 4);		/* SPT 0(1) */
	cpu()->psw_addr = H_CODE;
	st16(H_CODE, NOPR);
	step();
	ksft_test_result(rc == 0 && took_ext(EXT_CPU_TIMER, 0, MODE64 | PSW_MASK_EXT),
			 "negative CPU timer: code 1005 when enabled\n");

	reset();
	soft_set_cputm(cpu(), 1LL << 50);
	enable(PSW_MASK_EXT, CR0_CPU_TIMER);
	step();
	ksft_test_result(not_taken(), "positive CPU timer: nothing\n");
}

/* ---- Restart, injected program interruptions ---------------------------- */

static void test_restart_pgm(void)
{
	reset();
	cpu()->cc = 2;
	inject(KVM_S390_RESTART, 0);
	step();
	ksft_test_result(h_ld64(&H, LC_RESTART_OLD_PSW) == (MODE64 | 2ULL << PSW_SHIFT_CC) &&
			 h_ld64(&H, LC_RESTART_OLD_PSW + 8) == H_CODE &&
			 cpu()->psw_addr == RST_HANDLER + 2,
			 "restart with all masks off: old PSW at 0x120, new from 0x1A0\n");

	reset();
	cpu()->psw_mask |= PSW_MASK_WAIT;		/* disabled wait */
	inject(KVM_S390_RESTART, 0);
	bool exited = step();
	ksft_test_result(!exited && h_ld64(&H, LC_RESTART_OLD_PSW) == (MODE64 | PSW_MASK_WAIT) &&
			 cpu()->psw_addr == RST_HANDLER + 2,
			 "restart ends a disabled wait\n");

	/*
	 * KVM_S390_PROGRAM_INT: the PSW points past the intercepted
	 * instruction; the ILC (in bytes, flags bits 1-2) is stored, and
	 * the PSW is rewound by it only for nullifying conditions, unless
	 * KVM_S390_PGM_FLAGS_NO_REWIND.
	 */
	static const struct {
		uint16_t code;
		uint8_t flags;
		unsigned ilc;
		uint64_t old;
		const char *what;
	} pg[] = {
		{ PGM_OPERAND, KVM_S390_PGM_FLAGS_ILC_VALID | 4, 4, H_CODE + 0x104,
		  "suppressing (operand): not rewound, ILC 4" },
		{ PGM_SPECIFICATION, KVM_S390_PGM_FLAGS_ILC_VALID | 6, 6, H_CODE + 0x104,
		  "suppressing (specification): ILC 6" },
		{ PGM_PAGE_TRANS, KVM_S390_PGM_FLAGS_ILC_VALID | 4, 4, H_CODE + 0x100,
		  "nullifying (page translation): rewound by 4" },
		{ PGM_SEGMENT_TRANS, KVM_S390_PGM_FLAGS_ILC_VALID | 2, 2, H_CODE + 0x102,
		  "nullifying (segment translation): rewound by 2" },
		{ PGM_PAGE_TRANS, KVM_S390_PGM_FLAGS_ILC_VALID | 4 |
		  KVM_S390_PGM_FLAGS_NO_REWIND, 4, H_CODE + 0x104,
		  "nullifying with NO_REWIND: not rewound" },
	};
	for (size_t i = 0; i < sizeof(pg) / sizeof(pg[0]); i++) {
		reset();
		cpu()->psw_addr = H_CODE + 0x104;
		st16(H_CODE + 0x104, NOPR);
		struct kvm_s390_irq irq = { .type = KVM_S390_PROGRAM_INT };
		irq.u.pgm.code = pg[i].code;
		irq.u.pgm.flags = pg[i].flags;
		irq.u.pgm.trans_exc_code = 0xABC000;
		int rc = H.vm->ops->irq(H.vcpu, &irq);
		step();
		bool teid = pg[i].code != PGM_PAGE_TRANS ||
			    h_ld64(&H, LC_TRANS_EXC_CODE) == 0xABC000;
		ksft_test_result(rc == 0 && ld16(LC_PGM_CODE) == pg[i].code &&
				 ld16(LC_PGM_ILC) == pg[i].ilc &&
				 h_ld64(&H, LC_PGM_OLD_PSW + 8) == pg[i].old &&
				 cpu()->psw_addr == H_PGM_MARKER && teid,
				 "injected program interruption %s\n", pg[i].what);
	}
}

/* ---- Wait state, kick, stop --------------------------------------------- */

struct delayed {
	unsigned int ms;
	bool kick;
};

static void *delayed_irq(void *arg)
{
	struct delayed *d = arg;
	struct timespec ts = { 0, (long)d->ms * 1000000L };

	nanosleep(&ts, NULL);
	if (d->kick) {
		H.vm->ops->kick(H.vcpu);
	} else {
		struct kvm_s390_interrupt s = { .type = KVM_S390_INT_SERVICE, .parm = 0x8000 };
		H.vm->ops->floating_irq(H.vm, &s);
	}
	return NULL;
}

/* A guard against a run() that never returns: fail loudly after 10 s. */
static void *watchdog(void *arg)
{
	(void)arg;
	sleep(10);
	ksft_exit_fail_msg("run() did not return within 10 s\n");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run_vcpu(void)
{
	publish();
	return H.vm->ops->run(H.vcpu);
}

static void test_wait_kick_stop(void)
{
	pthread_t t;
	struct delayed d = { 50, false };

	/* Enabled wait; the external new PSW is a disabled wait, so the
	 * interruption ends run() with the wait intercept. */
	reset();
	new_psw(LC_EXT_NEW_PSW, MODE64 | PSW_MASK_WAIT, 0x5555);
	enable(PSW_MASK_EXT | PSW_MASK_WAIT, CR0_SERVICE_SIGNAL);
	double t0 = now_ms();
	pthread_create(&t, NULL, delayed_irq, &d);
	int rc = run_vcpu();
	double dt = now_ms() - t0;
	pthread_join(t, NULL);
	ksft_test_result(rc == 0 && dt >= 40 && ld16(LC_EXT_INT_CODE) == EXT_SERVICE_SIGNAL &&
			 h_ld64(&H, LC_EXT_OLD_PSW) == (MODE64 | PSW_MASK_EXT | PSW_MASK_WAIT) &&
			 krun()->exit_reason == KVM_EXIT_S390_SIEIC &&
			 krun()->s390_sieic.icptcode == ICPT_WAIT,
			 "enabled wait woken by a floating interrupt from another thread (%.0f ms)\n",
			 dt);

	ksft_test_result(krun()->psw_mask == (MODE64 | PSW_MASK_WAIT) &&
			 krun()->psw_addr == 0x5555,
			 "disabled wait: icptcode 0x1C with the wait PSW in kvm_run\n");

	/* kick() before run(): the next run() returns KVM_EXIT_INTR. */
	reset();
	st16(H_CODE, 0xA7F4);			/* BRC 15,0: a tight loop */
	st16(H_CODE + 2, 0x0000);
	H.vm->ops->kick(H.vcpu);
	rc = run_vcpu();
	ksft_test_result(rc == 0 && krun()->exit_reason == KVM_EXIT_INTR &&
			 krun()->psw_addr == H_CODE,
			 "kick() before run(): KVM_EXIT_INTR\n");

	/* kick() from another thread while looping. */
	d.kick = true;
	d.ms = 30;
	pthread_create(&t, NULL, delayed_irq, &d);
	rc = run_vcpu();
	pthread_join(t, NULL);
	ksft_test_result(rc == 0 && krun()->exit_reason == KVM_EXIT_INTR &&
			 krun()->psw_addr == H_CODE,
			 "kick() from another thread ends a running loop with KVM_EXIT_INTR\n");

	/* kick() during an enabled wait. */
	reset();
	enable(PSW_MASK_EXT | PSW_MASK_WAIT, 0);
	pthread_create(&t, NULL, delayed_irq, &d);
	rc = run_vcpu();
	pthread_join(t, NULL);
	ksft_test_result(rc == 0 && krun()->exit_reason == KVM_EXIT_INTR,
			 "kick() ends an enabled wait with KVM_EXIT_INTR\n");

	/* SIGP stop: the stop intercept. */
	reset();
	st16(H_CODE, 0xA7F4);
	st16(H_CODE + 2, 0x0000);
	inject(KVM_S390_SIGP_STOP, 0);
	rc = run_vcpu();
	ksft_test_result(rc == 0 && krun()->exit_reason == KVM_EXIT_S390_SIEIC &&
			 krun()->s390_sieic.icptcode == ICPT_STOP,
			 "SIGP stop irq: icptcode 0x28\n");

	/* Stop and store status: the save area at absolute 0x1200. */
	reset();
	st16(H_CODE, 0xA7F4);
	st16(H_CODE + 2, 0x0000);
	uint8_t zero[0x200] = { 0 };
	h_poke(&H, 0x1200, zero, sizeof(zero));
	h_poke(&H, LC_ARCH_MODE_ID, zero, 1);
	for (int i = 0; i < 16; i++) {
		cpu()->gr[i] = 0x1000ULL * i + 1;
		cpu()->cr[i] |= (uint64_t)i << 32;
		cpu()->ar[i] = 0xA00 + (uint32_t)i;
		cpu()->fpr[i] = 0xF000000000000000ULL + (uint64_t)i;
	}
	cpu()->cc = 1;
	cpu()->fpc = 0x00080000;
	cpu()->todpr = 0x4321;
	cpu()->ckc = 0x123456789A00ULL;
	struct kvm_s390_irq stop = { .type = KVM_S390_SIGP_STOP };
	stop.u.stop.flags = KVM_S390_STOP_FLAG_STORE_STATUS;
	H.vm->ops->irq(H.vcpu, &stop);
	rc = run_vcpu();
	bool ok = rc == 0 && krun()->s390_sieic.icptcode == ICPT_STOP;
	for (int i = 0; i < 16 && ok; i++)
		ok = h_ld64(&H, LC_GPREGS_SAVE + 8 * i) == 0x1000ULL * i + 1 &&
		     h_ld64(&H, LC_CREGS_SAVE + 8 * i) == cpu()->cr[i] &&
		     h_ld32(&H, LC_AREGS_SAVE + 4 * i) == 0xA00 + (uint32_t)i &&
		     h_ld64(&H, LC_FPREGS_SAVE + 8 * i) == 0xF000000000000000ULL + (uint64_t)i;
	uint8_t arch;
	h_peek(&H, LC_ARCH_MODE_ID, &arch, 1);
	ksft_test_result(ok && h_ld64(&H, LC_PSW_SAVE) == (MODE64 | 1ULL << PSW_SHIFT_CC) &&
			 h_ld64(&H, LC_PSW_SAVE + 8) == H_CODE &&
			 h_ld32(&H, LC_PREFIX_SAVE) == 0 && h_ld32(&H, LC_FPC_SAVE) == 0x00080000 &&
			 h_ld32(&H, LC_TODPR_SAVE) == 0x4321 &&
			 h_ld64(&H, LC_CKC_SAVE) == 0x123456789A00ULL >> 8 && arch == 1,
			 "stop and store status: registers, PSW, prefix, FPC, TODPR, CKC at 0x1200\n");

	/* SIGP set prefix: takes effect before the next instruction. */
	reset();
	st16(0x40000 + H_CODE, NOPR);
	rc = inject(KVM_S390_SIGP_SET_PREFIX, 0x40000);
	step();
	ksft_test_result(rc == 0 && cpu()->prefix == 0x40000 &&
			 krun()->s.regs.prefix == 0x40000,
			 "set-prefix irq: prefix 0x40000 in effect and in kvm_run\n");
}

int main(void)
{
	pthread_t wd;

	ksft_print_header();
	ksft_set_plan(PLAN);
	h_init(&H);
	pthread_create(&wd, NULL, watchdog, NULL);
	pthread_detach(wd);

	test_sigp_externals();
	test_service();
	test_io();
	test_timers();
	test_restart_pgm();
	test_wait_kick_stop();

	h_fini(&H);
	return ksft_finished();
}
