package kubesphere

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/api/validation/path"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metainternalversionscheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/authentication/user"
)

// RequestInfo follows pkg/apiserver/request/requestinfo.go: Kubernetes' RequestInfo extended with the
// KubeSphere fields (Kubernetes request or not, workspace, cluster, scope).
type RequestInfo struct {
	IsResourceRequest   bool
	Path                string
	Verb                string
	APIPrefix           string
	APIGroup            string
	APIVersion          string
	Namespace           string
	Resource            string
	Subresource         string
	Name                string
	Parts               []string
	IsKubernetesRequest bool
	Workspace           string
	Cluster             string
	ResourceScope       string
	SourceIP            string
	UserAgent           string
}

const (
	GlobalScope    = "Global"
	ClusterScope   = "Cluster"
	WorkspaceScope = "Workspace"
	NamespaceScope = "Namespace"
)

var (
	specialVerbs               = sets.New("proxy", "watch")
	specialVerbsNoSubresources = sets.New("proxy")
	namespaceSubresources      = sets.New("status", "finalize")
	kubernetesAPIPrefixes      = sets.New("api", "apis")
)

// RequestInfoFactory carries the lists apiserver.go buildHandlerChain gives KubeSphere's.
type RequestInfoFactory struct {
	APIPrefixes          sets.Set[string]
	GrouplessAPIPrefixes sets.Set[string]
	GlobalResources      []schema.GroupResource
}

// newRequestInfoFactory is buildHandlerChain's requestInfoResolver.
func newRequestInfoFactory() *RequestInfoFactory {
	return &RequestInfoFactory{
		APIPrefixes:          sets.New("api", "apis", "kapis", "kapi"),
		GrouplessAPIPrefixes: sets.New("api", "kapi"),
		GlobalResources: []schema.GroupResource{
			{Group: "iam.kubesphere.io", Resource: "users"},
			{Group: "iam.kubesphere.io", Resource: "globalroles"},
			{Group: "iam.kubesphere.io", Resource: "globalrolebindings"},
			{Group: "tenant.kubesphere.io", Resource: "workspaces"},
			{Group: "tenant.kubesphere.io", Resource: "clusters"},
			{Group: "cluster.kubesphere.io", Resource: "clusters"},
			{Group: "cluster.kubesphere.io", Resource: "labels"},
			{Group: "resources.kubesphere.io", Resource: "clusters"},
			{Group: "resources.kubesphere.io", Resource: "labels"},
		},
	}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return []string{}
	}
	return strings.Split(p, "/")
}

// NewRequestInfo parses a request the way KubeSphere's RequestInfoFactory does (same order, same quirks).
func (r *RequestInfoFactory) NewRequestInfo(req *http.Request) (*RequestInfo, error) {
	info := &RequestInfo{Path: req.URL.Path, Verb: req.Method, SourceIP: remoteIP(req), UserAgent: req.UserAgent()}
	defer func() {
		prefix := info.APIPrefix
		if prefix == "" {
			parts := splitPath(info.Path)
			// Proxy discovery API
			if len(parts) > 0 && len(parts) < 3 {
				prefix = parts[0]
			}
		}
		if kubernetesAPIPrefixes.Has(prefix) {
			info.IsKubernetesRequest = true
		}
	}()

	parts := splitPath(req.URL.Path)
	if len(parts) < 3 {
		return info, nil
	}
	// /clusters/{cluster}/*
	if parts[0] == "clusters" {
		if len(parts) > 1 {
			info.Cluster = parts[1]
			info.Path = strings.TrimPrefix(info.Path, fmt.Sprintf("/clusters/%s", info.Cluster))
		}
		if len(parts) > 2 {
			parts = parts[2:]
		}
	}
	if !r.APIPrefixes.Has(parts[0]) {
		return info, nil
	}
	info.APIPrefix = parts[0]
	parts = parts[1:]

	// legacy /(kapis|apis|api)/clusters/{cluster}/*
	if info.Cluster == "" && len(parts) > 0 && parts[0] == "clusters" {
		if len(parts) > 1 {
			info.Cluster = parts[1]
			info.Path = strings.Replace(info.Path, fmt.Sprintf("/clusters/%s", info.Cluster), "", 1)
		}
		if len(parts) > 2 {
			parts = parts[2:]
		}
	}

	if !r.GrouplessAPIPrefixes.Has(info.APIPrefix) {
		if len(parts) < 3 {
			return info, nil
		}
		info.APIGroup = parts[0]
		parts = parts[1:]
	}
	if len(parts) == 0 {
		// KubeSphere indexes parts[0] here and would panic (recovered by net/http); answer a non-resource request.
		return info, nil
	}
	info.IsResourceRequest = true
	info.APIVersion = parts[0]
	parts = parts[1:]

	if len(parts) > 0 && specialVerbs.Has(parts[0]) {
		if len(parts) < 2 {
			return info, fmt.Errorf("unable to determine kind and namespace from url: %v", req.URL)
		}
		info.Verb = parts[0]
		parts = parts[1:]
	} else {
		switch req.Method {
		case "POST":
			info.Verb = "create"
		case "GET", "HEAD":
			info.Verb = "get"
		case "PUT":
			info.Verb = "update"
		case "PATCH":
			info.Verb = "patch"
		case "DELETE":
			info.Verb = "delete"
		default:
			info.Verb = ""
		}
	}
	if len(parts) == 0 {
		parts = []string{""}
	}

	// /workspaces/{workspace}/*
	if parts[0] == "workspaces" || parts[0] == "workspacetemplates" {
		if len(parts) > 1 {
			info.Workspace = parts[1]
		}
		if len(parts) > 2 {
			parts = parts[2:]
		}
	}
	// /namespaces/{namespace}/{kind}/*
	if parts[0] == "namespaces" {
		if len(parts) > 1 {
			info.Namespace = parts[1]
			if len(parts) > 2 && !namespaceSubresources.Has(parts[2]) {
				parts = parts[2:]
			}
		}
	}
	if len(parts) == 1 && parts[0] == "" {
		parts = nil
	}
	info.Parts = parts

	switch {
	case len(parts) >= 3 && !specialVerbsNoSubresources.Has(info.Verb):
		info.Subresource = parts[2]
		fallthrough
	case len(parts) >= 2:
		info.Name = parts[1]
		fallthrough
	case len(parts) >= 1:
		info.Resource = parts[0]
	}
	info.ResourceScope = r.resolveResourceScope(info)

	if info.Name == "" && info.Verb == "get" {
		opts := metainternalversion.ListOptions{}
		if err := metainternalversionscheme.ParameterCodec.DecodeParameters(req.URL.Query(), metav1.SchemeGroupVersion, &opts); err != nil {
			opts = metainternalversion.ListOptions{}
			if values := req.URL.Query()["watch"]; len(values) > 0 {
				switch strings.ToLower(values[0]) {
				case "false", "0":
				default:
					opts.Watch = true
				}
			}
		}
		if opts.Watch {
			info.Verb = "watch"
		} else {
			info.Verb = "list"
		}
		if opts.FieldSelector != nil {
			if name, ok := opts.FieldSelector.RequiresExactMatch("metadata.name"); ok {
				if len(path.IsValidPathSegmentName(name)) == 0 {
					info.Name = name
				}
			}
		}
	}
	// /api/v1/watch/namespaces?labelSelector=kubesphere.io/workspace=system-workspace
	if info.Verb == "watch" {
		selector := req.URL.Query().Get("labelSelector")
		if strings.HasPrefix(selector, labelWorkspace+"=") {
			info.Workspace = strings.TrimPrefix(selector, labelWorkspace+"=")
			info.ResourceScope = WorkspaceScope
		}
	}
	if info.Name == "" && info.Verb == "delete" {
		info.Verb = "deletecollection"
	}
	return info, nil
}

func (r *RequestInfoFactory) resolveResourceScope(info *RequestInfo) string {
	for _, gr := range r.GlobalResources {
		if gr.Group == info.APIGroup && gr.Resource == info.Resource {
			if info.Workspace != "" {
				return WorkspaceScope
			}
			return GlobalScope
		}
	}
	if info.Namespace != "" {
		return NamespaceScope
	}
	if info.Workspace != "" {
		return WorkspaceScope
	}
	return ClusterScope
}

// remoteIP follows pkg/utils/iputil: X-Client-IP, X-Real-IP, X-Forwarded-For, then the peer.
func remoteIP(req *http.Request) string {
	for _, header := range []string{"X-Client-IP", "X-Real-IP"} {
		if ip := req.Header.Get(header); ip != "" {
			return ip
		}
	}
	if forwarded := req.Header.Get("X-Forwarded-For"); forwarded != "" {
		return strings.TrimSpace(strings.Split(forwarded, ",")[0])
	}
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return req.RemoteAddr
	}
	return host
}

type ctxKey int

const (
	requestInfoKey ctxKey = iota
	userKey
)

func withRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey, info)
}

func requestInfoFrom(ctx context.Context) (*RequestInfo, bool) {
	info, ok := ctx.Value(requestInfoKey).(*RequestInfo)
	return info, ok
}

func withUser(ctx context.Context, u user.Info) context.Context {
	return context.WithValue(ctx, userKey, u)
}

func userFrom(ctx context.Context) (user.Info, bool) {
	u, ok := ctx.Value(userKey).(user.Info)
	return u, ok
}

// withRequestInfoFilter is filters/requestinfo.go: the X-KubeSphere-Authorization, dryrun and
// X-KubeSphere-Rawquery restorations that undo what the multicluster dispatcher does on the way out.
func withRequestInfoFilter(next http.Handler, resolver *RequestInfoFactory) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get("Authorization") == "" {
			if x := req.Header.Get("X-KubeSphere-Authorization"); x != "" {
				req.Header.Set("Authorization", x)
				req.Header.Del("X-KubeSphere-Authorization")
			}
		}
		if len(req.URL.Query()["dryrun"]) != 0 {
			req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "dryrun", "dryRun", 1)
		}
		if raw := req.Header.Get("X-KubeSphere-Rawquery"); raw != "" && req.URL.RawQuery == "" {
			req.URL.RawQuery = raw
			req.Header.Del("X-KubeSphere-Rawquery")
		}
		info, err := resolver.NewRequestInfo(req)
		if err != nil {
			internalError(w, req, fmt.Errorf("failed to crate RequestInfo: %v", err))
			return
		}
		*req = *req.WithContext(withRequestInfo(req.Context(), info))
		next.ServeHTTP(w, req)
	})
}
