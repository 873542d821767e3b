/* SPDX-License-Identifier: MIT */
/*
 * Saving and restoring a VM through a URI: QMP `migrate` /
 * `query-migrate` and the `-incoming` option (QEMU's names and replies,
 * docs/devel/migration and qapi/migration.json).  Transports: "file:PATH"
 * (a snapshot, here) and "tcp:HOST:PORT" (live, migrate/live.c); the
 * stream itself is migrate/stream.c's.
 */
#ifndef MINIVMM_MIGRATE_MONITOR_H
#define MINIVMM_MIGRATE_MONITOR_H

#include <stddef.h>

#include "migrate/migrate.h"

struct vm;

/*
 * Save vm to uri ("file:PATH": created or truncated, mode 0600).  A
 * running VM is paused for the save and resumed after it, on success and
 * on failure alike.  0 or -errno with *err naming the URI and the reason.
 */
int migrate_to_uri(struct vm *vm, const char *uri, struct mig_stats *st,
		   char **err);
/* Load uri into vm (created, not yet running: migrate_load()).  Also
 * "fd:N": an inherited descriptor number (the command line's -incoming). */
int migrate_from_uri(struct vm *vm, const char *uri, char **err);
/* The same on an open fd, which is closed (fd:NAME URIs, QMP getfd); uri
 * names it in messages. */
int migrate_to_fd(struct vm *vm, int fd, const char *uri, struct mig_stats *st,
		  char **err);
int migrate_from_fd(struct vm *vm, int fd, const char *uri, char **err);
/* Is uri a transport minivmm knows (for option checks)? */
bool migrate_uri_valid(const char *uri);

#ifdef MINIVMM_HAVE_QMP
/* --dump-vmstate PATH ("-": stdout): the JSON schema of every known
 * description on machine type mt (migrate/schema-json.c). */
int migrate_dump_vmstate(const char *path, const struct machine_type *mt,
			 char **err);

#include "vmm/qmp.h"

/* What query-migrate reports: the last outgoing (or incoming) migration. */
struct mig_monitor;
int mig_monitor_create(struct mig_monitor **out, struct vm *vm, char **err);
void mig_monitor_destroy(struct mig_monitor *m);
/* The destination of -incoming reports that migration as completed. */
void mig_monitor_incoming_done(struct mig_monitor *m);
/* -incoming defer: migrate-incoming loads into the paused VM, then
 * resumes it when autostart (no -S). */
void mig_monitor_defer(struct mig_monitor *m, bool autostart);
/* -incoming tcp:HOST:PORT (setup, the VM paused): listen now, receive on
 * the migration thread, resume after GO when autostart. */
int mig_monitor_incoming_tcp(struct mig_monitor *m, const char *uri,
			     bool autostart, char **err);
/* Where the MIGRATION and MIGRATION_PASS events go. */
void mig_monitor_attach(struct mig_monitor *m, struct qmp_server *srv);
/* migrate, query-migrate, migrate-incoming, migrate_cancel,
 * migrate-set-parameters, query-migrate-parameters; opaque = the
 * mig_monitor. */
extern const struct qmp_command migrate_qmp_commands[];
extern const size_t migrate_qmp_ncommands;
#endif

#endif
