// SPDX-License-Identifier: MIT
/*
 * The vmstate engine: encode a state struct from its description, decode
 * a section payload into a shadow struct, check descriptions (see
 * vmstate.h for the encoding).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/vmstate.h"
#include "vmm/endian.h"
#include "vmm/error.h"

unsigned int vms_type_size(enum vms_type t)
{
	switch (t) {
	case VMS_U8:
	case VMS_BOOL:
	case VMS_BUFFER:
		return 1;
	case VMS_U16:
		return 2;
	case VMS_U32:
	case VMS_I32:
		return 4;
	case VMS_U64:
	case VMS_I64:
		return 8;
	default:
		return 0;
	}
}

static const char *const type_names[] = {
	[VMS_INVALID] = "invalid", [VMS_U8] = "u8", [VMS_U16] = "u16",
	[VMS_U32] = "u32", [VMS_U64] = "u64", [VMS_I32] = "i32",
	[VMS_I64] = "i64", [VMS_BOOL] = "bool", [VMS_BUFFER] = "buffer",
	[VMS_STRUCT] = "struct",
};

const char *vms_type_name(enum vms_type t)
{
	return (unsigned int)t <= VMS_TYPE_MAX ? type_names[t] : "invalid";
}

const char *vms_policy_name(enum vms_policy p)
{
	switch (p) {
	case VMS_NEVER:
		return "never";
	case VMS_WHEN_NEEDED:
		return "when-needed";
	case VMS_ALWAYS:
		return "always";
	}
	return "invalid";
}

/* ---- Buffers ------------------------------------------------------ */

void vms_buf_put(struct vms_buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d) {
			b->oom = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void vms_buf_u8(struct vms_buf *b, uint8_t v)
{
	vms_buf_put(b, &v, 1);
}

void vms_buf_u16(struct vms_buf *b, uint16_t v)
{
	uint8_t x[2];

	be16_st(x, v);
	vms_buf_put(b, x, 2);
}

void vms_buf_u32(struct vms_buf *b, uint32_t v)
{
	uint8_t x[4];

	be32_st(x, v);
	vms_buf_put(b, x, 4);
}

void vms_buf_u64(struct vms_buf *b, uint64_t v)
{
	uint8_t x[8];

	be64_st(x, v);
	vms_buf_put(b, x, 8);
}

void vms_buf_str(struct vms_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > VMS_NAME_MAX)
		n = VMS_NAME_MAX;
	vms_buf_u8(b, (uint8_t)n);
	vms_buf_put(b, s, n);
}

void vms_buf_free(struct vms_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int vms_in_get(struct vms_in *in, void *p, size_t n)
{
	if (n > in->len - in->pos)
		return -1;
	memcpy(p, in->data + in->pos, n);
	in->pos += n;
	return 0;
}

int vms_in_u8(struct vms_in *in, uint8_t *v)
{
	return vms_in_get(in, v, 1);
}

int vms_in_u16(struct vms_in *in, uint16_t *v)
{
	uint8_t x[2];

	if (vms_in_get(in, x, 2))
		return -1;
	*v = be16_ld(x);
	return 0;
}

int vms_in_u32(struct vms_in *in, uint32_t *v)
{
	uint8_t x[4];

	if (vms_in_get(in, x, 4))
		return -1;
	*v = be32_ld(x);
	return 0;
}

int vms_in_u64(struct vms_in *in, uint64_t *v)
{
	uint8_t x[8];

	if (vms_in_get(in, x, 8))
		return -1;
	*v = be64_ld(x);
	return 0;
}

int vms_in_str(struct vms_in *in, char *s)
{
	uint8_t n;

	if (vms_in_u8(in, &n) || n == 0 || n > VMS_NAME_MAX ||
	    vms_in_get(in, s, n))
		return -1;
	s[n] = 0;
	/* Names are printable ASCII: they end up in error messages. */
	for (unsigned int i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return -1;
	return 0;
}

/* ---- Host values -------------------------------------------------- */

static uint64_t host_load(const uint8_t *p, unsigned int size)
{
	switch (size) {
	case 1:
		return *p;
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static void host_store(uint8_t *p, unsigned int size, uint64_t v)
{
	switch (size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static const struct vms_field *find_field(const struct vms_desc *d,
					  const char *name, unsigned int before)
{
	for (unsigned int i = 0; i < before && i < d->nfields; i++)
		if (!strcmp(d->fields[i].name, name))
			return &d->fields[i];
	return NULL;
}

/* Element count of a field in a (saved or loaded) struct. */
static uint64_t field_len(const struct vms_desc *d, unsigned int idx,
			  const uint8_t *base)
{
	const struct vms_field *f = &d->fields[idx];
	const struct vms_field *lf;

	if (!f->len_field)
		return f->count;
	lf = find_field(d, f->len_field, idx);
	if (!lf)
		return UINT64_MAX;	/* vms_check_desc rejects this */
	return host_load(base + lf->offset, vms_type_size(lf->type));
}

/* ---- Description checks ------------------------------------------ */

static int check_fields(const struct vms_desc *d, const struct vms_desc *top,
			int depth, char **err)
{
	if (depth > VMS_MAX_DEPTH) {
		error_setf(err, "%s: structs nested deeper than %d", d->name,
			   VMS_MAX_DEPTH);
		return -EINVAL;
	}
	if (!d->name || !*d->name || strlen(d->name) > VMS_NAME_MAX) {
		error_setf(err, "a description has no name or a long one");
		return -EINVAL;
	}
	if (d->nfields && !d->fields) {
		error_setf(err, "%s: nfields without fields", d->name);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];
		unsigned int ts = vms_type_size(f->type);

		if (!f->name || !*f->name || strlen(f->name) > VMS_NAME_MAX) {
			error_setf(err, "%s: field %u has no name", d->name, i);
			return -EINVAL;
		}
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(d->fields[j].name, f->name)) {
				error_setf(err, "%s: field %s listed twice",
					   d->name, f->name);
				return -EINVAL;
			}
		if (f->type == VMS_INVALID || f->type > VMS_TYPE_MAX ||
		    f->count == 0) {
			error_setf(err, "%s.%s: bad type or count", d->name,
				   f->name);
			return -EINVAL;
		}
		if (f->version < 1 || f->version > top->version) {
			error_setf(err, "%s.%s: version %u outside [1, %u]",
				   d->name, f->name, f->version, top->version);
			return -EINVAL;
		}
		if (f->type == VMS_STRUCT) {
			if (!f->sub || f->sub->nsubs ||
			    (uint64_t)f->sub->size * f->count != f->size) {
				error_setf(err, "%s.%s: struct element size "
					   "mismatch or nested subsections",
					   d->name, f->name);
				return -EINVAL;
			}
			int rc = check_fields(f->sub, top, depth + 1, err);
			if (rc)
				return rc;
		} else if ((uint64_t)ts * f->count != f->size) {
			error_setf(err, "%s.%s: %u x %s is not the member size %u",
				   d->name, f->name, f->count,
				   vms_type_name(f->type), f->size);
			return -EINVAL;
		}
		if (f->offset + f->size > d->size) {
			error_setf(err, "%s.%s: past the end of the struct",
				   d->name, f->name);
			return -EINVAL;
		}
		if (f->len_field) {
			const struct vms_field *lf = find_field(d, f->len_field, i);

			if (!lf || lf->count != 1 || lf->len_field ||
			    (lf->type != VMS_U8 && lf->type != VMS_U16 &&
			     lf->type != VMS_U32) || lf->version > f->version) {
				error_setf(err, "%s.%s: length field %s must be "
					   "an earlier u8/u16/u32 scalar",
					   d->name, f->name, f->len_field);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Members must not overlap (a subsection's fields share the struct). */
static int check_overlap(const struct vms_desc *d, char **err)
{
	const struct vms_field *all[256];
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->nfields && n < 256; i++)
		all[n++] = &d->fields[i];
	for (unsigned int s = 0; s < d->nsubs; s++)
		for (unsigned int i = 0; i < d->subs[s].desc->nfields && n < 256; i++)
			all[n++] = &d->subs[s].desc->fields[i];
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (all[i]->offset < all[j]->offset + all[j]->size &&
			    all[j]->offset < all[i]->offset + all[i]->size) {
				error_setf(err, "%s: fields %s and %s overlap",
					   d->name, all[i]->name, all[j]->name);
				return -EINVAL;
			}
	return 0;
}

int vms_check_desc(const struct vms_desc *d, char **err)
{
	int rc;

	if (!d || d->version < 1 || d->min_version < 1 ||
	    d->min_version > d->version || d->size == 0) {
		error_setf(err, "%s: bad version range or size",
			   d && d->name ? d->name : "?");
		return -EINVAL;
	}
	rc = check_fields(d, d, 0, err);
	if (rc)
		return rc;
	if (d->nsubs > VMS_MAX_SUBS || (d->nsubs && !d->subs)) {
		error_setf(err, "%s: too many subsections", d->name);
		return -EINVAL;
	}
	for (unsigned int s = 0; s < d->nsubs; s++) {
		const struct vms_subsection *sub = &d->subs[s];

		if (!sub->name || !sub->desc || !sub->policy_prop ||
		    strncmp(sub->name, d->name, strlen(d->name)) ||
		    sub->name[strlen(d->name)] != '/') {
			error_setf(err, "%s: subsection %u needs a name "
				   "\"%s/...\", fields and a policy property",
				   d->name, s, d->name);
			return -EINVAL;
		}
		/* QEMU 6f4923f: a subsection without needed() silently ended
		 * the list.  Here it is an error in the table. */
		if (!sub->needed || !sub->needed_doc) {
			error_setf(err, "%s: needs needed() and needed_doc",
				   sub->name);
			return -EINVAL;
		}
		if (strcmp(sub->desc->name, sub->name) ||
		    sub->desc->size != d->size || sub->desc->nsubs ||
		    sub->desc->version != 1) {
			error_setf(err, "%s: a subsection has its own name, shares "
				   "its section's struct, is version 1 and has "
				   "no subsections",
				   sub->name);
			return -EINVAL;
		}
		for (unsigned int t = 0; t < s; t++)
			if (!strcmp(d->subs[t].name, sub->name)) {
				error_setf(err, "%s listed twice", sub->name);
				return -EINVAL;
			}
		rc = check_fields(sub->desc, sub->desc, 0, err);
		if (rc)
			return rc;
	}
	return check_overlap(d, err);
}

/* ---- Encode ------------------------------------------------------- */

static int encode_fields(struct vms_buf *out, const struct vms_desc *d,
			 const uint8_t *base, uint32_t version, char **err)
{
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];
		uint64_t n = field_len(d, i, base);
		uint32_t esize = f->size / f->count;
		const uint8_t *p = base + f->offset;

		if (f->version > version)
			continue;
		if (n > f->count) {
			error_setf(err, "save %s.%s: length %llu exceeds %u",
				   d->name, f->name, (unsigned long long)n,
				   f->count);
			return -EINVAL;
		}
		switch (f->type) {
		case VMS_BUFFER:
			vms_buf_put(out, p, n);
			break;
		case VMS_STRUCT:
			for (uint64_t e = 0; e < n; e++) {
				int rc = encode_fields(out, f->sub, p + e * esize,
						       version, err);
				if (rc)
					return rc;
			}
			break;
		default:
			for (uint64_t e = 0; e < n; e++) {
				uint64_t v = host_load(p + e * esize, esize);
				uint8_t x[8];

				if (f->type == VMS_BOOL)
					v = !!(uint8_t)v;
				switch (esize) {
				case 1:
					x[0] = (uint8_t)v;
					break;
				case 2:
					be16_st(x, (uint16_t)v);
					break;
				case 4:
					be32_st(x, (uint32_t)v);
					break;
				default:
					be64_st(x, v);
					break;
				}
				vms_buf_put(out, x, esize);
			}
			break;
		}
	}
	return 0;
}

int vms_encode(struct vms_buf *out, const struct vms_desc *d, void *dev,
	       const void *state, const struct vms_policies *pol, char **err)
{
	int rc = encode_fields(out, d, state, d->version, err);

	if (rc)
		return rc;
	for (unsigned int s = 0; s < d->nsubs; s++) {
		const struct vms_subsection *sub = &d->subs[s];
		enum vms_policy p = pol ? pol->p[s] : sub->policy_default;

		if (p == VMS_NEVER ||
		    (p == VMS_WHEN_NEEDED && !sub->needed(dev, state)))
			continue;
		vms_buf_str(out, sub->name);
		size_t len_at = out->len;
		vms_buf_u32(out, 0);
		size_t start = out->len;
		rc = encode_fields(out, sub->desc, state, 1, err);
		if (rc)
			return rc;
		if (!out->oom)
			be32_st(out->data + len_at, (uint32_t)(out->len - start));
	}
	if (out->oom) {
		error_setf(err, "save %s: out of memory", d->name);
		return -ENOMEM;
	}
	return 0;
}

/* ---- Decode ------------------------------------------------------- */

static void ctx_err(char **err, const struct vms_ctx *ctx,
		    const struct vms_desc *top, const char *what,
		    uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void ctx_err(char **err, const struct vms_ctx *ctx,
		    const struct vms_desc *top, const char *what,
		    uint64_t offset, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	error_setf(err, "section '%s' instance %u, %s at stream offset %llu: %s "
		   "(stream version %u, ours %u..%u; machine %s -> %s)",
		   ctx->section, ctx->instance, what,
		   (unsigned long long)offset, msg ? msg : "?",
		   ctx->src_version, top->min_version, top->version,
		   ctx->src_machine ? ctx->src_machine : "?",
		   ctx->dst_machine ? ctx->dst_machine : "?");
	free(msg);
}

static int decode_fields(struct vms_in *in, const struct vms_desc *d,
			 const struct vms_desc *top, uint8_t *base,
			 uint32_t version, const struct vms_ctx *ctx,
			 const char *sub_name, char **err)
{
	char what[2 * VMS_NAME_MAX + 40];

	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];
		uint32_t esize = f->size / f->count;
		uint8_t *p = base + f->offset;

		if (f->version > version)
			continue;
		snprintf(what, sizeof(what), "%s%sfield '%s'",
			 sub_name ? sub_name : "", sub_name ? " " : "", f->name);
		uint64_t n = field_len(d, i, base);
		if (n > f->count) {
			ctx_err(err, ctx, top, what, in->base + in->pos,
				"length %llu exceeds the array size %u",
				(unsigned long long)n, f->count);
			return -EINVAL;
		}
		if (f->type == VMS_STRUCT) {
			for (uint64_t e = 0; e < n; e++) {
				int rc = decode_fields(in, f->sub, top,
						       p + e * esize, version,
						       ctx, sub_name, err);
				if (rc)
					return rc;
			}
			continue;
		}
		uint64_t bytes = f->type == VMS_BUFFER ? n : n * esize;
		if (bytes > in->len - in->pos) {
			ctx_err(err, ctx, top, what, in->base + in->pos,
				"truncated: %llu bytes needed, %zu left",
				(unsigned long long)bytes, in->len - in->pos);
			return -EINVAL;
		}
		if (f->type == VMS_BUFFER) {
			vms_in_get(in, p, n);
			continue;
		}
		for (uint64_t e = 0; e < n; e++) {
			const uint8_t *x = in->data + in->pos;
			uint64_t v;

			switch (esize) {
			case 1:
				v = x[0];
				break;
			case 2:
				v = be16_ld(x);
				break;
			case 4:
				v = be32_ld(x);
				break;
			default:
				v = be64_ld(x);
				break;
			}
			if (f->type == VMS_BOOL && v > 1) {
				ctx_err(err, ctx, top, what, in->base + in->pos,
					"bool element %llu is %llu, not 0 or 1",
					(unsigned long long)e,
					(unsigned long long)v);
				return -EINVAL;
			}
			host_store(p + e * esize, esize, v);
			in->pos += esize;
		}
	}
	return 0;
}

int vms_decode(struct vms_in *in, const struct vms_desc *d, void *dev,
	       void *state, const struct vms_ctx *ctx, char **err)
{
	bool present[VMS_MAX_SUBS] = { false };
	uint32_t v = ctx->src_version;
	int rc;

	if (v < d->min_version || v > d->version) {
		ctx_err(err, ctx, d, "header", in->base + in->pos,
			"version %u outside [%u, %u]", v, d->min_version,
			d->version);
		return -EINVAL;
	}
	rc = decode_fields(in, d, d, state, v, ctx, NULL, err);
	if (rc)
		return rc;
	while (in->pos < in->len) {
		char name[VMS_NAME_MAX + 1];
		uint64_t at = in->base + in->pos;
		uint32_t len;
		unsigned int s;

		if (vms_in_str(in, name) || vms_in_u32(in, &len)) {
			ctx_err(err, ctx, d, "subsection header", at,
				"truncated or invalid subsection name");
			return -EINVAL;
		}
		for (s = 0; s < d->nsubs; s++)
			if (!strcmp(d->subs[s].name, name))
				break;
		if (s == d->nsubs) {
			ctx_err(err, ctx, d, "subsection", at,
				"unknown subsection '%s'", name);
			return -EINVAL;
		}
		if (present[s]) {
			ctx_err(err, ctx, d, "subsection", at,
				"subsection '%s' sent twice", name);
			return -EINVAL;
		}
		if (len > in->len - in->pos) {
			ctx_err(err, ctx, d, "subsection", at,
				"subsection '%s' length %u exceeds the %zu "
				"bytes left", name, len, in->len - in->pos);
			return -EINVAL;
		}
		struct vms_in sin = {
			.data = in->data + in->pos, .len = len,
			.base = in->base + in->pos,
		};
		char sname[VMS_NAME_MAX + 16];
		snprintf(sname, sizeof(sname), "subsection '%s'", name);
		rc = decode_fields(&sin, d->subs[s].desc, d, state, 1, ctx,
				   sname, err);
		if (rc)
			return rc;
		if (sin.pos != sin.len) {
			ctx_err(err, ctx, d, "subsection", sin.base + sin.pos,
				"subsection '%s': %zu bytes left over (size "
				"mismatch)", name, sin.len - sin.pos);
			return -EINVAL;
		}
		in->pos += len;
		present[s] = true;
	}
	if (d->post_load) {
		char *perr = NULL;

		rc = d->post_load(dev, state, v, present, &perr);
		if (rc) {
			ctx_err(err, ctx, d, "post_load", in->base + in->pos,
				"%s", perr ? perr : "invalid state");
			free(perr);
			return rc;
		}
	}
	return 0;
}
