#!/bin/sh
# /init of bench/net/run's initramfs (busybox sh): bring up virtio-net,
# then move nb_mib MiB guest->host (nc to the host's sink) and host->guest
# (nc -l on 7777 that the host fills).  Prints "NB: <event>" lines the
# host times against.  Parameters from the command line:
#   nb_net=user   udhcpc (slirp: 10.0.2.15, the host is 10.0.2.2)
#   nb_net=tap    192.168.77.2/24 on eth0, the host is 192.168.77.1
#   nb_port=N     the host's sink; nb_mib=M     MiB each way
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
wait_until() {	# wait_until SECONDS COMMAND...
	t=$(($1 * 5))
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.2
	done
}
listening() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf '%04X' $1) [0-9A-F:]* 0A"
}
cat > /bin/dhcp-event <<'EOS'
#!/bin/sh
case $1 in
deconfig) ip addr flush dev $interface; ip link set $interface up ;;
bound|renew) ip addr add $ip/${mask:-24} dev $interface ;;
esac
EOS
chmod 755 /bin/dhcp-event
fail() { echo "NB: error $*"; poweroff -f; }

for m in $(cat /lib/modules/virtio_net.order); do insmod /lib/modules/$m; done
wait_until 10 test -e /sys/class/net/eth0 || fail "no eth0"
ip link set lo up
ip link set eth0 up
if [ "$nb_net" = tap ]; then
	ip addr add 192.168.77.2/24 dev eth0
	host=192.168.77.1
else
	udhcpc -i eth0 -s /bin/dhcp-event -n -q -t 10 -T 2 >/dev/null 2>&1 ||
		fail "no DHCP lease"
	host=10.0.2.2
fi
echo "NB: ready"
dd if=/dev/zero bs=65536 count=$((nb_mib * 16)) 2>/dev/null |
	timeout 300 nc $host $nb_port
echo "NB: g2h done"
# stdin: a fifo we hold open, so nc sees no EOF there and reads the
# host's bytes until the host closes.
mkfifo /tmp/quiet
exec 4<>/tmp/quiet
timeout 300 nc -l -p 7777 <&4 > /dev/null &
pid=$!
wait_until 10 listening 7777 || fail "nc did not listen"
echo "NB: listening"
wait $pid
echo "NB: h2g done"
poweroff -f
