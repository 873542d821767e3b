// SPDX-License-Identifier: MIT
/*
 * The dirty log of live migration (vmm/vm.h vm_dirty_log_*): after start
 * nothing is dirty; every path that writes guest RAM reports exactly the
 * 4K frames it wrote, once: the guest CPU's stores (software CPU, with
 * its TLB), the VMM's own writes (vm_write, a virtio-blk read completing
 * into guest buffers and the used ring, STSCH/TSCH storing a SCHIB/IRB
 * through the intercept handlers, an SCLP read-SCP-info SCCB, an ISA DMA
 * transfer to memory, the boot loader is covered by its own marks); a
 * sync clears; stop turns the log off and a new start begins clean.
 * Last, a pre-copy in miniature: two vCPU threads keep storing while
 * this thread syncs and copies the dirty frames; after the final sync
 * the copy must equal guest RAM (a lost mark leaves a stale frame).
 *
 * Uses the device VM of the migration tests (tests/migrate/dev-harness.h:
 * rng, blk, console on subchannels 0-2) and runs its one CPU by hand.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../migrate/dev-harness.h"
#include "arch/s390x/boot.h"
#include "arch/s390x/s390.h"
#include "devices/isa-dma.h"
#include "devices/virtqueue.h"

#define MODE64		0x0000000180000000ULL
#define CODE		0x10000ULL
#define NFRAMES		(DEV_RAM / 4096)
#define WORDS		(NFRAMES / 64)
#define DIAG(code)	(0x83000000ULL | (code))

static struct dvm d;
static struct vm *vm;
static struct vcpu *cpu;

/* ---- helpers ---- */

static void put(uint64_t addr, uint64_t insn, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		vm->ram[addr + i] = (uint8_t)(insn >> (8 * (len - 1 - i)));
}

static void set_gpr(unsigned int r, uint64_t v)
{
	struct kvm_regs regs;

	vm->ops->get_regs(cpu, &regs);
	regs.gprs[r] = v;
	vm->ops->set_regs(cpu, &regs);
}

static void start_at(uint64_t addr)
{
	vm->ops->set_initial_psw(cpu, MODE64, addr);
	vm->ops->set_mp_state(cpu, KVM_MP_STATE_OPERATING);
}

/* Run to the first exit; handle it unless it is the DIAG 0x500 stop. */
static bool run_one_exit(bool handle)
{
	if (vm->ops->run(cpu) != 0)
		return false;
	if (!handle)
		return true;
	return vcpu_handle_exit(cpu) == 0;
}

static bool is_diag(unsigned int code)
{
	struct kvm_run *run = cpu->run;

	return run->exit_reason == KVM_EXIT_S390_SIEIC &&
	       run->s390_sieic.icptcode == ICPT_INSTRUCTION &&
	       run->s390_sieic.ipa == 0x8300 &&
	       run->s390_sieic.ipb == (uint32_t)code << 16;
}

static bool sync_into(uint64_t *bm)
{
	char *err = NULL;
	int rc = vm_dirty_log_sync(vm, bm, &err);

	if (rc < 0) {
		ksft_print_msg("sync: %s\n", err ? err : "?");
		free(err);
	}
	return rc == 0;
}

static bool bit(const uint64_t *bm, uint64_t f)
{
	return bm[f / 64] >> (f % 64) & 1;
}

/* bm holds exactly the frames in want[] (n of them); prints the others. */
static bool exactly(const uint64_t *bm, const uint64_t *want, unsigned int n)
{
	bool ok = true;

	for (uint64_t f = 0; f < NFRAMES; f++) {
		bool wanted = false;

		for (unsigned int i = 0; i < n; i++)
			wanted |= want[i] == f;
		if (bit(bm, f) != wanted) {
			ksft_print_msg("frame 0x%llx: %s\n", (unsigned long long)f,
				       wanted ? "not reported" : "reported, not written");
			ok = false;
		}
	}
	return ok;
}

/* One sync: exactly want[] (n frames) must be reported. */
static bool sync_exactly(const uint64_t *want, unsigned int n)
{
	uint64_t bm[WORDS] = { 0 };

	return sync_into(bm) && exactly(bm, want, n);
}

/* For a device thread, which marks after its write: sync until all of
 * want[] are reported, bounded; then the union must be exactly want[]. */
static bool poll_exactly(const uint64_t *want, unsigned int n)
{
	uint64_t bm[WORDS] = { 0 };
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		bool all = true;

		if (!sync_into(bm))
			return false;
		for (unsigned int i = 0; i < n; i++)
			all &= bit(bm, want[i]);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (all || t.tv_sec - t0.tv_sec > 60)
			break;
		sched_yield();
	}
	return exactly(bm, want, n);
}

static bool sync_is_clean(void)
{
	uint64_t bm[WORDS] = { 0 };

	return sync_into(bm) && exactly(bm, NULL, 0);
}

/* ---- cases ---- */

/* Guest stores: two STGs and an MVC across a page boundary. */
static void guest_code(void)
{
	put(CODE, 0xE3107000, 4);		/* STG 1,0(7) */
	put(CODE + 4, 0x0024, 2);
	put(CODE + 6, 0xE3108000, 4);		/* STG 1,0(8) */
	put(CODE + 10, 0x0024, 2);
	put(CODE + 12, 0xD20F9000A000ULL, 6);	/* MVC 0(16,9),0(10) */
	put(CODE + 18, DIAG(0x500), 4);
	set_gpr(1, 0x1122334455667788ULL);
	set_gpr(7, 0x30000);
	set_gpr(8, 0x52000);
	set_gpr(9, 0x60ff8);
	set_gpr(10, 0x70000);
}

static bool run_guest_stores(void)
{
	start_at(CODE);
	return run_one_exit(false) && is_diag(0x500);
}

static const uint64_t store_frames[] = { 0x30, 0x52, 0x60, 0x61 };

static void t_cpu_stores(void)
{
	bool ok = run_guest_stores();

	ksft_test_result(ok && sync_exactly(store_frames, 4),
			 "guest CPU stores: exactly their frames (STG, STG, MVC across a page)\n");
	/* The same stores again: the TLB entries made by the first run must
	 * not let them pass unmarked after a sync. */
	ok = run_guest_stores();
	ksft_test_result(ok && sync_exactly(store_frames, 4),
			 "guest CPU stores after a sync: marked again (TLB flushed)\n");
}

static void t_vm_write(void)
{
	uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint64_t want[] = { 0x80, 0x81 };

	vm_write(vm, 0x80ffc, b, sizeof(b));
	ksft_test_result(sync_exactly(want, 2), "vm_write across a page: both frames\n");

	/* Out-of-range parts are ignored, nothing crashes. */
	const uint64_t last[] = { NFRAMES - 1 };
	vm_mark_dirty(vm, DEV_RAM - 1, 1ULL << 20);
	vm_mark_dirty(vm, ~0ULL - 5, 100);
	vm_mark_dirty(vm, 0x90000, 0);
	ksft_test_result(sync_exactly(last, 1),
			 "vm_mark_dirty clips at the end of RAM, ignores empty and wrapping ranges\n");
}

/* STSCH, TSCH, SERVC executed by the guest, stored by the intercept
 * handlers (s390_guest_rw, sclp_service_call). */
static void t_intercepts(void)
{
	bool ok;

	put(CODE, 0xB2347000, 4);		/* STSCH 0(7) */
	set_gpr(1, SCH(0));
	set_gpr(7, 0x21000);
	start_at(CODE);
	ok = run_one_exit(true) && (cpu->run->psw_mask >> 44 & 3) == 0;
	const uint64_t schib[] = { 0x21 };
	ksft_test_result(ok && sync_exactly(schib, 1), "STSCH: the SCHIB's frame\n");

	put(CODE, 0xB2358000, 4);		/* TSCH 0(8) */
	set_gpr(8, 0x22fe0);			/* the IRB crosses a page */
	start_at(CODE);
	ok = run_one_exit(true);
	const uint64_t irb[] = { 0x22, 0x23 };
	ksft_test_result(ok && sync_exactly(irb, 2), "TSCH: the IRB's two frames\n");

	put(CODE, 0xB2200023, 4);		/* SERVC 2,3 */
	memset(vm->ram + 0x24000, 0, 4096);
	be16_st(vm->ram + 0x24000, 4096);	/* SCCB length */
	set_gpr(2, 0x00020001);			/* read SCP info */
	set_gpr(3, 0x24000);
	start_at(CODE);
	ok = run_one_exit(true) && (cpu->run->psw_mask >> 44 & 3) == 0 &&
	     be16_ld(vm->ram + 0x24006) == 0x0010;	/* response: done */
	const uint64_t sccb[] = { 0x24 };
	ksft_test_result(ok && sync_exactly(sccb, 1),
			 "SERVC read SCP info: the SCCB's frame (response 0x%04x)\n",
			 be16_ld(vm->ram + 0x24006));

	put(CODE, 0xB25F0020, 4);		/* CHSC 2 */
	memset(vm->ram + 0x25000, 0, 4096);
	be16_st(vm->ram + 0x25000, 16);		/* request length */
	be16_st(vm->ram + 0x25002, 0x0010);	/* store channel-subsystem chars */
	set_gpr(2, 0x25000);
	start_at(CODE);
	ok = run_one_exit(true) && be16_ld(vm->ram + 0x25012) == 0x0001;
	const uint64_t chsc[] = { 0x25 };
	ksft_test_result(ok && sync_exactly(chsc, 1),
			 "CHSC: the response block's frame (response code 0x%04x)\n",
			 be16_ld(vm->ram + 0x25012));

	/* A read-type CCW (SENSE ID, 7 bytes) stores into its data area. */
	const uint64_t data[] = { DATA / 4096 };
	ok = dvm_ccw(vm, SCH(1), 0xE4, 7);
	ksft_test_result(ok && sync_exactly(data, 1),
			 "CCW SENSE ID: the data area's frame\n");
}

/* The boot loader (a reset during migration reloads the guest): a raw
 * Linux image of 0x10010 bytes and a command line, frames 0-0x10. */
static void t_boot_loader(void)
{
	char path[] = "/tmp/dirty-kernel-XXXXXX";
	int fd = mkstemp(path);
	uint8_t *img = calloc(1, 0x10010);
	struct boot_config bc = { .kernel = path, .cmdline = "console=ttyS0" };
	struct boot_info bi;
	char *err = NULL;
	bool ok = fd >= 0 && img;

	if (ok) {
		memcpy(img + LINUX_EP_OFFSET, LINUX_EP_STRING, 6);
		ok = write(fd, img, 0x10010) == 0x10010;
	}
	ok = ok && s390_boot_load(vm, &bc, &bi, &err) == 0;
	if (err)
		ksft_print_msg("boot: %s\n", err);
	free(err);
	uint64_t want[0x11];
	for (unsigned int i = 0; i < 0x11; i++)
		want[i] = i;
	ksft_test_result(ok && sync_exactly(want, 0x11),
			 "boot loader: the image's and the parameter area's frames\n");
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	free(img);
}

/* A virtio-blk IN request of 4 KiB into a buffer across two frames: the
 * data, the status byte, the used ring and the indicator are written;
 * the header and the descriptors are only read. */
static void t_virtio_blk(void)
{
	const uint64_t desc = RING(1), avail = desc + 16 * 16, used = desc + 0x1000;
	const uint64_t hdr = 0x600000, buf = 0x400800, status = 0x500000;
	uint8_t *g = vm->ram;
	bool ok;

	memset(g + hdr, 0, 16);			/* type IN, sector 0 (LE) */
	g[status] = 0xff;
	le64_st(g + desc, hdr);
	le32_st(g + desc + 8, 16);
	le16_st(g + desc + 12, 1);		/* NEXT */
	le16_st(g + desc + 14, 1);
	le64_st(g + desc + 16, buf);
	le32_st(g + desc + 24, 4096);
	le16_st(g + desc + 28, 1 | 2);		/* NEXT | WRITE */
	le16_st(g + desc + 30, 2);
	le64_st(g + desc + 32, status);
	le32_st(g + desc + 40, 1);
	le16_st(g + desc + 44, 2);		/* WRITE */
	le16_st(g + avail + 4, 0);		/* ring[0] = head 0 */
	le16_st(g + avail + 2, 1);		/* idx */
	ok = virtio_ccw_notify(vm->css, SCH(1), 0, 0) >= 0;

	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (ok && le16_ld(g + used + 2) != 1 && t.tv_sec - t0.tv_sec <= 60 &&
		 (sched_yield(), true));
	ok = ok && le16_ld(g + used + 2) == 1;
	const uint64_t want[] = { IND / 4096, used / 4096, buf / 4096,
				  buf / 4096 + 1, status / 4096 };
	ksft_test_result(ok && poll_exactly(want, 5) && g[status] == 0,
			 "virtio-blk read: data frames, status, used ring, indicator "
			 "(status %u)\n", g[status]);
}

/* The other used-ring writers, called directly: split vq_push_many (the
 * used ring's frame), packed vq_push and vq_push_many (the frames of the
 * descriptors they overwrite: descriptors 0 and 1 in one page, 2 in the
 * next). */
static void t_vq_writers(void)
{
	struct virtqueue vq;
	struct vq_used u[2] = { { .head = 0, .ndesc = 1, .len = 4 },
				{ .head = 1, .ndesc = 1, .len = 8 } };
	struct vq_elem e = { .head = 0, .ndesc = 1 };

	vq_reset(&vq);
	vq.desc = 0x700000;
	vq.avail = 0x701000;
	vq.used = 0x702000;
	vq.num = 16;
	vq.ready = vq.le = true;
	const uint64_t split[] = { 0x702 };
	ksft_test_result(vq_push_many(vm, &vq, u, 2) == 0 && sync_exactly(split, 1),
			 "split vq_push_many: the used ring's frame\n");

	vq_reset(&vq);
	vq.desc = 0x710fe0;
	vq.avail = 0x720000;
	vq.used = 0x721000;
	vq.num = 16;
	vq.ready = vq.le = vq.packed = true;
	const uint64_t first[] = { 0x710 }, next[] = { 0x710, 0x711 };
	bool ok = vq_push(vm, &vq, &e, 4) == 0 && sync_exactly(first, 1);
	ok = ok && vq_push_many(vm, &vq, u, 2) == 0 && sync_exactly(next, 2);
	ksft_test_result(ok, "packed vq_push, vq_push_many: the descriptors' frames\n");
}

/* Channel 2 of an 8237 writes 256 bytes to 0x7f80 (frames 7 and 8). */
static void t_isa_dma(void)
{
	struct isa_dma *dma = NULL;
	char *err = NULL;
	uint8_t b[256];
	bool tc = false;
	size_t n = 0;

	if (isa_dma_create(&dma, vm, vm->portio, &err) < 0) {
		ksft_test_result_fail("ISA DMA: create: %s\n", err ? err : "?");
		free(err);
		return;
	}
	memset(b, 0x5a, sizeof(b));
	portio_write(vm->portio, 0x0c, 1, 0);		/* clear flip-flop */
	portio_write(vm->portio, 0x0b, 1, 0x46);	/* ch 2, single, write */
	portio_write(vm->portio, 0x04, 1, 0x80);	/* address 0x7f80 */
	portio_write(vm->portio, 0x04, 1, 0x7f);
	portio_write(vm->portio, 0x05, 1, 0xff);	/* count 256 - 1 */
	portio_write(vm->portio, 0x05, 1, 0x00);
	portio_write(vm->portio, 0x81, 1, 0x00);	/* page 0 */
	portio_write(vm->portio, 0x0a, 1, 0x02);	/* unmask channel 2 */
	n = isa_dma_transfer(dma, ISA_DMA_FLOPPY, b, sizeof(b),
			     ISA_DMA_TO_MEMORY, &tc);
	const uint64_t want[] = { 7, 8 };
	ksft_test_result(n == 256 && tc && vm->ram[0x7f80] == 0x5a &&
			 vm->ram[0x807f] == 0x5a && sync_exactly(want, 2),
			 "ISA DMA to memory: both frames (%zu bytes)\n", n);
	isa_dma_destroy(dma);
}

/* Stop: no log; a new start forgets what happened while stopped. */
static void t_stop_restart(void)
{
	uint64_t bm[WORDS] = { 0 };
	uint8_t b = 1;
	char *err = NULL;

	vm_dirty_log_stop(vm);
	int rc = vm_dirty_log_sync(vm, bm, &err);
	ksft_test_result(rc == -EINVAL && err,
			 "sync while stopped: -EINVAL (%s)\n", err ? err : "no message");
	free(err);
	err = NULL;
	vm_write(vm, 0x90000, &b, 1);
	guest_code();
	bool ok = run_guest_stores();
	ok = ok && vm_dirty_log_start(vm, &err) == 0;
	if (err)
		ksft_print_msg("start: %s\n", err);
	free(err);
	err = NULL;
	ksft_test_result(ok && sync_is_clean(),
			 "start after stop: writes made while stopped are not reported\n");
	ok = vm_dirty_log_start(vm, &err) == -EBUSY;
	free(err);
	ksft_test_result(ok, "a second start: -EBUSY\n");
}

/* ---- pre-copy in miniature ---- */

#define LOOP_BASE	0x200000ULL
#define LOOP_PAGES	64
#define LOOP_CPUS	2

static atomic_bool loop_stop;

static void *loop_thread(void *arg)
{
	struct vcpu *v = arg;

	while (!atomic_load(&loop_stop)) {
		if (v->vm->ops->run(v) != 0 ||
		    v->run->exit_reason != KVM_EXIT_INTR)
			break;
	}
	return NULL;
}

static void copy_frames(uint8_t *shadow, const uint64_t *bm)
{
	for (uint64_t f = 0; f < NFRAMES; f++)
		if (bit(bm, f))
			memcpy(shadow + f * 4096, vm->ram + f * 4096, 4096);
}

/* On a VM of its own with two CPUs, each storing round its own pages. */
static void t_precopy(void)
{
	struct vm *dev_vm = vm;
	struct vcpu *dev_cpu = cpu;
	uint8_t *shadow = malloc(DEV_RAM);
	unsigned int passes = 0, reported = 0, started = 0;
	unsigned int per_cpu[LOOP_CPUS] = { 0 };	/* frames reported */
	pthread_t th[LOOP_CPUS];
	char *err = NULL;
	bool ok = shadow != NULL;

	vm = mig_new_vm("s390-ccw-mini-3", DEV_RAM, LOOP_CPUS);
	/* loop: r3 = 64, r2 = r7; do { r1++; STG r1,0(r2); r2 += 4096 }
	 * while (--r3); again. */
	put(CODE, 0xA7390000 | LOOP_PAGES, 4);	/* LGHI 3,64 */
	put(CODE + 4, 0xB9040027, 4);		/* LGR 2,7 */
	put(CODE + 8, 0xA71B0001, 4);		/* AGHI 1,1 */
	put(CODE + 12, 0xE3102000, 4);		/* STG 1,0(2) */
	put(CODE + 16, 0x0024, 2);
	put(CODE + 18, 0xA72B1000, 4);		/* AGHI 2,4096 */
	put(CODE + 22, 0xA736FFF9, 4);		/* BRCT 3,CODE+8 */
	put(CODE + 26, 0xA7F4FFF3, 4);		/* J CODE */
	for (unsigned int i = 0; i < LOOP_CPUS; i++) {
		cpu = vm->vcpus[i];
		set_gpr(1, 0);
		set_gpr(7, LOOP_BASE + i * LOOP_PAGES * 4096);
		start_at(CODE);
	}
	ok = ok && vm_dirty_log_start(vm, &err) == 0;
	if (err)
		ksft_print_msg("start: %s\n", err);
	free(err);

	uint64_t bm[WORDS];
	if (ok)
		memcpy(shadow, vm->ram, DEV_RAM);	/* the full pass */
	atomic_store(&loop_stop, false);
	for (; ok && started < LOOP_CPUS; started++)
		ok = pthread_create(&th[started], NULL, loop_thread,
				    vm->vcpus[started]) == 0;
	/* At least 200 passes, and until the vCPUs have gone round their
	 * pages a few times (they may not get a CPU at once on a loaded
	 * host). */
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (passes = 0; ok; passes++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		bool all_ran = true;
		for (unsigned int i = 0; i < LOOP_CPUS; i++)
			all_ran &= per_cpu[i] >= 4 * LOOP_PAGES;
		if ((passes >= 200 && all_ran) || t.tv_sec - t0.tv_sec > 60)
			break;
		memset(bm, 0, sizeof(bm));
		ok &= sync_into(bm);
		for (uint64_t w = 0; w < WORDS; w++)
			reported += (unsigned int)__builtin_popcountll(bm[w]);
		for (unsigned int i = 0; i < LOOP_CPUS; i++)
			for (uint64_t f = 0; f < LOOP_PAGES; f++)
				per_cpu[i] += bit(bm, LOOP_BASE / 4096 +
						  i * LOOP_PAGES + f);
		copy_frames(shadow, bm);
		sched_yield();
	}
	atomic_store(&loop_stop, true);
	for (unsigned int i = 0; i < started; i++) {
		vm->ops->kick(vm->vcpus[i]);
		pthread_join(th[i], NULL);
	}
	memset(bm, 0, sizeof(bm));
	ok = ok && sync_into(bm);
	if (ok)
		copy_frames(shadow, bm);

	uint64_t stale = 0, count[LOOP_CPUS];
	for (uint64_t f = 0; ok && f < NFRAMES; f++)
		if (memcmp(shadow + f * 4096, vm->ram + f * 4096, 4096))
			stale++;
	for (unsigned int i = 0; i < LOOP_CPUS; i++) {
		count[i] = be64_ld(vm->ram + LOOP_BASE + i * LOOP_PAGES * 4096);
		ok = ok && count[i] > 0 && per_cpu[i] >= 4 * LOOP_PAGES;
	}
	ksft_test_result(ok && stale == 0,
			 "pre-copy while 2 vCPUs store: copy equals RAM after the last "
			 "sync (%llu stale frames; %u passes, %u frames reported, "
			 "counters %llu %llu)\n", (unsigned long long)stale, passes,
			 reported, (unsigned long long)count[0],
			 (unsigned long long)count[1]);
	vm_dirty_log_stop(vm);
	vm_destroy(vm);
	free(shadow);
	vm = dev_vm;
	cpu = dev_cpu;
}

int main(void)
{
	char *err = NULL;

	ksft_print_header();
	ksft_set_plan(20);
	dvm_create(&d, "s390-ccw-mini-3", 1 << 20, false, false);
	vm = d.vm;
	cpu = vm->vcpus[0];
	if (!dvm_driver(vm, 1, 1, false))
		ksft_exit_fail_msg("virtio-blk driver set-up failed\n");
	guest_code();
	/* Stores before logging starts, the CPU's included, do not count. */
	if (!run_guest_stores())
		ksft_exit_fail_msg("guest did not reach its DIAG\n");

	if (vm_dirty_log_start(vm, &err) < 0)
		ksft_exit_fail_msg("start: %s\n", err ? err : "?");
	ksft_test_result(sync_is_clean(), "after start nothing is dirty\n");
	t_cpu_stores();
	ksft_test_result(sync_is_clean(), "a sync clears: the next one is empty\n");
	t_vm_write();
	t_intercepts();
	t_virtio_blk();
	t_isa_dma();
	t_vq_writers();
	t_boot_loader();
	t_stop_restart();
	t_precopy();
	vm_dirty_log_stop(vm);
	dvm_destroy(&d);
	return ksft_finished();
}
