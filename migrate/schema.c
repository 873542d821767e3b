// SPDX-License-Identifier: MIT
/*
 * The schema: what the vms_desc tables say, as data that travels in the
 * stream header and in JSON files, and the compatibility check between
 * two schemas (the stream header against the destination before any RAM
 * is read; minivmm-compat between two dumps).
 *
 * Compatibility of a source description S with a destination one D (same
 * name):
 *   - S.version must lie in [D.min_version, D.version];
 *   - the fields D has at version S.version must be exactly S's fields,
 *     in order, with the same type, element size, count, length field
 *     and (for structs) an equally compatible element description;
 *   - every subsection S may send must be known to D with the same
 *     fields; one D does not know makes the pair unsafe when S always
 *     sends it, and conditional when S sends it only when needed();
 *   - the machine types must be the same.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate.h"
#include "vmm/error.h"

void schema_free(struct schema *s)
{
	for (uint32_t i = 0; i < s->ndescs; i++)
		free(s->descs[i].fields);
	free(s->descs);
	free(s->sections);
	memset(s, 0, sizeof(*s));
}

const struct sch_desc *schema_find(const struct schema *s, const char *name)
{
	for (uint32_t i = 0; i < s->ndescs; i++)
		if (!strcmp(s->descs[i].name, name))
			return &s->descs[i];
	return NULL;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, VMS_NAME_MAX + 1, "%s", src ? src : "");
}

static struct sch_desc *new_desc(struct schema *s, char **err)
{
	if (s->ndescs >= SCHEMA_MAX_DESCS) {
		error_setf(err, "schema: more than %d descriptions",
			   SCHEMA_MAX_DESCS);
		return NULL;
	}
	struct sch_desc *d = realloc(s->descs, (s->ndescs + 1) * sizeof(*d));
	if (!d) {
		error_setf(err, "out of memory");
		return NULL;
	}
	s->descs = d;
	d = &s->descs[s->ndescs++];
	memset(d, 0, sizeof(*d));
	return d;
}

static int add_desc(struct schema *s, const struct vms_desc *d, uint8_t kind,
		    const struct machine_type *mt, char **err)
{
	struct sch_desc *sd;

	if (schema_find(s, d->name))
		return 0;
	if (!(sd = new_desc(s, err)))
		return -ENOMEM;
	copy_name(sd->name, d->name);
	sd->kind = kind;
	sd->version = d->version;
	sd->min_version = d->min_version;
	sd->nfields = d->nfields;
	sd->fields = calloc(d->nfields ? d->nfields : 1, sizeof(*sd->fields));
	if (!sd->fields) {
		s->ndescs--;
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];
		struct sch_field *sf = &sd->fields[i];

		copy_name(sf->name, f->name);
		sf->type = (uint8_t)f->type;
		sf->esize = f->size / f->count;
		sf->count = f->count;
		sf->version = f->version;
		copy_name(sf->sub, f->sub ? f->sub->name : NULL);
		copy_name(sf->len_field, f->len_field);
	}
	unsigned int n = 0;
	for (unsigned int i = 0; i < d->nsubs; i++) {
		enum vms_policy p = mig_policy(mt, d, i);

		if (p == VMS_NEVER)
			continue;	/* not part of this machine type */
		copy_name(sd->subs[n].name, d->subs[i].name);
		sd->subs[n].policy = (uint8_t)p;
		snprintf(sd->subs[n].needed, sizeof(sd->subs[n].needed), "%s",
			 d->subs[i].needed_doc);
		n++;
	}
	sd->nsubs = n;
	/* Referenced descriptions after this one (sd may move). */
	for (unsigned int i = 0; i < d->nfields; i++)
		if (d->fields[i].sub) {
			int rc = add_desc(s, d->fields[i].sub, SCH_STRUCT, mt, err);
			if (rc)
				return rc;
		}
	for (unsigned int i = 0; i < d->nsubs; i++)
		if (mig_policy(mt, d, i) != VMS_NEVER) {
			int rc = add_desc(s, d->subs[i].desc, SCH_SUBSECTION, mt,
					  err);
			if (rc)
				return rc;
		}
	return 0;
}

int schema_add_desc(struct schema *s, const struct vms_desc *d,
		    const struct machine_type *mt, char **err)
{
	if (mt)
		copy_name(s->machine, mt->name);
	return add_desc(s, d, SCH_SECTION, mt, err);
}

int schema_from_sections(struct schema *s, const struct mig_sections *ss,
			 char **err)
{
	int rc;

	memset(s, 0, sizeof(*s));
	copy_name(s->machine, ss->mt ? ss->mt->name : "");
	s->sections = calloc(ss->n ? ss->n : 1, sizeof(*s->sections));
	if (!s->sections) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < ss->n; i++) {
		rc = add_desc(s, ss->s[i].desc, SCH_SECTION, ss->mt, err);
		if (rc) {
			schema_free(s);
			return rc;
		}
		s->sections[i].id = i + 1;	/* 0 is reserved */
		copy_name(s->sections[i].desc, ss->s[i].desc->name);
		s->sections[i].instance = ss->s[i].instance;
		s->sections[i].version = ss->s[i].desc->version;
	}
	s->nsections = ss->n;
	return 0;
}

int schema_for_machine(struct schema *s, const struct machine_type *mt,
		       char **err)
{
	memset(s, 0, sizeof(*s));
	copy_name(s->machine, mt->name);
	for (unsigned int i = 0; i < mig_n_all_descs; i++) {
		int rc = add_desc(s, mig_all_descs[i], SCH_SECTION, mt, err);
		if (rc) {
			schema_free(s);
			return rc;
		}
	}
	return 0;
}

/* ---- Wire form ------------------------------------------------------
 *
 *   str machine; u64 ram_size; u32 ncpus;
 *   u32 ndescs; ndescs x {
 *     str name; u8 kind; u32 version; u32 min_version;
 *     u32 nfields; nfields x {str name; u8 type; u32 esize; u32 count;
 *                             u32 version; ostr struct; ostr len_field}
 *     u8 nsubs; nsubs x {str name; u8 policy} }
 *   u32 nsections; nsections x {u32 id; str desc; u32 instance; u32 version}
 *
 * str: u8 length 1..63 + printable ASCII; ostr: the same, length 0 allowed.
 */
static void put_ostr(struct vms_buf *b, const char *s)
{
	size_t n = strlen(s);

	vms_buf_u8(b, (uint8_t)n);
	vms_buf_put(b, s, n);
}

int schema_encode(struct vms_buf *out, const struct schema *s)
{
	vms_buf_str(out, s->machine);
	vms_buf_u64(out, s->ram_size);
	vms_buf_u32(out, s->ncpus);
	vms_buf_u32(out, s->ndescs);
	for (uint32_t i = 0; i < s->ndescs; i++) {
		const struct sch_desc *d = &s->descs[i];

		vms_buf_str(out, d->name);
		vms_buf_u8(out, d->kind);
		vms_buf_u32(out, d->version);
		vms_buf_u32(out, d->min_version);
		vms_buf_u32(out, d->nfields);
		for (uint32_t j = 0; j < d->nfields; j++) {
			const struct sch_field *f = &d->fields[j];

			vms_buf_str(out, f->name);
			vms_buf_u8(out, f->type);
			vms_buf_u32(out, f->esize);
			vms_buf_u32(out, f->count);
			vms_buf_u32(out, f->version);
			put_ostr(out, f->sub);
			put_ostr(out, f->len_field);
		}
		vms_buf_u8(out, (uint8_t)d->nsubs);
		for (uint32_t j = 0; j < d->nsubs; j++) {
			vms_buf_str(out, d->subs[j].name);
			vms_buf_u8(out, d->subs[j].policy);
		}
	}
	vms_buf_u32(out, s->nsections);
	for (uint32_t i = 0; i < s->nsections; i++) {
		vms_buf_u32(out, s->sections[i].id);
		vms_buf_str(out, s->sections[i].desc);
		vms_buf_u32(out, s->sections[i].instance);
		vms_buf_u32(out, s->sections[i].version);
	}
	return out->oom ? -ENOMEM : 0;
}

static int get_ostr(struct vms_in *in, char *s)
{
	uint8_t n;

	if (vms_in_u8(in, &n) || n > VMS_NAME_MAX || vms_in_get(in, s, n))
		return -1;
	s[n] = 0;
	for (unsigned int i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return -1;
	return 0;
}

#define BAD(what) do { \
	error_setf(err, "header at stream offset %llu: %s", \
		   (unsigned long long)(in->base + in->pos), what); \
	schema_free(s); \
	return -EINVAL; \
} while (0)

int schema_decode(struct vms_in *in, struct schema *s, char **err)
{
	uint32_t n;

	memset(s, 0, sizeof(*s));
	if (vms_in_str(in, s->machine))
		BAD("bad machine type name");
	if (vms_in_u64(in, &s->ram_size) || vms_in_u32(in, &s->ncpus))
		BAD("truncated");
	if (vms_in_u32(in, &n))
		BAD("truncated description count");
	if (n == 0 || n > SCHEMA_MAX_DESCS)
		BAD("description count out of range");
	s->descs = calloc(n, sizeof(*s->descs));
	if (!s->descs)
		BAD("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		struct sch_desc *d = &s->descs[i];
		uint8_t nsubs;

		s->ndescs = i + 1;
		if (vms_in_str(in, d->name) || vms_in_u8(in, &d->kind) ||
		    vms_in_u32(in, &d->version) ||
		    vms_in_u32(in, &d->min_version) ||
		    vms_in_u32(in, &d->nfields))
			BAD("truncated or invalid description");
		if (d->kind < SCH_SECTION || d->kind > SCH_SUBSECTION ||
		    d->version == 0 || d->min_version == 0 ||
		    d->min_version > d->version)
			BAD("invalid description kind or versions");
		if (schema_find(s, d->name) != d)
			BAD("description listed twice");
		if (d->nfields > SCHEMA_MAX_FIELDS)
			BAD("too many fields");
		d->fields = calloc(d->nfields ? d->nfields : 1, sizeof(*d->fields));
		if (!d->fields)
			BAD("out of memory");
		for (uint32_t j = 0; j < d->nfields; j++) {
			struct sch_field *f = &d->fields[j];

			if (vms_in_str(in, f->name) || vms_in_u8(in, &f->type) ||
			    vms_in_u32(in, &f->esize) || vms_in_u32(in, &f->count) ||
			    vms_in_u32(in, &f->version) || get_ostr(in, f->sub) ||
			    get_ostr(in, f->len_field))
				BAD("truncated or invalid field");
			if (f->type == VMS_INVALID || f->type > VMS_TYPE_MAX ||
			    f->count == 0 || f->version == 0)
				BAD("invalid field type, count or version");
		}
		if (vms_in_u8(in, &nsubs) || nsubs > VMS_MAX_SUBS)
			BAD("bad subsection count");
		d->nsubs = nsubs;
		for (uint32_t j = 0; j < nsubs; j++)
			if (vms_in_str(in, d->subs[j].name) ||
			    vms_in_u8(in, &d->subs[j].policy) ||
			    d->subs[j].policy < VMS_WHEN_NEEDED ||
			    d->subs[j].policy > VMS_ALWAYS)
				BAD("bad subsection");
	}
	if (vms_in_u32(in, &n) || n > SCHEMA_MAX_SECTIONS)
		BAD("bad section count");
	s->sections = calloc(n ? n : 1, sizeof(*s->sections));
	if (!s->sections)
		BAD("out of memory");
	s->nsections = n;
	for (uint32_t i = 0; i < n; i++) {
		struct sch_section *sec = &s->sections[i];

		if (vms_in_u32(in, &sec->id) || vms_in_str(in, sec->desc) ||
		    vms_in_u32(in, &sec->instance) || vms_in_u32(in, &sec->version))
			BAD("truncated section list");
		/* Ids are 1, 2, 3, ... in order: 0 is reserved. */
		if (sec->id != i + 1)
			BAD("section ids must be 1..n in order");
		const struct sch_desc *d = schema_find(s, sec->desc);
		if (!d || d->kind != SCH_SECTION || d->version != sec->version)
			BAD("section names an unknown description or version");
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(s->sections[j].desc, sec->desc) &&
			    s->sections[j].instance == sec->instance)
				BAD("section instance listed twice");
	}
	if (in->pos != in->len)
		BAD("trailing bytes after the section list");
	return 0;
}

/* ---- Compatibility ------------------------------------------------ */

struct verdict {
	enum schema_verdict v;
	char *why;
};

static void note(struct verdict *vd, enum schema_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct verdict *vd, enum schema_verdict v, const char *fmt, ...)
{
	char *msg = NULL, *cat = NULL;
	va_list ap;

	/* Keep the first unsafe reason; list conditional ones. */
	if (v < vd->v || (vd->v == SCHEMA_UNSAFE))
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (v == SCHEMA_UNSAFE || !vd->why) {
		free(vd->why);
		vd->why = msg;
	} else {
		if (asprintf(&cat, "%s; %s", vd->why, msg ? msg : "") < 0)
			cat = NULL;
		free(vd->why);
		free(msg);
		vd->why = cat;
	}
	vd->v = v;
}

static const char *kind_name(uint8_t k)
{
	return k == SCH_SECTION ? "section" : k == SCH_STRUCT ? "struct" :
	       "subsection";
}

static void check_fields(const struct schema *src, const struct schema *dst,
			 const struct sch_desc *sd, const struct sch_desc *dd,
			 uint32_t version, const char *top, struct verdict *vd,
			 int depth)
{
	uint32_t j = 0;

	if (depth > VMS_MAX_DEPTH) {
		note(vd, SCHEMA_UNSAFE, "%s: structs nested too deep", top);
		return;
	}
	for (uint32_t i = 0; i < sd->nfields; i++) {
		const struct sch_field *a = &sd->fields[i];
		const struct sch_field *b = NULL;

		if (a->version > version) {
			note(vd, SCHEMA_UNSAFE, "%s '%s' field '%s': version %u "
			     "is newer than the section's %u", kind_name(sd->kind),
			     sd->name, a->name, a->version, version);
			return;
		}
		while (j < dd->nfields && dd->fields[j].version > version)
			j++;	/* the destination's newer fields: not sent */
		if (j < dd->nfields)
			b = &dd->fields[j++];
		if (!b) {
			note(vd, SCHEMA_UNSAFE, "%s '%s' field '%s' (source "
			     "version %u): unknown to the destination (version "
			     "%u..%u)", kind_name(sd->kind), top, a->name, version,
			     dd->min_version, dd->version);
			return;
		}
		if (strcmp(a->name, b->name) || a->type != b->type ||
		    a->esize != b->esize || a->count != b->count ||
		    strcmp(a->len_field, b->len_field) || strcmp(a->sub, b->sub)) {
			note(vd, SCHEMA_UNSAFE, "%s '%s' field '%s' %s[%u]x%u "
			     "(source version %u) does not match the "
			     "destination's field '%s' %s[%u]x%u (version %u..%u)",
			     kind_name(sd->kind), top, a->name,
			     vms_type_name(a->type), a->count, a->esize, version,
			     b->name, vms_type_name(b->type), b->count, b->esize,
			     dd->min_version, dd->version);
			return;
		}
		if (a->type == VMS_STRUCT) {
			const struct sch_desc *ss = schema_find(src, a->sub);
			const struct sch_desc *ds = schema_find(dst, b->sub);

			if (!ss || !ds) {
				note(vd, SCHEMA_UNSAFE, "%s field '%s': struct "
				     "description '%s' missing", top, a->name, a->sub);
				return;
			}
			check_fields(src, dst, ss, ds, version, top, vd, depth + 1);
		}
	}
	while (j < dd->nfields && dd->fields[j].version > version)
		j++;
	if (j < dd->nfields)
		note(vd, SCHEMA_UNSAFE, "%s '%s' field '%s': the destination "
		     "expects it at version %u but the source does not send it",
		     kind_name(dd->kind), top, dd->fields[j].name, version);
}

/*
 * all_descs (the static checker): a top-level description the
 * destination lacks is a device it has never heard of.  A VM without
 * that device sends no such section, so the pair is conditional; a
 * stream that has one is refused at its header, naming the section
 * (all_descs false: unsafe).  This is what lets a new device join every
 * machine type (README, "Machine types and compat rules").
 */
static void check_desc(const struct schema *src, const struct schema *dst,
		       const struct sch_desc *sd, bool all_descs,
		       struct verdict *vd)
{
	const struct sch_desc *dd = schema_find(dst, sd->name);

	if (!dd && all_descs) {
		note(vd, SCHEMA_CONDITIONAL, "section '%s' (version %u) is "
		     "unknown to the destination: safe unless the VM has a "
		     "'%s' device (then the destination refuses the stream "
		     "at its header)", sd->name, sd->version, sd->name);
		return;
	}
	if (!dd) {
		note(vd, SCHEMA_UNSAFE, "section '%s' (version %u): unknown to "
		     "the destination", sd->name, sd->version);
		return;
	}
	if (sd->version < dd->min_version || sd->version > dd->version) {
		note(vd, SCHEMA_UNSAFE, "section '%s': source version %u outside "
		     "the destination's %u..%u", sd->name, sd->version,
		     dd->min_version, dd->version);
		return;
	}
	check_fields(src, dst, sd, dd, sd->version, sd->name, vd, 0);
	for (uint32_t i = 0; i < sd->nsubs; i++) {
		const struct sch_sub *a = &sd->subs[i];
		const struct sch_sub *b = NULL;

		for (uint32_t j = 0; j < dd->nsubs; j++)
			if (!strcmp(dd->subs[j].name, a->name))
				b = &dd->subs[j];
		if (!b) {
			if (a->policy == VMS_ALWAYS)
				note(vd, SCHEMA_UNSAFE, "section '%s': subsection "
				     "'%s' is always sent and unknown to the "
				     "destination", sd->name, a->name);
			else
				note(vd, SCHEMA_CONDITIONAL, "section '%s': "
				     "subsection '%s' is unknown to the "
				     "destination; the load fails when it is "
				     "sent (when-needed%s%s)", sd->name, a->name,
				     a->needed[0] ? ": " : "", a->needed);
			continue;
		}
		const struct sch_desc *ss = schema_find(src, a->name);
		const struct sch_desc *ds = schema_find(dst, b->name);
		if (!ss || !ds) {
			note(vd, SCHEMA_UNSAFE, "subsection '%s': no field list",
			     a->name);
			continue;
		}
		check_fields(src, dst, ss, ds, 1, a->name, vd, 0);
	}
}

enum schema_verdict schema_check(const struct schema *src,
				 const struct schema *dst, bool all_descs,
				 char **why)
{
	struct verdict vd = { SCHEMA_SAFE, NULL };

	if (strcmp(src->machine, dst->machine)) {
		note(&vd, SCHEMA_UNSAFE, "machine type mismatch: the source "
		     "runs %s, the destination %s", src->machine, dst->machine);
	} else if (all_descs) {
		for (uint32_t i = 0; i < src->ndescs; i++)
			if (src->descs[i].kind == SCH_SECTION)
				check_desc(src, dst, &src->descs[i], true, &vd);
	} else {
		for (uint32_t i = 0; i < src->nsections; i++) {
			const struct sch_desc *sd = schema_find(src, src->sections[i].desc);
			bool seen = false;

			for (uint32_t j = 0; j < i; j++)
				if (!strcmp(src->sections[j].desc, sd->name))
					seen = true;
			if (!seen)
				check_desc(src, dst, sd, false, &vd);
		}
	}
	if (why)
		*why = vd.why;
	else
		free(vd.why);
	return vd.v;
}
