package kubesphere

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/apiserver/pkg/authentication/user"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

func obj(gvr schema.GroupVersionResource, ns, name string, labels map[string]string, fields map[string]interface{}) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]interface{}{}}
	for k, v := range fields {
		u.Object[k] = v
	}
	u.SetAPIVersion(gvr.GroupVersion().String())
	u.SetKind(kindOf[gvr])
	u.SetName(name)
	u.SetNamespace(ns)
	u.SetLabels(labels)
	return u
}

func testStore(t *testing.T, objects ...runtime.Object) *Store {
	listKinds := map[schema.GroupVersionResource]string{}
	for gvr, kind := range kindOf {
		listKinds[gvr] = kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, objects...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return NewStore(ctx, client, nil)
}

func TestRequestInfo(t *testing.T) {
	f := newRequestInfoFactory()
	cases := []struct {
		method, url                                  string
		verb, group, resource, ns, ws, cluster, name string
		scope                                        string
		kube, resourceReq                            bool
	}{
		{"GET", "/api/v1/namespaces/demo/pods", "list", "", "pods", "demo", "", "", "", NamespaceScope, true, true},
		{"GET", "/kapis/tenant.kubesphere.io/v1beta1/workspaces", "list", "tenant.kubesphere.io", "workspaces", "", "", "", "", GlobalScope, false, true},
		{"GET", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces", "list", "tenant.kubesphere.io", "namespaces", "", "demo-ws", "", "", WorkspaceScope, false, true},
		{"GET", "/clusters/host/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces", "list", "tenant.kubesphere.io", "namespaces", "", "demo-ws", "host", "", WorkspaceScope, false, true},
		{"GET", "/kapis/iam.kubesphere.io/v1beta1/users/admin", "get", "iam.kubesphere.io", "users", "", "", "", "admin", GlobalScope, false, true},
		{"POST", "/kapis/resources.kubesphere.io/v1alpha3/namespaces/demo/registrysecrets/s/verify", "create", "resources.kubesphere.io", "registrysecrets", "demo", "", "", "s", NamespaceScope, false, true},
		{"GET", "/api/v1/watch/namespaces?labelSelector=kubesphere.io/workspace=demo-ws", "watch", "", "namespaces", "", "demo-ws", "", "", WorkspaceScope, true, true},
		{"DELETE", "/api/v1/namespaces/demo/secrets", "deletecollection", "", "secrets", "demo", "", "", "", NamespaceScope, true, true},
		{"GET", "/api/v1/namespaces?fieldSelector=metadata.name%3Ddemo", "list", "", "namespaces", "", "", "", "demo", ClusterScope, true, true},
		{"GET", "/proxy/harbor-connect.kubesphere.io/x", "GET", "", "", "", "", "", "", "", false, false},
		{"GET", "/apis", "GET", "", "", "", "", "", "", "", true, false},
		{"GET", "/dist/harbor-connect/index.js", "GET", "", "", "", "", "", "", "", false, false},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.url, nil)
		info, err := f.NewRequestInfo(req)
		if err != nil {
			t.Fatal(err)
		}
		got := []interface{}{info.Verb, info.APIGroup, info.Resource, info.Namespace, info.Workspace, info.Cluster, info.Name, info.ResourceScope, info.IsKubernetesRequest, info.IsResourceRequest}
		want := []interface{}{c.verb, c.group, c.resource, c.ns, c.ws, c.cluster, c.name, c.scope, c.kube, c.resourceReq}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s %s: got %v, want %v", c.method, c.url, got, want)
		}
	}
}

func rules(verbs, groups, resources []string) []interface{} {
	return []interface{}{map[string]interface{}{"verbs": toI(verbs), "apiGroups": toI(groups), "resources": toI(resources)}}
}

func toI(s []string) []interface{} {
	out := []interface{}{}
	for _, v := range s {
		out = append(out, v)
	}
	return out
}

func binding(gvr schema.GroupVersionResource, ns, name, userName, roleKind, role string, labels map[string]string) *unstructured.Unstructured {
	return obj(gvr, ns, name, labels, map[string]interface{}{
		"subjects": []interface{}{map[string]interface{}{"kind": "User", "name": userName, "apiGroup": "iam.kubesphere.io"}},
		"roleRef":  map[string]interface{}{"kind": roleKind, "name": role, "apiGroup": "iam.kubesphere.io"},
	})
}

func TestAuthorizer(t *testing.T) {
	regoPolicy := "package authz\nimport rego.v1\ndefault allow := false\nallow if { input.Resource == \"users\"; input.Name == input.User.Name }\nallow if { input.ResourceScope == \"Workspace\"; input.KubernetesRequest == false }"
	authenticated := obj(gvrGlobalRole, "", "authenticated", nil, map[string]interface{}{"rules": rules([]string{"list"}, []string{"iam.kubesphere.io"}, []string{"users"})})
	authenticated.SetAnnotations(map[string]string{annotationRego: regoPolicy})
	store := testStore(t,
		authenticated,
		binding(gvrGlobalRoleBinding, "", "alice-authenticated", "alice", "GlobalRole", "authenticated", nil),
		obj(gvrNamespace, "", "demo", map[string]string{labelWorkspace: "demo-ws"}, nil),
		obj(gvrWorkspaceRole, "", "demo-ws-viewer", map[string]string{labelWorkspace: "demo-ws"}, map[string]interface{}{"rules": rules([]string{"get", "list"}, []string{"*"}, []string{"*"})}),
		binding(gvrWorkspaceRoleBinding, "", "bob-demo-ws-viewer", "bob", "WorkspaceRole", "demo-ws-viewer", map[string]string{labelWorkspace: "demo-ws"}),
		obj(gvrRole, "demo", "operator", nil, map[string]interface{}{"rules": rules([]string{"*"}, []string{""}, []string{"secrets"})}),
		binding(gvrRoleBinding, "demo", "carol-operator", "carol", "Role", "operator", nil),
	)
	authz := unionAuthorizer{newPathAuthorizer(excludedPaths), newRBACAuthorizer(store)}
	u := func(name string) user.Info {
		return &user.DefaultInfo{Name: name, Groups: []string{"system:authenticated"}}
	}
	cases := []struct {
		a    AttributesRecord
		want Decision
	}{
		{AttributesRecord{User: u("x"), Path: "/oauth/token", Verb: "POST"}, DecisionAllow},
		{AttributesRecord{User: u("x"), Path: "/dist/a.js", Verb: "GET"}, DecisionAllow},
		{AttributesRecord{User: u("x"), Path: "/proxy/x", Verb: "GET"}, DecisionNoOpinion},
		{AttributesRecord{User: u("alice"), Verb: "list", APIGroup: "iam.kubesphere.io", Resource: "users", ResourceScope: GlobalScope, ResourceRequest: true}, DecisionAllow},
		{AttributesRecord{User: u("alice"), Verb: "update", APIGroup: "iam.kubesphere.io", Resource: "users", Name: "alice", ResourceScope: GlobalScope, ResourceRequest: true}, DecisionAllow},
		{AttributesRecord{User: u("alice"), Verb: "update", APIGroup: "iam.kubesphere.io", Resource: "users", Name: "bob", ResourceScope: GlobalScope, ResourceRequest: true}, DecisionNoOpinion},
		{AttributesRecord{User: u("alice"), Verb: "get", Resource: "x", Workspace: "w", ResourceScope: WorkspaceScope, ResourceRequest: true}, DecisionAllow},
		{AttributesRecord{User: u("alice"), Verb: "get", Resource: "x", Workspace: "w", ResourceScope: WorkspaceScope, ResourceRequest: true, KubernetesRequest: true}, DecisionNoOpinion},
		{AttributesRecord{User: u("bob"), Verb: "list", Resource: "pods", Namespace: "demo", ResourceScope: NamespaceScope, ResourceRequest: true}, DecisionAllow},
		{AttributesRecord{User: u("bob"), Verb: "create", Resource: "pods", Namespace: "demo", ResourceScope: NamespaceScope, ResourceRequest: true}, DecisionNoOpinion},
		{AttributesRecord{User: u("carol"), Verb: "create", Resource: "secrets", Namespace: "demo", ResourceScope: NamespaceScope, ResourceRequest: true}, DecisionAllow},
		{AttributesRecord{User: u("carol"), Verb: "create", Resource: "secrets", Namespace: "other", ResourceScope: NamespaceScope, ResourceRequest: true}, DecisionNoOpinion},
	}
	for _, c := range cases {
		a := c.a
		if got, _, _ := authz.Authorize(&a); got != c.want {
			t.Errorf("%+v: got %v, want %v", c.a, got, c.want)
		}
	}
	// The 403 body is responsewriters.Forbidden's.
	h := withRequestInfoFilter(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		withAuthorization(http.NotFoundHandler(), authz).ServeHTTP(w, req.WithContext(withUser(req.Context(), u("bob"))))
	}), newRequestInfoFactory())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/namespaces/demo/secrets", strings.NewReader("{}")))
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), `secrets is forbidden: User \"bob\" cannot create resource \"secrets\" in API group \"\" in the namespace \"demo\"`) {
		t.Errorf("403 body: %d %s", rec.Code, rec.Body.String())
	}
}

func TestTokens(t *testing.T) {
	iss := newTokenIssuer(issuerOptions{JWTSecret: "s", AccessTokenMaxAge: metav1Duration(time.Hour), MaximumClockSkew: metav1Duration(10 * time.Second)})
	u := &user.DefaultInfo{Name: "admin"}
	tok, err := iss.IssueTo(u, accessToken, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, c, err := iss.Verify(tok); err != nil || got.Name != "admin" || c.TokenType != accessToken {
		t.Fatalf("verify: %v %v %v", got, c, err)
	}
	other := newTokenIssuer(issuerOptions{JWTSecret: "other", AccessTokenMaxAge: metav1Duration(time.Hour)})
	if _, _, err := other.Verify(tok); err == nil {
		t.Error("a token signed with another secret verified")
	}
	iss.Revoke(tok)
	if _, _, err := iss.Verify(tok); err == nil || err.Error() != "token not found in cache" {
		t.Errorf("revoked token: %v", err)
	}
	expired, _ := iss.IssueTo(u, accessToken, time.Hour)
	iss.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, _, err := iss.Verify(expired); err == nil || !strings.HasPrefix(err.Error(), "jwt: token is expired by") {
		t.Errorf("expired token: %v", err)
	}
}

// A member cluster authenticates the user's own token (apiserver.go's bearertoken is KubeSphere's copy, which
// leaves the Authorization header in place): after authentication on the host, it must still be there for the
// multicluster dispatcher to forward.
func TestAuthenticationKeepsTheBearerTokenForTheDispatcher(t *testing.T) {
	iss := newTokenIssuer(issuerOptions{JWTSecret: "s", AccessTokenMaxAge: metav1Duration(time.Hour), MaximumClockSkew: metav1Duration(10 * time.Second)})
	tok, err := iss.IssueTo(&user.DefaultInfo{Name: "admin"}, accessToken, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	store := testStore(t, obj(gvrUser, "", "admin", nil, nil))
	var seen string
	h := withRequestInfoFilter(withAuthentication(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("Authorization")
	}), newAuthenticator(nil, iss, store, "")), newRequestInfoFactory())
	req := httptest.NewRequest("GET", "/clusters/m1/api/v1/nodes", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || seen != "Bearer "+tok {
		t.Errorf("after authentication: %d, Authorization %q", rec.Code, seen)
	}
}

func TestListPaging(t *testing.T) {
	var items []*unstructured.Unstructured
	for i, name := range []string{"b", "a", "c", "d"} {
		u := obj(gvrNamespace, "", name, map[string]string{"i": fmt.Sprint(i % 2)}, nil)
		u.SetCreationTimestamp(metav1Time(time.Unix(int64(i), 0)))
		items = append(items, u)
	}
	names := func(q string) string {
		v, _ := url.ParseQuery(q)
		page, total := defaultList(items, parseQuery(v), false)
		out := []string{}
		for _, p := range page {
			out = append(out, p.GetName())
		}
		return fmt.Sprint(out, total)
	}
	for q, want := range map[string]string{
		"":                                   "[d c a b] 4",
		"sortBy=name&ascending=true":         "[a b c d] 4",
		"limit=2&page=2":                     "[a b] 4",
		"limit=2&page=3":                     "[] 4",
		"name=a":                             "[a] 1",
		"label=i%3D1":                        "[d a] 2",
		"sortBy=name&limit=1&ascending=true": "[a] 4",
	} {
		if got := names(q); got != want {
			t.Errorf("%q: got %s, want %s", q, got, want)
		}
	}
}

func TestReverseProxyAndJSBundle(t *testing.T) {
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Up", r.Header.Get("X-Added"))
		fmt.Fprint(w, "upstream "+r.URL.Path)
	}))
	defer upstream.Close()
	caPEM := certPEM(upstream)
	rp := func(name, path string, state string, ca []byte) *unstructured.Unstructured {
		spec := map[string]interface{}{
			"matcher":    map[string]interface{}{"path": path, "method": "*"},
			"upstream":   map[string]interface{}{"url": upstream.URL},
			"directives": map[string]interface{}{"stripPathPrefix": "/proxy/" + name, "headerUp": []interface{}{"X-Added yes"}},
		}
		if ca != nil {
			// caBundle is []byte in the API (base64 in JSON) and holds base64(PEM): base64 twice.
			spec["upstream"].(map[string]interface{})["caBundle"] = base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString(ca)))
		}
		return obj(gvrReverseProxy, "", name, nil, map[string]interface{}{"spec": spec, "status": map[string]interface{}{"state": state}})
	}
	store := testStore(t,
		rp("good", "/proxy/good/*", "Available", caPEM),
		rp("noca", "/proxy/noca/*", "Available", nil),
		rp("pending", "/proxy/pending/*", "", caPEM),
		obj(gvrJSBundle, "", "b", nil, map[string]interface{}{
			"spec":   map[string]interface{}{"raw": base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte("js()"))))},
			"status": map[string]interface{}{"state": "Available", "link": "/dist/b/index.js"}}),
		obj(gvrJSBundle, "", "off", nil, map[string]interface{}{
			"spec": map[string]interface{}{"raw": "eA=="}, "status": map[string]interface{}{"link": "/dist/off/index.js"}}),
	)
	h := withRequestInfoFilter(withJSBundle(withReverseProxy(http.NotFoundHandler(), store), store), newRequestInfoFactory())
	get := func(p string) (int, string, http.Header) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		return rec.Code, rec.Body.String(), rec.Header()
	}
	if code, body, hdr := get("/proxy/good/v2/x"); code != 200 || body != "upstream /v2/x" || hdr.Get("X-Up") != "yes" {
		t.Errorf("good: %d %q %v", code, body, hdr)
	}
	if code, body, _ := get("/proxy/noca/x"); code != 502 || !strings.Contains(body, "Error while proxying request:") || !strings.Contains(body, "x509: certificate signed by unknown authority") {
		t.Errorf("noca: %d %s", code, body)
	}
	if code, body, _ := get("/proxy/pending/x"); code != 503 || strings.TrimSpace(body) != "{}" {
		t.Errorf("pending: %d %q", code, body)
	}
	if code, body, hdr := get("/dist/b/index.js"); code != 200 || body != "js()" || hdr.Get("Content-Type") != "application/javascript; charset=utf-8" {
		t.Errorf("bundle: %d %q", code, body)
	}
	if code, _, _ := get("/dist/off/index.js"); code != 404 {
		t.Errorf("bundle not Available: %d", code)
	}
}

func TestMulticluster(t *testing.T) {
	member := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s|%s|%s", r.URL.Path, r.Header.Get("X-KubeSphere-Authorization"), r.Header.Get("Authorization"))
	}))
	defer member.Close()
	ready := map[string]interface{}{"conditions": []interface{}{map[string]interface{}{"type": "Ready", "status": "True"}}}
	store := testStore(t,
		obj(gvrCluster, "", "host", map[string]string{labelHostCluster: ""}, nil),
		obj(gvrCluster, "", "m1", nil, map[string]interface{}{"spec": map[string]interface{}{"connection": map[string]interface{}{"type": "direct"}}, "status": ready}),
		obj(gvrCluster, "", "m2", nil, map[string]interface{}{"spec": map[string]interface{}{"connection": map[string]interface{}{"type": "direct", "kubesphereAPIEndpoint": member.URL}}, "status": ready}),
	)
	memberURL, _ := url.Parse(member.URL)
	d := &multiclusterDispatcher{store: store, next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "local "+r.URL.Path) }),
		clientFor: func(c *Cluster) (*clusterClient, error) {
			cc := &clusterClient{KubernetesURL: memberURL, Transport: http.DefaultTransport}
			if c.Spec.Connection.KubeSphereAPIEndpoint != "" {
				cc.KubeSphereURL, _ = url.Parse(c.Spec.Connection.KubeSphereAPIEndpoint)
			}
			return cc, nil
		}}
	h := withRequestInfoFilter(d, newRequestInfoFactory())
	do := func(p string) (int, string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", p, nil)
		req.Header.Set("Authorization", "Bearer t")
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := do("/clusters/host/kapis/tenant.kubesphere.io/v1beta1/namespaces"); code != 200 || body != "local /kapis/tenant.kubesphere.io/v1beta1/namespaces" {
		t.Errorf("host: %d %s", code, body)
	}
	if code, body := do("/clusters/nope/api/v1/pods"); code != 400 || !strings.Contains(body, `"message": "cluster nope not exists"`) || !strings.Contains(body, `"ErrStatus"`) {
		t.Errorf("unknown: %d %s", code, body)
	}
	if code, body := do("/clusters/m1/kapis/tenant.kubesphere.io/v1beta1/namespaces"); code != 200 || body != "/api/v1/namespaces/kubesphere-system/services/:ks-apiserver:/proxy/kapis/tenant.kubesphere.io/v1beta1/namespaces|Bearer t|" {
		t.Errorf("member via service proxy: %d %s", code, body)
	}
	if code, body := do("/clusters/m2/kapis/tenant.kubesphere.io/v1beta1/namespaces"); code != 200 || body != "/kapis/tenant.kubesphere.io/v1beta1/namespaces||Bearer t" {
		t.Errorf("member via kubesphereAPIEndpoint: %d %s", code, body)
	}
}

func TestVerifyRegistrySecret(t *testing.T) {
	basic := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
			w.Header().Set("WWW-Authenticate", `Basic realm="r"`)
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	}))
	defer basic.Close()
	var bearerURL string
	bearer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/service/token":
			if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
				w.WriteHeader(401)
				fmt.Fprint(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"token": "tok"})
		default:
			if r.Header.Get("Authorization") != "Bearer tok" {
				w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s/service/token",service="harbor-registry"`, bearerURL))
				w.WriteHeader(401)
				return
			}
			w.WriteHeader(200)
		}
	}))
	defer bearer.Close()
	bearerURL = bearer.URL
	secret := func(server, user, pass string) *corev1.Secret {
		cfg, _ := json.Marshal(map[string]interface{}{"auths": map[string]interface{}{server: map[string]string{"username": user, "password": pass}}})
		return &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{".dockerconfigjson": cfg}}
	}
	// Without the test CA, Go's own TLS error comes through.
	if ok, err := authRegistrySecret(context.Background(), secret(basic.URL, "u", "p")); ok || !strings.Contains(err.Error(), "x509: certificate signed by unknown authority") {
		t.Errorf("untrusted CA: %v %v", ok, err)
	}
	testTransport = func() *http.Transport {
		tr := basic.Client().Transport.(*http.Transport).Clone()
		tr.TLSClientConfig.RootCAs.AddCert(bearer.Certificate())
		return tr
	}
	defer func() { testTransport = nil }()
	for _, c := range []struct {
		server, user, pass string
		ok                 bool
	}{
		{basic.URL, "u", "p", true}, {bearer.URL, "u", "p", true}, {bearer.URL, "u", "wrong", false},
	} {
		ok, err := authRegistrySecret(context.Background(), secret(c.server, c.user, c.pass))
		if ok != c.ok {
			t.Errorf("%s %s: %v %v", c.server, c.pass, ok, err)
		}
	}
	if _, err := authRegistrySecret(context.Background(), &corev1.Secret{Type: corev1.SecretTypeOpaque}); err == nil || err.Error() != "expected secret type: kubernetes.io/dockerconfigjson, got: Opaque" {
		t.Errorf("type: %v", err)
	}
}

// clusters.go's transform: no Cluster leaves the API with its kubeconfig (the member's admin credentials).
func TestClustersAnswerWithoutKubeconfig(t *testing.T) {
	admin := obj(gvrGlobalRole, "", "platform-admin", nil, map[string]interface{}{"rules": rules([]string{"*"}, []string{"*"}, []string{"*"})})
	store := testStore(t,
		admin,
		binding(gvrGlobalRoleBinding, "", "root-admin", "root", "GlobalRole", "platform-admin", nil),
		obj(gvrCluster, "", "m1", nil, map[string]interface{}{"spec": map[string]interface{}{"connection": map[string]interface{}{"type": "direct", "kubeconfig": "c2VjcmV0"}}}),
	)
	g := &Gateway{store: store, authz: unionAuthorizer{newPathAuthorizer(excludedPaths), newRBACAuthorizer(store)}}
	page, _, err := g.listClustersOf(&user.DefaultInfo{Name: "root", Groups: []string{"system:authenticated"}}, parseQuery(url.Values{}))
	if err != nil || len(page) != 1 {
		t.Fatalf("list: %v %d", err, len(page))
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(page[0].Object, "spec", "connection", "kubeconfig"); found {
		t.Errorf("tenant clusters list answers the kubeconfig")
	}
	if typ, _, _ := unstructured.NestedString(page[0].Object, "spec", "connection", "type"); typ != "direct" {
		t.Errorf("the rest of the connection is kept: %q", typ)
	}
	stored, _ := store.Get(gvrCluster, "", "m1")
	if _, found, _ := unstructured.NestedFieldNoCopy(stored.Object, "spec", "connection", "kubeconfig"); !found {
		t.Errorf("the stored object was changed")
	}
}

// chartRoles are the ks-core chart's roles as its "ks.role" template writes them from files/roles.yaml (the
// workspace and project roles as built-in templates: unprefixed, without namespace or workspace label).
func chartRoles(t *testing.T) map[schema.GroupVersionResource][]*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile("../ks-core/files/roles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file map[string][]map[string]interface{}
	if err := yaml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	out := map[schema.GroupVersionResource][]*unstructured.Unstructured{}
	for key, gvr := range map[string]schema.GroupVersionResource{"globalRoles": gvrGlobalRole, "clusterRoles": gvrClusterRole, "workspaceRoles": gvrWorkspaceRole, "namespaceRoles": gvrRole} {
		for _, r := range file[key] {
			u := obj(gvr, "", fmt.Sprint(r["name"]), map[string]string{"kubesphere.io/managed": "true"}, map[string]interface{}{"rules": r["rules"]})
			annotations := map[string]string{}
			if a, ok := r["annotations"].(map[string]interface{}); ok {
				for k, v := range a {
					annotations[k] = fmt.Sprint(v)
				}
			}
			if rego, ok := r["rego"].(string); ok {
				annotations[annotationRego] = rego
			}
			u.SetAnnotations(annotations)
			agg := map[string]interface{}{}
			for _, k := range []string{"roleSelector", "templateNames"} {
				if v, ok := r[k]; ok {
					agg[k] = v
				}
			}
			if len(agg) > 0 {
				u.Object["aggregationRoleTemplates"] = agg
			}
			out[gvr] = append(out[gvr], u)
		}
	}
	return out
}

func chartGlobalRole(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	for _, u := range chartRoles(t)[gvrGlobalRole] {
		if u.GetName() == name {
			return u
		}
	}
	t.Fatalf("no GlobalRole %s in files/roles.yaml", name)
	return nil
}

// The product's page code: a RoleTemplate labelled aggregate-to-authenticated, once the role-template stand-in has
// aggregated it into the chart's GlobalRole authenticated, lets every signed-in user (here one with no role of its
// own, only the group system:authenticated) GET the ConfigMap through the gateway's whole chain, and only that one.
func TestRoleTemplateOpensThePagesConfigMapToEveryUser(t *testing.T) {
	const pages = "/api/v1/namespaces/extension-harbor-connect/configmaps/harbor-connect-pages"
	kube := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the user's token reached the kube-apiserver")
		}
		if r.URL.Path != pages {
			w.WriteHeader(404)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"harbor-connect-pages","namespace":"extension-harbor-connect"},"data":{"pages.js":"x"}}`)
	}))
	defer kube.Close()
	active := obj(gvrUser, "", "alice", nil, map[string]interface{}{"status": map[string]interface{}{"state": userActive}})
	authenticated := obj(gvrGlobalRoleBinding, "", "authenticated", nil, map[string]interface{}{
		"subjects": []interface{}{map[string]interface{}{"kind": "Group", "name": user.AllAuthenticated, "apiGroup": "iam.kubesphere.io"}},
		"roleRef":  map[string]interface{}{"kind": "GlobalRole", "name": "authenticated", "apiGroup": "iam.kubesphere.io"},
	})
	store := testStore(t, chartGlobalRole(t, "authenticated"), authenticated, active,
		obj(gvrNamespace, "", "extension-harbor-connect", nil, nil))
	cfg, err := parseConfig([]byte("authentication: {issuer: {jwtSecret: s, accessTokenMaxAge: 1h}}\nmulticluster: {clusterRole: host, hostClusterName: host}\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := newGateway(cfg, store, &version.Info{})
	h, err := g.handler(&rest.Config{Host: kube.URL})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := g.tokens.IssueTo(&user.DefaultInfo{Name: "alice"}, accessToken, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	get := func(p string) (int, string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", p, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := get(pages); code != 403 || !strings.Contains(body, `User \"alice\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"extension-harbor-connect\"`) {
		t.Fatalf("before the RoleTemplate: %d %s", code, body)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newRoleTemplateController(store)
	go c.run(ctx)
	c.resync()
	start := time.Now()
	if _, err := store.client.Resource(gvrRoleTemplate).Create(ctx, pagesTemplate(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		code, body := get(pages)
		if code == 200 {
			if !strings.Contains(body, `"name":"harbor-connect-pages"`) {
				t.Errorf("200 with %s", body)
			}
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("still %d 2 s after the RoleTemplate was created: %s", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("200 %v after the RoleTemplate was created", time.Since(start).Round(time.Millisecond))
	// resourceNames holds: no other ConfigMap of the namespace, no list.
	for _, p := range []string{"/api/v1/namespaces/extension-harbor-connect/configmaps/other", "/api/v1/namespaces/extension-harbor-connect/configmaps"} {
		if code, _ := get(p); code != 403 {
			t.Errorf("GET %s: %d, want 403", p, code)
		}
	}
}
