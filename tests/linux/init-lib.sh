# Sourced first by the /init scripts of the Linux tests (init.sh,
# net-init.sh; busybox sh): mkinitramfs.py puts this file into every
# initramfs it builds as /lib/init-lib.sh.  It mounts what the checks
# read and defines the helpers they share.
export PATH=/bin
/bin/busybox --install -s /bin	# every applet (the archive links a few)
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

# check WHAT COMMAND...: one "LT: ok N - WHAT" / "LT: not ok N - WHAT"
# line; $n counts them (the script ends with "LT: plan $n").
n=0
check() {
	what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "LT: ok $n - $what"
	else
		echo "LT: not ok $n - $what"
	fi
}
# load MODULE: insmod it and what it depends on, in the order
# mkinitramfs.py wrote to /lib/modules/MODULE.order.
load() {
	for m in $(cat /lib/modules/$1.order); do
		insmod /lib/modules/$m || return 1
	done
	grep -q "^$1 " /proc/modules
}
# wait_until SECONDS COMMAND...: poll every 0.2 s until COMMAND succeeds.
wait_until() {
	t=$(($1 * 5))
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.2
	done
}
