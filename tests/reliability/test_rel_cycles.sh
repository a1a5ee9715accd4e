#!/bin/bash
# Connect/disconnect cycles and secret hygiene (default suite): REL_CYCLES (default 5) connect ->
# traffic -> disconnect cycles of `sstp connect --background` with a canary password, `sstp check`,
# then REL_HELPER_CYCLES (default 2) cycles through `sstp helper` (an EAP-TLS profile whose PKCS#12
# password is another canary), watching the long-lived helper's open file descriptors and RSS.
# Every cycle must succeed and leave the client namespace exactly as before (`ip -j` snapshot,
# resolv.conf, state directory); after the first helper cycle the helper's fd count must not grow
# and its RSS must not grow by more than 1 MiB. Finally the canary password, the PKCS#12 password
# and a piece of the private key must appear nowhere: not in any log (-vv packet dumps included),
# JSON output (connect/status/check, JUnit), the helper's log, the helper socket's traffic
# (recorded by a relay), the state directory, nor /proc/*/cmdline and the environment of sstp
# processes while connected. The long version is tests/reliability/cycles.sh (200 + 200).
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib/rig.sh
. "$HERE/../integration/lib/rig.sh"
# shellcheck source=../integration/sstp_test_lib.sh
. "$HERE/../integration/sstp_test_lib.sh"
# shellcheck source=lib/rel.sh
. "$HERE/lib/rel.sh"

CYCLES=${REL_CYCLES:-5}
HCYCLES=${REL_HELPER_CYCLES:-2}
rel_setup
BEFORE=$RIG_DIR/before.snap
rel_snapshot > "$BEFORE"

# ---- canaries ------------------------------------------------------------------------------------------
CANARY_PW="cnry-pw-$RANDOM$RANDOM$RANDOM"
CANARY_P12="cnry-p12-$RANDOM$RANDOM$RANDOM"
CANARIES=$RIG_DIR/canaries      # patterns file: never put a canary on a command line
PWFILE=$RIG_DIR/canary-pw
printf '%s\n' "$CANARY_PW" > "$PWFILE"
chmod 600 "$PWFILE"
rig_add_user canaryuser "$CANARY_PW" >/dev/null || rig_fatal "cannot add the canary user"
rig_add_cert_user canarycert >/dev/null || rig_fatal "cannot add the certificate user"
KEYS=$RIG_DIR/canary-keys
mkdir -p "$KEYS" && chmod 700 "$KEYS"
printf '%s\n' "$CANARY_P12" > "$KEYS/p12-pw"
openssl pkcs12 -export -in "$RIG_PKI/canarycert.crt" -inkey "$RIG_PKI/canarycert.key" \
    -certfile "$RIG_PKI/ca.crt" -passout "file:$KEYS/p12-pw" -certpbe PBE-SHA1-3DES \
    -keypbe PBE-SHA1-3DES -macalg sha1 -out "$KEYS/canary.p12" 2>/dev/null || rig_fatal "pkcs12 export failed"
chmod 600 "$KEYS"/*
# a 48-character piece of the private key's base64 body, and the same bytes as they are in DER
KEYPIECE=$(sed -n '5p' "$RIG_PKI/canarycert.key" | cut -c1-48)
{ echo "$CANARY_PW"; echo "$CANARY_P12"; echo "$KEYPIECE"; } > "$CANARIES"
KEYDER=$RIG_DIR/canary-keyder   # 24 raw key bytes (from the same base64 piece)
printf '%s' "$KEYPIECE" | base64 -d 2>/dev/null | head -c 24 > "$KEYDER"

CHAP=(--user canaryuser --password-file "$PWFILE" --route "$RIG_HUB_NET")
TIMES=""
# min/median/max of a list of milliseconds
ms_summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {if (NR) printf "min %d ms, median %d ms, max %d ms (%d cycles)", v[1], v[int((NR+1)/2)], v[NR], NR}'; }

# ---- direct cycles ---------------------------------------------------------------------------------------
ok_cycles=0
for (( c = 1; c <= CYCLES; c++ )); do
    t0=$(sx_ms)
    v=-v; [ "$c" = 1 ] && v=-vv   # one cycle with packet dumps
    sx "cyc$c" connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" "${CHAP[@]}" --name cyc --background --json $v
    rc1=$SX_RC
    if [ "$c" = 1 ]; then
        # while connected: every process's command line and sstp's environment
        grep -aF -f "$CANARIES" /proc/[0-9]*/cmdline > "$RIG_DIR/cmdline-hits" 2>/dev/null
        for p in $(pgrep -x sstp); do grep -aF -f "$CANARIES" "/proc/$p/environ" 2>/dev/null; done > "$RIG_DIR/environ-hits"
        sx "st$c" status cyc --json
    fi
    sx_ping "$RIG_SVC_IP" 15 >/dev/null; rc2=$?
    sx "dc$c" disconnect cyc
    rc3=$SX_RC
    dt=$(( $(sx_ms) - t0 ))
    TIMES="$TIMES $dt"
    if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$rc3" = 0 ] && rel_same_as "$BEFORE" 2>"$RIG_DIR/diff$c"; then
        ok_cycles=$((ok_cycles + 1))
    else
        echo "cycle $c: connect $rc1, ping $rc2, disconnect $rc3 ($dt ms)" >&2
        tail -n 3 "$SX_OUT/cyc$c.err" "$RIG_DIR/diff$c" >&2
    fi
done
# `sstp check` with JSON and JUnit output (the canary user; searched below). Not while a cycle's
# session is up: both would add the same --route with the same metric, and the second session
# rightly refuses a route it does not own ("already exists (not ours)").
sx chk check "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" "${CHAP[@]}" --name chk \
    --probe "$RIG_SVC_IP:$RIG_HTTP_PORT" --json --junit "$SX_OUT/check.junit.xml" -v
rig_check "sstp check --json --junit (canary user) exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/chk.err" >&2
rig_check "sstp check: namespace exactly as before" rel_same_as "$BEFORE"
echo "   direct cycles: $ok_cycles/$CYCLES ok; ms per cycle:$TIMES"
# shellcheck disable=SC2086
echo "   direct cycle time: $(ms_summary $TIMES)"
rig_check "direct: $CYCLES/$CYCLES connect/traffic/disconnect cycles, namespace exact after each" [ "$ok_cycles" = "$CYCLES" ]

# ---- cycles through the helper -----------------------------------------------------------------------------
HSTATE=$RIG_DIR/helper-state
HSOCK=$HSTATE/control
TAP=$RIG_DIR/helper-tap.sock
CAPTURE=$RIG_DIR/helper-traffic.bin
mkdir -p "$HSTATE" "$RIG_DIR/etc/relcyc"
cat > "$RIG_DIR/etc/relcyc/profile.conf" <<EOF
server = $RIG_GW_NAME
ca = $RIG_PKI/ca.crt
cert = $KEYS/canary.p12
cert-password-file = $KEYS/p12-pw
route = $RIG_HUB_NET
EOF
HELPER_OK=0
if "$SSTP_BIN" helper --help >/dev/null 2>&1; then
    # the release build: ASan's quarantine would hide or fake RSS growth
    rig_spawn helper cli env SSTP_SYSTEM_DIR="$RIG_DIR/etc" "$SSTP_BIN" helper \
        --state-dir "$HSTATE" --socket "$HSOCK" -v
    rig_on_down "rig_ns_exec cli '$SSTP_BIN' -q cleanup --state-dir '$HSTATE' >/dev/null 2>&1"
    if rig_wait 10 "the helper to listen" test -S "$HSOCK"; then
        rig_spawn helpertap cli "$REL_PY" -u "$REL_HOME/unix_tap.py" --listen "$TAP" --to "$HSOCK" --capture "$CAPTURE"
        rig_wait 10 "the socket tap" test -S "$TAP" && HELPER_OK=1
    fi
fi
if [ "$HELPER_OK" = 1 ]; then
    HPID=$(_rig_pid_alive helper)
    hx() { # LABEL ARGS: sstp through the helper (via the recording tap)
        local label=$1; shift
        SSTP_USE_HELPER=1 SSTP_HELPER_SOCKET="$TAP" timeout 120 ip netns exec "$RIG_NS_CLI" \
            "$SSTP_BIN" "$@" > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
        SX_RC=$?
    }
    FDS="$(rel_fds "$HPID")"; RSS="$(rel_rss_kb "$HPID")"; ok_h=0; HTIMES=""   # [0]: before any cycle
    for (( c = 1; c <= HCYCLES; c++ )); do
        t0=$(sx_ms)
        hx "hcon$c" connect relcyc --timeout 60
        rc1=$SX_RC
        hx "hst$c" status relcyc --json
        [ "$c" = 1 ] && grep -aF -f "$CANARIES" /proc/[0-9]*/cmdline >> "$RIG_DIR/cmdline-hits" 2>/dev/null
        sx_ping "$RIG_SVC_IP" 15 >/dev/null; rc2=$?
        hx "hdc$c" disconnect relcyc
        rc3=$SX_RC
        rig_wait 10 "the helper's session to be gone" sh -c "! ls '$HSTATE'/*.journal >/dev/null 2>&1"
        HTIMES="$HTIMES $(( $(sx_ms) - t0 ))"
        sleep 0.5
        FDS="$FDS $(rel_fds "$HPID")"; RSS="$RSS $(rel_rss_kb "$HPID")"
        if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$rc3" = 0 ] && rel_same_as "$BEFORE" 2>"$RIG_DIR/hdiff$c"; then
            ok_h=$((ok_h + 1))
        else
            echo "helper cycle $c: connect $rc1, ping $rc2, disconnect $rc3" >&2
            tail -n 3 "$SX_OUT/hcon$c.err" "$RIG_DIR/hdiff$c" >&2
        fi
    done
    echo "   helper cycles: $ok_h/$HCYCLES ok; helper fds before and after each: $FDS; RSS KiB: $RSS"
    # shellcheck disable=SC2086
    echo "   helper cycle time: $(ms_summary $HTIMES)"
    rig_check "helper: $HCYCLES/$HCYCLES cycles, namespace exact after each" [ "$ok_h" = "$HCYCLES" ] ||
        tail -20 "$RIG_DIR/logs/helper.log" >&2
    read -r -a F <<<"$FDS"; read -r -a R <<<"$RSS"
    # F[0] / R[0]: before any cycle; F[c]: after cycle c. Warm-up: the first cycle when there are
    # two or more; with one cycle, before vs after it.
    W=$(( HCYCLES > 1 ? 1 : 0 ))
    rig_check "helper: no fd growth after warm-up (${F[$W]} -> ${F[-1]})" [ "${F[-1]}" -le "${F[$W]}" ]
    rig_check "helper: RSS growth after warm-up under 1 MiB (${R[$W]} -> ${R[-1]} KiB)" \
        [ $(( R[-1] - R[W] )) -lt 1024 ]
    rig_check "helper traffic was recorded" [ -s "$CAPTURE" ]
else
    echo "   SKIP helper part: 'sstp helper' is not available in this build"
fi

# ---- secrets ------------------------------------------------------------------------------------------------
# the client side only: the gateway's own logs (vpncmd) legitimately hold the user's password
SEARCH=("$SX_OUT" "$SX_STATE" "$HSTATE" "$REL_SAN" "$RIG_DIR/etc")
for f in "$RIG_DIR"/logs/helper*.log "$CAPTURE"; do [ -f "$f" ] && SEARCH+=("$f"); done
HITS=$(grep -raF -l -f "$CANARIES" "${SEARCH[@]}" 2>/dev/null)
DERHITS=$("$REL_PY" - "$KEYDER" "${SEARCH[@]}" <<'PY'
import os, sys
needle = open(sys.argv[1], "rb").read()
for top in sys.argv[2:]:
    for root, _, files in (os.walk(top) if os.path.isdir(top) else [("", None, [top])]):
        for f in files:
            p = os.path.join(root, f)
            try:
                if len(needle) >= 16 and needle in open(p, "rb").read():
                    print(p)
            except OSError:
                pass
PY
)
NFILES=$(find "${SEARCH[@]}" -type f 2>/dev/null | wc -l)
echo "   searched $NFILES files (logs, JSON, JUnit, journals, helper log and socket traffic) and /proc/*/cmdline"
rig_check "no canary in logs, JSON, journals or helper traffic" [ -z "$HITS" ] || echo "$HITS" >&2
rig_check "no raw private-key bytes either" [ -z "$DERHITS" ] || echo "$DERHITS" >&2
rig_check "no canary in any /proc/*/cmdline" [ ! -s "$RIG_DIR/cmdline-hits" ] || cat "$RIG_DIR/cmdline-hits" >&2
rig_check "no canary in sstp's environment" [ ! -s "$RIG_DIR/environ-hits" ]
rig_check "the -vv log has packet dumps (the search covered them)" grep -q 'trace:' "$SX_OUT/cyc1.err"
rig_check "the JSON outputs exist" test -s "$SX_OUT/cyc1.out" -a -s "$SX_OUT/st1.out"
rig_check "no sanitizer report" rel_san_clean
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
