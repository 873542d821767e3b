/* SPDX-License-Identifier: MIT */
/*
 * The service-call logical processor (SCLP).
 *
 * The guest talks to the SCLP with SERVICE CALL (SERVC, B220): R1 holds a
 * command word, R2 the real address of a service-call control block (SCCB).
 * The SCLP answers in the SCCB (response code in header bytes 6-7) and then
 * signals completion with a service-signal external interruption (code
 * 0x2401) whose parameter is the SCCB address, with bit 31 set when event
 * buffers are waiting to be read.  The same interruption with no SCCB
 * address (parameter 1) is the "attention" that tells the guest to issue
 * READ EVENT DATA for an unsolicited event (console input, quiesce).
 *
 * The SCLP is not in the Principles of Operation; the facts here are those
 * the Linux drivers (drivers/s390/char/sclp*.c, arch/s390/boot/sclp*) rely
 * on and QEMU (hw/s390x/sclp.c, event-facility.c, hw/char/sclpconsole*.c)
 * implements.  We complete every command synchronously, so the condition
 * code is always 0 and "busy" (cc 2) never happens.
 *
 *   SERVC --> address checks (program exceptions) --> header checks
 *         --> command table --> response code in the SCCB copy
 *         --> copy written back --> service signal (parm = SCCB | pending)
 *
 * The event facility (commands 0x0076/77/78_0005) moves event buffers:
 *
 *   WRITE EVENT MASK   guest announces which event types it receives and
 *                      sends; the SCLP answers with the types it supports.
 *   WRITE EVENT DATA   guest -> SCLP: VT220 text (0x1A), line-mode
 *                      messages (0x02, EBCDIC MTO objects).
 *   READ EVENT DATA    SCLP -> guest: VT220 input (0x1A), line-mode input
 *                      (0x01, operator command), signal quiesce (0x1D);
 *                      only types the guest enabled in its receive mask.
 *
 * The line-mode types are off by default, as on a QEMU machine with only
 * the VT220 console: when the SCLP offers both, Linux's early console
 * prints every message twice, once in each mode.
 *
 * Locking: one mutex protects everything (the guest's masks, the input
 * buffer, the SCCB work copy, the counters) and serializes SERVICE CALLs
 * from several vCPUs.  Interrupts are injected after dropping it.
 * Console output is written while holding it: a full output pipe blocks
 * the calling vCPU (and the input reader) until it drains.
 *
 * Migration: sclp_vmsd at the end of this file saves the guest's masks
 * (guest_receive, guest_send, mask_length), quiesce_pending and the input
 * buffer; loadparm and line_mode are configuration, in_eof is about the
 * host's input fd and the counters are statistics: not migrated.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "arch/s390x/s390.h"
#include "arch/s390x/sclp.h"
#include "migrate/migrate.h"
#include "seccomp/seccomp.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/vm.h"

/* READ SCP INFO response, byte offsets in the SCCB (Linux read_info_sccb). */
#define RI_RNMAX		8	/* u16 storage increments (0: see rnmax2) */
#define RI_RNSIZE		10	/* u8 increment size in MiB (0: see rnsize2) */
#define RI_NCPURL		16	/* u16 number of CPU entries */
#define RI_CPUOFF		18	/* u16 offset of the first CPU entry */
#define RI_LOADPARM		24	/* 8 bytes EBCDIC */
#define RI_FACILITIES		48	/* u64 SCLP facilities */
#define RI_IBC			76	/* u32 instruction blocking control */
#define RI_HAMAXPOW		99	/* u8 log2 of the highest address + 1 */
#define RI_RNSIZE2		100	/* u32 increment size in MiB */
#define RI_RNMAX2		104	/* u64 storage increments */
#define RI_HCPUA		120	/* u16 highest CPU address */
#define RI_HMFAI		124	/* u32 */
/* Without extended-length SCCBs the CPU entries start at a fixed offset. */
#define RI_CPU_ENTRIES		128
/* Facility bits: the READ CPU INFO command is available. */
#define SCLP_FAC_CPU_INFO	0x0800000000000000ULL

/* READ CPU INFO response. */
#define RCI_NR_CONFIGURED	8
#define RCI_OFF_CONFIGURED	10
#define RCI_NR_STANDBY		12
#define RCI_OFF_STANDBY		14
#define RCI_ENTRIES		24

/* A CPU entry: CPU address in byte 0, CPU type in byte 14 (0 = CP). */
#define CPU_ENTRY_LEN		16
#define CPU_ENTRY_ADDR		0
#define CPU_ENTRY_TYPE		14

/* WRITE EVENT MASK: reserved(2) mask length(2), then four masks of that
 * length: guest receive, guest send, SCLP receive, SCLP send. */
#define WEM_MASK_LEN		10
#define WEM_MASKS		12
#define WEM_MASK_LEN_MAX	1021	/* four masks fill a 4K SCCB */

/* READ EVENT DATA function codes; a selective read has its mask at 8. */
#define RED_UNCONDITIONAL	0x00
#define RED_SELECTIVE		0x01
#define RED_MASK		8
/* WRITE EVENT DATA function code. */
#define WED_NORMAL_WRITE	0x00

/* Line-mode output (event type 0x02): a message data block (MDB) with a
 * 12-byte header (length, type, tag, revision) and then MDB objects, each
 * starting with length(2) type(2).  A message text object (MTO, type 4)
 * has line type flags(2) alarm(1) reserved(3) and then EBCDIC text. */
#define MDB_HDR_LEN		12
#define MDBO_HDR_LEN		4
#define MDBO_TYPE_MTO		0x0004
#define MTO_TEXT		10

/* Line-mode input (event type 0x01): nested GDS vectors (length(2) id(2))
 * MDS message unit > CP-MSU > text command, then GDS subvectors (length(1)
 * key(1)) self-defining text message > text message holding EBCDIC text. */
#define GDS_ID_MDSMU		0x1310
#define GDS_ID_CPMSU		0x1212
#define GDS_ID_TEXTCMD		0x1320
#define GDS_KEY_SELFDEFTEXTMSG	0x31
#define GDS_KEY_TEXTMSG		0x30
#define OPCMD_HDR_LEN		(SCLP_EVBUF_HDR_LEN + 3 * 4 + 2 * 2)
/* The text message subvector length is one byte, itself nested in the
 * self-defining one (2 + 2 + text <= 255). */
#define OPCMD_MAX_TEXT		251

/* VT220 input: data byte 0 says what follows; 0 = session data. */
#define VT220_SESSION_DATA	0x00

/* Signal quiesce: timeout(2) unit(1) after the event buffer header. */
#define SIGQUIESCE_LEN		(SCLP_EVBUF_HDR_LEN + 3)

#define SCLP_IN_BUF		4080	/* console input not yet read by the guest */

/* EBCDIC code page 500 -> ISO 8859-1.  Linux converts line-mode text with
 * this page when it does not run under z/VM (sclp_ascebc_str). */
static const uint8_t ebc500_to_latin1[256] = {
	0x00, 0x01, 0x02, 0x03, 0x9c, 0x09, 0x86, 0x7f, 0x97, 0x8d, 0x8e, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x9d, 0x85, 0x08, 0x87, 0x18, 0x19, 0x92, 0x8f, 0x1c, 0x1d, 0x1e, 0x1f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x0a, 0x17, 0x1b, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x05, 0x06, 0x07,
	0x90, 0x91, 0x16, 0x93, 0x94, 0x95, 0x96, 0x04, 0x98, 0x99, 0x9a, 0x9b, 0x14, 0x15, 0x9e, 0x1a,
	0x20, 0xa0, 0xe2, 0xe4, 0xe0, 0xe1, 0xe3, 0xe5, 0xe7, 0xf1, 0x5b, 0x2e, 0x3c, 0x28, 0x2b, 0x21,
	0x26, 0xe9, 0xea, 0xeb, 0xe8, 0xed, 0xee, 0xef, 0xec, 0xdf, 0x5d, 0x24, 0x2a, 0x29, 0x3b, 0x5e,
	0x2d, 0x2f, 0xc2, 0xc4, 0xc0, 0xc1, 0xc3, 0xc5, 0xc7, 0xd1, 0xa6, 0x2c, 0x25, 0x5f, 0x3e, 0x3f,
	0xf8, 0xc9, 0xca, 0xcb, 0xc8, 0xcd, 0xce, 0xcf, 0xcc, 0x60, 0x3a, 0x23, 0x40, 0x27, 0x3d, 0x22,
	0xd8, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xab, 0xbb, 0xf0, 0xfd, 0xfe, 0xb1,
	0xb0, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0xaa, 0xba, 0xe6, 0xb8, 0xc6, 0xa4,
	0xb5, 0x7e, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xa1, 0xbf, 0xd0, 0xdd, 0xde, 0xae,
	0xa2, 0xa3, 0xa5, 0xb7, 0xa9, 0xa7, 0xb6, 0xbc, 0xbd, 0xbe, 0xac, 0x7c, 0xaf, 0xa8, 0xb4, 0xd7,
	0x7b, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0xad, 0xf4, 0xf6, 0xf2, 0xf3, 0xf5,
	0x7d, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0xb9, 0xfb, 0xfc, 0xf9, 0xfa, 0xff,
	0x5c, 0xf7, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0xb2, 0xd4, 0xd6, 0xd2, 0xd3, 0xd5,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xb3, 0xdb, 0xdc, 0xd9, 0xda, 0x9f,
};

struct sclp {
	struct vm *vm;
	int in_fd, out_fd;

	pthread_mutex_t lock;
	pthread_cond_t in_space;	/* the guest consumed input */

	/* Event facility, set by WRITE EVENT MASK.  Masks are kept as their
	 * first 8 bytes, left-aligned (event type T is bit 64 - T); longer
	 * masks only name types we do not support. */
	uint64_t guest_receive;		/* types the guest reads, & what we send */
	uint64_t guest_send;		/* types the guest writes, & what we receive */
	uint16_t mask_length;		/* of the last WRITE EVENT MASK */
	bool quiesce_pending;
	bool line_mode;			/* offer the line-mode console types */

	/* Console input from the reader thread, not yet read by the guest. */
	uint8_t in_buf[SCLP_IN_BUF];
	size_t in_len;
	bool in_eof;

	uint8_t loadparm[8];		/* EBCDIC */
	uint8_t latin1_to_ebc500[256];	/* inverse of ebc500_to_latin1 */

	/* Private copy of the SCCB: the guest can't change it under us. */
	uint8_t work[SCCB_MAX_LEN];

	pthread_t reader;
	bool reader_started;
	bool stopping;
	int stop_fd;			/* eventfd that wakes the reader's poll */

	struct sclp_stats stats;
};

/* ---- event masks ---- */

static uint64_t ev_bit(uint8_t type)
{
	return (type >= 1 && type <= 64) ? 1ULL << (64 - type) : 0;
}

/* Load a mask of len bytes: its first 8 bytes, zero padded. */
static uint64_t mask_ld(const uint8_t *p, size_t len)
{
	uint64_t m = 0;

	for (size_t i = 0; i < 8; i++)
		m = (m << 8) | (i < len ? p[i] : 0);
	return m;
}

static void mask_st(uint8_t *p, size_t len, uint64_t m)
{
	for (size_t i = 0; i < len; i++)
		p[i] = i < 8 ? (uint8_t)(m >> (56 - 8 * i)) : 0;
}

/* ---- console output ---- */

/* Write all of buf; a non-blocking fd is waited on with poll. */
static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = { .fd = fd, .events = POLLOUT };

				if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
					return -errno;
				continue;
			}
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int console_out(struct sclp *s, const uint8_t *buf, size_t len)
{
	int r;

	if (s->out_fd < 0 || !len)
		return 0;
	r = write_all(s->out_fd, buf, len);
	if (r < 0)
		s->stats.out_errors++;
	else
		s->stats.out_bytes += len;
	return r;
}

/* ---- console input (buffer shared with the reader thread) ---- */

static void in_consume(struct sclp *s, size_t n)
{
	if (n > s->in_len)
		n = s->in_len;
	memmove(s->in_buf, s->in_buf + n, s->in_len - n);
	s->in_len -= n;
	pthread_cond_signal(&s->in_space);
}

/* Length of the next line-mode line and of its terminator. */
static size_t in_line(const struct sclp *s, size_t *term)
{
	size_t max = s->in_len < OPCMD_MAX_TEXT ? s->in_len : OPCMD_MAX_TEXT;

	*term = 0;
	for (size_t i = 0; i < max; i++) {
		if (s->in_buf[i] == '\n' || s->in_buf[i] == '\r') {
			*term = 1;
			if (s->in_buf[i] == '\r' && i + 1 < s->in_len &&
			    s->in_buf[i + 1] == '\n')
				*term = 2;
			return i;
		}
	}
	/* No terminator: a full chunk, or what is left at end of input. */
	return (max == OPCMD_MAX_TEXT || s->in_eof) ? max : SIZE_MAX;
}

/* ---- event types ---- */

/* VT220 (ASCII console data), both directions.  Input gets precedence
 * over line mode when the guest receives both. */
static bool vt220_pending(const struct sclp *s)
{
	return s->in_len > 0;
}

static size_t vt220_read(struct sclp *s, uint8_t *ev, size_t avail)
{
	size_t n;

	if (avail < SCLP_EVBUF_HDR_LEN + 2)
		return 0;
	n = avail - SCLP_EVBUF_HDR_LEN - 1;
	if (n > s->in_len)
		n = s->in_len;
	ev[SCLP_EVBUF_HDR_LEN] = VT220_SESSION_DATA;
	memcpy(ev + SCLP_EVBUF_HDR_LEN + 1, s->in_buf, n);
	in_consume(s, n);
	return SCLP_EVBUF_HDR_LEN + 1 + n;
}

static uint16_t vt220_write(struct sclp *s, uint8_t *ev, size_t len)
{
	if (console_out(s, ev + SCLP_EVBUF_HDR_LEN, len - SCLP_EVBUF_HDR_LEN))
		return SCLP_RC_CONTAINED_EQUIPMENT_CHECK;
	ev[3] |= SCLP_EVBUF_ACCEPTED;
	return SCLP_RC_NORMAL_COMPLETION;
}

/* Operator command: one line of input in line mode, when the guest does
 * not read VT220 input. */
static bool opcmd_pending(const struct sclp *s)
{
	size_t term;

	if (s->guest_receive & ev_bit(SCLP_EV_VT220))
		return false;
	return s->in_len && in_line(s, &term) != SIZE_MAX;
}

static size_t opcmd_read(struct sclp *s, uint8_t *ev, size_t avail)
{
	size_t term, n = in_line(s, &term);
	uint8_t *p = ev + SCLP_EVBUF_HDR_LEN;

	if (n == SIZE_MAX || avail < OPCMD_HDR_LEN + n)
		return 0;
	be16_st(p, (uint16_t)(16 + n));			/* MDS message unit */
	be16_st(p + 2, GDS_ID_MDSMU);
	be16_st(p + 4, (uint16_t)(12 + n));		/* CP-MSU */
	be16_st(p + 6, GDS_ID_CPMSU);
	be16_st(p + 8, (uint16_t)(8 + n));		/* text command */
	be16_st(p + 10, GDS_ID_TEXTCMD);
	p[12] = (uint8_t)(4 + n);			/* self-defining text msg */
	p[13] = GDS_KEY_SELFDEFTEXTMSG;
	p[14] = (uint8_t)(2 + n);			/* text message */
	p[15] = GDS_KEY_TEXTMSG;
	for (size_t i = 0; i < n; i++)
		p[16 + i] = s->latin1_to_ebc500[s->in_buf[i]];
	in_consume(s, n + term);
	return OPCMD_HDR_LEN + n;
}

/* Message: line-mode output.  Each message text object is one line. */
static uint16_t msg_write(struct sclp *s, uint8_t *ev, size_t len)
{
	uint8_t line[SCCB_MAX_LEN + 1];
	const uint8_t *mdb = ev + SCLP_EVBUF_HDR_LEN;
	size_t mdb_len, off;

	if (len < SCLP_EVBUF_HDR_LEN + MDB_HDR_LEN)
		return SCLP_RC_INCONSISTENT_LENGTHS;
	mdb_len = be16_ld(mdb);
	if (mdb_len < MDB_HDR_LEN || mdb_len > len - SCLP_EVBUF_HDR_LEN)
		return SCLP_RC_INCONSISTENT_LENGTHS;

	/* Check every object before printing any. */
	for (off = MDB_HDR_LEN; off < mdb_len; off += be16_ld(mdb + off)) {
		size_t olen;

		if (mdb_len - off < MDBO_HDR_LEN)
			return SCLP_RC_INCONSISTENT_LENGTHS;
		olen = be16_ld(mdb + off);
		if (olen < MDBO_HDR_LEN || olen > mdb_len - off)
			return SCLP_RC_INCONSISTENT_LENGTHS;
	}
	for (off = MDB_HDR_LEN; off < mdb_len; off += be16_ld(mdb + off)) {
		size_t olen = be16_ld(mdb + off), n;

		if (be16_ld(mdb + off + 2) != MDBO_TYPE_MTO || olen < MTO_TEXT)
			continue;	/* general object etc.: nothing to print */
		n = olen - MTO_TEXT;
		for (size_t i = 0; i < n; i++)
			line[i] = ebc500_to_latin1[mdb[off + MTO_TEXT + i]];
		line[n++] = '\n';
		if (console_out(s, line, n))
			return SCLP_RC_CONTAINED_EQUIPMENT_CHECK;
	}
	ev[3] |= SCLP_EVBUF_ACCEPTED;
	return SCLP_RC_NORMAL_COMPLETION;
}

/* Signal quiesce: the host asks the guest to shut down. */
static bool quiesce_pending(const struct sclp *s)
{
	return s->quiesce_pending;
}

static size_t quiesce_read(struct sclp *s, uint8_t *ev, size_t avail)
{
	if (avail < SIGQUIESCE_LEN)
		return 0;
	/* No timeout (Linux ignores timeout and unit anyway). */
	be16_st(ev + SCLP_EVBUF_HDR_LEN, 0);
	ev[SCLP_EVBUF_HDR_LEN + 2] = 0;
	s->quiesce_pending = false;
	return SIGQUIESCE_LEN;
}

struct sclp_event_type {
	uint8_t type;
	const char *name;
	bool line_mode;		/* only offered with sclp_set_line_mode() */
	/* SCLP -> guest (READ EVENT DATA): is one waiting; store it at ev
	 * (header included, zeroed) within avail bytes, return its length
	 * or 0 when it doesn't fit. */
	bool (*pending)(const struct sclp *s);
	size_t (*read)(struct sclp *s, uint8_t *ev, size_t avail);
	/* guest -> SCLP (WRITE EVENT DATA): consume the buffer of len bytes
	 * (header included), set its accepted flag, return a response code. */
	uint16_t (*write)(struct sclp *s, uint8_t *ev, size_t len);
};

/* Delivered in this order when several are pending. */
static const struct sclp_event_type sclp_events[] = {
	{ SCLP_EV_SIGQUIESCE, "signal quiesce", false, quiesce_pending, quiesce_read, NULL },
	{ SCLP_EV_VT220, "ascii console data", false, vt220_pending, vt220_read, vt220_write },
	{ SCLP_EV_OPCMD, "operator command", true, opcmd_pending, opcmd_read, NULL },
	{ SCLP_EV_MSG, "message", true, NULL, NULL, msg_write },
};
#define N_EVENTS (sizeof(sclp_events) / sizeof(sclp_events[0]))

static bool offered(const struct sclp *s, const struct sclp_event_type *e)
{
	return !e->line_mode || s->line_mode;
}

/* Types the SCLP sends to the guest / receives from it. */
static uint64_t sclp_send_mask(const struct sclp *s)
{
	uint64_t m = 0;

	for (size_t i = 0; i < N_EVENTS; i++)
		if (sclp_events[i].read && offered(s, &sclp_events[i]))
			m |= ev_bit(sclp_events[i].type);
	return m;
}

static uint64_t sclp_receive_mask(const struct sclp *s)
{
	uint64_t m = 0;

	for (size_t i = 0; i < N_EVENTS; i++)
		if (sclp_events[i].write && offered(s, &sclp_events[i]))
			m |= ev_bit(sclp_events[i].type);
	return m;
}

static const struct sclp_event_type *find_event(const struct sclp *s, uint8_t type)
{
	for (size_t i = 0; i < N_EVENTS; i++)
		if (sclp_events[i].type == type && offered(s, &sclp_events[i]))
			return &sclp_events[i];
	return NULL;
}

/* Is an event the guest has enabled waiting? (lock held) */
static bool events_pending(const struct sclp *s)
{
	for (size_t i = 0; i < N_EVENTS; i++) {
		const struct sclp_event_type *e = &sclp_events[i];

		if (e->pending && (s->guest_receive & ev_bit(e->type)) &&
		    e->pending(s))
			return true;
	}
	return false;
}

/* ---- service signal ---- */

/* Inject the service-signal external interruption.  parm: SCCB address
 * (8-byte aligned, below 2G) | 1 when events are pending.  Lock not held. */
static void raise_service_signal(struct sclp *s, uint32_t parm)
{
	struct kvm_s390_interrupt irq = {
		.type = KVM_S390_INT_SERVICE,
		.parm = parm,
	};
	int r = -ENOSYS;

	if (!parm)
		return;		/* nothing to tell */
	if (s->vm && s->vm->ops && s->vm->ops->floating_irq)
		r = s->vm->ops->floating_irq(s->vm, &irq);
	pthread_mutex_lock(&s->lock);
	s->stats.service_signals++;
	s->stats.last_parm = parm;
	if (!(parm & ~7U))
		s->stats.attention_signals++;
	if (r < 0)
		s->stats.irq_errors++;
	pthread_mutex_unlock(&s->lock);
}

/* ---- commands ---- */

static void set_response(uint8_t *sccb, uint16_t rc)
{
	be16_st(sccb + SCCB_OFF_RESPONSE, rc);
}

static unsigned int cpu_address(const struct sclp *s, unsigned int i)
{
	const struct vcpu *v = s->vm->vcpus[i];

	return v ? v->id : i;
}

static void store_cpu_entries(const struct sclp *s, uint8_t *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, p += CPU_ENTRY_LEN) {
		p[CPU_ENTRY_ADDR] = (uint8_t)cpu_address(s, i);
		p[CPU_ENTRY_TYPE] = 0;	/* CP; the feature bytes stay 0 */
	}
}

static unsigned int ncpus(const struct sclp *s)
{
	return s->vm->ncpus <= VM_MAX_CPUS ? s->vm->ncpus : VM_MAX_CPUS;
}

/* READ SCP INFO (and FORCED): storage size, CPUs, load parameter. */
static void cmd_read_scp_info(struct sclp *s, uint8_t *sccb, uint16_t len)
{
	unsigned int n = ncpus(s), hcpua = 0;
	uint64_t incr = s->vm->ram_size / VM_MEM_INCREMENT;

	if (len < RI_CPU_ENTRIES + n * CPU_ENTRY_LEN) {
		set_response(sccb, SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
		return;
	}
	memset(sccb + SCCB_HDR_LEN, 0, len - SCCB_HDR_LEN);

	/* Storage in 1 MiB increments; when the count needs more than 16
	 * bits rnmax is 0 and the 64-bit rnmax2 holds it (Linux takes
	 * rnmax ?: rnmax2 and rnsize ?: rnsize2). */
	sccb[RI_RNSIZE] = VM_MEM_INCREMENT >> 20;
	if (incr <= 0xFFFF) {
		be16_st(sccb + RI_RNMAX, (uint16_t)incr);
	} else {
		be32_st(sccb + RI_RNSIZE2, VM_MEM_INCREMENT >> 20);
		be64_st(sccb + RI_RNMAX2, incr);
	}

	be16_st(sccb + RI_NCPURL, (uint16_t)n);
	be16_st(sccb + RI_CPUOFF, RI_CPU_ENTRIES);
	store_cpu_entries(s, sccb + RI_CPU_ENTRIES, n);
	for (unsigned int i = 0; i < n; i++)
		if (cpu_address(s, i) > hcpua)
			hcpua = cpu_address(s, i);
	be16_st(sccb + RI_HCPUA, (uint16_t)hcpua);

	memcpy(sccb + RI_LOADPARM, s->loadparm, sizeof(s->loadparm));
	be64_st(sccb + RI_FACILITIES, SCLP_FAC_CPU_INFO);
	/*
	 * Left 0 on purpose: IBC (76), the configuration characteristics
	 * fac84/fac85/fac91/fac98/fac116-119/byte 134 (nested-virtualization
	 * and facility bits such as ESOP, 64-bit SCAO, diag318, which we
	 * don't offer), hamaxpow (99: 0 means no limit) and hmfai (124).
	 */
	set_response(sccb, SCLP_RC_NORMAL_READ_COMPLETION);
}

/* READ CPU INFO: the configured CPUs; no standby CPUs. */
static void cmd_read_cpu_info(struct sclp *s, uint8_t *sccb, uint16_t len)
{
	unsigned int n = ncpus(s);

	if (len < RCI_ENTRIES + n * CPU_ENTRY_LEN) {
		set_response(sccb, SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
		return;
	}
	memset(sccb + SCCB_HDR_LEN, 0, len - SCCB_HDR_LEN);
	be16_st(sccb + RCI_NR_CONFIGURED, (uint16_t)n);
	be16_st(sccb + RCI_OFF_CONFIGURED, RCI_ENTRIES);
	be16_st(sccb + RCI_NR_STANDBY, 0);
	be16_st(sccb + RCI_OFF_STANDBY, (uint16_t)(RCI_ENTRIES + n * CPU_ENTRY_LEN));
	store_cpu_entries(s, sccb + RCI_ENTRIES, n);
	set_response(sccb, SCLP_RC_NORMAL_READ_COMPLETION);
}

/* WRITE EVENT MASK: take the guest's masks, answer with ours. */
static void cmd_write_event_mask(struct sclp *s, uint8_t *sccb, uint16_t len)
{
	size_t ml;

	if (len < WEM_MASKS) {
		set_response(sccb, SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
		return;
	}
	ml = be16_ld(sccb + WEM_MASK_LEN);
	if (!ml || ml > WEM_MASK_LEN_MAX) {
		set_response(sccb, SCLP_RC_INVALID_MASK_LENGTH);
		return;
	}
	if (WEM_MASKS + 4 * ml > len) {
		set_response(sccb, SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
		return;
	}
	/* Bits for types we don't support are dropped. */
	s->guest_receive = mask_ld(sccb + WEM_MASKS, ml) & sclp_send_mask(s);
	s->guest_send = mask_ld(sccb + WEM_MASKS + ml, ml) & sclp_receive_mask(s);
	s->mask_length = (uint16_t)ml;
	mask_st(sccb + WEM_MASKS + 2 * ml, ml, sclp_receive_mask(s));
	mask_st(sccb + WEM_MASKS + 3 * ml, ml, sclp_send_mask(s));
	set_response(sccb, SCLP_RC_NORMAL_COMPLETION);
}

/* WRITE EVENT DATA: a chain of event buffers filling the SCCB. */
static void cmd_write_event_data(struct sclp *s, uint8_t *sccb, uint16_t len)
{
	uint16_t rc = SCLP_RC_NORMAL_COMPLETION;
	size_t off, elen;

	if (sccb[SCCB_OFF_FUNCTION] != WED_NORMAL_WRITE) {
		set_response(sccb, SCLP_RC_INVALID_FUNCTION);
		return;
	}
	/* Check the chain first: every buffer at least a header, inside. */
	for (off = SCCB_HDR_LEN; off < len; off += elen) {
		if (len - off < 2) {
			set_response(sccb, SCLP_RC_INCONSISTENT_LENGTHS);
			return;
		}
		elen = be16_ld(sccb + off);
		if (elen < SCLP_EVBUF_HDR_LEN || elen > len - off) {
			set_response(sccb, SCLP_RC_EVENT_BUFFER_SYNTAX_ERROR);
			return;
		}
	}
	/* After the first failure the remaining buffers are not accepted. */
	for (off = SCCB_HDR_LEN; off < len; off += elen) {
		const struct sclp_event_type *e = find_event(s, sccb[off + 2]);

		elen = be16_ld(sccb + off);
		if (rc != SCLP_RC_NORMAL_COMPLETION)
			sccb[off + 3] &= (uint8_t)~SCLP_EVBUF_ACCEPTED;
		else if (!e || !e->write)
			rc = SCLP_RC_INVALID_FUNCTION;
		else
			rc = e->write(s, sccb + off, elen);
	}
	set_response(sccb, rc);
}

/* READ EVENT DATA: as many pending, enabled events as fit. */
static void cmd_read_event_data(struct sclp *s, uint8_t *sccb, uint16_t len)
{
	uint16_t rc = SCLP_RC_NO_EVENT_BUFFERS_STORED;
	uint64_t mask;
	size_t off = SCCB_HDR_LEN;

	if (len != SCCB_MAX_LEN) {
		set_response(sccb, SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
		return;
	}
	switch (sccb[SCCB_OFF_FUNCTION]) {
	case RED_UNCONDITIONAL:
		mask = s->guest_receive;
		break;
	case RED_SELECTIVE:
		mask = mask_ld(sccb + RED_MASK, s->mask_length);
		if (!s->guest_receive || (mask & ~s->guest_receive)) {
			set_response(sccb, SCLP_RC_INVALID_SELECTION_MASK);
			return;
		}
		break;
	default:
		set_response(sccb, SCLP_RC_INVALID_FUNCTION);
		return;
	}
	/* A zero length after the last buffer ends the chain for the guest. */
	memset(sccb + SCCB_HDR_LEN, 0, len - SCCB_HDR_LEN);
	for (size_t i = 0; i < N_EVENTS; i++) {
		const struct sclp_event_type *e = &sclp_events[i];
		size_t n;

		if (!e->read || !(mask & ev_bit(e->type)) || !e->pending(s))
			continue;
		n = e->read(s, sccb + off, len - off);
		if (!n)
			continue;
		be16_st(sccb + off, (uint16_t)n);
		sccb[off + 2] = e->type;
		off += n;
		rc = SCLP_RC_NORMAL_COMPLETION;
	}
	/* Variable-length response: reset the bit, report the used length. */
	if (sccb[SCCB_OFF_CONTROL + 2] & SCCB_CM2_VARIABLE_LENGTH) {
		sccb[SCCB_OFF_CONTROL + 2] &= (uint8_t)~SCCB_CM2_VARIABLE_LENGTH;
		be16_st(sccb + SCCB_OFF_LENGTH, (uint16_t)off);
	}
	set_response(sccb, rc);
}

struct sclp_command {
	uint32_t code;		/* command word & SCLP_CMD_CODE_MASK */
	const char *name;
	void (*run)(struct sclp *s, uint8_t *sccb, uint16_t len);
};

static const struct sclp_command sclp_commands[] = {
	{ SCLP_CMDW_READ_CPU_INFO, "read cpu info", cmd_read_cpu_info },
	{ SCLP_CMDW_READ_SCP_INFO, "read scp info", cmd_read_scp_info },
	{ SCLP_CMDW_READ_SCP_INFO_FORCED, "read scp info forced", cmd_read_scp_info },
	{ SCLP_CMD_WRITE_EVENT_DATA, "write event data", cmd_write_event_data },
	{ SCLP_CMD_READ_EVENT_DATA, "read event data", cmd_read_event_data },
	{ SCLP_CMD_WRITE_EVENT_MASK, "write event mask", cmd_write_event_mask },
};

static const struct sclp_command *find_command(uint32_t command)
{
	for (size_t i = 0; i < sizeof(sclp_commands) / sizeof(sclp_commands[0]); i++)
		if (sclp_commands[i].code == (command & SCLP_CMD_CODE_MASK))
			return &sclp_commands[i];
	return NULL;
}

int sclp_service_call(struct sclp *s, struct vcpu *vcpu, uint32_t command,
		      uint64_t sccb)
{
	const struct sclp_command *cmd;
	uint8_t hdr[SCCB_HDR_LEN];
	uint64_t prefix = 0;
	uint32_t parm;
	uint16_t len;

	if (!vm_absolute(s->vm, sccb, 1))
		return -PGM_ADDRESSING;
	/*
	 * The SCCB must be doubleword aligned, below 2 GiB, and outside both
	 * the first 8K and the CPU's prefix area.  Since those two areas swap
	 * under prefixing, the test is the same on the absolute address, and
	 * every accepted SCCB has real address == absolute address.
	 */
	if (vcpu && vcpu->run && (vcpu->run->kvm_valid_regs & KVM_SYNC_PREFIX))
		prefix = vcpu->run->s.regs.prefix & ~0x1FFFULL;
	if ((sccb & ~0x7FFFFFF8ULL) || (sccb & ~0x1FFFULL) == 0 ||
	    (prefix && (sccb & ~0x1FFFULL) == prefix))
		return -PGM_SPECIFICATION;
	if (vm_read(s->vm, sccb, hdr, sizeof(hdr)))
		return -PGM_ADDRESSING;
	len = be16_ld(hdr + SCCB_OFF_LENGTH);
	if (len < SCCB_HDR_LEN)
		return -PGM_SPECIFICATION;
	if (!vm_absolute(s->vm, sccb, len))
		return -PGM_ADDRESSING;

	pthread_mutex_lock(&s->lock);
	s->stats.commands++;
	cmd = find_command(command);
	if (!cmd) {
		set_response(hdr, SCLP_RC_INVALID_SCLP_COMMAND);
		vm_write(s->vm, sccb + SCCB_OFF_RESPONSE, hdr + SCCB_OFF_RESPONSE, 2);
	} else if ((sccb & (VM_PAGE_SIZE - 1)) + len > VM_PAGE_SIZE) {
		/* No extended-length SCCBs: never across a 4K boundary. */
		set_response(hdr, SCLP_RC_SCCB_BOUNDARY_VIOLATION);
		vm_write(s->vm, sccb + SCCB_OFF_RESPONSE, hdr + SCCB_OFF_RESPONSE, 2);
	} else {
		/* Checked above; keep the checked header even if the guest
		 * rewrote it meanwhile. */
		vm_read(s->vm, sccb, s->work, len);
		memcpy(s->work, hdr, sizeof(hdr));
		cmd->run(s, s->work, len);
		vm_write(s->vm, sccb, s->work, len);
	}
	parm = (uint32_t)(sccb & ~7ULL) | (events_pending(s) ? 1 : 0);
	pthread_mutex_unlock(&s->lock);

	raise_service_signal(s, parm);
	return 0;
}

/* ---- input reader thread ---- */

static void *reader_thread(void *arg)
{
	struct sclp *s = arg;
	uint8_t buf[SCLP_IN_BUF];
	char *err = NULL;

	/* Reads what the host user types: sandboxed like any guest-facing
	 * thread (seccomp/seccomp.c console_in_rules). */
	if (sandbox_enter(SANDBOX_CONSOLE_IN, &err) < 0) {
		vm_request_end(s->vm, VM_END_ERROR, "console input: %s",
			       err ? err : "cannot enter the sandbox");
		free(err);
		return NULL;
	}
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = s->in_fd, .events = POLLIN },
			{ .fd = s->stop_fd, .events = POLLIN },
		};
		size_t room;
		ssize_t n;
		bool was, now, stop;

		pthread_mutex_lock(&s->lock);
		while (!s->stopping && s->in_len == SCLP_IN_BUF)
			pthread_cond_wait(&s->in_space, &s->lock);
		room = SCLP_IN_BUF - s->in_len;
		stop = s->stopping;
		pthread_mutex_unlock(&s->lock);
		if (stop)
			break;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		/* Only this thread adds input, so room can only have grown. */
		n = read(s->in_fd, buf, room);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;

		pthread_mutex_lock(&s->lock);
		was = events_pending(s);
		if (n > 0) {
			memcpy(s->in_buf + s->in_len, buf, (size_t)n);
			s->in_len += (size_t)n;
			s->stats.in_bytes += (uint64_t)n;
		} else {
			s->in_eof = true;	/* a partial line is now complete */
		}
		now = events_pending(s);
		pthread_mutex_unlock(&s->lock);

		/* Attention only on a new pending event: the completion of
		 * each READ EVENT DATA reports whether more are waiting. */
		if (!was && now)
			raise_service_signal(s, 1);
		if (n <= 0)
			break;		/* end of input or error */
	}
	return NULL;
}

/* ---- lifetime ---- */

int sclp_set_loadparm(struct sclp *s, const char *lp)
{
	uint8_t ebc[8];
	size_t i, len = strlen(lp);

	if (len > sizeof(ebc))
		return -EINVAL;
	for (i = 0; i < sizeof(ebc); i++) {
		unsigned char c = i < len ? (unsigned char)lp[i] : ' ';

		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == ' '))
			return -EINVAL;
		ebc[i] = s->latin1_to_ebc500[c];
	}
	pthread_mutex_lock(&s->lock);
	memcpy(s->loadparm, ebc, sizeof(ebc));
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int fail(char **err, int r, const char *what)
{
	error_setf(err, "sclp: %s: %s", what, strerror(-r));
	return r;
}

int sclp_create(struct sclp **out, struct vm *vm, int in_fd, int out_fd,
		char **err)
{
	struct sclp *s;
	int r;

	*out = NULL;
	if (!vm)
		return fail(err, -EINVAL, "no vm");
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail(err, -ENOMEM, "allocating state");
	s->vm = vm;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->stop_fd = -1;
	for (unsigned int i = 0; i < 256; i++)
		s->latin1_to_ebc500[ebc500_to_latin1[i]] = (uint8_t)i;
	memset(s->loadparm, s->latin1_to_ebc500[' '], sizeof(s->loadparm));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->in_space, NULL);

	if (in_fd >= 0) {
		s->stop_fd = eventfd(0, EFD_CLOEXEC);
		if (s->stop_fd < 0) {
			r = -errno;
			sclp_destroy(s);
			return fail(err, r, "eventfd");
		}
		r = -pthread_create(&s->reader, NULL, reader_thread, s);
		if (r) {
			sclp_destroy(s);
			return fail(err, r, "starting the console input thread");
		}
		s->reader_started = true;
	}
	*out = s;
	return 0;
}

void sclp_destroy(struct sclp *s)
{
	if (!s)
		return;
	if (s->reader_started) {
		uint64_t one = 1;

		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		pthread_cond_signal(&s->in_space);
		pthread_mutex_unlock(&s->lock);
		while (write(s->stop_fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
		pthread_join(s->reader, NULL);
	}
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	pthread_cond_destroy(&s->in_space);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int sclp_signal_quiesce(struct sclp *s)
{
	bool enabled;

	pthread_mutex_lock(&s->lock);
	s->quiesce_pending = true;
	enabled = s->guest_receive & ev_bit(SCLP_EV_SIGQUIESCE);
	pthread_mutex_unlock(&s->lock);
	if (!enabled)
		return -ENOTCONN;
	raise_service_signal(s, 1);
	return 0;
}

void sclp_set_line_mode(struct sclp *s, bool on)
{
	pthread_mutex_lock(&s->lock);
	s->line_mode = on;
	s->guest_receive &= sclp_send_mask(s);
	s->guest_send &= sclp_receive_mask(s);
	pthread_mutex_unlock(&s->lock);
}

void sclp_reset(struct sclp *s)
{
	pthread_mutex_lock(&s->lock);
	s->guest_receive = 0;
	s->guest_send = 0;
	s->mask_length = 0;
	s->quiesce_pending = false;
	s->in_len = 0;
	pthread_cond_signal(&s->in_space);
	pthread_mutex_unlock(&s->lock);
}

void sclp_stats(struct sclp *s, struct sclp_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

/* ---- Migration (migrate/vmstate.h) ---- */

struct sclp_state {
	uint64_t guest_receive, guest_send;
	uint16_t mask_length;
	bool quiesce_pending;
	uint32_t in_len;
	uint8_t in_buf[SCLP_IN_BUF];
};

static int sclp_pre_save(void *dev, void *state, char **err)
{
	struct sclp *sclp = dev;
	struct sclp_state *s = state;

	(void)err;
	pthread_mutex_lock(&sclp->lock);
	s->guest_receive = sclp->guest_receive;
	s->guest_send = sclp->guest_send;
	s->mask_length = sclp->mask_length;
	s->quiesce_pending = sclp->quiesce_pending;
	s->in_len = (uint32_t)sclp->in_len;
	memcpy(s->in_buf, sclp->in_buf, sclp->in_len);
	pthread_mutex_unlock(&sclp->lock);
	return 0;
}

static int sclp_post_load(void *dev, void *state, uint32_t version,
			  const bool *present, char **err)
{
	const struct sclp_state *s = state;

	(void)dev;
	(void)version;
	(void)present;
	/* WRITE EVENT MASK accepts mask lengths 1..1021 (0: never set). */
	if (s->mask_length > 1021) {
		error_setf(err, "mask_length %u out of range", s->mask_length);
		return -EINVAL;
	}
	return 0;
}

static void sclp_commit(void *dev, const void *state)
{
	struct sclp *sclp = dev;
	const struct sclp_state *s = state;

	pthread_mutex_lock(&sclp->lock);
	sclp->guest_receive = s->guest_receive;
	sclp->guest_send = s->guest_send;
	sclp->mask_length = s->mask_length;
	sclp->quiesce_pending = s->quiesce_pending;
	sclp->in_len = s->in_len;
	memcpy(sclp->in_buf, s->in_buf, s->in_len);
	pthread_mutex_unlock(&sclp->lock);
}

static const struct vms_field sclp_fields[] = {
	VMS_SCALAR(struct sclp_state, guest_receive, VMS_U64, 1),
	VMS_SCALAR(struct sclp_state, guest_send, VMS_U64, 1),
	VMS_SCALAR(struct sclp_state, mask_length, VMS_U16, 1),
	VMS_SCALAR(struct sclp_state, quiesce_pending, VMS_BOOL, 1),
	VMS_SCALAR(struct sclp_state, in_len, VMS_U32, 1),
	{ .name = "in_buf", .offset = offsetof(struct sclp_state, in_buf),
	  .type = VMS_BUFFER, .count = SCLP_IN_BUF, .size = SCLP_IN_BUF,
	  .version = 1, .len_field = "in_len" },
};

const struct vms_desc sclp_vmsd = {
	.name = "sclp", .version = 1, .min_version = 1,
	.size = sizeof(struct sclp_state), VMS_FIELDS(sclp_fields),
	.pre_save = sclp_pre_save, .post_load = sclp_post_load,
	.commit = sclp_commit,
};
