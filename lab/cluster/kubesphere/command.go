// Package kubesphere is the lab's gateway standing in for ks-apiserver v4.1.3 (whose Go module the module
// proxy refuses, see ../README.md): KubeSphere's request-info, authentication, multicluster, authorization,
// JSBundle, ReverseProxy and Kubernetes-proxy filters, and the /kapis routes the console and the extension call,
// in front of the real kube-apiserver.
package kubesphere

import "github.com/spf13/cobra"

// NewCommand is `labcluster kubesphere`.
func NewCommand() *cobra.Command {
	return &cobra.Command{Use: "kubesphere", Short: "the KubeSphere gateway (not implemented yet)"}
}
