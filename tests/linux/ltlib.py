"""What the Linux tests (boot.py, net.py) share: TAP output, the cached
Debian packages (scripts/fetch-linux), the initramfs (mkinitramfs.py),
QMP commands, and the guest's "LT:" check lines (init-lib.sh's check)."""
import json
import pathlib
import re
import shlex
import socket
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
TOP = HERE.parent.parent


def tap(line):
    print(line, flush=True)


class Results:
    """result(ok, what) prints the next TAP test line; n counts them."""

    def __init__(self):
        self.n = 0

    def __call__(self, ok, what):
        self.n += 1
        tap("%s %d - %s" % ("ok" if ok else "not ok", self.n, what))


def fetch():
    """The fetch-linux assignments as a dict, or (None, reason)."""
    p = subprocess.run([str(TOP / "scripts" / "fetch-linux"), "--quiet"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        reason = (p.stderr.strip().splitlines() or ["fetch-linux failed"])[-1]
        return None, reason
    env = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        env[k] = shlex.split(v)[0] if v else ""
    return env, None


def begin():
    """The TAP header and the fetch-linux assignments (fetch()); None
    after a "1..0 # SKIP" line when the packages cannot be fetched."""
    tap("TAP version 13")
    env, reason = fetch()
    if env is None:
        tap("1..0 # SKIP Debian s390x packages cannot be fetched: " + reason)
    return env


def workdir(keep, prefix):
    """--keep DIR, or a new temporary directory."""
    work = pathlib.Path(keep) if keep else pathlib.Path(
        tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    return work


def mkinitramfs(env, init, modules, out):
    """Build OUT with /init = tests/linux/INIT and the given modules."""
    cmd = [sys.executable, str(HERE / "mkinitramfs.py"),
           "--busybox", env["LINUX_BUSYBOX"], "--modules", env["LINUX_MODULES"],
           "--init", str(HERE / init)]
    for m in modules:
        cmd += ["--module", m]
    subprocess.run(cmd + [str(out)], check=True)


def qmp(path, cmds, timeout=60):
    """Run QMP commands (dicts) in order after qmp_capabilities on the
    monitor socket path; their replies (events skipped)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect(path)
        f = s.makefile("rw")
        json.loads(f.readline())    # greeting
        out = []
        for c in [{"execute": "qmp_capabilities"}] + cmds:
            f.write(json.dumps(c) + "\n")
            f.flush()
            while True:
                r = json.loads(f.readline())
                if "event" not in r:
                    break
            out.append(r)
        return out[1:]
    finally:
        s.close()


def guest_checks(lines, result):
    """Report each "LT: ok N - what" / "LT: not ok N - what" line as
    "guest: what"; (checks seen, N of "LT: plan N" or None)."""
    plan = None
    checks = 0
    for l in lines:
        if re.match(r"LT: (ok|not ok) ", l):
            checks += 1
        m = re.match(r"LT: (ok|not ok) \d+ - (.*)", l)
        if m:
            result(m.group(1) == "ok", "guest: " + m.group(2))
        m = re.match(r"LT: plan (\d+)", l)
        if m:
            plan = int(m.group(1))
    return checks, plan
