// SPDX-License-Identifier: MIT
/*
 * Guest continuity across a save/restore in two minivmm processes, with
 * device state in the middle of an operation:
 *
 *   continuity blk GUEST.elf [M]       migblk.c: virtio-blk requests
 *                                      queued and not yet seen completed;
 *   continuity fdc NAME GUEST.elf [M]  migfloppy.c: a floppy command
 *                                      stopped in the command, execution
 *                                      or result phase (NAME as the guest
 *                                      prints it).
 *
 * M is the machine type of both sides (default s390-ccw-mini-3; on -1 the
 * fdc/phase subsection is sent only when needed, compat row).
 *
 * The source (-qmp, console input from a pipe) runs the guest until it
 * prints "NAME ready" and waits (migguest.h); QMP migrate to a file; then
 * "go" is typed until the guest answers, and the source must finish its
 * TAP checks.  The destination (-incoming file:) gets the same devices
 * and image, is typed "go" the same way ("go-quiet" for virtio-blk: no
 * new notification from the guest) and must pass the same checks
 * without printing "ready" again (it continues from the saved point).
 * The image is checked afterwards.  For the floppy the image is put back
 * to its first contents before the destination runs: at the save no
 * sector had been written, so what the destination leaves is its own.
 * Every wait is a bounded poll.  Environment: MINIVMM; CONTINUITY_KEEP
 * keeps the state file, outputs and image (the directory is printed).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ksft.h"
#include "tests/lib/qmp-client.h"
#include "tests/guests/runner.h"
#include "tests/guests/floppy-pattern.h"
#include "tests/migrate/proc.h"
#include "migimage.h"

static char dir[64], out_src[128], out_dst[128], state[128], img[128];
static bool floppy;

static bool has(const char *path, const char *text)
{
	return proc_count(path, text) != 0;
}

/* Type word (a line) until the guest answers "NAME go" (bounded). */
static bool go(int in, const char *out, const char *name, const char *word)
{
	char ack[80];
	size_t n = strlen(word);

	snprintf(ack, sizeof(ack), "%s go\n", name);
	for (int i = 0; i < PROC_WAIT_STEPS / 10; i++) {
		/* The guest may have answered and minivmm exited since the
		 * last line (the pipe is then closed): the answer decides. */
		if (has(out, ack))
			return true;
		if (write(in, word, n) != (ssize_t)n)
			return has(out, ack);
		for (int k = 0; k < 10; k++) {
			if (has(out, ack))
				return true;
			usleep(10000);
		}
	}
	return has(out, ack);
}

static void show(const char *what, const char *path)
{
	char *s = slurp(path);

	ksft_print_msg("%s output:\n", what);
	guest_verdict(s, NULL, NULL);
	free(s);
}

static bool verdict(const char *path)
{
	char *s = slurp(path);
	int planned, oks;
	bool ok = guest_verdict(s, &planned, &oks);

	free(s);
	return ok;
}

int main(int argc, char **argv)
{
	const char *name, *guest, *machine = "s390-ccw-mini-3";
	char drive[200], uri[160], ready[80];
	struct vmm_proc p;
	int in = -1, ws;

	ksft_print_header();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "blk")) {
		name = "migblk";
		guest = argv[2];
		machine = argc == 4 ? argv[3] : machine;
	} else if ((argc == 4 || argc == 5) && !strcmp(argv[1], "fdc")) {
		floppy = true;
		name = argv[2];
		guest = argv[3];
		machine = argc == 5 ? argv[4] : machine;
	} else {
		ksft_exit_skip("usage: %s blk GUEST [MACHINE] | fdc NAME GUEST "
			       "[MACHINE]\n", argv[0]);
	}
	if (!getenv("MINIVMM"))
		ksft_exit_skip("$MINIVMM is not set\n");
	ksft_set_plan(6);
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/minivmm-cont-XXXXXX");
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(out_src, sizeof(out_src), "%s/src.out", dir);
	snprintf(out_dst, sizeof(out_dst), "%s/dst.out", dir);
	snprintf(state, sizeof(state), "%s/state.mig", dir);
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	snprintf(uri, sizeof(uri), "file:%s", state);
	snprintf(ready, sizeof(ready), "%s ready\n", name);
	if (floppy)
		snprintf(drive, sizeof(drive), "file=%s,if=floppy,format=raw", img);
	else
		snprintf(drive, sizeof(drive), "file=%s,format=raw,if=none,id=d0", img);
	if (migimg_make(img, floppy))
		ksft_exit_fail_msg("cannot write %s\n", img);

	/* Source. */
	const char *const sargs[] = { "-M", machine, "-kernel", guest,
				      "-drive", drive,
				      floppy ? NULL : "-device", "virtio-blk-ccw,drive=d0",
				      NULL };
	if (proc_spawn(&p, true, sargs, out_src, &in) < 0)
		ksft_exit_fail_msg("spawn the source\n");
	struct qmp_client *c = qmp_client_new(p.qmp_fd, NULL, NULL, true);
	bool stopped = c && proc_wait_for(out_src, ready);
	ksft_test_result(stopped, "source (%s): the guest stops at '%s'\n",
			 machine, name);
	json_t *r = stopped ? qmp_execute(c, "migrate", json_pack("{s:s}", "uri", uri))
			    : NULL;
	bool saved = r && qmp_reply_ok(r);
	ksft_test_result(saved, "source: QMP migrate to %s\n", uri);
	json_decref(r);
	bool resumed = saved && go(in, out_src, name, "go\n");
	close(in);
	ws = vmm_wait(&p);
	qmp_client_free(c);
	ksft_test_result(resumed && proc_exited_with(ws, 0) && verdict(out_src),
			 "source: the guest finishes and passes its checks\n");
	if (!resumed || !proc_exited_with(ws, 0))
		show("source", out_src);

	/* Destination, on the image as it was at the save (floppy). */
	if (floppy && migimg_make(img, floppy))
		ksft_exit_fail_msg("cannot rewrite %s\n", img);
	const char *const dargs[] = { "-M", machine, "-incoming", uri,
				      "-drive", drive,
				      floppy ? NULL : "-device", "virtio-blk-ccw,drive=d0",
				      NULL };
	bool dst_ok = false;
	if (saved && proc_spawn(&p, false, dargs, out_dst, &in) == 0) {
		/* virtio-blk: the guest does not notify again, the restored
		 * transport must look at the queue by itself. */
		bool resumed2 = go(in, out_dst, name, floppy ? "go\n" : "go-quiet\n");

		close(in);
		ws = vmm_wait(&p);
		dst_ok = resumed2 && proc_exited_with(ws, 0) && verdict(out_dst);
		if (!dst_ok)
			show("destination", out_dst);
	}
	ksft_test_result(dst_ok, "destination: the restored guest finishes and "
			 "passes its checks\n");
	ksft_test_result(dst_ok && !has(out_dst, ready),
			 "destination: it continued from the saved point\n");
	ksft_test_result(dst_ok && migimg_check(img, floppy, name),
			 "the image holds what the guest wrote, nothing else changed\n");

	if (getenv("CONTINUITY_KEEP")) {	/* for a look with minivmm-stream */
		ksft_print_msg("kept %s\n", dir);
		return ksft_finished();
	}
	unlink(out_src);
	unlink(out_dst);
	unlink(state);
	unlink(img);
	rmdir(dir);
	return ksft_finished();
}
