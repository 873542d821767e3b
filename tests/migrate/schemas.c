// SPDX-License-Identifier: MIT
/*
 * Released schemas stay as released: for each machine type with a file in
 * migrate/schemas/, regenerate the schema (what --dump-vmstate writes) and
 * compare description by description.  Every description of the released
 * file must come out identical (same fields, types, sizes, versions,
 * subsections and their policies); a description minivmm learnt since is
 * reported, not refused (a new device adds a section the old type never
 * sent).  A difference fails with the description and both JSON texts.
 * Then the static checker (minivmm-compat's schema_read_json() +
 * schema_check()): released <-> current must not be unsafe in either
 * direction, and a released schema with one field narrowed must be
 * refused naming the section and field.
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

		if (!find_desc(rd, name ?: ""))
			ksft_print_msg("%s: new description %s (not in the "
				       "released schema)\n", mt->name, name);
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
	const struct sch_desc *cpu = schema_find(&rel, "cpu");
	if (cpu && cpu->nfields > 1) {
		((struct sch_desc *)cpu)->fields[1].esize = 4;
		((struct sch_desc *)cpu)->fields[1].type = VMS_U32;
		c = schema_check(&rel, &now, true, &why3);
	}
	ksft_test_result(a != SCHEMA_UNSAFE && b != SCHEMA_UNSAFE &&
			 c == SCHEMA_UNSAFE && why3 && strstr(why3, "'cpu'") &&
			 strstr(why3, cpu->fields[1].name),
			 "%s: compat released<->now %d/%d, narrowed field: %s\n",
			 mt->name, a, b, why3 ? why3 : "not refused");
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
