// SPDX-License-Identifier: MIT
/*
 * Each compat row of migrate/machine.c against every machine type (STYLE:
 * a kept compat rule gets its matrix test).  For every source type and
 * device state: is the subsection in the stream exactly when the row
 * says, does a destination of the same type restore the state, and what
 * does a destination that predates the subsection do (its table without
 * the subsection): load when it was not sent, fail naming the subsection
 * when it was.  The static checker (schema_check) agrees: such a pair is
 * conditional on -1 (when-needed) and unsafe where the row is "always".
 *
 *   fdc/phase (migrate-phase): always on -2/-3; on -1 only when phase !=
 *       fdc_reconstruct_phase(MSR) (today: DOR holding the reset).
 *   virtio-ccw/conf-ind (migrate-conf-ind): when set on -3; never on
 *       -2/-1.
 */
#include "dev-harness.h"
#include "devices/fdc.h"

/* Decode `b` with desc d minus its subsections: an older destination. */
static int old_dest_decode(const struct vms_desc *d, void *dev,
			   const struct vms_buf *b, char **err)
{
	struct vms_desc old = *d;
	struct vms_ctx ctx = { .section = d->name, .src_version = d->version,
			       .src_machine = "src", .dst_machine = "old" };
	struct vms_in in = { .data = b->data, .len = b->len };
	void *shadow = calloc(1, d->size);

	old.subs = NULL;
	old.nsubs = 0;
	int rc = vms_decode(&in, &old, dev, shadow, &ctx, err);
	free(shadow);
	return rc;
}

static enum schema_verdict static_check(const struct machine_type *mt,
					const struct vms_desc *d)
{
	struct schema src = { 0 }, dst = { 0 };
	struct vms_desc old = *d;
	char *err = NULL, *why = NULL;

	old.subs = NULL;
	old.nsubs = 0;
	snprintf(src.machine, sizeof(src.machine), "%s", mt->name);
	snprintf(dst.machine, sizeof(dst.machine), "%s", mt->name);
	if (schema_add_desc(&src, d, mt, &err) || schema_add_desc(&dst, &old, mt, &err))
		ksft_exit_fail_msg("schema: %s\n", err);
	enum schema_verdict v = schema_check(&src, &dst, true, &why);
	free(why);
	schema_free(&src);
	schema_free(&dst);
	return v;
}

static void fdc_row(const struct machine_type *mt, bool reset_held)
{
	struct dvm a, b;
	struct mig_sections ss;
	struct vms_buf s = { 0 };
	char *err = NULL;
	bool expect = mt->version >= 2 || reset_held;
	const char *st = reset_held ? "DOR reset held" : "idle";

	dvm_create(&a, mt->name, 0, true, false);
	dvm_create(&b, mt->name, 0, true, false);
	if (reset_held)
		dvm_outb(a.vm, FDC_DOR, 0x08);
	struct vms_buf *img = mig_images(a.vm, &ss);
	const struct vms_buf *f = dvm_find(img, &ss, "fdc", 0);
	bool has = dvm_has_sub(f, "fdc/phase");
	ksft_test_result(has == expect, "fdc/phase on %s, %s: %s\n", mt->name, st,
			 expect ? "sent" : "not sent");
	int rc = old_dest_decode(&fdc_vmsd, a.vm->floppy->fdc, f, &err);
	ksft_test_result(expect ? rc != 0 && err && strstr(err, "fdc/phase") : rc == 0,
			 "fdc/phase on %s, %s: a destination without it %s%s%s\n",
			 mt->name, st, expect ? "refuses" : "loads",
			 err ? ": " : "", err ? err : "");
	free(err);
	err = NULL;
	rc = migrate_save(a.vm, -1, &s, NULL, &err);
	struct mig_src in = { .fd = -1, .data = s.data, .len = s.len };
	if (!rc)
		rc = migrate_load(b.vm, &in, &err);
	ksft_test_result(rc == 0 && fdc_phase(b.vm->floppy->fdc) ==
			 fdc_phase(a.vm->floppy->fdc) &&
			 fdc_msr(b.vm->floppy->fdc) == fdc_msr(a.vm->floppy->fdc),
			 "fdc/phase on %s, %s: same type restores phase %d%s%s\n",
			 mt->name, st, fdc_phase(a.vm->floppy->fdc),
			 err ? ": " : "", err ? err : "");
	free(err);
	vms_buf_free(&s);
	mig_images_free(img, &ss);
	dvm_destroy(&a);
	dvm_destroy(&b);
}

static void conf_row(const struct machine_type *mt, bool set)
{
	struct dvm a;
	struct mig_sections ss;
	char *err = NULL;
	bool expect = mt->version >= 3 && set;
	const char *st = set ? "indicator set" : "no indicator";

	dvm_create(&a, mt->name, 0, false, false);
	if (!dvm_driver(a.vm, 0, 1, set))
		ksft_exit_fail_msg("driver set-up failed\n");
	struct vms_buf *img = mig_images(a.vm, &ss);
	const struct vms_buf *v = dvm_find(img, &ss, "virtio-ccw", 0);
	ksft_test_result(dvm_has_sub(v, "virtio-ccw/conf-ind") == expect,
			 "virtio-ccw/conf-ind on %s, %s: %s\n", mt->name, st,
			 expect ? "sent" : "not sent");
	void *vd = css_find_dev(a.vm->css, SCH(0), &virtio_ccw_css_ops);
	int rc = old_dest_decode(&virtio_ccw_vmsd, vd, v, &err);
	ksft_test_result(expect ? rc != 0 && err && strstr(err, "virtio-ccw/conf-ind")
				: rc == 0,
			 "virtio-ccw/conf-ind on %s, %s: a destination without it "
			 "%s%s%s\n", mt->name, st, expect ? "refuses" : "loads",
			 err ? ": " : "", err ? err : "");
	free(err);
	mig_images_free(img, &ss);
	dvm_destroy(&a);
}

int main(void)
{
	size_t n = machine_count();

	ksft_print_header();
	ksft_set_plan((unsigned int)(n * (2 * 3 + 2 * 2 + 2)));
	for (size_t i = 0; i < n; i++) {
		const struct machine_type *mt = machine_at(i);

		fdc_row(mt, false);
		fdc_row(mt, true);
		conf_row(mt, false);
		conf_row(mt, true);
		enum schema_verdict v = static_check(mt, &fdc_vmsd);
		enum schema_verdict want = mt->version >= 2 ? SCHEMA_UNSAFE
							    : SCHEMA_CONDITIONAL;
		ksft_test_result(v == want, "checker, fdc on %s to a minivmm without "
				 "fdc/phase: %s\n", mt->name,
				 want == SCHEMA_UNSAFE ? "unsafe" : "conditional");
		v = static_check(mt, &virtio_ccw_vmsd);
		want = mt->version >= 3 ? SCHEMA_CONDITIONAL : SCHEMA_SAFE;
		ksft_test_result(v == want, "checker, virtio-ccw on %s to a minivmm "
				 "without conf-ind: %s\n", mt->name,
				 want == SCHEMA_SAFE ? "safe" : "conditional");
	}
	return ksft_finished();
}
