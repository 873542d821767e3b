// SPDX-License-Identifier: MIT
/*
 * Capabilities, no_new_privs, -runas, -chroot (see caps.h).
 *
 * Facts this relies on (capabilities(7), prctl(2), unshare(2)):
 *  - capability sets and no_new_privs belong to a thread; new threads
 *    inherit them from their creator;
 *  - a setuid() from 0 to another uid clears the permitted and effective
 *    sets; glibc applies setuid/setgid/setgroups to every thread;
 *  - dropping from the bounding set needs CAP_SETPCAP; with
 *    no_new_privs the bounding set only matters for execve, which no
 *    allowlist permits anyway;
 *  - unshare(CLONE_NEWNS) implies CLONE_FS and fails with EINVAL once
 *    another thread shares the fs information, so it comes first.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "seccomp/caps.h"
#include "vmm/error.h"

#ifdef MINIVMM_HAVE_CAPNG
#include <cap-ng.h>
#endif

int caps_new_namespaces(const struct caps_config *cfg, char **note, char **err)
{
	(void)err;
	if (!cfg->chroot_dir)
		return 0;
	if (unshare(CLONE_NEWNS) < 0) {
		int e = errno;

		error_setf(note, "-chroot: no private mount namespace (%s); "
			   "continuing without one", strerror(e));
		return 0;
	}
	/* Mounts made or removed outside must not show up inside. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		int e = errno;

		error_setf(note, "-chroot: cannot make mounts private (%s)",
			   strerror(e));
	}
	return 0;
}

/* USER is a name from the password database or a numeric uid. */
static int lookup_user(const char *user, uid_t *uid, gid_t *gid, char **err)
{
	struct passwd *pw = getpwnam(user);
	char *end;

	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		return 0;
	}
	errno = 0;
	unsigned long v = strtoul(user, &end, 10);
	if (*user && !*end && !errno && v < (unsigned long)(uid_t)-1) {
		*uid = (uid_t)v;
		*gid = (gid_t)v;
		return 0;
	}
	error_setf(err, "-runas: unknown user '%s'", user);
	return -ENOENT;
}

int caps_drop_thread(char **err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int e = errno;

		error_setf(err, "sandbox: no_new_privs: %s", strerror(e));
		return -e;
	}
#ifdef MINIVMM_HAVE_CAPNG
	capng_clear(CAPNG_SELECT_BOTH);
	/* Without CAP_SETPCAP the bounding set stays (see the top). */
	(void)capng_apply(CAPNG_SELECT_BOUNDS);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0) {
		error_setf(err, "sandbox: cannot drop capabilities (capset)");
		return -EPERM;
	}
#endif
	return 0;
}

int caps_drop_privileges(const struct caps_config *cfg, char **err)
{
	uid_t uid = 0;
	gid_t gid = 0;
	int rc;

	if (cfg->runas && (rc = lookup_user(cfg->runas, &uid, &gid, err)) < 0)
		return rc;
	if (cfg->chroot_dir) {
		if (chroot(cfg->chroot_dir) < 0 || chdir("/") < 0) {
			int e = errno;

			error_setf(err, "-chroot %s: %s", cfg->chroot_dir,
				   strerror(e));
			return -e;
		}
	}
	if (cfg->runas) {
		/* Groups first: after setuid() there is no right to change them. */
		if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
			int e = errno;

			error_setf(err, "-runas %s: %s", cfg->runas, strerror(e));
			return -e;
		}
		/* No way back: a saved uid of 0 would allow one. */
		if (uid != 0 && setuid(0) == 0) {
			error_setf(err, "-runas %s: could regain uid 0", cfg->runas);
			return -EPERM;
		}
	}
	return caps_drop_thread(err);
}
