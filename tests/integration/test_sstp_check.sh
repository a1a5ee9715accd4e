#!/bin/bash
# End-to-end: `sstp check` and `connect --check` through the rig's gateway. Probes that answer
# (TCP to the service host's HTTP port, ICMP to it) give exit 0; a closed port or a host that is
# not there gives exit 12; the JSON and JUnit reports say which probe failed; the session is
# always disconnected and the namespace left as before. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
GW=$(sx_gw_args)
SVC=$RIG_SVC_IP

# shellcheck disable=SC2086
sx ok check $GW --probe "$SVC:$RIG_HTTP_PORT" --probe "icmp:$SVC" --json --junit "$SX_OUT/ok.xml"
J=$SX_OUT/ok.out
rig_check "check, reachable probes: exit 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/ok.err" >&2
rig_check "check JSON: connected" [ "$(sx_json "$J" 'j["connected"]')" = true ]
rig_check "check JSON: both probes ok" [ "$(sx_json "$J" '",".join(p["result"] for p in j["probes"])')" = ok,ok ]
rig_check "check JSON: status of the tunnel included" sx_in_pool "$(sx_json "$J" 'j["status"]["ipv4"]["local"]')"
rig_check "check JSON matches doc/json.md" python3 "$HERE/json_check.py" "$HERE/../../doc/json.md" check "$J"
rig_check "check JUnit: 3 tests, 0 failures" \
    python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); sys.exit(not (r.get("tests")=="3" and r.get("failures")=="0"))' "$SX_OUT/ok.xml"
rig_check "check: client namespace as before" sx_same_as "$BEFORE"

# shellcheck disable=SC2086
sx bad check $GW --probe "$SVC:$RIG_HTTP_PORT" --probe "$SVC:9" --probe "icmp:10.232.0.77" --json --junit "$SX_OUT/bad.xml"
J=$SX_OUT/bad.out
rig_check "check, unreachable probes: exit 12" [ "$SX_RC" = 12 ] || cat "$SX_OUT/bad.err" >&2
rig_check "check JSON (failed probes) matches doc/json.md" python3 "$HERE/json_check.py" "$HERE/../../doc/json.md" check "$J"
rig_check "check JSON: results ok,failed,failed" \
    [ "$(sx_json "$J" '",".join(p["result"] for p in j["probes"])')" = ok,failed,failed ]
rig_check "check JSON: the closed port says why" \
    [ "$(sx_json "$J" 'j["probes"][1]["error"]')" = "Connection refused" ]
rig_check "check JUnit: 4 tests, 2 failures" \
    python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); sys.exit(not (r.get("tests")=="4" and r.get("failures")=="2"))' "$SX_OUT/bad.xml"
rig_check "check (failed): client namespace as before" sx_same_as "$BEFORE"

# the text report
# shellcheck disable=SC2086
sx text check $GW --probe "$SVC:9"
rig_check "check text: exit 12" [ "$SX_RC" = 12 ]
rig_check "check text: FAIL line for the probe" grep -q "^FAIL  tcp $SVC:9: Connection refused" "$SX_OUT/text.out"

# check when the connection itself fails: the connection's exit code, probes skipped
# shellcheck disable=SC2086
sx noconn check "$RIG_GW_NAME:4443" --ca "$RIG_PKI/ca.crt" --user "$RIG_USER" --password-file "$SX_PW" \
    --probe "$SVC:$RIG_HTTP_PORT" --json
rig_check "check without a tunnel: exit 4" [ "$SX_RC" = 4 ]
rig_check "check without a tunnel: JSON says not connected, probe skipped" \
    [ "$(sx_json "$SX_OUT/noconn.out" 'str(j["connected"])+","+j["probes"][0]["result"]+","+str(j["exit_code"])')" = False,skipped,4 ]

# connect --check: a failing check disconnects and exits 12; a passing one stays up
# shellcheck disable=SC2086
sx cc1 connect $GW --name cc1 --background --check "$SVC:9"
rig_check "connect --check (closed port): exit 12" [ "$SX_RC" = 12 ] || cat "$SX_OUT/cc1.err" >&2
rig_check "connect --check (closed port): client namespace as before" sx_same_as "$BEFORE"
# shellcheck disable=SC2086
sx cc2 connect $GW --name cc2 --background --check "$SVC:$RIG_HTTP_PORT"
rig_check "connect --check (open port): exit 0 and stays up" [ "$SX_RC" = 0 ] || cat "$SX_OUT/cc2.err" >&2
rig_check "connect --check (open port): HTTP through the tunnel" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
sx cc2dc disconnect cc2
rig_check "connect --check: disconnect" [ "$SX_RC" = 0 ]
rig_check "connect --check: client namespace as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
