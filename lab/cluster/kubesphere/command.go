// Package kubesphere is the lab's gateway standing in for ks-apiserver v4.1.3 (whose Go module the module
// proxy refuses, see README.md): KubeSphere's request-info, authentication, multicluster, authorization,
// JSBundle, ReverseProxy and Kubernetes-proxy filters, and the /kapis routes the console and the extension call,
// in front of the real kube-apiserver.
package kubesphere

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/yaml"
)

// Gateway holds what the handlers share.
type Gateway struct {
	cfg        *config
	store      *Store
	tokens     *tokenIssuer
	passwords  *passwordAuthenticator
	authz      Authorizer
	k8sVersion *version.Info
}

func newGateway(cfg *config, store *Store, k8sVersion *version.Info) *Gateway {
	return &Gateway{
		cfg: cfg, store: store, tokens: newTokenIssuer(cfg.Authentication.Issuer), passwords: &passwordAuthenticator{store},
		// union of the path authorizer (excluded paths) and KubeSphere RBAC (buildHandlerChain, mode RBAC).
		authz: unionAuthorizer{newPathAuthorizer(excludedPaths), newRBACAuthorizer(store)}, k8sVersion: k8sVersion,
	}
}

// handler is buildHandlerChain: RequestInfo → Authentication → Multicluster → Authorization → JSBundle →
// ReverseProxy → KubeAPIServer → go-restful container. (No auditing, no APIService filter: see README.)
func (g *Gateway) handler(kube *rest.Config) (http.Handler, error) {
	var h http.Handler = g.container()
	h, err := withKubeAPIServer(h, kube, g.cfg.Experimental.ValidationDirective)
	if err != nil {
		return nil, err
	}
	h = withReverseProxy(h, g.store)
	h = withJSBundle(h, g.store)
	h = withAuthorization(h, g.authz)
	h = withMulticluster(h, g.store, g.cfg.Multicluster.HostClusterName)
	h = withAuthentication(h, newAuthenticator(g.passwords, g.tokens, g.store, g.cfg.Multicluster.ClusterRole))
	return withRequestInfoFilter(h, newRequestInfoFactory()), nil
}

// NewCommand is `labcluster kubesphere`.
func NewCommand() *cobra.Command {
	var kubeconfig, listen string
	var printRoutes bool
	cmd := &cobra.Command{
		Use:   "kubesphere",
		Short: "the KubeSphere v4.1.3 gateway in front of the kube-apiserver (stands in for ks-apiserver)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if printRoutes {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(RouteTable())
			}
			return run(kubeconfig, listen)
		},
	}
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig of the gateway's own identity (user kubesphere, bound to cluster-admin)")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:9090", "address to serve HTTP on")
	cmd.Flags().BoolVar(&printRoutes, "print-routes", false, "print the route table (method, path, KubeSphere source) as JSON and exit")
	return cmd
}

func run(kubeconfig, listen string) error {
	kube, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	clientset, err := kubernetes.NewForConfig(kube)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(ctx, clientset)
	if err != nil {
		return err
	}
	k8sVersion, err := clientset.Discovery().ServerVersion()
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(kube)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(clientset.Discovery()))
	store := NewStore(ctx, dyn, mapper)
	g := newGateway(cfg, store, k8sVersion)
	h, err := g.handler(kube)
	if err != nil {
		return err
	}
	go runStandIns(ctx, store, clientset, k8sVersion.GitVersion)
	srv := &http.Server{Addr: listen, Handler: h, ReadHeaderTimeout: 30 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	klog.Infof("KubeSphere gateway listening on %s", listen)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

func fromUnstructured(u *unstructured.Unstructured, out interface{}) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out)
}

func yamlUnmarshal(data []byte, out interface{}) error {
	if err := yaml.Unmarshal(data, out); err != nil {
		return fmt.Errorf("yaml: %v", err)
	}
	return nil
}
