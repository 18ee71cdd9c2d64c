package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
)

// runKrypteringEncrypt: fellesklient kryptering encrypt --cert FILE [--cert FILE]... < in > out
// Writes DER/BER CMS (KS profile) on stdout, streaming.
func runKrypteringEncrypt(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient kryptering encrypt")
	var certs, legacy multiFlag
	fs.Var(&certs, "cert", "recipient certificate, PEM or DER (repeatable)")
	fs.Var(&legacy, "legacy-cert", "recipient that can only read RSA PKCS#1 v1.5 key transport (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(certs)+len(legacy) == 0 {
		return usageErr("at least one --cert is required")
	}
	load := func(files []string) ([]*x509.Certificate, error) {
		var out []*x509.Certificate
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, ioErr(fmt.Errorf("reading certificate: %w", err))
			}
			cs, err := kryptering.ParseCertificates(data)
			if err != nil {
				return nil, noErr(fmt.Errorf("%s: %w", f, err))
			}
			out = append(out, cs[0])
		}
		return out, nil
	}
	opts := kryptering.EncryptOptions{}
	var err error
	if opts.Recipients, err = load(certs); err != nil {
		return err
	}
	if opts.LegacyRecipients, err = load(legacy); err != nil {
		return err
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	w, err := kryptering.NewEncrypter(out, opts)
	if err != nil {
		return noErr(err)
	}
	if _, err := io.Copy(w, e.stdin); err != nil {
		return ioErr(err)
	}
	if err := w.Close(); err != nil {
		return ioErr(err)
	}
	if err := out.Flush(); err != nil {
		return ioErr(err)
	}
	return nil
}

// runKrypteringDecrypt: fellesklient kryptering decrypt --key FILE [--p12-password-env VAR] < in > out
// The plaintext streams to stdout; if the input turns out to be corrupt or truncated, the
// command fails (exit 1) and what it wrote must be discarded.
func runKrypteringDecrypt(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient kryptering decrypt")
	keyFile := fs.String("key", "", "private key: PEM (with optional certificate) or .p12")
	passEnv := fs.String("p12-password-env", "", "name of the environment variable holding the .p12 password")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyFile == "" {
		return usageErr("--key is required")
	}
	data, err := os.ReadFile(*keyFile)
	if err != nil {
		return ioErr(fmt.Errorf("reading key: %w", err))
	}
	password := ""
	if *passEnv != "" {
		if password = e.getenv(*passEnv); password == "" {
			return usageErr("environment variable %s (from --p12-password-env) is empty or not set", *passEnv)
		}
	}
	key, err := kryptering.ParseKey(data, password)
	if err != nil {
		return noErr(err)
	}
	r, err := kryptering.NewDecrypter(bufio.NewReaderSize(e.stdin, 64<<10), key)
	if err != nil {
		return noErr(err)
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	if _, err := io.Copy(out, r); err != nil {
		if errors.Is(err, kryptering.ErrIntegrity) || errors.Is(err, kryptering.ErrFormat) {
			_ = out.Flush()
			return noErr(fmt.Errorf("%w; discard the output", err))
		}
		return ioErr(err)
	}
	if err := out.Flush(); err != nil {
		return ioErr(err)
	}
	return nil
}
