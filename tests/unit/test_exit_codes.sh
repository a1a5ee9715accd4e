#!/bin/bash
# test_exit_codes.sh - the libraries below the CLI return error kinds (client/common/sstp_err.h),
# not exit codes: no SSTP_EXIT_ name and no include of exit_codes.h in the folders listed in
# FOLDERS. client/cli/ alone maps a kind to an exit code (cli_exit.c). A folder joins the list
# when it has been converted (helper/, session/, nm/, tray/ still use exit codes).
# Usage: test_exit_codes.sh [SOURCE_ROOT]   check that tree (default: this checkout)
#        test_exit_codes.sh --self-test     check this checkout, then show that the check refuses
#                                           a copy of it with an exit code in each listed folder
# Exit 0 = none found, 1 = a use (each printed as FILE:LINE: TEXT).
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
FOLDERS="pkg ctl sstp"

# check ROOT: prints every use, returns 0 when there is none
check() {
	local root=$1 dir bad=0
	for dir in $FOLDERS; do
		[ -d "$root/client/$dir" ] || { echo "client/$dir: missing"; bad=1; continue; }
		if (cd "$root" && grep -rnE 'SSTP_EXIT_|include "exit_codes\.h"' \
			--include='*.c' --include='*.h' "client/$dir"); then
			bad=1
		fi
	done
	return $bad
}

if [ "${1:-}" = --self-test ]; then
	root=$(cd "$HERE/../.." && pwd)
	check "$root" || exit 1
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	for dir in $FOLDERS; do
		rm -rf "$tmp/client"
		mkdir -p "$tmp/client"
		for d in $FOLDERS; do
			cp -r "$root/client/$d" "$tmp/client/$d"
		done
		check "$tmp" >/dev/null || { echo "self-test: the clean copy fails"; exit 1; }
		f=$(find "$tmp/client/$dir" -name '*.c' | sort | head -n1)
		[ -n "$f" ] || { echo "self-test: no C file in client/$dir"; exit 1; }
		printf 'static int x_%s(void) { return SSTP_EXIT_PROFILE; }\n' "$dir" >>"$f"
		if check "$tmp" >/dev/null; then
			echo "self-test: an SSTP_EXIT_ name in client/$dir was not refused"
			exit 1
		fi
	done
	echo "self-test: ok (refuses an exit code in each of: $FOLDERS)"
	exit 0
fi
check "${1:-$(cd "$HERE/../.." && pwd)}"
