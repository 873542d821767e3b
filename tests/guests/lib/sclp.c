/* SPDX-License-Identifier: MIT */
/*
 * Polling SCLP driver of the test guests: console output and input through
 * the VT220 (ASCII console) event type 0x1A, and the storage size from
 * READ SCP INFO.
 *
 * Protocol (as the Linux early SCLP code and QEMU's SCLP implement it):
 * SERVICE CALL (SERVC, B220) takes the command word in R1 and the real
 * address of a Service-Call Control Block (SCCB, 8-byte aligned, below
 * 2 GiB, not crossing a page) in R2.  CC 0: accepted, CC 2: busy, CC 3:
 * not operational.  When the SCLP is done it raises a service-signal
 * external interruption (code 0x2401, CR0 bit 54) whose parameter (lowcore
 * 0x80) is the SCCB address with the low two bits meaning "event buffers
 * pending"; an unsolicited parameter with an address of 0 announces
 * console input.  The response code is at SCCB offset 6.
 */
#include "guest.h"

#define SCLP_CMD_READ_SCP_INFO		0x00020001
#define SCLP_CMD_READ_SCP_INFO_FORCED	0x00120001
#define SCLP_CMD_WRITE_EVENT_MASK	0x00780005
#define SCLP_CMD_WRITE_EVENT_DATA	0x00760005
#define SCLP_CMD_READ_EVENT_DATA	0x00770005

#define SCLP_RC_NORMAL_READ		0x0010
#define SCLP_RC_NORMAL			0x0020
#define SCLP_RC_INVALID_COMMAND		0x01F0
#define SCLP_RC_NO_EVENTS		0x60F0

#define EVTYP_VT220			0x1A
#define VT220_SESSION_DATA		0x00
/* Event type t has mask bit t-1 counted from the most significant bit. */
#define EVTYP_MASK(t)			(0x80000000U >> ((t) - 1))

#define SCCB_SIZE			PAGE_SIZE

struct sccb_header {
	uint16_t length;
	uint8_t function_code;
	uint8_t control_mask[3];
	uint16_t response_code;
} __attribute__((packed));

struct evbuf_header {
	uint16_t length;
	uint8_t type;
	uint8_t flags;
	uint16_t reserved;
} __attribute__((packed));

/* WRITE EVENT MASK with 4-byte masks. */
struct event_mask_sccb {
	struct sccb_header h;
	uint16_t reserved;
	uint16_t mask_length;
	uint32_t cp_receive_mask;	/* events the guest accepts */
	uint32_t cp_send_mask;		/* events the guest sends */
	uint32_t sclp_receive_mask;	/* set by the SCLP */
	uint32_t sclp_send_mask;	/* set by the SCLP */
} __attribute__((packed));

/* READ SCP INFO: only the storage-size fields. */
#define RSI_RNMAX	8	/* u16: number of storage increments */
#define RSI_RNSIZE	10	/* u8: increment size in MiB */
#define RSI_RNSIZE2	100	/* u32: increment size when rnsize is 0 */
#define RSI_RNMAX2	104	/* u64: increments when rnmax is 0 */

static uint8_t sccb_buf[SCCB_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint32_t sclp_lock;	/* owner CPU address + 1, 0: free */
static bool sclp_ready;
static uint64_t mem_size;

volatile uint32_t sclp_ext_param;	/* last service-signal parameter */
volatile int sclp_ext_pending;		/* completions not yet consumed */
static volatile int sclp_events_pending;

/* Called by the external-interruption handler (irq.c). */
void sclp_interrupt(uint32_t param)
{
	sclp_ext_param = param;
	if (param & 3)
		sclp_events_pending = 1;
	if ((param & ~7U) == (uint32_t)(uintptr_t)sccb_buf)
		sclp_ext_pending = 1;
}

static bool lock(void)
{
	uint32_t me = stap() + 1U, old;

	if (sclp_lock == me)
		return false;	/* nested, e.g. a handler reporting a bug */
	do {
		old = 0;
	} while (!__atomic_compare_exchange_n(&sclp_lock, &old, me, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}

static void unlock(void)
{
	__atomic_store_n(&sclp_lock, 0, __ATOMIC_RELEASE);
}

static int servc(uint32_t cmd, void *sccb)
{
	int cc;

	asm volatile(".insn rre,0xb2200000,%[cmd],%[sccb]\n"	/* SERVC */
		     "ipm %[cc]\n"
		     "srl %[cc],28"
		     : [cc] "=d"(cc)
		     : [cmd] "d"(cmd), [sccb] "a"(sccb)
		     : "cc", "memory");
	return cc;
}

/* Caller holds the lock; sccb is sccb_buf. */
static int service_call_locked(uint32_t cmd)
{
	uint64_t cr0 = stctg0();
	int cc;

	sclp_ext_pending = 0;
	lctlg0(cr0 | CR0_SERVICE_SIGNAL);
	for (;;) {
		cc = servc(cmd, sccb_buf);
		if (cc != 2)
			break;
		/* Busy: a previous request is still in flight. */
		enabled_wait(PSW_MASK_EXT);
	}
	if (cc == 0) {
		while (!sclp_ext_pending)
			enabled_wait(PSW_MASK_EXT);
	}
	lctlg0(cr0);
	if (cc)
		return -1;
	return ((struct sccb_header *)sccb_buf)->response_code;
}

int sclp_service_call(uint32_t cmd, void *sccb)
{
	bool locked = lock();
	int rc;

	if (sccb != sccb_buf)
		memcpy(sccb_buf, sccb, ((struct sccb_header *)sccb)->length);
	rc = service_call_locked(cmd);
	if (sccb != sccb_buf)
		memcpy(sccb, sccb_buf, ((struct sccb_header *)sccb)->length);
	if (locked)
		unlock();
	return rc;
}

static int set_event_mask(void)
{
	struct event_mask_sccb *s = (void *)sccb_buf;

	memset(s, 0, sizeof(*s));
	s->h.length = sizeof(*s);
	s->mask_length = 4;
	s->cp_receive_mask = EVTYP_MASK(EVTYP_VT220);
	s->cp_send_mask = EVTYP_MASK(EVTYP_VT220);
	return service_call_locked(SCLP_CMD_WRITE_EVENT_MASK);
}

static uint64_t read_memory_size(void)
{
	struct sccb_header *h = (void *)sccb_buf;
	uint32_t cmds[2] = { SCLP_CMD_READ_SCP_INFO_FORCED,
			     SCLP_CMD_READ_SCP_INFO };

	for (int i = 0; i < 2; i++) {
		uint64_t rnmax, rnsize;

		memset(sccb_buf, 0, SCCB_SIZE);
		h->length = SCCB_SIZE;
		if (service_call_locked(cmds[i]) != SCLP_RC_NORMAL_READ)
			continue;
		rnmax = *(uint16_t *)(sccb_buf + RSI_RNMAX);
		if (!rnmax)
			rnmax = *(uint64_t *)(sccb_buf + RSI_RNMAX2);
		rnsize = sccb_buf[RSI_RNSIZE];
		if (!rnsize)
			rnsize = *(uint32_t *)(sccb_buf + RSI_RNSIZE2);
		return rnmax * rnsize << 20;
	}
	return 0;
}

int sclp_init(void)
{
	bool locked = lock();
	int rc;

	rc = set_event_mask();
	mem_size = read_memory_size();
	sclp_ready = rc == SCLP_RC_NORMAL;
	if (locked)
		unlock();
	return sclp_ready ? 0 : -1;
}

uint64_t sclp_memory_size(void)
{
	return mem_size;
}

void sclp_write(const char *buf, size_t len)
{
	const size_t max = SCCB_SIZE - sizeof(struct sccb_header) -
			   sizeof(struct evbuf_header);
	struct sccb_header *h = (void *)sccb_buf;
	struct evbuf_header *ev = (void *)(h + 1);
	bool locked;

	if (!sclp_ready && sclp_init())
		return;
	locked = lock();
	while (len) {
		size_t n = len < max ? len : max;

		memset(sccb_buf, 0, sizeof(*h) + sizeof(*ev));
		ev->length = (uint16_t)(sizeof(*ev) + n);
		ev->type = EVTYP_VT220;
		memcpy(ev + 1, buf, n);
		h->length = (uint16_t)(sizeof(*h) + ev->length);
		if (service_call_locked(SCLP_CMD_WRITE_EVENT_DATA) != SCLP_RC_NORMAL)
			break;
		buf += n;
		len -= n;
	}
	if (locked)
		unlock();
}

/* One READ EVENT DATA; returns bytes of VT220 input copied to buf. */
static size_t read_once(char *buf, size_t len)
{
	struct sccb_header *h = (void *)sccb_buf;
	size_t got = 0, off;
	int rc;

	memset(sccb_buf, 0, SCCB_SIZE);
	h->length = SCCB_SIZE;
	h->function_code = 0;		/* unconditional read */
	rc = service_call_locked(SCLP_CMD_READ_EVENT_DATA);
	if (rc != SCLP_RC_NORMAL)
		return 0;
	/* Walk the event buffers, each bounded by the SCCB length. */
	for (off = sizeof(*h); off + sizeof(struct evbuf_header) <= h->length &&
	     off + sizeof(struct evbuf_header) <= SCCB_SIZE;) {
		struct evbuf_header *ev = (void *)(sccb_buf + off);
		size_t dlen;

		if (ev->length < sizeof(*ev) || off + ev->length > SCCB_SIZE)
			break;
		dlen = ev->length - sizeof(*ev);
		/*
		 * VT220 input starts with a session byte: 0x00 data follows,
		 * 0x80 session started, 0x01 session ended (as Linux's
		 * sclp_vt220 driver reads it).
		 */
		if (ev->type == EVTYP_VT220 && dlen > 1 &&
		    *(uint8_t *)(ev + 1) == VT220_SESSION_DATA) {
			dlen--;
			if (dlen > len - got)
				dlen = len - got;
			memcpy(buf + got, (uint8_t *)(ev + 1) + 1, dlen);
			got += dlen;
		}
		off += ev->length;
	}
	return got;
}

size_t sclp_read(char *buf, size_t len, uint64_t max_wait_us)
{
	uint64_t deadline = stck() + (max_wait_us << 12);	/* bit 51 = 1 us */
	size_t got = 0;
	bool locked;

	if (!sclp_ready && sclp_init())
		return 0;
	locked = lock();
	for (;;) {
		sclp_events_pending = 0;
		got = read_once(buf, len);
		if (got || !max_wait_us || stck() >= deadline)
			break;
		/* Sleep until the SCLP announces input or the deadline. */
		if (!sclp_events_pending) {
			uint64_t cr0 = stctg0();

			sckc(deadline);
			lctlg0(cr0 | CR0_SERVICE_SIGNAL | CR0_CLOCK_COMP);
			enabled_wait(PSW_MASK_EXT);
			lctlg0(cr0);
		}
	}
	if (locked)
		unlock();
	return got;
}
