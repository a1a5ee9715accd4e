#!/bin/sh
# gen.sh - regenerates the test-only identity test_win_keystore imports into Wine's
# CurrentUser\My: a root CA, an intermediate CA and an RSA-2048 client leaf, packed as
# keystore.pfx (password "sstp-test", leaf key + all three certificates) and the root alone as
# keystore-root.der (Wine's PFXImportCertStore drops the PFX's root), and the leaf's key alone as
# keystore-leaf.key (the test imports it into a CNG key for the NCrypt path). Not a real secret.
set -eu
cd "$(dirname "$0")"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat >"$t/ext.cnf" <<'X'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/root.key" -out "$t/root.pem" -days 7300 \
    -subj "/CN=sstp keystore test root" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$t/int.key" -out "$t/int.csr" \
    -subj "/CN=sstp keystore test intermediate" 2>/dev/null
openssl x509 -req -in "$t/int.csr" -CA "$t/root.pem" -CAkey "$t/root.key" -set_serial 2 \
    -days 7300 -extfile "$t/ext.cnf" -extensions ca -out "$t/int.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$t/leaf.key" -out "$t/leaf.csr" \
    -subj "/O=sstp tests/CN=sstp keystore client" 2>/dev/null
openssl x509 -req -in "$t/leaf.csr" -CA "$t/int.pem" -CAkey "$t/int.key" -set_serial 3 \
    -days 7300 -extfile "$t/ext.cnf" -extensions leaf -out "$t/leaf.pem" 2>/dev/null
cat "$t/int.pem" "$t/root.pem" >"$t/cas.pem"
openssl pkcs12 -export -inkey "$t/leaf.key" -in "$t/leaf.pem" -certfile "$t/cas.pem" \
    -passout pass:sstp-test -out keystore.pfx
chmod 644 keystore.pfx
openssl x509 -in "$t/root.pem" -outform DER -out keystore-root.der
cp "$t/leaf.key" keystore-leaf.key
chmod 644 keystore-leaf.key
