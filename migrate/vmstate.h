/* SPDX-License-Identifier: MIT */
/*
 * Declarative device-state descriptions ("vmstate").
 *
 * Each device describes its migratable state once, in a const table next
 * to its state struct:
 *
 *   static const struct vms_field foo_fields[] = {
 *           VMS_SCALAR(struct foo_state, ctrl, VMS_U8, 1),
 *           VMS_ARRAY(struct foo_state, regs, VMS_U32, 1),
 *           VMS_SCALAR(struct foo_state, added_later, VMS_U16, 2),
 *   };
 *   const struct vms_desc foo_vmsd = {
 *           .name = "foo", .version = 2, .min_version = 1,
 *           .size = sizeof(struct foo_state),
 *           VMS_FIELDS(foo_fields), VMS_SUBS(foo_subs),
 *           .pre_save = ..., .post_load = ..., .commit = ...,
 *   };
 *
 * That one table drives everything: saving (vms_save), loading into a
 * shadow struct (vms_load), the schema carried in the stream header, the
 * JSON schema dump (minivmm --dump-vmstate) and the compatibility checks
 * (stream header vs. destination, minivmm-compat).  Nothing serializes
 * by hand.
 *
 * Tables have explicit lengths (VMS_FIELDS/VMS_SUBS take ARRAY_SIZE), not
 * terminators, so an entry cannot silently end a list early (QEMU
 * 6f4923f); tests/migrate/vmstate_tables.c checks every table.
 *
 * Wire encoding of one section payload (version v = the source's
 * desc->version):
 *   every field with field.version <= v, in table order, each element
 *   big-endian in its type's size (bool: one byte 0/1; buffer: raw
 *   bytes; struct: its own fields, recursively; a variable-length array
 *   sends only the first N elements, N being the value of its length
 *   field, which precedes it and is bounded by the array size);
 *   then zero or more subsections, each
 *     u8 name length, name bytes, u32 payload length, the subsection's
 *     fields encoded the same way;
 *   until the section payload ends.
 *
 * Lifecycle of a section:
 *   save: pre_save(dev, state) copies the live device into a state
 *         struct (device quiescent), then the fields are encoded;
 *   load: the fields are decoded into a zeroed shadow struct; missing
 *         subsections and fields newer than the stream's version stay
 *         zero and post_load(dev, shadow, version, present) reconstructs
 *         or validates them (no side effects, may fail);
 *   commit(dev, shadow) applies it, only after the whole stream was read
 *         and validated (cannot fail);
 *   quiesce(dev, hold) (optional) stops device threads from touching guest
 *         storage for the duration of a save.
 */
#ifndef MINIVMM_VMSTATE_H
#define MINIVMM_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMS_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define VMS_NAME_MAX		63	/* section, field, subsection names */
#define VMS_MAX_SUBS		8	/* subsections per description */
#define VMS_MAX_DEPTH		4	/* nesting of struct fields */

/* Field types; the numbers are part of the stream format (0 invalid). */
enum vms_type {
	VMS_INVALID = 0,
	VMS_U8 = 1,
	VMS_U16 = 2,
	VMS_U32 = 3,
	VMS_U64 = 4,
	VMS_I32 = 5,
	VMS_I64 = 6,
	VMS_BOOL = 7,		/* one byte, 0 or 1 (anything else is an error) */
	VMS_BUFFER = 8,		/* opaque bytes; count = length */
	VMS_STRUCT = 9,		/* nested description (field.sub) */
	VMS_TYPE_MAX = VMS_STRUCT,
};

/* When a subsection is sent: a per-machine-type device property picks
 * one (see migrate/machine.c); the numbers are in the schema. */
enum vms_policy {
	VMS_NEVER = 0,		/* not part of this machine type's stream */
	VMS_WHEN_NEEDED = 1,	/* only when needed() says so */
	VMS_ALWAYS = 2,		/* on every save */
};

struct vms_desc;

struct vms_field {
	const char *name;
	size_t offset;		/* in the state struct */
	enum vms_type type;
	uint32_t count;		/* array elements (1: scalar); buffer: bytes */
	uint32_t size;		/* sizeof the member (checked against type) */
	uint32_t version;	/* description version that added the field */
	const struct vms_desc *sub;	/* VMS_STRUCT: element description */
	/* Variable length: name of an earlier u8/u16/u32 field of the same
	 * struct holding the element count (<= count). */
	const char *len_field;
};

struct vms_subsection {
	const char *name;	/* "<section>/<what>", unique */
	const struct vms_desc *desc;	/* its fields */
	/*
	 * The device property (a string key looked up in the machine type's
	 * compat rows for this device) that selects the policy, and the
	 * policy when no row overrides it (i.e. on the newest type).
	 */
	const char *policy_prop;
	enum vms_policy policy_default;
	/* WHEN_NEEDED: is the state different from what a destination that
	 * does not get the subsection would reconstruct?  Reads the saved
	 * state (and the device); never a global. */
	bool (*needed)(void *dev, const void *state);
	/* One line for the schema / README: when needed() is true. */
	const char *needed_doc;
};

struct vms_desc {
	const char *name;
	uint32_t version;	/* current (what we send) */
	uint32_t min_version;	/* oldest we can load */
	size_t size;		/* of the state struct */
	const struct vms_field *fields;
	unsigned int nfields;
	const struct vms_subsection *subs;
	unsigned int nsubs;
	/* Live device -> state (device quiescent).  0 or -errno. */
	int (*pre_save)(void *dev, void *state, char **err);
	/* Validate/reconstruct a loaded shadow; present[i] says whether
	 * subsection i was in the stream.  No side effects. 0 or -errno. */
	int (*post_load)(void *dev, void *state, uint32_t version,
			 const bool *present, char **err);
	/* Shadow -> live device; cannot fail. */
	void (*commit)(void *dev, const void *state);
	/*
	 * Optional: hold (true) or release (false) the device's own threads
	 * so that they neither touch guest storage nor change the state while
	 * a save runs (vCPUs are already paused; a device thread with a
	 * request in flight finishes it first).  migrate_save() holds every
	 * section before the first RAM page and releases them at the end.
	 */
	void (*quiesce)(void *dev, bool hold);
};

#define VMS_FIELDS(a)	.fields = (a), .nfields = VMS_ARRAY_SIZE(a)
#define VMS_SUBS(a)	.subs = (a), .nsubs = VMS_ARRAY_SIZE(a)

#define VMS_MEMBER_SIZE(st, f)	((uint32_t)sizeof(((st *)0)->f))
#define VMS_SCALAR(st, f, t, ver) \
	{ .name = #f, .offset = offsetof(st, f), .type = (t), .count = 1, \
	  .size = VMS_MEMBER_SIZE(st, f), .version = (ver) }
#define VMS_ARRAY(st, f, t, ver) \
	{ .name = #f, .offset = offsetof(st, f), .type = (t), \
	  .count = VMS_ARRAY_SIZE(((st *)0)->f), \
	  .size = VMS_MEMBER_SIZE(st, f), .version = (ver) }
#define VMS_VARRAY(st, f, t, lenf, ver) \
	{ .name = #f, .offset = offsetof(st, f), .type = (t), \
	  .count = VMS_ARRAY_SIZE(((st *)0)->f), \
	  .size = VMS_MEMBER_SIZE(st, f), .version = (ver), .len_field = #lenf }
#define VMS_BUF(st, f, ver) \
	{ .name = #f, .offset = offsetof(st, f), .type = VMS_BUFFER, \
	  .count = VMS_MEMBER_SIZE(st, f), .size = VMS_MEMBER_SIZE(st, f), \
	  .version = (ver) }
#define VMS_STRUCTS(st, f, d, ver) \
	{ .name = #f, .offset = offsetof(st, f), .type = VMS_STRUCT, \
	  .count = VMS_ARRAY_SIZE(((st *)0)->f), \
	  .size = VMS_MEMBER_SIZE(st, f), .version = (ver), .sub = &(d) }
#define VMS_VSTRUCTS(st, f, d, lenf, ver) \
	{ .name = #f, .offset = offsetof(st, f), .type = VMS_STRUCT, \
	  .count = VMS_ARRAY_SIZE(((st *)0)->f), \
	  .size = VMS_MEMBER_SIZE(st, f), .version = (ver), .sub = &(d), \
	  .len_field = #lenf }

/* Bytes one element of a scalar type takes on the wire (0: not scalar). */
unsigned int vms_type_size(enum vms_type t);
const char *vms_type_name(enum vms_type t);
const char *vms_policy_name(enum vms_policy p);

/*
 * Check one description (and its nested ones) for the mistakes a table
 * can have: bad types or sizes, overlapping or out-of-bounds members,
 * versions outside [1, version], duplicate names, a subsection without
 * needed() that may be sent when needed, a length field that does not
 * precede its array.  0 or -EINVAL with *err naming the entry.
 */
int vms_check_desc(const struct vms_desc *d, char **err);

/* ---- Encoding ----------------------------------------------------- */

/* A growable output buffer. */
struct vms_buf {
	uint8_t *data;
	size_t len, cap;
	bool oom;		/* an append failed; data is incomplete */
};
void vms_buf_put(struct vms_buf *b, const void *p, size_t n);
void vms_buf_u8(struct vms_buf *b, uint8_t v);
void vms_buf_u16(struct vms_buf *b, uint16_t v);
void vms_buf_u32(struct vms_buf *b, uint32_t v);
void vms_buf_u64(struct vms_buf *b, uint64_t v);
void vms_buf_str(struct vms_buf *b, const char *s);	/* u8 len + bytes */
void vms_buf_free(struct vms_buf *b);

/* A bounded input cursor; `base` is the stream offset of data[0], for
 * error messages. */
struct vms_in {
	const uint8_t *data;
	size_t len, pos;
	uint64_t base;
};
int vms_in_get(struct vms_in *in, void *p, size_t n);	/* 0 or -1 */
int vms_in_u8(struct vms_in *in, uint8_t *v);
int vms_in_u16(struct vms_in *in, uint16_t *v);
int vms_in_u32(struct vms_in *in, uint32_t *v);
int vms_in_u64(struct vms_in *in, uint64_t *v);
/* u8 length + bytes into s[VMS_NAME_MAX + 1]; empty names are invalid. */
int vms_in_str(struct vms_in *in, char *s);

/* Which subsections a save sends: policy per subsection (index as in
 * desc->subs), from the device's properties (migrate/machine.c). */
struct vms_policies {
	enum vms_policy p[VMS_MAX_SUBS];
};

/* Encode `state` (a filled state struct) for desc at desc->version. */
int vms_encode(struct vms_buf *out, const struct vms_desc *d, void *dev,
	       const void *state, const struct vms_policies *pol, char **err);

/* Names for load error messages. */
struct vms_ctx {
	const char *section;	/* "virtio-ccw" */
	uint32_t instance;
	uint32_t src_version;	/* the stream's */
	const char *src_machine, *dst_machine;
};

/*
 * Decode a section payload at version ctx->src_version into the zeroed
 * shadow `state`, then run post_load.  Every error names the section,
 * instance, field, stream offset and both versions.
 */
int vms_decode(struct vms_in *in, const struct vms_desc *d, void *dev,
	       void *state, const struct vms_ctx *ctx, char **err);

#endif
