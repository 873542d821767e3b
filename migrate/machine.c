// SPDX-License-Identifier: MIT
/*
 * The machine-type table (see machine.h).
 *
 * Rules for adding a version (QEMU hw/s390x/s390-virtio-ccw.c does the same
 * with its s390-ccw-virtio-X.Y types):
 *  - append a row with version = last + 1; never edit or reorder old rows;
 *  - the alias MACHINE_ALIAS and machine_default() move to the new row by
 *    themselves (they take the highest version);
 *  - whatever makes the new version differ (device properties, migration
 *    subsections) is expressed as compat rows attached to the *older*
 *    versions, so an old type keeps the old behaviour.
 */
#include <string.h>

#include "migrate/machine.h"

static const struct machine_type machine_types[] = {
	{
		.name = "s390-ccw-mini-1",
		.desc = "minivmm s390x channel-I/O machine, version 1",
		.version = 1,
	},
};

#define N_MACHINE_TYPES (sizeof(machine_types) / sizeof(machine_types[0]))

const struct machine_type *machine_default(void)
{
	const struct machine_type *best = &machine_types[0];

	for (size_t i = 1; i < N_MACHINE_TYPES; i++)
		if (machine_types[i].version > best->version)
			best = &machine_types[i];
	return best;
}

const struct machine_type *machine_find(const char *name)
{
	if (!name)
		return NULL;
	if (!strcmp(name, MACHINE_ALIAS))
		return machine_default();
	for (size_t i = 0; i < N_MACHINE_TYPES; i++)
		if (!strcmp(name, machine_types[i].name))
			return &machine_types[i];
	return NULL;
}

const struct machine_type *machine_at(size_t i)
{
	return i < N_MACHINE_TYPES ? &machine_types[i] : NULL;
}

/*
 * QEMU prints "%-20s %s" per machine, the alias first as
 * "<alias> <desc> (alias of <name>)" and the default one with " (default)".
 */
void machine_list(FILE *f)
{
	const struct machine_type *def = machine_default();

	fprintf(f, "Supported machines are:\n");
	fprintf(f, "%-20s %s (alias of %s)\n", MACHINE_ALIAS, def->desc,
		def->name);
	/* Newest first, like QEMU. */
	for (size_t i = N_MACHINE_TYPES; i-- > 0;) {
		const struct machine_type *m = &machine_types[i];

		fprintf(f, "%-20s %s%s\n", m->name, m->desc,
			m == def ? " (default)" : "");
	}
}
