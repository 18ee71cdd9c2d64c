package main

import (
	"context"
	"time"
)

// runMaskinportenToken: fellesklient maskinporten token.
func runMaskinportenToken(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient maskinporten token")
	var tf tokenFlags
	tf.register(fs, "")
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
	tok, err := c.Fetch(ctx, tf.request())
	if err != nil {
		return serviceErr(err)
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
