/* SPDX-License-Identifier: MIT */
/*
 * virtio-console (virtio spec 5.3 "Console Device") with one port and no
 * VIRTIO_CONSOLE_F_MULTIPORT: queue 0 is receiveq (host to guest),
 * queue 1 transmitq (guest to host).  No configuration fields are
 * offered (no SIZE, no EMERG_WRITE feature), so the config space is
 * empty.
 *
 * Output is written to the chardev on the notifying vCPU thread.  Input
 * is read by the device's own thread, which holds at most one chunk
 * until the driver posts receive buffers (a receive notification wakes
 * it), so a guest that never reads only stalls its own console.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/virtio-ccw.h"
#include "devices/virtio-devices.h"
#include "seccomp/seccomp.h"
#include "vmm/error.h"
#include "vmm/vm.h"

#define CON_RX		0
#define CON_TX		1
#define CON_CHUNK	4096

struct virtio_console {
	struct virtio_ccw_dev *vd;	/* transport: all guest-visible state */
	struct console_chardev chr;	/* configuration */
	atomic_int conn_fd;		/* socket connection, -1: none */
	/* Input thread. */
	pthread_t thread;
	bool thread_started;
	int stop_pipe[2];
	pthread_mutex_t ilock;
	pthread_cond_t icond;		/* receive buffers may have arrived */
	bool rx_kicked, stop;
	atomic_bool held;		/* migration: deliver nothing (con_quiesce) */
	/* Input read from the chardev but not delivered yet: host-side, like
	 * bytes still in the socket (not migrated). */
	uint8_t pending[CON_CHUNK];
	size_t npending;
	struct vq_elem rx_elem, tx_elem;	/* scratch */
};

/* Socket peers are non-blocking: a client that stops reading gets its
 * output dropped after a short wait instead of stalling the vCPU. */
#define CON_PEER_WAIT_MS	100

static void write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };

			if (poll(&pf, 1, CON_PEER_WAIT_MS) > 0)
				continue;
			return;	/* peer not reading: output is dropped */
		}
		if (w <= 0)
			return;	/* peer gone: output is dropped */
		p += w;
		n -= (size_t)w;
	}
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void con_tx(struct virtio_console *c)
{
	struct virtio_ccw_dev *vd = c->vd;
	struct vm *vm = vccw_vm(vd);
	bool notify = false, broken;
	uint8_t buf[CON_CHUNK];
	int r;

	vccw_lock(vd);
	while ((r = vccw_pop(vd, CON_TX, &c->tx_elem)) > 0) {
		int out = c->chr.listen_fd >= 0 ? atomic_load(&c->conn_fd)
						: c->chr.out_fd;

		for (uint64_t off = 0; off < c->tx_elem.out_len;) {
			int64_t n = vq_elem_read(vm, &c->tx_elem, off, buf, sizeof(buf));

			if (n <= 0)
				break;
			if (out >= 0)
				write_all(out, buf, (size_t)n);
			off += (uint64_t)n;
		}
		vccw_push(vd, CON_TX, &c->tx_elem, 0, &notify);
	}
	broken = r < 0;
	vccw_unlock(vd);
	if (broken)
		vccw_interrupt(vd, ~0u);
	if (notify)
		vccw_interrupt(vd, CON_TX);
}

static void con_notify(void *dev, unsigned int q)
{
	struct virtio_console *c = dev;

	if (q == CON_TX) {
		con_tx(c);
		return;
	}
	pthread_mutex_lock(&c->ilock);
	c->rx_kicked = true;
	pthread_cond_signal(&c->icond);
	pthread_mutex_unlock(&c->ilock);
}

/* Deliver pending input into receive buffers; true when all went. */
static bool con_deliver(struct virtio_console *c)
{
	struct virtio_ccw_dev *vd = c->vd;
	bool notify = false, broken = false;
	int r = 1;

	vccw_lock(vd);
	if (atomic_load(&c->held)) {
		vccw_unlock(vd);
		return false;	/* con_quiesce kicks when it lets go */
	}
	while (c->npending && (r = vccw_pop(vd, CON_RX, &c->rx_elem)) > 0) {
		int64_t n = vq_elem_write(vccw_vm(vd), &c->rx_elem, 0, c->pending,
					  c->npending);
		if (n < 0)
			n = 0;
		memmove(c->pending, c->pending + n, c->npending - (size_t)n);
		c->npending -= (size_t)n;
		vccw_push(vd, CON_RX, &c->rx_elem, (uint32_t)n, &notify);
	}
	broken = r < 0;
	vccw_unlock(vd);
	if (broken)
		vccw_interrupt(vd, ~0u);
	if (notify)
		vccw_interrupt(vd, CON_RX);
	return c->npending == 0;
}

static void *con_input(void *arg)
{
	struct virtio_console *c = arg;
	char *err = NULL;

	/* The chardev-input allowlist (seccomp/seccomp.c); waits at the
	 * gate until minivmm dropped its privileges. */
	if (sandbox_enter(SANDBOX_CHARDEV_IN, &err) < 0) {
		vm_request_end(vccw_vm(c->vd), VM_END_ERROR, "virtio-console: %s",
			       err ? err : "cannot enter the sandbox");
		free(err);
		return NULL;
	}

	for (;;) {
		int in = c->chr.listen_fd >= 0 ? atomic_load(&c->conn_fd)
					       : c->chr.in_fd;
		struct pollfd p[2] = {
			{ .fd = c->stop_pipe[0], .events = POLLIN },
			{ .fd = in >= 0 ? in : c->chr.listen_fd, .events = POLLIN },
		};

		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (!p[1].revents)
			continue;
		if (in < 0) {
			/* A client connects (server=on): it becomes the port. */
			int fd = accept4(c->chr.listen_fd, NULL, NULL,
					 SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd >= 0)
				atomic_store(&c->conn_fd, fd);
			continue;
		}
		ssize_t n = read(in, c->pending, sizeof(c->pending));
		if (n <= 0) {
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (c->chr.listen_fd >= 0) {
				/* Client left: wait for the next one.  Output
				 * (con_tx) uses the fd under the transport lock,
				 * so it cannot meet a closed or reused fd. */
				vccw_lock(c->vd);
				atomic_store(&c->conn_fd, -1);
				close(in);
				vccw_unlock(c->vd);
				continue;
			}
			break;	/* end of input */
		}
		c->npending = (size_t)n;
		/* Hold the chunk until the driver posted enough buffers. */
		pthread_mutex_lock(&c->ilock);
		c->rx_kicked = false;
		pthread_mutex_unlock(&c->ilock);
		while (!con_deliver(c)) {
			pthread_mutex_lock(&c->ilock);
			while (!c->rx_kicked && !c->stop)
				pthread_cond_wait(&c->icond, &c->ilock);
			c->rx_kicked = false;
			bool stop = c->stop;
			pthread_mutex_unlock(&c->ilock);
			if (stop)
				return NULL;
		}
	}
	return NULL;
}

static void con_driver_ok(void *dev)
{
	struct virtio_console *c = dev;

	/* Input may have waited for the driver; wake the thread (it takes
	 * the transport lock itself, after the caller released it). */
	pthread_mutex_lock(&c->ilock);
	c->rx_kicked = true;
	pthread_cond_signal(&c->icond);
	pthread_mutex_unlock(&c->ilock);
}

/* Migration: while held, the input thread does not write into receive
 * buffers.  A delivery checks `held` under the transport lock, so taking
 * the lock once after setting it waits out a delivery in progress. */
static void con_quiesce(void *dev, bool hold)
{
	struct virtio_console *c = dev;

	atomic_store(&c->held, hold);
	vccw_lock(c->vd);
	vccw_unlock(c->vd);
	if (!hold)
		con_driver_ok(c);	/* wake the thread: deliver what waits */
}

static const struct virtio_dev_ops console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.num_queues = 2,
	.queue_max = 128,
	.features = VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX |
		    VIRTIO_F_RING_PACKED,
	.config_size = 0,
	.notify = con_notify,
	.driver_ok = con_driver_ok,
	.quiesce = con_quiesce,
};

int virtio_console_create(struct virtio_console **out, struct css *css,
			  int devno, const struct console_chardev *chr,
			  char **err)
{
	struct virtio_console *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		error_setf(err, "out of memory");
		return -ENOMEM;
	}
	c->chr = *chr;
	atomic_init(&c->conn_fd, -1);
	atomic_init(&c->held, false);
	/* A socket chardev (not a terminal or file) must not block output. */
	if (chr->in_fd >= 0 && chr->in_fd == chr->out_fd && chr->in_fd > 2)
		set_nonblock(chr->in_fd);
	pthread_mutex_init(&c->ilock, NULL);
	pthread_cond_init(&c->icond, NULL);
	c->stop_pipe[0] = c->stop_pipe[1] = -1;
	if (pipe2(c->stop_pipe, O_CLOEXEC) < 0) {
		r = -errno;
		error_setf(err, "pipe: %s", strerror(errno));
		goto fail;
	}
	r = virtio_ccw_create(&c->vd, css, devno, &console_ops, c, err);
	if (r < 0)
		goto fail;
	if (chr->in_fd >= 0 || chr->listen_fd >= 0) {
		r = pthread_create(&c->thread, NULL, con_input, c);
		if (r) {
			error_setf(err, "cannot start the console thread: %s",
				   strerror(r));
			virtio_ccw_destroy(c->vd);
			r = -r;
			goto fail;
		}
		c->thread_started = true;
	}
	*out = c;
	return 0;
fail:
	if (c->stop_pipe[0] >= 0) {
		close(c->stop_pipe[0]);
		close(c->stop_pipe[1]);
	}
	pthread_mutex_destroy(&c->ilock);
	pthread_cond_destroy(&c->icond);
	free(c);
	return r;
}

void virtio_console_destroy(struct virtio_console *c)
{
	if (!c)
		return;
	if (c->thread_started) {
		pthread_mutex_lock(&c->ilock);
		c->stop = true;
		pthread_cond_signal(&c->icond);
		pthread_mutex_unlock(&c->ilock);
		(void)!write(c->stop_pipe[1], "x", 1);
		pthread_join(c->thread, NULL);
	}
	int fd = atomic_load(&c->conn_fd);
	if (fd >= 0)
		close(fd);
	close(c->stop_pipe[0]);
	close(c->stop_pipe[1]);
	virtio_ccw_destroy(c->vd);
	pthread_mutex_destroy(&c->ilock);
	pthread_cond_destroy(&c->icond);
	free(c);
}
