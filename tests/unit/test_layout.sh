#!/bin/bash
# test_layout.sh - client/ keeps the layout client/layout.txt declares: no source file at the
# root of client/, every folder declared, no two headers of one name (includes name a header
# without its folder), no `#include "x.h"` of a folder (or of ppp/, tls/, platform/) the
# including folder may not use, no include of another folder's private header. base/ is below
# everything: any folder may include its headers, and it includes none but its own.
# Usage: test_layout.sh [SOURCE_ROOT]   check that tree (default: this checkout)
#        test_layout.sh --self-test     check this checkout, then show that the check refuses a
#                                       copy of it with a wrong-way edge, a private header used
#                                       from outside, a source file at client/'s root, and a
#                                       base/ header that includes one of ppp/
# Exit 0 = the layout holds, 1 = a violation (each printed on its own line).
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

# check ROOT: prints every violation, returns 0 when there is none
check() {
	local root=$1 bad=0 f line kind dir rest h owner inc src
	local -A uses=() private=() where=()
	local layout=$root/client/layout.txt
	[ -r "$layout" ] || { echo "no $layout"; return 1; }
	while read -r kind dir rest; do
		case $kind in
		folder) uses[$dir]=" $rest " ;;
		private) for h in $rest; do private[$h]=$dir; done ;;
		esac
	done < <(sed -e 's/#.*//' "$layout")

	for f in "$root"/client/*.c "$root"/client/*.h; do
		[ -e "$f" ] && { echo "${f#"$root"/}: a source file at the root of client/"; bad=1; }
	done
	for dir in "$root"/client/*/; do
		dir=${dir%/}
		dir=${dir##*/}
		[ -n "${uses[$dir]+x}" ] || { echo "client/$dir/: not declared in client/layout.txt"; bad=1; }
	done
	# who owns each header name: a client folder, or base, ppp, tls, platform
	while IFS= read -r f; do
		h=${f##*/}
		rest=${f#"$root"/}
		case $rest in
		client/*) owner=${rest#client/}; owner=${owner%%/*} ;;
		*) owner=${rest%%/*} ;;
		esac
		if [ -n "${where[$h]+x}" ] && [ "${where[$h]}" != "$owner" ]; then
			echo "$h: a header of this name in both ${where[$h]} and $owner"
			bad=1
		fi
		where[$h]=$owner
	done < <(find "$root/client" "$root/base" "$root/ppp" "$root/tls" "$root/platform" -name '*.h' |
		 sort)

	# base/ includes nothing of the tree but itself
	while IFS= read -r line; do
		inc=${line#*\"}
		inc=${inc%%\"*}
		owner=${where[${inc##*/}]:-}
		if [ -n "$owner" ] && [ "$owner" != base ]; then
			echo "${line%%:*}: includes ${inc##*/} of $owner; base/ includes only itself" |
				sed "s|^$root/||"
			bad=1
		fi
	done < <(find "$root/base" \( -name '*.c' -o -name '*.h' \) -print0 | sort -z |
		 xargs -0 grep -HE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"')

	# every quoted include of client/*/: "FILE:LINE", one grep for the whole tree
	while IFS= read -r line; do
		src=${line%%:*}
		rest=${src#"$root"/client/}
		dir=${rest%%/*}
		[ -n "${uses[$dir]+x}" ] || continue
		inc=${line#*\"}
		inc=${inc%%\"*}
		h=${inc##*/}
		owner=${where[$h]:-}
		[ -n "$owner" ] || continue # a generated or a system header
		[ "$owner" = "$dir" ] || [ "$owner" = base ] && continue
		if [[ ${uses[$dir]} != *" $owner "* ]]; then
			printf 'client/%s: includes %s of %s, against the arrow (%s may use:%s)\n' \
				"$rest" "$h" "$owner" "$dir" "${uses[$dir]% }"
			bad=1
		elif [ -n "${private[$h]+x}" ]; then
			echo "client/$rest: includes $h, private to ${private[$h]}"
			bad=1
		fi
	done < <(find "$root/client" -mindepth 2 \( -name '*.c' -o -name '*.h' \) -print0 | sort -z |
		 xargs -0 grep -HE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"')
	return $bad
}

# expect_refused WHAT EDIT...: a copy of the tree with EDIT (a shell command run in its client/)
# must fail the check
expect_refused() {
	local what=$1 tmp out
	shift
	tmp=$(mktemp -d) || return 1
	mkdir -p "$tmp/root"
	cp -r "$ROOT/client" "$ROOT/base" "$ROOT/ppp" "$ROOT/tls" "$ROOT/platform" "$tmp/root/"
	(cd "$tmp/root/client" && eval "$*")
	if out=$(check "$tmp/root"); then
		echo "FAIL: the check let through $what"
		rm -rf "$tmp"
		return 1
	fi
	echo "ok: refused $what: $(head -n 1 <<<"$out")"
	rm -rf "$tmp"
}

if [ "${1:-}" = "--self-test" ]; then
	ROOT=$(cd "$HERE/../.." && pwd)
	check "$ROOT" || { echo "FAIL: the layout of $ROOT does not hold"; exit 1; }
	echo "ok: the layout of client/ holds"
	rc=0
	expect_refused "an edge against the arrow (ctl including cli.h)" \
		"sed -i '0,/^#include \"ctl_proto.h\"/s//&\n#include \"cli.h\"/' ctl/ctl_proto.c" || rc=1
	expect_refused "an edge against the arrow (tray including session.h)" \
		"sed -i '0,/^#include \"tray_model.h\"/s//&\n#include \"session.h\"/' tray/tray_model.c" ||
		rc=1
	expect_refused "another folder's private header (cli including session_int.h)" \
		"sed -i '0,/^#include \"cli.h\"/s//&\n#include \"session_int.h\"/' cli/cli_help.c" || rc=1
	expect_refused "a source file at the root of client/" "touch stray.c" || rc=1
	expect_refused "two headers of one name" "cp ctl/ctl_proto.h pkg/ctl_proto.h" || rc=1
	expect_refused "base/ including a header of ppp/" \
		"sed -i '0,/^#define SSTP_BASE_HEX_H/s//&\n#include \"ppp.h\"/' ../base/base_hex.h" || rc=1
	exit $rc
fi
ROOT=${1:-$(cd "$HERE/../.." && pwd)}
check "$ROOT"
