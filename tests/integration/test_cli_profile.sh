#!/bin/bash
# The profile verbs at the command line: list, show (sources, defaults, root fingerprints, JSON),
# set (in place, refused with exit 9 naming key and line, the file unchanged), edit (through
# $EDITOR: an invalid edit is not saved), remove; root works on the system profiles
# ($SSTP_SYSTEM_DIR), another user on their own and gets exit 11 for a system one. No network.
# Exit 0 pass, 1 fail, 77 skip.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SSTP_BIN=${SSTP_BIN:-$SRC/build/sstp}
[ -x "$SSTP_BIN" ] || { echo "SKIP: no sstp binary at $SSTP_BIN"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (to act as another user too)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
T=$(mktemp -d)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
export SSTP_SYSTEM_DIR=$T/sys HOME=$T/root-home
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
# run LABEL CODE CMD...: CMD exits CODE; its stdout/stderr are in $T/LABEL.{out,err}
run() {
    local label=$1 code=$2 rc
    shift 2
    "$@" > "$T/$label.out" 2> "$T/$label.err"
    rc=$?
    if [ "$rc" = "$code" ]; then ok "$label: exit $code"; else bad "$label: exit $rc, wanted $code"; cat "$T/$label.err"; fi
}
says() { if grep -qE -- "$2" "$T/$1.err" "$T/$1.out"; then ok "$1 says /$2/"; else bad "$1 does not say /$2/"; cat "$T/$1.err"; fi; }

mkdir -p "$SSTP_SYSTEM_DIR/corp"
cp "$SRC/tests/data/tls/ca.pem" "$SSTP_SYSTEM_DIR/corp/root.pem"
printf '# corp\nserver = gw.example:8443\nca = root.pem\nroute = 10.0.0.0/16\n' > "$SSTP_SYSTEM_DIR/corp/profile.conf"
want_fp=$(openssl x509 -in "$SRC/tests/data/tls/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')

run list 0 "$SSTP_BIN" list
says list '^corp +system +gw.example:8443$'
run list_json 0 "$SSTP_BIN" list --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]==1 and d["profiles"][0]["name"]=="corp", d' "$T/list_json.out" && ok "list --json parses" || bad "list --json"

run show 0 "$SSTP_BIN" show corp
says show "^  server +gw.example:8443 +$SSTP_SYSTEM_DIR/corp/profile.conf:2$"
says show '^  mtu +negotiated +default$'
says show "sha256 $want_fp"
run show_json 0 "$SSTP_BIN" show corp --json
python3 - "$T/show_json.out" "$want_fp" <<'EOF' && ok "show --json: sources and fingerprint" || bad "show --json"
import json, sys
d = json.load(open(sys.argv[1]))
keys = {k["key"]: k for k in d["keys"]}
assert d["schema"] == 1 and d["scope"] == "system", d
assert keys["route"]["value"] == "10.0.0.0/16" and keys["route"]["line"] == 4, keys["route"]
assert keys["timeout"]["source"] == "default" and keys["timeout"]["line"] is None
assert d["roots"][0]["sha256"] == sys.argv[2].replace(":", "").lower(), d["roots"]
EOF

# every JSON output here matches doc/json.md
run status_json 10 "$SSTP_BIN" status --json --state-dir "$T/state"
run pkg_json 0 "$SSTP_BIN" package show "$SRC/tests/data/pkg/gw-demo.zip" --json
for d in list:list_json show:show_json status:status_json package:pkg_json; do
    if python3 "$SRC/tests/integration/json_check.py" "$SRC/doc/json.md" "${d%%:*}" "$T/${d##*:}.out"; then
        ok "${d##*:} matches doc/json.md"
    else
        bad "${d##*:} does not match doc/json.md"
    fi
done

cp "$SSTP_SYSTEM_DIR/corp/profile.conf" "$T/before"
run set_bad 9 "$SSTP_BIN" set corp mtu=1400 timeout=0
says set_bad 'line 6: timeout: expected seconds from 1 to 86400'
cmp -s "$T/before" "$SSTP_SYSTEM_DIR/corp/profile.conf" && ok "refused set leaves the file" || bad "refused set changed the file"
run set_unknown 9 "$SSTP_BIN" set corp no-ipv4=true
says set_unknown 'no-ipv4: unknown key'
run set_secret 9 "$SSTP_BIN" set corp password=hunter2
grep -q hunter2 "$SSTP_SYSTEM_DIR/corp/profile.conf" && bad "secret stored" || ok "secret not stored"
run set_ok 0 "$SSTP_BIN" set corp mtu=1400 no-ipv6=true interface=corp0 timeout=30 route=10.1.0.0/16
grep -qx 'route = 10.1.0.0/16' "$SSTP_SYSTEM_DIR/corp/profile.conf" && ! grep -q 10.0.0.0 "$SSTP_SYSTEM_DIR/corp/profile.conf" \
    && ok "set replaced the route" || bad "set route"
run show2 0 "$SSTP_BIN" show corp
says show2 '^  interface +corp0 +.*profile.conf:[0-9]+$'
says show2 '^  no-ipv6 +true +.*profile.conf:[0-9]+$'

cp "$SSTP_SYSTEM_DIR/corp/profile.conf" "$T/before"
EDITOR="sed -i s/^mtu.*/mtu=9000/" run edit_bad 9 "$SSTP_BIN" edit corp < /dev/null
says edit_bad "not saved: line [0-9]+: mtu: expected a number from 576 to 4087"
cmp -s "$T/before" "$SSTP_SYSTEM_DIR/corp/profile.conf" && ok "invalid edit not saved" || bad "invalid edit saved"
[ "$(ls -A "$SSTP_SYSTEM_DIR/corp" | wc -l)" = 2 ] && ok "no temp copy left" || { bad "temp copy left"; ls -A "$SSTP_SYSTEM_DIR/corp"; }
EDITOR="sed -i s/^mtu.*/mtu=1300/" run edit_ok 0 "$SSTP_BIN" edit corp < /dev/null
grep -qx 'mtu=1300' "$SSTP_SYSTEM_DIR/corp/profile.conf" && ok "edit saved" || bad "edit not saved"

run bad_name 9 "$SSTP_BIN" show ../etc
run missing 9 "$SSTP_BIN" remove nosuch

# another user: their own profiles in ~/.config/sstp, the system ones read-only
U=nobody
UH=$T/user-home
mkdir -p "$UH" && chown "$U" "$UH"
asuser() { setpriv --reuid "$U" --regid nogroup --clear-groups env HOME="$UH" XDG_CONFIG_HOME= SSTP_SYSTEM_DIR="$SSTP_SYSTEM_DIR" "$@"; }
run user_set_sys 11 asuser "$SSTP_BIN" set corp mtu=1200
says user_set_sys 'system profile'
run user_rm_sys 11 asuser "$SSTP_BIN" remove corp
asuser mkdir -p "$UH/.config/sstp/mine"
asuser sh -c "printf 'server = me.example\n' > '$UH/.config/sstp/mine/profile.conf'"
run user_set 0 asuser "$SSTP_BIN" set mine user=alice
grep -qx 'user = alice' "$UH/.config/sstp/mine/profile.conf" && ok "user set their profile" || bad "user set"
run user_list 0 asuser "$SSTP_BIN" list
says user_list '^mine +user +me.example:443$'
says user_list '^corp +system'
run user_rm 0 asuser "$SSTP_BIN" remove mine
[ ! -e "$UH/.config/sstp/mine" ] && ok "removed" || bad "not removed"

run rm 0 "$SSTP_BIN" remove corp
[ ! -e "$SSTP_SYSTEM_DIR/corp" ] && ok "system profile removed with its root" || bad "system profile left"
run list_empty 0 "$SSTP_BIN" list --json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["profiles"]==[]' "$T/list_empty.out" && ok "empty list" || bad "empty list"

echo "$fails check(s) failed"
[ "$fails" = 0 ]
