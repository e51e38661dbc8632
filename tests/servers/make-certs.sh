#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-certs.sh - create throw-away TLS material for the Leakwatch test-suite.
#
# Usage: make-certs.sh OUTDIR ADDR [ADDR ...]
#
# ADDR are IPv4/IPv6 literals the test servers listen on.  Creates in OUTDIR
# (NAME.pem certificate + NAME.key private key):
#   ca         test CA "Leakwatch Test CA" (the trust anchor)
#   server     signed by the CA, SAN IP:ADDR... + DNS:localhost
#   untrusted  self-signed, same SANs (does not chain to the CA)
#   wrongname  signed by the CA, SAN only DNS:wrong.example
#   expired    signed by the CA, same SANs as server, already expired
# All keys are EC P-256; certificates are valid for 2 days (except expired).
# Prints nothing unless something fails.

set -euo pipefail

usage() {
	echo "usage: $0 OUTDIR ADDR [ADDR ...]" >&2
	exit 2
}

[ $# -ge 2 ] || usage
outdir=$1
shift

# Only accept IP literals (IPv4 dotted quad or IPv6 hex/colon form; brackets
# are stripped).  openssl validates the exact syntax; this check just keeps
# anything odd (spaces, newlines, '=') out of the generated config file.
addrs=()
for a in "$@"; do
	a=${a#[}
	a=${a%]}
	if [[ ! $a =~ ^[0-9A-Fa-f:.]+$ ]]; then
		echo "$0: not an IP address literal: '$a'" >&2
		exit 2
	fi
	addrs+=("$a")
done

mkdir -p "$outdir"
cd "$outdir"

# Scratch space (configs, CSRs, the "openssl ca" database) lives inside OUTDIR
# and is removed however the script ends.
tmp=$(mktemp -d ./.make-certs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# Run an openssl command quietly; show its output only if it fails.
run() {
	if ! "$@" >"$log" 2>&1; then
		echo "$0: command failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

# Use only our own config, never the system one.
export OPENSSL_CONF=$tmp/openssl.cnf

{
	cat <<-EOF
	[req]
	distinguished_name = req_dn
	prompt             = no
	[req_dn]
	CN = unused

	[v3_ca]
	basicConstraints       = critical, CA:true
	keyUsage               = critical, keyCertSign, cRLSign
	subjectKeyIdentifier   = hash
	authorityKeyIdentifier = keyid:always

	# Leaf certificates: CA-signed, and the self-signed "untrusted" one.
	[v3_leaf]
	basicConstraints       = critical, CA:false
	keyUsage               = critical, digitalSignature
	extendedKeyUsage       = serverAuth
	subjectKeyIdentifier   = hash
	authorityKeyIdentifier = keyid:always
	subjectAltName         = @alt_server

	[v3_wrongname]
	basicConstraints       = critical, CA:false
	keyUsage               = critical, digitalSignature
	extendedKeyUsage       = serverAuth
	subjectKeyIdentifier   = hash
	authorityKeyIdentifier = keyid:always
	subjectAltName         = DNS:wrong.example

	# Minimal setup for "openssl ca", used only for expired.pem because
	# "openssl x509 -req" in OpenSSL 3.0 cannot set an arbitrary notBefore.
	[ca]
	default_ca = ca_test
	[ca_test]
	database        = $tmp/index.txt
	new_certs_dir   = $tmp
	rand_serial     = yes
	default_md      = sha256
	policy          = policy_any
	unique_subject  = no
	copy_extensions = none
	email_in_dn     = no
	[policy_any]
	commonName = supplied

	[alt_server]
	DNS.1 = localhost
	EOF
	i=1
	for a in "${addrs[@]}"; do
		echo "IP.$i = $a"
		i=$((i + 1))
	done
} >"$OPENSSL_CONF"
: >"$tmp/index.txt"

# Keys are secret-ish even in tests: create them with a restrictive umask.
newkey() {
	(umask 077 && run openssl genpkey -algorithm EC \
		-pkeyopt ec_paramgen_curve:P-256 -out "$1")
}

# csr_sign NAME CN EXTSECTION: key + CSR, certificate signed by the test CA.
csr_sign() {
	newkey "$1.key"
	run openssl req -new -key "$1.key" -subj "/CN=$2" -out "$tmp/$1.csr"
	run openssl x509 -req -in "$tmp/$1.csr" -CA ca.pem -CAkey ca.key \
		-days 2 -sha256 -extfile "$OPENSSL_CONF" -extensions "$3" \
		-out "$1.pem"
}

# The CA.
newkey ca.key
run openssl req -new -x509 -key ca.key -subj "/CN=Leakwatch Test CA" \
	-days 2 -sha256 -extensions v3_ca -out ca.pem

# The good server certificate and the wrong-hostname one.
csr_sign server "Leakwatch Test Server" v3_leaf
csr_sign wrongname "wrong.example" v3_wrongname

# Self-signed, i.e. not chaining to ca.pem.
newkey untrusted.key
run openssl req -new -x509 -key untrusted.key \
	-subj "/CN=Leakwatch Untrusted Server" \
	-days 2 -sha256 -extensions v3_leaf -out untrusted.pem

# Expired: valid from three days ago until yesterday.
newkey expired.key
run openssl req -new -key expired.key -subj "/CN=Leakwatch Expired Server" \
	-out "$tmp/expired.csr"
run openssl ca -batch -notext -cert ca.pem -keyfile ca.key \
	-in "$tmp/expired.csr" -extensions v3_leaf \
	-startdate "$(date -u -d '3 days ago' +%Y%m%d%H%M%SZ)" \
	-enddate "$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)" \
	-out expired.pem

chmod 0644 ca.pem server.pem untrusted.pem wrongname.pem expired.pem
