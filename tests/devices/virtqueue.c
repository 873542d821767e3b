// SPDX-License-Identifier: MIT
/*
 * The split-virtqueue walker against rings built by hand in guest
 * storage: legacy (big-endian) and modern (little-endian) byte order,
 * chains, indirect tables, event index, and every malformed ring a
 * driver can produce (loops, indices out of range, buffers outside
 * storage, nested indirect tables).  Ends with a bounded random test.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtqueue.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define RAM	(16ULL << 20)
#define DESC	0x10000ULL
#define AVAIL	0x11000ULL
#define USED	0x12000ULL
#define ITABLE	0x13000ULL
#define NUM	16

static struct vm *vm;
static struct virtqueue vq;
static struct vq_elem e;

static uint8_t *G(uint64_t a)
{
	return vm->ram + a;
}

static void w16(uint64_t a, uint16_t v)
{
	if (vq.le)
		le16_st(G(a), v);
	else
		be16_st(G(a), v);
}

static void w32(uint64_t a, uint32_t v)
{
	if (vq.le)
		le32_st(G(a), v);
	else
		be32_st(G(a), v);
}

static void w64(uint64_t a, uint64_t v)
{
	if (vq.le)
		le64_st(G(a), v);
	else
		be64_st(G(a), v);
}

static uint16_t r16(uint64_t a)
{
	return vq.le ? le16_ld(G(a)) : be16_ld(G(a));
}

static uint32_t r32(uint64_t a)
{
	return vq.le ? le32_ld(G(a)) : be32_ld(G(a));
}

static void desc(uint64_t table, unsigned int i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint64_t d = table + 16ULL * i;

	w64(d, addr);
	w32(d + 8, len);
	w16(d + 12, flags);
	w16(d + 14, next);
}

/* Make head available as the next entry. */
static uint16_t avail_idx;
static void offer(uint16_t head)
{
	w16(AVAIL + 4 + 2 * (avail_idx % NUM), head);
	avail_idx++;
	w16(AVAIL + 2, avail_idx);
}

static void fresh(bool le)
{
	memset(G(DESC), 0, 0x4000);
	vq_reset(&vq);
	vq.desc = DESC;
	vq.avail = AVAIL;
	vq.used = USED;
	vq.num = NUM;
	vq.ready = true;
	vq.le = le;
	vq.indirect = true;
	avail_idx = 0;
}

static void test_basic(bool le)
{
	const char *bo = le ? "modern" : "legacy";

	fresh(le);
	ksft_test_result(vq_valid(vm, &vq) && vq_pop(vm, &vq, &e) == 0,
			 "%s: valid ring, nothing available\n", bo);
	desc(DESC, 3, 0x20000, 16, VRING_DESC_F_NEXT, 7);
	desc(DESC, 7, 0x21000, 100, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 9);
	desc(DESC, 9, 0x22000, 1, VRING_DESC_F_WRITE, 0);
	offer(3);
	int r = vq_pop(vm, &vq, &e);
	ksft_test_result(r == 1 && e.head == 3 && e.nseg == 3 && e.nout == 1 &&
			 e.out_len == 16 && e.in_len == 101 &&
			 e.seg[1].addr == 0x21000 && e.seg[2].write,
			 "%s: three-descriptor chain\n", bo);
	memcpy(G(0x20000), "0123456789abcdef", 16);
	char buf[20] = { 0 };
	ksft_test_result(vq_elem_read(vm, &e, 4, buf, 20) == 12 &&
			 !memcmp(buf, "456789abcdef", 12) &&
			 vq_elem_write(vm, &e, 98, "xyz", 3) == 3 &&
			 !memcmp(G(0x21000 + 98), "xy", 2) && G(0x22000)[0] == 'z',
			 "%s: element copies span segments\n", bo);
	ksft_test_result(vq_push(vm, &vq, &e, 101) == 0 && r16(USED + 2) == 1 &&
			 r32(USED + 4) == 3 && r32(USED + 8) == 101,
			 "%s: used entry and index\n", bo);

	/* Indirect: one ring descriptor pointing at a 2-entry table. */
	desc(ITABLE, 0, 0x20000, 8, VRING_DESC_F_NEXT, 1);
	desc(ITABLE, 1, 0x21000, 8, VRING_DESC_F_WRITE, 0);
	desc(DESC, 5, ITABLE, 32, VRING_DESC_F_INDIRECT, 0);
	offer(5);
	r = vq_pop(vm, &vq, &e);
	ksft_test_result(r == 1 && e.head == 5 && e.nseg == 2 && e.nout == 1 &&
			 e.seg[1].addr == 0x21000,
			 "%s: indirect table\n", bo);
}

static int pop_one(uint16_t head)
{
	offer(head);
	return vq_pop(vm, &vq, &e);
}

static void test_bad(void)
{
	fresh(true);
	desc(DESC, 0, 0x20000, 8, VRING_DESC_F_NEXT, 1);
	desc(DESC, 1, 0x20000, 8, VRING_DESC_F_NEXT, 0);
	ksft_test_result(pop_one(0) == -EINVAL, "descriptor loop\n");

	fresh(true);
	ksft_test_result(pop_one(NUM) == -EINVAL, "head index out of range\n");

	fresh(true);
	desc(DESC, 0, 0x20000, 8, VRING_DESC_F_NEXT, NUM + 3);
	ksft_test_result(pop_one(0) == -EINVAL, "next index out of range\n");

	fresh(true);
	desc(DESC, 0, RAM - 4, 8, 0, 0);
	ksft_test_result(pop_one(0) == -EINVAL, "buffer past the end of storage\n");

	fresh(true);
	desc(DESC, 0, 0x20000, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc(DESC, 1, 0x20000, 8, 0, 0);
	ksft_test_result(pop_one(0) == -EINVAL,
			 "readable descriptor after a writable one\n");

	fresh(true);
	desc(ITABLE, 0, ITABLE, 16, VRING_DESC_F_INDIRECT, 0);
	desc(DESC, 0, ITABLE, 16, VRING_DESC_F_INDIRECT, 0);
	ksft_test_result(pop_one(0) == -EINVAL, "nested indirect table\n");

	fresh(true);
	desc(DESC, 0, ITABLE, 20, VRING_DESC_F_INDIRECT, 0);
	ksft_test_result(pop_one(0) == -EINVAL, "indirect length not 16*n\n");

	fresh(true);
	desc(ITABLE, 0, 0x20000, 8, 0, 0);
	desc(DESC, 0, ITABLE, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	ksft_test_result(pop_one(0) == -EINVAL, "INDIRECT together with NEXT\n");

	fresh(true);
	vq.indirect = false;
	desc(DESC, 0, ITABLE, 16, VRING_DESC_F_INDIRECT, 0);
	ksft_test_result(pop_one(0) == -EINVAL, "indirect without the feature\n");

	fresh(true);
	desc(ITABLE, 0, 0x20000, 8, VRING_DESC_F_NEXT, 1);
	desc(ITABLE, 1, 0x20000, 8, VRING_DESC_F_NEXT, 0);
	desc(DESC, 0, ITABLE, 32, VRING_DESC_F_INDIRECT, 0);
	ksft_test_result(pop_one(0) == -EINVAL, "loop inside an indirect table\n");

	fresh(true);
	w16(AVAIL + 2, NUM + 1);
	ksft_test_result(vq_pop(vm, &vq, &e) == -EINVAL,
			 "avail index more than a ring ahead\n");

	fresh(true);
	vq.num = 12;
	bool np2 = !vq_valid(vm, &vq);
	vq.num = NUM;
	vq.used = RAM - 8;
	ksft_test_result(np2 && !vq_valid(vm, &vq),
			 "queue size not a power of 2 / ring outside storage\n");
}

static void test_notify(void)
{
	fresh(true);
	desc(DESC, 0, 0x20000, 8, VRING_DESC_F_WRITE, 0);
	pop_one(0);
	vq_push(vm, &vq, &e, 8);
	bool first = vq_should_notify(vm, &vq);
	w16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	pop_one(0);
	vq_push(vm, &vq, &e, 8);
	ksft_test_result(first && !vq_should_notify(vm, &vq),
			 "NO_INTERRUPT flag suppresses the notification\n");

	fresh(true);
	vq.event_idx = true;
	w16(AVAIL + 4 + 2 * NUM, 1);		/* used_event: after entry 1 */
	desc(DESC, 0, 0x20000, 8, VRING_DESC_F_WRITE, 0);
	bool n[3];
	for (int i = 0; i < 3; i++) {
		pop_one(0);
		vq_push(vm, &vq, &e, 8);
		n[i] = vq_should_notify(vm, &vq);
	}
	ksft_test_result(n[0] && n[1] && !n[2] && r16(USED + 4 + 8 * NUM) == 3,
			 "event index: notify up to used_event, avail_event set\n");
}

/* ---- packed rings (spec 2.8) ---- */
#define PF_AVAIL	VRING_PACKED_DESC_F_AVAIL
#define PF_USED		VRING_PACKED_DESC_F_USED

static void pdesc(unsigned int i, uint64_t addr, uint32_t len, uint16_t id,
		  uint16_t flags)
{
	uint64_t d = DESC + 16ULL * i;

	le64_st(G(d), addr);
	le32_st(G(d + 8), len);
	le16_st(G(d + 12), id);
	le16_st(G(d + 14), flags);
}

static void fresh_packed(uint16_t num)
{
	fresh(true);
	vq.packed = true;
	vq.num = num;
}

static void test_packed(void)
{
	/* Driver wrap counter 1: available = AVAIL set, USED clear. */
	fresh_packed(4);
	ksft_test_result(vq_valid(vm, &vq) && vq_pop(vm, &vq, &e) == 0,
			 "packed: valid 4-entry ring (not a power of 2 needed), empty\n");
	pdesc(0, 0x20000, 16, 0, PF_AVAIL | VRING_DESC_F_NEXT);
	pdesc(1, 0x21000, 64, 7, PF_AVAIL | VRING_DESC_F_WRITE);
	int r = vq_pop(vm, &vq, &e);
	ksft_test_result(r == 1 && e.head == 7 && e.ndesc == 2 && e.nout == 1 &&
			 e.in_len == 64 && vq.last_avail == 2,
			 "packed: two-descriptor chain, id from the last one\n");
	ksft_test_result(vq_push(vm, &vq, &e, 64) == 0 &&
			 le16_ld(G(DESC + 12)) == 7 && le32_ld(G(DESC + 8)) == 64 &&
			 (le16_ld(G(DESC + 14)) & (PF_AVAIL | PF_USED)) == (PF_AVAIL | PF_USED) &&
			 vq.used_idx == 2,
			 "packed: used descriptor written at the device position\n");

	/* Wrap: entries 2, 3 then 0 with the driver counter flipped to 0. */
	pdesc(2, 0x20000, 8, 1, PF_AVAIL);
	pdesc(3, 0x20000, 8, 2, PF_AVAIL | VRING_DESC_F_NEXT);
	pdesc(0, 0x21000, 8, 3, PF_USED | VRING_DESC_F_WRITE);	/* wrap 0 */
	bool a = vq_pop(vm, &vq, &e) == 1 && e.head == 1;
	vq_push(vm, &vq, &e, 0);
	bool b = vq_pop(vm, &vq, &e) == 1 && e.head == 3 && e.ndesc == 2 &&
		 !vq.avail_wrap && vq.last_avail == 1;
	vq_push(vm, &vq, &e, 8);
	ksft_test_result(a && b && !vq.used_wrap && vq.used_idx == 1 &&
			 (le16_ld(G(DESC + 16 * 3 + 14)) & (PF_AVAIL | PF_USED)) ==
			 (PF_AVAIL | PF_USED),
			 "packed: chain across the wrap, both counters flip\n");

	/* Indirect table of packed descriptors. */
	fresh_packed(4);
	le64_st(G(ITABLE), 0x20000);
	le32_st(G(ITABLE + 8), 8);
	le16_st(G(ITABLE + 14), 0);
	le64_st(G(ITABLE + 16), 0x21000);
	le32_st(G(ITABLE + 24), 8);
	le16_st(G(ITABLE + 30), VRING_DESC_F_WRITE);
	pdesc(0, ITABLE, 32, 5, PF_AVAIL | VRING_DESC_F_INDIRECT);
	r = vq_pop(vm, &vq, &e);
	ksft_test_result(r == 1 && e.head == 5 && e.nseg == 2 && e.ndesc == 1,
			 "packed: indirect table\n");

	/* Broken: a chain that never ends, a buffer outside storage. */
	fresh_packed(4);
	for (unsigned int i = 0; i < 4; i++)
		pdesc(i, 0x20000, 8, 0, PF_AVAIL | VRING_DESC_F_NEXT);
	bool loop = vq_pop(vm, &vq, &e) == -EINVAL;
	fresh_packed(4);
	pdesc(0, RAM - 4, 8, 0, PF_AVAIL);
	ksft_test_result(loop && vq_pop(vm, &vq, &e) == -EINVAL,
			 "packed: endless chain and buffer outside storage\n");

	/* Event suppression: disable, then "after descriptor 1". */
	fresh_packed(8);
	vq.event_idx = true;
	le16_st(G(AVAIL + 2), VRING_PACKED_EVENT_DISABLE);
	pdesc(0, 0x20000, 8, 0, PF_AVAIL);
	vq_pop(vm, &vq, &e);
	vq_push(vm, &vq, &e, 0);
	bool dis = !vq_should_notify(vm, &vq);
	le16_st(G(AVAIL), 0x8000 | 1);		/* offset 1, wrap 1 */
	le16_st(G(AVAIL + 2), VRING_PACKED_EVENT_DESC);
	bool n[2];
	for (int i = 0; i < 2; i++) {
		pdesc(1 + i, 0x20000, 8, 0, PF_AVAIL);
		vq_pop(vm, &vq, &e);
		vq_push(vm, &vq, &e, 0);
		n[i] = vq_should_notify(vm, &vq);
	}
	ksft_test_result(dis && n[0] && !n[1],
			 "packed: event suppression disable / descriptor event\n");
}

/* Random rings: pop never reports storage outside RAM, never more
 * segments than allowed, and always terminates. */
static void test_random(void)
{
	bool ok = true;

	srand(4242);
	for (int it = 0; it < 20000 && ok; it++) {
		fresh(rand() & 1);
		vq.event_idx = rand() & 1;
		if (rand() % 3 == 0) {
			vq.packed = true;
			vq.le = true;
			vq.num = (uint16_t)(1 + rand() % NUM);
		}
		/* In a packed descriptor the split "next" field is the flags:
		 * give it NEXT/WRITE/INDIRECT and both wrap bits at random. */
		uint16_t nmask = vq.packed ? 0x8087 : 0;
		for (unsigned int i = 0; i < NUM; i++) {
			uint64_t addr = rand() % 4 ? 0x20000 + (uint64_t)(rand() % 0x10000)
						   : ((uint64_t)rand() << 20);
			desc(DESC, i, addr, (uint32_t)(rand() % 3 ? rand() % 512 : rand()),
			     (uint16_t)(rand() & 7),
			     (uint16_t)(nmask ? rand() & nmask : rand() % (NUM + 2)));
			desc(ITABLE, i, addr, (uint32_t)(rand() % 512),
			     (uint16_t)(rand() & 7), (uint16_t)(rand() % (NUM + 2)));
		}
		for (int k = 0; k < 4; k++) {
			if (vq.packed)
				le16_st(G(AVAIL + 2), (uint16_t)(rand() % 4));
			else
				offer((uint16_t)(rand() % (NUM + 1)));
			int r = vq_pop(vm, &vq, &e);

			if (r < 0)
				break;
			if (r == 1) {
				for (unsigned int s = 0; s < e.nseg; s++)
					ok &= !e.seg[s].len ||
					      e.seg[s].addr + e.seg[s].len <= RAM;
				ok &= e.nseg <= VQ_MAX_SEGS;
				vq_push(vm, &vq, &e, 0);
				vq_should_notify(vm, &vq);
			}
		}
	}
	ksft_test_result(ok, "20000 random rings: every buffer inside storage\n");
}

int main(void)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini",
		.ram_size = RAM,
		.ncpus = 1,
		.backend = &soft_backend_ops,
		.console_in = -1,
		.console_out = -1,
	};
	char *err = NULL;

	ksft_print_header();
	ksft_set_plan(32);
	if (vm_create(&vm, &cfg, &err))
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : "?");
	test_basic(false);	/* 5 */
	test_basic(true);	/* 5 */
	test_bad();		/* 12 */
	test_notify();		/* 2 */
	test_packed();		/* 7 */
	test_random();		/* 1 */
	vm_destroy(vm);
	return ksft_finished();
}
