/* SPDX-License-Identifier: MIT */
/*
 * virtio-net on -nic user (libslirp), from the guest: DHCP DISCOVER ->
 * OFFER and REQUEST -> ACK for 10.0.2.15 with router 10.0.2.2 and DNS
 * 10.0.2.3 (RFC 2131/2132), an ARP request for the gateway answered by
 * slirp (RFC 826), then the SYN of a connection the host side opened
 * through hostfwd=tcp:127.0.0.1:PORT-:7777 (net-run.c), answering
 * slirp's ARP requests for our address on the way.  Minimal IPv4/UDP,
 * built and parsed by hand.
 */
#include "lib/guest.h"
#include "lib/net.h"
#include "lib/tap.h"

static struct gnet n;
static uint8_t f[NET_RX_MAX] __attribute__((aligned(8)));
static uint8_t o[600] __attribute__((aligned(8)));
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t me_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };
static const uint8_t dns_ip[4] = { 10, 0, 2, 3 };
#define XID	0x6d766d6dU

static uint16_t ip_csum(const uint8_t *p, int len)
{
	uint32_t s = 0;

	for (int i = 0; i < len; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* DHCP message type t; REQUEST names the offered address and server. */
static int dhcp_send(uint8_t t, const uint8_t *req_ip, const uint8_t *server)
{
	memset(o, 0, sizeof(o));
	uint8_t *ip = gnet_eth_hdr(&n, o, bcast, 0x0800);
	uint8_t *udp = ip + 20, *b = udp + 8;
	b[0] = 1;			/* BOOTREQUEST */
	b[1] = 1;			/* Ethernet */
	b[2] = 6;
	b[4] = XID >> 24; b[5] = (uint8_t)(XID >> 16);
	b[6] = (uint8_t)(XID >> 8); b[7] = (uint8_t)XID;
	put_be16(b + 10, 0x8000);	/* broadcast replies */
	memcpy(b + 28, n.mac, 6);	/* chaddr */
	uint8_t *opt = b + 236;
	opt[0] = 99; opt[1] = 130; opt[2] = 83; opt[3] = 99;	/* magic */
	int k = 4;
	opt[k++] = 53; opt[k++] = 1; opt[k++] = t;
	if (req_ip) {
		opt[k++] = 50; opt[k++] = 4; memcpy(opt + k, req_ip, 4); k += 4;
		opt[k++] = 54; opt[k++] = 4; memcpy(opt + k, server, 4); k += 4;
	}
	opt[k++] = 55; opt[k++] = 3; opt[k++] = 1; opt[k++] = 3; opt[k++] = 6;
	opt[k++] = 255;
	int blen = 236 + k, ulen = 8 + blen, iplen = 20 + ulen;
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)iplen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);	/* from 0.0.0.0 to 255.255.255.255 */
	put_be16(ip + 10, ip_csum(ip, 20));
	put_be16(udp, 68);
	put_be16(udp + 2, 67);
	put_be16(udp + 4, (uint16_t)ulen);	/* UDP checksum 0: none */
	return gnet_send(&n, o, (uint32_t)(14 + iplen), NULL);
}

/* An ARP packet (RFC 826) for Ethernet/IPv4 from our MAC and address:
 * op 1 request, 2 reply; tha_tpa: the target's MAC and IP (10 bytes),
 * NULL: unknown MAC, tpa the IP asked for. */
static int arp_send(uint16_t op, const uint8_t *dst, const uint8_t *tha_tpa,
		    const uint8_t *tpa)
{
	memset(o, 0, 60);
	uint8_t *a = gnet_eth_hdr(&n, o, dst, 0x0806);
	put_be16(a, 1);
	put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, op);
	memcpy(a + 8, n.mac, 6);
	memcpy(a + 14, me_ip, 4);
	if (tha_tpa)
		memcpy(a + 18, tha_tpa, 10);
	else
		memcpy(a + 24, tpa, 4);
	return gnet_send(&n, o, 60, NULL);
}

/* Answer an ARP request for our address; true when f was one. */
static bool arp_answer(const uint8_t *p, int len)
{
	if (len < 42 || get_be16(p + 12) != 0x0806 || get_be16(p + 20) != 1 ||
	    memcmp(p + 38, me_ip, 4))
		return false;
	arp_send(2, p + 22, p + 22, NULL);	/* their MAC and IP */
	return true;
}

/* Wait for a DHCP reply of type t to our xid; the BOOTP part or NULL. */
static const uint8_t *dhcp_wait(uint8_t t, int *blen)
{
	for (int i = 0; i < 100; i++) {
		int len = gnet_recv(&n, f, sizeof(f));

		if (len < 14 + 20 + 8 + 240 || get_be16(f + 12) != 0x0800)
			continue;
		const uint8_t *ip = f + 14;
		int ihl = (ip[0] & 15) * 4;
		const uint8_t *udp = ip + ihl, *b = udp + 8;
		if (ip[9] != 17 || get_be16(udp + 2) != 68 || b[0] != 2 ||
		    b[4] != (XID >> 24) || b[7] != (uint8_t)XID)
			continue;
		*blen = len - (int)(b - f);
		for (int k = 240; k + 2 < *blen && b[k] != 255; k += 2 + b[k + 1])
			if (b[k] == 53 && b[k + 2] == t)
				return b;
	}
	return NULL;
}

static const uint8_t *dhcp_opt(const uint8_t *b, int blen, uint8_t code)
{
	for (int k = 240; k + 2 < blen && b[k] != 255; k += 2 + b[k + 1])
		if (b[k] == code)
			return b + k + 2;
	return NULL;
}

int main(void)
{
	int blen = 0;

	sclp_init();
	css_init();
	tap_plan(7);

	int r = gnet_init(&n, NET_F_MAC | NET_F_STATUS | NET_F_MRG_RXBUF);
	if (!tap_ok(r == 0 && (n.status & 1), "virtio-net set up, link up (%d)", r))
		return tap_done();

	dhcp_send(1, NULL, NULL);		/* DISCOVER */
	const uint8_t *b = dhcp_wait(2, &blen);	/* OFFER */
	const uint8_t *sid = b ? dhcp_opt(b, blen, 54) : NULL;
	const uint8_t *rtr = b ? dhcp_opt(b, blen, 3) : NULL;
	const uint8_t *dns = b ? dhcp_opt(b, blen, 6) : NULL;
	tap_ok(b && !memcmp(b + 16, me_ip, 4),
	       "DHCP OFFER of 10.0.2.15 (got %d.%d.%d.%d)", b ? b[16] : 0,
	       b ? b[17] : 0, b ? b[18] : 0, b ? b[19] : 0);
	tap_ok(sid && rtr && dns && !memcmp(sid, gw_ip, 4) &&
	       !memcmp(rtr, gw_ip, 4) && !memcmp(dns, dns_ip, 4),
	       "server and router 10.0.2.2, DNS 10.0.2.3");

	dhcp_send(3, me_ip, gw_ip);		/* REQUEST */
	b = dhcp_wait(5, &blen);		/* ACK */
	tap_ok(b && !memcmp(b + 16, me_ip, 4), "DHCP ACK for 10.0.2.15");

	/* Who has 10.0.2.2? */
	arp_send(1, bcast, NULL, gw_ip);
	bool arp = false;
	for (int i = 0; i < 50 && !arp; i++) {
		int len = gnet_recv(&n, f, sizeof(f));

		arp = len >= 42 && get_be16(f + 12) == 0x0806 &&
		      get_be16(f + 20) == 2 && !memcmp(f + 28, gw_ip, 4) &&
		      !memcmp(f, n.mac, 6);
	}
	tap_ok(arp, "ARP reply for 10.0.2.2 from %02x:%02x:%02x:%02x:%02x:%02x",
	       f[22], f[23], f[24], f[25], f[26], f[27]);

	/* The host connects to the forwarded port: a SYN to 10.0.2.15:7777. */
	bool syn = false;
	int arps = 0;
	for (int i = 0; i < 200 && !syn; i++) {
		int len = gnet_recv(&n, f, sizeof(f));

		if (arp_answer(f, len)) {
			arps++;
			continue;
		}
		if (len < 14 + 20 + 20 || get_be16(f + 12) != 0x0800 ||
		    f[14 + 9] != 6 || memcmp(f + 14 + 16, me_ip, 4))
			continue;
		const uint8_t *tcp = f + 14 + (f[14] & 15) * 4;
		syn = get_be16(tcp + 2) == 7777 && (tcp[13] & 0x12) == 0x02;
	}
	tap_ok(syn, "hostfwd: a SYN to 10.0.2.15:7777 (%d ARP requests answered)",
	       arps);
	tap_ok(gnet_read_status(&n) == 1, "link still up");
	return tap_done();
}
