#!/usr/bin/env python3
"""Checks the Kubernetes manifests in deploy/kubernetes without a cluster: every file is well-formed YAML of objects
with apiVersion, kind and metadata.name; each DaemonSet runs on the host's network on every node (tolerates every
taint, priority class system-node-critical), its selector matches its pod labels, every container names the image
the build tags (deploy/image-name, tagged v<version.json's version>) and a command, every volume is mounted and
every mount is a volume, the plugins go to the host's /opt/cni/bin and the conflist to its /etc/cni/net.d, the
conflist comes from a ConfigMap of the same file, and the main container is `cni-plugins wait` or overlay-agent
(whose state directory is the vxlan plugin's subnetFile directory, shared with the host). Every conflist in a
ConfigMap parses as JSON and names only plugins the built cni-plugins holds.
Usage: scripts/check-manifests.py --bin DIR FILE...   Prints one line per problem; exit status 1 if there is any.
"""
import json
import os
import posixpath
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = "/bin/cni-plugins"
AGENT = "/bin/overlay-agent"
HOST_DIRS = {"/opt/cni/bin": "/host/opt/cni/bin", "/etc/cni/net.d": "/host/etc/cni/net.d"}


def expected_image():
    with open(os.path.join(ROOT, "deploy", "image-name")) as f:
        name = f.read().strip()
    with open(os.path.join(ROOT, "version.json")) as f:
        return f"{name}:v{json.load(f)['version']}"


def shipped_plugins(bin_dir):
    """The plugins `cni-plugins --version` names: "cni-plugins v0.1.90+abc plugins: bridge host-local ..."."""
    about = subprocess.run([os.path.join(bin_dir, "cni-plugins"), "--version"], check=True, capture_output=True, text=True).stdout
    return set(about.split("plugins:", 1)[1].split())


def flag(command, name):
    """The value of --name in a command line, as --name=value or --name value."""
    for i, arg in enumerate(command):
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
        if arg == name and i + 1 < len(command):
            return command[i + 1]
    return None


class Checker:
    def __init__(self, image, plugins):
        self.image = image
        self.plugins = plugins
        self.problems = []

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")

    def file(self, path):
        try:
            with open(path) as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as e:
            self.fail(path, f"not well-formed YAML: {e}")
            return
        configmaps, conflists = {}, []
        for doc in docs:
            if not isinstance(doc, dict) or not all(doc.get(k) for k in ("apiVersion", "kind")) \
                    or not isinstance(doc.get("metadata"), dict) or not doc["metadata"].get("name"):
                self.fail(path, "an object without apiVersion, kind or metadata.name")
                continue
            where = f"{path}: {doc['kind']} {doc['metadata']['name']}"
            if doc["metadata"].get("namespace") != "kube-system":
                self.fail(where, "not in namespace kube-system")
            if doc["kind"] == "ConfigMap":
                configmaps[doc["metadata"]["name"]] = doc.get("data") or {}
                conflists += self.conflists(where, doc.get("data") or {})
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "DaemonSet":
                self.daemonset(f"{path}: DaemonSet {doc['metadata'].get('name')}", doc, configmaps, conflists)

    def conflists(self, where, data):
        """The well-formed conflists among a ConfigMap's keys; a problem for each one that is not."""
        good = []
        for key, text in data.items():
            if not key.endswith((".conf", ".conflist")):
                continue
            try:
                conf = json.loads(text)
            except json.JSONDecodeError as e:
                self.fail(f"{where} {key}", f"not JSON: {e}")
                continue
            if not isinstance(conf, dict) or not conf.get("cniVersion") or not conf.get("name") \
                    or not isinstance(conf.get("plugins"), list) or not conf["plugins"] \
                    or not all(isinstance(p, dict) for p in conf["plugins"]):
                self.fail(f"{where} {key}", "a conflist needs cniVersion, name and a non-empty list of plugin objects")
                continue
            for plugin in conf["plugins"]:
                for kind in (plugin.get("type"), (plugin.get("ipam") or {}).get("type")):
                    if kind is not None and kind not in self.plugins:
                        self.fail(f"{where} {key}", f"plugin {kind!r} is not one cni-plugins holds ({' '.join(sorted(self.plugins))})")
            good.append(conf)
        return good

    def daemonset(self, where, ds, configmaps, conflists):
        if ds.get("apiVersion") != "apps/v1":
            self.fail(where, "apiVersion is not apps/v1")
        spec = ds.get("spec") or {}
        template = spec.get("template") or {}
        pod = template.get("spec") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            self.fail(where, f"selector {selector} does not match the pod's labels {labels}")
        if pod.get("hostNetwork") is not True:
            self.fail(where, "hostNetwork is not true (there is no pod network before the plugins)")
        if pod.get("priorityClassName") != "system-node-critical":
            self.fail(where, "priorityClassName is not system-node-critical")
        if not any(t == {"operator": "Exists"} for t in pod.get("tolerations") or []):
            self.fail(where, "no toleration {operator: Exists} (every taint)")

        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        inits = pod.get("initContainers") or []
        mains = pod.get("containers") or []
        mounted = set()
        for c in inits + mains:
            cw = f"{where} container {c.get('name')}"
            if c.get("image") != self.image:
                self.fail(cw, f"image {c.get('image')!r} is not the one the build tags, {self.image!r}")
            if not c.get("command"):
                self.fail(cw, "no command (the image has no shell; say what runs)")
            for m in c.get("volumeMounts") or []:
                mounted.add(m.get("name"))
                if m.get("name") not in volumes:
                    self.fail(cw, f"mounts {m.get('name')!r}, which is not a volume")
        for name in volumes:
            if name not in mounted:
                self.fail(where, f"volume {name!r} is mounted by no container")

        def host_mount(container, host_path):
            """Where the container sees the host's <host_path>, or None."""
            for m in container.get("volumeMounts") or []:
                v = volumes.get(m.get("name")) or {}
                if (v.get("hostPath") or {}).get("path") == host_path and not m.get("readOnly"):
                    return m.get("mountPath")
            return None

        install = [c for c in inits if (c.get("command") or [])[:2] == [BINARY, "install"]]
        if not install:
            self.fail(where, f"no init container runs {BINARY} install")
        for c in install:
            dest = flag(c["command"], "--dest")
            if dest != HOST_DIRS["/opt/cni/bin"] or host_mount(c, "/opt/cni/bin") != dest:
                self.fail(f"{where} container {c.get('name')}", f"installs into {dest!r}, not the host's /opt/cni/bin mounted at {HOST_DIRS['/opt/cni/bin']}")

        configs = [c for c in inits if (c.get("command") or [])[:2] == [BINARY, "install-config"]]
        if not configs:
            self.fail(where, f"no init container runs {BINARY} install-config")
        for c in configs:
            cw = f"{where} container {c.get('name')}"
            dest, src = flag(c["command"], "--dest"), flag(c["command"], "--src") or ""
            if dest != HOST_DIRS["/etc/cni/net.d"] or host_mount(c, "/etc/cni/net.d") != dest:
                self.fail(cw, f"writes the config into {dest!r}, not the host's /etc/cni/net.d mounted at {HOST_DIRS['/etc/cni/net.d']}")
            source = next((volumes.get(m.get("name"), {}).get("configMap", {}).get("name")
                           for m in c.get("volumeMounts") or [] if m.get("mountPath") == posixpath.dirname(src)), None)
            if source not in configmaps or posixpath.basename(src) not in configmaps[source]:
                self.fail(cw, f"--src {src!r} is not a key of a ConfigMap in this file mounted at its directory")

        if len(mains) != 1:
            self.fail(where, "not exactly one main container")
        for c in mains:
            command = c.get("command") or []
            if command == [BINARY, "wait"]:
                continue
            if command[:1] != [AGENT]:
                self.fail(f"{where} container {c.get('name')}", f"runs {command}, neither `{BINARY} wait` nor {AGENT}")
                continue
            state = flag(command, "--state-dir") or "/run/cni-overlay"
            if host_mount(c, state) != state:
                self.fail(f"{where} container {c.get('name')}", f"the agent's state dir {state} is not the host's, writable at the same path")
            files = [p.get("subnetFile") for conf in conflists for p in conf["plugins"]]
            if not any(f and posixpath.dirname(f) == state for f in files):
                self.fail(f"{where} container {c.get('name')}", f"no vxlan subnetFile in the conflist lies in the agent's state dir {state}")


def main(argv):
    if len(argv) < 3 or argv[0] != "--bin":
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    checker = Checker(expected_image(), shipped_plugins(argv[1]))
    for path in argv[2:]:
        checker.file(path)
    for p in checker.problems:
        print(p)
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
