/* SPDX-License-Identifier: MIT */
/*
 * QEMU-style option values: "name,key=value,key=value".  opt_item_next()
 * takes the next comma-separated item off *s; the first item may be a bare
 * name (bare = true, the text in val).
 */
#ifndef MINIVMM_OPTITEM_H
#define MINIVMM_OPTITEM_H

#include <stdbool.h>

#define OPT_ITEM_KEY_MAX	32
#define OPT_ITEM_VAL_MAX	1024

struct opt_item {
	char key[OPT_ITEM_KEY_MAX];
	char val[OPT_ITEM_VAL_MAX];
	bool bare;
};

/* 1 with *it filled, 0 at the end, -EINVAL (and *err naming opt) when an
 * item does not fit. */
int opt_item_next(const char **s, struct opt_item *it, const char *opt,
		  char **err);

#endif
