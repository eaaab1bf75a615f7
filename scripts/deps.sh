#!/usr/bin/env bash
# Installs the Debian packages the demo and the tests need, if any is missing: iproute2 (ip netns), iptables and
# nftables (masquerade and isolation rules), iputils-ping, and containernetworking-plugins (the reference binaries
# in /usr/lib/cni that the conformance suite compares against), gcc with libc6-dev, which the NativeAOT publish
# links the static binaries with (libc.a), and linux-libc-dev, the kernel headers a unit test compiles against to
# check the kernel constants and struct layouts the code spells out; etcd-server, etcd-client (etcdctl) and openssl
# for the overlay agent's tests (a real etcd in a namespace, TLS certificates made by the test). Needs root when something is missing.
set -euo pipefail
need=(iproute2 iptables nftables containernetworking-plugins iputils-ping hyperfine gcc libc6-dev linux-libc-dev etcd-server etcd-client openssl)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
