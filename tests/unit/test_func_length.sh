#!/bin/bash
# test_func_length.sh - no function in client/, ppp/, tls/, platform/ or base/ is longer than
# SSTP_FUNC_MAX (120) lines, counted from the first line of its declarator to its closing brace.
# It reads the tree's style: a definition's declarator starts at column 0 and its body opens with
# "{" alone at column 0 and closes with "}" alone at column 0 (data initialisers, whose
# declarator has "=" before any "(", are not functions).
# Usage: test_func_length.sh [SOURCE_ROOT]   check that tree (default: this checkout)
#        test_func_length.sh --self-test     check this checkout, then show that the check
#                                            refuses a copy of one file with a function made
#                                            one line too long
# Exit 0 = every function fits, 1 = at least one is too long (each printed with its length).
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MAX=${SSTP_FUNC_MAX:-120}

# lengths FILE...: "LINES FILE:LINE NAME" for each function definition
lengths() {
	awk '
	FNR == 1 { decl = 0; inbody = 0; text = "" }
	inbody && /^\}/ {
		inbody = 0
		if (isfn)
			printf "%d %s:%d %s\n", FNR - decl + 1, FILENAME, decl, name
		next
	}
	inbody { next }
	/^\{[[:space:]]*$/ {
		inbody = 1
		isfn = decl > 0 && text ~ /^[^=]*\(/
		name = text
		sub(/[[:space:]]*\(.*/, "", name)
		sub(/.*[^A-Za-z0-9_]/, "", name)
		next
	}
	/^[A-Za-z_]/ { decl = FNR; text = $0; next }
	{ text = text " " $0 }
	' "$@"
}

# check ROOT: prints each function over MAX lines, returns 0 when there is none
check() {
	local root=$1 out files=()
	mapfile -d '' files < <(cd "$root" && find client ppp tls platform base \
		\( -name '*.c' -o -name '*.h' \) -print0 2>/dev/null | sort -z)
	[ ${#files[@]} -gt 0 ] || { echo "no C file under $root"; return 1; }
	out=$(cd "$root" && lengths "${files[@]}") || return 1
	[ -n "$out" ] || { echo "no function found under $root"; return 1; }
	out=$(awk -v max="$MAX" '$1 > max { printf "%s %s: %d lines (at most %d)\n", $2, $3, $1, max }' \
		<<<"$out")
	[ -z "$out" ] && return 0
	echo "$out"
	return 1
}

if [ "${1:-}" = "--self-test" ]; then
	ROOT=$(cd "$HERE/../.." && pwd)
	check "$ROOT" || { echo "FAIL: functions over $MAX lines in $ROOT"; exit 1; }
	echo "ok: no function over $MAX lines in client/ ppp/ tls/ platform/ base/"
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/client/x"
	{
		printf 'static int fits(int a,\n\t\tint b)\n{\n'
		for ((i = 0; i < MAX - 5; i++)); do printf '\ta += b;\n'; done
		printf '\treturn a;\n}\n\nstatic const int table[] =\n{\n'
		for ((i = 0; i < 2 * MAX; i++)); do printf '\t%d,\n' "$i"; done
		printf '};\n'
	} > "$tmp/client/x/x.c"
	check "$tmp" >/dev/null || { echo "FAIL: refused a function of exactly $MAX lines"; exit 1; }
	echo "ok: a function of $MAX lines and a longer data table pass"
	sed -i 's/^\treturn a;$/\ta -= b;\n&/' "$tmp/client/x/x.c"
	if out=$(check "$tmp"); then
		echo "FAIL: the check let through a function of $((MAX + 1)) lines"
		exit 1
	fi
	echo "ok: refused $out"
	exit 0
fi
check "${1:-$(cd "$HERE/../.." && pwd)}"
