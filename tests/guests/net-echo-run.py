#!/usr/bin/env python3
"""Host side of the echo guest (tests/guests/net-echo.c); TAP on stdout.

    net-echo-run.py MODE MINIVMM net-echo.elf

The runner is the guest's peer on a -netdev stream link (a unix socket it
listens on; minivmm connects, server=off; QEMU's framing, a 4-byte
big-endian length before each frame) and drives minivmm through QMP.
Frames of EtherType 0x88b5 "seq N" go to the guest, which answers
"echo seq N".  Modes:

migrate    a sender thread keeps sending seq frames every 5 ms; after 30
           echoes QMP stop, migrate file: (separate processes: the
           source then quits), and a second minivmm with -incoming file:
           connects to the same peer and continues.  Checks: every echo
           answers a frame that was sent, no seq is echoed twice (frames
           the stopped source took may be lost, none duplicated), the
           echoes go on after the restore, and the restored device
           announces itself: a RARP from the guest's MAC reaches the peer
           and the guest, which negotiated GUEST_ANNOUNCE, sees the
           ANNOUNCE status bit, sends its gratuitous frame and acks.
link       QMP set_link {name, up}: down -> the guest sees LINK_UP clear
           (configuration interruption), frames from the peer are dropped
           (the peer waits until the device has read them: SIOCOUTQ 0) and
           so is what the guest sends (an announce round while down: no
           RARP, the guest's frame lost); up -> LINK_UP again and echoes;
           an unknown name is DeviceNotFound.
announce   QMP announce-self {initial 50, max 200, rounds 3, step 50}:
           exactly three RARPs from the guest's MAC, and the guest
           announces itself; bad arguments and an unknown interface
           are refused.
reconnect  -netdev stream,...,reconnect-ms=200 started while nobody
           listens: the link is down; the peer starts listening and the
           link comes up; the peer hangs up: link down; minivmm connects
           again by itself: link up and echoes work.
Every wait is bounded (NET_ECHO_TIMEOUT seconds, default 60).
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import fcntl
import termios

ETH_TEST = 0x88b5
ETH_RARP = 0x8035
GUEST_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("020000000001")
TIMEOUT = float(os.environ.get("NET_ECHO_TIMEOUT", "60"))

n_tests = 0


def result(ok, what):
    global n_tests
    n_tests += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n_tests, what), flush=True)
    return ok


def diag(msg):
    print("# " + msg, flush=True)


def wait_for(cond, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


class Peer:
    """The other end of the stream link: one connection at a time."""

    def __init__(self, path, listen=True):
        self.path = path
        self.lsock = None
        self.conn = None
        self.lock = threading.Lock()
        self.frames = []            # (time, dst, src, type, payload)
        self.conns = 0
        self.stop = False
        if listen:
            self.listen()

    def listen(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(self.path)
        self.lsock.listen(1)
        self.lsock.settimeout(0.2)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stop:
            ls = self.lsock
            if ls is None:
                return
            try:
                c, _ = ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.conn = c
                self.conns += 1
            self._read(c)
            with self.lock:
                if self.conn is c:
                    self.conn = None
            c.close()

    def _read(self, c):
        buf = b""
        c.settimeout(0.2)
        while not self.stop:
            try:
                b = c.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not b:
                return
            buf += b
            while len(buf) >= 4:
                (ln,) = struct.unpack(">I", buf[:4])
                if len(buf) < 4 + ln:
                    break
                f = buf[4:4 + ln]
                buf = buf[4 + ln:]
                if len(f) >= 14:
                    with self.lock:
                        self.frames.append((time.monotonic(), f[:6], f[6:12],
                                            struct.unpack(">H", f[12:14])[0],
                                            f[14:]))

    def send(self, payload, dst=GUEST_MAC):
        f = dst + PEER_MAC + struct.pack(">H", ETH_TEST) + payload
        f = f.ljust(60, b"\0")
        with self.lock:
            c = self.conn
        if c is None:
            return False
        try:
            c.sendall(struct.pack(">I", len(f)) + f)
            return True
        except OSError:
            return False

    def unread(self):
        """Bytes the device has not read yet (SIOCOUTQ)."""
        with self.lock:
            c = self.conn
        if c is None:
            return 0
        b = fcntl.ioctl(c.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        return struct.unpack("i", b)[0]

    def hang_up(self):
        """Close the connection and stop listening (connects are refused
        until listen() again)."""
        ls, self.lsock = self.lsock, None
        ls.close()
        with self.lock:
            c = self.conn
            self.conn = None
        if c:
            c.shutdown(socket.SHUT_RDWR)

    def echoes(self):
        out = []
        with self.lock:
            for _, _, src, t, p in self.frames:
                if t == ETH_TEST and p.startswith(b"echo seq "):
                    out.append(int(p[9:].split(b"\0")[0]))
        return out

    def count(self, etype, prefix=b"", src=GUEST_MAC):
        with self.lock:
            return sum(1 for _, _, s, t, p in self.frames
                       if t == etype and s == src and p.startswith(prefix))

    def close(self):
        self.stop = True
        ls, self.lsock = self.lsock, None
        if ls:
            ls.close()


spawned = []       # every minivmm, killed at the end whatever happened


class Vmm:
    def __init__(self, argv, tag):
        diag("%s: %s" % (tag, " ".join(argv)))
        self.tag = tag
        self.lines = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        spawned.append(self.proc)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            diag("%s| %s" % (self.tag, line))
            with self.lock:
                self.lines.append(line)

    def count(self, prefix):
        with self.lock:
            return sum(1 for l in self.lines if l.startswith(prefix))

    def wait_line(self, prefix, n=1):
        return wait_for(lambda: self.count(prefix) >= n)

    def wait_exit(self, timeout=TIMEOUT):
        try:
            st = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            st = self.proc.wait()
            st = "killed (%s)" % st
        self.t.join(10)
        return st


class Qmp:
    def __init__(self, path):
        end = time.monotonic() + TIMEOUT
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.settimeout(TIMEOUT)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())
        self.cmd("qmp_capabilities")

    def cmd(self, execute, **args):
        req = {"execute": execute}
        if args:
            req["arguments"] = args
        self.f.write(json.dumps(req) + "\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                return {"error": {"class": "EOF", "desc": "connection closed"}}
            r = json.loads(line)
            if "event" not in r:
                return r

    def close(self):
        self.s.close()


def vmm_argv(vmm, guest, sock, qmp, extra=(), netdev_extra=""):
    return [vmm, "-kernel", guest,
            "-netdev", "stream,id=n0,server=off,addr.type=unix,addr.path=%s%s"
            % (sock, netdev_extra),
            "-device", "virtio-net-ccw,netdev=n0,id=nic0",
            "-qmp", "unix:%s,server=on,wait=off" % qmp] + list(extra)


def echo_round(peer, seqs):
    for s in seqs:
        peer.send(b"seq %d" % s)
    return wait_for(lambda: set(seqs) <= set(peer.echoes()))


def start_linked(vmm, guest, d):
    """A peer listening, a minivmm whose guest is ready with the link up;
    (peer, vmm, QMP socket path)."""
    sock, qpath = d + "/link.sock", d + "/qmp.sock"
    peer = Peer(sock)
    v = Vmm(vmm_argv(vmm, guest, sock, qpath), "vm")
    result(v.wait_line("NE: ready, link up") and
           wait_for(lambda: peer.conns == 1), "guest ready, link up")
    return peer, v, qpath


def finish(peer, v):
    """Tell the guest to quit; minivmm's exit status (see Vmm.wait_exit)."""
    peer.send(b"quit")
    st = v.wait_exit()
    peer.close()
    return st


def mode_migrate(vmm, guest, d):
    sock, qpath, state = d + "/link.sock", d + "/qmp.sock", d + "/vm.mig"
    peer = Peer(sock)
    src = Vmm(vmm_argv(vmm, guest, sock, qpath), "src")
    result(src.wait_line("NE: ready") and wait_for(lambda: peer.conns == 1),
           "source: guest ready, link connected")
    sent = []
    stop = threading.Event()

    def sender():
        i = 0
        while not stop.is_set():
            if peer.send(b"seq %d" % i):
                sent.append(i)
                i += 1
            time.sleep(0.005)
    th = threading.Thread(target=sender, daemon=True)
    th.start()
    result(wait_for(lambda: len(peer.echoes()) >= 30),
           "source: 30 echoes (%d)" % len(peer.echoes()))
    q = Qmp(qpath)
    r1 = q.cmd("stop")
    r2 = q.cmd("migrate", uri="file:" + state)
    r3 = q.cmd("query-migrate")
    before = len(peer.echoes())
    result("return" in r1 and "return" in r2 and
           r3.get("return", {}).get("status") == "completed",
           "QMP stop, migrate file: while frames flow: %s" % r3)
    q.cmd("quit")
    q.close()
    st = src.wait_exit()
    result(st == 0, "the source quit (status %s)" % st)
    rarp0 = peer.count(ETH_RARP)
    dst = Vmm(vmm_argv(vmm, guest, sock, qpath, ["-incoming", "file:" + state]),
              "dst")
    result(wait_for(lambda: peer.conns == 2),
           "destination connected to the peer")
    result(wait_for(lambda: len(peer.echoes()) >= before + 30),
           "destination: the echoes go on (%d after the restore)"
           % (len(peer.echoes()) - before))
    result(wait_for(lambda: peer.count(ETH_RARP) > rarp0),
           "destination: a RARP from the guest's MAC (self-announce)")
    result(dst.wait_line("NE: announce") and
           wait_for(lambda: peer.count(ETH_TEST, b"announce") >= 1),
           "destination: the guest saw ANNOUNCE, sent its gratuitous "
           "frame and acked")
    stop.set()
    th.join()
    ech = peer.echoes()
    sset = set(sent)
    result(all(e in sset for e in ech), "every echo answers a frame sent")
    dup = len(ech) - len(set(ech))
    result(dup == 0 and ech == sorted(ech),
           "no frame echoed twice, in order (%d echoes, %d duplicates, "
           "%d of %d sent frames lost)" % (len(ech), dup,
                                           len(sset - set(ech)), len(sset)))
    st = finish(peer, dst)
    result(st == 0, "the restored guest quit with status 0 (%s)" % st)


def mode_link(vmm, guest, d):
    peer, v, qpath = start_linked(vmm, guest, d)
    result(echo_round(peer, range(0, 5)), "echoes with the link up")
    q = Qmp(qpath)
    r = q.cmd("set_link", name="nope", up=False)
    result(r.get("error", {}).get("class") == "DeviceNotFound",
           "set_link of an unknown name: %s" % r)
    r = q.cmd("set_link", name="nic0", up=False)
    result("return" in r and v.wait_line("NE: link down"),
           "set_link nic0 down: the guest sees LINK_UP clear")
    for s in range(100, 110):
        peer.send(b"seq %d" % s)
    result(wait_for(lambda: peer.unread() == 0),
           "the device read the frames sent while down")
    rarp = peer.count(ETH_RARP)
    r = q.cmd("announce-self", initial=10, max=10, rounds=1, step=10)
    result("return" in r and v.wait_line("NE: announce 1"),
           "announce-self while down: the guest announced (its frame is "
           "dropped)")
    r = q.cmd("set_link", name="n0", up=True)    # the netdev's id works too
    result("return" in r and v.wait_line("NE: link up"),
           "set_link n0 up: the guest sees LINK_UP again")
    result(echo_round(peer, range(200, 205)), "echoes with the link up again")
    ech = peer.echoes()
    result(not any(100 <= e < 110 for e in ech),
           "none of the frames sent while down reached the guest")
    result(peer.count(ETH_RARP) == rarp and
           peer.count(ETH_TEST, b"announce") == 0,
           "nothing the device or guest sent while down left it")
    q.close()
    st = finish(peer, v)
    result(st == 0, "minivmm exits with status 0 (%s)" % st)


def mode_announce(vmm, guest, d):
    peer, v, qpath = start_linked(vmm, guest, d)
    q = Qmp(qpath)
    r = q.cmd("announce-self", initial=50, max=200, rounds=-1, step=50)
    result(r.get("error", {}).get("class") == "GenericError",
           "rounds=-1 refused: %s" % r)
    r = q.cmd("announce-self", initial=50, max=200, rounds=3, step=50,
              interfaces=["nope"])
    result(r.get("error", {}).get("class") == "DeviceNotFound",
           "an unknown interface refused: %s" % r)
    result(peer.count(ETH_RARP) == 0, "no announce so far")
    t0 = time.monotonic()
    r = q.cmd("announce-self", initial=50, max=200, rounds=3, step=50,
              interfaces=["nic0"], id="t1")
    result("return" in r, "announce-self rounds=3: %s" % r)
    result(wait_for(lambda: peer.count(ETH_RARP) >= 3),
           "three RARPs from the guest's MAC (%.2f s)" % (time.monotonic() - t0))
    result(v.wait_line("NE: announce") and
           wait_for(lambda: peer.count(ETH_TEST, b"announce") >= 1),
           "the guest announced itself and acked (%d times)"
           % v.count("NE: announce"))
    with peer.lock:
        f = [p for _, dst, s, t, p in peer.frames if t == ETH_RARP]
    ok = all(len(p) >= 28 and p[0:2] == b"\0\1" and p[6:8] == b"\0\3" and
             p[8:14] == GUEST_MAC and p[18:24] == GUEST_MAC for p in f)
    result(ok, "each is a RARP request-reverse for 52:54:00:12:34:56")
    q.close()
    st = finish(peer, v)
    result(st == 0 and peer.count(ETH_RARP) == 3,
           "minivmm exits with status 0 (%s), %d RARPs in all"
           % (st, peer.count(ETH_RARP)))


def mode_reconnect(vmm, guest, d):
    sock, qpath = d + "/link.sock", d + "/qmp.sock"
    peer = Peer(sock, listen=False)
    v = Vmm(vmm_argv(vmm, guest, sock, qpath, netdev_extra=",reconnect-ms=200"),
            "vm")
    result(v.wait_line("NE: ready, link down"),
           "nobody listens yet: minivmm starts, the link is down")
    peer.listen()
    result(wait_for(lambda: peer.conns == 1) and v.wait_line("NE: link up"),
           "the peer listens: minivmm connects, the link comes up")
    result(echo_round(peer, range(0, 5)), "echoes")
    peer.hang_up()
    # Listening again only after the guest saw the link go down, so that a
    # slow guest cannot miss the down-and-up.
    result(v.wait_line("NE: link down"), "the peer hung up: the link is down")
    peer.listen()
    result(wait_for(lambda: peer.conns == 2) and v.wait_line("NE: link up", 2),
           "the peer listens again: minivmm connected by itself, the link "
           "is up")
    result(echo_round(peer, range(10, 15)), "echoes after the reconnect")
    st = finish(peer, v)
    result(st == 0, "minivmm exits with status 0 (%s)" % st)


MODES = {"migrate": (mode_migrate, 11), "link": (mode_link, 11),
         "announce": (mode_announce, 9), "reconnect": (mode_reconnect, 7)}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in MODES:
        sys.exit("usage: net-echo-run.py migrate|link|announce|reconnect "
                 "MINIVMM GUEST")
    fn, plan = MODES[sys.argv[1]]
    print("TAP version 13\n1..%d" % plan, flush=True)
    d = tempfile.mkdtemp(prefix="net-echo.")
    try:
        fn(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]), d)
    finally:
        for p in spawned:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(d, ignore_errors=True)
    if n_tests != plan:
        diag("ran %d of %d checks" % (n_tests, plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
