package fiksio_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
)

const benchSize = 100 << 20

func benchPayload() []byte {
	b := make([]byte, benchSize)
	_, _ = io.ReadFull(newRandom(3, benchSize), b)
	return b
}

// BenchmarkSend100MiB: one 100 MiB file (incompressible) sent with fiksio.Send (zip,
// sign, encrypt, upload to the loopback fake, which keeps it in Dokumentlager on disk)
// against kryptering's encryption alone of the same bytes (the target: >= 0.7).
func BenchmarkSend100MiB(b *testing.B) {
	data := benchPayload()
	b.Run("kryptering", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			w, err := kryptering.NewEncrypter(io.Discard, kryptering.EncryptOptions{Recipients: []*x509.Certificate{mottakerID.Certificate}})
			if err != nil {
				b.Fatal(err)
			}
			_, _ = w.Write(data)
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The client's own cost: FIKS IO replaced by a server that drains the body and answers.
	b.Run("fiksio-drain", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"meldingId":"`+uuid.NewString()+`","meldingType":"t"}`)
		}))
		defer srv.Close()
		c, err := fiksio.New(fiksio.Options{BaseURL: srv.URL, Credentials: fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "i", IntegrasjonPassord: "p"},
			KontoID: uuid.NewString(), Signer: avsenderID.Key, SignerCertificates: []*x509.Certificate{avsenderID.Certificate}})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(benchSize)
		for b.Loop() {
			if _, err := c.Send(context.Background(), &fiksio.Melding{MottakerKontoID: uuid.NewString(), Meldingstype: typeOpprett,
				MottakerSertifikat: mottakerID.Certificate, Filer: []fiksio.Fil{fiksio.Bytes("stor.pdf", data)}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fiksio", func(b *testing.B) {
		e := newEnv(b, fiksiotest.Options{Plain: true, Dir: b.TempDir()})
		b.SetBytes(benchSize)
		for b.Loop() {
			if _, err := e.sender.Send(context.Background(), &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett,
				Filer: []fiksio.Fil{fiksio.Bytes("stor.pdf", data)}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReceive100MiB: a waiting 100 MiB message received with fiksio.Receive
// (Dokumentlager download, decryption into a spool file, the container read and checked
// against its manifest, ack) against kryptering's decryption alone of the same payload.
func BenchmarkReceive100MiB(b *testing.B) {
	data := benchPayload()
	var enc bytes.Buffer
	w, _ := kryptering.NewEncrypter(&enc, kryptering.EncryptOptions{Recipients: []*x509.Certificate{mottakerID.Certificate}})
	_, _ = w.Write(data)
	_ = w.Close()
	b.Run("kryptering", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			r, err := kryptering.NewDecrypter(bytes.NewReader(enc.Bytes()), mottakerID.DecryptionKey())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fiksio", func(b *testing.B) {
		e := newEnv(b, fiksiotest.Options{Plain: true, Dir: b.TempDir()})
		recv := e.client(b, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) { o.TempDir = b.TempDir() })
		b.SetBytes(benchSize)
		got := make(chan error)
		stop := receiving(b, recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
			c, err := m.Container(ctx, nil)
			if err == nil {
				for _, f := range c.Files {
					rc, _ := f.Open()
					_, err = io.Copy(io.Discard, rc)
					rc.Close()
				}
				c.Close()
			}
			got <- err
			return err
		}, nil)
		defer stop()
		for b.Loop() {
			b.StopTimer()
			if _, err := e.sender.Send(context.Background(), &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett,
				Filer: []fiksio.Fil{fiksio.Bytes("stor.pdf", data)}}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := <-got; err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSmallMessages: 1 KiB messages through send -> broker -> receive -> ack, as
// many as b.N, the receiver running alongside; against amqp091 publishing and consuming
// the same bytes on the same broker directly (no HTTP, no ASiC-E, no CMS).
func BenchmarkSmallMessages(b *testing.B) {
	payload := bytes.Repeat([]byte("k"), 1024)
	b.Run("amqp091", func(b *testing.B) {
		br := broker(b)
		conn, err := amqp.Dial("amqp://" + br.User + ":" + br.Password + "@" + br.Addr + "/")
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		ch, _ := conn.Channel()
		_ = ch.Confirm(false)
		q, err := ch.QueueDeclare("", false, true, true, false, amqp.Table{"x-queue-type": "classic"})
		if err != nil {
			b.Fatal(err)
		}
		cch, _ := conn.Channel()
		_ = cch.Qos(10, 0, false)
		ds, _ := cch.Consume(q.Name, "", false, false, false, false, nil)
		var n atomic.Int64
		done := make(chan struct{})
		want := int64(b.N)
		go func() {
			for d := range ds {
				_ = d.Ack(false)
				if n.Add(1) == want {
					close(done)
				}
			}
		}()
		b.ResetTimer()
		for range b.N {
			c, err := ch.PublishWithDeferredConfirmWithContext(context.Background(), "", q.Name, false, false, amqp.Publishing{Body: payload, DeliveryMode: amqp.Persistent})
			if err != nil {
				b.Fatal(err)
			}
			c.Wait()
		}
		<-done
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("fiksio", func(b *testing.B) {
		e := newEnv(b, fiksiotest.Options{Plain: true})
		var n atomic.Int64
		done := make(chan struct{})
		want := int64(b.N)
		stop := receiving(b, e.recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
			c, err := m.Container(ctx, nil)
			if err != nil {
				return err
			}
			c.Close()
			if n.Add(1) == want {
				close(done)
			}
			return nil
		}, &fiksio.ReceiveOptions{Concurrency: 2})
		defer stop()
		b.ResetTimer()
		for range b.N {
			if _, err := e.sender.Send(context.Background(), &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett,
				Filer: []fiksio.Fil{fiksio.Bytes("melding.xml", payload)}}); err != nil {
				b.Fatal(err)
			}
		}
		select {
		case <-done:
		case <-time.After(5 * time.Minute):
			b.Fatal("not all received")
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}
