#!/bin/sh
# Regenerates the TLS test certificates of this directory (see README.md). Run it from here:
# sh gen.sh. Validity is 100 years; expired/not-yet-valid certificates are made by the tests.
set -eu
days=36500
ext=$(mktemp)
trap 'rm -f "$ext" ./*.csr ./*.srl' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $days \
  -subj "/CN=sstp test root" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days $days \
  -subj "/CN=sstp other root" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"

sign() { # sign <name> <key> <subject> <issuer> <extensions>
  openssl req -new -key "$2" -subj "$3" -out "$1.csr"
  printf '%s\n' "$5" > "$ext"
  openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial -days $days \
    -sha256 -extfile "$ext" -out "$1.pem"
}

openssl genrsa -out server.key 2048
sign server server.key "/CN=localhost" ca "subjectAltName=DNS:localhost,DNS:vpn.test,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment"
sign server-clientauth server.key "/CN=localhost" ca "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=clientAuth"
sign server-other server.key "/CN=localhost" other-ca "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"

openssl req -new -newkey rsa:2048 -nodes -keyout inter.key -subj "/CN=sstp test intermediate" \
  -out inter.csr
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$ext"
openssl x509 -req -in inter.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $days -sha256 \
  -extfile "$ext" -out inter.pem

openssl genrsa -out client.key 2048
sign client client.key "/CN=sstp test client" ca "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment"
openssl ecparam -name prime256v1 -genkey -noout -out client-ec.key
sign client-ec client-ec.key "/CN=sstp test ec client" inter "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
