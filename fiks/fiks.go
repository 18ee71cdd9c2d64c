// Package fiks holds what every KS FIKS client shares: the environments, the three
// credentials every call needs, and the FIKS error body.
//
// Every FIKS call carries a Maskinporten token with scope ks:fiks (who you are), and a
// Fiks-integrasjon id and password (which organisation you work for). [Credentials] holds
// all three; the service clients (svarut, folkeregister, ...) send them.
//
// # Errors
//
//	var fe *fiks.Error
//	switch {
//	case errors.Is(err, fiks.ErrTokenRejected):       // the Maskinporten token: expired, wrong scope
//	case errors.Is(err, fiks.ErrIntegrasjonRejected): // the integrasjon id/password or its organisation
//	case errors.Is(err, fiks.ErrForbidden):           // authenticated, but the integrasjon lacks the privilege
//	case errors.As(err, &fe):
//		log.Print(fe.ErrorID) // quote it to KS support
//	}
//
// # Glossary
//
//   - integrasjon: a Fiks integration set up by the municipality in Fiks forvaltning; its
//     id and password say which organisation a call is made for, its privileges what it may do.
//   - konto: a SvarUt sending account. rolle: a Folkeregister access role.
package fiks

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// Scope is the Maskinporten scope every FIKS API requires.
const Scope = "ks:fiks"

// Environment is a FIKS environment: Prod or Test.
type Environment string

const (
	// Prod is the production platform (api.fiks.ks.no).
	Prod Environment = "prod"
	// Test is the test platform (api.fiks.test.ks.no).
	Test Environment = "test"
)

// Endpoints are the hosts of one environment.
type Endpoints struct {
	// API is the base URL of the FIKS REST APIs (Folkeregister, FIKS IO katalog, Min side, ...).
	API string
	// SvarUt is the base URL of SvarUt and SvarInn.
	SvarUt string
	// FiksIOAMQP is the FIKS IO AMQP broker (TLS), host:port.
	FiksIOAMQP string
}

// Endpoints returns the hosts of e. Service clients take a BaseURL that overrides them
// (fakes, proxies).
func (e Environment) Endpoints() (Endpoints, error) {
	switch e {
	case Prod:
		return Endpoints{API: "https://api.fiks.ks.no", SvarUt: "https://svarut.ks.no", FiksIOAMQP: "io.fiks.ks.no:5671"}, nil
	case Test:
		return Endpoints{API: "https://api.fiks.test.ks.no", SvarUt: "https://svarut.fiks.test.ks.no", FiksIOAMQP: "io.fiks.test.ks.no:5671"}, nil
	}
	return Endpoints{}, fmt.Errorf("fiks: unknown environment %q (use fiks.Prod or fiks.Test)", string(e))
}

// Credentials are the three things every FIKS call needs.
type Credentials struct {
	// Token gives Maskinporten tokens with scope ks:fiks (or ID-porten tokens for calls on
	// behalf of a person).
	Token auth.TokenSource
	// IntegrasjonID is the Fiks-integrasjon's id (a UUID).
	IntegrasjonID string
	// IntegrasjonPassord is the Fiks-integrasjon's password. An [auth.Secret]: it never
	// prints, logs or marshals.
	IntegrasjonPassord auth.Secret
}

// Validate reports a missing part.
func (c Credentials) Validate() error {
	switch {
	case c.Token == nil:
		return errors.New("fiks: Credentials.Token is required (a Maskinporten token source with scope ks:fiks)")
	case c.IntegrasjonID == "":
		return errors.New("fiks: Credentials.IntegrasjonID is required")
	case c.IntegrasjonPassord == "":
		return errors.New("fiks: Credentials.IntegrasjonPassord is required")
	}
	return nil
}

// String shows the integrasjon id, never the password.
func (c Credentials) String() string {
	return fmt.Sprintf("fiks.Credentials{IntegrasjonID: %q, IntegrasjonPassord: [redacted]}", c.IntegrasjonID)
}

// GoString is like String.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb, so that %+v and %#v of a struct holding
// Credentials do not reach the token source's internals either.
func (c Credentials) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer: the integrasjon id only.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("integrasjonId", c.IntegrasjonID), slog.String("integrasjonPassord", c.IntegrasjonPassord.String()))
}

// MarshalJSON writes the integrasjon id only, for loggers that marshal what they get.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"integrasjonId": c.IntegrasjonID, "integrasjonPassord": c.IntegrasjonPassord.String()})
}

// Header returns the integration headers (IntegrasjonId, IntegrasjonPassord) for the
// clients of this module. It holds the password: never log it.
func (c Credentials) Header() http.Header {
	return http.Header{"Integrasjonid": {c.IntegrasjonID}, "Integrasjonpassord": {string(c.IntegrasjonPassord)}}
}

// ResolveBaseURL returns the base URL a service client uses: override when set (it must
// be https, or http on loopback for fakes), otherwise service's host in env's Endpoints.
func ResolveBaseURL(env Environment, override string, service func(Endpoints) string) (string, error) {
	if override != "" {
		if err := httpx.CheckEndpointURL(override); err != nil {
			return "", fmt.Errorf("fiks: BaseURL: %w", err)
		}
		return strings.TrimSuffix(override, "/"), nil
	}
	if env == "" {
		return "", errors.New("fiks: an Environment (fiks.Prod or fiks.Test) or a BaseURL is required")
	}
	ep, err := env.Endpoints()
	if err != nil {
		return "", err
	}
	return service(ep), nil
}
