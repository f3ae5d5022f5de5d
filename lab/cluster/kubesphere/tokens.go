package kubesphere

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"k8s.io/apiserver/pkg/authentication/user"
)

// Token types of pkg/apiserver/authentication/token/issuer.go.
const (
	accessToken  = "access_token"
	refreshToken = "refresh_token"
	staticToken  = "static_token"
)

// claims are issuer.go's Claims (the fields the password and refresh grants fill).
type claims struct {
	jwt.RegisteredClaims
	TokenType string              `json:"token_type,omitempty"`
	Username  string              `json:"username,omitempty"`
	Extra     map[string][]string `json:"extra,omitempty"`
}

// tokenIssuer is issuer.go's HS256 issuer plus pkg/models/auth/token.go's token operator with ks-apiserver's
// in-memory cache (the cache used when no Redis is configured, as in kubesphere-config here): a token is valid
// only while its key is in the cache, so logout revokes it and a gateway restart ends every session, as a
// restart of a single ks-apiserver without Redis does.
type tokenIssuer struct {
	secret           []byte
	url              string
	maximumClockSkew time.Duration
	accessMaxAge     time.Duration
	now              func() time.Time

	mu    sync.Mutex
	cache map[string]time.Time // "kubesphere:user:<name>:token:<token>" → expiry
}

func newTokenIssuer(opts issuerOptions) *tokenIssuer {
	return &tokenIssuer{
		secret: []byte(opts.JWTSecret), url: opts.URL, maximumClockSkew: opts.MaximumClockSkew.Duration,
		accessMaxAge: opts.AccessTokenMaxAge.Duration, now: time.Now, cache: map[string]time.Time{},
	}
}

func cacheKey(username, token string) string {
	return fmt.Sprintf("kubesphere:user:%s:token:%s", username, token)
}

// IssueTo signs an HS256 token and caches it for its lifetime (token.go IssueTo).
func (t *tokenIssuer) IssueTo(u user.Info, tokenType string, expiresIn time.Duration) (string, error) {
	issueAt := t.now()
	c := claims{
		Username:  u.GetName(),
		Extra:     u.GetExtra(),
		TokenType: tokenType,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt: jwt.NewNumericDate(issueAt),
			Subject:  u.GetName(),
			Issuer:   t.url,
		},
	}
	if expiresIn > 0 {
		c.ExpiresAt = jwt.NewNumericDate(issueAt.Add(expiresIn))
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", err
	}
	if expiresIn > 0 {
		t.mu.Lock()
		t.cache[cacheKey(u.GetName(), signed)] = issueAt.Add(expiresIn)
		t.mu.Unlock()
	}
	return signed, nil
}

// Verify is issuer.go Verify followed by token.go's cache check.
func (t *tokenIssuer) Verify(token string) (*user.DefaultInfo, *claims, error) {
	parser := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg(), jwt.SigningMethodRS256.Alg()}), jwt.WithoutClaimsValidation())
	var c claims
	if _, err := parser.ParseWithClaims(token, &c, func(tok *jwt.Token) (interface{}, error) {
		if alg, _ := tok.Header["alg"].(string); alg == jwt.SigningMethodHS256.Alg() {
			return t.secret, nil
		}
		// RS256 ID tokens are signed with the issuer's RSA key, which this gateway does not have (no OIDC).
		return nil, fmt.Errorf("unexpect signature algorithm %v", tok.Header["alg"])
	}); err != nil {
		return nil, nil, err
	}
	now := t.now()
	if !c.VerifyExpiresAt(now, false) {
		return nil, nil, fmt.Errorf("jwt: token is expired by %v", now.Sub(c.ExpiresAt.Time))
	}
	if !c.VerifyIssuedAt(now.Add(t.maximumClockSkew), false) {
		return nil, nil, fmt.Errorf("jwt: token used before issued, iat:%v, now:%v", c.IssuedAt, now)
	}
	info := &user.DefaultInfo{Name: c.Username, Extra: c.Extra}
	if t.accessMaxAge == 0 || c.TokenType == staticToken {
		return info, &c, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	expiry, ok := t.cache[cacheKey(c.Username, token)]
	if !ok || !now.Before(expiry) {
		delete(t.cache, cacheKey(c.Username, token))
		return nil, nil, errors.New("token not found in cache")
	}
	return info, &c, nil
}

// Revoke drops a token from the cache (token.go Revoke, the pattern kubesphere:user:*:token:<token>).
func (t *tokenIssuer) Revoke(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key := range t.cache {
		if strings.HasSuffix(key, ":token:"+token) {
			delete(t.cache, key)
		}
	}
}

// RevokeAllUserTokens is what multipleLogin: false does before issuing.
func (t *tokenIssuer) RevokeAllUserTokens(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key := range t.cache {
		if strings.HasPrefix(key, "kubesphere:user:"+username+":token:") {
			delete(t.cache, key)
		}
	}
}
