#!/usr/bin/env bash
# Regenerates the test certificates in this folder (valid for 100 years, so they never need it):
# a CA, server certificates it signs, the default key again as PKCS#1, and a CA nobody trusts.
# These keys protect nothing; they exist so tests can speak real TLS.
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 36500 \
  -subj "/CN=Elbow Test CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
issue() { # name "dns1,dns2" rsa|ec
  local name=$1 names=$2 type=$3
  if [ "$type" = ec ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key"
  else
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key"
  fi
  openssl req -new -key "$name.key" -subj "/CN=${names%%,*}" -out "$name.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' \
    "$(echo "$names" | sed 's/\([^,]*\)/DNS:\1/g')" >ext.cnf
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 36500 \
    -extfile ext.cnf -out "$name.crt"
  rm "$name.csr" ext.cnf
}
issue default "localhost,www.example.test" rsa
issue api "api.example.test" ec
issue backend "backend.example.test,localhost" rsa
openssl rsa -in default.key -traditional -out default-pkcs1.key
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 36500 \
  -subj "/CN=Untrusted CA"
rm -f ca.srl other-ca.key
