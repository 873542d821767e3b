/* SPDX-License-Identifier: MIT */
/*
 * The software s390x CPU: storage access, the interruption mechanism,
 * timers, the wait state and the run loop, behind the same contract as the
 * KVM backend (vmm/backend.h; the backend operations are in
 * softcpu-backend.c).
 *
 * What a KVM host kernel does on its own (deliver interrupts, run the
 * enabled wait state, keep the CPU timer and clock comparator, answer the
 * fast SIGP orders, STFL/SPX/ISKE and friends) happens here too; what KVM
 * forwards to userspace leaves run() as the same kvm_run exit.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/s390x/dat.h"
#include "arch/s390x/softcpu.h"

/* Seconds from the TOD epoch (1900-01-01) to the Unix epoch. */
#define TOD_UNIX_EPOCH_SECS	2208988800ULL
/* Instructions between two looks at the clock comparator / CPU timer. */
#define TIMER_SLICE		2048


struct s390_cpu *softcpu_of(struct vcpu *vcpu)
{
	return vcpu->backend;
}

/* ---- TOD clock ---------------------------------------------------- */

/* Host time as a TOD value: bit 51 is one microsecond. */
uint64_t soft_host_tod(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t us = ((uint64_t)ts.tv_sec + TOD_UNIX_EPOCH_SECS) * 1000000ULL +
		      (uint64_t)ts.tv_nsec / 1000;
	return (us << 12) | (((uint64_t)ts.tv_nsec % 1000) * 4096 / 1000);
}

uint64_t cpu_tod(struct s390_cpu *cpu)
{
	return soft_host_tod() + (uint64_t)cpu->svm->tod_offset;
}

void soft_set_cputm(struct s390_cpu *cpu, int64_t value)
{
	cpu->cputm_deadline = cpu_tod(cpu) + (uint64_t)value;
}

int64_t soft_get_cputm(struct s390_cpu *cpu)
{
	return (int64_t)(cpu->cputm_deadline - cpu_tod(cpu));
}

/* ---- Storage ------------------------------------------------------ */

static inline uint64_t real_to_abs(uint32_t prefix, uint64_t a)
{
	if (a < LOWCORE_SIZE)
		return a + prefix;
	if (a >= prefix && a < (uint64_t)prefix + LOWCORE_SIZE)
		return a - prefix;
	return a;
}

static inline void mark_dirty(struct soft_vm *svm, uint64_t abs)
{
	uint64_t frame = abs >> 12;
	uint64_t bit = 1ULL << (frame & 63);
	_Atomic uint64_t *w = &svm->dirty[frame >> 6];

	/* Release: a sync that sees the bit sees the stores before it. */
	if (!(atomic_load_explicit(w, memory_order_relaxed) & bit))
		atomic_fetch_or_explicit(w, bit, memory_order_release);
}

/* Storage-key bits (PoP "Storage Key"). */
#define SKEY_ACC	0xF0
#define SKEY_F		0x08
#define SKEY_R		0x04
#define SKEY_C		0x02

static inline bool low_addr_protected(uint64_t real)
{
	return real < 512 || (real >= 4096 && real < 4096 + 512);
}

void cpu_tlb_flush(struct s390_cpu *cpu)
{
	cpu->ipage = SOFT_TLB_INVALID;
	cpu->ihost = NULL;
	for (int a = 0; a < 3; a++)
		for (int i = 0; i < SOFT_TLB_SIZE; i++)
			cpu->tlb[a][i].tag = SOFT_TLB_INVALID;
	cpu->tlb_gen = atomic_load_explicit(&cpu->svm->tlb_gen, memory_order_acquire);
	cpu->tlb_cr0 = cpu->cr[0];
	atomic_store_explicit(&cpu->tlb_ack, cpu->tlb_gen, memory_order_release);
}

void soft_tlb_flush_all(struct soft_vm *svm)
{
	atomic_fetch_add_explicit(&svm->tlb_gen, 1, memory_order_acq_rel);
	for (unsigned int i = 0; i < VM_MAX_CPUS; i++)
		if (svm->cpus[i])
			cpu_attention(svm->cpus[i]);
}

/*
 * IPTE, IDTE and CSP purge the TLBs of all CPUs, and the PoP has the
 * instruction complete only when no CPU can still use a cleared entry
 * ("the operation is not completed ... until all TLB entries ... have
 * been cleared" and storage accesses using them are done).  A CPU here
 * drops its entries at its next instruction boundary (attention), so the
 * issuer waits until each other CPU has either flushed for this purge
 * (tlb_ack) or is not executing instructions at all (stopped, in the
 * wait state, or out in userspace: it flushes before its next
 * instruction).  The executing flag and the attention flag form a
 * store-then-load handshake on both sides, hence the seq_cst fences.
 * While waiting, the issuer keeps flushing for purges of other CPUs, so
 * two CPUs purging at once do not wait for each other forever.  self:
 * the issuing CPU, NULL for a thread that is not a CPU.
 */
static void tlb_sync(struct soft_vm *svm, struct s390_cpu *self)
{
	uint64_t gen = atomic_fetch_add_explicit(&svm->tlb_gen, 1,
						 memory_order_seq_cst) + 1;

	for (unsigned int i = 0; i < VM_MAX_CPUS; i++)
		if (svm->cpus[i])
			cpu_attention(svm->cpus[i]);
	atomic_thread_fence(memory_order_seq_cst);
	if (self)
		cpu_tlb_flush(self);
	for (unsigned int i = 0; i < VM_MAX_CPUS; i++) {
		struct s390_cpu *t = svm->cpus[i];

		if (!t || t == self)
			continue;
		while (atomic_load_explicit(&t->executing, memory_order_seq_cst) &&
		       atomic_load_explicit(&t->tlb_ack, memory_order_acquire) < gen) {
			if (self && self->tlb_gen !=
				    atomic_load_explicit(&svm->tlb_gen,
							 memory_order_acquire))
				cpu_tlb_flush(self);
			sched_yield();
		}
	}
}

/* The wait above from the CPU that purged (cpu: flushed at once). */
void soft_tlb_purge_sync(struct s390_cpu *cpu)
{
	tlb_sync(cpu->svm, cpu);
}

/*
 * The same wait from a thread that is not a CPU (the dirty log's sync):
 * when it returns, no CPU still stores through a TLB entry made before the
 * call, and those CPUs' stores are visible to the caller (tlb_ack).
 */
void soft_tlb_flush_sync(struct soft_vm *svm)
{
	tlb_sync(svm, NULL);
}

/* Mark this CPU as (not) executing instructions (soft_tlb_purge_sync). */
static void cpu_set_executing(struct s390_cpu *cpu, bool on)
{
	atomic_store_explicit(&cpu->executing, on, memory_order_seq_cst);
	if (on) {
		atomic_thread_fence(memory_order_seq_cst);
		/* A purge issued while this CPU was not executing. */
		if (cpu->tlb_gen != atomic_load_explicit(&cpu->svm->tlb_gen,
							 memory_order_acquire))
			cpu_attention(cpu);
	}
}

/*
 * The full path of every storage reference: DAT, prefixing, bounds,
 * low-address and key-controlled protection, reference/change bits, dirty
 * tracking.  A page that passed every check with its bits already set is
 * entered in the TLB under tag_bits (its address space), so the next
 * reference to it skips all of this; whatever could change the outcome
 * (PSW key, prefix, CR0, storage keys, clearing the dirty log, the purge
 * instructions) flushes the TLB.  `as` is the address space (PSW_ASC_*)
 * when DAT is on, `key` the access key; cache false for an access whose
 * key is not the PSW key.
 */
static uint8_t *access_slow(struct s390_cpu *cpu, uint64_t addr, unsigned len,
			    enum cpu_access acc, unsigned int as,
			    unsigned int access_key, uint64_t tag_bits, bool cache)
{
	bool dat = cpu->psw_mask & PSW_MASK_DAT;

	/* An exception while fetching an instruction has ILC 0. */
	if (acc == ACC_IFETCH)
		cpu->ilen = 0;

	/* Low-address protection applies to the logical address, but not to
	 * a virtual address of a private space (PoP "Low-Address
	 * Protection"); it takes precedence over DAT exceptions. */
	bool lap = acc == ACC_STORE && (cpu->cr[0] & CR0_LOW_ADDR_PROT) &&
		   (addr < 8192) && !(dat && (dat_asce(cpu, as) & ASCE_PRIVATE));
	if (lap && low_addr_protected(addr))
		cpu_pgm_trans(cpu, PGM_PROTECTION,
			      (addr & ~0xfffULL) | (dat ? as : 0), 0);

	uint64_t real = dat ? dat_translate(cpu, addr, as, acc) : addr;
	uint64_t abs = real_to_abs(cpu->prefix, real);
	if (abs >= cpu->mem_size || len > cpu->mem_size - abs)
		cpu_pgm(cpu, PGM_ADDRESSING);

	struct soft_vm *svm = cpu->svm;
	uint8_t *key = &svm->skeys[abs >> 12];
	uint8_t k = *key;

	/* Key-controlled protection: access key 0 matches everything; a
	 * mismatch prevents stores, and fetches from fetch-protected pages. */
	if (access_key && (k >> 4) != access_key &&
	    (acc == ACC_STORE || (k & SKEY_F)))
		cpu_pgm_trans(cpu, PGM_PROTECTION,
			      (addr & ~0xfffULL) | (dat ? as : 0), 0);

	uint8_t want = acc == ACC_STORE ? (SKEY_R | SKEY_C) : SKEY_R;
	if ((k & want) != want)
		__atomic_fetch_or(key, want, __ATOMIC_RELAXED);
	if (acc == ACC_STORE)
		mark_dirty(svm, abs);

	/* Cache the page unless low-address protection makes part of it
	 * special, or the TLB is being flushed by another thread. */
	if (cache && !lap && cpu->tlb_gen == atomic_load_explicit(&svm->tlb_gen,
								  memory_order_acquire)) {
		struct soft_tlb_entry *e =
			&cpu->tlb[acc][(addr >> 12) & (SOFT_TLB_SIZE - 1)];
		e->tag = (addr & ~0xfffULL) | tag_bits;
		e->addend = (uintptr_t)(cpu->mem + (abs & ~0xfffULL)) -
			    (uintptr_t)(addr & ~0xfffULL);
	}
	return cpu->mem + abs;
}

uint8_t *cpu_ptr_slow(struct s390_cpu *cpu, uint64_t addr, unsigned len,
		      enum cpu_access acc)
{
	return access_slow(cpu, addr, len, acc, dat_access_space(cpu, acc),
			   (unsigned)((cpu->psw_mask & PSW_MASK_KEY) >> PSW_SHIFT_KEY),
			   cpu->tlb_space[acc], true);
}

uint8_t *cpu_ptr_as(struct s390_cpu *cpu, uint64_t addr, unsigned len,
		    enum cpu_access acc, unsigned int as, unsigned int key)
{
	bool dat = cpu->psw_mask & PSW_MASK_DAT;
	bool psw_key = key == (cpu->psw_mask & PSW_MASK_KEY) >> PSW_SHIFT_KEY;
	uint64_t tag_bits = dat ? dat_space_tag(cpu, dat_asce(cpu, as)) : 0;
	const struct soft_tlb_entry *e =
		&cpu->tlb[acc][(addr >> 12) & (SOFT_TLB_SIZE - 1)];

	/* Entries are formed with the PSW key: only such an access may use
	 * (and make) them. */
	if (psw_key && e->tag == ((addr & ~0xfffULL) | tag_bits) &&
	    (addr & 0xfff) + len <= 4096)
		return (uint8_t *)(uintptr_t)(addr + e->addend);
	return access_slow(cpu, addr, len, acc, as, key, tag_bits, psw_key);
}

uint64_t cpu_abs(struct s390_cpu *cpu, uint64_t addr, enum cpu_access acc)
{
	return (uint64_t)(cpu_ptr(cpu, addr, 1, acc) - cpu->mem);
}

void cpu_check_range(struct s390_cpu *cpu, uint64_t addr, uint64_t len,
		     enum cpu_access acc)
{
	while (len) {
		uint64_t a = cpu_wrap(cpu, addr);
		uint64_t chunk = 4096 - (a & 0xfff);

		if (chunk > len)
			chunk = len;
		cpu_ptr(cpu, a, 1, acc);
		addr = a + chunk;
		len -= chunk;
	}
}

void cpu_ld_bytes(struct s390_cpu *cpu, uint64_t addr, void *buf, uint64_t len)
{
	uint8_t *out = buf;

	cpu_check_range(cpu, addr, len, ACC_FETCH);
	while (len) {
		uint64_t a = cpu_wrap(cpu, addr);
		uint64_t chunk = 4096 - (a & 0xfff);

		if (chunk > len)
			chunk = len;
		memcpy(out, cpu_ptr(cpu, a, (unsigned)chunk, ACC_FETCH), chunk);
		out += chunk;
		addr = a + chunk;
		len -= chunk;
	}
}

void cpu_st_bytes(struct s390_cpu *cpu, uint64_t addr, const void *buf,
		  uint64_t len)
{
	const uint8_t *in = buf;

	cpu_check_range(cpu, addr, len, ACC_STORE);
	while (len) {
		uint64_t a = cpu_wrap(cpu, addr);
		uint64_t chunk = 4096 - (a & 0xfff);

		if (chunk > len)
			chunk = len;
		memcpy(cpu_ptr(cpu, a, (unsigned)chunk, ACC_STORE), in, chunk);
		in += chunk;
		addr = a + chunk;
		len -= chunk;
	}
}

static inline bool in_page(uint64_t addr, unsigned len)
{
	return (addr & 0xfff) + len <= 4096;
}

uint8_t *cpu_abs_ptr(struct s390_cpu *cpu, uint64_t abs, unsigned len,
		     bool store)
{
	if (store) {
		mark_dirty(cpu->svm, abs);
		mark_dirty(cpu->svm, abs + len - 1);
	}
	return cpu->mem + abs;
}

uint8_t *cpu_real_ptr(struct s390_cpu *cpu, uint64_t real, unsigned len,
		      bool store)
{
	uint64_t abs = real_to_abs(cpu->prefix, real);

	if (abs >= cpu->mem_size || len > cpu->mem_size - abs)
		cpu_pgm(cpu, PGM_ADDRESSING);
	if (store)
		mark_dirty(cpu->svm, abs);
	return cpu->mem + abs;
}

/* ---- Interruptions ------------------------------------------------ */

/* The lowcore of this CPU, or NULL when the prefix area is not in storage
 * (then no interruption can be delivered: the CPU check-stops). */
static uint8_t *lowcore(struct s390_cpu *cpu)
{
	if ((uint64_t)cpu->prefix + LOWCORE_SIZE > cpu->mem_size)
		return NULL;
	mark_dirty(cpu->svm, cpu->prefix);
	mark_dirty(cpu->svm, (uint64_t)cpu->prefix + 4096);
	return cpu->mem + cpu->prefix;
}

static _Noreturn void cpu_checkstop(struct s390_cpu *cpu, const char *why)
{
	vm_request_end(cpu->vcpu->vm, VM_END_CHECKSTOP,
		       "CPU %u entered the check-stop state: %s (PSW %016llx %016llx)",
		       cpu->vcpu->id, why,
		       (unsigned long long)cpu_get_psw_mask(cpu),
		       (unsigned long long)cpu->psw_addr);
	struct kvm_run *run = cpu->vcpu->run;
	run->exit_reason = KVM_EXIT_S390_SIEIC;
	run->s390_sieic.icptcode = ICPT_VALIDITY;
	cpu->exit_pending = true;
	longjmp(cpu->jmp, 1);
}

void cpu_load_psw(struct s390_cpu *cpu, uint64_t mask, uint64_t addr)
{
	uint64_t changed = cpu->psw_mask ^ mask;

	if (changed & PSW_MASK_KEY)
		cpu_tlb_flush(cpu);
	cpu->psw_mask = mask & ~PSW_MASK_CC;
	/* DAT on/off and the address-space control select TLB tags. */
	if (changed & (PSW_MASK_DAT | PSW_MASK_ASC))
		dat_space_update(cpu);
	cpu->amask = psw_amask(mask);
	cpu->cc = (unsigned)((mask & PSW_MASK_CC) >> PSW_SHIFT_CC);
	cpu->psw_addr = addr;
	cpu_attention(cpu);
}

/* Store the current PSW (with old_addr) at old_off, load the PSW at new_off. */
static void psw_swap(struct s390_cpu *cpu, uint8_t *lc, unsigned old_off,
		     unsigned new_off, uint64_t old_addr)
{
	be64_st(lc + old_off, cpu_get_psw_mask(cpu));
	be64_st(lc + old_off + 8, old_addr);
	cpu_load_psw(cpu, be64_ld(lc + new_off), be64_ld(lc + new_off + 8));
}

void cpu_interrupt_svc(struct s390_cpu *cpu, uint8_t code)
{
	uint8_t *lc = lowcore(cpu);

	if (!lc)
		cpu_checkstop(cpu, "prefix area outside storage");
	be16_st(lc + LC_SVC_ILC, (uint16_t)cpu->ilen);
	be16_st(lc + LC_SVC_CODE, code);
	psw_swap(cpu, lc, LC_SVC_OLD_PSW, LC_SVC_NEW_PSW,
		 cpu_wrap(cpu, cpu->insn_addr + cpu->ilen));
}

/* PoP: these exceptions nullify the instruction (old PSW points at it);
 * the rest suppress or complete it (old PSW points at the next one). */
static bool pgm_nullifies(uint16_t code)
{
	switch (code & ~PGM_PER) {
	case PGM_SEGMENT_TRANS: case PGM_PAGE_TRANS: case PGM_ASCE_TYPE:
	case PGM_REGION_FIRST_TRANS: case PGM_REGION_SECOND_TRANS:
	case PGM_REGION_THIRD_TRANS: case PGM_AFX_TRANS: case PGM_ASX_TRANS:
	case PGM_LX_TRANS: case PGM_EX_TRANS: case PGM_PRIMARY_AUTH:
	case PGM_SECONDARY_AUTH: case PGM_LFX_TRANS: case PGM_LSX_TRANS:
	case PGM_ALEN_TRANS: case PGM_ALE_SEQUENCE: case PGM_ASTE_VALIDITY:
	case PGM_ASTE_SEQUENCE: case PGM_EXTENDED_AUTH: case PGM_LSTE_SEQUENCE:
	case PGM_ASTE_INSTANCE:
		return true;
	default:
		return false;
	}
}

static bool pgm_has_teid(uint16_t code)
{
	return pgm_nullifies(code) || (code & ~PGM_PER) == PGM_PROTECTION;
}

/* Deliver a program interruption for the current instruction. */
static void deliver_pgm(struct s390_cpu *cpu, uint16_t code, unsigned ilen,
			uint64_t teid, uint8_t access_id, bool rewind)
{
	uint8_t *lc = lowcore(cpu);
	uint64_t old_addr;

	if (!lc)
		cpu_checkstop(cpu, "prefix area outside storage");
	if (ilen == 0 || rewind)
		old_addr = cpu->insn_addr;
	else
		old_addr = cpu_wrap(cpu, cpu->insn_addr + ilen);
	be16_st(lc + LC_PGM_ILC, (uint16_t)ilen);
	be16_st(lc + LC_PGM_CODE, code);
	if (pgm_has_teid(code)) {
		be64_st(lc + LC_TRANS_EXC_CODE, teid);
		lc[LC_EXC_ACCESS_ID] = access_id;
	}
	psw_swap(cpu, lc, LC_PGM_OLD_PSW, LC_PGM_NEW_PSW, old_addr);
}

_Noreturn void cpu_pgm_trans(struct s390_cpu *cpu, uint16_t code,
			     uint64_t teid, uint8_t exc_access_id)
{
	deliver_pgm(cpu, code, cpu->ilen, teid, exc_access_id,
		    pgm_nullifies(code));
	cpu->in_execute = false;
	longjmp(cpu->jmp, 1);
}

_Noreturn void cpu_pgm(struct s390_cpu *cpu, uint16_t code)
{
	cpu_pgm_trans(cpu, code, 0, 0);
}

_Noreturn void cpu_intercept_insn(struct s390_cpu *cpu, uint64_t insn)
{
	struct kvm_run *run = cpu->vcpu->run;

	run->exit_reason = KVM_EXIT_S390_SIEIC;
	run->s390_sieic.icptcode = ICPT_INSTRUCTION;
	run->s390_sieic.ipa = (uint16_t)(insn >> 48);
	run->s390_sieic.ipb = (uint32_t)(insn >> 16);
	cpu->in_execute = false;
	cpu->exit_pending = true;
	longjmp(cpu->jmp, 1);
}

static _Noreturn void cpu_exit_sieic(struct s390_cpu *cpu, uint8_t icptcode)
{
	struct kvm_run *run = cpu->vcpu->run;

	run->exit_reason = KVM_EXIT_S390_SIEIC;
	run->s390_sieic.icptcode = icptcode;
	run->s390_sieic.ipa = 0;
	run->s390_sieic.ipb = 0;
	cpu->exit_pending = true;
	longjmp(cpu->jmp, 1);
}

static _Noreturn void cpu_exit_intr(struct s390_cpu *cpu)
{
	cpu->vcpu->run->exit_reason = KVM_EXIT_INTR;
	cpu->exit_pending = true;
	longjmp(cpu->jmp, 1);
}

void soft_wake_all(struct soft_vm *svm)
{
	for (unsigned int i = 0; i < VM_MAX_CPUS; i++)
		if (svm->cpus[i])
			cpu_attention(svm->cpus[i]);
	pthread_cond_broadcast(&svm->wake);
}

void cpu_cr_changed(struct s390_cpu *cpu)
{
	/* CR0 (low-address protection) is part of every cached check; a new
	 * ASCE in CR1/CR7/CR13 only selects other TLB tags (dat.c). */
	if (cpu->cr[0] != cpu->tlb_cr0)
		cpu_tlb_flush(cpu);
	dat_space_update(cpu);
	cpu_attention(cpu);
}

bool soft_dequeue_io(struct soft_vm *svm, uint8_t isc_mask, uint32_t sch,
		     struct soft_io_irq *out)
{
	for (unsigned int n = 0; n < svm->io_count; n++) {
		unsigned int i = (svm->io_head + n) % SOFT_MAX_IO_IRQS;
		struct soft_io_irq *irq = &svm->io[i];
		unsigned int isc = (irq->word >> 27) & 7;

		if (!(isc_mask & (0x80 >> isc)))
			continue;
		if (sch && (((uint32_t)irq->schid << 16) | irq->schnr) != sch)
			continue;
		*out = *irq;
		/* Close the gap, keeping FIFO order. */
		for (unsigned int m = n; m + 1 < svm->io_count; m++) {
			unsigned int a = (svm->io_head + m) % SOFT_MAX_IO_IRQS;
			unsigned int b = (svm->io_head + m + 1) % SOFT_MAX_IO_IRQS;
			svm->io[a] = svm->io[b];
		}
		svm->io_count--;
		return true;
	}
	return false;
}

static bool ckc_pending(struct s390_cpu *cpu, uint64_t tod)
{
	return tod > cpu->ckc;
}

static bool cputm_pending(struct s390_cpu *cpu, uint64_t tod)
{
	return (int64_t)(cpu->cputm_deadline - tod) < 0;
}

static void deliver_ext(struct s390_cpu *cpu, uint8_t *lc, uint16_t code,
			uint16_t cpu_addr, uint32_t params)
{
	be16_st(lc + LC_EXT_INT_CODE, code);
	be16_st(lc + LC_EXT_CPU_ADDR, cpu_addr);
	if (code == EXT_SERVICE_SIGNAL || code == EXT_VIRTIO)
		be32_st(lc + LC_EXT_PARAMS, params);
	psw_swap(cpu, lc, LC_EXT_OLD_PSW, LC_EXT_NEW_PSW, cpu->psw_addr);
}

/*
 * Deliver the highest-priority pending interruption that the PSW and the
 * control registers allow (PoP "Priority of Interruptions"): program
 * interruptions injected by userspace, machine check, external, I/O,
 * restart.  Returns true if one was delivered.  Caller holds irq_lock.
 * The lowcore is marked dirty by deliver_one(), only when it was written.
 */
static bool deliver_pending(struct s390_cpu *cpu, uint64_t tod)
{
	struct soft_vm *svm = cpu->svm;
	uint8_t *lc = (uint64_t)cpu->prefix + LOWCORE_SIZE > cpu->mem_size ?
		      NULL : cpu->mem + cpu->prefix;

	if (!lc)
		return false;

	if (cpu->pgm_pending) {
		cpu->pgm_pending = false;
		/* Flags bits 1-2 hold the ILC in the lowcore's format, which
		 * is the length in bytes (as KVM's __deliver_prog reads it). */
		unsigned ilen = cpu->pgm_info.flags & KVM_S390_PGM_FLAGS_ILC_VALID ?
			cpu->pgm_info.flags & KVM_S390_PGM_FLAGS_ILC_MASK : 0;
		bool rewind = pgm_nullifies(cpu->pgm_info.code) &&
			!(cpu->pgm_info.flags & KVM_S390_PGM_FLAGS_NO_REWIND);
		/* The PSW already points past the intercepted instruction. */
		cpu->insn_addr = cpu_wrap(cpu, cpu->psw_addr - ilen);
		deliver_pgm(cpu, cpu->pgm_info.code, ilen,
			    cpu->pgm_info.trans_exc_code,
			    cpu->pgm_info.exc_access_id, rewind);
		return true;
	}

	if (svm->mchk_pending && (cpu->psw_mask & PSW_MASK_MCHECK) &&
	    (cpu->cr[14] & svm->mchk.cr14)) {
		svm->mchk_pending = false;
		be64_st(lc + LC_MCCK_CODE, svm->mchk.mcic);
		be64_st(lc + LC_FAILING_STORAGE, svm->mchk.failing_storage_address);
		be32_st(lc + LC_EXT_DAMAGE_CODE, svm->mchk.ext_damage_code);
		psw_swap(cpu, lc, LC_MCCK_OLD_PSW, LC_MCCK_NEW_PSW, cpu->psw_addr);
		return true;
	}

	if (cpu->psw_mask & PSW_MASK_EXT) {
		uint64_t cr0 = cpu->cr[0];

		if (cr0 & CR0_EMERGENCY_SIGNAL) {
			for (unsigned int w = 0; w < VM_MAX_CPUS / 64; w++) {
				if (!cpu->emerg_pending[w])
					continue;
				unsigned int b = (unsigned)__builtin_ctzll(cpu->emerg_pending[w]);
				cpu->emerg_pending[w] &= ~(1ULL << b);
				deliver_ext(cpu, lc, EXT_EMERGENCY_SIGNAL,
					    (uint16_t)(w * 64 + b), 0);
				return true;
			}
		}
		if ((cr0 & CR0_EXTERNAL_CALL) && cpu->extcall_pending) {
			cpu->extcall_pending = false;
			deliver_ext(cpu, lc, EXT_EXTERNAL_CALL, cpu->extcall_src, 0);
			return true;
		}
		if ((cr0 & CR0_CLOCK_COMP) && ckc_pending(cpu, tod)) {
			deliver_ext(cpu, lc, EXT_CLOCK_COMP, 0, 0);
			return true;
		}
		if ((cr0 & CR0_CPU_TIMER) && cputm_pending(cpu, tod)) {
			deliver_ext(cpu, lc, EXT_CPU_TIMER, 0, 0);
			return true;
		}
		if ((cr0 & CR0_SERVICE_SIGNAL) && svm->service_pending) {
			svm->service_pending = false;
			deliver_ext(cpu, lc, EXT_SERVICE_SIGNAL, 0, svm->service_parm);
			svm->service_parm = 0;
			return true;
		}
		/* KVM gates 0x2603 by the service-signal subclass mask too. */
		if ((cr0 & CR0_SERVICE_SIGNAL) && svm->ext_virtio_count) {
			unsigned int h = svm->ext_virtio_head;

			be64_st(lc + LC_EXT_PARAMS2, svm->ext_virtio[h].parm64);
			deliver_ext(cpu, lc, EXT_VIRTIO, EXT_VIRTIO_CPU_ADDR,
				    svm->ext_virtio[h].parm);
			svm->ext_virtio_head = (h + 1) % SOFT_MAX_EXT_VIRTIO;
			svm->ext_virtio_count--;
			return true;
		}
	}

	if ((cpu->psw_mask & PSW_MASK_IO) && svm->io_count) {
		struct soft_io_irq irq;
		uint8_t isc_mask = (uint8_t)(cpu->cr[6] >> 24);

		if (soft_dequeue_io(svm, isc_mask, 0, &irq)) {
			be16_st(lc + LC_SUBCHANNEL_ID, irq.schid);
			be16_st(lc + LC_SUBCHANNEL_NR, irq.schnr);
			be32_st(lc + LC_IO_INT_PARM, irq.parm);
			be32_st(lc + LC_IO_INT_WORD, irq.word);
			psw_swap(cpu, lc, LC_IO_OLD_PSW, LC_IO_NEW_PSW, cpu->psw_addr);
			return true;
		}
	}

	if (cpu->restart_pending) {
		cpu->restart_pending = false;
		psw_swap(cpu, lc, LC_RESTART_OLD_PSW, LC_RESTART_NEW_PSW,
			 cpu->psw_addr);
		return true;
	}
	return false;
}

/* After the stores: also called in the wait state, where a dirty-log sync
 * does not wait for this CPU (soft_tlb_flush_sync). */
static bool deliver_one(struct s390_cpu *cpu, uint64_t tod)
{
	if (!deliver_pending(cpu, tod))
		return false;
	mark_dirty(cpu->svm, cpu->prefix);
	mark_dirty(cpu->svm, (uint64_t)cpu->prefix + 4096);
	return true;
}

/* Is any interruption the current PSW could take pending? (irq_lock held) */
static bool enabled_wait_ends(struct s390_cpu *cpu, uint64_t tod)
{
	return deliver_one(cpu, tod);
}

int soft_store_status(struct s390_cpu *cpu, uint64_t addr, bool arch_byte)
{
	/* addr is the absolute address corresponding to offset 0x1200. */
	uint64_t base = addr - LC_FPREGS_SAVE;

	if (addr < LC_FPREGS_SAVE || addr + 0x200 > cpu->mem_size)
		return -EFAULT;
	uint8_t *p = cpu->mem + base;
	if (arch_byte) {
		if (LC_ARCH_MODE_ID >= cpu->mem_size)
			return -EFAULT;
		cpu->mem[LC_ARCH_MODE_ID] = 1;
		mark_dirty(cpu->svm, 0);
	}
	for (int i = 0; i < 16; i++) {
		be64_st(p + LC_FPREGS_SAVE + 8 * i, cpu->fpr[i]);
		be64_st(p + LC_GPREGS_SAVE + 8 * i, cpu->gr[i]);
		be32_st(p + LC_AREGS_SAVE + 4 * i, cpu->ar[i]);
		be64_st(p + LC_CREGS_SAVE + 8 * i, cpu->cr[i]);
	}
	be64_st(p + LC_PSW_SAVE, cpu_get_psw_mask(cpu));
	be64_st(p + LC_PSW_SAVE + 8, cpu->psw_addr);
	be32_st(p + LC_PREFIX_SAVE, cpu->prefix);
	be32_st(p + LC_FPC_SAVE, cpu->fpc);
	be32_st(p + LC_TODPR_SAVE, cpu->todpr);
	be64_st(p + LC_CPUTM_SAVE, (uint64_t)soft_get_cputm(cpu));
	be64_st(p + LC_CKC_SAVE, cpu->ckc >> 8);
	mark_dirty(cpu->svm, addr);
	mark_dirty(cpu->svm, addr + 0x1ff);
	return 0;
}

/*
 * The CPU's attention flag is set: take a kick, a stop request, or an
 * interruption; may leave the run loop through longjmp.
 */
static void service_attention(struct s390_cpu *cpu)
{
	struct soft_vm *svm = cpu->svm;

	atomic_store_explicit(&cpu->attention, 0, memory_order_relaxed);
	pthread_mutex_lock(&svm->irq_lock);
	if (cpu->stop_pending) {
		/* KVM: a pending SIGP stop ends SIE with the stop intercept. */
		bool store = cpu->stop_store_status;

		cpu->stop_pending = false;
		cpu->stop_store_status = false;
		pthread_mutex_unlock(&svm->irq_lock);
		if (store)
			soft_store_status(cpu, LC_FPREGS_SAVE, true);
		cpu_exit_sieic(cpu, ICPT_STOP);
	}
	if (cpu->kicked) {
		cpu->kicked = false;
		pthread_mutex_unlock(&svm->irq_lock);
		cpu_exit_intr(cpu);
	}
	if (cpu->prefix_pending) {
		cpu->prefix_pending = false;
		cpu->prefix = cpu->pending_prefix;
		cpu_tlb_flush(cpu);
	}
	if (cpu->tlb_gen != atomic_load_explicit(&svm->tlb_gen, memory_order_acquire))
		cpu_tlb_flush(cpu);
	uint64_t tod = cpu_tod(cpu);
	bool again = false;
	/* Deliver at most a few per pass so a storm cannot starve the loop. */
	for (int n = 0; n < 4 && deliver_one(cpu, tod); n++)
		again = true;
	pthread_mutex_unlock(&svm->irq_lock);
	if (again)
		cpu_attention(cpu);
}

/* Absolute time for pthread_cond_timedwait from a TOD deadline. */
static void tod_deadline_to_timespec(struct s390_cpu *cpu, uint64_t deadline,
				     struct timespec *ts)
{
	uint64_t now = cpu_tod(cpu);
	uint64_t delta_ns = deadline > now ? ((deadline - now) >> 12) * 1000 : 0;

	if (delta_ns > 1000000000ULL)
		delta_ns = 1000000000ULL;
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += (long)(delta_ns % 1000000000ULL);
	ts->tv_sec += (time_t)(delta_ns / 1000000000ULL);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
}

/*
 * The wait state (PSW bit 14).  A disabled wait leaves SIE with the wait
 * intercept, as KVM reports it; an enabled wait sleeps here until an
 * interruption can be taken, the timers fire, or the CPU is kicked.
 */
static void cpu_wait(struct s390_cpu *cpu)
{
	struct soft_vm *svm = cpu->svm;

	if (!(cpu->psw_mask & (PSW_MASK_IO | PSW_MASK_EXT | PSW_MASK_MCHECK)))
		cpu_exit_sieic(cpu, ICPT_WAIT);

	pthread_mutex_lock(&svm->irq_lock);
	for (;;) {
		if (cpu->stop_pending || cpu->kicked) {
			pthread_mutex_unlock(&svm->irq_lock);
			service_attention(cpu);
			return;
		}
		uint64_t tod = cpu_tod(cpu);
		if (cpu->prefix_pending || enabled_wait_ends(cpu, tod))
			break;
		uint64_t deadline = tod + (1000000ULL << 12);	/* 1 s */
		if ((cpu->psw_mask & PSW_MASK_EXT) && (cpu->cr[0] & CR0_CLOCK_COMP) &&
		    cpu->ckc < deadline)
			deadline = cpu->ckc + 1;
		if ((cpu->psw_mask & PSW_MASK_EXT) && (cpu->cr[0] & CR0_CPU_TIMER) &&
		    (int64_t)(cpu->cputm_deadline - deadline) < 0)
			deadline = cpu->cputm_deadline;
		struct timespec ts;
		tod_deadline_to_timespec(cpu, deadline, &ts);
		pthread_cond_timedwait(&svm->wake, &svm->irq_lock, &ts);
	}
	pthread_mutex_unlock(&svm->irq_lock);
	cpu_attention(cpu);
}

/* ---- SIGP orders a KVM host answers in the kernel ----------------- */

int soft_sigp_kernel(struct s390_cpu *cpu, uint8_t order, uint16_t dst,
		     uint64_t param, uint32_t *status)
{
	struct soft_vm *svm = cpu->svm;
	struct s390_cpu *t;
	int cc = SIGP_CC_ORDER_CODE_ACCEPTED;

	(void)param;
	switch (order) {
	case SIGP_SENSE:
	case SIGP_EXTERNAL_CALL:
	case SIGP_EMERGENCY_SIGNAL:
	case SIGP_COND_EMERGENCY_SIGNAL:
	case SIGP_SENSE_RUNNING:
		break;
	default:
		return -1;
	}
	if (dst >= VM_MAX_CPUS)
		return SIGP_CC_NOT_OPERATIONAL;

	pthread_mutex_lock(&svm->irq_lock);
	t = svm->cpus[dst];
	if (!t) {
		pthread_mutex_unlock(&svm->irq_lock);
		return SIGP_CC_NOT_OPERATIONAL;
	}
	bool stopped = t->mp_state == KVM_MP_STATE_STOPPED;
	switch (order) {
	case SIGP_SENSE:
		*status = (stopped ? SIGP_STAT_STOPPED : 0) |
			  (t->extcall_pending ? SIGP_STAT_EXT_CALL_PENDING : 0);
		cc = *status ? SIGP_CC_STATUS_STORED : SIGP_CC_ORDER_CODE_ACCEPTED;
		break;
	case SIGP_SENSE_RUNNING:
		/* "Running" means: operating and not in the wait state. */
		if (stopped || (t->psw_mask & PSW_MASK_WAIT)) {
			*status = SIGP_STAT_NOT_RUNNING;
			cc = SIGP_CC_STATUS_STORED;
		}
		break;
	case SIGP_EXTERNAL_CALL:
		if (t->extcall_pending) {
			*status = SIGP_STAT_EXT_CALL_PENDING;
			cc = SIGP_CC_STATUS_STORED;
			break;
		}
		t->extcall_pending = true;
		t->extcall_src = (uint16_t)cpu->vcpu->id;
		break;
	case SIGP_COND_EMERGENCY_SIGNAL: {
		/* Signal unless the target is operating, enabled, and either
		 * waiting at address zero or running in the given ASN (the
		 * conditions of KVM's implementation). */
		uint64_t ints = PSW_MASK_IO | PSW_MASK_EXT;
		bool idle = t->psw_mask & PSW_MASK_WAIT;
		uint16_t asn = (uint16_t)param;
		uint16_t p_asn = (uint16_t)t->cr[4], s_asn = (uint16_t)t->cr[3];
		if (!(stopped || (t->psw_mask & ints) != ints ||
		      (idle && t->psw_addr != 0) ||
		      (!idle && (asn == p_asn || asn == s_asn)))) {
			*status = SIGP_STAT_INCORRECT_STATE;
			cc = SIGP_CC_STATUS_STORED;
			break;
		}
	}
		/* fall through */
	case SIGP_EMERGENCY_SIGNAL:
		t->emerg_pending[cpu->vcpu->id / 64] |= 1ULL << (cpu->vcpu->id % 64);
		break;
	}
	if (cc == SIGP_CC_ORDER_CODE_ACCEPTED && order != SIGP_SENSE &&
	    order != SIGP_SENSE_RUNNING) {
		cpu_attention(t);
		pthread_cond_broadcast(&svm->wake);
	}
	pthread_mutex_unlock(&svm->irq_lock);
	return cc;
}

/* ---- The run loop ------------------------------------------------- */

/* The clock comparator or CPU timer may have become pending. */
static void check_timers(struct s390_cpu *cpu)
{
	if ((cpu->psw_mask & PSW_MASK_EXT) &&
	    (cpu->cr[0] & (CR0_CLOCK_COMP | CR0_CPU_TIMER))) {
		uint64_t tod = cpu_tod(cpu);
		if (((cpu->cr[0] & CR0_CLOCK_COMP) && ckc_pending(cpu, tod)) ||
		    ((cpu->cr[0] & CR0_CPU_TIMER) && cputm_pending(cpu, tod)))
			cpu_attention(cpu);
	}
}

/* Instruction fetch outside the cached code page, or near its end. */
static uint64_t fetch_slow(struct s390_cpu *cpu, uint64_t addr, unsigned *lenp)
{
	if (addr & 1) {
		cpu->ilen = 0;	/* recognized at fetch: ILC 0 */
		cpu_pgm(cpu, PGM_SPECIFICATION);
	}
	const uint8_t *p = cpu_ptr(cpu, addr, 2, ACC_IFETCH);
	unsigned len = insn_length(p[0]);
	uint64_t insn = (uint64_t)be16_ld(p) << 48;

	/* Make this the current code page (cpu_ptr made it a TLB entry). */
	cpu->ipage = addr & ~0xfffULL;
	cpu->ihost = p - (addr & 0xfff);
	for (unsigned off = 2; off < len; off += 2) {
		uint64_t a = cpu_wrap(cpu, addr + off);
		p = cpu_ptr(cpu, a, 2, ACC_IFETCH);
		insn |= (uint64_t)be16_ld(p) << (48 - 8 * off);
	}
	*lenp = len;
	return insn;
}

/* Instruction fetch.  The common case, eight bytes readable inside the
 * current code page, is one compare and one load; the length comes from
 * the first two bits (insn_length). */
static inline uint64_t fetch(struct s390_cpu *cpu, uint64_t addr,
			     unsigned *lenp)
{
	uint64_t off = addr & 0xfff;

	/* The page and the odd bit in one compare (ipage is even). */
	if (__builtin_expect(((addr & ~0xffeULL) == cpu->ipage) & (off <= 4096 - 8), 1)) {
		uint64_t raw = be64_ld(cpu->ihost + off);
		unsigned len = insn_length((uint8_t)(raw >> 56));

		*lenp = len;
		return raw & (~0ULL << (64 - 8 * len));
	}
	return fetch_slow(cpu, addr, lenp);
}

_Noreturn void cpu_data_exception(struct s390_cpu *cpu, uint8_t dxc)
{
	be32_st(cpu_real_ptr(cpu, LC_DATA_EXC_CODE, 4, true), dxc);
	if (cpu->cr[0] & CR0_AFP)
		cpu->fpc = (cpu->fpc & ~0x0000ff00U) | (uint32_t)dxc << 8;
	cpu_pgm(cpu, PGM_DATA);
}

void cpu_execute_target(struct s390_cpu *cpu, uint64_t insn,
			uint64_t target_addr)
{
	insn_fn *fn = insn_lookup(insn);

	if (!fn)
		cpu_pgm(cpu, PGM_OPERATION);
	cpu->ex_target = target_addr;
	cpu->in_execute = true;
	fn(cpu, insn);
	cpu->in_execute = false;
}

/*
 * Execute up to limit instructions.  Returns when the limit is reached or
 * when the CPU exits to userspace (kvm_run filled, *exited set).
 */
uint64_t softcpu_loop(struct s390_cpu *cpu, uint64_t limit, bool *exited)
{
	insn_fn *const *tab = insn_dispatch_table();

	*exited = false;
	cpu->exit_pending = false;
	cpu->budget = limit;
	cpu_set_executing(cpu, true);
	if (setjmp(cpu->jmp)) {
		/* A program interruption was delivered, or the CPU exits. */
		cpu->in_execute = false;
		if (cpu->exit_pending) {
			cpu->exit_pending = false;
			*exited = true;
			goto out;
		}
		if (!atomic_load_explicit(&cpu->executing, memory_order_relaxed))
			cpu_set_executing(cpu, true);	/* left cpu_wait() */
		cpu->budget--;
	}
	/*
	 * Everything that is not "execute the next instruction" (a pending
	 * interruption, a kick, a stop, the wait state, which cpu_load_psw()
	 * can only enter by raising attention) hides behind one flag; the
	 * timers are looked at every TIMER_SLICE instructions.
	 */
	while (cpu->budget) {
		if (__builtin_expect(atomic_load_explicit(&cpu->attention,
							  memory_order_acquire), 0)) {
			service_attention(cpu);
			if (cpu->psw_mask & PSW_MASK_WAIT) {
				/* No translations are used while waiting. */
				cpu_set_executing(cpu, false);
				cpu_wait(cpu);
				cpu_set_executing(cpu, true);
				continue;
			}
		}
		if (__builtin_expect((cpu->budget % TIMER_SLICE) == 0, 0))
			check_timers(cpu);

		unsigned len;
		uint64_t addr = cpu->psw_addr;
		cpu->insn_addr = addr;
		uint64_t insn = fetch(cpu, addr, &len);
		cpu->ilen = len;
		cpu->psw_addr = cpu_wrap(cpu, addr + len);
		tab[insn_opc(insn)](cpu, insn);
		cpu->budget--;
	}
out:
	cpu_set_executing(cpu, false);
	cpu->icount += limit - cpu->budget;
	return limit - cpu->budget;
}
