package kubesphere

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
)

// Stand-ins for the ks-controller-manager reconcilers whose output the console or the product reads: cluster
// status and user status here, role-template aggregation in roletemplates.go. Everything else
// ks-controller-manager does (aggregation of the chart's own role templates, per-workspace/per-namespace role
// instantiation from BuiltinRoles, bindings, password encryption) is done by the ks-core chart of this lab, written
// already reconciled.

// runStandIns reconciles every 15 s until ctx ends; RoleTemplates also on their watch events.
func runStandIns(ctx context.Context, store *Store, clientset kubernetes.Interface, kubernetesVersion string) {
	roleTemplates := newRoleTemplateController(store)
	go roleTemplates.run(ctx)
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		hostClusterStatus(ctx, store, clientset, kubernetesVersion)
		memberClusterStatus(ctx, store)
		userStatus(ctx, store)
		roleTemplates.resync()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// hostClusterStatus stands in for pkg/controller/cluster: the host Cluster's status (Ready condition,
// kubernetesVersion, kubeSphereVersion, nodeCount), which the console's cluster list and overview read.
func hostClusterStatus(ctx context.Context, store *Store, clientset kubernetes.Interface, kubernetesVersion string) {
	clusters, err := store.List(gvrCluster, "", selectorOf(map[string]string{labelHostCluster: ""}))
	if err != nil {
		klog.Warningf("stand-in cluster controller: %v", err)
		return
	}
	nodes, err := store.List(gvrNode, "", nil)
	if err != nil {
		klog.Warningf("stand-in cluster controller: %v", err)
		return
	}
	ns, err := clientset.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
	if err != nil {
		klog.Warningf("stand-in cluster controller: %v", err)
		return
	}
	for _, c := range clusters {
		status, _, _ := unstructured.NestedMap(c.Object, "status")
		if status == nil {
			status = map[string]interface{}{}
		}
		now := metav1.Now().UTC().Format(time.RFC3339)
		ready := map[string]interface{}{"type": "Ready", "status": "True", "reason": "Ready", "message": "Cluster is available now", "lastUpdateTime": now, "lastTransitionTime": now}
		if conds, ok := status["conditions"].([]interface{}); ok {
			for _, cond := range conds {
				if m, ok := cond.(map[string]interface{}); ok && m["type"] == "Ready" && m["status"] == "True" {
					ready["lastTransitionTime"] = m["lastTransitionTime"]
				}
			}
		}
		want := map[string]interface{}{
			"conditions": []interface{}{ready}, "kubernetesVersion": kubernetesVersion, "kubeSphereVersion": "v4.1.3",
			"nodeCount": int64(len(nodes)), "uid": string(ns.UID),
		}
		if equalIgnoringTimes(status, want) {
			continue
		}
		c.Object["status"] = want
		if _, err := store.client.Resource(gvrCluster).Update(ctx, c, metav1.UpdateOptions{}); err != nil {
			klog.Warningf("stand-in cluster controller: %v", err)
		}
	}
}

// memberClusterStatus stands in for pkg/controller/cluster on member clusters: it reaches each member through
// its spec.connection.kubeconfig, takes kube-system's UID, the Kubernetes version and the node count, asks the
// member's KubeSphere for its version, and sets the Ready condition with the controller's messages
// (updateClusterReadyCondition: "Cluster is available now", or the error).
func memberClusterStatus(ctx context.Context, store *Store) {
	clusters, err := listAs[Cluster](store, gvrCluster, "", nil)
	if err != nil {
		klog.Warningf("stand-in cluster controller: %v", err)
		return
	}
	for _, c := range clusters {
		if c.isHost() || len(c.Spec.Connection.KubeConfig) == 0 {
			continue
		}
		status := probeMember(ctx, c)
		u, err := store.Get(gvrCluster, "", c.Name)
		if err != nil {
			continue
		}
		have, _, _ := unstructured.NestedMap(u.Object, "status")
		if have != nil && sameMemberStatus(have, status) {
			continue
		}
		u.Object["status"] = status
		if _, err := store.client.Resource(gvrCluster).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			klog.Warningf("stand-in cluster controller: %v", err)
		}
	}
}

func probeMember(ctx context.Context, c *Cluster) map[string]interface{} {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	now := metav1.Now().UTC().Format(time.RFC3339)
	fail := func(err error) map[string]interface{} {
		return map[string]interface{}{"conditions": []interface{}{map[string]interface{}{
			"type": "Ready", "status": "False", "reason": "Ready", "message": err.Error(), "lastUpdateTime": now, "lastTransitionTime": now,
		}}}
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(c.Spec.Connection.KubeConfig)
	if err != nil {
		return fail(fmt.Errorf("failed to get cluster client for %s: %s", c.Name, err))
	}
	cfg.Timeout = 5 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fail(fmt.Errorf("failed to get cluster client for %s: %s", c.Name, err))
	}
	kubeSystem, err := cs.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
	if err != nil {
		return fail(fmt.Errorf("failed to get kube-system namespace for %s: %s", c.Name, err))
	}
	version, err := cs.Discovery().ServerVersion()
	if err != nil {
		return fail(err)
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fail(err)
	}
	status := map[string]interface{}{
		"conditions": []interface{}{map[string]interface{}{
			"type": "Ready", "status": "True", "reason": "Ready", "message": "Cluster is available now", "lastUpdateTime": now, "lastTransitionTime": now,
		}},
		"kubernetesVersion": version.GitVersion, "nodeCount": int64(len(nodes.Items)), "uid": string(kubeSystem.UID),
	}
	if endpoint := c.Spec.Connection.KubeSphereAPIEndpoint; endpoint != "" {
		if ks, err := kubeSphereVersion(ctx, endpoint); err != nil {
			return fail(err)
		} else {
			status["kubeSphereVersion"] = ks
		}
	}
	return status
}

// kubeSphereVersion asks a member's ks-apiserver its /version (open to everyone in v4.1.3).
func kubeSphereVersion(ctx context.Context, endpoint string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/")+"/version", nil)
	if err != nil {
		return "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var v struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		return "", err
	}
	return v.GitVersion, nil
}

func sameMemberStatus(have, want map[string]interface{}) bool {
	for _, k := range []string{"kubernetesVersion", "kubeSphereVersion", "uid"} {
		if fmt.Sprint(have[k]) != fmt.Sprint(want[k]) {
			return false
		}
	}
	if fmt.Sprint(have["nodeCount"]) != fmt.Sprint(want["nodeCount"]) {
		return false
	}
	cond := func(m map[string]interface{}) string {
		conds, _ := m["conditions"].([]interface{})
		if len(conds) != 1 {
			return ""
		}
		c := conds[0].(map[string]interface{})
		return fmt.Sprint(c["status"], c["message"])
	}
	return cond(have) == cond(want)
}

func equalIgnoringTimes(have, want map[string]interface{}) bool {
	for _, k := range []string{"kubernetesVersion", "kubeSphereVersion", "uid"} {
		if have[k] != want[k] {
			return false
		}
	}
	if n, ok := have["nodeCount"].(int64); !ok || n != want["nodeCount"].(int64) {
		return false
	}
	conds, _ := have["conditions"].([]interface{})
	return len(conds) == 1 && conds[0].(map[string]interface{})["status"] == "True"
}

// userStatus stands in for pkg/controller/user: a User without a state becomes Active (the password
// authenticator only lets Active users log in).
func userStatus(ctx context.Context, store *Store) {
	users, err := store.List(gvrUser, "", nil)
	if err != nil {
		klog.Warningf("stand-in user controller: %v", err)
		return
	}
	for _, u := range users {
		if state, _, _ := unstructured.NestedString(u.Object, "status", "state"); state != "" {
			continue
		}
		_ = unstructured.SetNestedField(u.Object, userActive, "status", "state")
		_ = unstructured.SetNestedField(u.Object, metav1.Now().UTC().Format(time.RFC3339), "status", "lastTransitionTime")
		if _, err := store.client.Resource(gvrUser).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			klog.Warningf("stand-in user controller: %v", err)
		}
	}
}
