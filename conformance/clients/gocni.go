package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	gocni "github.com/containerd/go-cni"
)

// podAnnotations is the capability containerd's CRI always passes (pkg/cri/annotations.PodAnnotations).
const podAnnotations = "io.kubernetes.cri.pod-annotations"

// runGocni does what containerd 1.6's CRI plugin does with go-cni for a pod sandbox: load loopback plus the first
// config of the directory (WithLoNetwork, WithDefaultConf, at least two networks), then Setup (the networks in
// parallel), Check or Remove with the pod's labels as CNI_ARGS and its capabilities. go-cni has no cache directory
// option: results go to libcni's default, /var/lib/cni, which the caller must make private (a mount namespace).
func runGocni(ctx context.Context, o *options) (interface{}, error) {
	c, err := gocni.New(
		gocni.WithMinNetworkCount(2),
		gocni.WithPluginConfDir(o.confDir),
		gocni.WithPluginDir(strings.Split(o.cniPath, ":")),
	)
	if err != nil {
		return nil, err
	}
	if err := c.Load(gocni.WithLoNetwork, gocni.WithDefaultConf); err != nil {
		return nil, err
	}
	opts, err := namespaceOpts(o)
	if err != nil {
		return nil, err
	}

	switch o.verb {
	case "add":
		result, err := c.Setup(ctx, o.containerID, o.netns, opts...)
		if err != nil {
			return nil, err
		}
		// What containerd reads (the sandbox IPs from Interfaces["eth0"]) and every network's own result.
		return map[string]interface{}{"interfaces": result.Interfaces, "raw": result.Raw()}, nil
	case "check":
		// containerd never calls it: go-cni's loopback network is cniVersion 0.3.1, which has no CHECK, so this
		// always fails by design; it is here to show exactly that.
		return nil, c.Check(ctx, o.containerID, o.netns, opts...)
	case "del":
		// containerd sends an empty path once the sandbox's namespace is closed.
		return nil, c.Remove(ctx, o.containerID, o.netns, opts...)
	}
	return nil, fmt.Errorf("unknown verb %q for gocni", o.verb)
}

// namespaceOpts are containerd's cniNamespaceOpts: the pod's labels (K8S_POD_* and IgnoreUnknown=1) from -args,
// the pod annotations capability, and port mappings when the pod has any.
func namespaceOpts(o *options) ([]gocni.NamespaceOpts, error) {
	args, err := pairs(o.args)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, kv := range args {
		labels[kv[0]] = kv[1]
	}
	opts := []gocni.NamespaceOpts{
		gocni.WithLabels(labels),
		gocni.WithCapability(podAnnotations, map[string]string{}),
	}
	if o.portMappings != "" {
		var pm []gocni.PortMapping
		if err := json.Unmarshal([]byte(o.portMappings), &pm); err != nil {
			return nil, fmt.Errorf("-portmappings: %w", err)
		}
		opts = append(opts, gocni.WithCapabilityPortMap(pm))
	}
	if o.mac != "" {
		opts = append(opts, gocni.WithCapability("mac", o.mac))
	}
	if o.ips != "" {
		opts = append(opts, gocni.WithCapability("ips", strings.Split(o.ips, ",")))
	}
	return opts, nil
}
