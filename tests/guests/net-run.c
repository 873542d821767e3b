// SPDX-License-Identifier: MIT
/*
 * Host-side runner and peer for the virtio-net guests.
 *
 *   net-run stream VMM virtio-net.elf   the runner listens on a unix
 *       socket, minivmm connects (-netdev stream,server=off); the runner
 *       is the other end of the link: QEMU's framing, a 4-byte length
 *       before every frame
 *   net-run tap VMM virtio-net.elf      in a network namespace the runner
 *       creates (unshare; SKIP when it cannot), minivmm creates the TAP
 *       interface mvtap0; the runner brings it up and talks through an
 *       AF_PACKET socket bound to it
 *   net-run user VMM virtio-net-user.elf   -nic user with a hostfwd from
 *       127.0.0.1:PORT to the guest's port 7777; the guest does DHCP and
 *       ARP with slirp, and the runner connects to PORT so that the guest
 *       sees the forwarded SYN
 *
 * The conversation with virtio-net.elf is in tests/guests/virtio-net.c.
 * Everything stays on loopback or inside the namespace.
 * NET_RUN_TIMEOUT (seconds, default 100) bounds the run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/guests/runner.h"
#include "tests/ksft.h"

#define ETH_TYPE_TEST	0x88b5
#define TAP_IF		"mvtap0"

static char dir[] = "/tmp/net-run-XXXXXX";
static char out_path[256], err_path[256], sock_path[256];
static bool tap_mode;
static int link_fd = -1;	/* stream connection or AF_PACKET socket */
static int ifindex;
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- frames on the link ---- */

static bool read_full(int fd, uint8_t *p, size_t n, int timeout_ms)
{
	while (n) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };

		if (poll(&pf, 1, timeout_ms) <= 0)
			return false;
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static int send_frame(const uint8_t *f, size_t len)
{
	if (tap_mode) {
		struct sockaddr_ll sl = { .sll_family = AF_PACKET,
					  .sll_ifindex = ifindex, .sll_halen = 6 };
		memcpy(sl.sll_addr, f, 6);
		return sendto(link_fd, f, len, 0, (struct sockaddr *)&sl,
			      sizeof(sl)) == (ssize_t)len ? 0 : -1;
	}
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
			   (uint8_t)(len >> 8), (uint8_t)len };
	if (write(link_fd, hdr, 4) != 4 || write(link_fd, f, len) != (ssize_t)len)
		return -1;
	return 0;
}

/* The next test frame (EtherType 0x88b5) from the guest; its length or -1. */
static int recv_frame(uint8_t *f, size_t max)
{
	for (int tries = 0; tries < 200; tries++) {
		int len;

		if (tap_mode) {
			struct sockaddr_ll sl;
			socklen_t sll = sizeof(sl);
			struct pollfd pf = { .fd = link_fd, .events = POLLIN };

			int pr = poll(&pf, 1, 60000);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr <= 0)
				return -1;
			ssize_t r = recvfrom(link_fd, f, max, 0, (struct sockaddr *)&sl, &sll);
			if (r < 0) {
				/* A packet socket reports an error of its
				 * interface (e.g. ENETDOWN while the TAP
				 * device comes up) once; the frames follow. */
				ksft_print_msg("recvfrom: %s\n", strerror(errno));
				continue;
			}
			if (sl.sll_pkttype == PACKET_OUTGOING)
				continue;	/* our own */
			len = (int)r;
		} else {
			uint8_t hdr[4];

			if (!read_full(link_fd, hdr, 4, 60000))
				return -1;
			uint32_t n = (uint32_t)hdr[0] << 24 | hdr[1] << 16 |
				     hdr[2] << 8 | hdr[3];
			if (n > max || !read_full(link_fd, f, n, 60000))
				return -1;
			len = (int)n;
		}
		if (len >= 14 && f[12] == (ETH_TYPE_TEST >> 8) &&
		    f[13] == (ETH_TYPE_TEST & 0xff))
			return len;
	}
	return -1;
}

static size_t build(uint8_t *f, const uint8_t *dst, const char *text,
		    size_t pad_to)
{
	size_t len = 14 + strlen(text);

	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = ETH_TYPE_TEST >> 8;
	f[13] = ETH_TYPE_TEST & 0xff;
	memcpy(f + 14, text, strlen(text));
	for (; len < pad_to; len++)
		f[len] = (uint8_t)(len * 13);
	return len;
}

/* The conversation of tests/guests/virtio-net.c, peer side. */
static void converse(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t filtered[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	static const uint8_t table[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	static uint8_t f[70000], sent[3][1600], echo[1600];
	size_t sent_len[3];
	int len;

	len = (int)build(f, bcast, "go", 0);
	ksft_test_result(send_frame(f, (size_t)len) == 0, "peer: sent go\n");

	len = recv_frame(f, sizeof(f));
	static const char hello[] = "hello from the guest";
	bool hello_ok = len == 14 + 2 + (int)strlen(hello) &&
			!memcmp(f + 6, guest_mac, 6) &&
			!memcmp(f + 16, hello, strlen(hello));
	uint32_t sum = 0;
	for (int i = 14; i < len; i += 2)
		sum += (uint32_t)f[i] << 8 | (i + 1 < len ? f[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ksft_test_result(hello_ok, "peer: hello from 52:54:00:12:34:56 (%d bytes)\n",
			 len);
	ksft_test_result(hello_ok && sum == 0xffff,
			 "peer: the device completed the guest's partial checksum "
			 "(%02x%02x, sum %x)\n", len > 15 ? f[14] : 0,
			 len > 15 ? f[15] : 0, sum);

	/* Three frames that pass, one the filter drops, one too big. */
	sent_len[0] = build(sent[0], guest_mac, "ping 1 to the station address", 60);
	send_frame(sent[0], sent_len[0]);
	len = (int)build(f, filtered, "must be filtered", 60);
	send_frame(f, (size_t)len);
	len = (int)build(f, guest_mac, "oversized", 3000);
	send_frame(f, (size_t)len);
	sent_len[1] = build(sent[1], table, "ping 2 to the MAC table entry", 60);
	send_frame(sent[1], sent_len[1]);
	sent_len[2] = build(sent[2], bcast, "ping 3 broadcast, large", 1494);
	send_frame(sent[2], sent_len[2]);
	len = (int)build(f, guest_mac, tap_mode ? "quit-stay" : "quit", 60);
	send_frame(f, (size_t)len);

	bool ok = true;
	int got = 0;
	for (int i = 0; i < 4; i++) {
		len = recv_frame(echo, sizeof(echo));
		if (len >= 17 && !memcmp(echo + 14, "bye", 3))
			break;
		got++;
		if (i >= 3 || len != (int)sent_len[i] + 5 ||
		    memcmp(echo, peer_mac, 6) || memcmp(echo + 6, guest_mac, 6) ||
		    memcmp(echo + 14, "echo ", 5) ||
		    memcmp(echo + 19, sent[i] + 14, sent_len[i] - 14)) {
			ksft_print_msg("echo %d: %d bytes, not as sent\n", i, len);
			ok = false;
		}
	}
	ksft_test_result(ok && got == 3, "peer: three echoes byte for byte, none "
			 "of the filtered or oversized frame (%d)\n", got);
}

/* ---- set-ups ---- */

static int stream_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		ksft_exit_fail_msg("socket path too long\n");
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0)
		ksft_exit_fail_msg("listen %s: %s\n", sock_path, strerror(errno));
	return fd;
}

static bool enter_netns(const char **why)
{
	if (unshare(CLONE_NEWNET) == 0)
		return true;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		*why = "cannot create a network namespace (unshare)";
		return false;
	}
	char buf[64];
	int fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "deny", 4);
		close(fd);
	}
	snprintf(buf, sizeof(buf), "0 %u 1", (unsigned)uid);
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, buf, strlen(buf)) < 0) {
		*why = "cannot map the user id in a new user namespace";
		return false;
	}
	close(fd);
	snprintf(buf, sizeof(buf), "0 %u 1", (unsigned)gid);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, buf, strlen(buf));
		close(fd);
	}
	return true;
}

/* The interface minivmm created: up, no IPv6 chatter, a packet socket. */
static bool tap_peer(void)
{
	for (int i = 0; i < 500 && !(ifindex = (int)if_nametoindex(TAP_IF)); i++)
		msleep(20);
	if (!ifindex)
		return false;
	int fd = open("/proc/sys/net/ipv6/conf/" TAP_IF "/disable_ipv6", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "1", 1);
		close(fd);
	}
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TAP_IF);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return false;
	close(s);
	link_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_TYPE_TEST));
	struct sockaddr_ll sl = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_TYPE_TEST),
				  .sll_ifindex = ifindex };
	return link_fd >= 0 && bind(link_fd, (struct sockaddr *)&sl, sizeof(sl)) == 0;
}

static int free_tcp_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		ksft_exit_fail_msg("no free port: %s\n", strerror(errno));
	close(fd);
	return ntohs(sa.sin_port);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		ksft_exit_fail_msg("usage: net-run stream|tap|user VMM IMAGE\n");
	const char *mode = argv[1];
	bool stream = !strcmp(mode, "stream"), user = !strcmp(mode, "user");
	char netdev[512], nic[256];
	char *args[16];
	int n = 0, listen_fd = -1, port = 0;
	const char *why = NULL;

	tap_mode = !strcmp(mode, "tap");
	ksft_print_header();
	if (tap_mode) {
		if (access("/dev/net/tun", R_OK | W_OK))
			ksft_exit_skip("/dev/net/tun: %s\n", strerror(errno));
		if (!enter_netns(&why))
			ksft_exit_skip("%s: %s\n", why, strerror(errno));
	}
	ksft_set_plan(user ? 3 : 6);
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	snprintf(err_path, sizeof(err_path), "%s/err", dir);
	snprintf(sock_path, sizeof(sock_path), "%s/net.sock", dir);

	args[n++] = argv[2];
	args[n++] = "-kernel";
	args[n++] = argv[3];
	if (stream) {
		listen_fd = stream_listen();
		snprintf(netdev, sizeof(netdev), "stream,id=n0,server=off,"
			 "addr.type=unix,addr.path=%s", sock_path);
		args[n++] = "-netdev";
		args[n++] = netdev;
		args[n++] = "-device";
		args[n++] = "virtio-net-ccw,netdev=n0";
	} else if (tap_mode) {
		/* vnet_hdr=off: the device completes the checksums itself. */
		args[n++] = "-netdev";
		args[n++] = "tap,id=n0,ifname=" TAP_IF ",script=no,downscript=no,"
			    "vnet_hdr=off";
		args[n++] = "-device";
		args[n++] = "virtio-net-ccw,netdev=n0,mac=52:54:00:12:34:56";
	} else {
		port = free_tcp_port();
		snprintf(nic, sizeof(nic), "user,model=virtio,hostfwd=tcp:127.0.0.1:"
			 "%d-:7777", port);
		args[n++] = "-nic";
		args[n++] = nic;
	}
	args[n] = NULL;

	pid_t pid = runner_spawn(args, NULL, out_path, err_path);
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	int hold = -1;
	if (stream) {
		struct pollfd pf = { .fd = listen_fd, .events = POLLIN };

		if (poll(&pf, 1, 30000) == 1)
			link_fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (link_fd >= 0)
			converse();
		else
			for (int i = 0; i < 4; i++)
				ksft_test_result_fail("minivmm connected\n");
		close(link_fd);		/* the guest sees the link go down */
	} else if (tap_mode) {
		if (tap_peer())
			converse();
		else
			for (int i = 0; i < 4; i++)
				ksft_test_result_fail("the TAP interface %s came up\n",
						      TAP_IF);
	} else {
		/* Connect to the forwarded port until slirp takes it; keep the
		 * connection open while the guest waits for its SYN. */
		for (int i = 0; i < 1500 && hold < 0; i++) {
			struct sockaddr_in sa = { .sin_family = AF_INET,
						  .sin_port = htons((uint16_t)port),
						  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			int st;

			if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
				hold = fd;
			else if (fd >= 0)
				close(fd);
			if (hold < 0) {
				if (waitpid(pid, &st, WNOHANG) == pid) {
					pid = -st - 1;	/* already gone */
					break;
				}
				msleep(40);
			}
		}
		ksft_test_result(hold >= 0, "connected to the hostfwd port %d\n", port);
	}

	int status = 0, r = 0;
	if (pid >= 0)
		r = runner_reap(pid, "NET_RUN_TIMEOUT", &status);
	else
		status = -pid - 1;
	if (hold >= 0)
		close(hold);
	char *out = slurp(out_path), *err = slurp(err_path);
	for (char *line = err, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		ksft_print_msg("stderr: %.*s\n",
			       (int)(nl ? (size_t)(nl - line) : strlen(line)), line);
	}
	ksft_test_result(r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "%s: minivmm exits with status 0\n", mode);
	ksft_test_result(guest_verdict(out, NULL, NULL), "%s guest: every check passed\n", mode);
	free(out);
	free(err);
	unlink(out_path);
	unlink(err_path);
	unlink(sock_path);
	rmdir(dir);
	if (listen_fd >= 0)
		close(listen_fd);
	return ksft_finished();
}
