#!/usr/bin/env bash
# Installs the Debian packages the demo and the tests need, if any is missing: iproute2 (ip netns), iptables and
# nftables (masquerade and isolation rules), iputils-ping, and containernetworking-plugins (the reference binaries
# in /usr/lib/cni that the conformance suite compares against), gcc with libc6-dev, which the NativeAOT publish
# links the static binaries with (libc.a), and linux-libc-dev, the kernel headers a unit test compiles against to
# check the kernel constants and struct layouts the code spells out; socat (the servers and clients of the portmap
# tests) and conntrack (which reads back the conntrack entries portmap deletes over netlink); etcd-server, etcd-client
# (etcdctl) and openssl for the overlay agent's tests (a real etcd in a namespace, TLS certificates made by the test);
# python3-yaml, with which scripts/check-manifests.py reads the Kubernetes manifests.
# Needs root when something is missing.
#
# The runtimes the Clients conformance tests put in front of our binaries, without their recommends (buildah,
# slirp4netns, fuse-overlayfs and the like are not used): golang-go with Debian's libcni
# (golang-github-appc-cni-dev, what CRI-O, podman and cnitool link) and go-cni (golang-github-containerd-go-cni-dev,
# what containerd links) build conformance/clients offline; podman with crun and conmon, and containerd with runc,
# run containers from an image made of busybox-static's self-contained /bin/busybox.
set -euo pipefail
need=(iproute2 iptables nftables containernetworking-plugins iputils-ping hyperfine gcc libc6-dev linux-libc-dev socat conntrack etcd-server etcd-client openssl python3-yaml)
clients=(golang-go golang-github-appc-cni-dev golang-github-containerd-go-cni-dev podman crun conmon busybox-static containerd runc)
missing=(); missing_clients=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
for p in "${clients[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_clients+=("$p"); done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_clients[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} ${missing_clients[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq "${missing[@]}" >/dev/null
[ ${#missing_clients[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing_clients[@]}" >/dev/null
