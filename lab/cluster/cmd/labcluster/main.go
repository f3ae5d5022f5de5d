// labcluster: the lab's real control plane and nodes in one binary, one subcommand per server, the way
// hyperkube and k3s bundle them. Every server is the upstream project's own command, built from its Go module
// (go.mod pins the versions); only `kubesphere` (a gateway standing in for ks-apiserver, whose module the Go
// proxy refuses) and the small helpers below are ours.
//
//	labcluster etcd | kube-apiserver | kube-controller-manager | kube-scheduler | kubelet  [upstream flags]
//	labcluster kubesphere --kubeconfig … --listen …     the KubeSphere gateway (../../kubesphere)
//	labcluster node --name … --root …                   one node: kubelet + containerd in a mount namespace of its own
//	labcluster pki --dir …                              the lab's CA, serving and client certificates, kubeconfigs
//	labcluster image --out … --tag … (--file src:dst)…  an image archive for `ctr images import`
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"

	"harborconnect.lab/cluster/images"
	"harborconnect.lab/cluster/kubesphere"
	"harborconnect.lab/cluster/node"
	"harborconnect.lab/cluster/pki"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: labcluster etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kubesphere|node|pki|image [flags]")
		os.Exit(2)
	}
	name, args := os.Args[1], os.Args[2:]
	var cmd *cobra.Command
	switch name {
	case "etcd":
		// etcdmain reads os.Args itself.
		etcdmain.Main(append([]string{"etcd"}, args...))
		return
	case "kube-apiserver":
		cmd = apiserver.NewAPIServerCommand()
	case "kube-controller-manager":
		cmd = controllermanager.NewControllerManagerCommand()
	case "kube-scheduler":
		cmd = scheduler.NewSchedulerCommand()
	case "kubelet":
		cmd = kubelet.NewKubeletCommand()
	case "kubesphere":
		cmd = kubesphere.NewCommand()
	case "node":
		cmd = node.NewCommand()
	case "pki":
		cmd = pki.NewCommand()
	case "image":
		cmd = images.NewCommand()
	default:
		fmt.Fprintf(os.Stderr, "labcluster: unknown component %q\n", name)
		os.Exit(2)
	}
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
