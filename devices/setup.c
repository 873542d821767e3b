/* SPDX-License-Identifier: MIT */
/*
 * -drive/-device/-chardev parsing and device creation (see setup.h).
 * The property syntax is QEMU's "key=value,key=value" with the driver or
 * backend name first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "devices/css.h"
#include "devices/setup.h"
#include "devices/virtio-devices.h"
#include "vmm/error.h"
#include "vmm/optitem.h"
#include "vmm/vm.h"

struct dev_setup {
	struct virtio_blk *blk[OPT_MAX_DEVOPTS];
	struct virtio_rng *rng[OPT_MAX_DEVOPTS];
	struct virtio_console *con[OPT_MAX_DEVOPTS];
	struct virtio_net *net[2 * OPT_MAX_DEVOPTS];	/* -device, then -nic */
	int fds[2 * OPT_MAX_DEVOPTS];	/* sockets we opened */
	unsigned int nfds;
};



static int copy_val(char *dst, size_t size, const struct opt_item *it,
		    const char *opt, char **err)
{
	if (strlen(it->val) >= size || !*it->val) {
		error_setf(err, "%s: %s='%s' is empty or too long", opt, it->key,
			   it->val);
		return -EINVAL;
	}
	strcpy(dst, it->val);
	return 0;
}

static int on_off(const struct opt_item *it, bool *out, const char *opt, char **err)
{
	if (!strcmp(it->val, "on") || !strcmp(it->val, "true"))
		*out = true;
	else if (!strcmp(it->val, "off") || !strcmp(it->val, "false"))
		*out = false;
	else {
		error_setf(err, "%s: %s='%s' is not on or off", opt, it->key, it->val);
		return -EINVAL;
	}
	return 0;
}

static int parse_drive(struct dev_drive *d, const char *arg, char **err)
{
	const char *opt = "-drive";
	struct opt_item it;
	int r;

	memset(d, 0, sizeof(*d));
	while ((r = opt_item_next(&arg, &it, opt, err)) > 0) {
		r = 0;
		if (it.bare) {
			error_setf(err, "%s: '%s' has no key", opt, it.val);
			return -EINVAL;
		} else if (!strcmp(it.key, "file")) {
			r = copy_val(d->file, sizeof(d->file), &it, opt, err);
		} else if (!strcmp(it.key, "id")) {
			r = copy_val(d->id, sizeof(d->id), &it, opt, err);
		} else if (!strcmp(it.key, "format")) {
			if (strcmp(it.val, "raw")) {
				error_setf(err, "%s: format=%s: only raw images",
					   opt, it.val);
				return -EINVAL;
			}
		} else if (!strcmp(it.key, "if")) {
			if (strcmp(it.val, "none")) {
				error_setf(err, "%s: if=%s: only if=none (attach "
					   "with -device virtio-blk-ccw,drive=ID)",
					   opt, it.val);
				return -EINVAL;
			}
		} else if (!strcmp(it.key, "readonly")) {
			r = on_off(&it, &d->readonly, opt, err);
		} else if (!strcmp(it.key, "cache")) {
			r = copy_val(d->cache, sizeof(d->cache), &it, opt, err);
			if (!r && strcmp(d->cache, "writeback") &&
			    strcmp(d->cache, "writethrough") &&
			    strcmp(d->cache, "none") &&
			    strcmp(d->cache, "directsync") &&
			    strcmp(d->cache, "unsafe")) {
				error_setf(err, "%s: cache=%s: writeback, "
					   "writethrough, none, directsync or "
					   "unsafe", opt, d->cache);
				return -EINVAL;
			}
		} else if (!strcmp(it.key, "serial")) {
			r = copy_val(d->serial, sizeof(d->serial), &it, opt, err);
		} else {
			error_setf(err, "%s: unsupported property '%s' (file, "
				   "format, if, id, readonly, cache, serial)",
				   opt, it.key);
			return -EINVAL;
		}
		if (r)
			return r;
	}
	if (r < 0)
		return r;
	if (!d->file[0] || !d->id[0]) {
		error_setf(err, "%s: file= and id= are required", opt);
		return -EINVAL;
	}
	return 0;
}

static int parse_chardev(struct dev_chardev *c, const char *arg, char **err)
{
	const char *opt = "-chardev";
	struct opt_item it;
	bool first = true, sock = false, have_path = false;
	int r;

	memset(c, 0, sizeof(*c));
	c->wait = true;		/* QEMU's default for server=on */
	while ((r = opt_item_next(&arg, &it, opt, err)) > 0) {
		if (first) {
			if (!it.bare || (strcmp(it.val, "stdio") &&
					 strcmp(it.val, "socket"))) {
				error_setf(err, "%s: backend first: stdio or socket",
					   opt);
				return -EINVAL;
			}
			c->is_stdio = !strcmp(it.val, "stdio");
			sock = !c->is_stdio;
			first = false;
			continue;
		}
		r = 0;
		if (!strcmp(it.key, "id")) {
			r = copy_val(c->id, sizeof(c->id), &it, opt, err);
		} else if (sock && !strcmp(it.key, "path")) {
			r = copy_val(c->path, sizeof(c->path), &it, opt, err);
			have_path = true;
		} else if (sock && !strcmp(it.key, "server")) {
			r = on_off(&it, &c->server, opt, err);
		} else if (sock && !strcmp(it.key, "wait")) {
			r = on_off(&it, &c->wait, opt, err);
		} else if (sock && it.bare && !strcmp(it.val, "server")) {
			c->server = true;
		} else if (sock && it.bare && !strcmp(it.val, "nowait")) {
			c->wait = false;
		} else {
			error_setf(err, "%s: unsupported property '%s'", opt,
				   it.bare ? it.val : it.key);
			return -EINVAL;
		}
		if (r)
			return r;
	}
	if (r < 0)
		return r;
	if (first || !c->id[0] || (sock && !have_path)) {
		error_setf(err, "%s: needs a backend and id= (socket: path=)", opt);
		return -EINVAL;
	}
	return 0;
}

static int find_id(const char *id, const char *ids, size_t stride, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(ids + i * stride, id))
			return (int)i;
	return -1;
}

static int parse_device(struct dev_config *dc, const char *arg, char **err)
{
	const char *opt = "-device";
	struct dev_device *d = &dc->devices[dc->ndevices];
	struct opt_item it;
	bool console = false;
	int r;

	memset(d, 0, sizeof(*d));
	d->devno = -1;
	d->drive = d->chardev = -1;
	r = opt_item_next(&arg, &it, opt, err);
	if (r <= 0 || !it.bare) {
		error_setf(err, "%s: the driver name comes first", opt);
		return -EINVAL;
	}
	if (!strcmp(it.val, "virtio-blk-ccw"))
		d->kind = DEV_VIRTIO_BLK;
	else if (!strcmp(it.val, "virtio-rng-ccw"))
		d->kind = DEV_VIRTIO_RNG;
	else if (!strcmp(it.val, "virtio-serial-ccw"))
		d->kind = DEV_VIRTIO_SERIAL;
	else if (!strcmp(it.val, "virtconsole"))
		console = true;
	else if (!strcmp(it.val, "virtio-net-ccw")) {
		/* devices/net-setup.c parses its properties. */
		d->kind = DEV_VIRTIO_NET;
		d->nic = net_config_add_device(&dc->net, arg, err);
		if (d->nic < 0)
			return -EINVAL;
		dc->ndevices++;
		return 0;
	}
	else {
		error_setf(err, "%s: '%s' is not a device minivmm has "
			   "(virtio-blk-ccw, virtio-rng-ccw, virtio-serial-ccw, "
			   "virtconsole, virtio-net-ccw)", opt, it.val);
		return -EINVAL;
	}
	int chardev = -1;
	while ((r = opt_item_next(&arg, &it, opt, err)) > 0) {
		if (!console && !strcmp(it.key, "devno")) {
			d->devno = css_parse_devno(it.val);
			if (d->devno < 0) {
				error_setf(err, "%s: devno=%s: use fe.0.XXXX", opt,
					   it.val);
				return -EINVAL;
			}
		} else if (d->kind == DEV_VIRTIO_BLK && !console &&
			   !strcmp(it.key, "drive")) {
			d->drive = find_id(it.val, dc->drives[0].id,
					   sizeof(dc->drives[0]), dc->ndrives);
			if (d->drive < 0) {
				error_setf(err, "%s: drive=%s: no -drive with that id",
					   opt, it.val);
				return -EINVAL;
			}
		} else if (d->kind == DEV_VIRTIO_BLK && !console &&
			   !strcmp(it.key, "serial")) {
			if (copy_val(d->serial, sizeof(d->serial), &it, opt, err))
				return -EINVAL;
		} else if (console && !strcmp(it.key, "chardev")) {
			chardev = find_id(it.val, dc->chardevs[0].id,
					  sizeof(dc->chardevs[0]), dc->nchardevs);
			if (chardev < 0) {
				error_setf(err, "%s: chardev=%s: no -chardev with "
					   "that id", opt, it.val);
				return -EINVAL;
			}
		} else if (console && !strcmp(it.key, "name")) {
			/* The port name (org.qemu.console.0 ...): no
			 * multiport, nothing to do. */
		} else {
			error_setf(err, "%s: unsupported property '%s'", opt,
				   it.bare ? it.val : it.key);
			return -EINVAL;
		}
	}
	if (r < 0)
		return r;
	if (console) {
		/* The port of the last virtio-serial-ccw without one. */
		for (unsigned int i = dc->ndevices; i-- > 0;) {
			struct dev_device *s = &dc->devices[i];

			if (s->kind != DEV_VIRTIO_SERIAL)
				continue;
			if (s->chardev >= 0)
				break;
			if (chardev < 0) {
				error_setf(err, "%s: virtconsole needs chardev=ID", opt);
				return -EINVAL;
			}
			s->chardev = chardev;
			return 0;
		}
		error_setf(err, "%s: virtconsole needs a preceding "
			   "virtio-serial-ccw without a port (one port each)", opt);
		return -EINVAL;
	}
	if (d->kind == DEV_VIRTIO_BLK && d->drive < 0) {
		error_setf(err, "%s: virtio-blk-ccw needs drive=ID", opt);
		return -EINVAL;
	}
	dc->ndevices++;
	return 0;
}

int dev_config_parse(struct dev_config *dc, const struct vmm_options *o,
		     char **err)
{
	int r;

	memset(dc, 0, sizeof(*dc));
	for (unsigned int i = 0; i < o->ndrives; i++) {
		r = parse_drive(&dc->drives[i], o->drives[i], err);
		if (r)
			return r;
		if (find_id(dc->drives[i].id, dc->drives[0].id,
			    sizeof(dc->drives[0]), i) >= 0) {
			error_setf(err, "-drive: duplicate id %s", dc->drives[i].id);
			return -EINVAL;
		}
		dc->ndrives++;
	}
	for (unsigned int i = 0; i < o->nchardevs; i++) {
		r = parse_chardev(&dc->chardevs[i], o->chardevs[i], err);
		if (r)
			return r;
		if (find_id(dc->chardevs[i].id, dc->chardevs[0].id,
			    sizeof(dc->chardevs[0]), i) >= 0) {
			error_setf(err, "-chardev: duplicate id %s",
				   dc->chardevs[i].id);
			return -EINVAL;
		}
		dc->nchardevs++;
	}
	r = net_config_parse(&dc->net, o, err);
	if (r)
		return r;
	for (unsigned int i = 0; i < o->ndevices; i++) {
		r = parse_device(dc, o->devices[i], err);
		if (r)
			return r;
	}
	/* A drive or chardev serves one device. */
	for (unsigned int i = 0; i < dc->ndevices; i++)
		for (unsigned int j = 0; j < i; j++) {
			const struct dev_device *a = &dc->devices[i], *b = &dc->devices[j];

			if ((a->drive >= 0 && a->drive == b->drive) ||
			    (a->chardev >= 0 && a->chardev == b->chardev)) {
				error_setf(err, "-device: a drive or chardev can "
					   "serve only one device");
				return -EINVAL;
			}
		}
	return 0;
}

bool dev_config_uses_stdin(const struct dev_config *dc)
{
	for (unsigned int i = 0; i < dc->ndevices; i++) {
		const struct dev_device *d = &dc->devices[i];

		if (d->chardev >= 0 && dc->chardevs[d->chardev].is_stdio)
			return true;
	}
	return false;
}

/* A unix stream socket: listening (server) or connected. */
static int open_socket(const struct dev_chardev *c, char **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		error_setf(err, "-chardev %s: socket: %s", c->id, strerror(errno));
		return -errno;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path);
	if (c->server) {
		unlink(c->path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(fd, 1) < 0)
			goto fail;
	} else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		goto fail;
	}
	return fd;
fail:
	error_setf(err, "-chardev %s: %s: %s", c->id, c->path, strerror(errno));
	close(fd);
	return -EINVAL;
}

static int make_console(struct dev_setup *s, struct css *css,
			const struct dev_config *dc, const struct dev_device *d,
			unsigned int i, char **err)
{
	struct console_chardev chr = { .in_fd = -1, .out_fd = -1, .listen_fd = -1 };

	if (d->chardev >= 0) {
		const struct dev_chardev *c = &dc->chardevs[d->chardev];

		if (c->is_stdio) {
			chr.in_fd = STDIN_FILENO;
			chr.out_fd = STDOUT_FILENO;
		} else {
			int fd = open_socket(c, err);

			if (fd < 0)
				return fd;
			s->fds[s->nfds++] = fd;
			if (c->server && c->wait) {
				/* wait=on: the guest starts once a client is
				 * there (QEMU blocks the same way). */
				fprintf(stderr, "minivmm: waiting for a connection "
					"on %s\n", c->path);
				int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

				if (conn < 0) {
					error_setf(err, "-chardev %s: accept: %s",
						   c->id, strerror(errno));
					return -EINVAL;
				}
				s->fds[s->nfds++] = conn;
				chr.in_fd = chr.out_fd = conn;
			} else if (c->server) {
				chr.listen_fd = fd;
			} else {
				chr.in_fd = chr.out_fd = fd;
			}
		}
	}
	return virtio_console_create(&s->con[i], css, d->devno, &chr, err);
}

static void dev_setup_destroy(void *opaque);

int dev_setup_create(struct vm *vm, const struct dev_config *dc, char **err)
{
	struct dev_setup *s = calloc(1, sizeof(*s));
	int r = 0;

	if (!s) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < dc->ndevices && !r; i++) {
		const struct dev_device *d = &dc->devices[i];

		switch (d->kind) {
		case DEV_VIRTIO_BLK: {
			const struct dev_drive *dr = &dc->drives[d->drive];
			struct blk_config bc = {
				.file = dr->file,
				.readonly = dr->readonly,
				.cache = dr->cache[0] ? dr->cache : NULL,
				.serial = d->serial[0] ? d->serial :
					  dr->serial[0] ? dr->serial : dr->id,
			};
			r = virtio_blk_create(&s->blk[i], vm->css, d->devno, &bc, err);
			break;
		}
		case DEV_VIRTIO_RNG:
			r = virtio_rng_create(&s->rng[i], vm->css, d->devno, err);
			break;
		case DEV_VIRTIO_SERIAL:
			r = make_console(s, vm->css, dc, d, i, err);
			break;
		case DEV_VIRTIO_NET:
			r = net_setup_create(&s->net[i], vm, &dc->net, d->nic, err);
			break;
		}
	}
	/* -nic devices after the -device ones. */
	for (unsigned int i = 0, k = 0; i < dc->net.nnics && !r; i++)
		if (!net_nic_is_device(&dc->net, i))
			r = net_setup_create(&s->net[OPT_MAX_DEVOPTS + k++], vm,
					     &dc->net, i, err);
	if (r) {
		dev_setup_destroy(s);
		return r;
	}
	css_own_devices(vm->css, dev_setup_destroy, s);
	return 0;
}

static void dev_setup_destroy(void *opaque)
{
	struct dev_setup *s = opaque;

	for (unsigned int i = 0; i < OPT_MAX_DEVOPTS; i++) {
		virtio_blk_destroy(s->blk[i]);
		virtio_rng_destroy(s->rng[i]);
		virtio_console_destroy(s->con[i]);
	}
	for (unsigned int i = 0; i < 2 * OPT_MAX_DEVOPTS; i++)
		virtio_net_destroy(s->net[i]);
	for (unsigned int i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s);
}
