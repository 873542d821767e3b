# shellcheck shell=bash
# Shared by scripts/demo, scripts/test and bench/: install what is missing
# (one 'apt-get update', then one 'apt-get install'), configure, build.

MINIVMM_PKGS=(meson ninja-build pkg-config gcc gcc-s390x-linux-gnu
	binutils-s390x-linux-gnu libc6-dev-s390x-cross
	linux-libc-dev-s390x-cross libseccomp-dev libcap-ng-dev
	qemu-user-static qemu-system-misc python3 libjansson-dev
	libxxhash-dev libslirp-dev)

# The cross build's target libraries, as Debian multiarch packages (the
# cross file finds them with pkg-config in /usr/lib/s390x-linux-gnu).
MINIVMM_CROSS_PKGS=(libjansson-dev:s390x libseccomp-dev:s390x libcap-ng-dev:s390x
	libxxhash-dev:s390x)

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# need_packages PKG...: install the Debian packages that are not installed.
need_packages() {
	local missing=() p sudo=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "minivmm: installing ${missing[*]}" >&2
	$sudo apt-get update -qq >&2 || return 1
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
}

# need_cross_packages: enable the s390x architecture once, then install
# MINIVMM_CROSS_PKGS like need_packages does.
need_cross_packages() {
	local sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	if ! dpkg --print-foreign-architectures | grep -qx s390x; then
		echo "minivmm: enabling the s390x architecture (dpkg multiarch)" >&2
		$sudo dpkg --add-architecture s390x || return 1
	fi
	need_packages "${MINIVMM_CROSS_PKGS[@]}" || return 1
	# Optional: libslirp for s390x pulls glib and pcre2 for s390x, which
	# multiarch can only install at the same version as the host's; when
	# that fails the cross build compiles -netdev user out (meson says so).
	need_packages libslirp-dev:s390x ||
		echo "minivmm: libslirp-dev:s390x not installable; the cross" \
			"build leaves out -netdev user" >&2
	return 0
}

# build DIR [meson options...]: configure once, then (re)build.
build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$top" "$@" >&2 || return 1
	fi
	ninja -C "$dir" >&2
}
