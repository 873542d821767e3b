/* SPDX-License-Identifier: MIT */
/*
 * Versioned machine types.
 *
 * A machine type fixes the guest-visible ABI (devices, their properties,
 * what goes into the migration stream), so a guest started as
 * s390-ccw-mini-N looks the same on every later minivmm and can migrate
 * between them.  The table in machine.c is append-only: a new version is a
 * new row, old rows never change.  The unversioned alias "s390-ccw-mini"
 * always means the newest version.
 */
#ifndef MINIVMM_MACHINE_H
#define MINIVMM_MACHINE_H

#include <stddef.h>
#include <stdio.h>

#define MACHINE_ALIAS	"s390-ccw-mini"

/*
 * A compat property row (QEMU hw_compat_X_Y[] style): on this machine
 * type, device `device` gets `property` = `value` instead of its default.
 * The migration properties are named "migrate-<what>" and take a
 * vms_policy name ("never", "when-needed", "always", migrate/vmstate.h).
 */
struct compat_prop {
	const char *device;
	const char *property;
	const char *value;
};

struct machine_type {
	const char *name;	/* "s390-ccw-mini-N" */
	const char *desc;	/* one line for -M help */
	unsigned int version;	/* N; strictly increasing down the table */
	/* What makes this type differ from the next newer one. */
	const struct compat_prop *compat;
	unsigned int ncompat;
};

/*
 * The value of a device property on machine type mt: the first row for
 * (device, property) in mt's own compat rows, then in each newer type's
 * (an older type is the newer one plus its rows); NULL when no row sets
 * it, i.e. the device default applies.
 */
const char *machine_prop(const struct machine_type *mt, const char *device,
			 const char *property);
/* Number of rows in the table (oldest first). */
size_t machine_count(void);

/* Look a type up by name, resolving the alias; NULL when unknown. */
const struct machine_type *machine_find(const char *name);
/* The type used without -M: the newest one. */
const struct machine_type *machine_default(void);
/* The i-th row of the table (oldest first), NULL past the end (QMP
 * query-machines iterates with it). */
const struct machine_type *machine_at(size_t i);
/* What `-M help` prints (QEMU layout): newest first, alias and default marked. */
void machine_list(FILE *f);

#endif
