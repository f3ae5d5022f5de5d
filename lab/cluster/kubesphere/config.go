package kubesphere

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// The part of KubeSphere's configuration (pkg/config/config.go, ConfigMap kubesphere-system/kubesphere-config key
// kubesphere.yaml) the gateway reads. Durations are Go duration strings as in the ks-core template.

type issuerOptions struct {
	URL                          string          `json:"url"`
	JWTSecret                    string          `json:"jwtSecret"`
	MaximumClockSkew             metav1.Duration `json:"maximumClockSkew"`
	AccessTokenMaxAge            metav1.Duration `json:"accessTokenMaxAge"`
	AccessTokenInactivityTimeout metav1.Duration `json:"accessTokenInactivityTimeout"`
}

type config struct {
	Authentication struct {
		MultipleLogin *bool         `json:"multipleLogin"`
		Issuer        issuerOptions `json:"issuer"`
	} `json:"authentication"`
	Multicluster struct {
		ClusterRole     string `json:"clusterRole"`
		HostClusterName string `json:"hostClusterName"`
	} `json:"multicluster"`
	Experimental struct {
		ValidationDirective string `json:"validationDirective"`
	} `json:"experimental"`
	// raw is the whole document, for configz.
	raw map[string]interface{}
}

const (
	kubesphereNamespace = "kubesphere-system"
	configMapName       = "kubesphere-config"
	configKey           = "kubesphere.yaml"
)

func parseConfig(data []byte) (*config, error) {
	c := &config{}
	if err := yaml.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("%s: %v", configKey, err)
	}
	if err := yaml.Unmarshal(data, &c.raw); err != nil {
		return nil, err
	}
	if c.Authentication.Issuer.JWTSecret == "" {
		return nil, fmt.Errorf("%s: authentication.issuer.jwtSecret is empty", configKey)
	}
	if c.Authentication.Issuer.MaximumClockSkew.Duration == 0 {
		c.Authentication.Issuer.MaximumClockSkew.Duration = 10 * time.Second
	}
	if c.Multicluster.ClusterRole == "" {
		c.Multicluster.ClusterRole = "none"
	}
	return c, nil
}

func (c *config) multipleLogin() bool {
	return c.Authentication.MultipleLogin == nil || *c.Authentication.MultipleLogin
}

// configz is what GET /kapis/config.kubesphere.io/v1alpha2/configs/configz answers: ks-apiserver writes its whole
// options struct, where the JWT secret is `json:"-"` (pkg/apiserver/authentication/oauth/options.go); the gateway
// writes the document it read, with that secret removed.
func (c *config) configz() map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range c.raw {
		out[k] = v
	}
	if authn, ok := out["authentication"].(map[string]interface{}); ok {
		copied := map[string]interface{}{}
		for k, v := range authn {
			copied[k] = v
		}
		if issuer, ok := copied["issuer"].(map[string]interface{}); ok {
			iss := map[string]interface{}{}
			for k, v := range issuer {
				if k != "jwtSecret" {
					iss[k] = v
				}
			}
			copied["issuer"] = iss
		}
		out["authentication"] = copied
	}
	return out
}

// loadConfig reads kubesphere.yaml from the ConfigMap ks-apiserver mounts.
func loadConfig(ctx context.Context, client kubernetes.Interface) (*config, error) {
	cm, err := client.CoreV1().ConfigMaps(kubesphereNamespace).Get(ctx, configMapName, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading ConfigMap %s/%s: %w", kubesphereNamespace, configMapName, err)
	}
	data, ok := cm.Data[configKey]
	if !ok {
		return nil, fmt.Errorf("ConfigMap %s/%s has no key %s", kubesphereNamespace, configMapName, configKey)
	}
	return parseConfig([]byte(data))
}
