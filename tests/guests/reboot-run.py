#!/usr/bin/env python3
"""TAP: DIAG 0x308 re-IPL reboots the VM, or ends it with -no-reboot.

    reboot-run.py MINIVMM REBOOT_ELF

tests/guests/reboot.c prints "reboot-guest: boot 1", re-IPLs with DIAG
0x308 subcode 4, and on the second boot prints "reboot-guest: boot 2" and
exits 0.  Without -no-reboot both lines must appear and minivmm must exit
0; with -no-reboot only the first, minivmm exits 0 and says why.
"""
import subprocess
import sys

vmm, elf = sys.argv[1], sys.argv[2]
print("TAP version 13\n1..4", flush=True)


def run(extra):
    p = subprocess.run([vmm, "-kernel", elf] + extra, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    for l in (p.stdout + p.stderr).splitlines():
        print("# " + l)
    return p


p = run([])
ok = "reboot-guest: boot 1" in p.stdout and "reboot-guest: boot 2" in p.stdout
print("%s 1 - the guest booted again after DIAG 0x308" % ("ok" if ok else "not ok"))
ok = p.returncode == 0 and "returned" not in p.stdout
print("%s 2 - the second boot ended the VM with status 0 (%d)" %
      ("ok" if ok else "not ok", p.returncode))
p = run(["-no-reboot"])
ok = "reboot-guest: boot 1" in p.stdout and "boot 2" not in p.stdout
print("%s 3 - -no-reboot: no second boot" % ("ok" if ok else "not ok"))
ok = p.returncode == 0 and "re-IPL" in p.stderr
print("%s 4 - -no-reboot: status 0 and the reason (%d)" %
      ("ok" if ok else "not ok", p.returncode))
