// SPDX-License-Identifier: MIT
/*
 * Untouched frames of guest RAM, from /proc/self/pagemap (Linux
 * Documentation/admin-guide/mm/pagemap.rst): one u64 per virtual page,
 * bit 63 "page present", bit 62 "page swapped" (set for every non-empty
 * page table entry that is not a present page: swap and zswap entries,
 * migration entries while the kernel moves the page, device-private
 * entries; a PMD-mapped huge page reports each 4 KiB part present).
 * Unprivileged readers get these flags (only the frame numbers are
 * hidden, since Linux 4.2).
 *
 * Why "neither present nor swapped" means "reads as zero", exactly:
 * guest RAM is one MAP_PRIVATE | MAP_ANONYMOUS mapping (vmm/vm.c).  In
 * such a mapping a page's contents exist only behind its page table
 * entry: an empty entry is a page never faulted in (the first read maps
 * the shared zero page, which then counts as present; the first write
 * allocates a zeroed page), or one given back with MADV_DONTNEED /
 * reclaimed after MADV_FREE, which also reads as zero.  Everything that
 * moves contents away from the entry leaves a non-empty swap-type entry
 * (swap-out, page migration), reported as "swapped".  That is why
 * mincore() is not enough (a swapped-out page is "not resident" but holds
 * data) and why the rule holds only for private anonymous memory (a
 * file or shared mapping keeps contents in the page cache with no entry
 * in our page table): mig_untouched_open() checks /proc/self/maps for
 * that and refuses anything else.  It also checks that the pagemap
 * describes this address space (under qemu-user the guest's addresses are
 * not the host's and the pagemap is the host process's): it maps a probe
 * of 64 pages (too small for a huge page), writes some and must read back
 * exactly that pattern, else it refuses.
 *
 * Concurrent writers: a store needs its page present before it completes,
 * so a store that happened before the query is seen as present; one after
 * it is the dirty log's (pre-copy starts logging before pass 1 queries,
 * as it did before reading pages).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "migrate/untouched.h"

#define PAGE		4096u
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAPPED	(1ULL << 62)
#define PROBE_PAGES	64u

struct mig_untouched {
	int fd;
	uintptr_t ram;
	uint64_t npages;
};

/* The whole of a small /proc file (read-only open, read, close: what the
 * migration thread's seccomp list allows; no stdio, which fstat()s). */
static char *read_proc(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 1 << 16;
	char *buf = NULL;

	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || cap - len < 4096) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0) {
			buf[len] = 0;
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	return buf;
}

/*
 * Every byte of [lo, hi) is in mappings that are private and anonymous:
 * "start-end perms offset dev inode [path]" with perms[3] == 'p', inode
 * 0 and no path (or an anonymous name: "[anon:...]", "[heap]").
 */
static bool private_anon(uintptr_t lo, uintptr_t hi)
{
	char *maps = read_proc("/proc/self/maps");
	uintptr_t covered = lo;
	bool ok = true;

	if (!maps)
		return false;
	for (char *line = maps; *line && ok && covered < hi;) {
		char *nl = strchr(line, '\n');
		unsigned long long s, e, off, inode;
		char perms[8], dev[32];
		int n = 0;

		if (nl)
			*nl = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %31s %llu %n", &s, &e,
			   perms, &off, dev, &inode, &n) < 6) {
			ok = false;
			break;
		}
		const char *path = line + n;

		if (e > covered && s <= covered) {
			if (perms[3] != 'p' || inode != 0 ||
			    (*path && strncmp(path, "[anon:", 6) &&
			     strcmp(path, "[heap]")))
				ok = false;
			else
				covered = (uintptr_t)e;
		}
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(maps);
	return ok && covered >= hi;
}

static int pm_read(int fd, uintptr_t addr, unsigned int n, uint64_t *pm)
{
	size_t want = (size_t)n * 8, done = 0;
	off_t off = (off_t)(addr / PAGE) * 8;

	while (done < want) {
		ssize_t r = pread(fd, (uint8_t *)pm + done, want - done,
				  off + (off_t)done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		done += (size_t)r;
	}
	return 0;
}

/* Does the pagemap describe our address space?  Write a pattern into a
 * fresh probe mapping and read it back. */
static bool probe_ok(int fd)
{
	uint8_t *p = mmap(NULL, PROBE_PAGES * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t pm[PROBE_PAGES];
	bool ok;

	if (p == MAP_FAILED)
		return false;
	for (unsigned int i = 0; i < PROBE_PAGES; i++)
		if (i % 3 == 1 || i == PROBE_PAGES - 1)
			((volatile uint8_t *)p)[i * PAGE + 7] = 1;
	ok = pm_read(fd, (uintptr_t)p, PROBE_PAGES, pm) == 0;
	for (unsigned int i = 0; ok && i < PROBE_PAGES; i++) {
		bool touched = i % 3 == 1 || i == PROBE_PAGES - 1;

		if (touched != !!(pm[i] & (PM_PRESENT | PM_SWAPPED)))
			ok = false;
	}
	munmap(p, PROBE_PAGES * PAGE);
	return ok;
}

struct mig_untouched *mig_untouched_open(const void *ram, uint64_t size,
					 const char **why)
{
	uintptr_t lo = (uintptr_t)ram;
	struct mig_untouched *u;
	const char *w = NULL;
	int fd = -1;

	if (!ram || !size || lo % PAGE || size % PAGE)
		w = "RAM not page aligned";
	else if (!private_anon(lo, lo + size))
		w = "RAM is not private anonymous memory (or /proc/self/maps "
		    "is unreadable)";
	else if ((fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) < 0)
		w = "no /proc/self/pagemap";
	else if (!probe_ok(fd))
		w = "/proc/self/pagemap does not describe this address space";
	if (!w && !(u = calloc(1, sizeof(*u))))
		w = "out of memory";
	if (why)
		*why = w;
	if (w) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	u->fd = fd;
	u->ram = lo;
	u->npages = size / PAGE;
	return u;
}

void mig_untouched_close(struct mig_untouched *u)
{
	if (!u)
		return;
	close(u->fd);
	free(u);
}

int mig_untouched_get(struct mig_untouched *u, uint64_t first, unsigned int n,
		      uint64_t bits[MIG_UNTOUCHED_MAX / 64])
{
	uint64_t pm[MIG_UNTOUCHED_MAX];
	int rc;

	memset(bits, 0, MIG_UNTOUCHED_MAX / 8);
	if (!u || n > MIG_UNTOUCHED_MAX || first >= u->npages ||
	    n > u->npages - first)
		return -EINVAL;
	rc = pm_read(u->fd, u->ram + first * PAGE, n, pm);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < n; i++)
		if (!(pm[i] & (PM_PRESENT | PM_SWAPPED)))
			bits[i / 64] |= 1ULL << (i % 64);
	return 0;
}
