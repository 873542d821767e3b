/* SPDX-License-Identifier: MIT */
/*
 * SCLP: SERVICE CALL commands driven directly with SCCBs in guest RAM,
 * the way Linux's sclp drivers build them.  Console output comes back
 * through a pipe, console input goes in through another one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/s390x/s390.h"
#include "arch/s390x/sclp.h"
#include "tests/ksft.h"
#include "vmm/endian.h"
#include "vmm/vm.h"

#define RAM		(64ULL << 20)
#define SCCB		0x10000ULL	/* page aligned, outside lowcore */
#define PAGE		4096

static struct vm *vm;
static struct sclp *sclp;
static int in_pipe[2], out_pipe[2];

/* Test-side ASCII -> EBCDIC (code page 500), for the characters used. */
static uint8_t ebc(char c)
{
	if (c >= 'a' && c <= 'i') return (uint8_t)(0x81 + c - 'a');
	if (c >= 'j' && c <= 'r') return (uint8_t)(0x91 + c - 'j');
	if (c >= 's' && c <= 'z') return (uint8_t)(0xA2 + c - 's');
	if (c >= 'A' && c <= 'I') return (uint8_t)(0xC1 + c - 'A');
	if (c >= 'J' && c <= 'R') return (uint8_t)(0xD1 + c - 'J');
	if (c >= 'S' && c <= 'Z') return (uint8_t)(0xE2 + c - 'S');
	if (c >= '0' && c <= '9') return (uint8_t)(0xF0 + c - '0');
	switch (c) {
	case ' ': return 0x40;
	case '.': return 0x4B;
	case '!': return 0x4F;
	case '-': return 0x60;
	case ',': return 0x6B;
	}
	return 0x6F;	/* '?' */
}

static uint8_t *g(uint64_t addr)
{
	return vm_absolute(vm, addr, 1);
}

/* A zeroed SCCB of len bytes at addr. */
static uint8_t *sccb_new(uint64_t addr, uint16_t len)
{
	uint8_t *p = vm_absolute(vm, addr, len);

	memset(p, 0, len);
	be16_st(p, len);
	return p;
}

static int servc(uint32_t cmd, uint64_t addr)
{
	return sclp_service_call(sclp, vm->vcpus[0], cmd, addr);
}

static uint16_t resp(uint64_t addr)
{
	return be16_ld(g(addr) + 6);
}

static struct sclp_stats stats(void)
{
	struct sclp_stats st;

	sclp_stats(sclp, &st);
	return st;
}

/* Everything the SCLP wrote to the console so far. */
static size_t drain_out(char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size - 1 &&
	       (n = read(out_pipe[0], buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	return got;
}

static uint16_t write_event_mask(uint32_t receive, uint32_t send,
				 uint32_t *sclp_recv, uint32_t *sclp_send)
{
	uint8_t *p = sccb_new(SCCB, 12 + 16);

	be16_st(p + 10, 4);
	be32_st(p + 12, receive);
	be32_st(p + 16, send);
	servc(SCLP_CMD_WRITE_EVENT_MASK, SCCB);
	if (sclp_recv)
		*sclp_recv = be32_ld(p + 20);
	if (sclp_send)
		*sclp_send = be32_ld(p + 24);
	return resp(SCCB);
}

static uint16_t read_event_data(uint8_t fc, uint8_t cm2)
{
	uint8_t *p = sccb_new(SCCB, PAGE);

	p[2] = fc;
	p[5] = cm2;
	servc(SCLP_CMD_READ_EVENT_DATA, SCCB);
	return resp(SCCB);
}

/* Poll READ EVENT DATA until an event arrives (up to 2 s). */
static uint16_t read_event_wait(void)
{
	uint16_t rc = 0;

	for (int i = 0; i < 200; i++) {
		rc = read_event_data(0, 0);
		if (rc != SCLP_RC_NO_EVENT_BUFFERS_STORED)
			break;
		usleep(10000);
	}
	return rc;
}

static bool wait_stat(uint64_t (*get)(const struct sclp_stats *), uint64_t want)
{
	for (int i = 0; i < 200; i++) {
		struct sclp_stats st = stats();

		if (get(&st) >= want)
			return true;
		usleep(10000);
	}
	return false;
}

static uint64_t st_attn(const struct sclp_stats *st) { return st->attention_signals; }
static uint64_t st_in(const struct sclp_stats *st) { return st->in_bytes; }

static void test_read_scp_info(void)
{
	uint8_t *p = sccb_new(SCCB, PAGE);
	uint64_t before = stats().service_signals;
	int r;
	uint64_t mem;
	uint8_t lp[8];

	r = servc(SCLP_CMDW_READ_SCP_INFO, SCCB);
	ksft_test_result(r == 0 && resp(SCCB) == SCLP_RC_NORMAL_READ_COMPLETION,
			 "read scp info: cc 0, response 0x0010 (got %d, 0x%04x)\n",
			 r, resp(SCCB));
	mem = (uint64_t)(be16_ld(p + 8) ? be16_ld(p + 8) : be64_ld(p + 104)) *
	      ((p[10] ? p[10] : be32_ld(p + 100)) << 20);
	ksft_test_result(mem == RAM, "read scp info: rnmax * rnsize = ram size (%llu MiB)\n",
			 (unsigned long long)(mem >> 20));
	ksft_test_result(be16_ld(p + 16) == 2 && be16_ld(p + 18) == 128,
			 "read scp info: 2 CPU entries at offset 128 (%u at %u)\n",
			 be16_ld(p + 16), be16_ld(p + 18));
	ksft_test_result(p[128] == 0 && p[128 + 16] == 1 && p[128 + 14] == 0 &&
			 p[128 + 16 + 14] == 0 && be16_ld(p + 120) == 1,
			 "read scp info: CPU addresses 0, 1 type CP, highest 1\n");
	ksft_test_result(!!(be64_ld(p + 48) & 0x0800000000000000ULL),
			 "read scp info: READ CPU INFO facility bit\n");

	memset(lp, 0x40, sizeof(lp));
	lp[0] = ebc('L'); lp[1] = ebc('I'); lp[2] = ebc('N'); lp[3] = ebc('1');
	sclp_set_loadparm(sclp, "lin1");
	p = sccb_new(SCCB, PAGE);
	r = servc(SCLP_CMDW_READ_SCP_INFO_FORCED, SCCB);
	ksft_test_result(r == 0 && resp(SCCB) == SCLP_RC_NORMAL_READ_COMPLETION &&
			 !memcmp(p + 24, lp, 8) && be16_ld(p + 16) == 2,
			 "read scp info forced: loadparm LIN1 in EBCDIC, blank padded\n");
	ksft_test_result(sclp_set_loadparm(sclp, "bad*parm") == -EINVAL &&
			 sclp_set_loadparm(sclp, "toolongparm") == -EINVAL,
			 "loadparm: invalid characters and length rejected\n");

	ksft_test_result(stats().service_signals == before + 2 &&
			 stats().last_parm == (uint32_t)SCCB,
			 "service signal raised with parm = SCCB address (0x%x)\n",
			 stats().last_parm);
}

static void test_read_cpu_info(void)
{
	uint8_t *p = sccb_new(SCCB, PAGE);
	int r = servc(SCLP_CMDW_READ_CPU_INFO, SCCB);

	ksft_test_result(r == 0 && resp(SCCB) == SCLP_RC_NORMAL_READ_COMPLETION &&
			 be16_ld(p + 8) == 2 && be16_ld(p + 10) == 24 &&
			 be16_ld(p + 12) == 0 && p[24] == 0 && p[40] == 1,
			 "read cpu info: 2 configured CPUs at 24, none standby\n");
}

static void test_checks(void)
{
	uint8_t *p;
	int r;

	/* Room for the header but not for two CPU entries. */
	sccb_new(SCCB, 128 + 16);
	r = servc(SCLP_CMDW_READ_SCP_INFO, SCCB);
	ksft_test_result(r == 0 && resp(SCCB) == SCLP_RC_INSUFFICIENT_SCCB_LENGTH,
			 "read scp info, SCCB too short for the CPUs: 0x0300 (0x%04x)\n",
			 resp(SCCB));

	p = sccb_new(SCCB, 8);
	be16_st(p, 7);
	r = servc(SCLP_CMDW_READ_SCP_INFO, SCCB);
	ksft_test_result(r == -PGM_SPECIFICATION,
			 "SCCB length 7: specification exception (%d)\n", r);

	p = sccb_new(SCCB + PAGE - 64, 128);
	r = servc(SCLP_CMDW_READ_SCP_INFO, SCCB + PAGE - 64);
	ksft_test_result(r == 0 && resp(SCCB + PAGE - 64) == SCLP_RC_SCCB_BOUNDARY_VIOLATION &&
			 be16_ld(p) == 128 && p[8 + 8] == 0,
			 "SCCB across a page boundary: 0x0100, nothing else stored (0x%04x)\n",
			 resp(SCCB + PAGE - 64));

	sccb_new(SCCB + 0x104, 64);
	r = servc(SCLP_CMDW_READ_SCP_INFO, SCCB + 4);
	ksft_test_result(r == -PGM_SPECIFICATION,
			 "SCCB address not doubleword aligned: specification (%d)\n", r);

	sccb_new(0x1000, 16);
	r = servc(SCLP_CMDW_READ_SCP_INFO, 0x1000);
	ksft_test_result(r == -PGM_SPECIFICATION,
			 "SCCB in the first 8K: specification (%d)\n", r);

	r = servc(SCLP_CMDW_READ_SCP_INFO, RAM);
	ksft_test_result(r == -PGM_ADDRESSING,
			 "SCCB beyond guest storage: addressing (%d)\n", r);
	r = servc(SCLP_CMDW_READ_SCP_INFO, 0x100000000ULL);
	ksft_test_result(r == -PGM_ADDRESSING,
			 "SCCB at 4G (no storage): addressing (%d)\n", r);

	/* Header in storage, the rest past its end. */
	p = g(RAM - 8);
	memset(p, 0, 8);
	be16_st(p, 64);
	r = servc(SCLP_CMDW_READ_SCP_INFO, RAM - 8);
	ksft_test_result(r == -PGM_ADDRESSING,
			 "SCCB running past the end of storage: addressing (%d)\n", r);

	p = sccb_new(SCCB, 32);
	memset(p + 8, 0xAB, 24);
	r = servc(0x00FF0001, SCCB);
	ksft_test_result(r == 0 && resp(SCCB) == SCLP_RC_INVALID_SCLP_COMMAND &&
			 p[8] == 0xAB && p[31] == 0xAB,
			 "unknown command: 0x01F0, SCCB body untouched (0x%04x)\n",
			 resp(SCCB));

	/* The resource byte (bits 16-23) does not select the command. */
	sccb_new(SCCB, PAGE);
	r = servc(SCLP_CMDW_READ_SCP_INFO | 0x0000AB00, SCCB);
	ksft_test_result(r == 0 && resp(SCCB) == SCLP_RC_NORMAL_READ_COMPLETION,
			 "command word with a resource byte: still read scp info\n");
}

/* The CPU's prefix area is as forbidden as the first 8K. */
static void test_prefix(void)
{
	struct kvm_run run;
	struct vcpu cpu;
	int r1, r2, r3;

	memset(&run, 0, sizeof(run));
	memset(&cpu, 0, sizeof(cpu));
	run.kvm_valid_regs = KVM_SYNC_PREFIX;
	run.s.regs.prefix = 0x20000;
	cpu.vm = vm;
	cpu.run = &run;
	sccb_new(0x20000, PAGE);
	r1 = sclp_service_call(sclp, &cpu, SCLP_CMDW_READ_SCP_INFO, 0x20000);
	sccb_new(0x21800, 8);
	r2 = sclp_service_call(sclp, &cpu, SCLP_CMDW_READ_SCP_INFO, 0x21800);
	sccb_new(0x22000, PAGE);
	r3 = sclp_service_call(sclp, &cpu, SCLP_CMDW_READ_SCP_INFO, 0x22000);
	ksft_test_result(r1 == -PGM_SPECIFICATION && r2 == -PGM_SPECIFICATION &&
			 r3 == 0 && resp(0x22000) == SCLP_RC_NORMAL_READ_COMPLETION,
			 "SCCB in the prefix area: specification; just above: ok (%d %d %d)\n",
			 r1, r2, r3);
}

static void test_event_mask(void)
{
	uint32_t recv = 0, send = 0;
	uint16_t rc;
	uint8_t *p;

	/* By default only the VT220 console and signal quiesce. */
	rc = write_event_mask(0x80000048, 0x40000040, &recv, &send);
	ksft_test_result(rc == SCLP_RC_NORMAL_COMPLETION && recv == 0x00000040 &&
			 send == 0x00000048,
			 "write event mask, default: SCLP receives 0x%08x sends 0x%08x\n",
			 recv, send);
	p = sccb_new(SCCB, 8 + 6 + 12 + 10);
	be16_st(p + 8, 6 + 12 + 10);
	p[10] = SCLP_EV_MSG;
	be16_st(p + 14, 12 + 10);
	be16_st(p + 26, 10);
	be16_st(p + 28, 4);
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_INVALID_FUNCTION,
			 "line-mode message without line mode: 0x40F0\n");

	sclp_set_line_mode(sclp, true);
	rc = write_event_mask(0x80000048 | 0x00010000, 0x40000040, &recv, &send);
	ksft_test_result(rc == SCLP_RC_NORMAL_COMPLETION && recv == 0x40000040 &&
			 send == 0x80000048,
			 "write event mask (4 bytes): SCLP receives 0x%08x sends 0x%08x\n",
			 recv, send);

	p = sccb_new(SCCB, 12 + 32);
	be16_st(p + 10, 8);
	memset(p + 12, 0xFF, 16);
	servc(SCLP_CMD_WRITE_EVENT_MASK, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_NORMAL_COMPLETION &&
			 be32_ld(p + 28) == 0x40000040 && be32_ld(p + 32) == 0 &&
			 be32_ld(p + 36) == 0x80000048 && be32_ld(p + 40) == 0,
			 "write event mask (8 bytes): masks padded with zeros\n");

	p = sccb_new(SCCB, 12 + 16);
	be16_st(p + 10, 0);
	servc(SCLP_CMD_WRITE_EVENT_MASK, SCCB);
	rc = resp(SCCB);
	be16_st(p + 10, 1022);
	servc(SCLP_CMD_WRITE_EVENT_MASK, SCCB);
	ksft_test_result(rc == SCLP_RC_INVALID_MASK_LENGTH &&
			 resp(SCCB) == SCLP_RC_INVALID_MASK_LENGTH,
			 "write event mask length 0 and 1022: 0x74F0\n");

	p = sccb_new(SCCB, 12 + 8);
	be16_st(p + 10, 4);
	servc(SCLP_CMD_WRITE_EVENT_MASK, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_INSUFFICIENT_SCCB_LENGTH,
			 "write event mask, masks beyond the SCCB: 0x0300\n");
}

static void test_write_event_data(void)
{
	static const char text[] = "Linux version 6.1\r\n";
	static const char msg[] = "Hello, world!";
	char out[256];
	uint8_t *p, *ev;
	size_t n = strlen(text), m = strlen(msg), off;

	/* VT220: text right after the event buffer header. */
	p = sccb_new(SCCB, (uint16_t)(8 + 6 + n));
	ev = p + 8;
	be16_st(ev, (uint16_t)(6 + n));
	ev[2] = SCLP_EV_VT220;
	memcpy(ev + 6, text, n);
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	drain_out(out, sizeof(out));
	ksft_test_result(resp(SCCB) == SCLP_RC_NORMAL_COMPLETION &&
			 (ev[3] & SCLP_EVBUF_ACCEPTED) && !strcmp(out, text),
			 "write event data VT220: text on the console (\"%.17s\")\n", out);

	/* Line mode: MDB with a general object and a message text object,
	 * as Linux's sclp_rw.c builds it, EBCDIC text. */
	off = 8 + 6;
	p = sccb_new(SCCB, (uint16_t)(off + 12 + 56 + 10 + m));
	ev = p + 8;
	be16_st(ev, (uint16_t)(6 + 12 + 56 + 10 + m));
	ev[2] = SCLP_EV_MSG;
	be16_st(p + off, (uint16_t)(12 + 56 + 10 + m));	/* MDB header */
	be16_st(p + off + 2, 1);
	be32_st(p + off + 4, 0xD4C4C240);
	be32_st(p + off + 8, 1);
	off += 12;
	be16_st(p + off, 56);				/* general object */
	be16_st(p + off + 2, 1);
	off += 56;
	be16_st(p + off, (uint16_t)(10 + m));		/* message text */
	be16_st(p + off + 2, 4);
	be16_st(p + off + 4, 0x1000);
	for (size_t i = 0; i < m; i++)
		p[off + 10 + i] = ebc(msg[i]);
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	drain_out(out, sizeof(out));
	ksft_test_result(resp(SCCB) == SCLP_RC_NORMAL_COMPLETION &&
			 (ev[3] & SCLP_EVBUF_ACCEPTED) && !strcmp(out, "Hello, world!\n"),
			 "write event data message: MTO text on the console (\"%.13s\")\n", out);

	/* An MTO longer than its MDB. */
	be16_st(p + off, (uint16_t)(10 + m + 1));
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_INCONSISTENT_LENGTHS &&
			 drain_out(out, sizeof(out)) == 0,
			 "message with an overlong MTO: 0x72F0, nothing printed\n");

	/* Event buffer longer than the SCCB. */
	p = sccb_new(SCCB, 8 + 6 + 4);
	be16_st(p + 8, 6 + 5);
	p[10] = SCLP_EV_VT220;
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_EVENT_BUFFER_SYNTAX_ERROR &&
			 drain_out(out, sizeof(out)) == 0,
			 "event buffer past the SCCB end: 0x73F0\n");

	/* Event buffer shorter than its header. */
	p = sccb_new(SCCB, 8 + 16);
	be16_st(p + 8, 5);
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_EVENT_BUFFER_SYNTAX_ERROR,
			 "event buffer length 5: 0x73F0\n");

	/* An unsupported type, then a VT220 buffer that is not accepted. */
	p = sccb_new(SCCB, 8 + 8 + 8);
	be16_st(p + 8, 8);
	p[10] = 0x30;
	be16_st(p + 16, 8);
	p[18] = SCLP_EV_VT220;
	p[19] = SCLP_EVBUF_ACCEPTED;
	p[22] = 'x';
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_INVALID_FUNCTION &&
			 !(p[19] & SCLP_EVBUF_ACCEPTED) && drain_out(out, sizeof(out)) == 0,
			 "unsupported event type: 0x40F0, later buffers not accepted\n");

	p = sccb_new(SCCB, 8 + 8);
	p[2] = 1;
	be16_st(p + 8, 8);
	p[10] = SCLP_EV_VT220;
	servc(SCLP_CMD_WRITE_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_INVALID_FUNCTION,
			 "write event data function code 1: 0x40F0\n");
}

static void test_read_event_data(void)
{
	struct sclp_stats st;
	uint8_t *p = g(SCCB);
	uint64_t attn;
	uint16_t rc;
	bool ok;

	write_event_mask(0x80000048, 0x40000040, NULL, NULL);
	rc = read_event_data(0, 0);
	ksft_test_result(rc == SCLP_RC_NO_EVENT_BUFFERS_STORED &&
			 stats().last_parm == (uint32_t)SCCB,
			 "read event data, nothing pending: 0x60F0 (0x%04x)\n", rc);

	sccb_new(SCCB, 2048);
	servc(SCLP_CMD_READ_EVENT_DATA, SCCB);
	ksft_test_result(resp(SCCB) == SCLP_RC_INSUFFICIENT_SCCB_LENGTH,
			 "read event data with a 2K SCCB: 0x0300\n");

	rc = read_event_data(2, 0);
	ksft_test_result(rc == SCLP_RC_INVALID_FUNCTION,
			 "read event data function code 2: 0x40F0\n");

	/* Selective read: the mask must be a subset of the receive mask. */
	p = sccb_new(SCCB, PAGE);
	p[2] = 1;
	be32_st(p + 8, 0x40000000);
	servc(SCLP_CMD_READ_EVENT_DATA, SCCB);
	rc = resp(SCCB);
	p = sccb_new(SCCB, PAGE);
	p[2] = 1;
	be32_st(p + 8, 0x00000040);
	servc(SCLP_CMD_READ_EVENT_DATA, SCCB);
	ksft_test_result(rc == SCLP_RC_INVALID_SELECTION_MASK &&
			 resp(SCCB) == SCLP_RC_NO_EVENT_BUFFERS_STORED,
			 "selective read: foreign mask 0x70F0, VT220 mask 0x60F0\n");

	/* VT220 input: the attention interrupt, then the data. */
	attn = stats().attention_signals;
	if (write(in_pipe[1], "ls\n", 3) != 3)
		ksft_exit_fail_msg("writing the input pipe\n");
	ksft_test_result(wait_stat(st_attn, attn + 1) && stats().last_parm == 1,
			 "console input: attention service signal (parm 1)\n");
	rc = read_event_wait();
	p = g(SCCB);
	ksft_test_result(rc == SCLP_RC_NORMAL_COMPLETION && be16_ld(p + 8) == 6 + 1 + 3 &&
			 p[10] == SCLP_EV_VT220 && p[14] == 0 && !memcmp(p + 15, "ls\n", 3) &&
			 be16_ld(p + 18) == 0,
			 "read event data: VT220 event with session data \"ls\\n\"\n");
	ksft_test_result(read_event_data(0, 0) == SCLP_RC_NO_EVENT_BUFFERS_STORED,
			 "read event data after draining: 0x60F0\n");

	/* Input while the guest receives nothing: held back, no attention;
	 * enabling reception reports it pending on completion. */
	write_event_mask(0, 0x40000040, NULL, NULL);
	attn = stats().attention_signals;
	st = stats();
	if (write(in_pipe[1], "abc", 3) != 3)
		ksft_exit_fail_msg("writing the input pipe\n");
	wait_stat(st_in, st.in_bytes + 3);
	usleep(20000);
	rc = read_event_data(0, 0);
	ksft_test_result(rc == SCLP_RC_NO_EVENT_BUFFERS_STORED &&
			 stats().attention_signals == attn,
			 "input with reception disabled: not delivered, no attention\n");
	write_event_mask(0x00000040, 0x40000040, NULL, NULL);
	ksft_test_result(stats().last_parm == ((uint32_t)SCCB | 1),
			 "enabling VT220 reception: completion parm has the pending bit (0x%x)\n",
			 stats().last_parm);

	/* Variable-length response: the length shrinks to what was stored. */
	rc = read_event_data(0, SCCB_CM2_VARIABLE_LENGTH);
	p = g(SCCB);
	ksft_test_result(rc == SCLP_RC_NORMAL_COMPLETION && be16_ld(p) == 8 + 10 &&
			 !(p[5] & SCCB_CM2_VARIABLE_LENGTH) && !memcmp(p + 15, "abc", 3),
			 "variable-length read: length %u, bit reset\n", be16_ld(p));

	/* Line mode: operator command with the GDS vectors Linux parses. */
	write_event_mask(0x80000000, 0x40000000, NULL, NULL);
	if (write(in_pipe[1], "ls -l\n", 6) != 6)
		ksft_exit_fail_msg("writing the input pipe\n");
	rc = read_event_wait();
	p = g(SCCB) + 8;
	ok = rc == SCLP_RC_NORMAL_COMPLETION && p[2] == SCLP_EV_OPCMD &&
			 be16_ld(p) == 6 + 16 + 5 &&
			 be16_ld(p + 6) == 16 + 5 && be16_ld(p + 8) == 0x1310 &&
			 be16_ld(p + 10) == 12 + 5 && be16_ld(p + 12) == 0x1212 &&
			 be16_ld(p + 14) == 8 + 5 && be16_ld(p + 16) == 0x1320 &&
			 p[18] == 4 + 5 && p[19] == 0x31 && p[20] == 2 + 5 && p[21] == 0x30 &&
			 p[22] == ebc('l') && p[23] == ebc('s') && p[24] == ebc(' ') &&
			 p[25] == ebc('-') && p[26] == ebc('l');
	/* The line's terminator was consumed with it. */
	ksft_test_result(ok && read_event_data(0, 0) == SCLP_RC_NO_EVENT_BUFFERS_STORED,
			 "line-mode input: operator command, EBCDIC \"ls -l\"\n");

	/* Signal quiesce. */
	write_event_mask(0, 0, NULL, NULL);
	ksft_test_result(sclp_signal_quiesce(sclp) == -ENOTCONN,
			 "signal quiesce, guest not listening: -ENOTCONN\n");
	write_event_mask(0x00000008, 0, NULL, NULL);
	attn = stats().attention_signals;
	ksft_test_result(stats().last_parm == ((uint32_t)SCCB | 1) &&
			 sclp_signal_quiesce(sclp) == 0 &&
			 stats().attention_signals == attn + 1,
			 "signal quiesce: queued, attention raised\n");
	rc = read_event_data(0, 0);
	p = g(SCCB) + 8;
	ksft_test_result(rc == SCLP_RC_NORMAL_COMPLETION && be16_ld(p) == 9 &&
			 p[2] == SCLP_EV_SIGQUIESCE && be16_ld(p + 9) == 0 &&
			 stats().last_parm == (uint32_t)SCCB,
			 "read event data: signal quiesce event, nothing left pending\n");
}

/* Random SCCBs: never a crash, a result in range, and no store outside
 * the SCCB. */
static void test_fuzz(void)
{
	static const uint32_t cmds[] = {
		SCLP_CMDW_READ_SCP_INFO, SCLP_CMDW_READ_CPU_INFO,
		SCLP_CMD_WRITE_EVENT_DATA, SCLP_CMD_READ_EVENT_DATA,
		SCLP_CMD_WRITE_EVENT_MASK, 0x12345678,
	};
	uint8_t *area = g(0x40000), *copy = malloc(4 * PAGE);
	char out[8192];
	bool ok = true;
	unsigned int seed = 1;

	for (int i = 0; i < 20000 && ok; i++) {
		uint64_t addr = 0x41000 + (uint64_t)(rand_r(&seed) % PAGE & ~7);
		uint16_t len;
		uint32_t cmd = cmds[rand_r(&seed) % 6];
		int r;

		for (int j = 0; j < 4 * PAGE; j++)
			area[j] = (uint8_t)rand_r(&seed);
		/* Mostly plausible lengths and event buffers. */
		if (rand_r(&seed) % 3)
			len = (uint16_t)(rand_r(&seed) % (int)(PAGE - (addr & 0xFFF) + 1));
		else
			len = (uint16_t)rand_r(&seed);
		be16_st(g(addr), len);
		if (rand_r(&seed) % 2)
			be16_st(g(addr) + 8, (uint16_t)(rand_r(&seed) % 64));
		g(addr)[2] = (uint8_t)(rand_r(&seed) % 3);
		memcpy(copy, area, 4 * PAGE);
		r = servc(cmd, addr);
		drain_out(out, sizeof(out));
		if (r != 0 && r != -PGM_SPECIFICATION && r != -PGM_ADDRESSING)
			ok = false;
		if (r == 0) {
			size_t lo = addr - 0x40000;
			size_t hi = lo + len < 4 * PAGE ? lo + len : 4 * PAGE;

			if (memcmp(area, copy, lo) ||
			    memcmp(area + hi, copy + hi, 4 * PAGE - hi))
				ok = false;
		}
		if (!ok)
			ksft_print_msg("iteration %d: cmd 0x%08x addr 0x%llx len %u r %d\n",
				       i, cmd, (unsigned long long)addr, len, r);
	}
	free(copy);
	ksft_test_result(ok, "20000 random SCCBs: no stores outside the SCCB\n");
}

int main(void)
{
	struct vm_config cfg = {
		.machine = "s390-ccw-mini",
		.ram_size = RAM,
		.ncpus = 2,
		.backend = &soft_backend_ops,
	};
	struct timespec t0, t1;
	char *err = NULL;
	bool own = false;
	int r;

	ksft_print_header();
	ksft_set_plan(50);

	if (pipe(in_pipe) || pipe(out_pipe))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
	cfg.console_in = in_pipe[0];
	cfg.console_out = out_pipe[1];
	r = vm_create(&vm, &cfg, &err);
	if (r)
		ksft_exit_fail_msg("vm_create: %s\n", err ? err : strerror(-r));
	if (!vm->sclp) {
		r = sclp_create(&vm->sclp, vm, in_pipe[0], out_pipe[1], &err);
		if (r)
			ksft_exit_fail_msg("sclp_create: %s\n", err);
		own = true;
	}
	sclp = vm->sclp;
	ksft_test_result(sclp && vm->ncpus == 2 && vm->ram_size == RAM,
			 "vm with 64 MiB, 2 CPUs and an SCLP\n");

	test_read_scp_info();		/* 8 */
	test_read_cpu_info();		/* 1 */
	test_checks();			/* 10 */
	test_prefix();			/* 1 */
	test_event_mask();		/* 6 */
	test_write_event_data();	/* 7 */
	test_read_event_data();		/* 14 */
	test_fuzz();			/* 1 */

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (own) {
		sclp_destroy(vm->sclp);
		vm->sclp = NULL;
	}
	vm_destroy(vm);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_test_result((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000,
			 "teardown stops the input thread promptly\n");
	close(in_pipe[0]);
	close(in_pipe[1]);
	close(out_pipe[0]);
	close(out_pipe[1]);
	return ksft_finished();
}
