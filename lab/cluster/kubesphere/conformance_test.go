package kubesphere

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/component-helpers/auth/rbac/validation"
	"sigs.k8s.io/yaml"
)

// The conformance test holds the gateway and the ks-core chart against KubeSphere's own v4.1.3 files:
//
//	HC_KUBESPHERE_SRC=/work/.mirror/kubesphere+kubesphere/repo go test ./kubesphere/ -run Conformance -v
const ksTag = "v4.1.3"

func ksSource(t *testing.T) func(path string) string {
	src := os.Getenv("HC_KUBESPHERE_SRC")
	if src == "" {
		t.Skip("set HC_KUBESPHERE_SRC to a KubeSphere git directory (e.g. HC_KUBESPHERE_SRC=/work/.mirror/kubesphere+kubesphere/repo go test ./kubesphere/ -run Conformance) to check routes, CRDs, roles, role templates and the product's KubeSphere objects against tag " + ksTag)
	}
	return func(path string) string {
		out, err := exec.Command("git", "-C", src, "show", ksTag+":"+path).Output()
		if err != nil {
			t.Fatalf("git show %s:%s: %v", ksTag, path, err)
		}
		return string(out)
	}
}

func yamlDocs(t *testing.T, text string) []map[string]interface{} {
	var out []map[string]interface{}
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(text, -1) {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("yaml: %v", err)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out
}

func TestConformanceRoutes(t *testing.T) {
	show := ksSource(t)
	for _, r := range routes {
		src := show(r.Source)
		switch {
		case strings.HasPrefix(r.Root, "/kapis/") && r.Root != "/kapis":
			gv := strings.Split(strings.TrimPrefix(r.Root, "/kapis/"), "/")
			if !strings.Contains(src, `"`+gv[0]+`"`) && !strings.Contains(src, "GroupName") {
				t.Errorf("%s %s: %s does not name group %s", r.Method, r.Root+r.Sub, r.Source, gv[0])
			}
			if !strings.Contains(src, `"`+gv[1]+`"`) {
				t.Errorf("%s %s: %s does not name version %s", r.Method, r.Root+r.Sub, r.Source, gv[1])
			}
		case r.Root == "/healthz" || r.Root == "/livez":
			if !strings.Contains(src, `"`+r.Root+`"`) {
				t.Errorf("%s does not register %s", r.Source, r.Root)
			}
			continue
		case r.Sub == "":
			if !strings.Contains(src, `Path("`+r.Root+`")`) {
				t.Errorf("%s does not register the web service %s", r.Source, r.Root)
			}
		}
		re := regexp.MustCompile(`\.` + r.Method + `\("` + regexp.QuoteMeta(r.Sub) + `"\)`)
		if !re.MatchString(src) {
			t.Errorf("%s %s%s is not registered in %s", r.Method, r.Root, r.Sub, r.Source)
		}
	}
	if !strings.Contains(show(dynamicRoute.Source), "func (d *DynamicResourceHandler) HandleServiceError") {
		t.Errorf("%s has no HandleServiceError", dynamicRoute.Source)
	}
	// The route the product once used and KubeSphere does not register must stay out of the table.
	for _, r := range RouteTable() {
		if strings.Contains(r.Path, "/workspaces/{workspace}/clusters/{") {
			t.Errorf("route %s is not KubeSphere's", r.Path)
		}
	}
}

type crdFacts struct {
	Group, Kind, Plural, Scope string
	Versions                   map[string][]string // served version → subresources
}

func factsOf(t *testing.T, text string) crdFacts {
	docs := yamlDocs(t, text)
	var crd struct {
		Spec struct {
			Group string
			Names struct{ Kind, Plural string }
			Scope string
			// Versions with served and subresources.
			Versions []struct {
				Name         string
				Served       bool
				Subresources map[string]interface{}
			}
		}
	}
	raw, _ := yaml.Marshal(docs[0])
	if err := yaml.Unmarshal(raw, &crd); err != nil {
		t.Fatal(err)
	}
	f := crdFacts{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind, Plural: crd.Spec.Names.Plural, Scope: crd.Spec.Scope, Versions: map[string][]string{}}
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		subs := []string{}
		for s := range v.Subresources {
			subs = append(subs, s)
		}
		sort.Strings(subs)
		f.Versions[v.Name] = subs
	}
	return f
}

func TestConformanceCRDs(t *testing.T) {
	show := ksSource(t)
	files, _ := filepath.Glob("../ks-core/crds/*.yaml")
	if len(files) == 0 {
		t.Fatal("no CRDs in ../ks-core/crds")
	}
	for _, file := range files {
		data, _ := os.ReadFile(file)
		ours := factsOf(t, string(data))
		theirs := factsOf(t, show(fmt.Sprintf("config/ks-core/charts/ks-crds/crds/%s_%s.yaml", ours.Group, ours.Plural)))
		if !reflect.DeepEqual(ours, theirs) {
			t.Errorf("%s: ours %+v, KubeSphere's %+v", filepath.Base(file), ours, theirs)
		}
	}
}

// ---- roles ----

type ksTemplate struct {
	Name        string
	Labels      map[string]string
	Annotations map[string]string
	Rules       []rbacv1.PolicyRule
}

type ksRole struct {
	Name         string
	Rego         string
	Rules        []rbacv1.PolicyRule
	Templates    []string
	RoleSelector *metav1.LabelSelector
}

func theirTemplates(t *testing.T, show func(string) string) map[string]ksTemplate {
	out := map[string]ksTemplate{}
	for _, d := range yamlDocs(t, show("config/ks-core/templates/roletemplates.yaml")) {
		var rt struct {
			Metadata struct {
				Name        string
				Labels      map[string]string
				Annotations map[string]string
			}
			Spec struct{ Rules []rbacv1.PolicyRule }
		}
		raw, _ := yaml.Marshal(d)
		_ = yaml.Unmarshal(raw, &rt)
		out[rt.Metadata.Name] = ksTemplate{rt.Metadata.Name, rt.Metadata.Labels, rt.Metadata.Annotations, rt.Spec.Rules}
	}
	return out
}

// theirRoles reads KubeSphere's roles and aggregates them as pkg/componenthelper/auth/rbac AggregationRole does:
// a roleSelector (plus the scope label) selects templates, else templateNames; the templates' rules not covered
// by the role are appended.
func theirRoles(t *testing.T, show func(string) string, templates map[string]ksTemplate) map[string]ksRole {
	out := map[string]ksRole{}
	add := func(prefix, scope string, d map[string]interface{}) {
		var r struct {
			Metadata struct {
				Name        string
				Annotations map[string]string
			}
			AggregationRoleTemplates *struct {
				TemplateNames []string
				RoleSelector  *metav1.LabelSelector
			}
			Rules []rbacv1.PolicyRule
		}
		raw, _ := yaml.Marshal(d)
		_ = yaml.Unmarshal(raw, &r)
		role := ksRole{Name: r.Metadata.Name, Rego: r.Metadata.Annotations[annotationRego], Rules: r.Rules}
		if a := r.AggregationRoleTemplates; a != nil {
			role.RoleSelector = a.RoleSelector
			var selected []ksTemplate
			if a.RoleSelector != nil {
				want := map[string]string{"iam.kubesphere.io/scope": scope}
				for k, v := range a.RoleSelector.MatchLabels {
					want[k] = v
				}
				for _, tmpl := range templates {
					ok := true
					for k, v := range want {
						if have, found := tmpl.Labels[k]; !found || have != v {
							ok = false
						}
					}
					if ok {
						selected = append(selected, tmpl)
					}
				}
			} else {
				for _, n := range a.TemplateNames {
					if tmpl, ok := templates[n]; ok {
						selected = append(selected, tmpl)
					}
				}
			}
			role.Templates = []string{}
			for _, tmpl := range selected {
				role.Templates = append(role.Templates, tmpl.Name)
				if covered, uncovered := validation.Covers(role.Rules, tmpl.Rules); !covered {
					role.Rules = append(role.Rules, uncovered...)
				}
			}
		}
		out[prefix+role.Name] = role
	}
	for _, d := range yamlDocs(t, show("config/ks-core/templates/globalroles.yaml")) {
		add("GlobalRole/", "global", d)
	}
	for _, d := range yamlDocs(t, show("config/ks-core/templates/clusterroles.yaml")) {
		add("ClusterRole/", "cluster", d)
	}
	for _, d := range yamlDocs(t, show("config/ks-core/templates/builtinroles.yaml")) {
		role := d["role"].(map[string]interface{})
		kind, scope := "WorkspaceRole/", "workspace"
		if role["kind"] == "Role" {
			kind, scope = "Role/", "namespace"
		}
		add(kind, scope, role)
	}
	return out
}

type ourRole struct {
	Name          string
	Rego          string
	Rules         []rbacv1.PolicyRule
	TemplateNames []string              `json:"templateNames"`
	RoleSelector  *metav1.LabelSelector `json:"roleSelector"`
}

func ourRoles(t *testing.T) map[string]ourRole {
	data, err := os.ReadFile("../ks-core/files/roles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file map[string][]ourRole
	if err := yaml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]ourRole{}
	for key, kind := range map[string]string{"globalRoles": "GlobalRole/", "clusterRoles": "ClusterRole/", "workspaceRoles": "WorkspaceRole/", "namespaceRoles": "Role/"} {
		for _, r := range file[key] {
			out[kind+r.Name] = r
		}
	}
	return out
}

// regoTable is the request attributes both policies decide on.
func regoTable() []*AttributesRecord {
	alice := &user.DefaultInfo{Name: "alice", Groups: []string{"system:authenticated"}}
	var out []*AttributesRecord
	for _, scope := range []string{GlobalScope, ClusterScope, WorkspaceScope, NamespaceScope} {
		for _, verb := range []string{"get", "list", "watch", "create", "delete", "GET"} {
			for _, res := range []string{"users", "workspacemembers", "pods", "secrets", "workspaces", ""} {
				for _, name := range []string{"alice", "bob", "ks-managed-kubectl-alice", ""} {
					for _, group := range []string{"", "tenant.kubesphere.io", "iam.kubesphere.io"} {
						a := &AttributesRecord{User: alice, Verb: verb, ResourceScope: scope, Resource: res, Name: name, APIGroup: group, ResourceRequest: res != ""}
						if res == "pods" {
							a.Subresource, a.Namespace = "exec", "kubesphere-system"
						}
						out = append(out, a)
						k := *a
						k.KubernetesRequest = true
						out = append(out, &k)
					}
				}
			}
		}
	}
	for _, p := range []string{"/api", "/api/v1", "/apis", "/kapis/version"} {
		out = append(out, &AttributesRecord{User: alice, Verb: "GET", Path: p}, &AttributesRecord{User: alice, Verb: "POST", Path: p})
	}
	return out
}

func TestConformanceRoles(t *testing.T) {
	show := ksSource(t)
	templates := theirTemplates(t, show)
	theirs := theirRoles(t, show, templates)
	rego := newRBACAuthorizer(nil).rego
	for key, ours := range ourRoles(t) {
		their, ok := theirs[key]
		if !ok {
			continue // a role of the lab's own
		}
		if a, _ := validation.Covers(ours.Rules, their.Rules); !a {
			t.Errorf("%s: ours grants less than KubeSphere's", key)
		}
		if b, _ := validation.Covers(their.Rules, ours.Rules); !b {
			t.Errorf("%s: ours grants more than KubeSphere's", key)
		}
		sort.Strings(their.Templates)
		sorted := append([]string(nil), ours.TemplateNames...)
		sort.Strings(sorted)
		if their.Templates != nil && len(sorted)+len(their.Templates) > 0 && !reflect.DeepEqual(sorted, their.Templates) {
			t.Errorf("%s: template names %v, KubeSphere aggregates %v", key, sorted, their.Templates)
		}
		// The selector decides which RoleTemplates created later (an extension's) the role-template controller, and
		// the gateway's stand-in for it, aggregate into the role.
		if !reflect.DeepEqual(ours.RoleSelector, their.RoleSelector) {
			t.Errorf("%s: roleSelector %s, KubeSphere's %s", key, metav1.FormatLabelSelector(ours.RoleSelector), metav1.FormatLabelSelector(their.RoleSelector))
		}
		if (ours.Rego == "") != (their.Rego == "") {
			t.Errorf("%s: rego override present in one only", key)
			continue
		}
		if ours.Rego == "" {
			continue
		}
		for _, a := range regoTable() {
			if got, want := rego.allows(a, ours.Rego), rego.allows(a, their.Rego); got != want {
				t.Errorf("%s: rego decides %v for %+v, KubeSphere's %v", key, got, *a, want)
			}
		}
	}
}

func TestConformanceRoleTemplates(t *testing.T) {
	show := ksSource(t)
	theirs := theirTemplates(t, show)
	data, err := os.ReadFile("../ks-core/files/roletemplates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ours []ksTemplate
	if err := yaml.Unmarshal(data, &ours); err != nil {
		t.Fatal(err)
	}
	if len(ours) == 0 {
		t.Fatal("no role templates")
	}
	for _, o := range ours {
		th, ok := theirs[o.Name]
		if !ok {
			t.Errorf("role template %s is not KubeSphere's", o.Name)
			continue
		}
		a, _ := validation.Covers(o.Rules, th.Rules)
		b, _ := validation.Covers(th.Rules, o.Rules)
		if !a || !b {
			t.Errorf("role template %s: rules differ from KubeSphere's", o.Name)
		}
		if o.Annotations["iam.kubesphere.io/role-template-rules"] != th.Annotations["iam.kubesphere.io/role-template-rules"] {
			t.Errorf("role template %s: menu rules differ", o.Name)
		}
		if !reflect.DeepEqual(o.Labels, th.Labels) {
			t.Errorf("role template %s: labels %v, KubeSphere's %v", o.Name, o.Labels, th.Labels)
		}
	}
}

// Every GlobalRoleBinding ks-core ships for a group (anonymous, authenticated, pre-registration) exists in our
// chart with the same role and group: without them the console's login page cannot read its configuration.
func TestConformanceGroupBindings(t *testing.T) {
	show := ksSource(t)
	ours := map[string]string{}
	for _, doc := range yamlDocs(t, renderOurGroupBindings(t)) {
		subjects, _ := doc["subjects"].([]interface{})
		for _, s := range subjects {
			subject := s.(map[string]interface{})
			ours[fmt.Sprint(subject["name"])] = fmt.Sprint(doc["roleRef"].(map[string]interface{})["name"])
		}
	}
	for _, doc := range yamlDocs(t, show("config/ks-core/templates/globalrolebindings.yaml")) {
		subjects, _ := doc["subjects"].([]interface{})
		role := fmt.Sprint(doc["roleRef"].(map[string]interface{})["name"])
		for _, s := range subjects {
			subject := s.(map[string]interface{})
			if subject["kind"] != "Group" {
				continue
			}
			if got := ours[fmt.Sprint(subject["name"])]; got != role {
				t.Errorf("group %v: KubeSphere binds GlobalRole %q, ours %q", subject["name"], role, got)
			}
		}
	}
}

// renderOurGroupBindings expands our template's list by hand (it has no values): the range over (role, group).
func renderOurGroupBindings(t *testing.T) string {
	raw, err := os.ReadFile("../ks-core/templates/globalrolebindings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, m := range regexp.MustCompile(`dict "role" "([^"]+)" "group" "([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		fmt.Fprintf(&out, "---\nroleRef: {name: %q}\nsubjects: [{kind: Group, name: %q}]\n", m[1], m[2])
	}
	return out.String()
}

// ---- the product's objects against KubeSphere's CRD schemas ----

// TestConformanceProductObjects holds every KubeSphere object the product creates (the probe's ReverseProxies and
// the chart's JSBundle, written to testdata/ by src/domain/registry/probe.test.ts and tests/helm.test.ts) against
// the OpenAPI schema of KubeSphere v4.1.3's own CRD, as kube-apiserver applies it on create: nothing may be pruned
// (a pruned field, such as a ReverseProxy's status.state, would be silently lost on a real cluster: the lab's CRDs
// keep unknown fields) and nothing may be invalid.
func TestConformanceProductObjects(t *testing.T) {
	show := ksSource(t)
	plural := map[string]string{} // group/kind -> plural, from our CRDs (their names are held against KubeSphere's above)
	files, _ := filepath.Glob("../ks-core/crds/*.yaml")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f := factsOf(t, string(data))
		plural[f.Group+"/"+f.Kind] = f.Plural
	}
	fixtures, _ := filepath.Glob("testdata/product-objects.*.json")
	if len(fixtures) == 0 {
		t.Fatal("no testdata/product-objects.*.json: run the unit tests (npx vitest run --project unit) first")
	}
	checked := 0
	for _, fixture := range fixtures {
		data, _ := os.ReadFile(fixture)
		var objects []map[string]interface{}
		if err := json.Unmarshal(data, &objects); err != nil {
			t.Fatalf("%s: %v", fixture, err)
		}
		for _, obj := range objects {
			apiVersion, _ := obj["apiVersion"].(string)
			kind, _ := obj["kind"].(string)
			group, version, _ := strings.Cut(apiVersion, "/")
			name := fmt.Sprintf("%s %s/%s", filepath.Base(fixture), kind, obj["metadata"].(map[string]interface{})["name"])
			p, ok := plural[group+"/"+kind]
			if !ok {
				t.Errorf("%s: no CRD of ours for %s", name, apiVersion)
				continue
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.Unmarshal([]byte(show(fmt.Sprintf("config/ks-core/charts/ks-crds/crds/%s_%s.yaml", group, p))), &crd); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var schema *apiextensionsv1.JSONSchemaProps
			for _, v := range crd.Spec.Versions {
				if v.Name == version && v.Served && v.Schema != nil {
					schema = v.Schema.OpenAPIV3Schema
				}
			}
			if schema == nil {
				t.Errorf("%s: KubeSphere's CRD serves no version %s with a schema", name, version)
				continue
			}
			internal := &apiextensions.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(schema, internal, nil); err != nil {
				t.Fatal(err)
			}
			structural, err := structuralschema.NewStructural(internal)
			if err != nil {
				t.Fatalf("%s: structural schema: %v", name, err)
			}
			pruned := runtime.DeepCopyJSON(obj)
			if lost := pruning.PruneWithOptions(pruned, structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}); len(lost) > 0 {
				t.Errorf("%s: KubeSphere's CRD prunes %v", name, lost)
			}
			validator, _, err := apiservervalidation.NewSchemaValidator(internal)
			if err != nil {
				t.Fatal(err)
			}
			if errs := apiservervalidation.ValidateCustomResource(nil, obj, validator); len(errs) > 0 {
				t.Errorf("%s: invalid against KubeSphere's CRD: %v", name, errs.ToAggregate())
			}
			checked++
		}
	}
	t.Logf("%d objects checked against KubeSphere %s CRD schemas", checked, ksTag)
}

// ---- behaviours the gateway copies from ks-apiserver ----

// TestConformanceBehaviours holds each answer the gateway gives as ks-apiserver does (status, error text) against the
// v4.1.3 source file it follows: the same fragment must be in our file and in theirs, so neither side can change
// without this failing.
func TestConformanceBehaviours(t *testing.T) {
	show := ksSource(t)
	for _, b := range []struct{ what, ours, theirs, fragment string }{
		{"a ReverseProxy not Available: 503 with the error as raw JSON", "proxyfilters.go", "pkg/apiserver/filters/reverseproxy.go", `http.StatusServiceUnavailable, fmt.Errorf("upstream %s is not available"`},
		{"a ReverseProxy whose upstream does not parse", "proxyfilters.go", "pkg/apiserver/filters/reverseproxy.go", `endpoint %s is not available`},
		{"the ReverseProxy list failing", "proxyfilters.go", "pkg/apiserver/filters/reverseproxy.go", `failed to list reverse proxies`},
		{"the JSBundle list failing", "proxyfilters.go", "pkg/apiserver/filters/jsbundle.go", `failed to list js bundles`},
		{"an unknown cluster: 400", "proxyfilters.go", "pkg/apiserver/filters/multicluster.go", `http.StatusBadRequest, apierrors.NewBadRequest(fmt.Sprintf("cluster %s not exists"`},
		{"a cluster not Ready: 503", "proxyfilters.go", "pkg/apiserver/filters/multicluster.go", `http.StatusServiceUnavailable, apierrors.NewServiceUnavailable(fmt.Sprintf("cluster %s is not ready"`},
		{"a member's 401 relayed as 511", "proxyfilters.go", "pkg/apiserver/filters/multicluster.go", `http.StatusNetworkAuthenticationRequired`},
		{"the registry verify failing: its error text", "handlers.go", "pkg/kapis/resources/v1alpha3/handler.go", `fmt.Errorf("registry auth failed with err: %s", err)`},
		{"a pull secret without credentials for the registry", "handlers.go", "pkg/models/registries/v2/secret_authenticator.go", `not found valid auth in secret, %v`},
		// The role-template stand-in's aggregate(): which roles, which templates, what is appended.
		{"only roles annotated auto-aggregate take part", "types.go", "pkg/controller/roletemplate/roletemplate_controller.go", `"iam.kubesphere.io/auto-aggregate"`},
		{"a role's own roleSelector chooses (none: no template)", "roletemplates.go", "pkg/controller/roletemplate/roletemplate_controller.go", `metav1.LabelSelectorAsSelector(aggregation.RoleSelector)`},
		{"matched against the template's labels", "roletemplates.go", "pkg/controller/roletemplate/roletemplate_controller.go", `selector.Matches(labels.Set(roleTemplate.Labels))`},
		{"the template's rules appended whole (when not covered)", "roletemplates.go", "pkg/controller/roletemplate/roletemplate_controller.go", `, roleTemplate.Spec.Rules...)`},
		{"the template's name appended to templateNames", "roletemplates.go", "pkg/controller/roletemplate/roletemplate_controller.go", `aggregation.TemplateNames = append(aggregation.TemplateNames, roleTemplate.Name)`},
	} {
		ours, err := os.ReadFile(b.ours)
		if err != nil {
			t.Fatal(err)
		}
		// Their code names the packages differently (errors., not apierrors.); compare with our alias removed.
		fragment := strings.ReplaceAll(b.fragment, "apierrors.", "errors.")
		if !strings.Contains(string(ours), b.fragment) {
			t.Errorf("%s: %s no longer holds %q", b.what, b.ours, b.fragment)
		}
		if !strings.Contains(show(b.theirs), fragment) {
			t.Errorf("%s: KubeSphere's %s does not hold %q", b.what, b.theirs, fragment)
		}
	}
}
