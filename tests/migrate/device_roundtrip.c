// SPDX-License-Identifier: MIT
/*
 * Device sections: a VM with every device kind, driven into non-reset
 * state (virtio drivers with queues and indicators, a status-pending
 * subchannel, channel reports, the floppy mid-command, DMA registers, an
 * enabled bridge line), saved and loaded into an identically configured
 * VM: every section's state comes out the same, the guest-visible effect
 * of the restored indicators is there.  Destinations with other devices
 * are refused with a message naming the difference.
 */
#include "dev-harness.h"

static unsigned int count(const struct mig_sections *ss, const char *name)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ss->n; i++)
		n += !strcmp(ss->s[i].desc->name, name);
	return n;
}

static bool same(struct vm *a, struct vm *b)
{
	struct mig_sections sa, sb;
	struct vms_buf *ia = mig_images(a, &sa), *ib = mig_images(b, &sb);
	bool ok = sa.n == sb.n;

	for (unsigned int i = 0; ok && i < sa.n; i++) {
		const char *n = sa.s[i].desc->name;

		if (!strcmp(n, "tod") || !strcmp(n, "cpu"))
			continue;	/* clocks run; stream_roundtrip has them */
		if (ia[i].len != ib[i].len || memcmp(ia[i].data, ib[i].data, ia[i].len)) {
			ksft_print_msg("section %s instance %u differs\n", n,
				       sa.s[i].instance);
			ok = false;
		}
	}
	mig_images_free(ia, &sa);
	mig_images_free(ib, &sb);
	return ok;
}

static int save(struct vm *vm, struct vms_buf *s)
{
	char *err = NULL;
	int rc = migrate_save(vm, -1, s, NULL, &err);

	if (rc)
		ksft_print_msg("save: %s\n", err);
	free(err);
	return rc;
}

/* Load s into dst; the error message in *msg (caller frees). */
static int load(struct vm *dst, const struct vms_buf *s, char **msg)
{
	struct mig_src in = { .fd = -1, .data = s->data, .len = s->len };

	return migrate_load(dst, &in, msg);
}

static void roundtrip(const char *machine, bool conf_kept)
{
	struct dvm a, b;
	struct vms_buf s = { 0 };
	char *err = NULL;

	dvm_create(&a, machine, 1 << 20, true, false);
	dvm_create(&b, machine, 1 << 20, true, false);
	dvm_drive(&a);
	int rc = save(a.vm, &s);
	if (!rc)
		rc = load(b.vm, &s, &err);
	ksft_test_result(rc == 0, "%s: loads into the same configuration%s%s\n",
			 machine, err ? ": " : "", err ? err : "");
	ksft_test_result(rc == 0 && same(a.vm, b.vm),
			 "%s: every device section round-trips\n", machine);
	/* Guest-visible: a configuration change sets the indicator only where
	 * it was migrated (virtio-ccw/conf-ind, compat row on -2 and -1). */
	struct virtio_ccw_dev *vd = css_find_dev(b.vm->css, SCH(0), &virtio_ccw_css_ops);
	b.vm->ram[CONF_IND + 7] = 0;
	vccw_interrupt(vd, ~0u);
	bool set = b.vm->ram[CONF_IND + 7] & 1;
	ksft_test_result(rc == 0 && set == conf_kept,
			 "%s: configuration indicator %s after the load\n", machine,
			 conf_kept ? "restored" : "not carried (compat row)");
	uint8_t irb[IRB_SIZE];
	ksft_test_result(rc == 0 && css_tsch(b.vm->css, SCH(1), irb) == 0 &&
			 (be32_ld(irb) & SCSW_STCTL_ALERT),
			 "%s: the alert status of subchannel 1 is pending on the "
			 "destination\n", machine);
	free(err);
	vms_buf_free(&s);
	dvm_destroy(&a);
	dvm_destroy(&b);
}

static void refused(const char *what, uint64_t blk, bool floppy, bool swap,
		    const char *expect)
{
	const char *m = machine_default()->name;
	struct dvm a, b;
	struct vms_buf s = { 0 };
	char *err = NULL;

	dvm_create(&a, m, 1 << 20, true, false);
	dvm_create(&b, m, blk, floppy, swap);
	dvm_drive(&a);
	int rc = save(a.vm, &s);
	if (!rc)
		rc = load(b.vm, &s, &err);
	ksft_test_result(rc != 0 && err && strstr(err, expect),
			 "%s: refused: %s\n", what, err ? err : "(loaded)");
	free(err);
	vms_buf_free(&s);
	dvm_destroy(&a);
	dvm_destroy(&b);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(1 + 4 * 3 + 4);

	struct dvm d;
	struct mig_sections ss;
	char *err = NULL;
	dvm_create(&d, machine_default()->name, 1 << 20, true, false);
	if (migrate_collect(d.vm, &ss, &err))
		ksft_exit_fail_msg("collect: %s\n", err);
	ksft_test_result(count(&ss, "css") == 1 && count(&ss, "subchannel") == 3 &&
			 count(&ss, "virtio-ccw") == 3 && count(&ss, "virtio-blk") == 1 &&
			 count(&ss, "isa-dma") == 1 && count(&ss, "fdc") == 1 &&
			 count(&ss, "pio-bridge") == 1,
			 "sections: css, 3 subchannels, 3 virtio-ccw, virtio-blk, "
			 "isa-dma, fdc, pio-bridge\n");
	mig_sections_free(&ss);
	dvm_destroy(&d);

	roundtrip("s390-ccw-mini-1", false);
	roundtrip("s390-ccw-mini-2", false);
	roundtrip("s390-ccw-mini-3", true);

	refused("destination without the floppy", 1 << 20, false, false,
		"section 'isa-dma' (version 1): unknown to the destination");
	refused("destination without virtio-blk", 0, true, false,
		"section 'virtio-blk' (version 1): unknown to the destination");
	refused("a 2 MiB disk instead of 1 MiB", 2 << 20, true, false,
		"4096");
	refused("devices in another order", 1 << 20, true, true,
		"'virtio-blk' instance 1 (version 1): no such device");
	return ksft_finished();
}
