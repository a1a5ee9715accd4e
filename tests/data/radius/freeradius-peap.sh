#!/bin/sh
# Starts Debian's FreeRADIUS for the PEAP tests on 127.0.0.1:PORT with a private copy of its
# configuration: EAP default type PEAP (inner EAP-MSCHAPv2), the test server certificate of
# tests/data/tls, MS-CHAPv2 errors sent to the peer as NPS does (send_error), one user, client
# 127.0.0.1 with secret "testing123", listening on 127.0.0.1 (and ::1) only. Runs in the
# foreground (-X) until killed; the caller kills it by its pid.
# Usage: freeradius-peap.sh DIR PORT USER PASS
set -eu
dir=$1 port=$2 user=$3 pass=$4
here=$(cd "$(dirname "$0")" && pwd)
tls=$here/../tls
command -v freeradius >/dev/null || { echo "freeradius not installed" >&2; exit 77; }
[ -r /etc/freeradius/3.0/radiusd.conf ] || {
  echo "/etc/freeradius/3.0 missing or unreadable (run as root)" >&2; exit 77; }
rm -rf "$dir/raddb"
cp -a /etc/freeradius/3.0 "$dir/raddb"
r=$dir/raddb
cp "$tls/server.pem" "$r/certs/test-server.pem"
cp "$tls/server.key" "$r/certs/test-server.key"
cp "$tls/ca.pem" "$r/certs/test-ca.pem"
# the outer EAP type; the server certificate and its CA
sed -i -e '0,/default_eap_type = md5/s//default_eap_type = peap/' \
  -e "s#private_key_file = .*#private_key_file = $r/certs/test-server.key#" \
  -e "s#certificate_file = .*#certificate_file = $r/certs/test-server.pem#" \
  -e "s#^\(\s*\)ca_file = .*#\1ca_file = $r/certs/test-ca.pem#" \
  -e 's/^\(\s*\)#\?\s*send_error = no/\1send_error = yes/' \
  "$r/mods-available/eap"
printf '%s Cleartext-Password := "%s"\n' "$user" "$pass" > "$r/mods-config/files/authorize"
# listeners on loopback only: auth PORT, acct PORT+1 (IPv4 and IPv6), inner tunnel PORT+2
awk -v a="$port" -v b="$((port + 1))" '
  /^[ \t]*port = 0/ { n++; sub(/port = 0/, "port = " ((n % 2) ? a : b)) }
  /^[ \t]*ipaddr = \*/ { sub(/ipaddr = \*/, "ipaddr = 127.0.0.1") }
  /^[ \t]*ipv6addr = ::/ { sub(/ipv6addr = ::/, "ipv6addr = ::1") }
  { print }' "$r/sites-available/default" > "$r/default.new"
mv "$r/default.new" "$r/sites-available/default"
sed -i "s/port = 18120/port = $((port + 2))/" "$r/sites-available/inner-tunnel"
chown -R freerad:freerad "$r" 2>/dev/null || true
chmod 755 "$dir"
exec freeradius -X -d "$r"
