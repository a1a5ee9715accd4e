#!/bin/sh
# Regenerates the three-level RSA-4096 chain (issue 16) of this directory: root, intermediate and
# a client whose subject-alternative-name holds a UPN (otherName 1.3.6.1.4.1.311.20.2.3) and an
# e-mail address, as Windows enterprise CAs issue them. The client's flight (leaf + intermediate,
# RSA-4096 signatures) is over 5 KB, larger than one SSTP packet. Run from here: sh gen-rsa4096.sh
set -eu
days=36500
ext=$(mktemp)
trap 'rm -f "$ext" ./*.csr ./*.srl' EXIT

openssl req -x509 -newkey rsa:4096 -nodes -keyout rsa4096-root.key -out rsa4096-root.pem \
  -days $days -sha256 -subj "/O=sstp test/CN=sstp test rsa4096 root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -new -newkey rsa:4096 -nodes -keyout rsa4096-inter.key \
  -subj "/O=sstp test/CN=sstp test rsa4096 issuing CA" -out inter.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$ext"
openssl x509 -req -in inter.csr -CA rsa4096-root.pem -CAkey rsa4096-root.key -CAcreateserial \
  -days $days -sha256 -extfile "$ext" -out rsa4096-inter.pem
openssl req -new -newkey rsa:4096 -nodes -keyout rsa4096-client.key \
  -subj "/O=sstp test/OU=Users/CN=Alice Example" -out client.csr
cat > "$ext" <<'X'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectAltName=email:alice.mail@example.org,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example
X
openssl x509 -req -in client.csr -CA rsa4096-inter.pem -CAkey rsa4096-inter.key -CAcreateserial \
  -days $days -sha256 -extfile "$ext" -out rsa4096-client.pem
cat rsa4096-client.pem rsa4096-inter.pem > rsa4096-client-chain.pem
