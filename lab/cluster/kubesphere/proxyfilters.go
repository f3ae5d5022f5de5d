package kubesphere

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/httpstream"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/proxy"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/transport"
	"k8s.io/klog/v2"
)

// responder is filters/responder.go: a proxy error is a 502 Status "Error while proxying request: <Go error>".
type responder struct{}

func (responder) Error(w http.ResponseWriter, _ *http.Request, err error) {
	reason := fmt.Sprintf("Error while proxying request: %v", err)
	klog.Errorln(reason)
	writeRawJSON(w, http.StatusBadGateway, apierrors.StatusError{ErrStatus: metav1.Status{
		Code: http.StatusBadGateway, Message: reason, Reason: metav1.StatusReason(http.StatusText(http.StatusBadGateway)),
	}})
}

func serviceUnavailable(w http.ResponseWriter, reason string) {
	writeRawJSON(w, http.StatusServiceUnavailable, apierrors.NewServiceUnavailable(reason))
}

// ---- filters/kubeapiserver.go ----

// withKubeAPIServer forwards /api and /apis to the kube-apiserver with the gateway's own credentials (user
// kubesphere, cluster-admin): the caller's Authorization header is dropped, KubeSphere's authorization decided.
func withKubeAPIServer(next http.Handler, cfg *rest.Config, validationDirective string) (http.Handler, error) {
	server, err := url.Parse(cfg.Host)
	if err != nil {
		return nil, err
	}
	tr, err := rest.TransportFor(cfg)
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		info, ok := requestInfoFrom(req.Context())
		if !ok {
			internalError(w, req, errors.New("no RequestInfo found in the context"))
			return
		}
		if !info.IsKubernetesRequest {
			next.ServeHTTP(w, req)
			return
		}
		location := &url.URL{Scheme: server.Scheme, Host: server.Host, Path: req.URL.Path}
		if validationDirective != "" && !req.URL.Query().Has("fieldValidation") && (info.Verb == "create" || info.Verb == "update") {
			params := req.URL.Query()
			params.Set("fieldValidation", validationDirective)
			req.URL.RawQuery = params.Encode()
		}
		location.RawQuery = req.URL.Query().Encode()
		newReq := req.WithContext(req.Context())
		newReq.Header = utilnet.CloneHeader(req.Header)
		newReq.URL = location
		newReq.Host = location.Host
		newReq.Header.Del("Authorization")
		h := proxy.NewUpgradeAwareHandler(location, tr, false, httpstream.IsUpgradeRequest(req), responder{})
		h.UpgradeTransport = proxy.NewUpgradeRequestRoundTripper(tr, tr)
		h.ServeHTTP(w, newReq)
	}), nil
}

// ---- filters/jsbundle.go ----

func withJSBundle(next http.Handler, store *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		info, _ := requestInfoFrom(req.Context())
		if info.IsResourceRequest || info.IsKubernetesRequest || !strings.HasPrefix(info.Path, "/dist") {
			next.ServeHTTP(w, req)
			return
		}
		bundles, err := listAs[JSBundle](store, gvrJSBundle, "", nil)
		if err != nil {
			klog.Warningf("failed to list js bundles: %v", err)
			serviceUnavailable(w, "failed to list js bundles")
			return
		}
		for _, b := range bundles {
			if b.Status.State != stateAvailable || b.Status.Link != info.Path {
				continue
			}
			w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
			switch {
			case b.Spec.Raw != nil:
				// spec.raw is []byte (base64 in JSON, decoded once by the API types) and decoded once more here.
				if _, err := io.Copy(w, base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b.Spec.Raw))); err != nil {
					serviceUnavailable(w, "failed to decode raw content")
				}
			case b.Spec.RawFrom.ConfigMapKeyRef != nil:
				ref := b.Spec.RawFrom.ConfigMapKeyRef
				cm, err := store.Get(gvrConfigMap, ref.Namespace, ref.Name)
				if err != nil {
					serviceUnavailable(w, "failed to fetch content from configMap")
					return
				}
				if data, ok := cm.Object["data"].(map[string]interface{}); ok {
					s, _ := data[ref.Key].(string)
					_, _ = w.Write([]byte(s))
				} else if bin, ok := cm.Object["binaryData"].(map[string]interface{}); ok {
					s, _ := bin[ref.Key].(string)
					raw, _ := base64.StdEncoding.DecodeString(s)
					_, _ = w.Write(raw)
				}
			case b.Spec.RawFrom.SecretKeyRef != nil:
				ref := b.Spec.RawFrom.SecretKeyRef
				secret, err := store.Get(gvrSecret, ref.Namespace, ref.Name)
				if err != nil {
					serviceUnavailable(w, "failed to fetch content from secret")
					return
				}
				data, _ := secret.Object["data"].(map[string]interface{})
				s, _ := data[ref.Key].(string)
				raw, _ := base64.StdEncoding.DecodeString(s)
				_, _ = w.Write(raw)
			case b.Spec.RawFrom.URL != nil || b.Spec.RawFrom.Service != nil:
				serveRemote(w, req, b.Spec.RawFrom.Endpoint)
			default:
				continue
			}
			return
		}
		next.ServeHTTP(w, req)
	})
}

func serveRemote(w http.ResponseWriter, req *http.Request, endpoint Endpoint) {
	location, err := url.Parse(endpoint.RawURL())
	if err != nil {
		serviceUnavailable(w, "failed to fetch content")
		return
	}
	tr, err := transport.New(&transport.Config{TLS: transport.TLSConfig{CAData: endpoint.CABundle, Insecure: endpoint.InsecureSkipVerify}})
	if err != nil {
		serviceUnavailable(w, "failed to create transport.TLSConfig")
		return
	}
	h := proxy.NewUpgradeAwareHandler(location, tr, false, false, responder{})
	h.UseLocationHost = true
	h.ServeHTTP(w, req)
}

// ---- filters/reverseproxy.go ----

type reverseProxyFilter struct {
	next  http.Handler
	store *Store
	// Round trippers are cached by ReverseProxy name and never evicted (as KubeSphere's sync.Map): a changed
	// caBundle or upstream TLS setting under the same name takes effect only after a restart.
	roundTrippers sync.Map
}

func withReverseProxy(next http.Handler, store *Store) http.Handler {
	return &reverseProxyFilter{next: next, store: store}
}

func (s *reverseProxyFilter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	info, _ := requestInfoFrom(req.Context())
	if info.IsKubernetesRequest || info.IsResourceRequest || !strings.HasPrefix(info.Path, "/proxy") {
		s.next.ServeHTTP(w, req)
		return
	}
	// Without the target label, ks-apiserver handles it (backward compatibility).
	selector, _ := labels.Parse("kubesphere.io/reverse-proxy-target!=ks-console")
	proxies, err := listAs[ReverseProxy](s.store, gvrReverseProxy, "", selector)
	if err != nil {
		klog.Errorf("failed to list reverse proxies: %v", err)
		serviceUnavailable(w, "failed to list reverse proxies")
		return
	}
	for _, rp := range proxies {
		if !matches(rp, req) {
			continue
		}
		if rp.Status.State != stateAvailable {
			// KubeSphere passes a plain error to WriteRawJSON: the body is {} with status 503.
			writeRawJSON(w, http.StatusServiceUnavailable, fmt.Errorf("upstream %s is not available", rp.Name))
			return
		}
		s.handle(rp, w, req)
		return
	}
	s.next.ServeHTTP(w, req)
}

func matches(rp *ReverseProxy, req *http.Request) bool {
	m := rp.Spec.Matcher
	if m.Method != req.Method && m.Method != "*" {
		return false
	}
	if m.Path == req.URL.Path {
		return true
	}
	return strings.HasSuffix(m.Path, "*") && strings.HasPrefix(req.URL.Path, strings.TrimRight(m.Path, "*"))
}

func (s *reverseProxyFilter) handle(rp *ReverseProxy, w http.ResponseWriter, req *http.Request) {
	endpoint, err := url.Parse(rp.Spec.Upstream.RawURL())
	if err != nil {
		serviceUnavailable(w, fmt.Sprintf("endpoint %s is not available", endpoint))
		return
	}
	d := rp.Spec.Directives
	location := &url.URL{Scheme: endpoint.Scheme, Host: endpoint.Host, Path: req.URL.Path, RawQuery: req.URL.Query().Encode()}
	newReq := req.WithContext(req.Context())
	newReq.Header = utilnet.CloneHeader(req.Header)
	newReq.URL = location
	newReq.Host = location.Host
	if d.Method != "" {
		newReq.Method = d.Method
	}
	if d.StripPathPrefix != "" {
		location.Path = strings.TrimPrefix(location.Path, d.StripPathPrefix)
	}
	if d.StripPathSuffix != "" {
		location.Path = strings.TrimSuffix(location.Path, d.StripPathSuffix)
	}
	applyHeaderDirectives(newReq.Header, d.HeaderUp)
	if len(d.Rewrite) > 0 || len(d.Replace) > 0 || len(d.PathRegexp) > 0 {
		// pkg/utils/directives is not reproduced here (README: not served).
		serviceUnavailable(w, "rewrite, replace and pathRegexp directives are not supported by the lab gateway")
		return
	}

	var rt http.RoundTripper
	if cached, ok := s.roundTrippers.Load(rp.Name); ok {
		rt = cached.(http.RoundTripper)
	} else {
		tlsConfig := transport.TLSConfig{Insecure: rp.Spec.Upstream.InsecureSkipVerify}
		if !rp.Spec.Upstream.InsecureSkipVerify && len(rp.Spec.Upstream.CABundle) > 0 {
			// caBundle is []byte (base64 in JSON) and is base64-decoded a second time here.
			caData, err := base64.StdEncoding.DecodeString(string(rp.Spec.Upstream.CABundle))
			if err != nil {
				serviceUnavailable(w, fmt.Sprintf("failed to decode CA bundle from upstream %s", rp.Name))
				return
			}
			tlsConfig.CAData = caData
		}
		created, err := transport.New(&transport.Config{TLS: tlsConfig, WrapTransport: func(base http.RoundTripper) http.RoundTripper {
			return &http.Transport{
				DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
				ForceAttemptHTTP2:     true,
				MaxIdleConnsPerHost:   100,
				IdleConnTimeout:       90 * time.Second,
				TLSHandshakeTimeout:   10 * time.Second,
				ExpectContinueTimeout: 1 * time.Second,
				TLSClientConfig:       base.(*http.Transport).TLSClientConfig,
			}
		}})
		if err != nil {
			serviceUnavailable(w, "failed to create transport.TLSConfig")
			return
		}
		rt = created
		s.roundTrippers.Store(rp.Name, created)
	}
	if d.AuthProxy {
		u, _ := userFrom(req.Context())
		rt = transport.NewAuthProxyRoundTripper(u.GetName(), u.GetGroups(), u.GetExtra(), rt)
	}
	h := proxy.NewUpgradeAwareHandler(location, rt, false, httpstream.IsUpgradeRequest(req), responder{})
	h.WrapTransport = d.WrapTransport
	if len(d.HeaderDown) > 0 {
		w = &headerDownWriter{ResponseWriter: w, directives: d.HeaderDown}
	}
	h.ServeHTTP(w, newReq)
}

// applyHeaderDirectives: "-Name" removes (a trailing * removes every header whose name ends with the rest, as
// KubeSphere's removeHeader checks HasSuffix), "+Name value" adds, "Name value" sets.
func applyHeaderDirectives(h http.Header, directives []string) {
	for _, d := range directives {
		switch {
		case strings.HasPrefix(d, "-"):
			key := strings.TrimPrefix(d, "-")
			if strings.HasSuffix(key, "*") {
				prefix := strings.TrimSuffix(key, "*")
				for k := range h {
					if strings.HasSuffix(k, prefix) {
						h.Del(k)
					}
				}
			} else {
				h.Del(key)
			}
		case strings.HasPrefix(d, "+"):
			setHeader(h, strings.TrimPrefix(d, "+"), false)
		default:
			setHeader(h, d, true)
		}
	}
}

func setHeader(h http.Header, keyValue string, replace bool) {
	kv := strings.SplitN(keyValue, " ", 2)
	if len(kv) != 2 {
		return
	}
	value := kv[1]
	if strings.HasPrefix(value, "\"") && strings.HasSuffix(value, "\"") {
		value = strings.TrimSuffix(strings.TrimPrefix(value, "\""), "\"")
	}
	if replace {
		h.Set(kv[0], value)
	} else {
		h.Add(kv[0], value)
	}
}

type headerDownWriter struct {
	http.ResponseWriter
	wroteHeader bool
	directives  []string
}

func (w *headerDownWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	applyHeaderDirectives(w.Header(), w.directives)
	w.ResponseWriter.WriteHeader(status)
}

func (w *headerDownWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// ---- filters/multicluster.go ----

const proxyURLFormat = "/api/v1/namespaces/kubesphere-system/services/:ks-apiserver:/proxy%s"

// clusterClient is what utils/clusterclient gives the dispatcher for a member cluster.
type clusterClient struct {
	KubernetesURL *url.URL
	KubeSphereURL *url.URL
	Transport     http.RoundTripper
}

type multiclusterDispatcher struct {
	next            http.Handler
	store           *Store
	hostClusterName string
	// clientFor builds a member cluster's client from its spec.connection (clusterclient.go newClusterClient).
	clientFor func(c *Cluster) (*clusterClient, error)
}

func withMulticluster(next http.Handler, store *Store, hostClusterName string) http.Handler {
	return &multiclusterDispatcher{next: next, store: store, hostClusterName: hostClusterName, clientFor: memberClient}
}

func memberClient(c *Cluster) (*clusterClient, error) {
	cfg, err := clientcmd.RESTConfigFromKubeConfig(c.Spec.Connection.KubeConfig)
	if err != nil {
		return nil, err
	}
	tr, err := rest.TransportFor(cfg)
	if err != nil {
		return nil, err
	}
	out := &clusterClient{Transport: tr}
	apiEndpoint := c.Spec.Connection.KubernetesAPIEndpoint
	if apiEndpoint == "" {
		apiEndpoint = cfg.Host
	}
	if out.KubernetesURL, err = url.Parse(apiEndpoint); err != nil {
		return nil, err
	}
	if c.Spec.Connection.KubeSphereAPIEndpoint != "" {
		if out.KubeSphereURL, err = url.Parse(c.Spec.Connection.KubeSphereAPIEndpoint); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (m *multiclusterDispatcher) resolve(name string) (*Cluster, error) {
	c, err := getAs[Cluster](m.store, gvrCluster, "", name)
	if apierrors.IsNotFound(err) && name == "host" && m.hostClusterName != "" {
		// "Ensure compatibility with hardcoded host cluster name"
		return getAs[Cluster](m.store, gvrCluster, "", m.hostClusterName)
	}
	return c, err
}

func (m *multiclusterDispatcher) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	info, ok := requestInfoFrom(req.Context())
	if !ok {
		internalError(w, req, apierrors.NewInternalError(errors.New("no RequestInfo found in the context")))
		return
	}
	if info.Cluster == "" {
		m.next.ServeHTTP(w, req)
		return
	}
	cluster, err := m.resolve(info.Cluster)
	if err != nil {
		if apierrors.IsNotFound(err) {
			writeRawJSON(w, http.StatusBadRequest, apierrors.NewBadRequest(fmt.Sprintf("cluster %s not exists", info.Cluster)))
		} else {
			internalError(w, req, err)
		}
		return
	}
	prefix := fmt.Sprintf("/clusters/%s", info.Cluster)
	if cluster.isHost() {
		req.URL.Path = strings.Replace(req.URL.Path, prefix, "", 1)
		m.next.ServeHTTP(w, req)
		return
	}
	if !cluster.isReady() {
		writeRawJSON(w, http.StatusServiceUnavailable, apierrors.NewServiceUnavailable(fmt.Sprintf("cluster %s is not ready", cluster.Name)))
		return
	}
	cc, err := m.clientFor(cluster)
	if err != nil {
		writeRawJSON(w, http.StatusServiceUnavailable, apierrors.NewServiceUnavailable(err.Error()))
		return
	}
	location := &url.URL{Path: strings.Replace(req.URL.Path, prefix, "", 1), RawQuery: req.URL.Query().Encode()}
	newReq := req.WithContext(req.Context())
	newReq.Header = utilnet.CloneHeader(req.Header)
	newReq.URL = location
	var tr http.RoundTripper
	if cluster.Spec.Connection.Type == "direct" && cluster.Spec.Connection.KubeSphereAPIEndpoint == "" {
		// Through the member's kube-apiserver service proxy; it strips Authorization, so the token travels in
		// X-KubeSphere-Authorization and the member's requestinfo filter puts it back.
		location.Scheme, location.Host = cc.KubernetesURL.Scheme, cc.KubernetesURL.Host
		location.Path = fmt.Sprintf(proxyURLFormat, location.Path)
		tr = cc.Transport
		newReq.Header.Set("X-KubeSphere-Authorization", req.Header.Get("Authorization"))
		newReq.Header.Del("Authorization")
		if len(newReq.URL.Query()["dryRun"]) != 0 {
			newReq.URL.RawQuery = strings.Replace(req.URL.RawQuery, "dryRun", "dryrun", 1)
		}
		if httpstream.IsUpgradeRequest(req) && req.URL.RawQuery != "" {
			newReq.Header.Set("X-KubeSphere-Rawquery", req.URL.RawQuery)
		}
	} else {
		if cc.KubeSphereURL == nil {
			writeRawJSON(w, http.StatusServiceUnavailable, apierrors.NewServiceUnavailable(fmt.Sprintf("cluster %s has no kubesphereAPIEndpoint", cluster.Name)))
			return
		}
		location.Scheme, location.Host = cc.KubeSphereURL.Scheme, cc.KubeSphereURL.Host
		tr = http.DefaultTransport
	}
	newReq.Host = location.Host
	upgrade := httpstream.IsUpgradeRequest(req)
	h := proxy.NewUpgradeAwareHandler(location, &statusCodeChangeTransport{tr}, true, upgrade, responder{})
	h.UpgradeTransport = proxy.NewUpgradeRequestRoundTripper(tr, tr)
	h.ServeHTTP(w, newReq)
}

// statusCodeChangeTransport turns a member's 401 into 511 (multicluster.go).
type statusCodeChangeTransport struct{ http.RoundTripper }

func (rt *statusCodeChangeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.RoundTripper.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		_, _ = io.ReadAll(resp.Body)
		data, _ := json.Marshal(metav1.Status{
			TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
			Status:   metav1.StatusFailure,
			Message:  "The request could not be authenticated due to a system issue.",
			Reason:   metav1.StatusReason(http.StatusText(http.StatusNetworkAuthenticationRequired)),
			Code:     http.StatusNetworkAuthenticationRequired,
		})
		*resp = http.Response{
			StatusCode: http.StatusNetworkAuthenticationRequired, ContentLength: int64(len(data)),
			Status: fmt.Sprintf("%d %s", http.StatusNetworkAuthenticationRequired, http.StatusText(http.StatusNetworkAuthenticationRequired)),
			Body:   io.NopCloser(bytes.NewReader(data)), Header: map[string][]string{"Content-Type": {"application/json"}},
		}
	}
	return resp, nil
}
