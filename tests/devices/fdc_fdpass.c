// SPDX-License-Identifier: MIT
/*
 * Descriptors passed to the monitor with SCM_RIGHTS (vmm/qmp-fd.c) and a
 * floppy medium taken from an fd set: getfd/closefd, add-fd (fresh and
 * existing sets, opaque), query-fdsets, remove-fd, the errors QEMU gives,
 * and blockdev-change-medium "/dev/fdset/N" choosing the member by access
 * mode.  First in-process (the medium's sectors read back through the
 * controller), then a minivmm process with its sandbox on (default), where
 * opening an image by name after setup is not allowed: the medium change
 * through an fd set must still work and the process must survive.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "fdc-harness.h"

static int open_img(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		ksft_exit_fail_msg("open %s: %s\n", path, strerror(errno));
	return fd;
}

static json_t *getfd(struct qmp_client *c, const char *name, int fd)
{
	return qmp_pass_fd(c, "getfd", json_pack("{s:s}", "fdname", name), fd);
}

static json_t *closefd(struct qmp_client *c, const char *name)
{
	return qmp_execute(c, "closefd", json_pack("{s:s}", "fdname", name));
}

static void in_process(const char *small)
{
	uint8_t r[7], buf[9 * 512];

	h_setup(NULL, true);
	h_reset();

	ksft_test_result(!strcmp(qmp_take_desc(getfd(H.c, "img", -1)),
				 "No file descriptor supplied via SCM_RIGHTS") &&
			 !strcmp(qmp_take_desc(getfd(H.c, "0img", open_img(small, O_RDONLY))),
				 "Parameter 'fdname' expects a name not starting "
				 "with a digit"),
			 "getfd: no descriptor, or a name starting with a digit: errors\n");

	ksft_test_result(qmp_take_ok(getfd(H.c, "img", open_img(small, O_RDONLY))) &&
			 qmp_take_ok(getfd(H.c, "img", open_img(small, O_RDONLY))) &&
			 qmp_take_ok(closefd(H.c, "img")) &&
			 !strcmp(qmp_take_desc(closefd(H.c, "img")),
				 "File descriptor named 'img' not found"),
			 "getfd twice replaces; closefd; closefd again: not found\n");

	/* Set 0 gets a read-only member; set 5 (named) a read-write one. */
	json_t *a = qmp_pass_fd(H.c, "add-fd", json_pack("{s:s}", "opaque", "ro copy"),
			    open_img(small, O_RDONLY));
	json_t *b = qmp_pass_fd(H.c, "add-fd", json_pack("{s:i}", "fdset-id", 5),
			    open_img(small, O_RDWR));
	json_int_t set_a = json_integer_value(json_object_get(json_object_get(a, "return"),
							      "fdset-id"));
	json_int_t fd_b = json_integer_value(json_object_get(json_object_get(b, "return"),
							     "fd"));
	json_t *q = qmp_execute(H.c, "query-fdsets", NULL);
	json_t *list = json_object_get(q, "return");
	const char *opq = json_string_value(json_object_get(json_array_get(
		json_object_get(json_array_get(list, 0), "fds"), 0), "opaque"));
	bool listed = json_array_size(list) == 2 && opq && !strcmp(opq, "ro copy");
	ksft_test_result(qmp_reply_ok(a) && qmp_reply_ok(b) && set_a == 0 && fd_b > 2 &&
			 listed && !strcmp(qmp_take_desc(qmp_execute(H.c, "add-fd", NULL)),
					   "No file descriptor supplied via SCM_RIGHTS"),
			 "add-fd: set 0 (lowest free), set 5 as asked; query-fdsets lists both\n");
	json_decref(a);
	json_decref(b);
	json_decref(q);

	/* Read-write from set 0 (read-only member only): refused, medium stays. */
	const char *why = qmp_take_desc(qmp_execute(H.c, "blockdev-change-medium",
		json_pack("{s:s,s:s,s:s}", "device", "floppy0", "filename",
			  "/dev/fdset/0", "read-only-mode", "read-write")));
	ksft_test_result(strstr(why, "no descriptor opened read-write") &&
			 fdc_has_media(H.vm->floppy->fdc, 0),
			 "a read-write medium from a set with only a read-only member: "
			 "refused (%s)\n", why);

	ksft_test_result(qmp_take_ok(qmp_execute(H.c, "blockdev-change-medium",
		json_pack("{s:s,s:s,s:s}", "device", "floppy0", "filename",
			  "/dev/fdset/0", "read-only-mode", "read-only"))) &&
			 (outb(DOR, 0x1c), h_seek(0, 0, 3), true),
			 "blockdev-change-medium /dev/fdset/0 (read-only)\n");
	h_dma(DMA_BUF, 9 * 512, true);
	ksft_test_result(CMD(0x46, 0x04, 3, 1, 1, 2, 9, 0x1b, 0xff) &&
			 h_result(r, 7) == 7 && r[0] == 0x04 &&
			 h_mem_read(DMA_BUF, buf, sizeof(buf)) &&
			 buf[0] == h_pattern((3 * 2 + 1) * 9, 0) &&
			 buf[sizeof(buf) - 1] == h_pattern((3 * 2 + 1) * 9 + 8, 511),
			 "the passed 720K medium reads (9 sectors per track)\n");

	char gone[128];
	snprintf(gone, sizeof(gone), "File descriptor named 'fdset-id:5, fd:%lld' "
		 "not found", (long long)fd_b);
	ksft_test_result(qmp_take_ok(qmp_execute(H.c, "remove-fd", json_pack("{s:i,s:I}",
				 "fdset-id", 5, "fd", fd_b))) &&
			 !strcmp(qmp_take_desc(qmp_execute(H.c, "remove-fd", json_pack(
				 "{s:i,s:I}", "fdset-id", 5, "fd", fd_b))), gone) &&
			 strstr(qmp_take_desc(qmp_execute(H.c, "blockdev-change-medium",
				json_pack("{s:s,s:s}", "device", "floppy0", "filename",
					  "/dev/fdset/5"))), "no fd set 5"),
			 "remove-fd drops set 5; again: not found; opening it: no fd set\n");
	h_teardown();
}

/* A minivmm process, sandbox as configured (on unless MINIVMM_ARGS says). */
static void in_process_sandbox(const char *big, const char *small)
{
	char drive[256];
	struct vmm_proc p;
	const char *args[] = { "-drive", drive, NULL };

	snprintf(drive, sizeof(drive), "file=%s,if=floppy,format=raw", big);
	if (vmm_spawn(&p, true, true, args) < 0)
		ksft_exit_fail_msg("cannot start minivmm\n");
	struct qmp_client *c = qmp_client_new(p.qmp_fd, NULL, NULL, true);
	if (!c)
		ksft_exit_fail_msg("no QMP greeting\n");
	json_t *a = qmp_pass_fd(c, "add-fd", NULL, open_img(small, O_RDWR));
	bool added = qmp_reply_ok(a);
	json_decref(a);
	bool changed = qmp_take_ok(qmp_execute(c, "blockdev-change-medium",
		json_pack("{s:s,s:s}", "device", "floppy0", "filename", "/dev/fdset/0")));
	bool by_name = qmp_take_ok(getfd(c, "mig", open_img(small, O_RDONLY))) &&
		       qmp_take_ok(closefd(c, "mig"));
	bool alive = qmp_take_ok(qmp_execute(c, "query-status", NULL));
	ksft_test_result(added && changed && by_name && alive,
			 "minivmm process (sandboxed): add-fd, change medium to "
			 "/dev/fdset/0, getfd/closefd; still serving\n");
	qmp_take_ok(qmp_execute(c, "quit", NULL));
	qmp_client_free(c);
	int st = vmm_wait(&p);
	ksft_test_result(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			 "quit: exit status 0 (no SIGSYS: status 0x%x)\n", st);
}

int main(void)
{
	char dir[] = "/tmp/fdc-fdpass-XXXXXX", small[128], big[128];

	ksft_print_header();
	ksft_set_plan(9);
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp\n");
	snprintf(H.dir, sizeof(H.dir), "%s", dir);
	h_make_image(small, sizeof(small), "small.img", 737280);
	h_make_image(big, sizeof(big), "big.img", IMG_1440K);
	in_process(small);
	in_process_sandbox(big, small);
	unlink(small);
	unlink(big);
	rmdir(dir);
	return ksft_finished();
}
