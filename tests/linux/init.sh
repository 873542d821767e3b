#!/bin/sh
# /init of the Linux boot tests' initramfs (busybox sh).  Checks what the
# VM gives the kernel and prints one "LT: ok N - what" / "LT: not ok N -
# what" line per check, "LT: plan N" at the end, then powers off with
# 'poweroff -f'.  tests/linux/boot.py turns these lines into TAP.
#
# Expectations come from the kernel command line (unknown parameters
# without a dot reach init as environment variables):
#   lt_cpus=N        CPUs /proc/cpuinfo must list
#   lt_mem=MIB       guest memory size (-m); MemTotal must be within it
#   lt_blk=1         a virtio-blk disk: sector 0 starts with lt_blkmagic,
#                    the test writes a line to sector 1
#   lt_rng=1         a virtio-rng device
#   lt_hvc=1         a virtio console: write a line to /dev/hvc0
#   lt_end=poweroff  how it ends: 'poweroff -f' (the default), 'reboot -f'
#                    (reboot), or waiting for the SCLP signal quiesce of QMP
#                    system_powerdown (quiesce), on which Linux stops its
#                    CPUs in the disabled wait at 0xfff
#   lt_shell=1       no checks: an interactive shell (scripts/demo linux)
. /lib/init-lib.sh	# mounts; check, load, wait_until

if [ "${lt_shell:-0}" = 1 ]; then
	echo "minivmm demo: $(busybox | head -n 1 | cut -d' ' -f1-2) on Linux $(uname -r)"
	echo "try: cat /proc/cpuinfo; free; insmod /lib/modules/virtio-rng.ko; poweroff -f"
	# A shell with the console as its controlling terminal (job control,
	# ^C); /dev/console itself cannot be one.
	tty=/dev/ttysclp0
	[ -c $tty ] || tty=/dev/console
	while :; do
		setsid -c sh -l <$tty >$tty 2>&1 || sh
	done
fi

echo "LT: kernel $(uname -r) $(uname -m)"

cpus=$(grep -c '^processor [0-9]*:' /proc/cpuinfo)
echo "LT: # /proc/cpuinfo lists $cpus CPUs"
check "cpus: /proc/cpuinfo lists ${lt_cpus:-1}" [ "$cpus" = "${lt_cpus:-1}" ]
online=$(cat /sys/devices/system/cpu/online)
echo "LT: # online CPUs $online"
check "cpus: all online" [ "$online" = "0" -o "$online" = "0-$((${lt_cpus:-1} - 1))" ]

memkb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
echo "LT: # MemTotal ${memkb} kB of ${lt_mem:-0} MiB"
check "memory: MemTotal between 60% and 100% of ${lt_mem:-0} MiB" \
	[ "$memkb" -le $((${lt_mem:-0} * 1024)) -a "$memkb" -ge $((${lt_mem:-0} * 1024 * 6 / 10)) ]

sum=0
for i in $(seq 1 100); do sum=$((sum + i * i)); done
check "shell: sum of squares 1..100 = 338350" [ "$sum" = 338350 ]
check "shell: awk arithmetic" [ "$(awk 'BEGIN { x = 1; for (i = 0; i < 20; i++) x *= 2; printf "%d", x + 7 * 6 }')" = 1048618 ]

if [ "${lt_blk:-0}" = 1 ]; then
	check "virtio-blk: insmod virtio_blk.ko" load virtio_blk
	check "virtio-blk: /dev/vda appears" wait_until 10 test -e /dev/vda
	check "virtio-blk: size $((${lt_blksize:-0} / 512)) sectors" \
		[ "$(cat /sys/block/vda/size 2>/dev/null)" = $((${lt_blksize:-0} / 512)) ]
	got=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c ${#lt_blkmagic})
	check "virtio-blk: sector 0 reads '$lt_blkmagic'" [ "$got" = "$lt_blkmagic" ]
	check "virtio-blk: write sector 1 and sync" sh -c '[ -b /dev/vda ] &&
		echo "written by linux $((6 * 7))" |
		dd of=/dev/vda bs=512 seek=1 conv=notrunc,fsync 2>/dev/null && sync'

fi
if [ "${lt_rng:-0}" = 1 ]; then
	check "virtio-rng: insmod virtio-rng.ko" load virtio_rng
	check "virtio-rng: /dev/hwrng appears" wait_until 10 test -e /dev/hwrng
	check "virtio-rng: current rng is virtio" \
		grep -q virtio /sys/class/misc/hw_random/rng_current
	bytes=$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | wc -c)
	check "virtio-rng: 32 bytes from /dev/hwrng" [ "$bytes" = 32 ]
fi
if [ "${lt_hvc:-0}" = 1 ]; then
	check "virtio-console: insmod virtio_console.ko" load virtio_console
	check "virtio-console: /dev/hvc0 appears" wait_until 10 test -e /dev/hvc0
	check "virtio-console: write to /dev/hvc0" \
		sh -c '[ -c /dev/hvc0 ] && echo "hvc0 says $((6 * 7))" > /dev/hvc0'
fi

echo "LT: plan $n"
case "${lt_end:-poweroff}" in
reboot)
	echo "LT: reboot"
	reboot -f
	;;
quiesce)
	echo "LT: waiting for system_powerdown"
	while :; do sleep 1; done
	;;
esac
echo "LT: poweroff"
poweroff -f
