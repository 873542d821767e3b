#!/usr/bin/env python3
"""Build the test initramfs for the Linux boot tests and the demo.

    mkinitramfs.py --busybox BB --modules DIR --init INIT [--module NAME...] OUT

OUT is a gzip-compressed cpio archive in the "newc" format (the format
the kernel's initramfs unpacker reads: Documentation/driver-api/
early-userspace/buffer-format.rst).  It holds /bin/busybox with a link
per applet the init script uses, /init (the given script),
/lib/init-lib.sh (tests/linux/init-lib.sh: the helpers the init scripts
source), the usual mount points, and each requested module from
DIR/kernel/**/NAME.ko in /lib/modules/ together with the modules it
depends on (the "depends=" entry of its .modinfo section), listed in
load order in /lib/modules/NAME.order (NAME with '_' for '-').
"""
import argparse
import gzip
import os
import pathlib
import re
import stat
import sys

HERE = pathlib.Path(__file__).resolve().parent
APPLETS = ("sh ash mount umount cat echo grep wc dd insmod poweroff reboot "
           "sleep ls mkdir mknod od hexdump head tail cmp sync expr test [ "
           "printf seq true false uname awk sed tr cut dmesg").split()


class Cpio:
    """newc writer: 110-byte ASCII header, name, data, 4-byte padding."""

    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def _pad(self):
        self.out += b"\0" * (-len(self.out) % 4)

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0)
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out += name_b
        self._pad()
        self.out += data
        self._pad()

    def dir(self, name):
        self.add(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, perm=0o644):
        self.add(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self.add(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self.add(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self.add("TRAILER!!!", 0)
        self.out += b"\0" * (-len(self.out) % 512)
        return bytes(self.out)


def module_depends(path):
    """The comma-separated depends= entry of a .ko's .modinfo section."""
    m = re.search(rb"\0depends=([^\0]*)\0", b"\0" + path.read_bytes())
    return [d for d in m.group(1).decode().split(",") if d] if m else []


def resolve_modules(moddir, names):
    index = {}
    for p in (moddir / "kernel").rglob("*.ko"):
        index[p.stem] = p
        index[p.stem.replace("-", "_")] = p
    order = []

    def visit(name, chain):
        p = index.get(name) or index.get(name.replace("-", "_"))
        if p is None:
            sys.exit(f"mkinitramfs: module {name} not found under {moddir}/kernel")
        if p in order:
            return
        if name in chain:
            sys.exit(f"mkinitramfs: module dependency loop at {name}")
        for d in module_depends(p):
            visit(d, chain + [name])
        order.append(p)

    for n in names:
        visit(n, [])
    return order


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--modules")
    ap.add_argument("--module", action="append", default=[])
    ap.add_argument("out")
    a = ap.parse_args()

    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "lib",
              "lib/modules", "mnt", "root"):
        c.dir(d)
    # The kernel opens /dev/console before /init runs (no devtmpfs yet).
    c.chardev("dev/console", 5, 1)
    c.file("bin/busybox", pathlib.Path(a.busybox).read_bytes(), 0o755)
    for app in APPLETS:
        c.symlink("bin/" + app, "busybox")
    c.file("init", pathlib.Path(a.init).read_bytes(), 0o755)
    c.file("lib/init-lib.sh", (HERE / "init-lib.sh").read_bytes())
    if a.module:
        if not a.modules:
            sys.exit("mkinitramfs: --module needs --modules")
        done = set()
        for name in a.module:
            mods = resolve_modules(pathlib.Path(a.modules), [name])
            for p in mods:
                if p not in done:
                    c.file("lib/modules/" + p.name, p.read_bytes())
                    done.add(p)
            c.file("lib/modules/%s.order" % name.replace("-", "_"),
                   "".join(p.name + "\n" for p in mods).encode())
    data = gzip.compress(c.finish(), compresslevel=6, mtime=0)
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
