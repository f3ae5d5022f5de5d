package kubesphere

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Our own structs for the KubeSphere kinds the gateway decodes, with the JSON names of kubesphere.io/api v4.1.3
// (staging/src/kubesphere.io/api/{iam,cluster,extensions}/...). Only the fields the gateway reads.

const (
	labelWorkspace          = "kubesphere.io/workspace"
	labelUserRef            = "iam.kubesphere.io/user-ref"
	labelRoleRef            = "iam.kubesphere.io/role-ref"
	labelHostCluster        = "cluster-role.kubesphere.io/host"
	annotationRego          = "iam.kubesphere.io/rego-override"
	annotationAutoAggregate = "iam.kubesphere.io/auto-aggregate"
	labelScope              = "iam.kubesphere.io/scope"
	annotationWorkspaceRole = "iam.kubesphere.io/workspacerole"
	annotationRole          = "iam.kubesphere.io/role"
	annotationClusterRole   = "iam.kubesphere.io/clusterrole"
	annotationGranted       = "iam.kubesphere.io/granted-clusters"
	annotationUninitialized = "iam.kubesphere.io/uninitialized"
	annotationDisplayName   = "kubesphere.io/alias-name"
	userActive              = "Active"
	userDisabled            = "Disabled"
	userAuthLimitExceeded   = "AuthLimitExceeded"
	stateAvailable          = "Available"
	preRegistrationUser     = "system:pre-registration"
)

type AggregationRoleTemplates struct {
	TemplateNames []string              `json:"templateNames,omitempty"`
	RoleSelector  *metav1.LabelSelector `json:"roleSelector,omitempty"`
}

// Role is the shape GlobalRole, WorkspaceRole, ClusterRole and Role share in iam.kubesphere.io/v1beta1.
type Role struct {
	metav1.TypeMeta          `json:",inline"`
	metav1.ObjectMeta        `json:"metadata,omitempty"`
	AggregationRoleTemplates *AggregationRoleTemplates `json:"aggregationRoleTemplates,omitempty"`
	Rules                    []rbacv1.PolicyRule       `json:"rules"`
}

// RoleTemplate is iam.kubesphere.io/v1beta1 RoleTemplate (cluster-scoped; its scope is the label
// iam.kubesphere.io/scope: global, cluster, workspace or namespace).
type RoleTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Rules []rbacv1.PolicyRule `json:"rules,omitempty"`
	} `json:"spec"`
}

// Binding is the shape of the four iam.kubesphere.io/v1beta1 binding kinds.
type Binding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Subjects          []rbacv1.Subject `json:"subjects,omitempty"`
	RoleRef           rbacv1.RoleRef   `json:"roleRef"`
}

type User struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Email             string   `json:"email"`
		Lang              string   `json:"lang,omitempty"`
		Groups            []string `json:"groups,omitempty"`
		EncryptedPassword string   `json:"password,omitempty"`
	} `json:"spec"`
	Status struct {
		State string `json:"state,omitempty"`
	} `json:"status,omitempty"`
}

type Cluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Connection struct {
			Type                  string `json:"type,omitempty"`
			KubeSphereAPIEndpoint string `json:"kubesphereAPIEndpoint,omitempty"`
			KubernetesAPIEndpoint string `json:"kubernetesAPIEndpoint,omitempty"`
			KubeConfig            []byte `json:"kubeconfig,omitempty"`
		} `json:"connection,omitempty"`
	} `json:"spec"`
	Status struct {
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions,omitempty"`
	} `json:"status,omitempty"`
}

// isHost and isReady follow pkg/controller/cluster/utils/utils.go.
func (c *Cluster) isHost() bool {
	_, ok := c.Labels[labelHostCluster]
	return ok
}

func (c *Cluster) isReady() bool {
	for _, condition := range c.Status.Conditions {
		if condition.Type == "Ready" && condition.Status == "True" {
			return true
		}
	}
	return false
}

type WorkspaceTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Placement struct {
			Clusters []struct {
				Name string `json:"name"`
			} `json:"clusters,omitempty"`
			ClusterSelector *metav1.LabelSelector `json:"clusterSelector,omitempty"`
		} `json:"placement"`
	} `json:"spec"`
}

// Endpoint is extensions.kubesphere.io/v1alpha1 Endpoint (upstream.go).
type Endpoint struct {
	URL     *string `json:"url,omitempty"`
	Service *struct {
		Namespace string  `json:"namespace"`
		Name      string  `json:"name"`
		Path      *string `json:"path,omitempty"`
		Port      *int32  `json:"port,omitempty"`
	} `json:"service,omitempty"`
	CABundle           []byte `json:"caBundle,omitempty"`
	InsecureSkipVerify bool   `json:"insecureSkipVerify,omitempty"`
}

// RawURL is upstream.go's.
func (e *Endpoint) RawURL() string {
	if e.URL != nil {
		return *e.URL
	}
	if e.Service != nil {
		port, path := int32(443), ""
		if e.Service.Port != nil {
			port = *e.Service.Port
		}
		if e.Service.Path != nil {
			path = *e.Service.Path
		}
		return fmt.Sprintf("https://%s.%s.svc:%d%s", e.Service.Name, e.Service.Namespace, port, path)
	}
	return ""
}

type keyRef struct {
	Name      string `json:"name"`
	Key       string `json:"key"`
	Namespace string `json:"namespace"`
}

type JSBundle struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Raw     []byte `json:"raw,omitempty"`
		RawFrom struct {
			Endpoint        `json:",inline"`
			ConfigMapKeyRef *keyRef `json:"configMapKeyRef,omitempty"`
			SecretKeyRef    *keyRef `json:"secretKeyRef,omitempty"`
		} `json:"rawFrom,omitempty"`
	} `json:"spec,omitempty"`
	Status struct {
		Link  string `json:"link,omitempty"`
		State string `json:"state,omitempty"`
	} `json:"status,omitempty"`
}

type ReverseProxy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Matcher struct {
			Path   string `json:"path"`
			Method string `json:"method"`
		} `json:"matcher,omitempty"`
		Upstream   Endpoint `json:"upstream,omitempty"`
		Directives struct {
			Method          string   `json:"method,omitempty"`
			StripPathPrefix string   `json:"stripPathPrefix,omitempty"`
			StripPathSuffix string   `json:"stripPathSuffix,omitempty"`
			HeaderUp        []string `json:"headerUp,omitempty"`
			HeaderDown      []string `json:"headerDown,omitempty"`
			WrapTransport   bool     `json:"wrapTransport,omitempty"`
			AuthProxy       bool     `json:"authProxy,omitempty"`
			Rewrite         []string `json:"rewrite,omitempty"`
			Replace         []string `json:"replace,omitempty"`
			PathRegexp      []string `json:"pathRegexp,omitempty"`
		} `json:"directives,omitempty"`
	} `json:"spec,omitempty"`
	Status struct {
		State string `json:"state,omitempty"`
	} `json:"status,omitempty"`
}
