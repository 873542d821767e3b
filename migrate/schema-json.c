/* SPDX-License-Identifier: MIT */
/*
 * The schema as JSON (minivmm --dump-vmstate, the files in migrate/schemas/,
 * minivmm-compat).  Layout, every key always present unless noted:
 *
 *   { "machine": "s390-ccw-mini-3",
 *     "descriptions": [
 *       { "name": "cpu", "kind": "section" | "struct" | "subsection",
 *         "version": 1, "minimum-version": 1,
 *         "fields": [ { "name": "psw_mask", "type": "u64", "size": 8,
 *                       "count": 1, "version": 1,
 *                       "struct": "virtqueue"        (struct fields only)
 *                       "length-field": "nirqs" } ], (variable length only)
 *         "subsections": [ { "name": "fdc/phase",
 *                            "policy": "when-needed",
 *                            "needed": "phase != reconstruct_phase()" } ] } ],
 *     "sections": [ { "id": 1, "description": "cpu", "instance": 0,
 *                     "version": 1 } ]   (a VM's schema only)
 *   }
 *
 * "size" is the size of one element on the wire (a buffer: 1), "count"
 * the number of elements.  Output is deterministic (table order, sorted
 * keys are not used) so that committed schemas diff cleanly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "migrate/migrate.h"
#include "migrate/monitor.h"
#include "vmm/error.h"

static const char *const kind_names[] = {
	[SCH_SECTION] = "section", [SCH_STRUCT] = "struct",
	[SCH_SUBSECTION] = "subsection",
};

static json_t *desc_json(const struct sch_desc *d)
{
	json_t *fields = json_array(), *subs = json_array();

	for (uint32_t i = 0; fields && i < d->nfields; i++) {
		const struct sch_field *f = &d->fields[i];
		json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I}", "name", f->name,
				      "type", vms_type_name((enum vms_type)f->type),
				      "size", (json_int_t)f->esize,
				      "count", (json_int_t)f->count,
				      "version", (json_int_t)f->version);

		if (o && f->sub[0])
			json_object_set_new(o, "struct", json_string(f->sub));
		if (o && f->len_field[0])
			json_object_set_new(o, "length-field",
					    json_string(f->len_field));
		if (o)
			json_array_append_new(fields, o);
	}
	for (uint32_t i = 0; subs && i < d->nsubs; i++)
		json_array_append_new(subs, json_pack("{s:s,s:s,s:s}",
			"name", d->subs[i].name,
			"policy", vms_policy_name((enum vms_policy)d->subs[i].policy),
			"needed", d->subs[i].needed));
	return json_pack("{s:s,s:s,s:I,s:I,s:o,s:o}", "name", d->name,
			 "kind", d->kind < 4 && kind_names[d->kind]
				 ? kind_names[d->kind] : "unknown",
			 "version", (json_int_t)d->version,
			 "minimum-version", (json_int_t)d->min_version,
			 "fields", fields, "subsections", subs);
}

int schema_write_json(FILE *f, const struct schema *s, char **err)
{
	json_t *descs = json_array(), *root;
	int rc = 0;

	for (uint32_t i = 0; descs && i < s->ndescs; i++)
		json_array_append_new(descs, desc_json(&s->descs[i]));
	root = json_pack("{s:s,s:o}", "machine", s->machine,
			 "descriptions", descs);
	if (root && s->nsections) {
		json_t *secs = json_array();

		for (uint32_t i = 0; secs && i < s->nsections; i++)
			json_array_append_new(secs, json_pack("{s:I,s:s,s:I,s:I}",
				"id", (json_int_t)s->sections[i].id,
				"description", s->sections[i].desc,
				"instance", (json_int_t)s->sections[i].instance,
				"version", (json_int_t)s->sections[i].version));
		json_object_set_new(root, "sections", secs);
	}
	if (!root || json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', f) == EOF || fflush(f) == EOF) {
		error_setf(err, "cannot write the schema: %s",
			   root ? strerror(errno) : "out of memory");
		rc = -EIO;
	}
	json_decref(root);
	return rc;
}

int migrate_dump_vmstate(const char *path, const struct machine_type *mt,
			 char **err)
{
	struct schema s;
	FILE *f;
	int rc = schema_for_machine(&s, mt, err);

	if (rc)
		return rc;
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f) {
		rc = -errno;
		error_setf(err, "%s: %s", path, strerror(errno));
	} else {
		rc = schema_write_json(f, &s, err);
		if (f != stdout && fclose(f) && !rc) {
			rc = -errno;
			error_setf(err, "%s: %s", path, strerror(errno));
		}
	}
	schema_free(&s);
	return rc;
}

/* ---- Reading (minivmm-compat) -------------------------------------- */

static int name_of(const json_t *o, const char *key, char *dst, bool empty_ok)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s) {
		if (!empty_ok)
			return -1;
		dst[0] = 0;
		return 0;
	}
	if (strlen(s) > VMS_NAME_MAX || (!s[0] && !empty_ok))
		return -1;
	strcpy(dst, s);
	return 0;
}

static int u32_of(const json_t *o, const char *key, uint32_t *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    json_integer_value(j) > UINT32_MAX)
		return -1;
	*v = (uint32_t)json_integer_value(j);
	return 0;
}

static int lookup(const char *s, const char *(*fn)(int), int lo, int hi)
{
	for (int i = lo; s && i <= hi; i++)
		if (!strcmp(fn(i), s))
			return i;
	return -1;
}

static const char *type_fn(int i) { return vms_type_name((enum vms_type)i); }
static const char *policy_fn(int i) { return vms_policy_name((enum vms_policy)i); }
static const char *kind_fn(int i) { return kind_names[i] ? kind_names[i] : "?"; }

static int read_desc(const json_t *o, struct sch_desc *d, const char **what)
{
	const json_t *fields = json_object_get(o, "fields");
	const json_t *subs = json_object_get(o, "subsections");
	int k;

	*what = "name";
	if (name_of(o, "name", d->name, false))
		return -1;
	*what = "kind";
	k = lookup(json_string_value(json_object_get(o, "kind")), kind_fn, 1, 3);
	if (k < 0)
		return -1;
	d->kind = (uint8_t)k;
	*what = "version";
	if (u32_of(o, "version", &d->version) ||
	    u32_of(o, "minimum-version", &d->min_version))
		return -1;
	*what = "fields";
	if (!json_is_array(fields) || json_array_size(fields) > SCHEMA_MAX_FIELDS ||
	    !json_is_array(subs) || json_array_size(subs) > VMS_MAX_SUBS)
		return -1;
	d->nfields = (uint32_t)json_array_size(fields);
	d->fields = calloc(d->nfields ? d->nfields : 1, sizeof(*d->fields));
	if (!d->fields)
		return -1;
	for (uint32_t i = 0; i < d->nfields; i++) {
		const json_t *f = json_array_get(fields, i);
		struct sch_field *sf = &d->fields[i];

		k = lookup(json_string_value(json_object_get(f, "type")),
			   type_fn, 1, VMS_TYPE_MAX);
		if (k < 0 || name_of(f, "name", sf->name, false) ||
		    u32_of(f, "size", &sf->esize) || u32_of(f, "count", &sf->count) ||
		    u32_of(f, "version", &sf->version) ||
		    name_of(f, "struct", sf->sub, true) ||
		    name_of(f, "length-field", sf->len_field, true))
			return -1;
		sf->type = (uint8_t)k;
	}
	*what = "subsections";
	d->nsubs = (uint32_t)json_array_size(subs);
	for (uint32_t i = 0; i < d->nsubs; i++) {
		const json_t *s = json_array_get(subs, i);
		const char *needed = json_string_value(json_object_get(s, "needed"));

		k = lookup(json_string_value(json_object_get(s, "policy")),
			   policy_fn, 0, 2);
		if (k < 0 || name_of(s, "name", d->subs[i].name, false))
			return -1;
		d->subs[i].policy = (uint8_t)k;
		snprintf(d->subs[i].needed, sizeof(d->subs[i].needed), "%s",
			 needed ? needed : "");
	}
	return 0;
}

int schema_read_json(const char *path, struct schema *s, char **err)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je), *descs;
	const char *what = "machine";

	memset(s, 0, sizeof(*s));
	if (!root) {
		error_setf(err, "%s:%d: %s", path, je.line, je.text);
		return -EINVAL;
	}
	descs = json_object_get(root, "descriptions");
	if (name_of(root, "machine", s->machine, false) || !json_is_array(descs) ||
	    json_array_size(descs) > SCHEMA_MAX_DESCS)
		goto bad;
	s->descs = calloc(json_array_size(descs) + 1, sizeof(*s->descs));
	if (!s->descs)
		goto bad;
	for (size_t i = 0; i < json_array_size(descs); i++) {
		s->ndescs++;
		if (read_desc(json_array_get(descs, i), &s->descs[i], &what)) {
			json_decref(root);
			error_setf(err, "%s: description %zu: bad or missing '%s'",
				   path, i, what);
			schema_free(s);
			return -EINVAL;
		}
	}
	json_decref(root);
	return 0;
bad:
	json_decref(root);
	schema_free(s);
	error_setf(err, "%s: bad or missing '%s' or 'descriptions'", path, what);
	return -EINVAL;
}
