/* SPDX-License-Identifier: MIT */
/*
 * Migration: the sections of a VM, the schema, and the stream.
 *
 *   migrate_collect()  which state sections this VM has (CPUs, TOD, FLIC,
 *                      SCLP, channel subsystem, devices), each a vms_desc +
 *                      instance + device, with the subsection policies of
 *                      the VM's machine type;
 *   schema_*           the schema of a set of descriptions (what the
 *                      stream header carries, --dump-vmstate prints and
 *                      minivmm-compat compares);
 *   migrate_save()     write a whole stream (migrate/stream.c documents the
 *                      format); the VM must be paused;
 *   migrate_load()     read, validate everything, then commit.
 */
#ifndef MINIVMM_MIGRATE_H
#define MINIVMM_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "migrate/machine.h"
#include "migrate/vmstate.h"

struct vm;

/* ---- Sections of a VM --------------------------------------------- */

struct mig_section {
	const struct vms_desc *desc;
	uint32_t instance;
	void *dev;
	struct vms_policies pol;
};

struct mig_sections {
	struct mig_section *s;
	unsigned int n, cap;
	const struct machine_type *mt;
};

/* Append one; the policies come from mt's compat rows for desc->name. */
int mig_sections_add(struct mig_sections *ss, const struct vms_desc *d,
		     uint32_t instance, void *dev);
void mig_sections_free(struct mig_sections *ss);
/* The policy of subsection s of d on machine type mt. */
enum vms_policy mig_policy(const struct machine_type *mt,
			   const struct vms_desc *d, unsigned int s);
/* Every section of this VM, in save (and commit) order. */
int migrate_collect(struct vm *vm, struct mig_sections *out, char **err);

/* Every top-level description minivmm knows, for the schema dump and the
 * table tests (migrate/registry.c). */
extern const struct vms_desc *const mig_all_descs[];
extern const unsigned int mig_n_all_descs;

/* Descriptions defined next to their state (the files named). */
extern const struct vms_desc cpu_vmsd, tod_vmsd, flic_vmsd;	/* cpu-state.c */
extern const struct vms_desc sclp_vmsd;				/* arch/s390x/sclp.c */
extern const struct vms_desc css_vmsd, subchannel_vmsd;	/* devices/css-state.c */

/* ---- Schema ------------------------------------------------------- */

enum sch_kind { SCH_SECTION = 1, SCH_STRUCT = 2, SCH_SUBSECTION = 3 };

struct sch_field {
	char name[VMS_NAME_MAX + 1];
	uint8_t type;			/* enum vms_type */
	uint32_t esize, count, version;
	char sub[VMS_NAME_MAX + 1];	/* struct: element description */
	char len_field[VMS_NAME_MAX + 1];
};

struct sch_sub {
	char name[VMS_NAME_MAX + 1];
	uint8_t policy;			/* enum vms_policy */
	char needed[160];		/* needed_doc (not on the wire) */
};

struct sch_desc {
	char name[VMS_NAME_MAX + 1];
	uint8_t kind;
	uint32_t version, min_version;
	uint32_t nfields;
	struct sch_field *fields;
	uint32_t nsubs;
	struct sch_sub subs[VMS_MAX_SUBS];
};

struct sch_section {
	uint32_t id;
	char desc[VMS_NAME_MAX + 1];
	uint32_t instance, version;
};

struct schema {
	char machine[VMS_NAME_MAX + 1];
	uint64_t ram_size;
	uint32_t ncpus;
	uint32_t ndescs;
	struct sch_desc *descs;
	uint32_t nsections;
	struct sch_section *sections;
};

#define SCHEMA_MAX_DESCS	256
#define SCHEMA_MAX_FIELDS	256
#define SCHEMA_MAX_SECTIONS	1024

void schema_free(struct schema *s);
/* Add d (and the descriptions it refers to) with mt's policies. */
int schema_add_desc(struct schema *s, const struct vms_desc *d,
		    const struct machine_type *mt, char **err);
/* The schema of a VM's sections (descriptions + section list). */
int schema_from_sections(struct schema *s, const struct mig_sections *ss,
			 char **err);
/* The schema of every known description on machine type mt. */
int schema_for_machine(struct schema *s, const struct machine_type *mt,
		       char **err);
const struct sch_desc *schema_find(const struct schema *s, const char *name);

/* Wire form (header payload, see stream.c). */
int schema_encode(struct vms_buf *out, const struct schema *s);
int schema_decode(struct vms_in *in, struct schema *s, char **err);

/*
 * Can a stream described by src be loaded by a minivmm described by dst?
 * Returns SCHEMA_SAFE, SCHEMA_CONDITIONAL (safe unless a when-needed
 * subsection dst does not know is sent, or, with all_descs, unless the VM
 * has a device whose section dst does not know; why in *why) or SCHEMA_UNSAFE
 * (*why names the section, field and both versions).  With all_descs,
 * every description of src is checked (the static checker); otherwise
 * only those src's section list uses (the stream header check).
 */
enum schema_verdict { SCHEMA_SAFE = 0, SCHEMA_CONDITIONAL = 1, SCHEMA_UNSAFE = 2 };
enum schema_verdict schema_check(const struct schema *src,
				 const struct schema *dst, bool all_descs,
				 char **why);

/* JSON (migrate/schema-json.c; needs jansson). */
int schema_write_json(FILE *f, const struct schema *s, char **err);
int schema_read_json(const char *path, struct schema *s, char **err);

/* ---- Stream ------------------------------------------------------- */

/* Where a stream goes: an fd, or a memory buffer when fd < 0. */
struct mig_out;
/* Where it comes from: an fd, memory, or a read callback. */
struct mig_src {
	int fd;				/* -1: use data/len (or read) */
	const uint8_t *data;
	size_t len;
	/* When set (fd < 0): read up to n bytes, return how many (0: end of
	 * stream) or -errno.  Live migration: a socket with its own waits. */
	long (*read)(void *opaque, void *p, size_t n);
	void *opaque;
};

struct mig_stats {
	uint64_t bytes;			/* stream length */
	uint64_t pages, zero_pages, dup_pages, data_pages;
	uint32_t sections;
};

/* Save the (paused) VM. fd >= 0: write there; else *mem gets the stream
 * (caller frees mem->data).  0 or -errno with *err set. */
int migrate_save(struct vm *vm, int fd, struct vms_buf *mem,
		 struct mig_stats *st, char **err);
/* Load into a VM created with the same configuration, not yet running.
 * Nothing is applied until the whole stream was read and validated
 * (except guest RAM, which a destination that fails never runs). */
int migrate_load(struct vm *vm, const struct mig_src *src, char **err);

/*
 * The loader's points of contact with a live migration (migrate/live.c);
 * any hook may be NULL.
 *   header(opaque, refusal)  the HEADER was checked: refusal is NULL when
 *                            this destination accepts the stream, else the
 *                            reason it does not (the load then fails with
 *                            that reason).  Nonzero: stop with that error.
 *   loaded(opaque, err)      everything was read and validated, nothing
 *                            committed yet: 0 commits, -errno aborts.
 *   commit(opaque, fn, arg)  run fn(arg) (the commit) where it is safe:
 *                            the live destination runs it on the loop
 *                            thread.  Nonzero: it could not run.
 *   live                     a live stream: no end-of-stream check after
 *                            the trailer (the return path goes on).
 */
struct mig_load_hooks {
	int (*header)(void *opaque, const char *refusal);
	int (*loaded)(void *opaque, char **err);
	int (*commit)(void *opaque, void (*fn)(void *arg), void *arg);
	bool live;
	void *opaque;
};
int migrate_load_hooks(struct vm *vm, const struct mig_src *src,
		       const struct mig_load_hooks *h, char **err);

/*
 * The incremental writer: migrate_save() and the live passes share it.
 *   open     collect the sections and the schema (nothing written);
 *   header   preamble + HEADER;
 *   ram      one pass over the frames set in bitmap (NULL: every frame);
 *            dup: DUP references to earlier identical pages (file saves
 *            only: a live pass cannot name a page that may change);
 *   state    SKEYS for every frame, then every DEVICE section (the VM
 *            paused, the devices quiesced);
 *   end      END + trailer;
 *   flush    write what is staged (fd or sink);
 *   hold     while on, output collects in memory and nothing is written
 *            (the stage must be flushed first, else -EBUSY); flush writes
 *            it later, in order;
 *   stable   RAM holds still while ram runs (the VM paused, devices held):
 *            an fd writer sends data pages straight from guest RAM
 *            (writev); otherwise each page is copied once into the record
 *            first, so the bytes hashed are the bytes sent.
 * Each returns 0 or -errno with *err set.
 */
struct mig_sink {
	int (*write)(void *opaque, const void *p, size_t n);	/* all or -errno */
	void *opaque;
};
struct mig_writer;
int mig_writer_open(struct mig_writer **out, struct vm *vm, int fd,
		    struct vms_buf *mem, const struct mig_sink *sink,
		    char **err);
void mig_writer_free(struct mig_writer *w);
void mig_writer_quiesce(struct mig_writer *w, bool hold);
/* Leave the devices held when the writer is freed. */
void mig_writer_quiesce_forget(struct mig_writer *w);
int mig_writer_header(struct mig_writer *w, char **err);
int mig_writer_ram(struct mig_writer *w, const uint64_t *bitmap, bool dup,
		   char **err);
int mig_writer_state(struct mig_writer *w, char **err);
int mig_writer_end(struct mig_writer *w, char **err);
int mig_writer_flush(struct mig_writer *w, char **err);
int mig_writer_hold(struct mig_writer *w, bool on);
void mig_writer_stable(struct mig_writer *w, bool stable);
const struct mig_stats *mig_writer_stats(const struct mig_writer *w);
uint64_t mig_writer_frames(const struct mig_writer *w);

/*
 * Print a stream's records, sections and fields (minivmm-stream).  With
 * a bad stream it prints what it could and returns -EINVAL with *err.
 */
int migrate_dump(const struct mig_src *src, FILE *out, bool verbose,
		 char **err);

#endif
