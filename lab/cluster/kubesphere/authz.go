package kubesphere

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/rego"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/klog/v2"
	k8srbac "k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac"
)

// Decision values of pkg/apiserver/authorization/authorizer.
type Decision int

const (
	DecisionDeny Decision = iota
	DecisionAllow
	DecisionNoOpinion
)

// AttributesRecord is KubeSphere's authorizer.AttributesRecord. Its exported field names (no JSON tags) are what a
// rego-override policy sees as input: input.User.Name, input.Verb, input.ResourceScope, input.KubernetesRequest …
type AttributesRecord struct {
	User              user.Info
	Verb              string
	Cluster           string
	Workspace         string
	Namespace         string
	APIGroup          string
	APIVersion        string
	Resource          string
	Subresource       string
	Name              string
	KubernetesRequest bool
	ResourceRequest   bool
	Path              string
	ResourceScope     string
}

// The k8s.io/apiserver authorizer.Attributes methods, so the real responsewriters.Forbidden and rbac.RuleAllows
// take the record as KubeSphere passes its own.
func (a AttributesRecord) GetUser() user.Info { return a.User }
func (a AttributesRecord) GetVerb() string    { return a.Verb }
func (a AttributesRecord) IsReadOnly() bool {
	return a.Verb == "get" || a.Verb == "list" || a.Verb == "watch"
}
func (a AttributesRecord) GetNamespace() string                           { return a.Namespace }
func (a AttributesRecord) GetResource() string                            { return a.Resource }
func (a AttributesRecord) GetSubresource() string                         { return a.Subresource }
func (a AttributesRecord) GetName() string                                { return a.Name }
func (a AttributesRecord) GetAPIGroup() string                            { return a.APIGroup }
func (a AttributesRecord) GetAPIVersion() string                          { return a.APIVersion }
func (a AttributesRecord) IsResourceRequest() bool                        { return a.ResourceRequest }
func (a AttributesRecord) GetPath() string                                { return a.Path }
func (a AttributesRecord) GetFieldSelector() (fields.Requirements, error) { return nil, nil }
func (a AttributesRecord) GetLabelSelector() (labels.Requirements, error) { return nil, nil }

// Authorizer is KubeSphere's authorizer.Authorizer.
type Authorizer interface {
	Authorize(a *AttributesRecord) (Decision, string, error)
}

// pathAuthorizer is authorization/path: always allow the excluded paths (exact, or prefix with a trailing *).
type pathAuthorizer struct {
	paths    sets.Set[string]
	prefixes []string
}

// excludedPaths is apiserver.go buildHandlerChain's list.
var excludedPaths = []string{"/oauth/*", "/dist/*", "/.well-known/openid-configuration", "/version", "/metrics", "/livez", "/healthz", "/openapi/v2", "/openapi/v3"}

func newPathAuthorizer(always []string) *pathAuthorizer {
	p := &pathAuthorizer{paths: sets.New[string]()}
	for _, s := range always {
		s = strings.TrimPrefix(s, "/")
		if strings.HasSuffix(s, "*") {
			p.prefixes = append(p.prefixes, s[:len(s)-1])
		} else {
			p.paths.Insert(s)
		}
	}
	return p
}

func (p *pathAuthorizer) Authorize(a *AttributesRecord) (Decision, string, error) {
	pth := strings.TrimPrefix(a.Path, "/")
	if p.paths.Has(pth) {
		return DecisionAllow, "", nil
	}
	for _, prefix := range p.prefixes {
		if strings.HasPrefix(pth, prefix) {
			return DecisionAllow, "", nil
		}
	}
	return DecisionNoOpinion, "", nil
}

// unionAuthorizer is authorization/union (k8s' union: first Allow or Deny wins, reasons joined).
type unionAuthorizer []Authorizer

func (u unionAuthorizer) Authorize(a *AttributesRecord) (Decision, string, error) {
	var errs []error
	var reasons []string
	for _, authz := range u {
		decision, reason, err := authz.Authorize(a)
		if err != nil {
			errs = append(errs, err)
		}
		if reason != "" {
			reasons = append(reasons, reason)
		}
		if decision == DecisionAllow || decision == DecisionDeny {
			return decision, reason, err
		}
	}
	return DecisionNoOpinion, strings.Join(reasons, "\n"), utilerrors.NewAggregate(errs)
}

// rbacAuthorizer is authorization/rbac/rbac.go over the informer cache (am.NewReadOnlyOperator): global role
// bindings; then, unless the scope is Global, workspace role bindings of the target workspace, role bindings of
// the target namespace, and cluster role bindings. Each role's rego-override is evaluated before its rules.
type rbacAuthorizer struct {
	store *Store
	rego  *regoCache
}

func newRBACAuthorizer(store *Store) *rbacAuthorizer {
	return &rbacAuthorizer{store: store, rego: &regoCache{prepared: map[string]*rego.PreparedEvalQuery{}}}
}

func (r *rbacAuthorizer) Authorize(a *AttributesRecord) (Decision, string, error) {
	var errs []error
	allowed, reason := false, ""
	r.visitRulesFor(a, func(source string, regoPolicy string, rule *rbacv1.PolicyRule, err error) bool {
		if regoPolicy != "" && r.rego.allows(a, regoPolicy) {
			allowed, reason = true, "RBAC: allowed by "+source
			return false
		}
		if rule != nil && k8srbac.RuleAllows(a, rule) {
			allowed, reason = true, "RBAC: allowed by "+source
			return false
		}
		if err != nil {
			errs = append(errs, err)
		}
		return true
	})
	if allowed {
		return DecisionAllow, reason, nil
	}
	if len(errs) > 0 {
		return DecisionNoOpinion, fmt.Sprintf("RBAC: %v", utilerrors.NewAggregate(errs)), nil
	}
	return DecisionNoOpinion, "", nil
}

type visitor func(source string, regoPolicy string, rule *rbacv1.PolicyRule, err error) bool

// visitBindings visits, for each binding the user is a subject of, its role's rego and then its rules.
func (r *rbacAuthorizer) visitBindings(a *AttributesRecord, bindings []*Binding, namespace, kind string, visit visitor, stopOnRoleError bool) bool {
	for _, b := range bindings {
		idx, ok := appliesTo(a.User, b.Subjects, namespace)
		if !ok {
			continue
		}
		regoPolicy, rules, err := r.roleReferenceRules(b.RoleRef, namespace)
		if err != nil {
			visit("", "", nil, err)
			if stopOnRoleError {
				return false
			}
			continue
		}
		name := b.Name
		if kind == "RoleBinding" {
			name = b.Name + "/" + b.Namespace
		}
		source := fmt.Sprintf("%s %q of %s %q to %s", kind, name, b.RoleRef.Kind, b.RoleRef.Name, describeSubject(&b.Subjects[idx], b.Namespace))
		if !visit(source, regoPolicy, nil, nil) {
			return false
		}
		for i := range rules {
			if !visit(source, "", &rules[i], nil) {
				return false
			}
		}
	}
	return true
}

func (r *rbacAuthorizer) visitRulesFor(a *AttributesRecord, visit visitor) {
	globalBindings, err := listAs[Binding](r.store, gvrGlobalRoleBinding, "", nil)
	if err != nil {
		visit("", "", nil, err)
		return
	}
	if !r.visitBindings(a, globalBindings, "", "GlobalRoleBinding", visit, false) {
		return
	}
	if a.ResourceScope == GlobalScope {
		return
	}
	targetWorkspace := ""
	if a.ResourceScope == NamespaceScope {
		ns, err := r.store.Get(gvrNamespace, "", a.Namespace)
		if err != nil && !apierrors.IsNotFound(err) {
			visit("", "", nil, err)
			return
		}
		if err == nil {
			targetWorkspace = ns.GetLabels()[labelWorkspace]
		}
	}
	if a.ResourceScope == WorkspaceScope {
		targetWorkspace = a.Workspace
	}
	if targetWorkspace != "" {
		bindings, err := listAs[Binding](r.store, gvrWorkspaceRoleBinding, "", selectorOf(map[string]string{labelWorkspace: targetWorkspace}))
		if err != nil {
			visit("", "", nil, err)
			return
		}
		// KubeSphere's describer for workspace role bindings says "GlobalRoleBinding" (rbac.go); kept.
		if !r.visitBindings(a, bindings, "", "GlobalRoleBinding", visit, true) {
			return
		}
	}
	if a.ResourceScope == NamespaceScope && a.Namespace != "" {
		bindings, err := listAs[Binding](r.store, gvrRoleBinding, a.Namespace, nil)
		if err != nil {
			visit("", "", nil, err)
			return
		}
		if !r.visitBindings(a, bindings, a.Namespace, "RoleBinding", visit, true) {
			return
		}
	}
	clusterBindings, err := listAs[Binding](r.store, gvrClusterRoleBinding, "", nil)
	if err != nil {
		visit("", "", nil, err)
		return
	}
	r.visitBindings(a, clusterBindings, "", "ClusterRoleBinding", visit, true)
}

// roleReferenceRules is am.go GetRoleReferenceRules: a missing role grants nothing.
func (r *rbacAuthorizer) roleReferenceRules(ref rbacv1.RoleRef, namespace string) (string, []rbacv1.PolicyRule, error) {
	var role *Role
	var err error
	switch ref.Kind {
	case "Role":
		role, err = getAs[Role](r.store, gvrRole, namespace, ref.Name)
	case "ClusterRole":
		role, err = getAs[Role](r.store, gvrClusterRole, "", ref.Name)
	case "GlobalRole":
		role, err = getAs[Role](r.store, gvrGlobalRole, "", ref.Name)
	case "WorkspaceRole":
		role, err = getAs[Role](r.store, gvrWorkspaceRole, "", ref.Name)
	default:
		return "", nil, fmt.Errorf("unsupported role reference kind: %q", ref.Kind)
	}
	if apierrors.IsNotFound(err) {
		return "", []rbacv1.PolicyRule{}, nil
	}
	if err != nil {
		return "", nil, err
	}
	return role.Annotations[annotationRego], role.Rules, nil
}

// appliesTo is rbac.go appliesTo/appliesToUser (KubeSphere's own kubesphere.io service accounts are not served).
func appliesTo(u user.Info, subjects []rbacv1.Subject, namespace string) (int, bool) {
	if u == nil {
		return 0, false
	}
	for i, s := range subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			if u.GetName() == s.Name {
				return i, true
			}
		case rbacv1.GroupKind:
			for _, g := range u.GetGroups() {
				if g == s.Name {
					return i, true
				}
			}
		case rbacv1.ServiceAccountKind:
			ns := namespace
			if s.Namespace != "" {
				ns = s.Namespace
			}
			if ns != "" && s.APIGroup == rbacv1.GroupName && serviceaccount.MatchesUsername(ns, s.Name, u.GetName()) {
				return i, true
			}
		}
	}
	return 0, false
}

func describeSubject(s *rbacv1.Subject, bindingNamespace string) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		if s.Namespace != "" {
			return fmt.Sprintf("%s %q", s.Kind, s.Name+"/"+s.Namespace)
		}
		return fmt.Sprintf("%s %q", s.Kind, s.Name+"/"+bindingNamespace)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

// regoCache evaluates rego overrides exactly as rbac.go regoPolicyAllows (query data.authz.allow over module
// authz.rego, input the attributes record, allowed only when the first expression is true). KubeSphere prepares
// the query on every request; preparing once per policy text answers the same.
type regoCache struct {
	mu       sync.Mutex
	prepared map[string]*rego.PreparedEvalQuery
}

func (c *regoCache) allows(a *AttributesRecord, policy string) bool {
	c.mu.Lock()
	q, ok := c.prepared[policy]
	c.mu.Unlock()
	if !ok {
		prepared, err := rego.New(rego.Query("data.authz.allow"), rego.Module("authz.rego", policy)).PrepareForEval(context.Background())
		if err != nil {
			klog.Warningf("syntax error:%s, content: %s", err, policy)
			return false
		}
		q = &prepared
		c.mu.Lock()
		c.prepared[policy] = q
		c.mu.Unlock()
	}
	results, err := q.Eval(context.Background(), rego.EvalInput(a))
	if err != nil {
		klog.Warningf("syntax error:%s, content: %s", err, policy)
		return false
	}
	return len(results) > 0 && results[0].Expressions[0].Value == true
}

// withAuthorization is filters/authorization.go; a denial is answered by k8s.io/apiserver's
// responsewriters.Forbidden, as there.
func withAuthorization(next http.Handler, authz Authorizer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		attrs, err := attributesFrom(req.Context())
		if err != nil {
			internalError(w, req, err)
			return
		}
		decision, reason, err := authz.Authorize(attrs)
		if decision == DecisionAllow {
			next.ServeHTTP(w, req)
			return
		}
		if err != nil {
			internalError(w, req, err)
			return
		}
		responsewriters.Forbidden(req.Context(), attrs, w, req, reason, negotiated)
	})
}

func attributesFrom(ctx context.Context) (*AttributesRecord, error) {
	a := &AttributesRecord{}
	if u, ok := userFrom(ctx); ok {
		a.User = u
	}
	info, ok := requestInfoFrom(ctx)
	if !ok {
		return nil, errors.New("no RequestInfo found in the context")
	}
	a.ResourceScope = info.ResourceScope
	a.ResourceRequest = info.IsResourceRequest
	a.Path = info.Path
	a.Verb = info.Verb
	a.Cluster = info.Cluster
	a.Workspace = info.Workspace
	a.KubernetesRequest = info.IsKubernetesRequest
	a.APIGroup = info.APIGroup
	a.APIVersion = info.APIVersion
	a.Resource = info.Resource
	a.Subresource = info.Subresource
	a.Namespace = info.Namespace
	a.Name = info.Name
	return a, nil
}
