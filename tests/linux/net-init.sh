#!/bin/sh
# /init of the Linux network tests' initramfs (busybox sh), driven by
# tests/linux/net.py.  Prints "LT: ok N - what" / "LT: not ok N - what"
# per check, "LT: plan N" at the end, and "LT: <event>" lines the host
# reacts to.  Every wait is bounded.  Parameters from the command line:
#   nt_http=PORT      the host's HTTP server (10.0.2.2:PORT, slirp's
#                     address of the host) serves /blob; nt_sha=SHA256
#   nt_mode=basic     DHCP, wget + sha256, hostfwd into a busybox nc
#                     listener on port 7777, then poweroff -f
#   nt_mode=migrate   DHCP, then a long-lived connection A on port 7777
#                     and, after the host migrated the VM, a connection
#                     B on port 7778 (see net.py); waits for the host
. /lib/init-lib.sh	# mounts; check, load, wait_until

# listening PORT: a TCP socket in LISTEN (0A) on that port (busybox nc
# listens on IPv6's :: when the kernel has IPv6, so tcp6 too).
listening() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf '%04X' $1) [0-9A-F:]* 0A"
}
ends_with_line() { grep -q "$2" "$1" 2>/dev/null; }

# udhcpc calls this with $1 = deconfig|bound|renew and the lease in the
# environment (busybox's udhcpc.c).
cat > /bin/dhcp-event <<'EOF'
#!/bin/sh
case $1 in
deconfig) ip addr flush dev $interface; ip link set $interface up ;;
bound|renew)
	ip addr add $ip/${mask:-24} dev $interface
	for r in $router; do ip route add default via $r dev $interface; done
	echo "$ip $router $dns" > /tmp/lease ;;
esac
EOF
chmod 755 /bin/dhcp-event

echo "LT: kernel $(uname -r) $(uname -m)"
check "virtio-net: insmod virtio_net.ko (with net_failover, failover)" load virtio_net
check "virtio-net: eth0 appears" wait_until 10 test -e /sys/class/net/eth0
echo "LT: # eth0 $(cat /sys/class/net/eth0/address 2>/dev/null) features $(cat /sys/bus/virtio/devices/*/features 2>/dev/null | tr '\n' ' ')"
check "virtio-net: MAC 52:54:00:12:34:56" [ "$(cat /sys/class/net/eth0/address 2>/dev/null)" = 52:54:00:12:34:56 ]
ip link set lo up
ip link set eth0 up
check "virtio-net: carrier up" wait_until 10 grep -q 1 /sys/class/net/eth0/carrier
check "dhcp: udhcpc gets a lease" udhcpc -i eth0 -s /bin/dhcp-event -n -q -t 10 -T 2
echo "LT: # lease $(cat /tmp/lease 2>/dev/null)"
check "dhcp: address 10.0.2.15, router 10.0.2.2" \
	grep -q "^10.0.2.15 10.0.2.2" /tmp/lease

case "${nt_mode:-basic}" in
basic)
	timeout 60 wget -q -O /tmp/blob "http://10.0.2.2:$nt_http/blob"
	check "wget: http://10.0.2.2:$nt_http/blob (status $?)" [ -s /tmp/blob ]
	got=$(sha256sum /tmp/blob | cut -d' ' -f1)
	echo "LT: # sha256 $got, $(wc -c < /tmp/blob) bytes"
	check "wget: sha256 matches the host's" [ "$got" = "$nt_sha" ]

	# Inbound: the host connects to its hostfwd port, which slirp
	# forwards to 10.0.2.15:7777.  nc answers, then reads the host's
	# line until the host closes.
	( echo "guest says hello"; sleep 30 ) |
		timeout 60 nc -l -p 7777 > /tmp/in 2>/dev/null &
	check "hostfwd: nc listens on 7777" wait_until 10 listening 7777
	echo "LT: listening 7777"
	check "hostfwd: the host's line arrived" wait_until 60 \
		ends_with_line /tmp/in "host says hello"
	echo "LT: # got '$(cat /tmp/in)'"
	;;
migrate)
	# Connection A: opened before the migration, written to after it.
	mkfifo /tmp/a_in
	( timeout 300 nc -l -p 7777 < /tmp/a_in > /tmp/a_out 2>/dev/null
	  echo $? > /tmp/a_done ) &
	exec 3> /tmp/a_in
	check "migrate: nc listens on 7777 (A)" wait_until 10 listening 7777
	echo "LT: listening 7777"
	check "migrate: A: the host's line arrived" wait_until 60 \
		ends_with_line /tmp/a_out "ping A"
	echo "pong A" >&3
	boot=$(cat /proc/sys/kernel/random/boot_id)
	echo "LT: # boot_id $boot"
	( echo "boot $boot"; sleep 30 ) |
		timeout 400 nc -l -p 7778 > /tmp/b_out 2>/dev/null &
	check "migrate: nc listens on 7778 (B)" wait_until 10 listening 7778
	echo "LT: ready for migration"
	# The host saves the VM, ends the source and restores it in a new
	# minivmm; then it connects B.  B reaching us is the proof that the
	# restored guest's network works through the new slirp.
	check "migrate: B: the host's line arrived after the restore" \
		wait_until 400 ends_with_line /tmp/b_out "ping B"
	echo "LT: # after restore: lease $(cat /tmp/lease), boot_id $(cat /proc/sys/kernel/random/boot_id)"
	check "migrate: the same kernel runs on (boot_id unchanged)" \
		[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot" ]
	# A's host side was a socket of the source process, gone with it;
	# the destination's slirp knows no such connection and answers our
	# next segment with a reset (RFC 793 3.4, "reset generation"), so
	# nc on A ends.
	echo "more on A" >&3
	check "migrate: A was reset by the destination (nc ended)" \
		wait_until 60 test -s /tmp/a_done
	exec 3>&-
	;;
esac

echo "LT: plan $n"
echo "LT: poweroff"
poweroff -f
