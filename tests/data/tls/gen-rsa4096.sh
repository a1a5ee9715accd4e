#!/bin/sh
# Regenerates the three-level RSA-4096 chain (issue 16) of this directory: root, intermediate and
# a client whose subject-alternative-name holds a UPN (otherName 1.3.6.1.4.1.311.20.2.3) and an
# e-mail address, with the LDAP and HTTP CRL/AIA locations an Active Directory CA writes into
# every certificate. The client's flight (leaf + intermediate, RSA-4096 signatures) is over 5 KB,
# larger than one SSTP packet. Run from here: sh gen-rsa4096.sh
set -eu
days=36500
ext=$(mktemp)
trap 'rm -f "$ext" ./*.csr ./*.srl' EXIT

openssl req -x509 -newkey rsa:4096 -nodes -keyout rsa4096-root.key -out rsa4096-root.pem \
  -days $days -sha256 -subj "/O=sstp test/CN=sstp test rsa4096 root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -new -newkey rsa:4096 -nodes -keyout rsa4096-inter.key \
  -subj "/O=sstp test/CN=sstp test rsa4096 issuing CA" -out inter.csr
# What an AD CS issuing CA publishes (names are examples; nothing is fetched by the tests).
adcs() { # adcs <CA common name>; commas and spaces %-encoded (openssl's list syntax)
  n=$(printf '%s' "$1" | sed 's/ /%20/g')
  dn="CN=$n%2CCN=pki01%2CCN=CDP%2CCN=Public%20Key%20Services%2CCN=Services%2CCN=Configuration%2CDC=corp%2CDC=example"
  an="CN=$n%2CCN=AIA%2CCN=Public%20Key%20Services%2CCN=Services%2CCN=Configuration%2CDC=corp%2CDC=example"
  printf 'crlDistributionPoints=URI:ldap:///%s?certificateRevocationList?base?objectClass=cRLDistributionPoint,URI:http://pki.corp.example/CertEnroll/%s.crl\n' "$dn" "$n"
  printf 'authorityInfoAccess=caIssuers;URI:ldap:///%s?cACertificate?base?objectClass=certificationAuthority,caIssuers;URI:http://pki.corp.example/CertEnroll/pki01.corp.example_%s.crt,OCSP;URI:http://ocsp.corp.example/ocsp\n' "$an" "$n"
  printf 'certificatePolicies=1.3.6.1.4.1.311.21.8.1234567.7654321.1.1.1,2.5.29.32.0\n'
}
{ printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n'
  adcs "sstp test rsa4096 root"; } > "$ext"
openssl x509 -req -in inter.csr -CA rsa4096-root.pem -CAkey rsa4096-root.key -CAcreateserial \
  -days $days -sha256 -extfile "$ext" -out rsa4096-inter.pem
openssl req -new -newkey rsa:4096 -nodes -keyout rsa4096-client.key \
  -subj "/O=sstp test/OU=Users/CN=Alice Example" -out client.csr
{ cat <<'X'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth,emailProtection,1.3.6.1.4.1.311.10.3.4
subjectAltName=email:alice.mail@example.org,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example
1.3.6.1.4.1.311.21.7=DER:302e06262b060104018237150884b9b86a87e0d84a85a1f8418fd9b5508189d7491f81a3f9468197e11a020164020105
X
  adcs "sstp test rsa4096 issuing CA"; } > "$ext"
openssl x509 -req -in client.csr -CA rsa4096-inter.pem -CAkey rsa4096-inter.key -CAcreateserial \
  -days $days -sha256 -extfile "$ext" -out rsa4096-client.pem
cat rsa4096-client.pem rsa4096-inter.pem > rsa4096-client-chain.pem
