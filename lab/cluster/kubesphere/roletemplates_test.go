package kubesphere

import (
	"context"
	"os"
	"reflect"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// pagesTemplate is the RoleTemplate the product's chart ships: every signed-in user may GET the ConfigMap that holds
// the page code.
func pagesTemplate() *unstructured.Unstructured {
	return obj(gvrRoleTemplate, "", "harbor-connect-pages",
		map[string]string{labelScope: "global", "iam.kubesphere.io/aggregate-to-authenticated": ""},
		map[string]interface{}{"spec": map[string]interface{}{"rules": []interface{}{map[string]interface{}{
			"apiGroups": toI([]string{""}), "resources": toI([]string{"configmaps"}),
			"resourceNames": toI([]string{"harbor-connect-pages"}), "verbs": toI([]string{"get"}),
		}}}})
}

// aggregatedRole is a role with KubeSphere's auto-aggregate annotation (unless annotated is false) and
// aggregationRoleTemplates (selector nil: templateNames only).
func aggregatedRole(gvr schema.GroupVersionResource, name string, annotated bool, selector map[string]string, templateNames []string, rules []interface{}) *unstructured.Unstructured {
	agg := map[string]interface{}{"templateNames": toI(templateNames)}
	if selector != nil {
		matchLabels := map[string]interface{}{}
		for k, v := range selector {
			matchLabels[k] = v
		}
		agg["roleSelector"] = map[string]interface{}{"matchLabels": matchLabels}
	}
	u := obj(gvr, "", name, nil, map[string]interface{}{"aggregationRoleTemplates": agg, "rules": rules})
	if annotated {
		u.SetAnnotations(map[string]string{annotationAutoAggregate: "true"})
	}
	return u
}

var authenticatedSelector = map[string]string{"iam.kubesphere.io/aggregate-to-authenticated": "", labelScope: "global"}

func roleOf(t *testing.T, u *unstructured.Unstructured) *Role {
	t.Helper()
	r, err := decodeInto[Role](u)
	if err != nil {
		t.Fatal(err)
	}
	if r.AggregationRoleTemplates == nil {
		r.AggregationRoleTemplates = &AggregationRoleTemplates{}
	}
	return r
}

func TestAggregateRoleTemplate(t *testing.T) {
	tmpl, err := decodeInto[RoleTemplate](pagesTemplate())
	if err != nil {
		t.Fatal(err)
	}
	base := rules([]string{"list"}, []string{"iam.kubesphere.io"}, []string{"users"})
	all := rules([]string{"*"}, []string{"*"}, []string{"*"})
	for _, c := range []struct {
		what      string
		role      *unstructured.Unstructured
		changed   bool
		wantRules int // rules after
		wantNames []string
	}{
		{"selected: rules and name appended", aggregatedRole(gvrGlobalRole, "authenticated", true, authenticatedSelector, []string{}, base), true, 2, []string{"harbor-connect-pages"}},
		{"already named: left alone", aggregatedRole(gvrGlobalRole, "authenticated", true, authenticatedSelector, []string{"harbor-connect-pages"}, base), false, 1, []string{"harbor-connect-pages"}},
		{"rules already covered: only the name", aggregatedRole(gvrGlobalRole, "platform-admin", true, map[string]string{labelScope: "global"}, []string{"global-view-users"}, all), true, 1, []string{"global-view-users", "harbor-connect-pages"}},
		{"selector does not match the labels", aggregatedRole(gvrGlobalRole, "x", true, map[string]string{"iam.kubesphere.io/aggregate-to-cluster-viewer": ""}, []string{}, base), false, 1, []string{}},
		{"no selector (templateNames only): selects nothing", aggregatedRole(gvrGlobalRole, "platform-self-provisioner", true, nil, []string{"global-create-workspaces"}, base), false, 1, []string{"global-create-workspaces"}},
		{"no aggregationRoleTemplates", obj(gvrGlobalRole, "", "anonymous", nil, map[string]interface{}{"rules": base}), false, 1, nil},
	} {
		before := c.role.DeepCopy()
		changed, err := aggregateRoleTemplate(c.role, tmpl)
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if changed != c.changed {
			t.Errorf("%s: changed %v, want %v", c.what, changed, c.changed)
		}
		if !changed && !reflect.DeepEqual(before, c.role) {
			t.Errorf("%s: unchanged, yet the object was modified", c.what)
		}
		r := roleOf(t, c.role)
		if len(r.Rules) != c.wantRules {
			t.Errorf("%s: %d rules, want %d: %v", c.what, len(r.Rules), c.wantRules, r.Rules)
		}
		if c.wantNames != nil && !reflect.DeepEqual(r.AggregationRoleTemplates.TemplateNames, c.wantNames) {
			t.Errorf("%s: templateNames %v, want %v", c.what, r.AggregationRoleTemplates.TemplateNames, c.wantNames)
		}
		if changed && c.wantRules == 2 && !reflect.DeepEqual(r.Rules[1], rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"harbor-connect-pages"}, Verbs: []string{"get"}}) {
			t.Errorf("%s: appended rule %+v", c.what, r.Rules[1])
		}
		// Applying it again changes nothing.
		if again, _ := aggregateRoleTemplate(c.role, tmpl); again {
			t.Errorf("%s: aggregated twice", c.what)
		}
	}
}

// The controller, driven by the RoleTemplate informer: a template created after the start is aggregated without a
// resync, only into auto-aggregate roles of its scope whose selector matches it; the roles it does not select, and
// the roles of other scopes, are untouched.
func TestRoleTemplateControllerOnEvents(t *testing.T) {
	base := rules([]string{"list"}, []string{"iam.kubesphere.io"}, []string{"users"})
	all := rules([]string{"*"}, []string{"*"}, []string{"*"})
	store := testStore(t,
		aggregatedRole(gvrGlobalRole, "authenticated", true, authenticatedSelector, []string{}, base),
		aggregatedRole(gvrGlobalRole, "platform-admin", true, map[string]string{labelScope: "global"}, []string{}, all),
		aggregatedRole(gvrGlobalRole, "not-annotated", false, authenticatedSelector, []string{}, base),
		aggregatedRole(gvrGlobalRole, "other-selector", true, map[string]string{"iam.kubesphere.io/aggregate-to-other": ""}, []string{}, base),
		// A workspace role whose selector would match the labels: the template's scope is global.
		aggregatedRole(gvrWorkspaceRole, "ws-viewer", true, map[string]string{"iam.kubesphere.io/aggregate-to-authenticated": ""}, []string{}, base),
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newRoleTemplateController(store)
	go c.run(ctx)
	c.resync() // the first tick: registers the event hook
	if !c.watching {
		t.Fatal("the event hook is not registered")
	}
	start := time.Now()
	if _, err := store.client.Resource(gvrRoleTemplate).Create(ctx, pagesTemplate(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	live := func(gvr schema.GroupVersionResource, name string) *Role {
		u, err := store.client.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return roleOf(t, u)
	}
	for len(live(gvrGlobalRole, "platform-admin").AggregationRoleTemplates.TemplateNames) == 0 || len(live(gvrGlobalRole, "authenticated").AggregationRoleTemplates.TemplateNames) == 0 {
		if time.Since(start) > 2*time.Second {
			t.Fatal("the RoleTemplate was not aggregated within 2 s of its creation")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("aggregated %v after the create", time.Since(start).Round(time.Millisecond))
	if r := live(gvrGlobalRole, "authenticated"); len(r.Rules) != 2 || !reflect.DeepEqual(r.AggregationRoleTemplates.TemplateNames, []string{"harbor-connect-pages"}) {
		t.Errorf("authenticated: %v %v", r.AggregationRoleTemplates.TemplateNames, r.Rules)
	}
	if r := live(gvrGlobalRole, "platform-admin"); len(r.Rules) != 1 || !reflect.DeepEqual(r.AggregationRoleTemplates.TemplateNames, []string{"harbor-connect-pages"}) {
		t.Errorf("platform-admin (rules already covered): %v %v", r.AggregationRoleTemplates.TemplateNames, r.Rules)
	}

	// Once the cache holds the updated roles, more events and resyncs change nothing: the name is there once.
	for {
		if u, _ := store.Get(gvrGlobalRole, "", "authenticated"); len(roleOf(t, u).AggregationRoleTemplates.TemplateNames) == 1 {
			if u, _ := store.Get(gvrGlobalRole, "", "platform-admin"); len(roleOf(t, u).AggregationRoleTemplates.TemplateNames) == 1 {
				break
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the cache did not see the updates")
		}
		time.Sleep(20 * time.Millisecond)
	}
	changed := pagesTemplate()
	changed.Object["spec"] = map[string]interface{}{"rules": rules([]string{"get", "list"}, []string{""}, []string{"secrets"})}
	if _, err := store.client.Resource(gvrRoleTemplate).Update(ctx, changed, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.resync()
	if err := c.reconcile(ctx, "harbor-connect-pages"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if r := live(gvrGlobalRole, "authenticated"); len(r.Rules) != 2 || len(r.AggregationRoleTemplates.TemplateNames) != 1 {
		t.Errorf("authenticated after a changed template: %v %v", r.AggregationRoleTemplates.TemplateNames, r.Rules)
	}
	// A deleted template leaves its rules and name.
	if err := store.client.Resource(gvrRoleTemplate).Delete(ctx, "harbor-connect-pages", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	c.resync()
	time.Sleep(200 * time.Millisecond)
	if r := live(gvrGlobalRole, "authenticated"); len(r.Rules) != 2 || len(r.AggregationRoleTemplates.TemplateNames) != 1 {
		t.Errorf("authenticated after the template was deleted: %v %v", r.AggregationRoleTemplates.TemplateNames, r.Rules)
	}
	for _, u := range []struct {
		gvr  schema.GroupVersionResource
		name string
	}{{gvrGlobalRole, "not-annotated"}, {gvrGlobalRole, "other-selector"}, {gvrWorkspaceRole, "ws-viewer"}} {
		if r := live(u.gvr, u.name); len(r.Rules) != 1 || len(r.AggregationRoleTemplates.TemplateNames) != 0 {
			t.Errorf("%s %s was changed: %v %v", kindOf[u.gvr], u.name, r.AggregationRoleTemplates.TemplateNames, r.Rules)
		}
	}
}

// The chart's roles are what the roletemplate controller leaves after aggregating the chart's own role templates:
// the stand-in, which replays every template when it starts, changes none of them.
func TestChartRolesAreAggregatedAlready(t *testing.T) {
	data, err := os.ReadFile("../ks-core/files/roletemplates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var templates []struct {
		Name   string
		Labels map[string]string
		Rules  []rbacv1.PolicyRule
	}
	if err := yaml.Unmarshal(data, &templates); err != nil {
		t.Fatal(err)
	}
	roles := chartRoles(t)
	checked := 0
	for _, tm := range templates {
		roleTemplate := &RoleTemplate{ObjectMeta: metav1.ObjectMeta{Name: tm.Name, Labels: tm.Labels}}
		roleTemplate.Spec.Rules = tm.Rules
		gvr, ok := roleGVRByScope[tm.Labels[labelScope]]
		if !ok {
			t.Errorf("role template %s: scope %q", tm.Name, tm.Labels[labelScope])
			continue
		}
		for _, u := range roles[gvr] {
			if u.GetAnnotations()[annotationAutoAggregate] != "true" {
				continue
			}
			changed, err := aggregateRoleTemplate(u.DeepCopy(), roleTemplate)
			if err != nil {
				t.Fatal(err)
			}
			if changed {
				t.Errorf("the stand-in would aggregate role template %s into %s %s", tm.Name, kindOf[gvr], u.GetName())
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
