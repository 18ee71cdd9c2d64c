// Package maskinporten gets access tokens from Maskinporten, Digdir's OAuth 2.0 service for
// machine-to-machine access to Norwegian public APIs, with the JWT-bearer grant (RFC 7523).
//
// # Quick start
//
//	key, err := maskinporten.ParseKey(pemOrJWKOrP12, p12Password)
//	key.KeyID = "my-registered-kid" // or keep the .p12's certificate chain for x5c
//	client, err := maskinporten.New(maskinporten.Options{
//		Environment: maskinporten.Test,
//		ClientID:    "0f6a...",
//		Key:         key,
//	})
//	tokens, err := client.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
//	httpClient := &http.Client{Transport: &auth.Transport{Source: tokens}}
//
// # What the client does for you
//
//   - The grant is built exactly as Maskinporten checks it: aud is the issuer from the
//     metadata document byte for byte, iss the client id, exp − iat ≤ 120 s, a fresh jti
//     for every grant (so a retry is never refused as reused, MP-012), and no claim that
//     Maskinporten does not document.
//   - kid (registered key) or x5c (virksomhetssertifikat chain), or both for a registered certificate. Keys come from
//     PEM, JWK/JWKS, PKCS#12 or any [crypto.Signer], so HSM and cloud KMS keys never leave
//     their device.
//   - Metadata discovery (/.well-known/oauth-authorization-server) is cached for an hour; a
//     failure is remembered for 30 s and Prod and Test fall back to their documented
//     endpoints, so a discovery outage never blocks each token request.
//   - [Client.TokenSource] caches one token per request shape (scopes, resource,
//     consumer_org, pid, system user) with [auth.Cache]: one fetch for any number of
//     concurrent callers, early refresh in the background, and an outage of Maskinporten
//     while the cached token is still valid costs the caller nothing.
//   - Token requests are retried on transport errors, 429 (Retry-After honoured) and 5xx.
//
// # Errors
//
// Bad configuration or request input is a [*ValidationError], returned before anything is
// sent. An answer from Maskinporten is an [*Error] with the OAuth error code, the MP code
// and the trace id to quote to Digdir:
//
//	var mpErr *maskinporten.Error
//	switch {
//	case errors.As(err, &mpErr) && mpErr.ClockAhead():
//		// fix the clock (NTP)
//	case errors.Is(err, maskinporten.ErrInvalidScope):
//		// the scope is not registered on the client
//	case errors.Is(err, maskinporten.ErrPassword):
//		// wrong .p12 password
//	}
//
// Tokens, grants, passwords, keys and pid never appear in an error or a log line.
//
// # Testing
//
// Package [maskinportentest] is an in-process fake with Maskinporten's rules and error
// codes. Point Options at it with [maskinportentest.Server.NewClient].
//
// # Glossary
//
//   - virksomhetssertifikat: an enterprise certificate (X.509, from Buypass or Commfides)
//     that identifies an organisation; sent as x5c.
//   - organisasjonsnummer: the 9-digit organisation number from Enhetsregisteret.
//   - consumer / supplier (konsument / leverandør): the organisation the data is for, and
//     the vendor acting for it through an Altinn delegation (consumer_org).
//   - systembruker: an Altinn system user, requested with authorization_details.
package maskinporten
