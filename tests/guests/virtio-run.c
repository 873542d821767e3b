// SPDX-License-Identifier: MIT
/*
 * Host-side runner for the virtio test guests: builds the command line
 * (devices, a scratch disk image, console input), runs the VMM with a
 * timeout, passes the guest's TAP lines through as comments, and checks
 * the exit status, the guest's verdict and, for virtio-blk, the image
 * file's bytes afterwards.
 *
 *   virtio-run rng VMM IMAGE
 *   virtio-run blk VMM IMAGE
 *   virtio-run console VMM IMAGE
 *   virtio-run console-socket VMM IMAGE   the console on a unix socket
 *                                  (server=on,wait=on): the runner is the
 *                                  client, sends the input and reads the
 *                                  guest's line back
 *
 * VIRTIO_RUN_TIMEOUT (seconds, default 100) bounds the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/guests/runner.h"
#include "tests/ksft.h"

#define SECTOR 512
#define DISK_SECTORS 64

static char dir[] = "/tmp/virtio-run-XXXXXX";
static char out_path[256], err_path[256], in_path[256], img_path[256];
static char sock_path[256];
static char sock_reply[256];	/* what the guest wrote on the socket */

/* The socket client: connect (retrying while the VMM starts), send the
 * input line, collect output until the line arrives or time runs out. */
static void socket_client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = -1;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	for (int i = 0; i < 500 && fd < 0; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			fd = -1;
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	if (fd < 0)
		return;
	if (write(fd, "ping from host\n", 15) != 15) {
		close(fd);
		return;
	}
	size_t got = 0;
	struct timeval tv = { 30, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < sizeof(sock_reply) - 1 && !strchr(sock_reply, '\n')) {
		ssize_t n = read(fd, sock_reply + got, sizeof(sock_reply) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
}

/* Run argv with stdin from in_path; 0 and the wait status, or -1. */
static int run(char *const argv[], int *status)
{
	pid_t pid = runner_spawn(argv, in_path, out_path, err_path);

	if (pid < 0)
		return -1;
	if (sock_path[0])
		socket_client();
	return runner_reap(pid, "VIRTIO_RUN_TIMEOUT", status);
}

static void sector_pattern(uint8_t *p, int s)
{
	for (int i = 0; i < SECTOR; i++)
		p[i] = (uint8_t)(s * 7 + i);
	snprintf((char *)p, 32, "minivmm sector %d", s);
}

static int check_image(void)
{
	uint8_t img[DISK_SECTORS * SECTOR], want[SECTOR];
	int fd = open(img_path, O_RDONLY);
	bool ok_pat = true, ok_old = true, ok_packed = true, ok_zero = true;
	bool ok_keep = true;

	if (fd < 0 || read(fd, img, sizeof(img)) != (ssize_t)sizeof(img)) {
		ksft_test_result_fail("image readable\n");
		return 4;
	}
	close(fd);
	for (int s = 0; s < 8; s++) {
		sector_pattern(want, s);
		ok_pat &= !memcmp(img + s * SECTOR, want, SECTOR);
		sector_pattern(want, s + 100);
		ok_old &= !memcmp(img + (16 + s) * SECTOR, want, SECTOR);
		sector_pattern(want, s + 200);
		ok_packed &= !memcmp(img + (32 + s) * SECTOR, want, SECTOR);
	}
	for (int i = 8 * SECTOR; i < 10 * SECTOR; i++)
		ok_zero &= img[i] == 0;
	for (int i = 10 * SECTOR; i < 16 * SECTOR; i++)
		ok_keep &= img[i] == 0x5a;
	for (int i = 24 * SECTOR; i < 32 * SECTOR; i++)
		ok_keep &= img[i] == 0x5a;
	for (int i = 40 * SECTOR; i < DISK_SECTORS * SECTOR; i++)
		ok_keep &= img[i] == 0x5a;
	ksft_test_result(ok_pat, "image: sectors 0-7 hold the rev 1 pattern\n");
	ksft_test_result(ok_old, "image: sectors 16-23 hold the rev 0 pattern\n");
	ksft_test_result(ok_packed, "image: sectors 32-39 hold the packed-ring pattern\n");
	ksft_test_result(ok_zero, "image: sectors 8-9 are zeros\n");
	ksft_test_result(ok_keep, "image: the other sectors are untouched\n");
	return 4;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		ksft_exit_fail_msg("usage: virtio-run rng|blk|console VMM IMAGE\n");
	const char *kind = argv[1];
	bool blk = !strcmp(kind, "blk"), con = !strcmp(kind, "console");
	bool sock = !strcmp(kind, "console-socket");
	char drive[512];
	char *args[32];
	int n = 0;

	ksft_print_header();
	ksft_set_plan(blk ? 7 : con || sock ? 3 : 2);
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	snprintf(err_path, sizeof(err_path), "%s/err", dir);
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(img_path, sizeof(img_path), "%s/disk.img", dir);
	char chardev[320];
	if (sock) {
		snprintf(sock_path, sizeof(sock_path), "%s/con.sock", dir);
		snprintf(chardev, sizeof(chardev),
			 "socket,id=c0,path=%s,server=on,wait=on", sock_path);
	}
	FILE *f = fopen(in_path, "w");
	if (!f)
		ksft_exit_fail_msg("%s: %s\n", in_path, strerror(errno));
	if (con)
		fputs("ping from host\n", f);
	fclose(f);

	args[n++] = argv[2];
	args[n++] = "-kernel";
	args[n++] = argv[3];
	if (blk) {
		uint8_t img[DISK_SECTORS * SECTOR];
		memset(img, 0x5a, sizeof(img));
		int fd = open(img_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img))
			ksft_exit_fail_msg("%s: %s\n", img_path, strerror(errno));
		close(fd);
		snprintf(drive, sizeof(drive),
			 "file=%s,format=raw,if=none,id=d0,cache=writeback", img_path);
		args[n++] = "-drive";
		args[n++] = drive;
		args[n++] = "-device";
		args[n++] = "virtio-blk-ccw,drive=d0,devno=fe.0.0005";
	} else if (con) {
		args[n++] = "-chardev";
		args[n++] = "stdio,id=c0";
		args[n++] = "-device";
		args[n++] = "virtio-serial-ccw";
		args[n++] = "-device";
		args[n++] = "virtconsole,chardev=c0";
	} else if (sock) {
		args[n++] = "-chardev";
		args[n++] = chardev;
		args[n++] = "-device";
		args[n++] = "virtio-serial-ccw";
		args[n++] = "-device";
		args[n++] = "virtconsole,chardev=c0";
	} else {
		/* Two devices: the guest must find the rng behind another. */
		args[n++] = "-device";
		args[n++] = "virtio-serial-ccw,devno=fe.0.0000";
		args[n++] = "-device";
		args[n++] = "virtio-rng-ccw,devno=fe.0.0042";
	}
	args[n] = NULL;

	int status = 0;
	int r = run(args, &status);
	char *out = slurp(out_path), *err = slurp(err_path);
	/* One "# " per line: TAP readers reject unprefixed lines. */
	for (char *line = err, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		ksft_print_msg("stderr: %.*s\n",
			       (int)(nl ? (size_t)(nl - line) : strlen(line)), line);
	}
	ksft_test_result(r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "%s guest exits with status 0\n", kind);
	if (con) {
		char *hello = strstr(out, "virtio-console says hello\n");
		ksft_test_result(hello != NULL, "console output on stdout\n");
		if (hello)	/* not TAP: keep it out of the verdict */
			memset(hello, ' ', strlen("virtio-console says hello"));
	}
	if (sock)
		ksft_test_result(!strcmp(sock_reply, "virtio-console says hello\n"),
				 "console output on the socket\n");
	ksft_test_result(guest_verdict(out, NULL, NULL), "%s guest: every check passed\n", kind);
	if (blk)
		check_image();
	free(out);
	free(err);
	unlink(out_path);
	unlink(err_path);
	unlink(in_path);
	unlink(img_path);
	if (sock_path[0])
		unlink(sock_path);
	rmdir(dir);
	return ksft_finished();
}
