/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the live-migration tests that drive two (or more) minivmm
 * processes over loopback through QMP (faults.c, converge.c, inflight.c,
 * machines.c): processes with their output in a file (and optionally
 * their console input from a pipe), destinations listening on a port the
 * kernel picks, query-migrate polls, and the checks every test makes on
 * a source after a failure ("the guest runs on").  Every wait is a
 * bounded poll on a condition (LT_WAIT_STEPS x 10 ms).
 */
#ifndef MINIVMM_TESTS_LIVELIB_H
#define MINIVMM_TESTS_LIVELIB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "tests/lib/qmp-client.h"

#define LT_WAIT_STEPS	12000	/* x 10 ms: 120 s */

/* mkdtemp /tmp/minivmm-NAME-XXXXXX into lt_dir; paths under it. */
extern char lt_dir[64];
void lt_init(const char *name);
void lt_path(char *buf, size_t len, const char *file);
/* Remove the files made with lt_path() and the directory. */
void lt_cleanup(void);

/* Start $MINIVMM with QMP (and, when in is not NULL, stdin from a pipe
 * whose write end goes to *in), stdout + stderr to out. 0 or -errno. */
int lt_spawn(struct vmm_proc *p, const char *const *args, const char *out,
	     int *in);

/* Occurrences of text in the file; wait until there are n (bounded). */
unsigned int lt_count(const char *path, const char *text);
bool lt_wait_count(const char *path, const char *text, unsigned int n);
/* Print the file's lines as TAP comments, except those starting with skip
 * (NULL: all), at most 40. */
void lt_show(const char *what, const char *path, const char *skip);

/* JSON helpers: o[k] as a string ("" if absent) and as an integer (-1). */
const char *lt_str(const json_t *o, const char *k);
json_int_t lt_int(const json_t *o, const char *k);
json_int_t lt_ram(const json_t *q, const char *k);	/* q["ram"][k] */

/* query-migrate's "return" (new reference) or NULL. */
json_t *lt_query(struct qmp_client *c);
bool lt_terminal(const char *status);
/* Poll query-migrate until completed/failed/cancelled (new reference). */
json_t *lt_wait_final(struct qmp_client *c);
/* The MIGRATION statuses queued or arriving up to a final one, "a,b,c";
 * the error-desc of a failed one into desc (may be NULL). */
void lt_statuses(struct qmp_client *c, char *buf, size_t len, char *desc,
		 size_t dlen);
/* Drop every queued event called name; how many there were. */
void lt_drop_events(struct qmp_client *c, const char *name);
unsigned int lt_count_events(struct qmp_client *c, const char *name);
bool lt_running(struct qmp_client *c);
bool lt_exited_with(int ws, int code);

/* QMP migrate uri; false (and the reason printed) on an error reply. */
bool lt_migrate(struct qmp_client *c, const char *uri);
/* migrate-set-parameters; a negative value leaves that one alone. */
bool lt_set_params(struct qmp_client *c, json_int_t max_bandwidth,
		   json_int_t downtime_limit);

/* A destination: minivmm with -incoming tcp:127.0.0.1:0 in args (or
 * defer: then migrate-incoming tcp:127.0.0.1:0 here), uri = where the
 * source must connect.  in: as lt_spawn. */
struct lt_dest {
	struct vmm_proc p;
	struct qmp_client *c;
	int port;
	char uri[64];
};
bool lt_dest_start(struct lt_dest *d, const char *const *args,
		   const char *out, int *in);
/* Wait for the destination's exit (killing it after the bound), free the
 * client; the wait status. */
int lt_dest_end(struct lt_dest *d);

/*
 * The source's guest runs on: it is running and the file shows `rounds`
 * more lines containing round_text than now, and none containing bad.
 */
bool lt_runs_on(struct qmp_client *c, const char *out,
		const char *round_text, const char *bad, unsigned int rounds);

#endif
