// SPDX-License-Identifier: MIT
/* Helpers of the live-migration tests (see livelib.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/guests/runner.h"
#include "tests/migrate/proc.h"
#include "livelib.h"

char lt_dir[64];
static char *made[32];
static unsigned int nmade;

void lt_init(const char *name)
{
	snprintf(lt_dir, sizeof(lt_dir), "/tmp/minivmm-%s-XXXXXX", name);
	if (!mkdtemp(lt_dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
}

void lt_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/%s", lt_dir, file);
	for (unsigned int i = 0; i < nmade; i++)
		if (!strcmp(made[i], buf))
			return;
	if (nmade < sizeof(made) / sizeof(made[0]))
		made[nmade++] = strdup(buf);
}

void lt_cleanup(void)
{
	for (unsigned int i = 0; i < nmade; i++) {
		unlink(made[i]);
		free(made[i]);
	}
	nmade = 0;
	rmdir(lt_dir);
}

int lt_spawn(struct vmm_proc *p, const char *const *args, const char *out,
	     int *in)
{
	return proc_spawn(p, true, args, out, in);
}

unsigned int lt_count(const char *path, const char *text)
{
	return proc_count(path, text);
}

bool lt_wait_count(const char *path, const char *text, unsigned int n)
{
	return proc_wait_count(path, text, n);
}

void lt_show(const char *what, const char *path, const char *skip)
{
	ksft_print_msg("%s (%s):\n", what, path);
	proc_show(path, skip, 40);
}

const char *lt_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

json_int_t lt_int(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

json_int_t lt_ram(const json_t *q, const char *k)
{
	return lt_int(json_object_get(q, "ram"), k);
}

json_t *lt_query(struct qmp_client *c)
{
	json_t *r = qmp_execute(c, "query-migrate", NULL);
	json_t *ret = json_incref(json_object_get(r, "return"));

	json_decref(r);
	return ret;
}

bool lt_terminal(const char *st)
{
	return !strcmp(st, "completed") || !strcmp(st, "failed") ||
	       !strcmp(st, "cancelled");
}

json_t *lt_wait_final(struct qmp_client *c)
{
	for (int i = 0; i < LT_WAIT_STEPS; i++) {
		json_t *q = lt_query(c);

		if (!q)
			return NULL;
		if (lt_terminal(lt_str(q, "status")))
			return q;
		json_decref(q);
		usleep(10000);
	}
	return NULL;
}

void lt_statuses(struct qmp_client *c, char *buf, size_t len, char *desc,
		 size_t dlen)
{
	json_t *ev;
	bool done = false;

	buf[0] = 0;
	if (desc)
		desc[0] = 0;
	while (!done && (ev = qmp_wait_event(c, "MIGRATION"))) {
		json_t *data = json_object_get(ev, "data");
		const char *st = lt_str(data, "status");

		done = lt_terminal(st);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 buf[0] ? "," : "", st);
		if (desc && !strcmp(st, "failed"))
			snprintf(desc, dlen, "%s", lt_str(data, "error-desc"));
		json_decref(ev);
	}
}

unsigned int lt_count_events(struct qmp_client *c, const char *name)
{
	json_t *ev;
	unsigned int n = 0;

	while ((ev = qmp_take_event(c, name)))
		json_decref(ev), n++;
	return n;
}

void lt_drop_events(struct qmp_client *c, const char *name)
{
	lt_count_events(c, name);
}

bool lt_running(struct qmp_client *c)
{
	json_t *r = qmp_execute(c, "query-status", NULL);
	bool on = json_is_true(json_object_get(json_object_get(r, "return"),
					       "running"));

	json_decref(r);
	return on;
}

bool lt_exited_with(int ws, int code)
{
	return proc_exited_with(ws, code);
}

bool lt_migrate(struct qmp_client *c, const char *uri)
{
	json_t *r = qmp_execute(c, "migrate", json_pack("{s:s}", "uri", uri));
	bool ok = qmp_reply_ok(r);

	if (!ok)
		ksft_print_msg("migrate %s: %s\n", uri, r ? lt_str(
			json_object_get(r, "error"), "desc") : "no reply");
	json_decref(r);
	return ok;
}

bool lt_set_params(struct qmp_client *c, json_int_t bw, json_int_t limit)
{
	json_t *a = json_object();
	json_t *r;
	bool ok;

	if (bw >= 0)
		json_object_set_new(a, "max-bandwidth", json_integer(bw));
	if (limit >= 0)
		json_object_set_new(a, "downtime-limit", json_integer(limit));
	r = qmp_execute(c, "migrate-set-parameters", a);
	ok = qmp_reply_ok(r);
	json_decref(r);
	r = qmp_execute(c, "query-migrate-parameters", NULL);
	json_t *p = json_object_get(r, "return");
	ok = ok && (bw < 0 || lt_int(p, "max-bandwidth") == bw) &&
	     (limit < 0 || lt_int(p, "downtime-limit") == limit);
	json_decref(r);
	return ok;
}

bool lt_dest_start(struct lt_dest *d, const char *const *args,
		   const char *out, int *in)
{
	bool defer = false;

	memset(d, 0, sizeof(*d));
	d->p.pid = -1;
	for (const char *const *a = args; *a; a++)
		defer |= !strcmp(*a, "defer");
	if (lt_spawn(&d->p, args, out, in) < 0) {
		d->p.pid = -1;
		return false;
	}
	d->c = qmp_client_new(d->p.qmp_fd, NULL, NULL, true);
	if (!d->c)
		return false;
	if (defer) {
		json_t *r = qmp_execute(d->c, "migrate-incoming",
					json_pack("{s:s}", "uri",
						  "tcp:127.0.0.1:0"));
		bool ok = qmp_reply_ok(r);

		json_decref(r);
		if (!ok)
			return false;
	}
	json_t *q = lt_query(d->c);
	json_t *sa = json_array_get(json_object_get(q, "socket-address"), 0);

	d->port = atoi(lt_str(sa, "port"));
	json_decref(q);
	snprintf(d->uri, sizeof(d->uri), "tcp:127.0.0.1:%d", d->port);
	return d->port > 0;
}

int lt_dest_end(struct lt_dest *d)
{
	int ws = d->p.pid > 0 ? vmm_wait(&d->p) : -1;

	qmp_client_free(d->c);
	d->c = NULL;
	d->p.pid = -1;
	return ws;
}

bool lt_runs_on(struct qmp_client *c, const char *out,
		const char *round_text, const char *bad, unsigned int rounds)
{
	unsigned int n = lt_count(out, round_text);

	return lt_running(c) && lt_wait_count(out, round_text, n + rounds) &&
	       !lt_count(out, bad);
}
