package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/maskinporten"
)

// runMaskinportenToken: fellesklient maskinporten token.
func runMaskinportenToken(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient maskinporten token")
	var tf tokenFlags
	tf.register(fs, "")
	raw := fs.Bool("raw", false, "print only the access token (for export MASKINPORTEN_TOKEN=$(...))")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %v", fs.Args())
	}
	c, err := tf.client(e)
	if err != nil {
		return err
	}
	start := time.Now()
	var tok *auth.Token
	if tf.tokenCacheRedis != "" {
		// Shared with the other processes: a token one of them stored is reused.
		ts, err := c.TokenSource(tf.request())
		if err != nil {
			return noErr(err)
		}
		tok, err = ts.Token(ctx)
		if err != nil {
			return serviceErr(err)
		}
	} else if tok, err = c.Fetch(ctx, tf.request()); err != nil {
		return serviceErr(err)
	}
	if *raw {
		if _, err := fmt.Fprintln(e.stdout, tok.Value); err != nil {
			return ioErr(err)
		}
		return nil
	}
	out := struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in,omitempty"`
		Scope       string `json:"scope,omitempty"`
	}{AccessToken: tok.Value, TokenType: tok.TypeOrDefault(), Scope: tok.Scope}
	if !tok.Expiry.IsZero() {
		out.ExpiresIn = int64(tok.Expiry.Sub(start).Round(time.Second) / time.Second)
	}
	return writeJSON(e, out)
}

// runMaskinportenMetadata: fellesklient maskinporten metadata. It needs no credentials.
func runMaskinportenMetadata(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient maskinporten metadata")
	issuerFlag := fs.String("issuer", "test", "Maskinporten: test, prod or an issuer URL")
	var of outputFlags
	of.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	issuer, err := maskinporten.ParseEnvironment(*issuerFlag)
	if err != nil {
		return usageErr("--issuer: %v", err)
	}
	md, err := maskinporten.FetchMetadata(ctx, issuer, e.httpClient)
	if err != nil {
		return serviceErr(err)
	}
	if of.json {
		return writeJSON(e, md)
	}
	w := e.stdout
	fmt.Fprintf(w, "issuer:          %s\n", md.Issuer)
	fmt.Fprintf(w, "token endpoint:  %s\n", md.TokenEndpoint)
	fmt.Fprintf(w, "jwks:            %s\n", md.JWKSURI)
	fmt.Fprintf(w, "grant signing:   %s\n", strings.Join(md.TokenEndpointAuthSigningAlgValuesSupported, ", "))
	fmt.Fprintf(w, "authz details:   %s\n", strings.Join(md.AuthorizationDetailsTypesSupported, ", "))
	return nil
}
