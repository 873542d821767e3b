/* SPDX-License-Identifier: MIT */
/*
 * migrate_dump(): print a recorded stream record by record (the
 * minivmm-stream tool, in the spirit of QEMU's analyze-migration.py).
 * The framing is migrate/stream.c's; device payloads are decoded with the
 * schema the stream's own HEADER carries (migrate/vmstate.h wire
 * encoding), so any stream can be read without the devices it came from.
 * A bad checksum is reported and reading goes on; a framing error stops
 * with -EINVAL and *err.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "migrate/migrate.h"
#include "vmm/endian.h"
#include "vmm/error.h"

#define MAGIC		"MVMSTRM\n"
#define TRAILER_MAGIC	"MVMTRAIL"
#define HEAD		12
#define CHECK		8
#define TRAILER		24
#define MAX_NEST	8

static const char *const rec_names[] = { "invalid", "HEADER", "RAM", "SKEYS",
					 "DEVICE", "END" };

struct dump {
	FILE *out;
	bool verbose;
	struct schema sch;
	bool have_schema;
	/* A run of RAM records, printed as one line unless verbose. */
	size_t run_off, run_bytes;
	uint32_t run_recs;
	uint64_t run_pages[4];
};

static void flush_ram_run(struct dump *D)
{
	if (!D->run_recs)
		return;
	fprintf(D->out, "@%-9zu RAM    x%-4u %8zu bytes: %" PRIu64 " pages, "
		"%" PRIu64 " zero, %" PRIu64 " data, %" PRIu64 " duplicate\n",
		D->run_off, D->run_recs, D->run_bytes,
		D->run_pages[1] + D->run_pages[2] + D->run_pages[3],
		D->run_pages[1], D->run_pages[2], D->run_pages[3]);
	memset(D->run_pages, 0, sizeof(D->run_pages));
	D->run_recs = 0;
	D->run_bytes = 0;
}

static const char *rname(uint8_t t)
{
	return t < 6 ? rec_names[t] : "invalid";
}

static int read_all(const struct mig_src *src, uint8_t **data, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf;

	if (src->fd < 0) {
		*data = (uint8_t *)src->data;
		*len = src->len;
		return 0;
	}
	buf = malloc(cap);
	for (;;) {
		if (!buf)
			return -ENOMEM;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(src->fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*data = buf;
	*len = n;
	return 0;
}

static uint64_t get_elem(struct vms_in *in, uint32_t esize, bool *bad)
{
	uint8_t b[8] = { 0 };

	if (esize > 8 || vms_in_get(in, b, esize)) {
		*bad = true;
		return 0;
	}
	switch (esize) {
	case 1: return b[0];
	case 2: return be16_ld(b);
	case 4: return be32_ld(b);
	default: return be64_ld(b);
	}
}

static int dump_fields(struct dump *D, struct vms_in *in,
		       const struct sch_desc *d, uint32_t version, int depth);

static int dump_field(struct dump *D, struct vms_in *in,
		      const struct sch_field *f, uint32_t count, int depth)
{
	const char *tn = vms_type_name((enum vms_type)f->type);
	int ind = 11 + 2 * depth;
	bool bad = false;

	if (f->type == VMS_BUFFER) {
		const uint8_t *p = in->data + in->pos;

		if (in->len - in->pos < count)
			return -1;
		in->pos += count;
		fprintf(D->out, "%*s%s buffer[%u]", ind, "", f->name, count);
		for (uint32_t i = 0; D->verbose && i < count && i < 32; i++)
			fprintf(D->out, "%s%02x", i ? "" : " = ", p[i]);
		fprintf(D->out, "%s\n", D->verbose && count > 32 ? "..." : "");
		return 0;
	}
	if (f->type == VMS_STRUCT) {
		const struct sch_desc *sd = schema_find(&D->sch, f->sub);

		if (!sd || depth >= MAX_NEST)
			return -1;
		for (uint32_t i = 0; i < count; i++) {
			fprintf(D->out, "%*s%s[%u] (%s)\n", ind, "", f->name, i, f->sub);
			if (dump_fields(D, in, sd, sd->version, depth + 1))
				return -1;
		}
		return 0;
	}
	fprintf(D->out, "%*s%s %s", ind, "", f->name, tn);
	if (f->count > 1 || f->len_field[0])
		fprintf(D->out, "[%u]", count);
	fprintf(D->out, " =");
	for (uint32_t i = 0; i < count; i++) {
		uint64_t v = get_elem(in, f->esize, &bad);

		if (bad)
			return -1;
		if (D->verbose || i < 8)
			fprintf(D->out, " %#" PRIx64, v);
		else if (i == 8)
			fprintf(D->out, " ...");
	}
	fputc('\n', D->out);
	return 0;
}

static int dump_fields(struct dump *D, struct vms_in *in,
		       const struct sch_desc *d, uint32_t version, int depth)
{
	uint64_t vals[SCHEMA_MAX_FIELDS] = { 0 };

	for (uint32_t i = 0; i < d->nfields && i < SCHEMA_MAX_FIELDS; i++) {
		const struct sch_field *f = &d->fields[i];
		uint32_t count = f->count;
		size_t start = in->pos;

		if (f->version > version)
			continue;
		if (f->len_field[0]) {
			for (uint32_t j = 0; j < i; j++)
				if (!strcmp(d->fields[j].name, f->len_field))
					count = (uint32_t)vals[j];
			if (count > f->count)
				return -1;
		}
		if (dump_field(D, in, f, count, depth))
			return -1;
		if (f->count == 1 && f->esize <= 8 && f->type != VMS_BUFFER &&
		    f->type != VMS_STRUCT) {
			struct vms_in again = *in;
			bool bad = false;

			again.pos = start;
			vals[i] = get_elem(&again, f->esize, &bad);
		}
	}
	return 0;
}

/* A DEVICE payload: the section's fields, then its subsections. */
static void dump_device(struct dump *D, uint32_t id, const uint8_t *p,
			uint32_t len, uint64_t base)
{
	struct vms_in in = { .data = p, .len = len, .base = base };
	const struct sch_section *s;
	const struct sch_desc *d;

	if (!D->have_schema || id > D->sch.nsections ||
	    !(d = schema_find(&D->sch, D->sch.sections[id - 1].desc))) {
		fprintf(D->out, "           (section id %u not in the header)\n", id);
		return;
	}
	s = &D->sch.sections[id - 1];
	fprintf(D->out, "           section %s instance %u version %u\n",
		s->desc, s->instance, s->version);
	if (dump_fields(D, &in, d, s->version, 0))
		goto bad;
	while (in.pos < in.len) {
		char name[VMS_NAME_MAX + 1];
		uint32_t slen;
		const struct sch_desc *sd;

		if (vms_in_str(&in, name) || vms_in_u32(&in, &slen) ||
		    slen > in.len - in.pos)
			goto bad;
		sd = schema_find(&D->sch, name);
		fprintf(D->out, "           subsection %s (%u bytes)\n", name, slen);
		struct vms_in sub = { .data = in.data + in.pos, .len = slen,
				      .base = in.base + in.pos };
		if (!sd || dump_fields(D, &sub, sd, sd->version, 1) ||
		    sub.pos != sub.len)
			goto bad;
		in.pos += slen;
	}
	return;
bad:
	fprintf(D->out, "           (cannot decode at payload offset %zu of %u)\n",
		in.pos, len);
}

static void dump_ram(struct dump *D, const uint8_t *p, uint32_t len)
{
	struct vms_in in = { .data = p, .len = len };
	uint64_t first, ref;
	uint32_t n, k[4] = { 0 };
	uint8_t kind;

	if (vms_in_u64(&in, &first) || vms_in_u32(&in, &n)) {
		fprintf(D->out, "           (truncated)\n");
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (vms_in_u8(&in, &kind) || kind < 1 || kind > 3)
			break;
		k[kind]++;
		if (kind == 2)
			in.pos = in.len - in.pos >= 4096 ? in.pos + 4096 : in.len;
		else if (kind == 3)
			vms_in_u64(&in, &ref);
	}
	for (int i = 1; i < 4; i++)
		D->run_pages[i] += k[i];
	if (D->verbose)
		fprintf(D->out, "           pages %" PRIu64 "+%u: %u zero, %u "
			"data, %u duplicate\n", first, n, k[1], k[2], k[3]);
}

int migrate_dump(const struct mig_src *src, FILE *out, bool verbose,
		 char **err)
{
	struct dump D = { .out = out, .verbose = verbose };
	uint8_t *data = NULL;
	size_t len = 0, off = 12;
	int rc = read_all(src, &data, &len);

	if (rc) {
		error_setf(err, "cannot read the stream: %s", strerror(-rc));
		return rc;
	}
	if (len < 12 || memcmp(data, MAGIC, 8)) {
		error_setf(err, "stream offset 0: not a minivmm migration stream");
		rc = -EINVAL;
		goto out;
	}
	fprintf(out, "stream: %zu bytes, format version %u\n", len,
		be32_ld(data + 8));
	while (off + 8 <= len && memcmp(data + off, TRAILER_MAGIC, 8)) {
		if (len - off < HEAD + CHECK) {
			error_setf(err, "stream offset %zu: truncated record", off);
			rc = -EINVAL;
			goto out;
		}
		uint8_t type = data[off];
		uint32_t id = be32_ld(data + off + 4), rlen = be32_ld(data + off + 8);

		if (rlen > len - off - HEAD - CHECK) {
			error_setf(err, "%s record at stream offset %zu: length %u "
				   "runs past the end", rname(type), off, rlen);
			rc = -EINVAL;
			goto out;
		}
		const uint8_t *p = data + off + HEAD;
		uint64_t sum = XXH3_64bits(data + off, HEAD + (size_t)rlen);
		bool ok = sum == be64_ld(p + rlen);

		if (type == 2 && ok && !verbose) {
			if (!D.run_recs)
				D.run_off = off;
			D.run_recs++;
			D.run_bytes += HEAD + rlen + CHECK;
			dump_ram(&D, p, rlen);
			off += HEAD + (size_t)rlen + CHECK;
			continue;
		}
		flush_ram_run(&D);
		fprintf(out, "@%-9zu %-6s id %-4u %8u bytes%s\n", off, rname(type),
			id, rlen, ok ? "" : "  BAD CHECKSUM");
		if (type == 1) {
			struct vms_in in = { .data = p, .len = rlen, .base = off + HEAD };
			char *why = NULL;

			if (D.have_schema)
				schema_free(&D.sch);
			D.have_schema = schema_decode(&in, &D.sch, &why) == 0;
			if (!D.have_schema)
				fprintf(out, "           (bad schema: %s)\n", why ? why : "?");
			else
				fprintf(out, "           machine %s, RAM %" PRIu64 " bytes, "
					"%u CPUs, %u descriptions, %u sections\n",
					D.sch.machine, D.sch.ram_size, D.sch.ncpus,
					D.sch.ndescs, D.sch.nsections);
			for (uint32_t i = 0; D.have_schema && verbose &&
			     i < D.sch.nsections; i++)
				fprintf(out, "           section %u: %s instance %u "
					"version %u\n", D.sch.sections[i].id,
					D.sch.sections[i].desc,
					D.sch.sections[i].instance,
					D.sch.sections[i].version);
			free(why);
		} else if (type == 2) {
			dump_ram(&D, p, rlen);
		} else if (type == 3 && rlen >= 12) {
			fprintf(out, "           storage keys of frames %" PRIu64
				"+%u\n", be64_ld(p), be32_ld(p + 8));
		} else if (type == 4) {
			dump_device(&D, id, p, rlen, off + HEAD);
		} else if (type == 5 && rlen == 12) {
			fprintf(out, "           %u sections, %" PRIu64 " pages\n",
				be32_ld(p), be64_ld(p + 4));
		}
		off += HEAD + (size_t)rlen + CHECK;
	}
	flush_ram_run(&D);
	if (len - off < TRAILER) {
		error_setf(err, "stream offset %zu: truncated trailer", off);
		rc = -EINVAL;
		goto out;
	}
	bool tok = be64_ld(data + off + 8) == off &&
		   be64_ld(data + off + 16) == XXH3_64bits(data, off);
	fprintf(out, "@%-9zu TRAILER %llu bytes before it, stream checksum %s\n",
		off, (unsigned long long)be64_ld(data + off + 8),
		tok ? "ok" : "BAD");
	if (len != off + TRAILER)
		fprintf(out, "@%-9zu %zu bytes of trailing garbage\n",
			off + TRAILER, len - off - TRAILER);
	if (!tok || len != off + TRAILER) {
		error_setf(err, "bad trailer or trailing garbage");
		rc = -EINVAL;
	}
out:
	if (D.have_schema)
		schema_free(&D.sch);
	if (data != src->data)
		free(data);
	return rc;
}
