#!/usr/bin/env python3
"""Boot Debian's s390x Linux kernel with a test initramfs; TAP on stdout.

    boot.py --vmm MINIVMM [--cpus N] [--mem MIB] [--virtio] [--timeout S]
            [--qemu QEMU_BINARY] [--keep DIR] [--vmm-arg ARG]...

Fetches (or reuses the cached) Debian packages with scripts/fetch-linux,
builds an initramfs with tests/linux/mkinitramfs.py and tests/linux/init.sh,
and boots the kernel with the SCLP console on stdout.  With --virtio the VM
also gets a virtio-blk disk (sector 0 holds a magic string the guest must
read, sector 1 must afterwards hold what the guest wrote), a virtio-rng and
a virtio console on a unix socket (the guest writes a line to /dev/hvc0).

TAP: one line per check /init made (its "LT: ok N - what" lines), then the
host-side checks: the kernel reached /init, /init finished its checks,
'poweroff -f' ended the VMM with status 0 within the timeout, and with
--virtio the disk and hvc0 contents.  When the packages cannot be fetched
the whole test is skipped ("1..0 # SKIP" with the reason).  --end says
how /init ends the VM: poweroff -f, reboot -f (with -no-reboot, so the
re-IPL ends the VMM), or QMP system_powerdown while /init waits (the SCLP
signal quiesce: Linux stops in the disabled wait at 0xfff, which ends the
VM like a shutdown, as on QEMU).  --qemu runs
qemu-system-s390x instead of minivmm with the same initramfs (to check the
test itself against the reference).
"""
import argparse
import os
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

MAGIC = "MINIVMM-DISK-MAGIC"
DISK_SIZE = 1 << 20


class HvcReader(threading.Thread):
    """Listens on a unix socket the VMM connects to; collects what it sends."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.sock.settimeout(1.0)
        self.data = b""
        self.stop = False

    def run(self):
        conn = None
        while not self.stop and conn is None:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
        if conn is None:
            return
        conn.settimeout(0.5)
        while not self.stop:
            try:
                b = conn.recv(4096)
            except socket.timeout:
                continue
            if not b:
                break
            self.data += b
        conn.close()


def qmp_powerdown(path):
    """QMP system_powerdown on the VMM's monitor socket; True if accepted."""
    try:
        r = qmp(path, [{"execute": "system_powerdown"}], timeout=10)
        return "return" in r[0]
    except (OSError, ValueError) as e:
        tap("# QMP: %s" % e)
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmm")
    ap.add_argument("--qemu")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--mem", type=int, default=256)
    ap.add_argument("--virtio", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--keep")
    ap.add_argument("--end", choices=("poweroff", "reboot", "powerdown"),
                    default="poweroff",
                    help="how /init ends the VM: poweroff -f; reboot -f "
                    "(run with -no-reboot); QMP system_powerdown (SCLP "
                    "signal quiesce) while /init waits")
    ap.add_argument("--vmm-arg", action="append", default=[],
                    help="extra argument for minivmm (repeatable)")
    a = ap.parse_args()
    if not a.vmm and not a.qemu:
        sys.exit("boot.py: --vmm or --qemu")

    env = begin()
    if env is None:
        return 0

    work = workdir(a.keep, "minivmm-linux.")
    initrd = work / "initramfs.cpio.gz"
    mods = ["virtio_blk", "virtio-rng", "virtio_console"] if a.virtio else []
    mkinitramfs(env, "init.sh", mods, initrd)

    append = ["console=ttysclp0", "lt_cpus=%d" % a.cpus, "lt_mem=%d" % a.mem]
    disk = work / "disk.img"
    hvc_path = str(work / "hvc.sock")
    hvc = None
    if a.virtio:
        disk.write_bytes(MAGIC.encode().ljust(DISK_SIZE, b"\0"))
        append += ["lt_blk=1", "lt_blksize=%d" % DISK_SIZE,
                   "lt_blkmagic=" + MAGIC, "lt_rng=1", "lt_hvc=1"]
        if os.path.exists(hvc_path):
            os.unlink(hvc_path)
        hvc = HvcReader(hvc_path)
        hvc.start()

    if a.qemu:
        argv = [a.qemu, "-M", "s390-ccw-virtio", "-nographic", "-nodefaults",
                "-chardev", "stdio,id=con", "-device", "sclpconsole,chardev=con"]
    else:
        argv = [a.vmm] + a.vmm_arg
    argv += ["-m", str(a.mem), "-smp", str(a.cpus),
             "-kernel", env["LINUX_KERNEL"], "-initrd", str(initrd),
             "-append", " ".join(append)]
    if a.virtio:
        argv += ["-drive", "file=%s,format=raw,if=none,id=d0" % disk,
                 "-device", "virtio-blk-ccw,drive=d0",
                 "-device", "virtio-rng-ccw",
                 "-chardev", "socket,id=h0,path=%s,server=off" % hvc_path,
                 "-device", "virtio-serial-ccw",
                 "-device", "virtconsole,chardev=h0"]
    qmp_path = str(work / "qmp.sock")
    argv[argv.index("-append") + 1] += " lt_end=" + {
        "poweroff": "poweroff", "reboot": "reboot", "powerdown": "quiesce"}[a.end]
    if a.end == "reboot":
        argv += ["-no-reboot"]
    if a.end == "powerdown":
        argv += ["-qmp", "unix:%s,server=on,wait=off" % qmp_path]
    tap("# " + " ".join(shlex.quote(x) for x in argv))

    t0 = time.monotonic()
    marks = {}
    lines = []
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(a.timeout, proc.kill)
    timer.start()
    for raw in proc.stdout:
        line = raw.decode(errors="replace").rstrip("\r\n")
        lines.append(line)
        now = time.monotonic() - t0
        if "Linux version" in line and "linux" not in marks:
            marks["linux"] = now
        if line.startswith("LT: kernel") and "init" not in marks:
            marks["init"] = now
        if line.startswith("LT: waiting for system_powerdown"):
            marks["powerdown"] = qmp_powerdown(qmp_path)
        tap("# [%7.2f] %s" % (now, line))
    status = proc.wait()
    timer.cancel()
    elapsed = time.monotonic() - t0
    timed_out = not timer.is_alive() and status == -9
    if hvc:
        time.sleep(0.2)
        hvc.stop = True
        hvc.join()

    result = Results()
    guest = [l for l in lines if l.startswith("LT: ")]
    checks, plan = guest_checks(guest, result)
    result("linux" in marks, "the kernel printed its banner")
    result("init" in marks, "the kernel ran /init from the initramfs")
    result(plan is not None and plan == checks,
           "/init finished its checks (%s of %s)" % (checks, plan))
    killed = ", killed after %gs" % a.timeout if timed_out else ""
    if a.end == "powerdown":
        result(marks.get("powerdown") is True,
               "QMP system_powerdown accepted while /init waited")
        result(status == 0 and not timed_out,
               "the signal quiesce ended the VM with status 0 (status %s%s)"
               % (status, killed))
    elif a.end == "reboot":
        result(any(l == "LT: reboot" for l in guest) and status == 0 and
               not timed_out and (a.qemu is not None or
                                  any("re-IPL" in l for l in lines)),
               "reboot -f with -no-reboot ended the VM with status 0 "
               "(status %s%s)" % (status, killed))
    else:
        result(any(l == "LT: poweroff" for l in guest) and status == 0 and
               not timed_out,
               "poweroff -f ended the VM with status 0 (status %s%s)" %
               (status, killed))
    if a.virtio:
        sector1 = disk.read_bytes()[512:512 + 64]
        result(sector1.startswith(b"written by linux 42\n"),
               "virtio-blk: the guest's write landed in the image (%r)" %
               sector1[:24])
        got = hvc.data.decode(errors="replace") if hvc else ""
        result("hvc0 says 42" in got,
               "virtio-console: hvc0 output reached the chardev (%r)" % got[:40])
    tap("# boot: banner %s s, /init %s s, exit after %.2f s (%d CPUs, %d MiB)" %
        ("%.2f" % marks["linux"] if "linux" in marks else "-",
         "%.2f" % marks["init"] if "init" in marks else "-",
         elapsed, a.cpus, a.mem))
    tap("1..%d" % result.n)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
