// SPDX-License-Identifier: MIT
/*
 * -netdev stream's reconnect= and reconnect-ms= (QEMU 8.0 / 9.2), and
 * -device virtio-net-ccw's id= (QMP set_link's name): what is accepted,
 * what it becomes, and what is refused with a message.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/net-backend.h"
#include "devices/net-setup.h"
#include "tests/ksft.h"

static void parse(const char *arg, int want_rc, uint32_t want_ms,
		  const char *want_err)
{
	struct netdev_config c;
	char *err = NULL;
	int r = netdev_parse(&c, arg, "-netdev", NULL, NULL, &err);

	ksft_test_result(r == want_rc && (r || c.reconnect_ms == want_ms) &&
			 (!want_err || (err && strstr(err, want_err))),
			 "%s -> %d, %u ms (%s)\n", arg, r, r ? 0 : c.reconnect_ms,
			 err ? err : "ok");
	free(err);
}

int main(void)
{
	static struct net_setup_config nc;
	char *err = NULL;

	ksft_print_header();
	ksft_set_plan(9);
	parse("stream,id=a,addr.type=unix,addr.path=/x", 0, 0, NULL);
	parse("stream,id=a,addr.type=unix,addr.path=/x,reconnect=2", 0, 2000, NULL);
	parse("stream,id=a,addr.type=inet,addr.host=127.0.0.1,addr.port=9,"
	      "reconnect-ms=150", 0, 150, NULL);
	parse("stream,id=a,server=on,addr.type=unix,addr.path=/x,reconnect=1",
	      -22, 0, "server=off");
	parse("stream,id=a,addr.type=fd,addr.str=3,reconnect=1", -22, 0,
	      "server=off");
	parse("stream,id=a,addr.type=unix,addr.path=/x,reconnect=-1", -22, 0,
	      "reconnect=-1");
	parse("stream,id=a,addr.type=unix,addr.path=/x,reconnect-ms=soon", -22, 0,
	      "reconnect-ms=soon");

	memset(&nc, 0, sizeof(nc));
	nc.nnetdevs = 1;
	snprintf(nc.netdevs[0].id, sizeof(nc.netdevs[0].id), "n0");
	int i = net_config_add_device(&nc, "netdev=n0,id=nic0", &err);
	ksft_test_result(i == 0 && !strcmp(nc.nics[0].cfg.id, "nic0"),
			 "virtio-net-ccw id=nic0 (%s)\n", err ? err : "ok");
	free(err);
	err = NULL;
	nc.nnics = 0;
	i = net_config_add_device(&nc, "netdev=n0,id=", &err);
	ksft_test_result(i < 0 && err && strstr(err, "id="),
			 "an empty id= refused (%s)\n", err ? err : "accepted");
	free(err);
	ksft_finished();
}
