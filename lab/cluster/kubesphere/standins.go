package kubesphere

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"
)

// Stand-ins for the two ks-controller-manager reconcilers whose output the console reads. Everything else
// ks-controller-manager does (role aggregation, per-workspace/per-namespace role instantiation from BuiltinRoles,
// bindings, password encryption) is done by the ks-core chart of this lab, written already reconciled.

// runStandIns reconciles every 15 s until ctx ends.
func runStandIns(ctx context.Context, store *Store, clientset kubernetes.Interface, kubernetesVersion string) {
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		hostClusterStatus(ctx, store, clientset, kubernetesVersion)
		userStatus(ctx, store)
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
