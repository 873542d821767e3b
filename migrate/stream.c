// SPDX-License-Identifier: MIT
/*
 * The migration stream.  All integers are big-endian.
 *
 *   stream   := preamble record* trailer
 *   preamble := "MVMSTRM\n" (8 bytes)  u32 format version (= 1)
 *   record   := u8 type  u8 flags (0)  u16 reserved (0)  u32 id  u32 len
 *               payload[len]  u64 XXH3-64 of the 12 head bytes + payload
 *   trailer  := "MVMTRAIL" (8 bytes)  u64 length of everything before the
 *               trailer  u64 XXH3-64 of everything before the trailer
 *               -- and then the end of the stream: any byte after it is
 *               an error ("trailing garbage").
 *
 * Record types (0 is invalid for every type and id):
 *   1 HEADER  id 1; payload = the schema (migrate/schema.c: machine type,
 *             RAM size, CPU count, every description used with its
 *             fields and subsections, the section list id -> name,
 *             instance, version).  Bounded to 1 MiB.
 *   2 RAM     id 1 (the one memory slot); payload = u64 first page frame,
 *             u32 count (1..256), then per page u8 kind:
 *               1 ZERO  (nothing follows)
 *               2 DATA  4096 bytes follow
 *               3 DUP   u64 frame of an earlier page of this stream with
 *                       the same contents
 *   3 SKEYS   id 1; payload = u64 first frame, u32 count (1..65536),
 *             count storage keys (bit 7 must be zero).
 *   4 DEVICE  id = a section id from the header; payload = the section's
 *             fields and subsections (migrate/vmstate.h).  Bounded to
 *             4 MiB.  Each section exactly once.
 *   5 END     id 1; payload = u32 device sections sent, u64 pages sent.
 *
 * Receiver state machine (migrate_load):
 *
 *   PREAMBLE --magic+version ok--> HEADER --schema compatible--> BODY
 *   BODY --RAM/SKEYS--> BODY            (pages into guest RAM, which the
 *   BODY --DEVICE--> BODY                destination never runs on error;
 *                                        device state into shadow structs)
 *   BODY --END, all sections and pages--> TRAILER --length+hash ok, EOF-->
 *   COMMIT (storage keys, then every section's commit() in header order)
 *
 *   Any other record, a bad checksum, a length over its bound, truncation,
 *   a version outside [min, current], an unknown section, subsection or
 *   field, or bytes after the trailer: ERROR with a message naming the
 *   record or section, the field, the stream offset, both versions and
 *   both machine types.  The HEADER check happens before any RAM is read
 *   (live migration answers accept/refuse at that point).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xxhash.h>
#ifdef MINIVMM_XXH_DISPATCH
#include <xxh_x86dispatch.h>	/* XXH3_* -> the CPU's best variant */
#endif

#include "migrate/migrate.h"
#include "migrate/untouched.h"
#include "vmm/endian.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define MIG_MAGIC		"MVMSTRM\n"
#define MIG_TRAILER_MAGIC	"MVMTRAIL"
#define MIG_FORMAT_VERSION	1
#define REC_HEAD		12
#define REC_CHECK		8
#define TRAILER_LEN		24

enum rec_type {
	REC_INVALID = 0,
	REC_HEADER = 1,
	REC_RAM = 2,
	REC_SKEYS = 3,
	REC_DEVICE = 4,
	REC_END = 5,
};

enum page_kind { PAGE_ZERO = 1, PAGE_DATA = 2, PAGE_DUP = 3 };

#define PAGE		4096u
#define RAM_BATCH	256u			/* pages per RAM record */
#define RAM_DATA_BATCH	32u	/* data pages per record the writer makes:
				 * 128 KiB, hashed twice and written while
				 * it is still in the L2 cache */
#define DIRECT_MIN	(64u << 10)	/* records this long skip the stage */
#define SKEY_BATCH	65536u
#define MAX_HEADER	(1u << 20)
#define MAX_DEVICE	(4u << 20)
#define MAX_RAM		(12 + RAM_BATCH * (1 + PAGE))
#define MAX_SKEYS	(12 + SKEY_BATCH)

static const char *rec_name(unsigned int t)
{
	static const char *const n[] = { "invalid", "HEADER", "RAM", "SKEYS",
					 "DEVICE", "END" };
	return t <= REC_END ? n[t] : "unknown";
}

/* ---- Output ------------------------------------------------------- */

/*
 * Where the bytes go: an fd (staged in 1 MiB chunks), a sink callback
 * (live migration: a socket with its own waits), or memory.  While
 * `holding`, bytes collect in `hold` and nothing is written: the live
 * final phase encodes the device sections on the loop thread, which must
 * not wait on the network, and the migration thread sends them after.
 */
struct mig_out {
	int fd;
	const struct mig_sink *sink;
	struct vms_buf *mem;
	XXH3_state_t *whole;
	uint64_t off;
	uint8_t *stage;			/* fd or sink: write in large chunks */
	size_t staged;
	struct vms_buf hold;
	bool holding;
	int error;
};

#define STAGE_SIZE	(1u << 20)

static void out_write(struct mig_out *o, const uint8_t *p, size_t n)
{
	size_t done = 0;

	if (o->sink) {
		if (n && !o->error)
			o->error = o->sink->write(o->sink->opaque, p, n);
		return;
	}
	while (done < n && !o->error) {
		ssize_t r = write(o->fd, p + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			o->error = r < 0 ? -errno : -EIO;
		else
			done += (size_t)r;
	}
}

/* Held bytes first (they were produced before anything staged now). */
static void out_flush(struct mig_out *o)
{
	if (o->holding)
		return;
	if (o->hold.len) {
		out_write(o, o->hold.data, o->hold.len);
		o->hold.len = 0;
	}
	out_write(o, o->stage, o->staged);
	o->staged = 0;
}

/* Bytes whose hash and offset the caller accounted for. */
static void out_bytes(struct mig_out *o, const void *p, size_t n)
{
	if (o->holding || (o->fd < 0 && !o->sink)) {
		struct vms_buf *b = o->holding ? &o->hold : o->mem;

		vms_buf_put(b, p, n);
		if (b->oom)
			o->error = -ENOMEM;
		return;
	}
	while (n) {
		size_t k = STAGE_SIZE - o->staged;

		if (k > n)
			k = n;
		memcpy(o->stage + o->staged, p, k);
		o->staged += k;
		p = (const uint8_t *)p + k;
		n -= k;
		if (o->staged == STAGE_SIZE)
			out_flush(o);
	}
}

static void out_put(struct mig_out *o, const void *p, size_t n)
{
	XXH3_64bits_update(o->whole, p, n);
	o->off += n;
	out_bytes(o, p, n);
}

/*
 * Pieces of one record (hashed and counted by the caller): small ones
 * through the stage, a large one straight to the fd (writev, iovecs that
 * may point into guest RAM: no user-space copy) or the sink, after what
 * is staged.
 */
static void out_pieces(struct mig_out *o, struct iovec *iov, unsigned int n,
		       size_t total)
{
	if (o->holding || (o->fd < 0 && !o->sink) || total < DIRECT_MIN) {
		for (unsigned int i = 0; i < n; i++)
			out_bytes(o, iov[i].iov_base, iov[i].iov_len);
		return;
	}
	out_flush(o);
	if (o->sink) {
		for (unsigned int i = 0; i < n; i++)
			out_write(o, iov[i].iov_base, iov[i].iov_len);
		return;
	}
	for (unsigned int i = 0; i < n && !o->error;) {
		ssize_t r = writev(o->fd, iov + i, (int)(n - i));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			o->error = r < 0 ? -errno : -EIO;
			break;
		}
		for (size_t k = (size_t)r; k && i < n;) {
			if (k >= iov[i].iov_len) {
				k -= iov[i].iov_len;
				i++;
			} else {
				iov[i].iov_base = (uint8_t *)iov[i].iov_base + k;
				iov[i].iov_len -= k;
				k = 0;
			}
		}
	}
}

/* One record from up to three payload pieces (no copy of page data). */
static void out_record(struct mig_out *o, uint8_t type, uint32_t id,
		       const void *p1, size_t n1, const void *p2, size_t n2)
{
	uint8_t head[REC_HEAD], check[REC_CHECK];
	XXH3_state_t *h = XXH3_createState();

	if (!h) {
		o->error = -ENOMEM;
		return;
	}
	head[0] = type;
	head[1] = 0;
	be16_st(head + 2, 0);
	be32_st(head + 4, id);
	be32_st(head + 8, (uint32_t)(n1 + n2));
	XXH3_64bits_reset(h);
	XXH3_64bits_update(h, head, REC_HEAD);
	if (n1)
		XXH3_64bits_update(h, p1, n1);
	if (n2)
		XXH3_64bits_update(h, p2, n2);
	be64_st(check, XXH3_64bits_digest(h));
	XXH3_freeState(h);
	out_put(o, head, REC_HEAD);
	if (n1)
		out_put(o, p1, n1);
	if (n2)
		out_put(o, p2, n2);
	out_put(o, check, REC_CHECK);
}

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[64];

	for (unsigned int i = 0; i < PAGE; i += 64)
		if (memcmp(p + i, zero, 64))
			return false;
	return true;
}

/*
 * Duplicate pages (file saves): open addressing from a cheap key, the
 * XXH3 of the page's first 64 bytes (the line the zero check just read),
 * to the latest frame with that key.  A key hit is confirmed with memcmp;
 * a page whose key matches but whose bytes do not takes the slot over.
 * So each page costs one small hash, one table line and at most one
 * compare (a full-page hash of every page cost as much as writing it),
 * at the price of missing a duplicate whose key twin came between.
 */
struct dup_slot {
	uint64_t key, frame;		/* frame + 1; 0: empty slot */
};

struct dup_table {
	struct dup_slot *s;
	uint64_t mask;
};

#define DUP_KEY_BYTES	64u

static int dup_init(struct dup_table *t, uint64_t npages)
{
	uint64_t n = 16;

	while (n < 2 * npages)
		n *= 2;
	t->s = calloc(n, sizeof(*t->s));
	t->mask = n - 1;
	return t->s ? 0 : -ENOMEM;
}

static void dup_free(struct dup_table *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

/* The earlier frame with this content, or UINT64_MAX (and remember it). */
static uint64_t dup_find(struct dup_table *t, const uint8_t *ram,
			 uint64_t frame)
{
	const uint8_t *p = ram + frame * PAGE;
	uint64_t k = XXH3_64bits(p, DUP_KEY_BYTES);

	for (uint64_t i = k & t->mask;; i = (i + 1) & t->mask) {
		struct dup_slot *e = &t->s[i];

		if (!e->frame) {
			e->key = k;
			e->frame = frame + 1;
			return UINT64_MAX;
		}
		if (e->key == k) {
			if (!memcmp(ram + (e->frame - 1) * PAGE, p, PAGE))
				return e->frame - 1;
			e->frame = frame + 1;
			return UINT64_MAX;
		}
	}
}

/* ---- The writer: header, RAM passes, device part, end --------------- */

struct mig_writer {
	struct vm *vm;
	struct mig_out o;
	struct mig_sections ss;
	struct schema sch;
	struct vms_buf hdr, payload;
	struct dup_table dt;
	struct mig_stats st;
	uint64_t npages;
	bool quiesced;
	bool stable;			/* RAM holds still: send from it */
	/* RAM records: the record (or, sending from RAM, its small bytes),
	 * its hash state, and which frames have no page (pass over all) */
	uint8_t *rec;
	XXH3_state_t *rh;
	struct mig_untouched *ut;
	uint64_t ut_first, ut_bits[MIG_UNTOUCHED_MAX / 64];
	unsigned int ut_n;
};

/* A RAM record the writer makes: head, first, count, per page a kind and
 * a DUP reference or the data, check. */
#define REC_CAP		(REC_HEAD + 12 + RAM_BATCH * 9 + \
			 RAM_DATA_BATCH * PAGE + REC_CHECK)

int mig_writer_open(struct mig_writer **out, struct vm *vm, int fd,
		    struct vms_buf *mem, const struct mig_sink *sink,
		    char **err)
{
	struct mig_writer *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	w->vm = vm;
	w->npages = vm->ram_size / PAGE;
	w->o.fd = fd;
	w->o.mem = mem;
	w->o.sink = sink;
	rc = migrate_collect(vm, &w->ss, err);
	if (rc) {
		free(w);
		return rc;
	}
	rc = schema_from_sections(&w->sch, &w->ss, err);
	if (rc) {
		mig_writer_free(w);
		return rc;
	}
	w->sch.ram_size = vm->ram_size;
	w->sch.ncpus = vm->ncpus;
	w->o.whole = XXH3_createState();
	w->o.stage = fd >= 0 || sink ? malloc(STAGE_SIZE) : NULL;
	w->rec = malloc(REC_CAP);
	w->rh = XXH3_createState();
	if (!w->o.whole || ((fd >= 0 || sink) && !w->o.stage) || !w->rec ||
	    !w->rh ||
	    schema_encode(&w->hdr, &w->sch)) {
		error_setf(err, "out of memory");
		mig_writer_free(w);
		return -ENOMEM;
	}
	if (w->hdr.len > MAX_HEADER) {
		error_setf(err, "the schema is larger than %u bytes", MAX_HEADER);
		mig_writer_free(w);
		return -E2BIG;
	}
	XXH3_64bits_reset(w->o.whole);
	*out = w;
	return 0;
}

void mig_writer_free(struct mig_writer *w)
{
	if (!w)
		return;
	mig_writer_quiesce(w, false);
	free(w->o.stage);
	vms_buf_free(&w->o.hold);
	if (w->o.whole)
		XXH3_freeState(w->o.whole);
	vms_buf_free(&w->hdr);
	vms_buf_free(&w->payload);
	free(w->rec);
	if (w->rh)
		XXH3_freeState(w->rh);
	mig_untouched_close(w->ut);
	dup_free(&w->dt);
	schema_free(&w->sch);
	mig_sections_free(&w->ss);
	free(w);
}

/* Device threads hold still (no DMA into RAM, no request in flight) from
 * the moment RAM and device state must describe the same instant. */
void mig_writer_quiesce(struct mig_writer *w, bool hold)
{
	if (hold == w->quiesced)
		return;
	if (hold) {
		for (unsigned int i = 0; i < w->ss.n; i++)
			if (w->ss.s[i].desc->quiesce)
				w->ss.s[i].desc->quiesce(w->ss.s[i].dev, true);
	} else {
		for (unsigned int i = w->ss.n; i-- > 0;)
			if (w->ss.s[i].desc->quiesce)
				w->ss.s[i].desc->quiesce(w->ss.s[i].dev, false);
	}
	w->quiesced = hold;
}

/* The devices stay held after the writer is gone (a completed live
 * migration: the destination runs the guest now). */
void mig_writer_quiesce_forget(struct mig_writer *w)
{
	w->quiesced = false;
}

static int writer_rc(struct mig_writer *w, int rc, char **err)
{
	if (!rc)
		rc = w->o.error;
	if (rc && err && !*err)
		error_setf(err, "cannot write the migration stream: %s",
			   strerror(-rc));
	w->st.bytes = w->o.off;
	return rc;
}

int mig_writer_header(struct mig_writer *w, char **err)
{
	uint8_t pre[12];

	memcpy(pre, MIG_MAGIC, 8);
	be32_st(pre + 8, MIG_FORMAT_VERSION);
	out_put(&w->o, pre, sizeof(pre));
	out_record(&w->o, REC_HEADER, 1, w->hdr.data, w->hdr.len, NULL, 0);
	return writer_rc(w, 0, err);
}

static bool frame_set(const uint64_t *bitmap, uint64_t f)
{
	return !bitmap || (bitmap[f / 64] >> (f % 64)) & 1;
}

void mig_writer_stable(struct mig_writer *w, bool stable)
{
	w->stable = stable;
}

/* Frame f has no page (reads as zero): asked of the kernel for 256 frames
 * at a time.  False when unknown. */
static bool untouched(struct mig_writer *w, uint64_t f)
{
	if (!w->ut)
		return false;
	if (f < w->ut_first || f >= w->ut_first + w->ut_n) {
		uint64_t left = w->npages - f;

		w->ut_first = f;
		w->ut_n = left < MIG_UNTOUCHED_MAX ? (unsigned int)left :
			  MIG_UNTOUCHED_MAX;
		if (mig_untouched_get(w->ut, f, w->ut_n, w->ut_bits))
			w->ut_n = 0;	/* bits clear: read the pages */
		if (!w->ut_n)
			return false;
	}
	f -= w->ut_first;
	return (w->ut_bits[f / 64] >> (f % 64)) & 1;
}

/*
 * One RAM record from frames [first, first + max), all to be sent; it
 * ends early after RAM_DATA_BATCH data pages.  Returns the frames it
 * took.  Sending from RAM (stable RAM and an fd): the small bytes are
 * collected in w->rec and the data pages go out as iovecs into guest
 * RAM; else the whole record is built in w->rec (one copy of each data
 * page, which is what is hashed and sent even if the guest writes the
 * page meanwhile).  Both hashes run piece by piece while it is cached.
 */
static uint32_t ram_record(struct mig_writer *w, uint64_t first,
			   uint32_t max, bool dup, bool scan)
{
	struct mig_out *o = &w->o;
	bool from_ram = w->stable && o->fd >= 0 && !o->sink && !o->holding;
	struct iovec iov[2 * RAM_DATA_BATCH + 2];
	unsigned int niov = 1, data = 0;
	uint8_t *b = w->rec;
	size_t len = REC_HEAD + 12;	/* bytes in b */
	size_t total;
	uint32_t n;

	iov[0] = (struct iovec){ b, 0 };
	for (n = 0; n < max && data < RAM_DATA_BATCH; n++) {
		uint64_t f = first + n, ref;
		const uint8_t *p = w->vm->ram + f * PAGE;

		if ((scan && untouched(w, f)) || page_is_zero(p)) {
			b[len++] = PAGE_ZERO;
			w->st.zero_pages++;
		} else if (dup && (ref = dup_find(&w->dt, w->vm->ram, f)) !=
			   UINT64_MAX) {
			b[len++] = PAGE_DUP;
			be64_st(b + len, ref);
			len += 8;
			w->st.dup_pages++;
		} else {
			b[len++] = PAGE_DATA;
			data++;
			w->st.data_pages++;
			if (from_ram) {
				/* close the small run, the page, a new run */
				iov[niov - 1].iov_len = len -
					(size_t)((uint8_t *)iov[niov - 1].iov_base - b);
				iov[niov++] = (struct iovec){ (void *)p, PAGE };
				iov[niov++] = (struct iovec){ b + len, 0 };
			} else {
				memcpy(b + len, p, PAGE);
				len += PAGE;
			}
		}
	}
	/* payload length: everything after the head, pages included */
	total = len - REC_HEAD + (size_t)(from_ram ? data * PAGE : 0);
	b[0] = REC_RAM;
	b[1] = 0;
	be16_st(b + 2, 0);
	be32_st(b + 4, 1);
	be32_st(b + 8, (uint32_t)total);
	be64_st(b + REC_HEAD, first);
	be32_st(b + REC_HEAD + 8, n);
	iov[niov - 1].iov_len = len - (size_t)((uint8_t *)iov[niov - 1].iov_base - b);
	XXH3_64bits_reset(w->rh);
	for (unsigned int i = 0; i < niov; i++) {
		XXH3_64bits_update(w->rh, iov[i].iov_base, iov[i].iov_len);
		XXH3_64bits_update(o->whole, iov[i].iov_base, iov[i].iov_len);
	}
	be64_st(b + len, XXH3_64bits_digest(w->rh));
	XXH3_64bits_update(o->whole, b + len, REC_CHECK);
	iov[niov - 1].iov_len += REC_CHECK;
	len += REC_CHECK;
	total += REC_HEAD + REC_CHECK;
	o->off += total;
	out_pieces(o, iov, niov, total);
	w->st.pages += n;
	return n;
}

int mig_writer_ram(struct mig_writer *w, const uint64_t *bitmap, bool dup,
		   char **err)
{
	int rc = 0;

	if (dup && !w->dt.s && (rc = dup_init(&w->dt, w->npages)) != 0)
		return writer_rc(w, rc, err);
	/* A pass over every frame asks the kernel which have no page; the
	 * frames of a dirty bitmap were written. */
	if (!bitmap && !w->ut)
		w->ut = mig_untouched_open(w->vm->ram, w->vm->ram_size, NULL);
	w->ut_n = 0;
	for (uint64_t f = 0; f < w->npages && !w->o.error;) {
		uint32_t n = 0;

		if (!frame_set(bitmap, f)) {
			/* skip a clear word at once */
			if (bitmap && f % 64 == 0 && !bitmap[f / 64])
				f += 64;
			else
				f++;
			continue;
		}
		while (f + n < w->npages && n < RAM_BATCH && frame_set(bitmap, f + n))
			n++;
		f += ram_record(w, f, n, dup, !bitmap);
	}
	return writer_rc(w, rc, err);
}

/* Storage keys (all of them) and every device section, in header order.
 * The VM is paused and the devices held. */
int mig_writer_state(struct mig_writer *w, char **err)
{
	struct vm *vm = w->vm;
	uint8_t *keys = malloc(12 + SKEY_BATCH);
	void *state = NULL;
	int rc = 0;

	if (!keys)
		return writer_rc(w, -ENOMEM, err);
	for (uint64_t first = 0; first < w->npages && !w->o.error;
	     first += SKEY_BATCH) {
		uint32_t n = (uint32_t)(w->npages - first < SKEY_BATCH ?
					w->npages - first : SKEY_BATCH);

		be64_st(keys, first);
		be32_st(keys + 8, n);
		rc = vm->ops->get_skeys(vm, first, n, keys + 12);
		if (rc) {
			error_setf(err, "cannot read storage keys at frame %llu",
				   (unsigned long long)first);
			break;
		}
		out_record(&w->o, REC_SKEYS, 1, keys, 12 + n, NULL, 0);
	}
	free(keys);
	for (unsigned int i = 0; !rc && !w->o.error && i < w->ss.n; i++) {
		const struct mig_section *s = &w->ss.s[i];

		free(state);
		state = calloc(1, s->desc->size);
		if (!state) {
			rc = -ENOMEM;
			break;
		}
		if (s->desc->pre_save) {
			rc = s->desc->pre_save(s->dev, state, err);
			if (rc)
				break;
		}
		w->payload.len = 0;
		rc = vms_encode(&w->payload, s->desc, s->dev, state, &s->pol, err);
		if (rc)
			break;
		if (w->payload.len > MAX_DEVICE) {
			error_setf(err, "section %s is larger than %u bytes",
				   s->desc->name, MAX_DEVICE);
			rc = -E2BIG;
			break;
		}
		out_record(&w->o, REC_DEVICE, i + 1, w->payload.data,
			   w->payload.len, NULL, 0);
		w->st.sections++;
	}
	free(state);
	return writer_rc(w, rc, err);
}

int mig_writer_end(struct mig_writer *w, char **err)
{
	uint8_t end[12], trailer[TRAILER_LEN];

	be32_st(end, w->ss.n);
	be64_st(end + 4, w->st.pages);
	out_record(&w->o, REC_END, 1, end, sizeof(end), NULL, 0);
	memcpy(trailer, MIG_TRAILER_MAGIC, 8);
	be64_st(trailer + 8, w->o.off);
	be64_st(trailer + 16, XXH3_64bits_digest(w->o.whole));
	out_put(&w->o, trailer, sizeof(trailer));
	return writer_rc(w, 0, err);
}

int mig_writer_flush(struct mig_writer *w, char **err)
{
	out_flush(&w->o);
	return writer_rc(w, 0, err);
}

int mig_writer_hold(struct mig_writer *w, bool on)
{
	if (on && (w->o.staged || w->o.hold.len))
		return -EBUSY;		/* flush first: the order would break */
	w->o.holding = on;
	return 0;
}

const struct mig_stats *mig_writer_stats(const struct mig_writer *w)
{
	return &w->st;
}

uint64_t mig_writer_frames(const struct mig_writer *w)
{
	return w->npages;
}

int migrate_save(struct vm *vm, int fd, struct vms_buf *mem,
		 struct mig_stats *st, char **err)
{
	struct mig_writer *w;
	int rc = mig_writer_open(&w, vm, fd, mem, NULL, err);

	if (st)
		memset(st, 0, sizeof(*st));
	if (rc)
		return rc;
	/* Device threads hold still from the first RAM page to the last
	 * section, so RAM and device state describe the same moment. */
	mig_writer_quiesce(w, true);
	mig_writer_stable(w, true);	/* paused and held: send from RAM */
	rc = mig_writer_header(w, err);
	if (!rc)
		rc = mig_writer_ram(w, NULL, true, err);
	if (!rc)
		rc = mig_writer_state(w, err);
	if (!rc)
		rc = mig_writer_end(w, err);
	if (!rc)
		rc = mig_writer_flush(w, err);
	if (st)
		*st = w->st;
	mig_writer_free(w);
	return rc;
}

/* ---- Input -------------------------------------------------------- */

struct mig_in {
	const struct mig_src *src;
	size_t pos;			/* memory source */
	uint64_t off;			/* stream offset */
	XXH3_state_t *whole;
	const char *src_machine, *dst_machine;
	uint8_t *buf;			/* the current record's payload */
	size_t cap;
};

/* Exactly n bytes, or -1 (truncated). */
static int in_read(struct mig_in *in, void *p, size_t n)
{
	if (in->src->fd < 0 && in->src->read) {
		size_t done = 0;

		while (done < n) {
			long r = in->src->read(in->src->opaque,
					       (uint8_t *)p + done, n - done);

			if (r <= 0)
				return -1;
			done += (size_t)r;
		}
	} else if (in->src->fd < 0) {
		if (n > in->src->len - in->pos)
			return -1;
		memcpy(p, in->src->data + in->pos, n);
		in->pos += n;
	} else {
		size_t done = 0;

		while (done < n) {
			ssize_t r = read(in->src->fd, (uint8_t *)p + done, n - done);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			done += (size_t)r;
		}
	}
	XXH3_64bits_update(in->whole, p, n);
	in->off += n;
	return 0;
}

static bool in_at_eof(struct mig_in *in)
{
	if (in->src->fd < 0 && in->src->read) {
		uint8_t b;

		return in->src->read(in->src->opaque, &b, 1) == 0;
	}
	if (in->src->fd < 0)
		return in->pos == in->src->len;
	uint8_t b;
	ssize_t r;

	do {
		r = read(in->src->fd, &b, 1);
	} while (r < 0 && errno == EINTR);
	return r == 0;
}

struct record {
	uint8_t type;
	uint32_t id;
	uint32_t len;
	uint64_t off;			/* stream offset of the record */
	uint8_t *payload;
};

static uint32_t rec_bound(uint8_t type)
{
	switch (type) {
	case REC_HEADER:
		return MAX_HEADER;
	case REC_RAM:
		return MAX_RAM;
	case REC_SKEYS:
		return MAX_SKEYS;
	case REC_DEVICE:
		return MAX_DEVICE;
	case REC_END:
		return 12;
	default:
		return 0;
	}
}

#define VERS_FMT "(stream format %u, ours %u; machine %s -> %s)"
#define VERS_ARGS(in) MIG_FORMAT_VERSION, MIG_FORMAT_VERSION, \
	(in)->src_machine ? (in)->src_machine : "?", \
	(in)->dst_machine ? (in)->dst_machine : "?"

/* A record's head: type, flags, id and length checked. */
static int read_head(struct mig_in *in, struct record *r,
		     uint8_t head[REC_HEAD], char **err)
{
	memset(r, 0, sizeof(*r));
	r->off = in->off;
	if (in_read(in, head, REC_HEAD)) {
		error_setf(err, "record at stream offset %llu: truncated record "
			   "header " VERS_FMT, (unsigned long long)r->off,
			   VERS_ARGS(in));
		return -EINVAL;
	}
	r->type = head[0];
	r->id = be32_ld(head + 4);
	r->len = be32_ld(head + 8);
	uint32_t bound = rec_bound(r->type);
	if (!bound || head[1] || be16_ld(head + 2) || r->id == 0) {
		error_setf(err, "record at stream offset %llu: invalid type %u, "
			   "flags %#x or id %u " VERS_FMT,
			   (unsigned long long)r->off, r->type, head[1], r->id,
			   VERS_ARGS(in));
		return -EINVAL;
	}
	if (r->len > bound) {
		error_setf(err, "%s record at stream offset %llu: length %u "
			   "exceeds the bound %u " VERS_FMT, rec_name(r->type),
			   (unsigned long long)r->off, r->len, bound,
			   VERS_ARGS(in));
		return -EINVAL;
	}
	return 0;
}

static int bad_check(struct mig_in *in, const struct record *r,
		     const uint8_t *check, uint64_t want, char **err)
{
	error_setf(err, "%s record id %u at stream offset %llu: bad "
		   "checksum %016llx, computed %016llx " VERS_FMT,
		   rec_name(r->type), r->id, (unsigned long long)r->off,
		   (unsigned long long)be64_ld(check),
		   (unsigned long long)want, VERS_ARGS(in));
	return -EINVAL;
}

/* The payload and check of a record whose head was read. */
static int read_rest(struct mig_in *in, struct record *r,
		     const uint8_t head[REC_HEAD], char **err)
{
	uint8_t check[REC_CHECK];
	XXH3_state_t *h;

	/* one buffer for every record (a malloc'ed MiB per RAM record
	 * cost page faults) */
	if (in->cap < r->len || !in->buf) {
		uint8_t *nb = realloc(in->buf, r->len ? r->len : 1);

		if (nb) {
			in->buf = nb;
			in->cap = r->len;
		}
	}
	r->payload = in->cap >= r->len && in->buf ? in->buf : NULL;
	if (!r->payload) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	if (in_read(in, r->payload, r->len) || in_read(in, check, REC_CHECK)) {
		error_setf(err, "%s record at stream offset %llu: truncated "
			   "(length %u) " VERS_FMT, rec_name(r->type),
			   (unsigned long long)r->off, r->len, VERS_ARGS(in));
		r->payload = NULL;
		return -EINVAL;
	}
	h = XXH3_createState();
	if (!h) {
		r->payload = NULL;
		return -ENOMEM;
	}
	XXH3_64bits_reset(h);
	XXH3_64bits_update(h, head, REC_HEAD);
	XXH3_64bits_update(h, r->payload, r->len);
	uint64_t want = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	if (want != be64_ld(check)) {
		r->payload = NULL;
		return bad_check(in, r, check, want, err);
	}
	return 0;
}

static int read_record(struct mig_in *in, struct record *r, char **err)
{
	uint8_t head[REC_HEAD];
	int rc = read_head(in, r, head, err);

	return rc ? rc : read_rest(in, r, head, err);
}

static int read_preamble(struct mig_in *in, char **err)
{
	uint8_t pre[12];

	if (in_read(in, pre, sizeof(pre))) {
		error_setf(err, "stream offset 0: truncated preamble");
		return -EINVAL;
	}
	if (memcmp(pre, MIG_MAGIC, 8)) {
		error_setf(err, "stream offset 0: not a minivmm migration stream "
			   "(bad magic)");
		return -EINVAL;
	}
	if (be32_ld(pre + 8) != MIG_FORMAT_VERSION) {
		error_setf(err, "stream offset 8: stream format version %u, this "
			   "minivmm reads version %u", be32_ld(pre + 8),
			   MIG_FORMAT_VERSION);
		return -EINVAL;
	}
	return 0;
}

static int read_trailer(struct mig_in *in, bool eof_check, char **err)
{
	uint8_t t[TRAILER_LEN];
	uint64_t off = in->off;
	uint64_t want = XXH3_64bits_digest(in->whole);

	if (in_read(in, t, sizeof(t))) {
		error_setf(err, "trailer at stream offset %llu: truncated",
			   (unsigned long long)off);
		return -EINVAL;
	}
	if (memcmp(t, MIG_TRAILER_MAGIC, 8) || be64_ld(t + 8) != off ||
	    be64_ld(t + 16) != want) {
		error_setf(err, "trailer at stream offset %llu: bad magic, length "
			   "%llu or stream checksum %016llx (computed %016llx "
			   "over %llu bytes) " VERS_FMT, (unsigned long long)off,
			   (unsigned long long)be64_ld(t + 8),
			   (unsigned long long)be64_ld(t + 16),
			   (unsigned long long)want, (unsigned long long)off,
			   VERS_ARGS(in));
		return -EINVAL;
	}
	if (eof_check && !in_at_eof(in)) {
		error_setf(err, "stream offset %llu: trailing garbage after the "
			   "trailer", (unsigned long long)in->off);
		return -EINVAL;
	}
	return 0;
}

/* The loader's state: shadows of every section, received pages. */
struct load {
	struct vm *vm;
	struct mig_in in;
	struct mig_sections ss;
	struct schema src, dst;
	int *map;			/* stream section id - 1 -> local index */
	void **shadow;			/* per local section, NULL until read */
	uint64_t *got;			/* bitmap of received pages */
	uint8_t *skeys;
	struct mig_untouched *ut;	/* which frames have no page yet */
	XXH3_state_t *rh;		/* a RAM record's hash */
	bool ut_tried;
	uint64_t npages, pages_sent;
	uint32_t sections_read;
};

static int load_header(struct load *L, const struct record *r, char **err)
{
	struct vms_in vi = { .data = r->payload, .len = r->len,
			     .base = r->off + REC_HEAD };
	char *why = NULL;
	int rc = schema_decode(&vi, &L->src, err);

	if (rc)
		return rc;
	L->in.src_machine = L->src.machine;
	if (strcmp(L->src.machine, L->ss.mt->name)) {
		error_setf(err, "machine type mismatch: the stream is from %s, "
			   "this destination runs %s (start it with -M %s)",
			   L->src.machine, L->ss.mt->name, L->src.machine);
		return -EINVAL;
	}
	if (L->src.ram_size != L->vm->ram_size || L->src.ncpus != L->vm->ncpus) {
		error_setf(err, "configuration mismatch: the stream has %llu "
			   "bytes of RAM and %u CPUs, this destination %llu and "
			   "%u (machine %s)", (unsigned long long)L->src.ram_size,
			   L->src.ncpus, (unsigned long long)L->vm->ram_size,
			   L->vm->ncpus, L->ss.mt->name);
		return -EINVAL;
	}
	if (schema_check(&L->src, &L->dst, false, &why) == SCHEMA_UNSAFE) {
		error_setf(err, "incompatible stream: %s", why ? why : "?");
		free(why);
		return -EINVAL;
	}
	free(why);
	/* Every section must be a device here, and every device here must
	 * be in the stream. */
	L->map = calloc(L->src.nsections ? L->src.nsections : 1, sizeof(int));
	if (!L->map)
		return -ENOMEM;
	bool *used = calloc(L->ss.n ? L->ss.n : 1, sizeof(bool));
	if (!used)
		return -ENOMEM;
	rc = 0;
	for (uint32_t i = 0; i < L->src.nsections && !rc; i++) {
		const struct sch_section *s = &L->src.sections[i];
		unsigned int j;

		for (j = 0; j < L->ss.n; j++)
			if (!strcmp(L->ss.s[j].desc->name, s->desc) &&
			    L->ss.s[j].instance == s->instance)
				break;
		if (j == L->ss.n) {
			error_setf(err, "section '%s' instance %u (version %u): "
				   "no such device on the destination (machine "
				   "%s)", s->desc, s->instance, s->version,
				   L->ss.mt->name);
			rc = -EINVAL;
		} else {
			L->map[i] = (int)j;
			used[j] = true;
		}
	}
	for (unsigned int j = 0; j < L->ss.n && !rc; j++)
		if (!used[j]) {
			error_setf(err, "the destination has '%s' instance %u, "
				   "which the stream does not carry (check the "
				   "-device options; machine %s)",
				   L->ss.s[j].desc->name, L->ss.s[j].instance,
				   L->ss.mt->name);
			rc = -EINVAL;
		}
	free(used);
	return rc;
}

/*
 * A RAM record, read piece by piece: data pages go from the stream
 * straight into guest RAM (no staging copy), the record's checksum is
 * computed on the way and checked at its end.  A record that fails the
 * check may have written pages: the load fails, and a destination whose
 * load failed never runs its RAM (the rule for RAM, migrate_load()).
 */
static int load_ram(struct load *L, const struct record *r,
		    const uint8_t head[REC_HEAD], char **err)
{
	struct mig_in *in = &L->in;
	XXH3_state_t *h = L->rh;
	uint64_t first, ut[MIG_UNTOUCHED_MAX / 64], ut_base = 0;
	uint8_t fc[12], check[REC_CHECK];
	uint32_t n, left = r->len;
	bool ut_known = false;

#define RAM_ERR(...) do { \
	char *m_ = NULL; \
	if (asprintf(&m_, __VA_ARGS__) < 0) m_ = NULL; \
	error_setf(err, "RAM record at stream offset %llu: %s " VERS_FMT, \
		   (unsigned long long)r->off, m_ ? m_ : "?", VERS_ARGS(&L->in)); \
	free(m_); \
	return -EINVAL; \
} while (0)
/* k bytes of the payload into p, hashed */
#define TAKE(p, k, ...) do { \
	if ((k) > left || in_read(in, (p), (k))) \
		RAM_ERR(__VA_ARGS__); \
	XXH3_64bits_update(h, (p), (k)); \
	left -= (k); \
} while (0)

	XXH3_64bits_reset(h);
	XXH3_64bits_update(h, head, REC_HEAD);
	TAKE(fc, 12u, "truncated");
	first = be64_ld(fc);
	n = be32_ld(fc + 8);
	if (n == 0 || n > RAM_BATCH || first >= L->npages || n > L->npages - first)
		RAM_ERR("pages %llu+%u outside the %llu pages of RAM",
			(unsigned long long)first, n,
			(unsigned long long)L->npages);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t f = first + i, ref;
		uint8_t kind, rb[8];
		uint8_t *dst = L->vm->ram + f * PAGE;

		TAKE(&kind, 1u, "truncated at page %llu", (unsigned long long)f);
		switch (kind) {
		case PAGE_ZERO:
			/* A frame with no page is zero already (asked of the
			 * kernel once per record: reading the page would cost
			 * a fault).  Else reading maps the shared zero page
			 * and writing would allocate: write only a nonzero
			 * page, so a fresh destination stays small. */
			if (!L->ut_tried) {
				L->ut_tried = true;
				L->ut = mig_untouched_open(L->vm->ram,
							   L->vm->ram_size, NULL);
			}
			if (!ut_known && L->ut) {
				ut_known = true;
				ut_base = f;	/* on error the bits are clear */
				mig_untouched_get(L->ut, f, n - i, ut);
			}
			if (ut_known && (ut[(f - ut_base) / 64] >>
					 ((f - ut_base) % 64)) & 1)
				break;
			if (!page_is_zero(dst))
				memset(dst, 0, PAGE);
			break;
		case PAGE_DATA:
			TAKE(dst, PAGE, "page %llu truncated", (unsigned long long)f);
			break;
		case PAGE_DUP:
			TAKE(rb, 8u, "page %llu truncated", (unsigned long long)f);
			ref = be64_ld(rb);
			if (ref >= f || !(L->got[ref / 64] & (1ULL << (ref % 64))))
				RAM_ERR("page %llu duplicates page %llu, which was "
					"not received before it",
					(unsigned long long)f,
					(unsigned long long)ref);
			memcpy(dst, L->vm->ram + ref * PAGE, PAGE);
			break;
		default:
			RAM_ERR("page %llu has invalid kind %u",
				(unsigned long long)f, kind);
		}
		L->got[f / 64] |= 1ULL << (f % 64);
	}
	if (left)
		RAM_ERR("%u bytes left over", left);
	if (in_read(in, check, REC_CHECK)) {
		error_setf(err, "%s record at stream offset %llu: truncated "
			   "(length %u) " VERS_FMT, rec_name(r->type),
			   (unsigned long long)r->off, r->len, VERS_ARGS(in));
		return -EINVAL;
	}
	uint64_t want = XXH3_64bits_digest(h);

	if (want != be64_ld(check))
		return bad_check(in, r, check, want, err);
	L->pages_sent += n;
	return 0;
#undef TAKE
}

static int load_skeys(struct load *L, const struct record *r, char **err)
{
	uint64_t first;
	uint32_t n;

	if (r->len < 12)
		goto bad;
	first = be64_ld(r->payload);
	n = be32_ld(r->payload + 8);
	if (n == 0 || n != r->len - 12 || first >= L->npages ||
	    n > L->npages - first)
		goto bad;
	for (uint32_t i = 0; i < n; i++)
		if (r->payload[12 + i] & 0x01)
			goto bad;
	memcpy(L->skeys + first, r->payload + 12, n);
	return 0;
bad:
	error_setf(err, "SKEYS record at stream offset %llu: bad range, length "
		   "or key (bit 7 set) " VERS_FMT, (unsigned long long)r->off,
		   VERS_ARGS(&L->in));
	return -EINVAL;
}

static int load_device(struct load *L, const struct record *r, char **err)
{
	if (r->id > L->src.nsections) {
		error_setf(err, "DEVICE record at stream offset %llu: section id "
			   "%u not in the header (%u sections) " VERS_FMT,
			   (unsigned long long)r->off, r->id, L->src.nsections,
			   VERS_ARGS(&L->in));
		return -EINVAL;
	}
	const struct sch_section *ssec = &L->src.sections[r->id - 1];
	int j = L->map[r->id - 1];
	const struct mig_section *s = &L->ss.s[j];

	if (L->shadow[j]) {
		error_setf(err, "section '%s' instance %u at stream offset %llu: "
			   "sent twice", ssec->desc, ssec->instance,
			   (unsigned long long)r->off);
		return -EINVAL;
	}
	L->shadow[j] = calloc(1, s->desc->size);
	if (!L->shadow[j])
		return -ENOMEM;
	struct vms_in vi = { .data = r->payload, .len = r->len,
			     .base = r->off + REC_HEAD };
	struct vms_ctx ctx = {
		.section = ssec->desc, .instance = ssec->instance,
		.src_version = ssec->version,
		.src_machine = L->src.machine, .dst_machine = L->ss.mt->name,
	};
	int rc = vms_decode(&vi, s->desc, s->dev, L->shadow[j], &ctx, err);
	if (!rc)
		L->sections_read++;
	return rc;
}

/* The commit, run where the hooks say (the loop thread when live). */
struct commit_ctx {
	struct load *L;
	int rc;
};

static void load_commit(void *arg)
{
	struct commit_ctx *c = arg;
	struct load *L = c->L;

	if (L->vm->ops->set_skeys(L->vm, 0, L->npages, L->skeys)) {
		c->rc = -EIO;
		return;
	}
	for (unsigned int j = 0; j < L->ss.n; j++)
		if (L->ss.s[j].desc->commit)
			L->ss.s[j].desc->commit(L->ss.s[j].dev, L->shadow[j]);
	c->rc = 0;
}

int migrate_load(struct vm *vm, const struct mig_src *src, char **err)
{
	return migrate_load_hooks(vm, src, NULL, err);
}

int migrate_load_hooks(struct vm *vm, const struct mig_src *src,
		       const struct mig_load_hooks *h, char **err)
{
	struct load L;
	struct record r = { 0 };
	int rc;
	bool ended = false;

	memset(&L, 0, sizeof(L));
	L.vm = vm;
	L.in.src = src;
	L.in.dst_machine = vm->machine;
	L.npages = vm->ram_size / PAGE;
	L.in.whole = XXH3_createState();
	L.rh = XXH3_createState();
	rc = migrate_collect(vm, &L.ss, err);
	if (rc)
		goto out;
	L.in.dst_machine = L.ss.mt->name;
	rc = schema_from_sections(&L.dst, &L.ss, err);
	if (rc)
		goto out;
	L.shadow = calloc(L.ss.n ? L.ss.n : 1, sizeof(void *));
	L.got = calloc((L.npages + 63) / 64, sizeof(uint64_t));
	L.skeys = calloc(L.npages ? L.npages : 1, 1);
	if (!L.in.whole || !L.rh || !L.shadow || !L.got || !L.skeys) {
		error_setf(err, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	XXH3_64bits_reset(L.in.whole);

	/* PREAMBLE -> HEADER */
	rc = read_preamble(&L.in, err);
	if (rc)
		goto out;
	rc = read_record(&L.in, &r, err);
	if (rc)
		goto out;
	if (r.type != REC_HEADER) {
		error_setf(err, "%s record at stream offset %llu: expected the "
			   "HEADER first", rec_name(r.type),
			   (unsigned long long)r.off);
		rc = -EINVAL;
		goto out;
	}
	{
		char *why = NULL;

		rc = load_header(&L, &r, &why);	/* accept or refuse: before RAM */
		r.payload = NULL;
		if (h && h->header) {
			int hr = h->header(h->opaque, rc ? (why ? why :
					   strerror(-rc)) : NULL);
			if (!rc && hr) {
				rc = hr;
				error_setf(&why, "cannot answer the source: %s",
					   strerror(-hr));
			}
		}
		if (rc) {
			if (err)
				*err = why;
			else
				free(why);
			goto out;
		}
	}

	/* BODY until END */
	while (!ended) {
		uint8_t head[REC_HEAD];

		rc = read_head(&L.in, &r, head, err);
		if (!rc && r.type != REC_RAM)
			rc = read_rest(&L.in, &r, head, err);
		if (rc)
			goto out;
		switch (r.type) {
		case REC_RAM:
			rc = load_ram(&L, &r, head, err);
			break;
		case REC_SKEYS:
			rc = load_skeys(&L, &r, err);
			break;
		case REC_DEVICE:
			rc = load_device(&L, &r, err);
			break;
		case REC_END:
			if (r.len != 12 ||
			    be32_ld(r.payload) != L.src.nsections ||
			    be64_ld(r.payload + 4) != L.pages_sent ||
			    L.sections_read != L.src.nsections) {
				error_setf(err, "END record at stream offset %llu: "
					   "%u of %u sections and %llu pages "
					   "received, the record says %u and %llu",
					   (unsigned long long)r.off,
					   L.sections_read, L.src.nsections,
					   (unsigned long long)L.pages_sent,
					   r.len == 12 ? be32_ld(r.payload) : 0,
					   r.len == 12 ? (unsigned long long)
					   be64_ld(r.payload + 4) : 0ULL);
				rc = -EINVAL;
			}
			ended = true;
			break;
		default:
			error_setf(err, "%s record at stream offset %llu: not "
				   "allowed after the header",
				   rec_name(r.type), (unsigned long long)r.off);
			rc = -EINVAL;
			break;
		}
		r.payload = NULL;
		if (rc)
			goto out;
	}
	for (uint64_t f = 0; f < L.npages; f++) {
		/* a word at a time: a live source's guest is stopped
		 * while this runs */
		if (f % 64 == 0 && f + 64 <= L.npages && L.got[f / 64] == ~0ULL) {
			f += 63;
			continue;
		}
		if (!(L.got[f / 64] & (1ULL << (f % 64)))) {
			error_setf(err, "RAM page %llu was never sent",
				   (unsigned long long)f);
			rc = -EINVAL;
			goto out;
		}
	}
	rc = read_trailer(&L.in, !(h && h->live), err);
	if (rc)
		goto out;
	if (h && h->loaded) {
		rc = h->loaded(h->opaque, err);
		if (rc)
			goto out;
	}

	/* COMMIT: everything was read and validated. */
	struct commit_ctx cc = { .L = &L, .rc = -EIO };
	if (h && h->commit) {
		rc = h->commit(h->opaque, load_commit, &cc);
		if (rc) {
			error_setf(err, "the VM ended before the state was applied");
			goto out;
		}
	} else {
		load_commit(&cc);
	}
	if (cc.rc) {
		error_setf(err, "cannot set the storage keys");
		rc = cc.rc;
		goto out;
	}
out:
	free(L.in.buf);
	if (L.shadow)
		for (unsigned int j = 0; j < L.ss.n; j++)
			free(L.shadow[j]);
	free(L.shadow);
	free(L.map);
	free(L.got);
	free(L.skeys);
	mig_untouched_close(L.ut);
	if (L.rh)
		XXH3_freeState(L.rh);
	if (L.in.whole)
		XXH3_freeState(L.in.whole);
	schema_free(&L.src);
	schema_free(&L.dst);
	mig_sections_free(&L.ss);
	return rc;
}
