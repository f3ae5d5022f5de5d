// Package node runs one lab node: the real kubelet and Debian's containerd, in a mount namespace of their own
// whose default paths (/etc/containerd, /var/lib/kubelet, /var/log/pods, /etc/hosts, …) are bind mounts of the
// node's folder. Several nodes then share one machine the way kind's nodes share one Docker host, and a
// DaemonSet's hostPath (e.g. the trust installer's /etc/containerd/certs.d) lands on its own node only.
//
//	labcluster node --name node-1 --root .lab/nodes/node-1 --kubeconfig … --ca … --node-ip 10.222.0.1 --port 10251
//
// The process re-executes itself in a new mount namespace (CLONE_NEWNS, propagation private), makes the bind
// mounts, starts containerd, imports the image archives a node holds before anything runs (the sandbox image,
// air-gapped preloads), then runs the kubelet as a child. On SIGTERM/SIGINT it stops the kubelet and containerd
// and kills every process left in its namespace (shims, pods), so a stopped lab leaves nothing running.
package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Options describe one node.
type Options struct {
	Name        string
	Root        string
	Kubeconfig  string
	CAFile      string
	NodeIP      string
	Port        int
	HealthzPort int
	PodCIDR     string
	Bridge      string
	HostsFile   string
	ImagesDir   string
	SandboxTag  string
	Labels      []string
}

const innerEnv = "LABCLUSTER_NODE_INNER"

// Host paths a node sees as its own (host path → folder under the node root).
var nodeDirs = []struct{ host, own string }{
	{"/etc/containerd", "etc/containerd"},
	{"/etc/docker", "etc/docker"},
	{"/etc/containers", "etc/containers"},
	{"/etc/cni/net.d", "etc/cni/net.d"},
	{"/var/lib/containerd", "var/lib/containerd"},
	{"/var/lib/kubelet", "var/lib/kubelet"},
	{"/var/lib/cni", "var/lib/cni"},
	{"/var/log/pods", "var/log/pods"},
	{"/var/log/containers", "var/log/containers"},
	{"/run/containerd", "run/containerd"},
	{"/run/netns", "run/netns"},
}

// NewCommand is `labcluster node`.
func NewCommand() *cobra.Command {
	var o Options
	cmd := &cobra.Command{
		Use:   "node",
		Short: "run one lab node (kubelet + containerd) in a mount namespace of its own",
		RunE: func(*cobra.Command, []string) error {
			if os.Getenv(innerEnv) == "" {
				return reexecInNamespace()
			}
			return run(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Name, "name", "", "node name")
	f.StringVar(&o.Root, "root", "", "the node's folder")
	f.StringVar(&o.Kubeconfig, "kubeconfig", "", "the kubelet's kubeconfig (identity system:node:<name>)")
	f.StringVar(&o.CAFile, "ca", "", "CA that signs API server client certificates (the kubelet accepts them)")
	f.StringVar(&o.NodeIP, "node-ip", "", "the node's address")
	f.IntVar(&o.Port, "port", 10250, "kubelet port")
	f.IntVar(&o.HealthzPort, "healthz-port", 10248, "kubelet healthz port")
	f.StringVar(&o.PodCIDR, "pod-cidr", "", "pod subnet of this node (CNI bridge + host-local)")
	f.StringVar(&o.Bridge, "bridge", "", "the node's CNI bridge name")
	f.StringVar(&o.HostsFile, "hosts", "", "the node's /etc/hosts")
	f.StringVar(&o.ImagesDir, "images", "", "image archives (*.tar) to import before the kubelet starts")
	f.StringVar(&o.SandboxTag, "sandbox-image", "lab.local/pause:lab", "the sandbox (pause) image")
	f.StringSliceVar(&o.Labels, "node-labels", nil, "labels the kubelet registers the node with")
	for _, required := range []string{"name", "root", "kubeconfig", "ca", "node-ip", "pod-cidr", "bridge"} {
		_ = cmd.MarkFlagRequired(required)
	}
	return cmd
}

// reexecInNamespace runs this same command again as a child in a new, private mount namespace and
// passes signals on. Go's os/exec makes the new namespace's mounts private (MS_REC|MS_PRIVATE on /).
func reexecInNamespace() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.Command(self, os.Args[1:]...)
	child.Env = append(os.Environ(), innerEnv+"=1")
	child.Stdin, child.Stdout, child.Stderr = nil, os.Stdout, os.Stderr
	child.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	if err := child.Start(); err != nil {
		return fmt.Errorf("start the node in a new mount namespace (needs root): %w", err)
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range signals {
			_ = child.Process.Signal(s)
		}
	}()
	err = child.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	return err
}

func run(o Options) error {
	root, err := filepath.Abs(o.Root)
	if err != nil {
		return err
	}
	o.Root = root
	if err := bindNodeDirs(o); err != nil {
		return err
	}
	if err := writeContainerdConfig(o); err != nil {
		return err
	}
	if err := writeCNIConfig(o); err != nil {
		return err
	}
	if err := ensureCgroups(cgroupRoot(o.Name)); err != nil {
		return err
	}
	kubeletConfig, err := writeKubeletConfig(o)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	containerd := exec.Command("containerd", "--config", "/etc/containerd/config.toml")
	containerd.Stdout, containerd.Stderr = logFile(o.Root, "containerd.log"), logFile(o.Root, "containerd.log")
	if err := containerd.Start(); err != nil {
		return fmt.Errorf("containerd (Debian package containerd): %w", err)
	}
	defer killNode(o.Name)
	if err := waitForSocket(ctx, "/run/containerd/containerd.sock", 30*time.Second); err != nil {
		return err
	}
	if err := importImages(ctx, o.ImagesDir); err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"kubelet",
		"--config", kubeletConfig,
		"--kubeconfig", o.Kubeconfig,
		"--hostname-override", o.Name,
		"--node-ip", o.NodeIP,
	}
	if len(o.Labels) > 0 {
		args = append(args, "--node-labels", strings.Join(o.Labels, ","))
	}
	kubelet := exec.Command(self, args...)
	kubelet.Env = withoutInner(os.Environ())
	kubelet.Stdout, kubelet.Stderr = logFile(o.Root, "kubelet.log"), logFile(o.Root, "kubelet.log")
	if err := kubelet.Start(); err != nil {
		return err
	}
	fmt.Printf("node %s: kubelet running (logs in %s)\n", o.Name, filepath.Join(o.Root, "kubelet.log"))
	exited := make(chan error, 1)
	go func() { exited <- kubelet.Wait() }()
	select {
	case <-ctx.Done():
		_ = kubelet.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = kubelet.Process.Kill()
		}
		return nil
	case err := <-exited:
		return fmt.Errorf("kubelet exited: %v (see %s)", err, filepath.Join(o.Root, "kubelet.log"))
	}
}

func withoutInner(env []string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, innerEnv+"=") {
			out = append(out, e)
		}
	}
	return out
}

func bindNodeDirs(o Options) error {
	for _, d := range nodeDirs {
		own := filepath.Join(o.Root, d.own)
		if err := os.MkdirAll(own, 0o755); err != nil {
			return err
		}
		// The mount point must exist on the host; an empty folder there is all this leaves behind.
		if err := os.MkdirAll(d.host, 0o755); err != nil {
			return err
		}
		if err := syscall.Mount(own, d.host, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s on %s: %w", own, d.host, err)
		}
	}
	if o.HostsFile != "" {
		if err := syscall.Mount(o.HostsFile, "/etc/hosts", "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s on /etc/hosts: %w", o.HostsFile, err)
		}
	}
	return nil
}

func writeContainerdConfig(o Options) error {
	// restrict_oom_score_adj: this sandbox has no CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj below
	// containerd's own (the pause container asks for -998): clamp, as rootless setups do.
	config := fmt.Sprintf(`version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %q
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
`, o.SandboxTag)
	if err := os.MkdirAll("/etc/containerd/certs.d", 0o755); err != nil {
		return err
	}
	return os.WriteFile("/etc/containerd/config.toml", []byte(config), 0o644)
}

func writeCNIConfig(o Options) error {
	// One bridge per node, no masquerade and no port maps: pods only need an address; nodes pull images,
	// pods do not talk to the registry.
	config := fmt.Sprintf(`{
  "cniVersion": "0.4.0",
  "name": "lab",
  "plugins": [
    {"type": "bridge", "bridge": %q, "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": %q}]], "dataDir": "/var/lib/cni/networks"}},
    {"type": "loopback"}
  ]
}
`, o.Bridge, o.PodCIDR)
	return os.WriteFile("/etc/cni/net.d/10-lab.conflist", []byte(config), 0o644)
}

func cgroupRoot(node string) string { return "/harbor-connect-lab/" + node }

// ensureCgroups makes the kubelet's cgroup root in every hierarchy (cgroup v1) or in the unified one (v2): each
// node's kubelet then manages its own kubepods tree and the nodes do not fight over /kubepods.
func ensureCgroups(path string) error {
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		return ensureCgroupV2(path)
	}
	entries, err := os.ReadDir("/sys/fs/cgroup")
	if err != nil {
		return err
	}
	for _, e := range entries {
		hierarchy := filepath.Join("/sys/fs/cgroup", e.Name())
		if fi, err := os.Lstat(hierarchy); err != nil || !fi.IsDir() || e.Name() == "unified" {
			continue
		}
		if _, err := os.Stat(filepath.Join(hierarchy, "cgroup.procs")); err != nil {
			continue
		}
		dir := hierarchy
		for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
			parent := dir
			dir = filepath.Join(dir, part)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("cgroup %s: %w", dir, err)
			}
			// A new v1 cpuset starts empty; inherit the parent's CPUs and memory nodes or nothing can join it.
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				if value, err := os.ReadFile(filepath.Join(parent, f)); err == nil {
					current, _ := os.ReadFile(filepath.Join(dir, f))
					if strings.TrimSpace(string(current)) == "" {
						_ = os.WriteFile(filepath.Join(dir, f), value, 0o644)
					}
				}
			}
		}
	}
	return nil
}

func ensureCgroupV2(path string) error {
	dir := "/sys/fs/cgroup"
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		controllers, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
		if err != nil {
			return err
		}
		var enable []string
		for _, c := range strings.Fields(string(controllers)) {
			enable = append(enable, "+"+c)
		}
		_ = os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte(strings.Join(enable, " ")), 0o644)
		dir = filepath.Join(dir, part)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return nil
}

func writeKubeletConfig(o Options) (string, error) {
	config := fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: %s
failSwapOn: false
port: %d
healthzPort: %d
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
address: %s
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: %s}
authorization: {mode: Webhook}
clusterDomain: cluster.local
# No DNS server runs in the lab; an address keeps pods on ClusterFirst like a real cluster's.
clusterDNS: [10.96.0.10]
resolvConf: /etc/resolv.conf
# This sandbox cannot lower OOM scores (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
# Disks here fill with other things; the lab must not evict its own pods for that.
evictionHard: {memory.available: "50Mi", nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 60
containerLogMaxSize: 5Mi
`, cgroupRoot(o.Name), o.Port, o.HealthzPort, o.NodeIP, o.CAFile)
	path := filepath.Join(o.Root, "kubelet-config.yaml")
	return path, os.WriteFile(path, []byte(config), 0o644)
}

func logFile(root, name string) *os.File {
	f, err := os.OpenFile(filepath.Join(root, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return os.Stderr
	}
	return f
}

func waitForSocket(ctx context.Context, path string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("containerd did not open %s within %s", path, limit)
}

// importImages loads every *.tar of dir into the CRI namespace, the way an admin pre-loads an air-gapped node.
func importImages(ctx context.Context, dir string) error {
	if dir == "" {
		return nil
	}
	archives, err := filepath.Glob(filepath.Join(dir, "*.tar"))
	if err != nil {
		return err
	}
	sort.Strings(archives)
	for _, archive := range archives {
		out, err := exec.CommandContext(ctx, "ctr", "--address", "/run/containerd/containerd.sock", "--namespace", "k8s.io",
			"images", "import", archive).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ctr images import %s: %v: %s", archive, err, out)
		}
	}
	return nil
}

// killNode ends every other process of this node: those in its mount namespace (containerd, shims) and the
// containers, which have mount namespaces of their own but live in the node's cgroup tree.
func killNode(node string) {
	self, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		return
	}
	cgroup := cgroupRoot(node) + "/"
	for attempt := 0; attempt < 5; attempt++ {
		found := false
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			ns, _ := os.Readlink(filepath.Join("/proc", e.Name(), "ns", "mnt"))
			groups, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cgroup"))
			if ns != self && !strings.Contains(string(groups), cgroup) {
				continue
			}
			found = true
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if !found {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
}
