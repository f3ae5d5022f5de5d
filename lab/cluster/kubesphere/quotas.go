package kubesphere

import (
	"net/http"

	"github.com/emicklei/go-restful/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// quotaCounted is pkg/models/quotas NewResourceQuotaGetter's supportedResources: what the project overview shows
// as used even when no ResourceQuota names it.
var quotaCounted = map[corev1.ResourceName]schema.GroupVersionResource{
	"count/deployments.apps":     {Group: "apps", Version: "v1", Resource: "deployments"},
	"count/daemonsets.apps":      {Group: "apps", Version: "v1", Resource: "daemonsets"},
	"count/statefulsets.apps":    {Group: "apps", Version: "v1", Resource: "statefulsets"},
	"count/pods":                 {Version: "v1", Resource: "pods"},
	"count/services":             {Version: "v1", Resource: "services"},
	"persistentvolumeclaims":     {Version: "v1", Resource: "persistentvolumeclaims"},
	"count/ingresses.extensions": {Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"},
	"count/jobs.batch":           {Group: "batch", Version: "v1", Resource: "jobs"},
	"count/cronjobs.batch":       {Group: "batch", Version: "v1", Resource: "cronjobs"},
}

var gvrResourceQuota = schema.GroupVersionResource{Version: "v1", Resource: "resourcequotas"}

// namespacedQuota is api.NamespacedResourceQuota.
type namespacedQuota struct {
	Namespace string `json:"namespace,omitempty"`
	Data      struct {
		corev1.ResourceQuotaStatus
		Left corev1.ResourceList `json:"left,omitempty"`
	} `json:"data,omitempty"`
}

// namespaceQuotas is pkg/kapis/resources/v1alpha2 GetNamespaceQuotas over pkg/models/quotas GetNamespaceQuota: the
// smallest hard and used of the project's ResourceQuotas, what is left of each, and the counts of the supported
// kinds no quota covers.
func (g *Gateway) namespaceQuotas(req *restful.Request, resp *restful.Response) {
	namespace := req.PathParameter("namespace")
	quotas, err := listAs[corev1.ResourceQuota](g.store, gvrResourceQuota, namespace, nil)
	if err != nil {
		handleAPIError(resp, err)
		return
	}
	hard, used := corev1.ResourceList{}, corev1.ResourceList{}
	for _, q := range quotas {
		keepSmallest(hard, q.Status.Hard)
		keepSmallest(used, q.Status.Used)
	}
	left := corev1.ResourceList{}
	for key, limit := range hard {
		if u, ok := used[key]; ok {
			l := limit.DeepCopy()
			l.Sub(u)
			if limit.Cmp(u) < 0 {
				l = resource.MustParse("0")
			}
			left[key] = l
		}
	}
	for key, gvr := range quotaCounted {
		if _, ok := used[key]; ok {
			continue
		}
		items, err := g.store.List(gvr, namespace, nil)
		if err != nil {
			handleAPIError(resp, err)
			return
		}
		used[key] = *resource.NewQuantity(int64(len(items)), resource.DecimalSI)
	}
	out := namespacedQuota{Namespace: namespace}
	out.Data.Hard, out.Data.Used, out.Data.Left = hard, used, left
	_ = resp.WriteHeaderAndJson(http.StatusOK, out, restful.MIME_JSON)
}

// keepSmallest is quotas.go updateNamespaceQuota: per resource, the smallest value among the quotas.
func keepSmallest(into, from corev1.ResourceList) {
	for name, value := range from {
		if current, ok := into[name]; !ok || current.Cmp(value) == 1 {
			into[name] = value
		}
	}
}
