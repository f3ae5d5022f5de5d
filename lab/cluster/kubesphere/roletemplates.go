package kubesphere

import (
	"context"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/component-helpers/auth/rbac/validation"
	"k8s.io/klog/v2"
)

// The stand-in for ks-controller-manager's roletemplate controller (v4.1.3 pkg/controller/roletemplate/
// roletemplate_controller.go). The ks-core chart writes its roles already aggregated from the role templates it
// ships; this injects a RoleTemplate created later (an extension's, such as one labelled
// iam.kubesphere.io/aggregate-to-authenticated) into the roles that select it, within moments of its watch event.
//
// It follows the controller's Reconcile → injectRoleTemplateToRuleOwner → aggregate{Global,Workspace,Cluster,}Roles →
// aggregate, for the four scopes. Like it, it only ever adds: a changed template is not re-applied (its name is
// already in templateNames) and a deleted one leaves its rules and name in the roles. Not reproduced: the role
// controllers' own AggregationRole (pkg/componenthelper/auth/rbac/helper.go), which on a role's reconcile re-lists
// the templates its selector matches (so there a deleted template's name leaves templateNames, its rules stay) and
// merges the templates' rego overrides.

// roleGVRByScope is injectRoleTemplateToRuleOwner: the template's scope label (iamv1beta1.ScopeGlobal …) names the
// one kind of role it can be aggregated into (no scope label, or another value: none).
var roleGVRByScope = map[string]schema.GroupVersionResource{
	"global": gvrGlobalRole, "workspace": gvrWorkspaceRole, "cluster": gvrClusterRole, "namespace": gvrRole,
}

type roleTemplateController struct {
	store *Store
	// queue holds RoleTemplate names, as controller-runtime's queue holds reconcile requests: deduplicated, a
	// failed one retried with the default per-item backoff (5 ms doubling).
	queue    workqueue.TypedRateLimitingInterface[string]
	watching bool
}

func newRoleTemplateController(store *Store) *roleTemplateController {
	return &roleTemplateController{store: store, queue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())}
}

// run works the queue until ctx ends.
func (c *roleTemplateController) run(ctx context.Context) {
	go func() {
		<-ctx.Done()
		c.queue.ShutDown()
	}()
	for c.processNext(ctx) {
	}
}

// resync is the stand-ins' tick: it registers the event hook once the RoleTemplate informer runs (the controller's
// For(&RoleTemplate{})), then queues every template. Registering a handler replays the cache as Add events, so the
// first resync aggregates whatever exists, as the controller's start does.
func (c *roleTemplateController) resync() {
	if !c.watching {
		enqueue := func(obj interface{}) {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				c.queue.Add(u.GetName())
			}
		}
		// Deletions are not handled: Reconcile of a template not found does nothing.
		if err := c.store.AddEventHandler(gvrRoleTemplate, cache.ResourceEventHandlerFuncs{
			AddFunc:    enqueue,
			UpdateFunc: func(_, obj interface{}) { enqueue(obj) },
		}); err != nil {
			klog.Warningf("stand-in roletemplate controller: %v", err)
			return
		}
		c.watching = true
	}
	templates, err := c.store.List(gvrRoleTemplate, "", nil)
	if err != nil {
		klog.Warningf("stand-in roletemplate controller: %v", err)
		return
	}
	for _, t := range templates {
		c.queue.Add(t.GetName())
	}
}

func (c *roleTemplateController) processNext(ctx context.Context) bool {
	name, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(name)
	if err := c.reconcile(ctx, name); err != nil {
		klog.Warningf("stand-in roletemplate controller: %s: %v", name, err)
		c.queue.AddRateLimited(name)
		return true
	}
	c.queue.Forget(name)
	return true
}

// reconcile is Reconcile and injectRoleTemplateToRuleOwner: the template is read from the cache, the roles of its
// scope are those with annotation iam.kubesphere.io/auto-aggregate "true" (the controller lists them through its
// index on that annotation). The first failed update ends the pass; the whole template is retried (the roles
// already done then skip it by name).
func (c *roleTemplateController) reconcile(ctx context.Context, name string) error {
	roleTemplate, err := getAs[RoleTemplate](c.store, gvrRoleTemplate, "", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	gvr, ok := roleGVRByScope[roleTemplate.Labels[labelScope]]
	if !ok {
		return nil
	}
	roles, err := c.store.List(gvr, "", nil)
	if err != nil {
		return err
	}
	for _, u := range roles {
		if u.GetAnnotations()[annotationAutoAggregate] != "true" {
			continue
		}
		changed, err := aggregateRoleTemplate(u, roleTemplate)
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if _, err := c.store.update(ctx, gvr, u); err != nil {
			return err
		}
		klog.Infof("stand-in roletemplate controller: RoleTemplate %s aggregated into %s %s", roleTemplate.Name, kindOf[gvr], cache.MetaObjectToName(u))
	}
	return nil
}

// aggregateRoleTemplate is aggregate() on one role (u, changed in place): a role without aggregationRoleTemplates,
// one that already names the template, or whose roleSelector (none: selects nothing) does not match the template's
// labels is left alone; otherwise the template's rules are appended unless the role's rules already cover them
// (rbachelper.Covers, a copy of k8s' validation.Covers used here), and its name is appended to templateNames.
func aggregateRoleTemplate(u *unstructured.Unstructured, roleTemplate *RoleTemplate) (bool, error) {
	role, err := decodeInto[Role](u)
	if err != nil {
		return false, err
	}
	aggregation := role.AggregationRoleTemplates
	if aggregation == nil || slices.Contains(aggregation.TemplateNames, roleTemplate.Name) {
		return false, nil
	}
	selector, err := metav1.LabelSelectorAsSelector(aggregation.RoleSelector)
	if err != nil {
		klog.V(4).Infof("stand-in roletemplate controller: role %s: failed to parse role selector: %v", role.Name, err)
		return false, nil
	}
	if !selector.Matches(labels.Set(roleTemplate.Labels)) {
		return false, nil
	}
	if covered, _ := validation.Covers(role.Rules, roleTemplate.Spec.Rules); !covered {
		rules, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&struct {
			Rules []rbacv1.PolicyRule `json:"rules"`
		}{append(role.Rules, roleTemplate.Spec.Rules...)})
		if err != nil {
			return false, err
		}
		u.Object["rules"] = rules["rules"]
	}
	aggregation.TemplateNames = append(aggregation.TemplateNames, roleTemplate.Name)
	if err := unstructured.SetNestedStringSlice(u.Object, aggregation.TemplateNames, "aggregationRoleTemplates", "templateNames"); err != nil {
		return false, err
	}
	return true, nil
}
