/* SPDX-License-Identifier: MIT */
/*
 * The software s390x CPU: state and the helpers instruction handlers use.
 *
 * Instruction handlers live in arch/s390x/insn-*.c, one file per family.
 * Each file exports a table of struct insn_def; arch/s390x/decode.c builds
 * the dispatch table from all of them once.  A handler:
 *
 *   - receives the instruction left-justified in a uint64_t (the first
 *     byte is bits 63-56; a 2-byte instruction leaves bits 47-0 zero);
 *   - finds cpu->psw_addr already pointing at the next instruction and
 *     cpu->insn_addr at its own; a branch just writes cpu->psw_addr;
 *   - does every access check before it changes any register or storage
 *     it is not allowed to change on a suppressed instruction;
 *   - raises program interruptions with cpu_pgm(), which does not return
 *     (it longjmps back to the run loop, which delivers the interruption
 *     the way the architecture describes: nullified, suppressed or
 *     completed, with the ILC of the instruction);
 *   - sets the condition code in cpu->cc (0..3).
 *
 * Guest storage is big-endian; the ld/st helpers convert.  All storage
 * references go through cpu_ldN(), cpu_stN() and cpu_ptr(), which apply the
 * addressing mode, DAT (when enabled), prefixing, the storage bounds,
 * key-controlled and low-address protection, and dirty-page tracking.
 */
#ifndef MINIVMM_SOFTCPU_H
#define MINIVMM_SOFTCPU_H

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/s390x/s390.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

struct soft_vm;

#define SOFT_TLB_SIZE		256
#define SOFT_TLB_INVALID	UINT64_MAX
#define SOFT_TLB_SPACES		8	/* ASCEs with live TLB entries */

/* Access types for cpu_ptr(). */
enum cpu_access {
	ACC_FETCH,	/* operand fetch */
	ACC_STORE,	/* operand store */
	ACC_IFETCH,	/* instruction fetch */
};

/* Why the run loop stopped executing instructions (cpu->exit_reason). */
enum cpu_stop {
	CPU_CONTINUE = 0,
	CPU_EXIT,		/* kvm_run is filled, return to userspace */
};

struct s390_cpu {
	/* Architected registers. */
	uint64_t gr[16];
	uint64_t cr[16];
	uint64_t fpr[16];	/* raw 64-bit contents (BFP long / HFP long) */
	uint32_t ar[16];
	uint32_t fpc;
	uint64_t psw_mask;	/* condition code kept in cc, not here */
	uint64_t psw_addr;
	uint64_t amask;		/* address mask of the PSW's addressing mode */
	unsigned int cc;
	uint32_t prefix;
	uint32_t todpr;
	uint64_t ckc;
	uint64_t cputm_deadline; /* TOD value at which the CPU timer is 0
				  * (modulo 2^64: timer = deadline - TOD) */
	uint64_t gbea;
	uint64_t pp;

	/* The instruction being executed. */
	uint64_t insn_addr;
	unsigned int ilen;
	bool in_execute;	/* target of EXECUTE: ILC is EX's */
	uint64_t ex_target;	/* address of the EXECUTE target */
	bool exit_pending;	/* the longjmp to jmp leaves the run loop */

	/* Storage (shared by all CPUs of the VM). */
	uint8_t *mem;
	uint64_t mem_size;
	struct soft_vm *svm;
	struct vcpu *vcpu;

	jmp_buf jmp;		/* cpu_pgm() and cpu_exit() return here */

	/* Interrupt sources local to this CPU; guarded by svm->irq_lock. */
	atomic_uint attention;	/* nonzero: check interrupts/kick/timers */
	uint64_t emerg_pending[VM_MAX_CPUS / 64];	/* by source CPU */
	bool extcall_pending;
	uint16_t extcall_src;
	bool restart_pending;
	bool stop_pending;
	bool stop_store_status;
	bool prefix_pending;
	uint32_t pending_prefix;
	bool kicked;
	/* Program interruption injected by userspace (KVM_S390_PROGRAM_INT). */
	bool pgm_pending;
	struct kvm_s390_pgm_info pgm_info;
	uint32_t mp_state;	/* KVM_MP_STATE_* */

	/* Software TLB: logical page -> host address, per access type.  An
	 * entry exists only for a page whose checks all passed and whose
	 * reference/change and dirty bits are already set (see cpu_ptr_slow). */
	struct soft_tlb_entry {
		uint64_t tag;		/* page address | address-space tag,
					 * or SOFT_TLB_INVALID */
		uintptr_t addend;	/* host address - logical address */
	} tlb[3][SOFT_TLB_SIZE];
	uint64_t tlb_gen;		/* svm->tlb_gen this TLB is current for */
	/* DAT (arch/s390x/dat.c): a tag's low 12 bits name the address space
	 * the entry was formed for: 0 real, n the ASCE space_asce[n - 1].  An
	 * ASCE switch (LCTLG of CR1, SACF) changes tlb_space[] and keeps the
	 * entries of the other spaces, as a TLB may (PoP "Translation-
	 * Lookaside Buffer"); only the purges clear them. */
	uint64_t tlb_space[3];		/* tag bits per access type */
	uint64_t space_asce[SOFT_TLB_SPACES];
	uint32_t space_used;		/* bit n: space_asce[n] is assigned */
	unsigned int space_next;	/* next slot to reassign */
	uint64_t tlb_cr0;		/* CR0 the entries were formed under */
	/* Broadcast purges (soft_tlb_purge_sync): the svm->tlb_gen this CPU
	 * has flushed for, and whether it executes instructions right now. */
	_Atomic uint64_t tlb_ack;
	atomic_bool executing;
	/* The page instructions are fetched from: its logical address and
	 * host address (a copy of its ACC_IFETCH TLB entry). */
	uint64_t ipage;
	const uint8_t *ihost;

	/* Instructions left before the run loop returns (softcpu_step) and
	 * the count executed so far (statistics). */
	uint64_t budget;
	uint64_t icount;
};

/* Program interruption: does not return. ILC from cpu->ilen. */
_Noreturn void cpu_pgm(struct s390_cpu *cpu, uint16_t code);
/* Translation-exception variant: also stores the TEID and access ids. */
_Noreturn void cpu_pgm_trans(struct s390_cpu *cpu, uint16_t code,
			     uint64_t teid, uint8_t exc_access_id);
/* Forward the current instruction to userspace as an instruction intercept
 * (KVM_EXIT_S390_SIEIC, icptcode 4, ipa/ipb from the instruction). */
_Noreturn void cpu_intercept_insn(struct s390_cpu *cpu, uint64_t insn);

static inline void cpu_require_supervisor(struct s390_cpu *cpu)
{
	if (cpu->psw_mask & PSW_MASK_PSTATE)
		cpu_pgm(cpu, PGM_PRIVILEGED);
}

/* Effective address arithmetic in the current addressing mode. */
static inline uint64_t cpu_wrap(const struct s390_cpu *cpu, uint64_t a)
{
	return a & cpu->amask;
}

/* The address mask for the addressing mode of a PSW mask. */
static inline uint64_t psw_amask(uint64_t psw_mask)
{
	if (psw_mask & PSW_MASK_EA)
		return ~0ULL;
	return (psw_mask & PSW_MASK_BA) ? 0x7fffffffULL : 0xffffffULL;
}

/* Change the addressing mode (EA/BA bits) of the current PSW. */
static inline void cpu_set_amode(struct s390_cpu *cpu, uint64_t ea_ba)
{
	cpu->psw_mask = (cpu->psw_mask & ~(PSW_MASK_EA | PSW_MASK_BA)) | ea_ba;
	cpu->amask = psw_amask(cpu->psw_mask);
}

static inline uint64_t cpu_ea(const struct s390_cpu *cpu, unsigned x,
			      unsigned b, int64_t d)
{
	uint64_t a = (uint64_t)d;
	if (x)
		a += cpu->gr[x];
	if (b)
		a += cpu->gr[b];
	return cpu_wrap(cpu, a);
}

/*
 * Host pointer for [addr, addr+len) of logical storage; the range must not
 * cross a 4K boundary.  Raises the architected exception on failure and
 * marks the page dirty on ACC_STORE.
 */
uint8_t *cpu_ptr_slow(struct s390_cpu *cpu, uint64_t addr, unsigned len,
		      enum cpu_access acc);
static inline uint8_t *cpu_ptr(struct s390_cpu *cpu, uint64_t addr,
			       unsigned len, enum cpu_access acc)
{
	const struct soft_tlb_entry *e =
		&cpu->tlb[acc][(addr >> 12) & (SOFT_TLB_SIZE - 1)];

	if (__builtin_expect(e->tag == ((addr & ~0xfffULL) | cpu->tlb_space[acc]) &&
			     (addr & 0xfff) + len <= 4096, 1))
		return (uint8_t *)(uintptr_t)(addr + e->addend);
	return cpu_ptr_slow(cpu, addr, len, acc);
}
/*
 * The access path with an explicit address space (PSW_ASC_*, used when
 * DAT is on) and access key: MVCOS operands.  Same checks as cpu_ptr().
 */
uint8_t *cpu_ptr_as(struct s390_cpu *cpu, uint64_t addr, unsigned len,
		    enum cpu_access acc, unsigned int as, unsigned int key);
/* Forget every TLB entry of this CPU / of every CPU of the VM (the latter
 * takes effect at each CPU's next instruction boundary). */
void cpu_tlb_flush(struct s390_cpu *cpu);
void soft_tlb_flush_all(struct soft_vm *svm);
/* A purge of the TLBs of all CPUs that is complete when it returns (IPTE,
 * IDTE, CSP): every other CPU that executes instructions has passed an
 * instruction boundary and flushed. */
void soft_tlb_purge_sync(struct s390_cpu *cpu);
/* The same from a thread that is not one of the VM's CPUs. */
void soft_tlb_flush_sync(struct soft_vm *svm);
/* Logical -> absolute address of one byte (exceptions as cpu_ptr). */
uint64_t cpu_abs(struct s390_cpu *cpu, uint64_t addr, enum cpu_access acc);
/* Check a whole range (may cross pages) without accessing it. */
void cpu_check_range(struct s390_cpu *cpu, uint64_t addr, uint64_t len,
		     enum cpu_access acc);

/* Byte-string copies between logical storage and a host buffer; the
 * logical range may cross pages and wraps in the addressing mode. */
void cpu_ld_bytes(struct s390_cpu *cpu, uint64_t addr, void *buf, uint64_t len);
void cpu_st_bytes(struct s390_cpu *cpu, uint64_t addr, const void *buf,
		  uint64_t len);

/* Typed big-endian loads and stores; inline so the TLB hit is a few
 * instructions, out of line (byte strings) only across a page end. */
static inline uint8_t cpu_ld8(struct s390_cpu *cpu, uint64_t addr)
{
	return *cpu_ptr(cpu, addr, 1, ACC_FETCH);
}

static inline void cpu_st8(struct s390_cpu *cpu, uint64_t addr, uint8_t v)
{
	*cpu_ptr(cpu, addr, 1, ACC_STORE) = v;
}

#define CPU_DEFINE_LD_ST(bits)						\
static inline uint##bits##_t cpu_ld##bits(struct s390_cpu *cpu,	\
					   uint64_t addr)		\
{									\
	uint8_t b[bits / 8];						\
	if ((addr & 0xfff) + bits / 8 <= 4096)				\
		return be##bits##_ld(cpu_ptr(cpu, addr, bits / 8, ACC_FETCH)); \
	cpu_ld_bytes(cpu, addr, b, bits / 8);				\
	return be##bits##_ld(b);					\
}									\
static inline void cpu_st##bits(struct s390_cpu *cpu, uint64_t addr,	\
				uint##bits##_t v)			\
{									\
	uint8_t b[bits / 8];						\
	if ((addr & 0xfff) + bits / 8 <= 4096) {			\
		be##bits##_st(cpu_ptr(cpu, addr, bits / 8, ACC_STORE), v); \
		return;							\
	}								\
	be##bits##_st(b, v);						\
	cpu_st_bytes(cpu, addr, b, bits / 8);				\
}
CPU_DEFINE_LD_ST(16)
CPU_DEFINE_LD_ST(32)
CPU_DEFINE_LD_ST(64)
#undef CPU_DEFINE_LD_ST

/* Absolute storage [abs, abs + len), which the caller has bounds-checked
 * (DAT-table updates); store marks it dirty. */
uint8_t *cpu_abs_ptr(struct s390_cpu *cpu, uint64_t abs, unsigned len,
		     bool store);
/* Real/absolute storage (for lowcore and store status): no DAT, no key
 * checks; bounds are still checked (addressing exception). */
uint8_t *cpu_real_ptr(struct s390_cpu *cpu, uint64_t real, unsigned len,
		      bool store);

/* Full PSW mask including the condition code. */
static inline uint64_t cpu_get_psw_mask(const struct s390_cpu *cpu)
{
	return (cpu->psw_mask & ~PSW_MASK_CC) |
	       ((uint64_t)cpu->cc << PSW_SHIFT_CC);
}
/* Load a new PSW (LPSWE, interrupts): sets cc from the mask, and makes the
 * run loop re-check interrupts when the masks opened. */
void cpu_load_psw(struct s390_cpu *cpu, uint64_t mask, uint64_t addr);

/* TOD clock of this VM (bit 51 = 1 microsecond). */
uint64_t cpu_tod(struct s390_cpu *cpu);
/* Something changed that may make an interrupt deliverable. */
static inline void cpu_attention(struct s390_cpu *cpu)
{
	atomic_store_explicit(&cpu->attention, 1, memory_order_release);
}

/* SUPERVISOR CALL interruption for the current instruction. */
void cpu_interrupt_svc(struct s390_cpu *cpu, uint8_t code);

/* Execute the instruction insn fetched from target_addr (the target of
 * EXECUTE / EXECUTE RELATIVE LONG). */
void cpu_execute_target(struct s390_cpu *cpu, uint64_t insn,
			uint64_t target_addr);
/* Base of relative addressing (branch targets, LARL, relative-long
 * operands): the instruction's own address, which for the target of
 * EXECUTE is the target's address, not EXECUTE's (PoP "EXECUTE"). */
static inline uint64_t cpu_rel_base(const struct s390_cpu *cpu)
{
	return cpu->in_execute ? cpu->ex_target : cpu->insn_addr;
}
/* Data exception: the DXC goes to real locations 144-147 and, when the
 * AFP-register control (CR0 bit 45) is one, into byte 2 of the FPC. */
_Noreturn void cpu_data_exception(struct s390_cpu *cpu, uint8_t dxc);

/* ---- Instruction tables -------------------------------------------- */

typedef void insn_fn(struct s390_cpu *cpu, uint64_t insn);

/*
 * opc: the primary opcode in bits 15-8 and, for primaries that have an
 * extended opcode, that extension in bits 7-0 (the 4-bit extension of
 * A5/A7/C0/C2/C4/C6/C8/CC, the second byte of 01/B2/B3/B9/E5, the last
 * byte of E3/E7/EB/EC/ED).  Primaries without one use opc = op << 8.
 */
struct insn_def {
	uint16_t opc;
	const char *name;
	insn_fn *fn;
};

struct insn_table {
	const struct insn_def *defs;
	unsigned int count;
};

/* One table per family (arch/s390x/insn-*.c). */
extern const struct insn_table insn_table_arith;	/* insn-arith.c */
extern const struct insn_table insn_table_branch;	/* insn-branch.c */
extern const struct insn_table insn_table_storage;	/* insn-storage.c */
extern const struct insn_table insn_table_fp;		/* insn-fp.c */
extern const struct insn_table insn_table_sys;		/* insn-sys.c */
extern const struct insn_table insn_table_dat;		/* dat.c */

/* Decoder (decode.c). */
/* Per primary opcode: where its extension is (shift) and how wide (mask),
 * so that the opcode key is computed without branches. */
struct insn_ext_field {
	uint8_t shift, mask;
};
extern const struct insn_ext_field insn_ext_field[256];

static inline unsigned int insn_length(uint8_t first_byte)
{
	return (0x6442U >> ((first_byte >> 6) * 4)) & 0xf;
}

static inline uint16_t insn_opc(uint64_t insn)
{
	uint8_t op = insn >> 56;
	const struct insn_ext_field f = insn_ext_field[op];

	return (uint16_t)(op << 8 | ((insn >> f.shift) & f.mask));
}
insn_fn *insn_lookup(uint64_t insn);
const char *insn_name(uint64_t insn);
insn_fn *const *insn_dispatch_table(void);

/* ---- Instruction field extraction (PoP "Instruction Formats") ----- */

#define F_R1(i)		((unsigned)((i) >> 52) & 0xf)	/* RR, RX, RS, RI, RIL */
#define F_R2(i)		((unsigned)((i) >> 48) & 0xf)	/* RR */
#define F_X2(i)		((unsigned)((i) >> 48) & 0xf)	/* RX, RXY */
#define F_R3(i)		((unsigned)((i) >> 48) & 0xf)	/* RS, RSY, RIE */
#define F_M3(i)		((unsigned)((i) >> 48) & 0xf)	/* RS(mask), RIE-x */
#define F_B2(i)		((unsigned)((i) >> 44) & 0xf)	/* RX, RS, RXY, RSY */
#define F_D2(i)		((unsigned)((i) >> 32) & 0xfff)	/* RX, RS */
#define F_I2_16(i)	((uint16_t)((i) >> 32))		/* RI, RIE */
#define F_I2_32(i)	((uint32_t)((i) >> 16))		/* RIL */
/* RRE/RRF: 16-bit opcode, then [m3/r3][m4] r1 r2. */
#define F_RRE_R1(i)	((unsigned)((i) >> 36) & 0xf)
#define F_RRE_R2(i)	((unsigned)((i) >> 32) & 0xf)
#define F_RRF_R3(i)	((unsigned)((i) >> 44) & 0xf)
#define F_RRF_M4(i)	((unsigned)((i) >> 40) & 0xf)
/* RXY/RSY/SIY 20-bit signed displacement: DL2 at bits 32-43, DH2 at 24-31. */
static inline int64_t f_dl_dh(uint64_t i)
{
	int32_t d = (int32_t)(((i >> 32) & 0xfff) | (((i >> 24) & 0xff) << 12));
	return (int64_t)((d ^ 0x80000) - 0x80000);
}
/* SI/SIY: I2 byte, B1, D1. */
#define F_SI_I2(i)	((uint8_t)((i) >> 48))
#define F_SI_B1(i)	((unsigned)((i) >> 44) & 0xf)
#define F_SI_D1(i)	((unsigned)((i) >> 32) & 0xfff)
/* SS: L (or L1/L2, R1/R3), B1, D1, B2, D2. */
#define F_SS_L(i)	((unsigned)((i) >> 48) & 0xff)
#define F_SS_L1(i)	((unsigned)((i) >> 52) & 0xf)
#define F_SS_L2(i)	((unsigned)((i) >> 48) & 0xf)
#define F_SS_B1(i)	((unsigned)((i) >> 44) & 0xf)
#define F_SS_D1(i)	((unsigned)((i) >> 32) & 0xfff)
#define F_SS_B2(i)	((unsigned)((i) >> 28) & 0xf)
#define F_SS_D2(i)	((unsigned)((i) >> 16) & 0xfff)
/* S: 16-bit opcode, B2, D2. SIL/SSE: B1 D1 (I2 | B2 D2). */
#define F_S_B2(i)	((unsigned)((i) >> 44) & 0xf)
#define F_S_D2(i)	((unsigned)((i) >> 32) & 0xfff)
#define F_SIL_I2(i)	((uint16_t)((i) >> 16))
/* RIE/RIS/RRS: the fields after the 8-bit opcode. */
#define F_RIE_I2(i)	((uint16_t)((i) >> 32))
#define F_RIE_M3(i)	((unsigned)((i) >> 28) & 0xf)
#define F_RIE_I3_8(i)	((uint8_t)((i) >> 24))	/* RIE-c/RIS: I2 8-bit */
#define F_RIE_I3(i)	((uint8_t)((i) >> 40))	/* RIE-f (RISBG): I3 */
#define F_RIE_I4(i)	((uint8_t)((i) >> 32))	/* RIE-f: I4 */
#define F_RIE_I5(i)	((uint8_t)((i) >> 24))	/* RIE-f: I5 */

/* Sign extension. */
static inline int64_t sext16(uint16_t v) { return (int16_t)v; }
static inline int64_t sext32(uint32_t v) { return (int32_t)v; }
static inline int64_t sext8(uint8_t v) { return (int8_t)v; }

/* Low/high words of general registers. */
static inline uint32_t gr_lo(const struct s390_cpu *cpu, unsigned r)
{
	return (uint32_t)cpu->gr[r];
}
static inline void gr_set_lo(struct s390_cpu *cpu, unsigned r, uint32_t v)
{
	cpu->gr[r] = (cpu->gr[r] & 0xffffffff00000000ULL) | v;
}
static inline uint32_t gr_hi(const struct s390_cpu *cpu, unsigned r)
{
	return (uint32_t)(cpu->gr[r] >> 32);
}
static inline void gr_set_hi(struct s390_cpu *cpu, unsigned r, uint32_t v)
{
	cpu->gr[r] = (cpu->gr[r] & 0xffffffffULL) | ((uint64_t)v << 32);
}

/* ---- Test hooks ---------------------------------------------------- */

/* The soft CPU behind a vCPU created with soft_backend_ops. */
struct s390_cpu *softcpu_of(struct vcpu *vcpu);
/* Execute up to n instructions on the calling thread (no interrupts are
 * taken unless pending and enabled).  Returns the number executed; stops
 * early with *exited = true when the CPU exited to userspace (kvm_run is
 * then filled as for run()). */
uint64_t softcpu_step(struct vcpu *vcpu, uint64_t n, bool *exited);

/* ---- Backend internals (softcpu.c, insn-sys.c) --------------------- */

#define SOFT_MAX_IO_IRQS	4096
#define SOFT_MAX_EXT_VIRTIO	64

/* A floating I/O interruption (KVM_S390_INT_IO). */
struct soft_io_irq {
	uint16_t schid;		/* subchannel id word: 0x0001 | ssid/cssid */
	uint16_t schnr;
	uint32_t parm;		/* interruption parameter */
	uint32_t word;		/* interruption word: ISC in bits 2-4 */
};

struct soft_vm {
	struct vm *vm;
	uint8_t *mem;
	uint64_t mem_size;
	uint8_t *skeys;			/* one storage key per 4K frame */
	_Atomic uint64_t *dirty;	/* dirty bitmap, one bit per frame */
	uint64_t nframes;

	pthread_mutex_t irq_lock;	/* everything below, and cpu irq state */
	pthread_cond_t wake;		/* CPUs in the enabled wait state */
	bool service_pending;
	uint32_t service_parm;
	/* KVM_S390_INT_VIRTIO floating external interruptions (code 0x2603;
	 * the port-I/O bridge's interrupt lines): a FIFO, as KVM lists them. */
	struct { uint32_t parm; uint64_t parm64; } ext_virtio[SOFT_MAX_EXT_VIRTIO];
	unsigned int ext_virtio_head, ext_virtio_count;
	struct soft_io_irq io[SOFT_MAX_IO_IRQS];	/* FIFO ring */
	unsigned int io_head, io_count;
	bool mchk_pending;
	struct kvm_s390_mchk_info mchk;
	int64_t tod_offset;		/* guest TOD - host TOD */
	_Atomic uint64_t last_tod;	/* STCK uniqueness */
	_Atomic uint64_t tlb_gen;	/* bumped by soft_tlb_flush_all() */
	pthread_mutex_t cdsg_lock;	/* 16-byte COMPARE DOUBLE AND SWAP */
	struct s390_cpu *cpus[VM_MAX_CPUS];
};

/* Dequeue the oldest pending I/O interruption whose ISC passes isc_mask
 * (bit 7-n for ISC n, i.e. CR6 bits 32-39 >> 24); subchannel match when
 * schid/schnr != 0.  Caller holds irq_lock. */
bool soft_dequeue_io(struct soft_vm *svm, uint8_t isc_mask, uint32_t sch,
		     struct soft_io_irq *out);
/* Wake all CPUs of the VM to re-evaluate interrupts. Caller holds irq_lock. */
void soft_wake_all(struct soft_vm *svm);
/* The in-kernel SIGP orders (sense, external call, emergency signal,
 * conditional emergency signal, sense running).  Returns the cc; stores
 * status into *status for cc 1.  Returns -1 if userspace must do it. */
int soft_sigp_kernel(struct s390_cpu *cpu, uint8_t order, uint16_t dst,
		     uint64_t param, uint32_t *status);
/* Store status of cpu at absolute address addr (PoP "Store Status"). */
int soft_store_status(struct s390_cpu *cpu, uint64_t addr, bool arch_byte);
/* The facility list reported by STFL/STFLE (insn-sys.c). */
extern const uint64_t soft_facilities[4];
/* Initial CPU reset of architected state (PoP "CPU Reset"). */
void soft_cpu_initial_reset(struct s390_cpu *cpu);
void soft_cpu_reset(struct s390_cpu *cpu);
/* Set the CPU timer value (SPT) / read it (STPT). */
void soft_set_cputm(struct s390_cpu *cpu, int64_t value);
int64_t soft_get_cputm(struct s390_cpu *cpu);
/* Host time as a TOD value (guest TOD = this + svm->tod_offset). */
uint64_t soft_host_tod(void);
/* Execute up to limit instructions (softcpu.c); see softcpu_step(). */
uint64_t softcpu_loop(struct s390_cpu *cpu, uint64_t limit, bool *exited);
/* The CPU changed a control register: re-check pending interrupts. */
void cpu_cr_changed(struct s390_cpu *cpu);
/* Pending interruptions as kvm_s390_irq arrays (softcpu-irqstate.c; the
 * backend ops get/set_irq_state and get/set_floating_irqs). */
int soft_get_irq_state(struct vcpu *vcpu, struct kvm_s390_irq *irqs,
		       unsigned int max);
int soft_set_irq_state(struct vcpu *vcpu, const struct kvm_s390_irq *irqs,
		       unsigned int n);
int soft_get_floating_irqs(struct vm *vm, struct kvm_s390_irq *irqs,
			   unsigned int max);
int soft_set_floating_irqs(struct vm *vm, const struct kvm_s390_irq *irqs,
			   unsigned int n);

#endif
