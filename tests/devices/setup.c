// SPDX-License-Identifier: MIT
/*
 * -drive/-device/-chardev parsing (devices/setup.c): the accepted forms,
 * and every mistake a user can make answered with an error, not a
 * half-configured machine.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/setup.h"
#include "tests/ksft.h"

static struct dev_config dc;

/* Parse up to 4 of each; NULL ends a list. */
static int parse(const char *const *drives, const char *const *chardevs,
		 const char *const *devices, char **err)
{
	struct vmm_options o;

	memset(&o, 0, sizeof(o));
	for (; drives && *drives; drives++)
		o.drives[o.ndrives++] = *drives;
	for (; chardevs && *chardevs; chardevs++)
		o.chardevs[o.nchardevs++] = *chardevs;
	for (; devices && *devices; devices++)
		o.devices[o.ndevices++] = *devices;
	return dev_config_parse(&dc, &o, err);
}

struct bad_case {
	const char *drive, *chardev, *device, *why;
};

static const struct bad_case bad[] = {
	{ "file=a.img,format=qcow2,if=none,id=d0", NULL, NULL, "format=qcow2" },
	{ "file=a.img,if=ide,id=d0", NULL, NULL, "if=ide" },
	{ "file=a.img,format=raw,if=none", NULL, NULL, "no id" },
	{ "format=raw,if=none,id=d0", NULL, NULL, "no file" },
	{ "file=a.img,id=d0,readonly=maybe", NULL, NULL, "readonly=maybe" },
	{ "file=a.img,id=d0,cache=fast", NULL, NULL, "cache=fast" },
	{ "file=a.img,id=d0,bogus=1", NULL, NULL, "unknown -drive property" },
	{ NULL, NULL, "virtio-blk-ccw", "virtio-blk-ccw without drive=" },
	{ NULL, NULL, "virtio-blk-ccw,drive=nope", "drive= of an unknown id" },
	{ NULL, NULL, "virtio-rng-ccw,devno=0.0.0001", "devno in the wrong css" },
	{ NULL, NULL, "virtio-rng-ccw,devno=fe.0.10000", "devno too big" },
	{ NULL, NULL, "virtio-gpu-ccw", "a device minivmm does not have" },
	{ NULL, NULL, "virtconsole,chardev=c0", "virtconsole without virtio-serial" },
	{ NULL, "pty,id=c0", NULL, "chardev backend pty" },
	{ NULL, "socket,id=c0", NULL, "socket without path" },
	{ NULL, "stdio", NULL, "chardev without id" },
	{ NULL, NULL, "drive=d0", "device without a driver name" },
};

int main(void)
{
	char *err = NULL;
	int r;

	ksft_print_header();
	ksft_set_plan(6 + sizeof(bad) / sizeof(bad[0]));

	const char *d1[] = { "file=disk.img,format=raw,if=none,id=d0,readonly=on,"
			     "cache=unsafe,serial=SER1", NULL };
	const char *v1[] = { "virtio-blk-ccw,drive=d0,devno=fe.0.0042",
			     "virtio-rng-ccw", NULL };
	r = parse(d1, NULL, v1, &err);
	ksft_test_result(r == 0 && dc.ndrives == 1 && dc.ndevices == 2 &&
			 !strcmp(dc.drives[0].file, "disk.img") &&
			 dc.drives[0].readonly && !strcmp(dc.drives[0].cache, "unsafe") &&
			 !strcmp(dc.drives[0].serial, "SER1") &&
			 dc.devices[0].kind == DEV_VIRTIO_BLK && dc.devices[0].devno == 0x42 &&
			 dc.devices[0].drive == 0 && dc.devices[1].kind == DEV_VIRTIO_RNG &&
			 dc.devices[1].devno == -1,
			 "drive, blk with devno, rng\n");

	const char *c2[] = { "stdio,id=c0", "socket,id=c1,path=/tmp/s,server=on,wait=off",
			     NULL };
	const char *v2[] = { "virtio-serial-ccw", "virtconsole,chardev=c1",
			     "virtio-serial-ccw,devno=fe.0.0007",
			     "virtconsole,chardev=c0,name=org.qemu.console.0", NULL };
	r = parse(NULL, c2, v2, &err);
	ksft_test_result(r == 0 && dc.ndevices == 2 && dc.devices[0].chardev == 1 &&
			 dc.devices[1].chardev == 0 && dc.devices[1].devno == 7 &&
			 dc.chardevs[1].server && !dc.chardevs[1].wait &&
			 !strcmp(dc.chardevs[1].path, "/tmp/s"),
			 "two serial devices, each with its console port\n");
	ksft_test_result(dev_config_uses_stdin(&dc), "stdio console takes stdin\n");

	const char *v3[] = { "virtio-serial-ccw", "virtconsole,chardev=c0",
			     "virtconsole,chardev=c1", NULL };
	free(err);
	err = NULL;
	ksft_test_result(parse(NULL, c2, v3, &err) < 0 && err,
			 "a second port on one virtio-serial: refused\n");
	const char *d4[] = { "file=a,id=d0", "file=b,id=d0", NULL };
	free(err);
	err = NULL;
	ksft_test_result(parse(d4, NULL, NULL, &err) < 0 && err,
			 "duplicate drive id refused\n");
	const char *d5[] = { "file=a,id=d0", NULL };
	const char *v5[] = { "virtio-blk-ccw,drive=d0", "virtio-blk-ccw,drive=d0", NULL };
	free(err);
	err = NULL;
	ksft_test_result(parse(d5, NULL, v5, &err) < 0 && err,
			 "one drive for two devices refused\n");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *dl[] = { bad[i].drive, NULL };
		const char *cl[] = { bad[i].chardev, NULL };
		const char *vl[] = { bad[i].device, NULL };

		free(err);
		err = NULL;
		r = parse(dl, cl, vl, &err);
		ksft_test_result(r < 0 && err && *err, "%s: %s\n", bad[i].why,
				 err ? err : "(accepted)");
	}
	free(err);
	return ksft_finished();
}
