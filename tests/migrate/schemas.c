// SPDX-License-Identifier: MIT
/*
 * Released schemas stay as released (README, "Machine types and compat
 * rules"): for each machine type with a file in migrate/schemas/,
 * regenerate the schema (what --dump-vmstate writes) and compare
 * description by description.  Every description of the released file
 * must come out identical (same fields, types, sizes, versions,
 * subsections and their policies).  A description minivmm learnt since
 * is allowed on every type only as a NEW top-level one: a section (a new
 * device: a VM without it sends no such section), or a struct or
 * subsection used only by new descriptions; anything else fails.  A
 * difference fails with the description and both JSON texts.
 * Then the static checker (minivmm-compat's schema_read_json() +
 * schema_check()): released -> current is safe; current -> released is
 * safe, or conditional naming exactly the new sections ("safe unless
 * the VM has a ... device"); a stream whose header lists a new section
 * is refused by the released schema naming it; and a released schema
 * with one field narrowed must be refused naming the section and field.
 * argv[1]: the migrate/schemas directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "migrate/migrate.h"
#include "migrate/monitor.h"
#include "tests/ksft.h"

static json_t *find_desc(json_t *descs, const char *name)
{
	size_t i;
	json_t *d;

	json_array_foreach(descs, i, d)
		if (!strcmp(json_string_value(json_object_get(d, "name")) ?: "", name))
			return d;
	return NULL;
}

/* The released description that refers to name (a struct field or a
 * subsection), or NULL. */
static const char *released_user(json_t *descs, const char *name)
{
	size_t i, j;
	json_t *d, *f;

	json_array_foreach(descs, i, d) {
		json_array_foreach(json_object_get(d, "fields"), j, f)
			if (!strcmp(json_string_value(json_object_get(f, "struct")) ?: "",
				    name))
				return json_string_value(json_object_get(d, "name"));
		json_array_foreach(json_object_get(d, "subsections"), j, f)
			if (!strcmp(json_string_value(json_object_get(f, "name")) ?: "",
				    name))
				return json_string_value(json_object_get(d, "name"));
	}
	return NULL;
}

static void check_type(const char *dir, const struct machine_type *mt)
{
	char path[512], *buf = NULL, *err = NULL;
	size_t len = 0;
	json_error_t jerr;
	struct schema s;
	json_t *released, *now;
	FILE *f;
	bool ok = true;

	snprintf(path, sizeof(path), "%s/%s.json", dir, mt->name);
	released = json_load_file(path, 0, &jerr);
	if (!released) {
		ksft_test_result_fail("%s: %s: %s\n", mt->name, path, jerr.text);
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f || schema_for_machine(&s, mt, &err) ||
	    schema_write_json(f, &s, &err)) {
		ksft_test_result_fail("%s: generate: %s\n", mt->name, err ? err : "?");
		free(err);
		json_decref(released);
		if (f)
			fclose(f);
		free(buf);
		return;
	}
	schema_free(&s);
	fclose(f);
	now = json_loads(buf, 0, &jerr);
	free(buf);

	json_t *rd = json_object_get(released, "descriptions");
	json_t *nd = json_object_get(now, "descriptions"), *d;
	size_t i;

	if (!json_equal(json_object_get(released, "machine"),
			json_object_get(now, "machine")))
		ok = false;
	json_array_foreach(rd, i, d) {
		const char *name = json_string_value(json_object_get(d, "name"));
		json_t *n = find_desc(nd, name ?: "");

		if (!n || !json_equal(d, n)) {
			char *a = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
			char *b = n ? json_dumps(n, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

			ksft_print_msg("%s: description %s changed\n# released: %s\n"
				       "# now:      %s\n", mt->name, name,
				       a ?: "?", b ?: "(gone)");
			free(a);
			free(b);
			ok = false;
		}
	}
	json_array_foreach(nd, i, d) {
		const char *name = json_string_value(json_object_get(d, "name"));
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *user = NULL;

		if (find_desc(rd, name ?: ""))
			continue;
		if (kind && strcmp(kind, "section"))
			user = released_user(rd, name ?: "");
		if (user) {
			ksft_print_msg("%s: new %s %s is used by the released "
				       "description %s\n", mt->name, kind, name,
				       user);
			ok = false;
		} else {
			ksft_print_msg("%s: new %s %s (allowed: not in the "
				       "released schema, used by no released "
				       "description)\n", mt->name, kind ?: "?",
				       name);
		}
	}
	ksft_test_result(ok, "%s: the released schema is unchanged\n", mt->name);
	json_decref(released);
	json_decref(now);
}

static void check_compat(const char *dir, const struct machine_type *mt)
{
	char path[512], *err = NULL, *why1 = NULL, *why2 = NULL, *why3 = NULL;
	struct schema rel, now;
	enum schema_verdict a, b, c = SCHEMA_SAFE;

	snprintf(path, sizeof(path), "%s/%s.json", dir, mt->name);
	if (schema_read_json(path, &rel, &err) || schema_for_machine(&now, mt, &err)) {
		ksft_test_result_fail("%s: read: %s\n", mt->name, err ? err : "?");
		free(err);
		return;
	}
	a = schema_check(&rel, &now, true, &why1);
	b = schema_check(&now, &rel, true, &why2);
	/* current -> released: conditional exactly on the new sections. */
	unsigned int nnew = 0, named = 0;
	bool stream_refused = true;
	for (uint32_t i = 0; i < now.ndescs; i++) {
		const struct sch_desc *d = &now.descs[i];
		char pat[VMS_NAME_MAX + 16], *why = NULL;

		if (d->kind != SCH_SECTION || schema_find(&rel, d->name))
			continue;
		nnew++;
		snprintf(pat, sizeof(pat), "'%s'", d->name);
		if (why2 && strstr(why2, pat) && strstr(why2, "safe unless"))
			named++;
		/* A stream from a VM with that device: refused at the header. */
		struct sch_section sec = { .id = 1, .instance = 0,
					   .version = d->version };
		snprintf(sec.desc, sizeof(sec.desc), "%s", d->name);
		struct schema one = now;
		one.nsections = 1;
		one.sections = &sec;
		if (schema_check(&one, &rel, false, &why) != SCHEMA_UNSAFE ||
		    !why || !strstr(why, pat) || !strstr(why, "unknown"))
			stream_refused = false;
		ksft_print_msg("%s: a stream with section %s: %s\n", mt->name,
			       d->name, why ? why : "accepted");
		free(why);
	}
	bool rule = a == SCHEMA_SAFE && named == nnew && stream_refused &&
		    b == (nnew ? SCHEMA_CONDITIONAL : SCHEMA_SAFE);
	ksft_print_msg("%s: now -> released: %s\n", mt->name, why2 ? why2 : "safe");
	const struct sch_desc *cpu = schema_find(&rel, "cpu");
	if (cpu && cpu->nfields > 1) {
		((struct sch_desc *)cpu)->fields[1].esize = 4;
		((struct sch_desc *)cpu)->fields[1].type = VMS_U32;
		c = schema_check(&rel, &now, true, &why3);
	}
	ksft_test_result(rule && c == SCHEMA_UNSAFE && why3 &&
			 strstr(why3, "'cpu'") && strstr(why3, cpu->fields[1].name),
			 "%s: compat released->now %d, now->released %d (%u new "
			 "sections, %u named, streams with them refused: %s), "
			 "narrowed field: %s\n", mt->name, a, b, nnew, named,
			 stream_refused ? "yes" : "no", why3 ? why3 : "not refused");
	free(why1);
	free(why2);
	free(why3);
	schema_free(&rel);
	schema_free(&now);
}

int main(int argc, char **argv)
{
	const struct machine_type *mt;

	ksft_print_header();
	ksft_set_plan(2 * (unsigned int)machine_count());
	if (argc < 2)
		ksft_exit_fail_msg("usage: %s SCHEMA_DIR\n", argv[0]);
	for (size_t i = 0; (mt = machine_at(i)); i++)
		check_type(argv[1], mt);
	for (size_t i = 0; (mt = machine_at(i)); i++)
		check_compat(argv[1], mt);
	ksft_finished();
}
