// cniclient drives CNI plugins the way real runtimes do, through the same Go libraries they link:
//
//   - libcni (github.com/containernetworking/cni/libcni, Debian golang-github-appc-cni-dev 1.1.2), used by
//     CRI-O, podman's CNI backend and cnitool: ValidateNetworkList (a VERSION probe of every plugin), then
//     AddNetworkList / CheckNetworkList / DelNetworkList with capability args, CNI_ARGS and a result cache.
//   - go-cni (github.com/containerd/go-cni, Debian golang-github-containerd-go-cni-dev 1.1.7), used by
//     containerd's CRI: Setup / Check / Remove of go-cni's built-in loopback network plus the first conflist of the
//     config directory, with the labels and capabilities containerd sends.
//
// It is built in GOPATH mode against Debian's packages, offline:
//
//	GO111MODULE=off GOPATH=<temp>:/usr/share/gocode go build -o <temp>/cniclient ./conformance/clients
//
// Run it inside the namespace the plugins must live in (e.g. under `ip netns exec <host>`): every plugin it
// execs inherits that namespace. It prints the result as JSON on stdout (add) and exits non-zero with the error
// on stderr when the library reports one.
//
// A new network (vxlan, a chained portmap) needs no change here: it is one more conflist in the directory.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type options struct {
	client       string
	verb         string
	confDir      string
	netName      string
	cniPath      string
	cacheDir     string
	netns        string
	containerID  string
	ifName       string
	args         string
	mac          string
	ips          string
	portMappings string
	fromCache    bool
}

func main() {
	var o options
	flag.StringVar(&o.client, "client", "libcni", "libcni (CRI-O, podman, cnitool) or gocni (containerd)")
	flag.StringVar(&o.verb, "verb", "", "validate, add, check or del")
	flag.StringVar(&o.confDir, "confdir", "", "directory holding the network's .conflist")
	flag.StringVar(&o.netName, "net", "", "libcni: the network to load from -confdir (go-cni takes the first file)")
	flag.StringVar(&o.cniPath, "path", "", "plugin directories, colon-separated (CNI_PATH)")
	flag.StringVar(&o.cacheDir, "cachedir", "", "libcni: result cache directory (go-cni always uses libcni's default, /var/lib/cni)")
	flag.StringVar(&o.netns, "netns", "", "container network namespace path (CNI_NETNS); may be empty or gone on del")
	flag.StringVar(&o.containerID, "id", "", "container id (CNI_CONTAINERID)")
	flag.StringVar(&o.ifName, "ifname", "eth0", "libcni: interface name (go-cni names its networks eth0, eth1...)")
	flag.StringVar(&o.args, "args", "", "CNI_ARGS pairs K=V;K=V (go-cni: labels)")
	flag.StringVar(&o.mac, "mac", "", "capability arg \"mac\"")
	flag.StringVar(&o.ips, "ips", "", "capability arg \"ips\", comma-separated CIDRs")
	flag.StringVar(&o.portMappings, "portmappings", "", "capability arg \"portMappings\" as JSON ([{hostPort,containerPort,protocol,hostIP}])")
	flag.BoolVar(&o.fromCache, "from-cache", false, "libcni del: take the config, CNI_ARGS and capability args from the cache, as CRI-O does")
	flag.Parse()

	if o.verb == "" || o.confDir == "" || o.cniPath == "" {
		fail(fmt.Errorf("-verb, -confdir and -path are required"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out interface{}
	var err error
	switch o.client {
	case "libcni":
		out, err = runLibcni(ctx, &o)
	case "gocni":
		out, err = runGocni(ctx, &o)
	default:
		err = fmt.Errorf("unknown client %q", o.client)
	}
	if err != nil {
		fail(err)
	}
	if out != nil {
		enc := json.NewEncoder(os.Stdout)
		if err := enc.Encode(out); err != nil {
			fail(err)
		}
	}
}

// pairs splits "K=V;K=V" as runtimes hold CNI_ARGS, keeping the order.
func pairs(s string) ([][2]string, error) {
	var out [][2]string
	for _, kv := range strings.Split(s, ";") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("CNI_ARGS pair %q has no '='", kv)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cniclient:", err)
	os.Exit(1)
}
