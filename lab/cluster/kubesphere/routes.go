package kubesphere

import (
	"github.com/emicklei/go-restful/v3"
)

// Route is one line of the gateway's route table: a go-restful route of a KubeSphere WebService, and the
// KubeSphere v4.1.3 file that registers it (checked by the conformance test).
type Route struct {
	Method string `json:"method"`
	// Root is the WebService root path, Sub the route path inside it, as register.go writes them.
	Root   string `json:"-"`
	Sub    string `json:"-"`
	Path   string `json:"path"`
	Source string `json:"source"`
	// Note says how the gateway answers where it is not a full reproduction.
	Note    string                                 `json:"note,omitempty"`
	handler func(g *Gateway) restful.RouteFunction `json:"-"`
}

const (
	iamRoot        = "/kapis/iam.kubesphere.io/v1beta1"
	tenantRoot     = "/kapis/tenant.kubesphere.io/v1beta1"
	resourcesRoot  = "/kapis/resources.kubesphere.io/v1alpha3"
	resources2Root = "/kapis/resources.kubesphere.io/v1alpha2"
	configRoot     = "/kapis/config.kubesphere.io/v1alpha2"
	clusterRoot    = "/kapis/cluster.kubesphere.io/v1alpha1"
	iamSrc         = "pkg/kapis/iam/v1beta1/register.go"
	tenantSrc      = "pkg/kapis/tenant/v1beta1/register.go"
	resourcesSrc   = "pkg/kapis/resources/v1alpha3/register.go"
	resources2Src  = "pkg/kapis/resources/v1alpha2/register.go"
	configSrc      = "pkg/kapis/config/v1alpha2/register.go"
	clusterSrc     = "pkg/kapis/cluster/v1alpha1/register.go"
)

func fn(f func(g *Gateway, req *restful.Request, resp *restful.Response)) func(g *Gateway) restful.RouteFunction {
	return func(g *Gateway) restful.RouteFunction {
		return func(req *restful.Request, resp *restful.Response) { f(g, req, resp) }
	}
}

// routes is the route table: the /kapis, /oauth and /version routes the console 4.1.x and the extension call,
// nothing else. Order matters where go-restful sees equal paths (it takes the first registered, as in
// KubeSphere's duplicated GET /workspaces in tenant v1beta1, where ListWorkspaces comes first).
var routes = []Route{
	{Method: "POST", Root: "/oauth", Sub: "/token", Source: "pkg/kapis/oauth/register.go", Note: "password and refresh_token grants", handler: fn((*Gateway).token)},
	{Method: "GET", Root: "/oauth", Sub: "/logout", Source: "pkg/kapis/oauth/register.go", handler: fn((*Gateway).logout)},

	{Method: "GET", Root: "/kapis", Sub: "/version", Source: "pkg/kapis/version/register.go", handler: fn((*Gateway).version)},
	{Method: "GET", Root: "/version", Sub: "", Source: "pkg/kapis/version/register.go", handler: fn((*Gateway).version)},

	{Method: "GET", Root: configRoot, Sub: "/configs/configz", Source: configSrc, handler: fn((*Gateway).configz)},
	{Method: "GET", Root: configRoot, Sub: "/configs/oauth", Source: configSrc, Note: "no identity providers, no clients listed", handler: fn((*Gateway).oauthConfiguration)},
	{Method: "GET", Root: configRoot, Sub: "/configs/theme", Source: configSrc, handler: fn((*Gateway).themeConfiguration)},

	{Method: "GET", Root: iamRoot, Sub: "/users", Source: iamSrc, handler: fn((*Gateway).listUsers)},
	{Method: "GET", Root: iamRoot, Sub: "/users/{user}", Source: iamSrc, handler: fn((*Gateway).describeUser)},
	{Method: "PUT", Root: iamRoot, Sub: "/users/{user}", Source: iamSrc, Note: "global role changes not applied", handler: fn((*Gateway).updateUser)},
	{Method: "GET", Root: iamRoot, Sub: "/users/{username}/roletemplates", Source: iamSrc, handler: fn((*Gateway).roleTemplatesOfUser)},
	{Method: "GET", Root: iamRoot, Sub: "/clustermembers", Source: iamSrc, handler: func(g *Gateway) restful.RouteFunction {
		return g.listMembers(gvrClusterRoleBinding, "", nil, annotationClusterRole, "clusterrole")
	}},
	{Method: "GET", Root: iamRoot, Sub: "/workspaces/{workspace}/workspacemembers", Source: iamSrc, handler: func(g *Gateway) restful.RouteFunction {
		return g.listMembers(gvrWorkspaceRoleBinding, "", map[string]string{labelWorkspace: "workspace"}, annotationWorkspaceRole, "workspacerole")
	}},
	{Method: "GET", Root: iamRoot, Sub: "/namespaces/{namespace}/namespacemembers", Source: iamSrc, handler: func(g *Gateway) restful.RouteFunction {
		return g.listMembers(gvrRoleBinding, "namespace", nil, annotationRole, "role")
	}},
	{Method: "POST", Root: iamRoot, Sub: "/subjectaccessreviews", Source: iamSrc, Note: "single reviews (not lists)", handler: fn((*Gateway).subjectAccessReview)},

	{Method: "GET", Root: tenantRoot, Sub: "/workspacetemplates", Source: tenantSrc, handler: func(g *Gateway) restful.RouteFunction { return g.listWorkspaces(gvrWorkspaceTemplate) }},
	{Method: "GET", Root: tenantRoot, Sub: "/workspacetemplates/{workspace}", Source: tenantSrc, handler: func(g *Gateway) restful.RouteFunction { return g.getObject(gvrWorkspaceTemplate, "workspace") }},
	{Method: "GET", Root: tenantRoot, Sub: "/workspaces", Source: tenantSrc, handler: func(g *Gateway) restful.RouteFunction { return g.listWorkspaces(gvrWorkspace) }},
	{Method: "GET", Root: tenantRoot, Sub: "/workspaces/{workspace}", Source: tenantSrc, handler: func(g *Gateway) restful.RouteFunction { return g.getObject(gvrWorkspace, "workspace") }},
	{Method: "GET", Root: tenantRoot, Sub: "/clusters", Source: tenantSrc, handler: fn((*Gateway).listClusters)},
	{Method: "GET", Root: clusterRoot, Sub: "/labels", Source: clusterSrc, handler: fn((*Gateway).listClusterLabelGroups)},
	{Method: "GET", Root: tenantRoot, Sub: "/workspaces/{workspace}/clusters", Source: tenantSrc, handler: fn((*Gateway).listWorkspaceClusters)},
	{Method: "GET", Root: tenantRoot, Sub: "/namespaces", Source: tenantSrc, handler: fn((*Gateway).listNamespaces)},
	{Method: "GET", Root: tenantRoot, Sub: "/workspaces/{workspace}/namespaces", Source: tenantSrc, handler: fn((*Gateway).listNamespaces)},
	{Method: "GET", Root: tenantRoot, Sub: "/workspaces/{workspace}/namespaces/{namespace}", Source: tenantSrc, handler: fn((*Gateway).describeNamespace)},
	{Method: "GET", Root: tenantRoot, Sub: "/workspaces/{workspace}/metrics", Source: tenantSrc, handler: fn((*Gateway).workspaceMetrics)},
	{Method: "GET", Root: tenantRoot, Sub: "/metrics", Source: tenantSrc, handler: fn((*Gateway).platformMetrics)},

	{Method: "POST", Root: resourcesRoot, Sub: "/namespaces/{namespace}/registrysecrets/{secret}/verify", Source: resourcesSrc, handler: fn((*Gateway).verifyRegistrySecret)},
	{Method: "GET", Root: resourcesRoot, Sub: "/metrics", Source: resourcesSrc, handler: func(g *Gateway) restful.RouteFunction { return g.metricsOf(clusterMetricNames, "", "cluster") }},
	{Method: "GET", Root: resourcesRoot, Sub: "/namespaces/{namespace}/metrics", Source: resourcesSrc, handler: func(g *Gateway) restful.RouteFunction {
		return g.metricsOf(namespaceMetricNames, "namespace", "namespace")
	}},
	{Method: "GET", Root: resourcesRoot, Sub: "/{resources}", Source: resourcesSrc, handler: fn((*Gateway).listResources)},
	{Method: "GET", Root: resourcesRoot, Sub: "/{resources}/{name}", Source: resourcesSrc, handler: fn((*Gateway).getResource)},
	{Method: "GET", Root: resourcesRoot, Sub: "/namespaces/{namespace}/{resources}", Source: resourcesSrc, handler: fn((*Gateway).listResources)},
	{Method: "GET", Root: resourcesRoot, Sub: "/namespaces/{namespace}/{resources}/{name}", Source: resourcesSrc, handler: fn((*Gateway).getResource)},

	{Method: "GET", Root: resources2Root, Sub: "/namespaces/{namespace}/quotas", Source: resources2Src, handler: fn((*Gateway).namespaceQuotas)},

	{Method: "GET", Root: "/healthz", Sub: "", Source: "pkg/server/healthz/healthz.go", Note: "readiness: ok once the config is loaded", handler: fn((*Gateway).healthz)},
	{Method: "GET", Root: "/livez", Sub: "", Source: "pkg/server/healthz/healthz.go", handler: fn((*Gateway).healthz)},
}

// dynamicRoute documents the fallback: any /kapis/{group}/{version}/... path without a route, for a served
// resource, is answered by the DynamicResourceHandler (globalroles, workspaceroles, roles, roletemplates …).
var dynamicRoute = Route{Method: "*", Path: "/kapis/{group}/{version}/[workspaces/{workspace}/][namespaces/{namespace}/]{resources}[/{name}]",
	Source: "pkg/apiserver/filters/dynamicresource.go", Note: "go-restful 404 fallback: generic CRUD on served resources"}

// RouteTable answers the table with full paths, as --print-routes prints it.
func RouteTable() []Route {
	out := make([]Route, 0, len(routes)+1)
	for _, r := range routes {
		r.Path = r.Root + r.Sub
		out = append(out, r)
	}
	return append(out, dynamicRoute)
}

// container builds the go-restful container as ks-apiserver does (CurlyRouter, one WebService per root path,
// JSON produced), so route selection, 404s and 405s are go-restful's own.
func (g *Gateway) container() *restful.Container {
	c := restful.NewContainer()
	c.Router(restful.CurlyRouter{})
	services := map[string]*restful.WebService{}
	var order []string
	for _, r := range routes {
		ws, ok := services[r.Root]
		if !ok {
			ws = new(restful.WebService).Path(r.Root).Produces(restful.MIME_JSON)
			services[r.Root] = ws
			order = append(order, r.Root)
		}
		ws.Route(ws.Method(r.Method).Path(r.Sub).To(r.handler(g)))
	}
	for _, root := range order {
		c.Add(services[root])
	}
	c.ServiceErrorHandler(g.handleServiceError)
	return c
}
