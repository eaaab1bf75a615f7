#!/usr/bin/env python3
# Captures rtnetlink dump replies (links, addresses, routes, neighbours) from this kernel as the fuzz corpus.
# Run as root; everything happens inside a throwaway network namespace that is removed afterwards:
#   python3 tests/Fuzz.Tests/corpus/netlink/capture.py tests/Fuzz.Tests/corpus/netlink
# Each output file holds the datagrams of one dump reply, each as a line of hex.
import os, socket, struct, subprocess, sys, uuid

out = sys.argv[1]

def dump(out):
    dumps = {
        "link-dump": (18, struct.pack("BxHiII", 0, 0, 0, 0, 0)),       # RTM_GETLINK, ifinfomsg
        "addr-dump": (22, struct.pack("BBBBI", 0, 0, 0, 0, 0)),        # RTM_GETADDR, ifaddrmsg
        "route4-dump": (26, struct.pack("BBBBBBBBI", 2, 0, 0, 0, 0, 0, 0, 0, 0)),   # RTM_GETROUTE, rtmsg AF_INET
        "route6-dump": (26, struct.pack("BBBBBBBBI", 10, 0, 0, 0, 0, 0, 0, 0, 0)),  # AF_INET6
        "neigh-dump": (30, struct.pack("BxxxiHBB", 2, 0, 0, 0, 0)),    # RTM_GETNEIGH, ndmsg AF_INET
    }
    for name, (mtype, body) in dumps.items():
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        s.bind((0, 0))
        s.send(struct.pack("IHHII", 16 + len(body), mtype, 0x301, 1, 0) + body)
        grams = []
        while True:
            d = s.recv(65536)
            grams.append(d)
            off, done = 0, False
            while off + 16 <= len(d):
                ln, ty = struct.unpack_from("IH", d, off)
                done |= ty == 3   # NLMSG_DONE
                off += (ln + 3) & ~3
            if done:
                break
        with open(os.path.join(out, name + ".hex"), "w") as f:
            for g in grams:
                f.write(g.hex() + "\n")
        s.close()

if len(sys.argv) > 2 and sys.argv[2] == "--dump":
    dump(out)
    sys.exit(0)

ns = "cnitcap" + uuid.uuid4().hex[:6]

def ip(*args):
    subprocess.run(["ip", "-n", ns, *args], check=True)

subprocess.run(["ip", "netns", "add", ns], check=True)
try:
    ip("link", "set", "lo", "up")
    ip("link", "add", "br0", "type", "bridge")
    ip("link", "add", "veth0", "type", "veth", "peer", "name", "eth0")
    ip("link", "set", "veth0", "master", "br0")
    ip("link", "add", "link", "br0", "name", "mv0", "type", "macvlan", "mode", "bridge")
    for l in ("br0", "veth0", "eth0", "mv0"):
        ip("link", "set", l, "up")
    ip("addr", "add", "10.88.0.1/24", "dev", "br0")
    ip("addr", "add", "fd00:88::1/64", "dev", "br0", "nodad")
    ip("addr", "add", "10.88.0.2/24", "dev", "eth0")
    ip("route", "add", "10.200.0.0/16", "via", "10.88.0.254")
    ip("-6", "route", "add", "fd00:200::/64", "via", "fd00:88::fe")
    ip("neigh", "add", "10.88.0.9", "lladdr", "02:00:00:00:00:09", "dev", "br0")

    subprocess.run(["ip", "netns", "exec", ns, sys.executable, __file__, out, "--dump"], check=True)
finally:
    subprocess.run(["ip", "netns", "del", ns], check=True)
