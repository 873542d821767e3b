/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "vmm/error.h"
#include "vmm/optitem.h"

int opt_item_next(const char **s, struct opt_item *it, const char *opt,
		  char **err)
{
	const char *p = *s, *end, *eq;

	if (!p)
		return 0;
	end = strchr(p, ',');
	*s = end ? end + 1 : NULL;
	if (!end)
		end = p + strlen(p);
	eq = memchr(p, '=', (size_t)(end - p));
	it->bare = !eq;
	size_t kl = eq ? (size_t)(eq - p) : 0;
	const char *v = eq ? eq + 1 : p;
	size_t vl = (size_t)(end - v);
	if (kl >= sizeof(it->key) || vl >= sizeof(it->val)) {
		error_setf(err, "%s: item '%.*s' too long", opt, (int)(end - p), p);
		return -EINVAL;
	}
	memcpy(it->key, p, kl);
	it->key[kl] = '\0';
	memcpy(it->val, v, vl);
	it->val[vl] = '\0';
	return 1;
}
