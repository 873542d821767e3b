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

/*
 * Compat rows.  Each is a migration decision; README "Machine types and
 * compat rules" explains them, tests/migrate/machine_matrix.c tests each
 * one across every source x destination type.
 *
 * -2 -> -1: the floppy controller's phase (fdc/phase subsection).  Since
 * -2 it is always sent, so every migration behaves the same whatever the
 * guest is doing; on -1 it is sent only when the phase differs from what
 * reconstruct_phase() derives from the registers, which keeps migration
 * to a minivmm without the subsection working while the floppy is idle.
 */
#define COMPAT(rows)	.compat = (rows), .ncompat = sizeof(rows) / sizeof((rows)[0])
static const struct compat_prop compat_1[] = {
	{ "fdc", "migrate-phase", "when-needed" },
};
/*
 * -3 -> -2: the virtio-ccw configuration-change indicator address
 * (SET_CONF_IND, virtio spec 4.3.2.6.2), our config_vector of the 2015
 * thread.  -3 sends it in the subsection virtio-ccw/conf-ind whenever the
 * driver set one (it is 0, "none", until then).  -2 and older never send
 * it and tolerate its absence: the destination has no configuration
 * indicator, so a later configuration change is signalled without it.
 */
static const struct compat_prop compat_2[] = {
	{ "virtio-ccw", "migrate-conf-ind", "never" },
};

static const struct machine_type machine_types[] = {
	{
		.name = "s390-ccw-mini-1",
		.desc = "minivmm s390x channel-I/O machine, version 1",
		.version = 1,
		COMPAT(compat_1),
	},
	{
		.name = "s390-ccw-mini-2",
		.desc = "minivmm s390x channel-I/O machine, version 2",
		.version = 2,
		COMPAT(compat_2),
	},
	{
		.name = "s390-ccw-mini-3",
		.desc = "minivmm s390x channel-I/O machine, version 3",
		.version = 3,
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

size_t machine_count(void)
{
	return N_MACHINE_TYPES;
}

const char *machine_prop(const struct machine_type *mt, const char *device,
			 const char *property)
{
	for (size_t i = 0; mt && i < N_MACHINE_TYPES; i++) {
		const struct machine_type *m = &machine_types[i];

		if (m->version < mt->version)
			continue;
		for (unsigned int r = 0; r < m->ncompat; r++)
			if (!strcmp(m->compat[r].device, device) &&
			    !strcmp(m->compat[r].property, property))
				return m->compat[r].value;
	}
	return NULL;
}
