#!/bin/bash
# Makes what a learner and its workers need to talk over mutual TLS, with
# Debian's openssl:
#
#   deploy/make_certs.sh OUT_DIR [SAN ...]
#
# SAN: the names and addresses workers use to reach the learner, as
# subjectAltName entries, e.g. DNS:learner.lab.internal IP:10.1.2.3
# (default: DNS:localhost IP:127.0.0.1). Writes into OUT_DIR (created,
# mode 700):
#   ca.pem            the CA certificate: --tls_ca of workers and the CLI,
#                     --tls_client_ca of the learner
#   ca.key            the CA's key: keep it offline; it signs new certificates
#   server.pem/.key   the learner's certificate and key: --tls_cert/--tls_key
#   client.pem/.key   a client certificate for workers and the CLI
#                     (mutual TLS): their --tls_cert/--tls_key
#   worker.token      the learner's --worker_token_file; workers' --token_file
#   admin.token       the learner's --admin_token_file; the CLI's --token_file
#                     for checkpoint and unregister (either token reads status)
# Keys are P-256, readable by the owner only. Certificates are valid for
# 825 days, the CA for 10 years; tokens are 32 random bytes in hex. Run it
# again with the same OUT_DIR to re-issue server and client certificates
# from the existing CA (running learners and workers pick up renewed files
# within 10 s, no restart); existing tokens are kept.
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* ]]; then
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
out="$1"
shift
sans=("$@")
[[ ${#sans[@]} -eq 0 ]] && sans=(DNS:localhost IP:127.0.0.1)
for san in "${sans[@]}"; do
  if [[ ! "$san" =~ ^(DNS|IP):[A-Za-z0-9.:*-]+$ ]]; then
    echo "make_certs.sh: SAN \"$san\": expected DNS:name or IP:address" >&2
    exit 2
  fi
done
san_list=$(IFS=,; echo "${sans[*]}")

umask 077
mkdir -p "$out"
cd "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ ! -f ca.key || ! -f ca.pem ]]; then
  key ca.key
  openssl req -x509 -new -key ca.key -out ca.pem -days 3650 -subj "/CN=POLO run CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

# sign NAME CN EXTENSIONS: NAME.key (new) and NAME.pem signed by the CA.
sign() {
  key "$tmp/$1.key"
  openssl req -new -key "$tmp/$1.key" -out "$tmp/$1.csr" -subj "/CN=$2" 2>/dev/null
  printf '%s\n' "$3" > "$tmp/$1.ext"
  openssl x509 -req -in "$tmp/$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$tmp/$1.pem" -days 825 -extfile "$tmp/$1.ext" 2>/dev/null
  # Replace both files only when both are ready (watchers re-read them).
  mv "$tmp/$1.key" "$1.key"
  mv "$tmp/$1.pem" "$1.pem"
}

sign server polo-learner "subjectAltName=$san_list
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
sign client polo-worker "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
for token in worker admin; do
  [[ -s "$token.token" ]] || openssl rand -hex 32 > "$token.token"
done
chmod 644 ca.pem server.pem client.pem
echo "make_certs.sh: wrote ca.pem, server.pem/.key (SAN $san_list), client.pem/.key," \
  "worker.token and admin.token into $out"
