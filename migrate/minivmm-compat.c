/* SPDX-License-Identifier: MIT */
/*
 * minivmm-compat OLD.json NEW.json: the static checker.  Given two
 * schemas (minivmm --dump-vmstate, e.g. a released one from
 * migrate/schemas/ and the current build's), say for each direction
 * whether a stream of one can be loaded by the other: "safe",
 * "conditional" (safe unless a when-needed subsection the destination
 * does not know is sent, or unless the VM has a device whose section the
 * destination does not know, e.g. virtio-net from a newer minivmm to a
 * released schema that predates it) or "unsafe", naming the section, field and both
 * versions (schema_check(), migrate/schema.c).  Exit status 0 when both
 * directions are safe or conditional, 1 when one is unsafe, 2 for bad
 * input.
 */
#include <stdio.h>
#include <stdlib.h>

#include "migrate/migrate.h"

static const char *const verdicts[] = { "safe", "conditional", "unsafe" };

static enum schema_verdict check(const char *a, const char *b,
				 const struct schema *src,
				 const struct schema *dst)
{
	char *why = NULL;
	enum schema_verdict v = schema_check(src, dst, true, &why);

	printf("%s -> %s: %s%s%s\n", a, b, verdicts[v], why ? ": " : "",
	       why ? why : "");
	free(why);
	return v;
}

int main(int argc, char **argv)
{
	struct schema o, n;
	char *err = NULL;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OLD.json NEW.json\n", argv[0]);
		return 2;
	}
	if (schema_read_json(argv[1], &o, &err)) {
		fprintf(stderr, "minivmm-compat: %s\n", err);
		free(err);
		return 2;
	}
	if (schema_read_json(argv[2], &n, &err)) {
		fprintf(stderr, "minivmm-compat: %s\n", err);
		free(err);
		schema_free(&o);
		return 2;
	}
	enum schema_verdict fwd = check("old", "new", &o, &n);
	enum schema_verdict back = check("new", "old", &n, &o);

	schema_free(&o);
	schema_free(&n);
	return fwd == SCHEMA_UNSAFE || back == SCHEMA_UNSAFE ? 1 : 0;
}
