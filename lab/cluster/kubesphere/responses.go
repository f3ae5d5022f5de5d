package kubesphere

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/klog/v2"
)

// The response writers ks-apiserver uses, from the same k8s.io/apiserver package, so bodies are byte for byte theirs.

var negotiated = serializer.NewCodecFactory(runtime.NewScheme()).WithoutConversion()

func internalError(w http.ResponseWriter, req *http.Request, err error) {
	responsewriters.InternalError(w, req, err)
}

func writeRawJSON(w http.ResponseWriter, code int, obj interface{}) {
	responsewriters.WriteRawJSON(code, obj, w)
}

func writeJSON(w http.ResponseWriter, code int, obj interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ") // go-restful's WriteEntity/WriteAsJson indent with one space (PrettyPrintResponses)
	_ = enc.Encode(obj)
}

// errorNegotiated is what the authentication filter answers (a Status in the request's group/version).
func errorNegotiated(w http.ResponseWriter, req *http.Request, err error, gv schema.GroupVersion) {
	responsewriters.ErrorNegotiated(err, negotiated, gv, w, req)
}

var htmlSanitizer = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;")

// handleError is pkg/api/utils.go handle(): plain text via http.Error, HTML-sanitized.
func handleError(w http.ResponseWriter, code int, err error) {
	klog.V(4).Infof("%d %v", code, err)
	http.Error(w, htmlSanitizer.Replace(err.Error()), code)
}

// handleAPIError is pkg/api/utils.go HandleError: the status code of an API status error, else 500.
func handleAPIError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code = int(status.Status().Code)
	}
	handleError(w, code, err)
}

// listResult is pkg/api ListResult.
type listResult struct {
	Items      []interface{} `json:"items"`
	TotalItems int           `json:"totalItems"`
}

// errorsNone is pkg/server/errors None, what delete and logout routes answer.
var errorsNone = map[string]string{"message": "success"}

func statusOf(code int32, reason metav1.StatusReason, message string) *metav1.Status {
	return &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusFailure, Code: code, Reason: reason, Message: message}
}
