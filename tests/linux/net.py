#!/usr/bin/env python3
"""Debian's s390x kernel with virtio_net.ko on -nic user; TAP on stdout.

    net.py --vmm MINIVMM --mode basic|migrate [--timeout S] [--keep DIR]

The initramfs (mkinitramfs.py) holds busybox, tests/linux/net-init.sh as
/init and virtio_net.ko with what its .modinfo says it depends on
(net_failover, failover), all from the cached Debian kernel package
(scripts/fetch-linux).  The VM gets -nic user with hostfwd from two
loopback ports to the guest's 7777 and 7778.  The host side:

basic    an HTTP server on 127.0.0.1 (the guest reaches it as
         10.0.2.2:PORT through slirp) serves a 192 KiB random blob; the
         guest's busybox udhcpc gets a lease, wget fetches the blob and
         its sha256 must equal the host's; then the host connects to the
         hostfwd port, the guest's busybox nc on 7777 must greet it and
         get the host's line.
migrate  a TCP connection A through hostfwd to the guest's nc on 7777
         carries a ping/pong; with A still open, QMP migrate writes the
         VM to a file and the source minivmm quits; a second minivmm
         restores it (-incoming file:).  What TCP allows, checked: A's
         host end was a socket of the source process, so the host sees
         A end when the source exits; the restored guest (same boot_id:
         the same kernel, no reboot) keeps its lease and its listening
         socket on 7778, and a new connection B through the destination's
         slirp reaches it; the guest's next segment on A gets a reset
         from the destination's slirp, which never knew A, and the
         guest's nc on A ends.  After the restore the device asks the
         guest to announce itself (VIRTIO_NET_S_ANNOUNCE).

The test skips ("1..0 # SKIP") when the packages cannot be fetched.
"""
import argparse
import hashlib
import http.server
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
from ltlib import Results, begin, guest_checks, mkinitramfs, qmp, tap, \
    workdir  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def http_server(root):
    handler = lambda *a, **k: Quiet(*a, directory=str(root), **k)  # noqa: E731
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.timeout = 1
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv


class Vmm:
    """A minivmm whose console lines are collected by a thread."""

    spawned = []    # every minivmm, killed at the end whatever happened

    def __init__(self, argv, t0, tag):
        tap("# %s: %s" % (tag, " ".join(shlex.quote(x) for x in argv)))
        self.t0, self.tag = t0, tag
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        Vmm.spawned.append(self.proc)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            tap("# [%7.2f %s] %s" % (time.monotonic() - self.t0, self.tag, line))
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)     # EOF
            self.cond.notify_all()

    def wait_line(self, prefix, timeout):
        """True when a console line starts with prefix (bounded)."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                if any(l is not None and l.startswith(prefix) for l in self.lines):
                    return True
                if None in self.lines or time.monotonic() >= end:
                    return False
                self.cond.wait(min(1.0, max(0.0, end - time.monotonic())))

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.reader.join(10)


def talk(port, send, expect, timeout):
    """Connect to 127.0.0.1:port (retrying while slirp resets us because
    the guest does not listen yet), send a line, read until expect
    (a regex) matches.  Returns (socket, match) or (None, reason)."""
    end = time.monotonic() + timeout
    reason = "no attempt"
    while time.monotonic() < end:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(send)
            buf = b""
            s.settimeout(max(1.0, min(20.0, end - time.monotonic())))
            while True:
                m = re.search(expect, buf)
                if m:
                    return s, m
                b = s.recv(4096)
                if not b:
                    reason = "EOF after %r" % buf
                    break
                buf += b
            s.close()
        except OSError as e:
            reason = str(e)
        time.sleep(0.5)
    return None, reason


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmm", required=True)
    ap.add_argument("--mode", choices=("basic", "migrate"), default="basic")
    ap.add_argument("--timeout", type=float, default=400)
    ap.add_argument("--keep")
    ap.add_argument("--vmm-arg", action="append", default=[],
                    help="extra argument for minivmm (repeatable)")
    a = ap.parse_args()

    env = begin()
    if env is None:
        return 0
    work = workdir(a.keep, "minivmm-linux-net.")
    initrd = work / "initramfs.cpio.gz"
    mkinitramfs(env, "net-init.sh", ["virtio_net"], initrd)

    www = work / "www"
    www.mkdir(exist_ok=True)
    blob = os.urandom(192 << 10)
    (www / "blob").write_bytes(blob)
    sha = hashlib.sha256(blob).hexdigest()
    srv = http_server(www)
    hport = srv.server_address[1]
    pa, pb = free_port(), free_port()
    qmp_path = str(work / "qmp.sock")
    state = str(work / "vm.mig")
    append = "console=ttysclp0 nt_mode=%s nt_http=%d nt_sha=%s" % (
        a.mode, hport, sha)
    base = [a.vmm] + a.vmm_arg + ["-m", "256", "-kernel", env["LINUX_KERNEL"],
            "-initrd", str(initrd), "-append", append,
            "-nic", "user,hostfwd=tcp:127.0.0.1:%d-:7777,"
            "hostfwd=tcp:127.0.0.1:%d-:7778" % (pa, pb),
            "-qmp", "unix:%s,server=on,wait=off" % qmp_path]

    t0 = time.monotonic()
    result = Results()

    src = Vmm(base, t0, "src")
    vms = [src]
    host = []       # host-side results, reported after the guest's
    if a.mode == "basic":
        if src.wait_line("LT: listening 7777", a.timeout):
            s, m = talk(pa, b"host says hello\n", rb"guest says hello", 60)
            host.append((s is not None,
                         "hostfwd 127.0.0.1:%d -> guest 7777: the guest's "
                         "greeting arrived (%s)" % (pa, "yes" if s else m)))
            if s:
                time.sleep(0.5)     # let the line reach the guest first
                s.close()
        else:
            host.append((False, "the guest's nc listened on 7777"))
        status = src.wait_exit(max(1.0, a.timeout - (time.monotonic() - t0)))
        host.append((status == 0, "poweroff -f ended the VM with status 0 "
                     "(status %s)" % status))
    else:
        sa = None
        if src.wait_line("LT: listening 7777", a.timeout):
            sa, m = talk(pa, b"ping A\n", rb"pong A", 60)
            host.append((sa is not None, "A: ping/pong through hostfwd "
                         "before the migration (%s)" % ("yes" if sa else m)))
        ready = src.wait_line("LT: ready for migration", 120)
        host.append((ready, "the guest is ready for the migration"))
        boot_id = None
        for l in src.lines:
            mm = re.match(r"LT: # boot_id (\S+)", l or "")
            if mm:
                boot_id = mm.group(1)
        r = qmp(qmp_path, [{"execute": "migrate",
                            "arguments": {"uri": "file:" + state}},
                           {"execute": "query-migrate"}]) if ready else []
        saved = len(r) == 2 and "return" in r[0] and \
            r[1].get("return", {}).get("status") == "completed"
        host.append((saved, "QMP migrate file: with A open: %s" % r))
        try:
            qmp(qmp_path, [{"execute": "quit"}], timeout=10)
        except OSError:
            pass
        st = src.wait_exit(60)
        host.append((st == 0, "the source quit (status %s)" % st))
        ended = False
        if sa:
            sa.settimeout(10)
            try:
                ended = sa.recv(4096) == b""
            except OSError:
                ended = True
            sa.close()
        host.append((ended, "A's host end was closed with the source "
                     "(its socket lived in the source process)"))
        if saved:
            dst = Vmm(base + ["-incoming", "file:" + state], t0, "dst")
            vms.append(dst)
            sb, m = talk(pb, b"ping B\n", rb"boot (\S+)", 120)
            host.append((sb is not None and m.group(1).decode() == boot_id,
                         "B: a new connection through the destination's "
                         "slirp reaches the restored guest, boot_id %s "
                         "(before: %s)" % (m.group(1).decode() if sb else m,
                                           boot_id)))
            if sb:
                time.sleep(0.5)
                sb.close()
            status = dst.wait_exit(max(1.0, a.timeout - (time.monotonic() - t0)))
            host.append((status == 0, "the restored guest powered off with "
                         "status 0 (status %s)" % status))

    srv.shutdown()
    srv.server_close()
    guest = [l for v in vms for l in v.lines if l and l.startswith("LT: ")]
    checks, plan = guest_checks(guest, result)
    result(plan is not None and plan == checks,
           "/init finished its checks (%s of %s)" % (checks, plan))
    for ok, what in host:
        result(ok, what)
    tap("# %s: %.1f s" % (a.mode, time.monotonic() - t0))
    tap("1..%d" % result.n)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run():
    try:
        return main()
    finally:
        for p in Vmm.spawned:
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    sys.exit(run())
