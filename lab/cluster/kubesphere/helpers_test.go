package kubesphere

import (
	"encoding/pem"
	"net/http/httptest"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func metav1Duration(d time.Duration) metav1.Duration { return metav1.Duration{Duration: d} }

func metav1Time(t time.Time) metav1.Time { return metav1.NewTime(t) }

func certPEM(s *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}
