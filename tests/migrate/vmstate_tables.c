// SPDX-License-Identifier: MIT
/*
 * Every state description minivmm has: the table checks (types, sizes,
 * overlaps, versions, subsections with needed()), the count of fields, and
 * a round trip through the encoder and decoder with random contents
 * (STYLE item 13).  Then broken tables that the checks must reject, so
 * this test can fail.
 */
#include <stdlib.h>
#include <string.h>

#include "mig-harness.h"

/* Random contents that respect length fields and bools. */
static void fill(const struct vms_desc *d, uint8_t *base)
{
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];
		uint8_t *p = base + f->offset;
		uint32_t esize = f->size / f->count;

		if (f->type == VMS_STRUCT) {
			for (uint32_t e = 0; e < f->count; e++)
				fill(f->sub, p + e * esize);
		} else if (f->type == VMS_BOOL) {
			for (uint32_t e = 0; e < f->count; e++)
				p[e] = rnd() & 1;
		} else {
			for (uint32_t b = 0; b < f->size; b++)
				p[b] = (uint8_t)rnd();
		}
	}
	/* Length fields: a value within the array, elements past it zero. */
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];

		if (!f->len_field)
			continue;
		for (unsigned int j = 0; j < i; j++) {
			const struct vms_field *lf = &d->fields[j];
			uint32_t n = (uint32_t)(rnd() % (f->count + 1));

			if (strcmp(lf->name, f->len_field))
				continue;
			if (lf->type == VMS_U8)
				base[lf->offset] = (uint8_t)n;
			else if (lf->type == VMS_U16) {
				uint16_t v = (uint16_t)n;
				memcpy(base + lf->offset, &v, 2);
			} else
				memcpy(base + lf->offset, &n, 4);
			memset(base + f->offset + (f->size / f->count) * n, 0,
			       (f->size / f->count) * (f->count - n));
		}
	}
}

/* Compare the bytes the fields cover (not the padding). */
static bool same(const struct vms_desc *d, const uint8_t *a, const uint8_t *b)
{
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct vms_field *f = &d->fields[i];

		if (f->type == VMS_STRUCT) {
			for (uint32_t e = 0; e < f->count; e++)
				if (!same(f->sub, a + f->offset + e * f->sub->size,
					  b + f->offset + e * f->sub->size))
					return false;
		} else if (memcmp(a + f->offset, b + f->offset, f->size)) {
			ksft_print_msg("%s.%s differs\n", d->name, f->name);
			return false;
		}
	}
	return true;
}

static bool roundtrip(const struct vms_desc *orig, bool with_subs)
{
	/* The engine without the device hooks. */
	struct vms_desc d = *orig;
	struct vms_policies pol;
	struct vms_buf buf = { 0 };
	char *err = NULL;
	bool ok;

	d.post_load = NULL;
	for (unsigned int i = 0; i < VMS_MAX_SUBS; i++)
		pol.p[i] = with_subs ? VMS_ALWAYS : VMS_NEVER;
	uint8_t *a = calloc(1, d.size), *b = calloc(1, d.size);
	fill(&d, a);
	for (unsigned int s = 0; s < d.nsubs; s++)
		fill(d.subs[s].desc, a);
	int rc = vms_encode(&buf, &d, NULL, a, &pol, &err);
	struct vms_in in = { .data = buf.data, .len = buf.len };
	struct vms_ctx ctx = { .section = d.name, .src_version = d.version };
	if (!rc)
		rc = vms_decode(&in, &d, NULL, b, &ctx, &err);
	ok = !rc && in.pos == buf.len && same(&d, a, b);
	for (unsigned int s = 0; ok && with_subs && s < d.nsubs; s++)
		ok = same(d.subs[s].desc, a, b);
	if (err)
		ksft_print_msg("%s: %s\n", d.name, err);
	free(err);
	free(a);
	free(b);
	vms_buf_free(&buf);
	return ok;
}

/* ---- Broken tables the checks must reject ---- */
struct t { uint32_t a; uint8_t b; uint64_t c; bool d; };
static bool t_needed(void *dev, const void *s) { (void)dev; (void)s; return true; }
static const struct vms_field f_overlap[] = {
	VMS_SCALAR(struct t, a, VMS_U32, 1),
	{ .name = "a2", .offset = 2, .type = VMS_U16, .count = 1, .size = 2, .version = 1 },
};
static const struct vms_field f_size[] = {
	{ .name = "a", .offset = 0, .type = VMS_U64, .count = 1, .size = 4, .version = 1 },
};
static const struct vms_field f_version[] = {
	VMS_SCALAR(struct t, c, VMS_U64, 3),
};
static const struct vms_field f_len[] = {
	{ .name = "c", .offset = offsetof(struct t, c), .type = VMS_U64,
	  .count = 1, .size = 8, .version = 1, .len_field = "zz" },
};
static const struct vms_field f_ok[] = { VMS_SCALAR(struct t, a, VMS_U32, 1) };
static const struct vms_field f_sub[] = { VMS_SCALAR(struct t, d, VMS_BOOL, 1) };
static const struct vms_desc sub_d = { .name = "t/x", .version = 1,
	.min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_sub) };
static const struct vms_subsection no_needed[] = {
	{ .name = "t/x", .desc = &sub_d, .policy_prop = "migrate-x",
	  .policy_default = VMS_WHEN_NEEDED, .needed = NULL, .needed_doc = "x" },
};
static const struct vms_subsection bad_name[] = {
	{ .name = "other/x", .desc = &sub_d, .policy_prop = "migrate-x",
	  .policy_default = VMS_ALWAYS, .needed = t_needed, .needed_doc = "x" },
};
static const struct vms_desc broken[] = {
	{ .name = "t", .version = 1, .min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_overlap) },
	{ .name = "t", .version = 1, .min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_size) },
	{ .name = "t", .version = 2, .min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_version) },
	{ .name = "t", .version = 1, .min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_len) },
	{ .name = "t", .version = 1, .min_version = 2, .size = sizeof(struct t), VMS_FIELDS(f_ok) },
	{ .name = "t", .version = 1, .min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_ok), VMS_SUBS(no_needed) },
	{ .name = "t", .version = 1, .min_version = 1, .size = sizeof(struct t), VMS_FIELDS(f_ok), VMS_SUBS(bad_name) },
};
static const char *const broken_why[] = {
	"overlapping fields", "type/size mismatch", "field version > desc version",
	"unknown length field", "min_version > version",
	"subsection without needed() (QEMU 6f4923f)", "subsection name not <section>/...",
};

int main(void)
{
	unsigned int nb = VMS_ARRAY_SIZE(broken);

	ksft_print_header();
	ksft_set_plan(3 * mig_n_all_descs + nb + 1);
	for (unsigned int i = 0; i < mig_n_all_descs; i++) {
		const struct vms_desc *d = mig_all_descs[i];
		char *err = NULL;
		int rc = vms_check_desc(d, &err);

		ksft_test_result(rc == 0 && d->nfields > 0, "table %s: %u fields, "
				 "%u subsections, version %u..%u%s%s\n", d->name,
				 d->nfields, d->nsubs, d->min_version, d->version,
				 err ? ": " : "", err ? err : "");
		free(err);
		ksft_test_result(roundtrip(d, false), "round trip %s\n", d->name);
		ksft_test_result(roundtrip(d, true), "round trip %s with all "
				 "subsections\n", d->name);
	}
	for (unsigned int i = 0; i < nb; i++) {
		char *err = NULL;
		int rc = vms_check_desc(&broken[i], &err);

		ksft_test_result(rc != 0, "rejects a table with %s: %s\n",
				 broken_why[i], err ? err : "(accepted)");
		free(err);
	}
	/* Names are unique across all descriptions. */
	bool uniq = true;
	for (unsigned int i = 0; i < mig_n_all_descs; i++)
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(mig_all_descs[i]->name, mig_all_descs[j]->name))
				uniq = false;
	ksft_test_result(uniq, "%u descriptions, names unique\n", mig_n_all_descs);
	return ksft_finished();
}
