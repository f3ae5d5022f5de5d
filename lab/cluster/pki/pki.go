// Package pki makes the lab cluster's certificates the way kubeadm lays them out: one CA signs the API
// server's serving certificate and every client identity (Kubernetes maps a client certificate's CN to the
// user and its O to groups). Material is kept across restarts and remade only when missing or expiring.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Identity is one client certificate and the kubeconfig that uses it.
type Identity struct {
	// File stem: <stem>.crt, <stem>.key, <stem>.kubeconfig.
	Stem   string
	User   string
	Groups []string
}

// Options say what to make.
type Options struct {
	Dir    string
	Server string
	// Extra IPs and names for the API server's serving certificate.
	IPs   []net.IP
	Names []string
	Nodes []string
}

const validity = 365 * 24 * time.Hour

// Identities the control plane uses. The KubeSphere gateway talks to kube-apiserver with its own identity,
// as ks-apiserver does with its ServiceAccount (bound to cluster-admin by the lab's ks-core chart).
func identities(nodes []string) []Identity {
	ids := []Identity{
		{Stem: "admin", User: "lab-admin", Groups: []string{"system:masters"}},
		{Stem: "controller-manager", User: "system:kube-controller-manager"},
		{Stem: "scheduler", User: "system:kube-scheduler"},
		{Stem: "apiserver-kubelet-client", User: "kube-apiserver-kubelet-client", Groups: []string{"system:masters"}},
		{Stem: "kubesphere", User: "kubesphere"},
	}
	for _, node := range nodes {
		ids = append(ids, Identity{Stem: "node-" + strings.TrimPrefix(node, "node-"), User: "system:node:" + node, Groups: []string{"system:nodes"}})
	}
	return ids
}

// NodeStem is the file stem of a node's identity.
func NodeStem(node string) string { return "node-" + strings.TrimPrefix(node, "node-") }

// Ensure makes whatever is missing or expiring in opts.Dir.
func Ensure(opts Options) error {
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return err
	}
	caCert, caKey, err := ensureCA(opts.Dir)
	if err != nil {
		return err
	}
	if err := ensureServiceAccountKey(opts.Dir); err != nil {
		return err
	}
	ips := append([]net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")}, opts.IPs...)
	names := append([]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}, opts.Names...)
	serving := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		DNSNames:    names,
		IPAddresses: ips,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if err := ensureLeaf(opts.Dir, "apiserver", serving, caCert, caKey); err != nil {
		return err
	}
	for _, id := range identities(opts.Nodes) {
		client := &x509.Certificate{
			Subject:     pkix.Name{CommonName: id.User, Organization: id.Groups},
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		if err := ensureLeaf(opts.Dir, id.Stem, client, caCert, caKey); err != nil {
			return err
		}
		if err := writeKubeconfig(opts.Dir, id, opts.Server); err != nil {
			return err
		}
	}
	return nil
}

func ensureCA(dir string) (*x509.Certificate, crypto.Signer, error) {
	certPath, keyPath := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if cert, key, err := load(certPath, keyPath); err == nil && time.Until(cert.NotAfter) > 30*24*time.Hour {
		return cert, key, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "harbor-connect-lab-kubernetes-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	// A new CA invalidates every leaf signed by the old one.
	matches, _ := filepath.Glob(filepath.Join(dir, "*.crt"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
	if err := writeKeyPair(certPath, keyPath, der, key); err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func ensureServiceAccountKey(dir string) error {
	keyPath, pubPath := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if _, err := os.Stat(keyPath); err == nil {
		if _, err := os.Stat(pubPath); err == nil {
			return nil
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return err
	}
	if err := writePEM(keyPath, "EC PRIVATE KEY", keyDER, 0o600); err != nil {
		return err
	}
	return writePEM(pubPath, "PUBLIC KEY", pubDER, 0o644)
}

func ensureLeaf(dir, stem string, template *x509.Certificate, ca *x509.Certificate, caKey crypto.Signer) error {
	certPath, keyPath := filepath.Join(dir, stem+".crt"), filepath.Join(dir, stem+".key")
	if cert, _, err := load(certPath, keyPath); err == nil && time.Until(cert.NotAfter) > 7*24*time.Hour && sameNames(cert, template) {
		if err := cert.CheckSignatureFrom(ca); err == nil {
			return nil
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template.SerialNumber = serial()
	template.NotBefore = time.Now().Add(-time.Hour)
	template.NotAfter = time.Now().Add(validity)
	der, err := x509.CreateCertificate(rand.Reader, template, ca, key.Public(), caKey)
	if err != nil {
		return err
	}
	return writeKeyPair(certPath, keyPath, der, key)
}

func sameNames(cert, template *x509.Certificate) bool {
	if cert.Subject.CommonName != template.Subject.CommonName || strings.Join(cert.Subject.Organization, ",") != strings.Join(template.Subject.Organization, ",") {
		return false
	}
	if strings.Join(cert.DNSNames, ",") != strings.Join(template.DNSNames, ",") || len(cert.IPAddresses) != len(template.IPAddresses) {
		return false
	}
	for i := range cert.IPAddresses {
		if !cert.IPAddresses[i].Equal(template.IPAddresses[i]) {
			return false
		}
	}
	return true
}

func writeKubeconfig(dir string, id Identity, server string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: %s
  user:
    client-certificate: %s
    client-key: %s
contexts:
- name: lab
  context:
    cluster: lab
    user: %s
current-context: lab
`, server, filepath.Join(abs, "ca.crt"), id.User, filepath.Join(abs, id.Stem+".crt"), filepath.Join(abs, id.Stem+".key"), id.User)
	return writeAtomic(filepath.Join(dir, id.Stem+".kubeconfig"), []byte(config), 0o600)
}

func load(certPath, keyPath string) (*x509.Certificate, crypto.Signer, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	certBlock, _ := pem.Decode(certPEM)
	keyBlock, _ := pem.Decode(keyPEM)
	if certBlock == nil || keyBlock == nil {
		return nil, nil, errors.New("not PEM")
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func writeKeyPair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	// Key first: a certificate on disk always has its key.
	if err := writePEM(keyPath, "EC PRIVATE KEY", keyDER, 0o600); err != nil {
		return err
	}
	return writePEM(certPath, "CERTIFICATE", der, 0o644)
}

func writePEM(path, kind string, der []byte, mode os.FileMode) error {
	return writeAtomic(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), mode)
}

func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// NewCommand is `labcluster pki`.
func NewCommand() *cobra.Command {
	var opts Options
	var ips, nodes []string
	cmd := &cobra.Command{
		Use:   "pki",
		Short: "make the lab cluster's CA, certificates and kubeconfigs (idempotent)",
		RunE: func(*cobra.Command, []string) error {
			for _, raw := range ips {
				ip := net.ParseIP(raw)
				if ip == nil {
					return fmt.Errorf("--ip %q is not an IP address", raw)
				}
				opts.IPs = append(opts.IPs, ip)
			}
			opts.Nodes = nodes
			return Ensure(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "where the material lives")
	cmd.Flags().StringVar(&opts.Server, "server", "https://127.0.0.1:6443", "the API server URL kubeconfigs point at")
	cmd.Flags().StringSliceVar(&ips, "ip", nil, "extra IPs for the API server certificate")
	cmd.Flags().StringSliceVar(&opts.Names, "name", nil, "extra DNS names for the API server certificate")
	cmd.Flags().StringSliceVar(&nodes, "node", nil, "node names to make identities for")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}
