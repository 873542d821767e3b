/* SPDX-License-Identifier: MIT */
/*
 * Privileges of a sandboxed minivmm (libcap-ng, prctl), in the spirit of
 * Firecracker's jailer: after the VM, its images and sockets are set up,
 * the process gives up everything it could use to leave the sandbox.
 *
 *   caps_new_namespaces()      at start, before any thread: a private
 *                              mount namespace when -chroot is given
 *                              (skipped with a note where not permitted)
 *   caps_drop_privileges()     after setup, main thread: chroot(DIR),
 *                              setgroups/setgid/setuid(USER) for all
 *                              threads (glibc), then no capabilities
 *                              (bounding set too) and no_new_privs for
 *                              the calling thread
 *   caps_drop_thread()         every sandboxed thread for itself
 *                              (capabilities are per thread in Linux)
 *
 * A new PID namespace is not created: it only applies to children, and
 * minivmm starts none.
 */
#ifndef MINIVMM_CAPS_H
#define MINIVMM_CAPS_H

#include <stdbool.h>

struct caps_config {
	const char *runas;	/* -runas USER (name or uid), NULL: keep */
	const char *chroot_dir;	/* -chroot DIR, NULL: none */
};

/*
 * Before any thread exists.  Returns 0 (also when namespaces are not
 * permitted: *note then says why, caller prints and frees it) or -errno
 * with *err set.
 */
int caps_new_namespaces(const struct caps_config *cfg, char **note, char **err);

/* 0, or -errno with *err set.  The user is looked up before chroot. */
int caps_drop_privileges(const struct caps_config *cfg, char **err);

/* Empty capability sets and no_new_privs for the calling thread. */
int caps_drop_thread(char **err);

#endif
