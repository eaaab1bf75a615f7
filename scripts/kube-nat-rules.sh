#!/usr/bin/env bash
# Prints an iptables-restore batch shaped like kube-proxy's nat table on a busy node: N services (default 2,000),
# each with a cluster IP, two endpoints and a node port, 11 rules per service, in kube-proxy's chains
# (KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-*, KUBE-NODEPORTS, KUBE-EXT-*). For benchmarks, loaded into a throwaway
# namespace only. Usage: scripts/kube-nat-rules.sh [services] | ip netns exec NS iptables-restore
set -euo pipefail
n=${1:-2000}
awk -v n="$n" 'BEGIN {
  print "*nat"
  print ":KUBE-SERVICES - [0:0]"; print ":KUBE-NODEPORTS - [0:0]"; print ":KUBE-MARK-MASQ - [0:0]"; print ":KUBE-POSTROUTING - [0:0]"
  for (i = 0; i < n; i++) {
    svc = sprintf("KUBE-SVC-%016X", i); ext = sprintf("KUBE-EXT-%016X", i)
    a = sprintf("KUBE-SEP-A%015X", i); b = sprintf("KUBE-SEP-B%015X", i)
    printf ":%s - [0:0]\n:%s - [0:0]\n:%s - [0:0]\n:%s - [0:0]\n", svc, ext, a, b
  }
  for (i = 0; i < n; i++) {
    svc = sprintf("KUBE-SVC-%016X", i); ext = sprintf("KUBE-EXT-%016X", i)
    a = sprintf("KUBE-SEP-A%015X", i); b = sprintf("KUBE-SEP-B%015X", i)
    cip = sprintf("10.96.%d.%d", int(i / 250), i % 250 + 1)
    pa = sprintf("10.244.%d.%d", int(i / 125), (i % 125) * 2 + 1); pb = sprintf("10.244.%d.%d", int(i / 125), (i % 125) * 2 + 2)
    c = sprintf("\"ns%d/svc%d:http\"", i, i)
    printf "-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment %s -m tcp --dport 80 -j %s\n", cip, c, svc
    printf "-A %s ! -s 10.244.0.0/16 -d %s/32 -p tcp -m comment --comment %s -m tcp --dport 80 -j KUBE-MARK-MASQ\n", svc, cip, c
    printf "-A %s -m comment --comment %s -m statistic --mode random --probability 0.5 -j %s\n", svc, c, a
    printf "-A %s -m comment --comment %s -j %s\n", svc, c, b
    printf "-A %s -s %s/32 -m comment --comment %s -j KUBE-MARK-MASQ\n", a, pa, c
    printf "-A %s -p tcp -m comment --comment %s -m tcp -j DNAT --to-destination %s:8080\n", a, c, pa
    printf "-A %s -s %s/32 -m comment --comment %s -j KUBE-MARK-MASQ\n", b, pb, c
    printf "-A %s -p tcp -m comment --comment %s -m tcp -j DNAT --to-destination %s:8080\n", b, c, pb
    printf "-A KUBE-NODEPORTS -p tcp -m comment --comment %s -m tcp --dport %d -j %s\n", c, 30000 + i % 2768, ext
    printf "-A %s -m comment --comment %s -j KUBE-MARK-MASQ\n", ext, c
    printf "-A %s -j %s\n", ext, svc
  }
  print "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
  print "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
  print "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"
  print "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"
  print "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
  print "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0"
  print "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"
  print "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
  print "COMMIT"
}'
