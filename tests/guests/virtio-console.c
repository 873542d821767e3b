/* SPDX-License-Identifier: MIT */
/*
 * virtio-console from the guest (revision 1): text out on transmitq, a
 * line in on receiveq.  The host-side runner feeds "ping from host\n" on
 * the chardev and looks for the output line.
 * Run with: -chardev stdio,id=c0 -device virtio-serial-ccw
 *           -device virtconsole,chardev=c0
 */
#include "lib/guest.h"
#include "lib/tap.h"
#include "lib/virtio.h"

static struct vdev d;
static char out[64] __attribute__((aligned(8)));
static char in[64] __attribute__((aligned(8)));

int main(void)
{
	sclp_init();
	css_init();
	tap_plan(4);

	uint32_t schid = virtio_find(3, 0);
	tap_ok(schid != 0, "found virtio-console at subchannel %x", schid);
	if (!schid)
		return tap_done();
	int r = virtio_setup(&d, schid, 1, 0, 2, false);
	tap_ok(r == 0, "set-up with receiveq and transmitq (%d)", r);

	memcpy(out, "virtio-console says hello\n", 27);
	struct vbuf tx = { out, (uint32_t)strlen(out), false };
	tap_ok(virtio_xfer(&d, 1, &tx, 1, false) == 0, "transmitted a line");

	/* Input arrives in pieces; collect up to the newline. */
	size_t got = 0;
	while (got < sizeof(in) - 1 && (!got || in[got - 1] != '\n')) {
		struct vbuf rx = { in + got, (uint32_t)(sizeof(in) - 1 - got), true };
		int64_t n = virtio_xfer(&d, 0, &rx, 1, false);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	in[got] = '\0';
	bool ok = !strcmp(in, "ping from host\n");
	if (got)
		in[got - 1] = '\0';
	tap_ok(ok, "received '%s' and a newline", in);
	return tap_done();
}
