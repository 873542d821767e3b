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
