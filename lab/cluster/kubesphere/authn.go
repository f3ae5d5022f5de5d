package kubesphere

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/request/union"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/klog/v2"
)

// Errors of pkg/models/auth (their texts are what the oauth handler maps to OAuth errors).
var (
	errIncorrectPassword  = errors.New("incorrect password")
	errAccountIsNotActive = errors.New("account is not active")
	errRateLimitExceeded  = errors.New("auth rate limit exceeded")
)

// passwordAuthenticator is pkg/models/auth/password.go authByKubeSphere (no third-party identity providers here).
type passwordAuthenticator struct{ store *Store }

func (p *passwordAuthenticator) Authenticate(username, password string) (user.Info, error) {
	if username == "" || password == "" {
		return nil, errIncorrectPassword
	}
	u, err := p.find(username)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errIncorrectPassword
	}
	switch u.Status.State {
	case userAuthLimitExceeded:
		return nil, errRateLimitExceeded
	case userActive:
	default:
		return nil, errAccountIsNotActive
	}
	if u.Spec.EncryptedPassword == "" || bcrypt.CompareHashAndPassword([]byte(u.Spec.EncryptedPassword), []byte(password)) != nil {
		return nil, errIncorrectPassword
	}
	info := &user.DefaultInfo{Name: u.Name, Groups: u.Spec.Groups}
	if v := u.Annotations[annotationUninitialized]; v != "" {
		info.Extra = map[string][]string{"iam.kubesphere.io/uninitialized": {v}}
	}
	return info, nil
}

// find is pkg/models/auth userMapper.Find: by name, or by email when the login contains "@".
func (p *passwordAuthenticator) find(username string) (*User, error) {
	if strings.Contains(username, "@") {
		users, err := listAs[User](p.store, gvrUser, "", nil)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Spec.Email == username {
				return u, nil
			}
		}
		return nil, nil
	}
	u, err := getAs[User](p.store, gvrUser, "", username)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return u, err
}

// anonymousAuthenticator is request/anonymous: a request without Authorization is system:anonymous.
type anonymousAuthenticator struct{}

func (anonymousAuthenticator) AuthenticateRequest(req *http.Request) (*authenticator.Response, bool, error) {
	if strings.TrimSpace(req.Header.Get("Authorization")) == "" {
		return &authenticator.Response{User: &user.DefaultInfo{Name: user.Anonymous, Groups: []string{user.AllUnauthenticated}}}, true, nil
	}
	return nil, false, nil
}

// basicAuthenticator is request/basictoken over authenticators/basic: HTTP Basic through the password
// authenticator. (ks-apiserver also writes a LoginRecord; the gateway keeps no login history.)
type basicAuthenticator struct{ passwords *passwordAuthenticator }

func (b basicAuthenticator) AuthenticateRequest(req *http.Request) (*authenticator.Response, bool, error) {
	username, password, ok := req.BasicAuth()
	if !ok {
		return nil, false, nil
	}
	info, err := b.passwords.Authenticate(username, password)
	if err != nil {
		return nil, false, err
	}
	return &authenticator.Response{User: &user.DefaultInfo{Name: info.GetName(), Groups: append(info.GetGroups(), user.AllAuthenticated)}}, true, nil
}

// jwtAuthenticator is authenticators/jwt/jwt.go: a verified token; on the host cluster the User must exist in the
// cache and not be Disabled. The user's groups are only system:authenticated (as jwt.go, "TODO ... GroupBinding").
type jwtAuthenticator struct {
	tokens      *tokenIssuer
	store       *Store
	clusterRole string
}

func (j jwtAuthenticator) AuthenticateToken(_ context.Context, token string) (*authenticator.Response, bool, error) {
	verified, _, err := j.tokens.Verify(token)
	if err != nil {
		klog.V(4).Infof("token verification failed: %v", err)
		return nil, false, err
	}
	if strings.HasPrefix(verified.Name, "system:serviceaccount:") || verified.Name == preRegistrationUser {
		// KubeSphere's own service accounts (kubesphere.io ServiceAccount) are not served by this gateway.
		return &authenticator.Response{User: verified}, true, nil
	}
	if j.clusterRole == "host" {
		u, err := getAs[User](j.store, gvrUser, "", verified.Name)
		if err != nil {
			return nil, false, err
		}
		if u.Status.State == userDisabled {
			return nil, false, errAccountIsNotActive
		}
	}
	return &authenticator.Response{User: &user.DefaultInfo{Name: verified.Name, Groups: []string{user.AllAuthenticated}}}, true, nil
}

func newAuthenticator(passwords *passwordAuthenticator, tokens *tokenIssuer, store *Store, clusterRole string) authenticator.Request {
	// "authenticators are unordered" (apiserver.go): a union of anonymous, basic and bearer.
	return union.New(anonymousAuthenticator{}, basicAuthenticator{passwords},
		bearerAuthenticator{jwtAuthenticator{tokens: tokens, store: store, clusterRole: clusterRole}})
}

// bearerAuthenticator is KubeSphere's request/bearertoken: k8s.io/apiserver's bearer token authenticator
// without its "remove the bearer token" step. The multicluster dispatcher forwards the user's Authorization
// to the member cluster's KubeSphere after authentication; Kubernetes' authenticator would have dropped it,
// and the member would see system:anonymous.
type bearerAuthenticator struct{ tokens authenticator.Token }

func (b bearerAuthenticator) AuthenticateRequest(req *http.Request) (*authenticator.Response, bool, error) {
	scheme, token, found := strings.Cut(strings.TrimSpace(req.Header.Get("Authorization")), " ")
	if !found || !strings.EqualFold(scheme, "bearer") || token == "" {
		return nil, false, nil
	}
	resp, ok, err := b.tokens.AuthenticateToken(req.Context(), token)
	if !ok && err == nil {
		err = errors.New("invalid bearer token")
	}
	return resp, ok, err
}

// withAuthentication is filters/authentication.go.
func withAuthentication(next http.Handler, authn authenticator.Request) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		resp, ok, err := authn.AuthenticateRequest(req)
		_, _, usingBasicAuth := req.BasicAuth()
		defer func() {
			if usingBasicAuth && ok {
				req.Header.Del("Authorization")
			}
		}()
		if err != nil || !ok {
			info, found := requestInfoFrom(req.Context())
			if !found {
				internalError(w, req, errors.New("no RequestInfo found in the context"))
				return
			}
			if err != nil {
				klog.Errorf("Request authentication failed: %v", err)
				err = apierrors.NewUnauthorized(err.Error())
			} else {
				err = apierrors.NewUnauthorized("The request cannot be authenticated.")
			}
			errorNegotiated(w, req, err, schema.GroupVersion{Group: info.APIGroup, Version: info.APIVersion})
			return
		}
		req = req.WithContext(withUser(req.Context(), resp.User))
		next.ServeHTTP(w, req)
	})
}
