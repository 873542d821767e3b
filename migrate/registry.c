// SPDX-License-Identifier: MIT
/*
 * Which state sections a VM has, and every description minivmm knows.
 *
 * The order of migrate_collect() is the order of the stream and of the
 * commit on the destination: the TOD clock first (the CPU timers are
 * relative to it); the port-I/O devices (ISA DMA, fdc, then the DIAG
 * bridge: the fdc restores its IRQ line while the bridge still has no
 * line enabled, so no interruption is made) before the floating
 * interruptions, which replace whatever is pending; then the CPUs, the
 * SCLP, the channel subsystem, its subchannels and the devices behind
 * them (virtio-ccw transport, then the virtio device).
 *
 * Adding a device: define its vms_desc next to its state struct, list it
 * in mig_all_descs[] (the schema dump, the table tests and the released
 * schemas see it from then on) and add its instances in
 * migrate_collect().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/css.h"
#include "devices/fdc-setup.h"
#include "devices/isa-dma.h"
#include "devices/pio-bridge.h"
#include "devices/virtio-ccw.h"
#include "devices/virtio-devices.h"
#include "devices/virtio-net.h"
#include "migrate/migrate.h"
#include "vmm/error.h"
#include "vmm/vm.h"

const struct vms_desc *const mig_all_descs[] = {
	&tod_vmsd,
	&flic_vmsd,
	&cpu_vmsd,
	&sclp_vmsd,
	&isa_dma_vmsd,
	&fdc_vmsd,
	&pio_bridge_vmsd,
	&css_vmsd,
	&subchannel_vmsd,
	&virtio_ccw_vmsd,
	&virtio_blk_vmsd,
	&virtio_net_vmsd,
};
const unsigned int mig_n_all_descs = VMS_ARRAY_SIZE(mig_all_descs);

enum vms_policy mig_policy(const struct machine_type *mt,
			   const struct vms_desc *d, unsigned int s)
{
	const struct vms_subsection *sub = &d->subs[s];
	const char *v = machine_prop(mt, d->name, sub->policy_prop);

	if (!v)
		return sub->policy_default;
	if (!strcmp(v, "never"))
		return VMS_NEVER;
	if (!strcmp(v, "when-needed"))
		return VMS_WHEN_NEEDED;
	return VMS_ALWAYS;
}

int mig_sections_add(struct mig_sections *ss, const struct vms_desc *d,
		     uint32_t instance, void *dev)
{
	if (ss->n == ss->cap) {
		unsigned int cap = ss->cap ? 2 * ss->cap : 16;
		struct mig_section *s = realloc(ss->s, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ss->s = s;
		ss->cap = cap;
	}
	struct mig_section *s = &ss->s[ss->n++];
	memset(s, 0, sizeof(*s));
	s->desc = d;
	s->instance = instance;
	s->dev = dev;
	for (unsigned int i = 0; i < d->nsubs && i < VMS_MAX_SUBS; i++)
		s->pol.p[i] = mig_policy(ss->mt, d, i);
	return 0;
}

void mig_sections_free(struct mig_sections *ss)
{
	free(ss->s);
	memset(ss, 0, sizeof(*ss));
}

int migrate_collect(struct vm *vm, struct mig_sections *out, char **err)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->mt = machine_find(vm->machine);
	if (!out->mt) {
		error_setf(err, "unknown machine type %s", vm->machine);
		return -EINVAL;
	}
	rc |= mig_sections_add(out, &tod_vmsd, 0, vm);
	if (vm->floppy) {
		rc |= mig_sections_add(out, &isa_dma_vmsd, 0, vm->floppy->dma);
		rc |= mig_sections_add(out, &fdc_vmsd, 0, vm->floppy->fdc);
	}
	if (vm->pio_bridge)
		rc |= mig_sections_add(out, &pio_bridge_vmsd, 0, vm->pio_bridge);
	rc |= mig_sections_add(out, &flic_vmsd, 0, vm);
	for (unsigned int i = 0; i < vm->ncpus; i++)
		rc |= mig_sections_add(out, &cpu_vmsd, vm->vcpus[i]->id,
				       vm->vcpus[i]);
	if (vm->sclp)
		rc |= mig_sections_add(out, &sclp_vmsd, 0, vm->sclp);
	if (vm->css)
		rc |= css_mig_collect(vm->css, out);
	if (rc) {
		mig_sections_free(out);
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	return 0;
}
