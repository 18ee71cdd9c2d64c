package svarut

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// MaxPublickeyBytes bounds the answer of forsendelse/publickey/hent.
const MaxPublickeyBytes = 1 << 20

// Sertifikat returns the certificate documents are encrypted to: Options.Sertifikat when
// pinned, else the one SvarUt publishes at {host}/forsendelse/publickey/hent (KS:
// "Offentlige nøkler for kryptering", the same path on TEST and PROD), fetched once and
// kept for Options.SertifikatMaxAge. The answer may be PEM or DER; with a chain the
// first certificate is used. A certificate outside its validity period is refused.
func (c *Client) Sertifikat(ctx context.Context) (*x509.Certificate, error) {
	if c.cert != nil {
		return c.cert, nil
	}
	const op = "svarut.Sertifikat"
	maxAge := c.certMaxAge
	if maxAge <= 0 {
		maxAge = 24 * time.Hour
	}
	c.certMu.Lock()
	defer c.certMu.Unlock()
	now := time.Now()
	if c.fetched != nil && now.Sub(c.fetchedAt) < maxAge && now.Before(c.fetched.NotAfter) {
		return c.fetched, nil
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: c.host + "/forsendelse/publickey/hent",
		Header: http.Header{"Accept": {"application/x-pem-file, application/pkix-cert, */*"}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := fiks.CheckResponse(op, resp); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(resp, MaxPublickeyBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	cert, err := parseCertificate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: SvarUt's answer is not a certificate: %w", op, err)
	}
	if now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, fmt.Errorf("%s: SvarUt's certificate %q is valid %s to %s only: pin a current one with Options.Sertifikat",
			op, cert.Subject.String(), cert.NotBefore.Format(time.DateOnly), cert.NotAfter.Format(time.DateOnly))
	}
	c.fetched, c.fetchedAt = cert, now
	return cert, nil
}

func parseCertificate(b []byte) (*x509.Certificate, error) {
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type == "CERTIFICATE" {
			return x509.ParseCertificate(blk.Bytes)
		}
	}
	if len(b) > 0 && b[0] == 0x30 { // DER
		return x509.ParseCertificate(b)
	}
	return nil, errors.New("no PEM CERTIFICATE block and not DER")
}
