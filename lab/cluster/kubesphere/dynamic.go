package kubesphere

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/emicklei/go-restful/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// handleServiceError is filters/dynamicresource.go HandleServiceError: go-restful's "no route" 404 for a
// non-Kubernetes resource request on a served group/version/resource becomes generic CRUD; anything else is
// go-restful's own error text (ks-apiserver's fallback writes err.Message).
func (g *Gateway) handleServiceError(serr restful.ServiceError, req *restful.Request, resp *restful.Response) {
	fallback := func() {
		for k, vs := range serr.Header {
			for _, v := range vs {
				resp.Header().Add(k, v)
			}
		}
		_ = resp.WriteErrorString(serr.Code, serr.Message)
	}
	info, ok := requestInfoFrom(req.Request.Context())
	if serr.Code != http.StatusNotFound || !ok || info.IsKubernetesRequest || info.APIGroup == "" || info.APIVersion == "" || info.Resource == "" {
		fallback()
		return
	}
	gvr := schema.GroupVersionResource{Group: info.APIGroup, Version: info.APIVersion, Resource: info.Resource}
	if !g.isServed(gvr) {
		fallback()
		return
	}
	// A served group without that resource (e.g. tenant.kubesphere.io "clusters"): the RESTMapper's NoMatch
	// makes ks-apiserver fall back to go-restful's 404 (dynamicresource.go, meta.IsNoMatchError).
	if _, err := g.store.KindFor(gvr); meta.IsNoMatchError(err) {
		fallback()
		return
	}
	ctx := req.Request.Context()
	client := g.store.client.Resource(gvr).Namespace(info.Namespace)
	var result interface{}
	var err error
	switch info.Verb {
	case "get":
		var obj *unstructured.Unstructured
		obj, err = g.store.Get(gvr, info.Namespace, info.Name)
		if err == nil && info.Workspace != "" && obj.GetLabels()[labelWorkspace] != info.Workspace {
			err = apierrors.NewNotFound(gvr.GroupResource(), info.Name)
		}
		if err == nil {
			result = obj.Object
		}
	case "list":
		q := parseQuery(req.Request.URL.Query())
		if info.Workspace != "" {
			q.LabelSelector = mergeSelector(q.LabelSelector, labelWorkspace+"="+info.Workspace)
		}
		var items []*unstructured.Unstructured
		if items, err = g.store.List(gvr, info.Namespace, q.selector()); err == nil {
			page, total := defaultList(items, q, true)
			remaining := int64(total - len(page) - q.offsetOf(total))
			list := map[string]interface{}{"metadata": map[string]interface{}{"continue": strconv.Itoa(total), "remainingItemCount": remaining}}
			objs := make([]interface{}, 0, len(page))
			for _, p := range page {
				objs = append(objs, p.Object)
			}
			list["items"] = objs
			result = list
		}
	case "create", "update", "patch":
		var body []byte
		if body, err = io.ReadAll(req.Request.Body); err == nil {
			obj := &unstructured.Unstructured{}
			if err = obj.UnmarshalJSON(body); err == nil {
				switch info.Verb {
				case "create":
					if info.Workspace != "" && obj.GetLabels()[labelWorkspace] != info.Workspace {
						l := obj.GetLabels()
						if l == nil {
							l = map[string]string{}
						}
						l[labelWorkspace] = info.Workspace
						obj.SetLabels(l)
					}
					_, err = client.Create(ctx, obj, metav1.CreateOptions{})
				case "update":
					_, err = client.Update(ctx, obj, metav1.UpdateOptions{})
				default:
					_, err = client.Patch(ctx, info.Name, types.MergePatchType, body, metav1.PatchOptions{})
				}
				// KubeSphere answers the object it sent (controller-runtime fills it in place).
				result = obj.Object
			}
		}
	case "delete":
		if _, err = g.store.Get(gvr, info.Namespace, info.Name); err == nil {
			err = client.Delete(ctx, info.Name, metav1.DeleteOptions{})
		}
		result = errorsNone
	default:
		err = apierrors.NewBadRequest("not supported verb")
	}
	if err != nil {
		handleAPIError(resp, err)
		return
	}
	_ = resp.WriteAsJson(result)
}

func (q *query) offsetOf(total int) int {
	start, _ := q.page(total)
	return start
}

func mergeSelector(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

// ksGroups are the KubeSphere API groups in ks-apiserver's scheme (IsServed: a registered group version is served).
var ksGroups = map[string]bool{
	"iam.kubesphere.io/v1beta1": true, "tenant.kubesphere.io/v1beta1": true, "tenant.kubesphere.io/v1alpha1": true,
	"cluster.kubesphere.io/v1alpha1": true, "extensions.kubesphere.io/v1alpha1": true, "kubesphere.io/v1alpha1": true,
	"application.kubesphere.io/v2": true, "quota.kubesphere.io/v1alpha2": true, "storage.kubesphere.io/v1alpha1": true,
	"gateway.kubesphere.io/v1alpha2": true,
}

// isServed is resourcemanager.go IsServed: a group version in the scheme (KubeSphere's and Kubernetes' built-in
// groups), or a CRD labelled kubesphere.io/resource-served=true.
func (g *Gateway) isServed(gvr schema.GroupVersionResource) bool {
	if ksGroups[gvr.GroupVersion().String()] || !strings.Contains(gvr.Group, ".") || strings.HasSuffix(gvr.Group, ".k8s.io") {
		return true
	}
	crd, err := g.store.Get(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}, "", gvr.GroupResource().String())
	return err == nil && crd.GetLabels()["kubesphere.io/resource-served"] == "true"
}
