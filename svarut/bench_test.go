package svarut_test

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

// BenchmarkSend100MB sends one 100 MB document to the loopback fake with svarut.Send
// (unencrypted and encrypted), against a bare net/http multipart upload of the same
// bytes with the same headers to the same fake (the baseline), in the same run. The
// fake's work (parsing, hashing, writing to disk) is in every number.
//
//	go test -run '^$' -bench Send100MB -benchtime 5x -count 6 ./svarut/
func BenchmarkSend100MB(b *testing.B) {
	const size = 100 << 20
	konto := uuid.NewString()
	fx := fikstest.NewFixture(b, org, "svarut:konto:"+konto)
	fake := svaruttest.NewServer(b, svaruttest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	fake.AddKonto(konto)
	fake.AddIntegrasjon(fx.Integrasjon)
	ts := fx.Tokens
	c, err := svarut.New(svarut.Options{BaseURL: fake.URL(), Konto: konto, Sertifikat: fake.Sertifikat(), Credentials: fx.Credentials})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	doc := svarut.Dokument{Filnavn: "stor.pdf", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.LimitReader(&testutil.Pattern{}, size)), nil
	}}
	forsendelse := func() *svarut.Forsendelse {
		f := tilOrg(doc)
		return f
	}
	cleanup := func(b *testing.B, id string) {
		b.StopTimer()
		if err := c.DeleteFiles(ctx, id, svarut.SlettAlle); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}

	b.Run("baseline=net/http", func(b *testing.B) {
		tok, err := ts.Token(ctx)
		if err != nil {
			b.Fatal(err)
		}
		meta, _ := json.Marshal(map[string]any{"tittel": "t", "kunDigitalLevering": true,
			"mottaker":   map[string]string{"navn": "n", "digitalId": mottakOrg},
			"dokumenter": []map[string]string{{"filnavn": "stor.pdf", "mimeType": "application/pdf"}}})
		hc := &http.Client{}
		b.SetBytes(size)
		for b.Loop() {
			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				h := textproto.MIMEHeader{"Content-Disposition": {`form-data; name="forsendelse"`}, "Content-Type": {"application/json"}}
				p, _ := mw.CreatePart(h)
				p.Write(meta)
				p, _ = mw.CreateFormFile("filer", "stor.pdf")
				_, err := io.Copy(p, io.LimitReader(&testutil.Pattern{}, size))
				if err == nil {
					err = mw.Close()
				}
				pw.CloseWithError(err)
			}()
			req, _ := http.NewRequest(http.MethodPost, fake.URL()+"/api/v2/kontoer/"+konto+"/forsendelser/", pr)
			req.Header.Set("Authorization", "Bearer "+tok.Value)
			req.Header.Set("IntegrasjonId", fx.Integrasjon.ID)
			req.Header.Set("IntegrasjonPassord", fx.Integrasjon.Passord)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var r struct{ ID string }
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.Status, err)
			}
			cleanup(b, r.ID)
		}
	})
	b.Run("Send", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			res, err := c.Send(ctx, forsendelse())
			if err != nil {
				b.Fatal(err)
			}
			cleanup(b, res.ID)
		}
	})
	b.Run("Send/kryptert", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			f := forsendelse()
			f.Kryptert = true
			res, err := c.Send(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			cleanup(b, res.ID)
		}
	})
}
