package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

// runLibcni does what CRI-O (through ocicni) and podman's CNI backend do with libcni for one container network.
func runLibcni(ctx context.Context, o *options) (interface{}, error) {
	if o.netName == "" {
		return nil, fmt.Errorf("-net is required with libcni")
	}
	list, err := libcni.LoadConfList(o.confDir, o.netName)
	if err != nil {
		return nil, err
	}
	cni := libcni.NewCNIConfigWithCacheDir(strings.Split(o.cniPath, ":"), o.cacheDir, nil)
	rt, err := runtimeConf(o)
	if err != nil {
		return nil, err
	}

	switch o.verb {
	case "validate":
		// podman and CRI-O validate a network when they load it: a VERSION call to every plugin of the list,
		// which must name the list's cniVersion among its supported versions.
		caps, err := cni.ValidateNetworkList(ctx, list)
		if err != nil {
			return nil, err
		}
		return map[string]interface{}{"capabilities": caps}, nil
	case "add":
		if _, err := cni.ValidateNetworkList(ctx, list); err != nil {
			return nil, err
		}
		result, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			return nil, err
		}
		return result, nil
	case "check":
		return nil, cni.CheckNetworkList(ctx, list, rt)
	case "del":
		if o.fromCache {
			// ocicni's teardown: the network as it was when the container was added (the file may have
			// changed or gone since), with the CNI_ARGS and capability args of that ADD.
			cached, cachedRt, err := cni.GetNetworkListCachedConfig(list, rt)
			if err != nil {
				return nil, err
			}
			if cached == nil {
				return nil, fmt.Errorf("no cached config for network %q container %q", list.Name, rt.ContainerID)
			}
			if list, err = libcni.ConfListFromBytes(cached); err != nil {
				return nil, err
			}
			rt = cachedRt
		}
		return nil, cni.DelNetworkList(ctx, list, rt)
	}
	return nil, fmt.Errorf("unknown verb %q", o.verb)
}

// runtimeConf builds what the runtime passes per container: the CNI_* values, CNI_ARGS and the capability args
// libcni injects as runtimeConfig into the plugins that declare them.
func runtimeConf(o *options) (*libcni.RuntimeConf, error) {
	args, err := pairs(o.args)
	if err != nil {
		return nil, err
	}
	caps := map[string]interface{}{}
	if o.mac != "" {
		caps["mac"] = o.mac
	}
	if o.ips != "" {
		caps["ips"] = strings.Split(o.ips, ",")
	}
	if o.portMappings != "" {
		var pm []map[string]interface{}
		if err := json.Unmarshal([]byte(o.portMappings), &pm); err != nil {
			return nil, fmt.Errorf("-portmappings: %w", err)
		}
		caps["portMappings"] = pm
	}
	return &libcni.RuntimeConf{
		ContainerID:    o.containerID,
		NetNS:          o.netns,
		IfName:         o.ifName,
		Args:           args,
		CapabilityArgs: caps,
	}, nil
}
