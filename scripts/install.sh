#!/bin/sh
# Installs the tend executable for this machine from a tend release:
#
#   curl -fsSL https://github.com/tend-sh/tend/releases/latest/download/install.sh | sh
#
# It downloads SHA256SUMS and the archive for this OS and CPU (tend-<version>-<platform>.tar.gz),
# checks the archive's SHA-256 against SHA256SUMS, and only then unpacks it and puts `tend` in
# place, so a failed or tampered download never replaces a working tend.
#
# Settings (environment):
#   TEND_VERSION       the version to install, e.g. 0.2.0 (default: the latest release)
#   TEND_INSTALL_DIR   where `tend` goes (default: ~/.local/bin)
#   TEND_INSTALL_BASE  the URL of the folder holding the release files (default: the GitHub
#                      release of TEND_VERSION, or the latest one)
#
# Test hooks (they replace what this machine reports, to try other platforms):
#   TEND_INSTALL_UNAME_S  for `uname -s`, e.g. Darwin
#   TEND_INSTALL_UNAME_M  for `uname -m`, e.g. aarch64
#   TEND_INSTALL_LIBC     glibc or musl, for the C library check on Linux

set -eu

REPO_URL=https://github.com/tend-sh/tend

say() {
	printf '%s\n' "$*"
}

fail() {
	printf 'tend install: %s\n' "$*" >&2
	exit 1
}

is_musl() {
	case ${TEND_INSTALL_LIBC:-} in
	musl) return 0 ;;
	glibc) return 1 ;;
	esac
	# ldd belongs to the C library, so it names the one this system runs on (a musl loader
	# alone proves nothing: glibc systems can have the musl package installed).
	if command -v ldd >/dev/null 2>&1; then
		ldd_says=$(ldd --version 2>&1 || true)
		case $ldd_says in
		*musl*) return 0 ;;
		*GLIBC* | *"GNU libc"* | *glibc*) return 1 ;;
		esac
	fi
	for loader in /lib/ld-musl-*; do
		[ -e "$loader" ] && return 0
	done
	return 1
}

# Prints the platform part of the release file names: linux-x64, darwin-arm64, …
detect_platform() {
	os=${TEND_INSTALL_UNAME_S:-$(uname -s)}
	cpu=${TEND_INSTALL_UNAME_M:-$(uname -m)}
	case $cpu in
	x86_64 | amd64) cpu=x64 ;;
	aarch64 | arm64) cpu=arm64 ;;
	esac
	case $os in
	Linux)
		case $cpu in
		x64 | arm64) ;;
		*) unsupported "Linux on $cpu" ;;
		esac
		if ! is_musl; then
			echo "linux-$cpu"
		elif [ "$cpu" = x64 ]; then
			echo linux-x64-musl
		else
			unsupported "Linux arm64 with musl (no build for it yet)"
		fi
		;;
	Darwin)
		# A shell under Rosetta says x86_64 on Apple silicon; the native build is the better one.
		if [ "$cpu" = x64 ] && [ -z "${TEND_INSTALL_UNAME_M:-}" ] &&
			[ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
			cpu=arm64
		fi
		case $cpu in
		x64 | arm64) echo "darwin-$cpu" ;;
		*) unsupported "macOS on $cpu" ;;
		esac
		;;
	MINGW* | MSYS* | CYGWIN* | Windows_NT)
		unsupported "Windows through this script; download tend-<version>-windows-x64.zip from $REPO_URL/releases"
		;;
	*) unsupported "$os on $cpu" ;;
	esac
}

unsupported() {
	fail "this platform is not supported: $1. Builds exist for linux-x64, linux-x64-musl, linux-arm64, darwin-x64, darwin-arm64 and windows-x64 (see $REPO_URL/releases)."
}

download() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL -o "$2" "$1" || fail "could not download $1 (curl failed)"
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$2" "$1" || fail "could not download $1 (wget failed)"
	else
		fail "neither curl nor wget is installed; install one of them and run this again"
	fi
}

sha256_of() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum <"$1" | cut -d ' ' -f 1
	elif command -v shasum >/dev/null 2>&1; then
		shasum -a 256 <"$1" | cut -d ' ' -f 1
	else
		fail "neither sha256sum nor shasum is installed, so the download cannot be verified"
	fi
}

main() {
	platform=$(detect_platform)

	version=${TEND_VERSION:-}
	version=${version#v}
	if [ -n "${TEND_INSTALL_BASE:-}" ]; then
		base=${TEND_INSTALL_BASE%/}
	elif [ -n "$version" ]; then
		base=$REPO_URL/releases/download/v$version
	else
		base=$REPO_URL/releases/latest/download
	fi

	if [ -n "${TEND_INSTALL_DIR:-}" ]; then
		dir=$TEND_INSTALL_DIR
	elif [ -n "${HOME:-}" ]; then
		dir=$HOME/.local/bin
	else
		fail "HOME is not set; set TEND_INSTALL_DIR to the folder tend should go to"
	fi

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tend-install.XXXXXX") || fail "could not create a temporary folder"
	staged=
	trap 'rm -rf "$tmp"; [ -z "$staged" ] || rm -f "$staged"' EXIT
	trap 'exit 1' HUP INT TERM

	command -v tar >/dev/null 2>&1 || fail "tar is not installed, so the release archive cannot be unpacked"

	download "$base/SHA256SUMS" "$tmp/SHA256SUMS"
	# The latest release's file names are known only from its SHA256SUMS, so both cases read
	# the name from there: a pinned version must match exactly, otherwise the platform suffix.
	line=$(awk -v want="${version:+tend-$version-$platform.tar.gz}" -v suffix="-$platform.tar.gz" '
		{ n = $2; sub(/^\*/, "", n) }
		want != "" ? n == want : n ~ /^tend-[0-9A-Za-z.+-]+$/ && substr(n, length(n) - length(suffix) + 1) == suffix {
			print $1, n; exit
		}' "$tmp/SHA256SUMS")
	[ -n "$line" ] || fail "$base/SHA256SUMS lists no tend ${version:+$version }build for $platform"
	expected=${line%% *}
	name=${line#* }

	say "Downloading $name from $base"
	download "$base/$name" "$tmp/archive"
	actual=$(sha256_of "$tmp/archive")
	if [ "$actual" != "$expected" ]; then
		fail "checksum mismatch for $name: SHA256SUMS says $expected, the download is $actual. Nothing was installed; the file is corrupt or was tampered with."
	fi
	mkdir "$tmp/unpacked"
	tar -xzf "$tmp/archive" -C "$tmp/unpacked" tend || fail "could not unpack $name (tar failed)"
	[ -f "$tmp/unpacked/tend" ] || fail "$name holds no tend executable"

	mkdir -p "$dir" || fail "could not create $dir"
	# Copied under a temporary name in the same folder, then renamed: the rename is atomic,
	# so `tend` is always either the old file or the whole new one.
	staged=$dir/.tend-install.$$
	cp "$tmp/unpacked/tend" "$staged" || fail "could not write to $dir"
	chmod 755 "$staged"
	mv -f "$staged" "$dir/tend" || fail "could not replace $dir/tend"
	staged=

	say "Installed tend from $name to $dir/tend (SHA-256 verified)"
	if ! installed=$("$dir/tend" --version 2>&1); then
		case $platform in
		*-musl) hint=" On Alpine it needs: apk add libstdc++" ;;
		*) hint= ;;
		esac
		fail "$dir/tend is installed but does not run here: $installed.$hint"
	fi
	say "tend $installed"
	case ":${PATH:-}:" in
	*":$dir:"*) ;;
	*)
		say ""
		say "$dir is not on your PATH. Add it in your shell's startup file (~/.profile, ~/.bashrc, ~/.zshrc):"
		say "  export PATH=\"$dir:\$PATH\""
		;;
	esac
}

# Everything runs from here, so a download cut short in `curl … | sh` runs nothing at all.
main "$@"
