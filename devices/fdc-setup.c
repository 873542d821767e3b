/* SPDX-License-Identifier: MIT */
/*
 * -drive if=floppy and the floppy's monitor commands (see fdc-setup.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fdc-setup.h"
#include "devices/isa-dma.h"
#include "vmm/error.h"
#include "vmm/vm.h"

struct floppy_opts {
	char file[1024];
	char id[FLOPPY_ID_MAX];
	bool readonly;
	int index;		/* -1: the next free one */
};

/* One "key=value" of a comma-separated list; false at the end. */
static bool next_kv(const char **s, char *key, size_t klen, char *val, size_t vlen)
{
	const char *p = *s, *eq, *end;

	if (!*p)
		return false;
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq) {
		snprintf(key, klen, "%.*s", (int)(end - p), p);
		val[0] = '\0';
		vlen = 0;
	} else {
		snprintf(key, klen, "%.*s", (int)(eq - p), p);
		snprintf(val, vlen, "%.*s", (int)(end - eq - 1), eq + 1);
	}
	*s = *end ? end + 1 : end;
	return true;
}

bool floppy_drive_option(const char *arg)
{
	char key[32], val[1024];

	while (next_kv(&arg, key, sizeof(key), val, sizeof(val)))
		if (!strcmp(key, "if") && !strcmp(val, "floppy"))
			return true;
	return false;
}

static int parse(struct floppy_opts *o, const char *arg, char **err)
{
	char key[32], val[1024];
	const char *s = arg;

	memset(o, 0, sizeof(*o));
	o->index = -1;
	while (next_kv(&s, key, sizeof(key), val, sizeof(val))) {
		if (!strcmp(key, "file")) {
			if (strlen(val) >= sizeof(o->file) || !val[0]) {
				error_setf(err, "-drive %s: bad file name", arg);
				return -EINVAL;
			}
			strcpy(o->file, val);
		} else if (!strcmp(key, "if")) {
			/* floppy_drive_option() said so */
		} else if (!strcmp(key, "format")) {
			if (strcmp(val, "raw")) {
				error_setf(err, "-drive %s: format=%s: floppy "
					   "images are raw", arg, val);
				return -EINVAL;
			}
		} else if (!strcmp(key, "readonly")) {
			if (strcmp(val, "on") && strcmp(val, "off")) {
				error_setf(err, "-drive %s: readonly=%s is not "
					   "on or off", arg, val);
				return -EINVAL;
			}
			o->readonly = !strcmp(val, "on");
		} else if (!strcmp(key, "index")) {
			if (strcmp(val, "0") && strcmp(val, "1")) {
				error_setf(err, "-drive %s: index=%s: a floppy "
					   "controller has drives 0 and 1", arg, val);
				return -EINVAL;
			}
			o->index = val[0] - '0';
		} else if (!strcmp(key, "id")) {
			if (!val[0] || strlen(val) >= sizeof(o->id)) {
				error_setf(err, "-drive %s: bad id", arg);
				return -EINVAL;
			}
			strcpy(o->id, val);
		} else {
			error_setf(err, "-drive %s: '%s' is not a floppy drive "
				   "property (file, if, format, readonly, index, "
				   "id)", arg, key);
			return -EINVAL;
		}
	}
	if (!o->file[0]) {
		error_setf(err, "-drive %s: no file=", arg);
		return -EINVAL;
	}
	return 0;
}

/* Parse every floppy -drive and give each its drive index. */
static int parse_all(struct floppy_opts *fo, const char *const *drives,
		     unsigned int n, unsigned int *count, char **err)
{
	bool used[FDC_DRIVES] = { false };
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct floppy_opts o;
		int rc;

		if (!floppy_drive_option(drives[i]))
			continue;
		rc = parse(&o, drives[i], err);
		if (rc < 0)
			return rc;
		if (o.index < 0)
			for (int d = 0; d < FDC_DRIVES && o.index < 0; d++)
				if (!used[d])
					o.index = d;
		if (o.index < 0 || used[o.index]) {
			error_setf(err, "-drive %s: %s", drives[i],
				   o.index < 0 ? "the floppy controller has two drives"
					       : "that floppy index is taken");
			return -EINVAL;
		}
		used[o.index] = true;
		fo[k++] = o;
	}
	*count = k;
	return 0;
}

int floppy_check_options(const char *const *drives, unsigned int n, char **err)
{
	struct floppy_opts fo[FDC_DRIVES];
	unsigned int count;

	return parse_all(fo, drives, n, &count, err);
}

int floppy_create(struct floppy **out, struct vm *vm, const char *const *drives,
		  unsigned int n, char **err)
{
	struct floppy_opts fo[FDC_DRIVES];
	struct floppy *fl;
	unsigned int count;
	int rc;

	*out = NULL;
	rc = parse_all(fo, drives, n, &count, err);
	if (rc < 0 || count == 0)
		return rc;
	fl = calloc(1, sizeof(*fl));
	if (!fl) {
		error_setf(err, "floppy: out of memory");
		return -ENOMEM;
	}
	fl->vm = vm;
	rc = isa_dma_create(&fl->dma, vm, vm->portio, err);
	if (rc < 0)
		goto fail;
	rc = fdc_create(&fl->fdc, vm->portio, fl->dma, err);
	if (rc < 0)
		goto fail;
	for (unsigned int i = 0; i < count; i++) {
		rc = fdc_insert(fl->fdc, (unsigned int)fo[i].index, fo[i].file,
				fo[i].readonly, err);
		if (rc < 0)
			goto fail;
		strcpy(fl->id[fo[i].index], fo[i].id);
		fl->readonly[fo[i].index] = fo[i].readonly;
	}
	*out = fl;
	return 0;
fail:
	floppy_destroy(fl);
	return rc;
}

void floppy_destroy(struct floppy *fl)
{
	if (!fl)
		return;
	fdc_destroy(fl->fdc);
	isa_dma_destroy(fl->dma);
	free(fl);
}

int floppy_find(const struct floppy *fl, const char *name)
{
	for (int i = 0; i < FDC_DRIVES; i++) {
		char def[16];

		snprintf(def, sizeof(def), "floppy%d", i);
		if (!strcmp(name, def) || (fl->id[i][0] && !strcmp(name, fl->id[i])))
			return i;
	}
	return -1;
}
