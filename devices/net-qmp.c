/* SPDX-License-Identifier: MIT */
/*
 * QMP commands for the network (QEMU qapi/net.json):
 *
 *   set_link {name, up}                       -> {}
 *   announce-self {initial, max, rounds, step, interfaces?, id?} -> {}
 *
 * set_link's name is a virtio-net-ccw's id= or its -netdev id (QEMU takes
 * either end of the link); DeviceNotFound for anything else.
 * announce-self runs QEMU's self-announce on every virtio-net device, or
 * on those named in interfaces: rounds rounds, the first now, the next
 * after initial ms, each later one step ms later than the previous,
 * at most max (virtio_net_announce_self()).  id names QEMU's announce
 * timer; here each device has one timer and a new request replaces the
 * running one, so id is accepted and not used.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/virtio-net.h"
#include "vmm/qmp.h"
#include "vmm/vm.h"

static json_t *cmd_set_link(struct qmp_call *call, json_t *args)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	bool up = json_is_true(json_object_get(args, "up"));
	struct virtio_net *n = virtio_net_find(call->vm, name);

	if (!n)
		return qmp_fail(call, QMP_ERR_DEVICE_NOT_FOUND,
				"Device '%s' not found", name);
	virtio_net_set_link(n, up);
	return json_object();
}

/* An integer argument in [0, max]; false after qmp_fail(). */
static bool param(struct qmp_call *call, json_t *args, const char *key,
		  json_int_t max, uint32_t *out)
{
	json_int_t v = json_integer_value(json_object_get(args, key));

	if (v < 0 || v > max) {
		qmp_fail(call, QMP_ERR_GENERIC, "Parameter '%s' expects a value "
			 "from 0 to %lld", key, (long long)max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static json_t *cmd_announce_self(struct qmp_call *call, json_t *args)
{
	json_t *ifs = json_object_get(args, "interfaces"), *v;
	struct net_announce a;
	size_t i;

	if (!param(call, args, "initial", 100000, &a.initial) ||
	    !param(call, args, "max", 100000, &a.max) ||
	    !param(call, args, "rounds", 1000, &a.rounds) ||
	    !param(call, args, "step", 10000, &a.step))
		return NULL;
	/* Names first: all or nothing. */
	json_array_foreach(ifs, i, v)
		if (!json_is_string(v) ||
		    !virtio_net_find(call->vm, json_string_value(v)))
			return qmp_fail(call, QMP_ERR_DEVICE_NOT_FOUND,
					"Device '%s' not found",
					json_is_string(v) ? json_string_value(v) :
					"(not a string)");
	if (ifs) {
		json_array_foreach(ifs, i, v)
			virtio_net_announce_self(virtio_net_find(call->vm,
						 json_string_value(v)), &a);
	} else {
		for (unsigned int k = 0; k < virtio_net_count(call->vm); k++)
			virtio_net_announce_self(virtio_net_at(call->vm, k), &a);
	}
	return json_object();
}

static const struct qmp_arg set_link_args[] = {
	{ "name", QMP_ARG_STR },
	{ "up", QMP_ARG_BOOL },
	{ NULL, 0 },
};

static const struct qmp_arg announce_args[] = {
	{ "initial", QMP_ARG_INT },
	{ "max", QMP_ARG_INT },
	{ "rounds", QMP_ARG_INT },
	{ "step", QMP_ARG_INT },
	{ "interfaces", QMP_ARG_ARRAY | QMP_ARG_OPTIONAL },
	{ "id", QMP_ARG_STR | QMP_ARG_OPTIONAL },
	{ NULL, 0 },
};

const struct qmp_command net_qmp_commands[] = {
	{ "set_link", cmd_set_link, set_link_args },
	{ "announce-self", cmd_announce_self, announce_args },
};
const size_t net_qmp_ncommands =
	sizeof(net_qmp_commands) / sizeof(net_qmp_commands[0]);
