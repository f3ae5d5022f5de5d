package kubesphere

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// The kinds the gateway reads. KubeSphere's own groups are listed in ks-apiserver's scheme; the others are the
// Kubernetes kinds its handlers read.
var (
	gvrUser                 = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "users"}
	gvrGlobalRole           = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "globalroles"}
	gvrGlobalRoleBinding    = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "globalrolebindings"}
	gvrWorkspaceRole        = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "workspaceroles"}
	gvrWorkspaceRoleBinding = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "workspacerolebindings"}
	gvrRole                 = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "roles"}
	gvrRoleBinding          = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "rolebindings"}
	gvrClusterRole          = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "clusterroles"}
	gvrClusterRoleBinding   = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "clusterrolebindings"}
	gvrRoleTemplate         = schema.GroupVersionResource{Group: "iam.kubesphere.io", Version: "v1beta1", Resource: "roletemplates"}
	gvrWorkspaceTemplate    = schema.GroupVersionResource{Group: "tenant.kubesphere.io", Version: "v1beta1", Resource: "workspacetemplates"}
	gvrWorkspace            = schema.GroupVersionResource{Group: "tenant.kubesphere.io", Version: "v1beta1", Resource: "workspaces"}
	gvrCluster              = schema.GroupVersionResource{Group: "cluster.kubesphere.io", Version: "v1alpha1", Resource: "clusters"}
	gvrClusterLabel         = schema.GroupVersionResource{Group: "cluster.kubesphere.io", Version: "v1alpha1", Resource: "labels"}
	gvrJSBundle             = schema.GroupVersionResource{Group: "extensions.kubesphere.io", Version: "v1alpha1", Resource: "jsbundles"}
	gvrReverseProxy         = schema.GroupVersionResource{Group: "extensions.kubesphere.io", Version: "v1alpha1", Resource: "reverseproxies"}
	gvrNamespace            = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	gvrNode                 = schema.GroupVersionResource{Version: "v1", Resource: "nodes"}
	gvrSecret               = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	gvrConfigMap            = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
)

// kindOf names the Kind of each resource the gateway lists, for the lists it writes (typed lists in ks-apiserver).
var kindOf = map[schema.GroupVersionResource]string{
	gvrUser: "User", gvrGlobalRole: "GlobalRole", gvrGlobalRoleBinding: "GlobalRoleBinding",
	gvrWorkspaceRole: "WorkspaceRole", gvrWorkspaceRoleBinding: "WorkspaceRoleBinding", gvrRole: "Role",
	gvrRoleBinding: "RoleBinding", gvrClusterRole: "ClusterRole", gvrClusterRoleBinding: "ClusterRoleBinding",
	gvrRoleTemplate: "RoleTemplate", gvrWorkspaceTemplate: "WorkspaceTemplate", gvrWorkspace: "Workspace",
	gvrCluster: "Cluster", gvrClusterLabel: "Label", gvrJSBundle: "JSBundle", gvrReverseProxy: "ReverseProxy", gvrNamespace: "Namespace",
	gvrNode: "Node", gvrSecret: "Secret", gvrConfigMap: "ConfigMap", gvrResourceQuota: "ResourceQuota",
}

// Store is the gateway's read cache: one shared informer per resource, started on first use, as ks-apiserver reads
// through controller-runtime's informer cache (apiserver.go RuntimeCache). Reads are eventually consistent: an object
// the console has just created through /apis is invisible here until the watch event arrives (milliseconds, but
// real: a list right after a create may miss it, in ks-apiserver as here).
type Store struct {
	client dynamic.Interface
	// mapper answers which resources the kube-apiserver serves (ks-apiserver: its client's RESTMapper); nil in
	// unit tests, where every resource is taken as served.
	mapper    meta.ResettableRESTMapper
	factory   dynamicinformer.DynamicSharedInformerFactory
	ctx       context.Context
	mu        sync.Mutex
	informers map[schema.GroupVersionResource]cache.SharedIndexInformer
}

func NewStore(ctx context.Context, client dynamic.Interface, mapper meta.ResettableRESTMapper) *Store {
	return &Store{
		client:    client,
		mapper:    mapper,
		factory:   dynamicinformer.NewDynamicSharedInformerFactory(client, 10*time.Minute),
		ctx:       ctx,
		informers: map[schema.GroupVersionResource]cache.SharedIndexInformer{},
	}
}

// KindFor is the RESTMapper's answer for a resource: a NoKindMatch error (meta.IsNoMatchError) when the
// kube-apiserver serves no such resource. A miss re-reads discovery once (a CRD may have just been created).
func (s *Store) KindFor(gvr schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	if s.mapper == nil {
		return schema.GroupVersionKind{Group: gvr.Group, Version: gvr.Version, Kind: kindOf[gvr]}, nil
	}
	gvk, err := s.mapper.KindFor(gvr)
	if meta.IsNoMatchError(err) {
		s.mapper.Reset()
		gvk, err = s.mapper.KindFor(gvr)
	}
	return gvk, err
}

func (s *Store) informer(gvr schema.GroupVersionResource) (cache.SharedIndexInformer, error) {
	// An informer on a resource nobody serves would retry forever: refuse it as the RESTMapper does.
	if _, err := s.KindFor(gvr); err != nil {
		return nil, err
	}
	s.mu.Lock()
	inf, ok := s.informers[gvr]
	if !ok {
		inf = s.factory.ForResource(gvr).Informer()
		s.informers[gvr] = inf
		go inf.Run(s.ctx.Done())
	}
	s.mu.Unlock()
	if inf.HasSynced() {
		return inf, nil
	}
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return nil, fmt.Errorf("failed to wait for caches to sync for %s", gvr.GroupResource())
	}
	return inf, nil
}

// AddEventHandler registers handler with the resource's shared informer (started and synced first). Handlers added
// to a running informer are first told of every object already cached, as Add events.
func (s *Store) AddEventHandler(gvr schema.GroupVersionResource, handler cache.ResourceEventHandler) error {
	inf, err := s.informer(gvr)
	if err != nil {
		return err
	}
	_, err = inf.AddEventHandler(handler)
	return err
}

// List answers the cached objects of a resource in a namespace ("" for all) that match the selector.
func (s *Store) List(gvr schema.GroupVersionResource, namespace string, selector labels.Selector) ([]*unstructured.Unstructured, error) {
	inf, err := s.informer(gvr)
	if err != nil {
		return nil, err
	}
	if selector == nil {
		selector = labels.Everything()
	}
	var out []*unstructured.Unstructured
	for _, item := range inf.GetStore().List() {
		u := item.(*unstructured.Unstructured)
		if namespace != "" && u.GetNamespace() != namespace {
			continue
		}
		if selector.Matches(labels.Set(u.GetLabels())) {
			out = append(out, u.DeepCopy())
		}
	}
	return out, nil
}

// Get answers one cached object, or a NotFound error as the cache reader's.
func (s *Store) Get(gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	inf, err := s.informer(gvr)
	if err != nil {
		return nil, err
	}
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	item, ok, err := inf.GetStore().GetByKey(key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	return item.(*unstructured.Unstructured).DeepCopy(), nil
}

// decodeInto converts a cached object to one of our structs.
func decodeInto[T any](u *unstructured.Unstructured) (*T, error) {
	out := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out); err != nil {
		return nil, err
	}
	return out, nil
}

// listAs lists and decodes.
func listAs[T any](s *Store, gvr schema.GroupVersionResource, namespace string, selector labels.Selector) ([]*T, error) {
	items, err := s.List(gvr, namespace, selector)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(items))
	for _, item := range items {
		t, err := decodeInto[T](item)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func getAs[T any](s *Store, gvr schema.GroupVersionResource, namespace, name string) (*T, error) {
	u, err := s.Get(gvr, namespace, name)
	if err != nil {
		return nil, err
	}
	return decodeInto[T](u)
}

func selectorOf(set map[string]string) labels.Selector {
	return labels.SelectorFromSet(set)
}

// write goes to the kube-apiserver, never to the cache (ks-apiserver's RuntimeClient writes the same way).
func (s *Store) update(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	return s.client.Resource(gvr).Namespace(obj.GetNamespace()).Update(ctx, obj, metav1.UpdateOptions{})
}
