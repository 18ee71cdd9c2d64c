// Package fiksiotest is an in-process FIKS IO for tests: the katalog and konto APIs, the
// send API and Dokumentlager downloads over HTTP with FIKS's credential checks, and
// delivery into a real RabbitMQ (Broker) behind an AMQP front door that checks every
// connection's credentials as FIKS IO does (username the integrasjon id, password the
// integrasjon password, a space and a valid Maskinporten token).
//
// Queues are quorum queues with a delivery limit (3, as FIKS IO): a message that is not
// acknowledged three times, or whose TTL runs out, is dead-lettered, and the fake sends
// the sender no.ks.fiks.kvittering.serverfeil.v1 or no.ks.fiks.kvittering.tidsavbrudd.
package fiksiotest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/internal/fakefault"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
)

// Fault is one injected failure (InjectFault): the one fault type of every fake in the
// module.
type Fault = fakefault.Fault

// Options configure a Server.
type Options struct {
	// Maskinporten is the Maskinporten fake whose tokens the fake accepts. Required.
	Maskinporten *maskinportentest.Server
	// Broker is the RabbitMQ node messages are delivered into. Required (RequireBroker).
	Broker *Broker
	// Plain serves plain HTTP and plain AMQP on loopback instead of TLS.
	Plain bool
	// AMQPListener, when set, is where the AMQP front door listens (a fixed loopback
	// port); nil: a free loopback port. The fake closes it with Close.
	AMQPListener net.Listener
	// DokumentlagerThreshold is the payload size above which the payload is kept in
	// Dokumentlager and only its id travels over AMQP (default 5 MB, as FIKS IO).
	DokumentlagerThreshold int64
	// MaxDeliveries is how often a message is delivered before it is dead-lettered
	// (default 3, as FIKS IO).
	MaxDeliveries int
	// Dir holds Dokumentlager's files (default: a temporary folder removed by Close).
	Dir string
}

// Konto is a FIKS IO konto in the fake's katalog.
type Konto struct {
	ID   string
	Navn string
	// FiksOrgID and FiksOrgNavn name the organisation (FiksOrgID default: a new UUID).
	FiksOrgID, FiksOrgNavn string
	// IntegrasjonID is the integrasjon that owns the konto: the only one that may send
	// from it, receive on it and download its Dokumentlager payloads.
	IntegrasjonID string
	// Certificate is the konto's public key in the katalog (offentligNokkel); nil: none.
	Certificate *x509.Certificate
	// Adresser are what Lookup finds the konto by.
	Adresser []Adresse
	// Inaktiv kontoer may neither send nor receive (status gyldigAvsender/gyldigMottaker false).
	Inaktiv bool
}

// Adresse is one address of a konto: an identifier, a protocol and a security level.
type Adresse struct {
	Identifikator     string // "ORG_NO.<orgnr>"
	Meldingsprotokoll string
	Sikkerhetsniva    int
}

// Sendt is what the fake recorded of one accepted send.
type Sendt struct {
	MeldingID, Meldingstype, AvsenderKontoID, MottakerKontoID, SvarPaMelding string
	Headere                                                                  map[string]string
	// Size is the encrypted payload's size; DokumentlagerID is set when it went there.
	Size            int64
	DokumentlagerID string
}

// Server is the fake FIKS IO.
type Server struct {
	*fikstest.Server
	auth   *fikstest.Auth
	opts   Options
	dir    string
	ownDir bool

	mu      sync.Mutex
	kontoer map[string]*Konto
	sent    []Sendt
	stored  map[string]string // dokumentlager id -> konto id

	pubMu  sync.Mutex
	pubCon *amqp.Connection
	pubCh  *amqp.Channel

	amqpLn    net.Listener
	amqpTLS   *tls.Config
	caCert    *x509.Certificate
	connMu    sync.Mutex
	conns     map[net.Conn]bool
	logins    []Login
	dead      string // this fake's dead-letter exchange and queue (fakes may share a broker)
	deadStop  context.CancelFunc
	deadDone  chan struct{}
	closeOnce sync.Once
}

// Login is one AMQP connection the front door let in.
type Login struct {
	IntegrasjonID string
	// TokenID is the jti of the Maskinporten token in the password.
	TokenID string
	At      time.Time
}

// NewServer starts the fake. With a non-nil t it is closed by t.Cleanup. It panics when
// it cannot start (no listener, no broker), as httptest does.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.Maskinporten == nil || opts.Broker == nil {
		panic("fiksiotest: Options.Maskinporten and Options.Broker are required")
	}
	if opts.DokumentlagerThreshold <= 0 {
		opts.DokumentlagerThreshold = 5_000_000
	}
	if opts.MaxDeliveries <= 0 {
		opts.MaxDeliveries = 3
	}
	s := &Server{auth: fikstest.NewAuth(opts.Maskinporten), opts: opts, kontoer: map[string]*Konto{}, stored: map[string]string{}, conns: map[net.Conn]bool{},
		dead: "fiksiotest.dead." + uuid.NewString()}
	s.dir = opts.Dir
	if s.dir == "" {
		d, err := os.MkdirTemp("", "fiksiotest-")
		if err != nil {
			panic(err)
		}
		s.dir, s.ownDir = d, true
	}
	api := http.NewServeMux()
	api.HandleFunc("GET /fiks-io/katalog/api/v1/kontoer/{konto}", s.getKonto)
	api.HandleFunc("GET /fiks-io/katalog/api/v1/kontoer/{konto}/offentligNokkel", s.getNokkel)
	api.HandleFunc("GET /fiks-io/katalog/api/v1/lookup", s.lookup)
	api.HandleFunc("PUT /fiks-io/konto/api/v1/kontoer/{konto}/offentligNokkel", s.putNokkel)
	api.HandleFunc("POST /fiks-io/api/v1/send", s.send)
	api.HandleFunc("GET /dokumentlager/nedlasting/{id}", s.download)
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})
	s.Server = fikstest.NewHTTPServer(s.auth.Require(api), opts.Plain)
	if err := s.connectBroker(); err != nil {
		s.Server.Close()
		panic("fiksiotest: " + err.Error())
	}
	if err := s.startAMQP(); err != nil {
		s.Close()
		panic("fiksiotest: " + err.Error())
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.deadStop, s.deadDone = cancel, make(chan struct{})
	go s.deadLetters(ctx)
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Close stops the fake (not the broker) and removes its own folder.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.deadStop != nil {
			s.deadStop()
			<-s.deadDone
		}
		if s.amqpLn != nil {
			s.amqpLn.Close()
		}
		s.DropConnections()
		s.pubMu.Lock()
		if s.pubCon != nil {
			if !s.pubCon.IsClosed() {
				_, _ = s.pubCh.QueueDelete(s.dead, false, false, false)
				_ = s.pubCh.ExchangeDelete(s.dead, false, false)
			}
			s.pubCon.Close()
		}
		s.pubMu.Unlock()
		s.Server.Close()
		if s.ownDir {
			os.RemoveAll(s.dir)
		}
	})
}

// AddIntegrasjon registers a Fiks-integrasjon the fake accepts.
func (s *Server) AddIntegrasjon(i fikstest.Integrasjon) { s.auth.Add(i) }

// AddKonto adds a konto to the katalog and declares its queue fiksio.konto.<id>.
func (s *Server) AddKonto(k Konto) error {
	if uuid.Validate(k.ID) != nil {
		return errors.New("fiksiotest: Konto.ID must be a UUID")
	}
	if k.FiksOrgID == "" {
		k.FiksOrgID = uuid.NewString()
	}
	if err := s.withChannel(func(ch *amqp.Channel) error {
		_, err := ch.QueueDeclare("fiksio.konto."+k.ID, true, false, false, false, s.queueArgs())
		return err
	}); err != nil {
		return err
	}
	s.mu.Lock()
	s.kontoer[k.ID] = &k
	s.mu.Unlock()
	return nil
}

// SetCertificate replaces a konto's public key in the katalog.
func (s *Server) SetCertificate(kontoID string, cert *x509.Certificate) {
	s.mu.Lock()
	if k := s.kontoer[kontoID]; k != nil {
		k.Certificate = cert
	}
	s.mu.Unlock()
}

// Sent returns what the fake accepted, oldest first.
func (s *Server) Sent() []Sendt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sendt(nil), s.sent...)
}

// Logins returns the AMQP connections the front door let in, oldest first.
func (s *Server) Logins() []Login {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return append([]Login(nil), s.logins...)
}

// AMQPAddr is the front door's address (fiksio.Options.AMQPAddr).
func (s *Server) AMQPAddr() string { return s.amqpLn.Addr().String() }

// AMQPTLSConfig is a client TLS configuration that trusts the front door
// (fiksio.Options.TLSConfig); nil for a plain fake.
func (s *Server) AMQPTLSConfig() *tls.Config {
	if s.opts.Plain {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.caCert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// AMQPCertificate is the front door's self-signed TLS certificate (nil for a plain
// fake), for clients in another process.
func (s *Server) AMQPCertificate() *x509.Certificate { return s.caCert }

// DropConnections closes every AMQP connection through the front door, as a network
// failure would; receivers reconnect.
func (s *Server) DropConnections() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	for c := range s.conns {
		c.Close()
		delete(s.conns, c)
	}
}

// Publish puts a raw delivery on a konto's queue, headers and body as given: for tests
// of what a receiver does with what FIKS IO would never send (a missing header, a broken
// body).
func (s *Server) Publish(kontoID string, headers map[string]string, body []byte) error {
	h := amqp.Table{}
	for k, v := range headers {
		h[k] = v
	}
	return s.withChannel(func(ch *amqp.Channel) error {
		return s.publishOn(ch, kontoID, amqp.Publishing{Headers: h, Body: body, DeliveryMode: amqp.Persistent})
	})
}

// QueueLength is the number of messages waiting in a konto's queue (not counting those
// handed out and not yet acknowledged).
func (s *Server) QueueLength(kontoID string) (int, error) {
	var n int
	err := s.withChannel(func(ch *amqp.Channel) error {
		q, err := ch.QueueDeclarePassive("fiksio.konto."+kontoID, true, false, false, false, s.queueArgs())
		n = q.Messages
		return err
	})
	return n, err
}

// queueArgs are a konto queue's: a quorum queue that dead-letters into this fake after
// MaxDeliveries deliveries (RabbitMQ's x-delivery-limit counts returns, not deliveries).
func (s *Server) queueArgs() amqp.Table {
	return amqp.Table{"x-queue-type": "quorum", "x-delivery-limit": s.opts.MaxDeliveries - 1, "x-dead-letter-exchange": s.dead}
}

// dialBroker connects to the broker with its own account.
func (s *Server) dialBroker() (*amqp.Connection, error) {
	return amqp.DialConfig("amqp://"+s.opts.Broker.Addr+"/", amqp.Config{
		SASL: []amqp.Authentication{&amqp.PlainAuth{Username: s.opts.Broker.User, Password: s.opts.Broker.Password}}})
}

func (s *Server) connectBroker() error {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	if s.pubCon != nil && !s.pubCon.IsClosed() {
		return nil
	}
	conn, err := s.dialBroker()
	if err != nil {
		return fmt.Errorf("connecting to the broker: %w", err)
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err == nil {
		err = ch.ExchangeDeclare(s.dead, "fanout", true, false, false, false, nil)
	}
	if err == nil {
		_, err = ch.QueueDeclare(s.dead, true, false, false, false, nil)
		// Close deletes it; a fake that died leaves one empty queue on a test broker
	}
	if err == nil {
		err = ch.QueueBind(s.dead, "", s.dead, false, nil)
	}
	if err != nil {
		conn.Close()
		return err
	}
	s.pubCon, s.pubCh = conn, ch
	return nil
}

// withChannel runs f on the publishing channel, reconnecting once (after a broker restart).
func (s *Server) withChannel(f func(*amqp.Channel) error) error {
	for attempt := 0; ; attempt++ {
		if err := s.connectBroker(); err != nil {
			return err
		}
		s.pubMu.Lock()
		ch := s.pubCh
		err := f(ch)
		s.pubMu.Unlock()
		if err == nil || attempt > 0 || !(errors.Is(err, amqp.ErrClosed) || s.pubCon.IsClosed()) {
			return err
		}
		s.pubMu.Lock()
		s.pubCon.Close()
		s.pubMu.Unlock()
	}
}

func (s *Server) publishOn(ch *amqp.Channel, kontoID string, p amqp.Publishing) error {
	conf, err := ch.PublishWithDeferredConfirmWithContext(context.Background(), "", "fiksio.konto."+kontoID, true, false, p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ok, err := conf.WaitContext(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("the broker did not take the message")
	}
	return nil
}

func (s *Server) konto(id string) *Konto {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kontoer[id]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

type wireKonto struct {
	FiksOrgID   string     `json:"fiksOrgId"`
	FiksOrgNavn string     `json:"fiksOrgNavn"`
	KontoID     string     `json:"kontoId"`
	KontoNavn   string     `json:"kontoNavn"`
	Status      wireStatus `json:"status"`
}

type wireStatus struct {
	GyldigAvsender bool   `json:"gyldigAvsender"`
	GyldigMottaker bool   `json:"gyldigMottaker"`
	Melding        string `json:"melding,omitempty"`
}

func (k *Konto) wire() wireKonto {
	st := wireStatus{GyldigAvsender: !k.Inaktiv, GyldigMottaker: !k.Inaktiv}
	if k.Inaktiv {
		st.Melding = "Kontoen er ikke aktiv"
	}
	return wireKonto{FiksOrgID: k.FiksOrgID, FiksOrgNavn: k.FiksOrgNavn, KontoID: k.ID, KontoNavn: k.Navn, Status: st}
}

func (s *Server) getKonto(w http.ResponseWriter, r *http.Request) {
	k := s.konto(r.PathValue("konto"))
	if k == nil {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke konto med id "+safe(r.PathValue("konto")))
		return
	}
	writeJSON(w, http.StatusOK, k.wire())
}

func (s *Server) getNokkel(w http.ResponseWriter, r *http.Request) {
	k := s.konto(r.PathValue("konto"))
	if k == nil || k.Certificate == nil {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke offentlig nøkkel for konto "+safe(r.PathValue("konto")))
		return
	}
	c := k.Certificate
	now := time.Now()
	valid := !now.Before(c.NotBefore) && !now.After(c.NotAfter)
	msg := ""
	if !valid {
		msg = "Sertifikatet er utløpt eller ikke gyldig ennå"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"nokkel":    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
		"validFrom": c.NotBefore.UTC(), "validTo": c.NotAfter.UTC(), "serial": c.SerialNumber.String(),
		"subjectDN": c.Subject.String(), "issuerDN": c.Issuer.String(), "valid": valid, "isValid": valid, "statusMessage": msg,
	})
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, proto, niva := q.Get("identifikator"), q.Get("meldingProtokoll"), q.Get("sikkerhetsniva")
	n, err := strconv.Atoi(niva)
	if id == "" || proto == "" || err != nil || n < 1 || n > 4 {
		fikstest.WriteError(w, r, http.StatusBadRequest, "identifikator, meldingProtokoll og sikkerhetsniva (1-4) er påkrevd")
		return
	}
	s.mu.Lock()
	var found *Konto
	for _, k := range s.kontoer {
		for _, a := range k.Adresser {
			if a.Identifikator == id && a.Meldingsprotokoll == proto && a.Sikkerhetsniva >= n && !k.Inaktiv {
				found = k
			}
		}
	}
	s.mu.Unlock()
	if found == nil {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ingen konto for adressen")
		return
	}
	writeJSON(w, http.StatusOK, found.wire())
}

func (s *Server) owner(w http.ResponseWriter, r *http.Request, kontoID string) (*Konto, bool) {
	k := s.konto(kontoID)
	if k == nil {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke konto med id "+safe(kontoID))
		return nil, false
	}
	c, _ := fikstest.CallerFrom(r.Context())
	if c.Integrasjon.ID != k.IntegrasjonID {
		fikstest.WriteError(w, r, http.StatusForbidden, "Integrasjonen har ikke tilgang til konto "+k.ID)
		return nil, false
	}
	return k, true
}

func (s *Server) putNokkel(w http.ResponseWriter, r *http.Request) {
	k, ok := s.owner(w, r, r.PathValue("konto"))
	if !ok {
		return
	}
	var body struct {
		Pem string `json:"pem"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig forespørsel")
		return
	}
	blk, _ := pem.Decode([]byte(body.Pem))
	var cert *x509.Certificate
	var err error
	if blk != nil {
		cert, err = x509.ParseCertificate(blk.Bytes)
	}
	if blk == nil || err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "pem er ikke et X.509-sertifikat")
		return
	}
	s.SetCertificate(k.ID, cert)
	w.WriteHeader(http.StatusOK)
}

type sendMetadata struct {
	AvsenderKontoID string            `json:"avsenderKontoId"`
	MottakerKontoID string            `json:"mottakerKontoId"`
	MeldingType     string            `json:"meldingType"`
	SvarPaMelding   *string           `json:"svarPaMelding"`
	TTL             *int64            `json:"ttl"`
	Headere         map[string]string `json:"headere"`
}

var typeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$`)

const defaultTTL = 7 * 24 * time.Hour

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Forventet multipart/form-data")
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "metadata" {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Første del må være metadata")
		return
	}
	var md sendMetadata
	d := json.NewDecoder(io.LimitReader(part, 1<<20))
	d.DisallowUnknownFields()
	if err := d.Decode(&md); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig metadata")
		return
	}
	avsender, ok := s.owner(w, r, md.AvsenderKontoID)
	if !ok {
		return
	}
	mottaker := s.konto(md.MottakerKontoID)
	switch {
	case mottaker == nil:
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke mottakerkonto "+safe(md.MottakerKontoID))
		return
	case avsender.Inaktiv || mottaker.Inaktiv:
		fikstest.WriteError(w, r, http.StatusBadRequest, "Konto er ikke aktiv")
		return
	case !typeRE.MatchString(md.MeldingType):
		fikstest.WriteError(w, r, http.StatusBadRequest, "meldingType er påkrevd")
		return
	case md.TTL != nil && *md.TTL < 1000:
		fikstest.WriteError(w, r, http.StatusBadRequest, "ttl må være minst 1000 ms")
		return
	case md.SvarPaMelding != nil && uuid.Validate(*md.SvarPaMelding) != nil:
		fikstest.WriteError(w, r, http.StatusBadRequest, "svarPaMelding må være en UUID")
		return
	}
	// The payload: in memory up to the threshold, in Dokumentlager beyond it.
	var body []byte
	var stored string
	var size int64
	if part, err := mr.NextPart(); err == nil && part.FormName() == "data" {
		body, stored, size, err = s.readPayload(part)
		if err != nil {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Kunne ikke lese data: "+err.Error())
			return
		}
	} else if err != nil && err != io.EOF {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig multipart")
		return
	}
	ttl := defaultTTL
	if md.TTL != nil {
		ttl = time.Duration(*md.TTL) * time.Millisecond
	}
	id := uuid.NewString()
	h := amqp.Table{"avsender-id": avsender.ID, "melding-id": id, "type": md.MeldingType}
	if avsender.Navn != "" {
		h["avsender-navn"] = avsender.Navn
	}
	if md.SvarPaMelding != nil {
		h["svar-til"] = *md.SvarPaMelding
	}
	if stored != "" {
		h["dokumentlager-id"] = stored
		s.mu.Lock()
		s.stored[stored] = mottaker.ID
		s.mu.Unlock()
	}
	for k, v := range md.Headere {
		h["egendefinert-header."+k] = v
	}
	pub := amqp.Publishing{Headers: h, Body: body, DeliveryMode: amqp.Persistent, MessageId: id,
		Expiration: strconv.FormatInt(ttl.Milliseconds(), 10), Timestamp: time.Now()}
	if err := s.withChannel(func(ch *amqp.Channel) error { return s.publishOn(ch, mottaker.ID, pub) }); err != nil {
		fikstest.WriteError(w, r, http.StatusServiceUnavailable, "Kunne ikke levere meldingen")
		return
	}
	sent := Sendt{MeldingID: id, Meldingstype: md.MeldingType, AvsenderKontoID: avsender.ID, MottakerKontoID: mottaker.ID,
		Headere: md.Headere, Size: size, DokumentlagerID: stored}
	if md.SvarPaMelding != nil {
		sent.SvarPaMelding = *md.SvarPaMelding
	}
	s.mu.Lock()
	s.sent = append(s.sent, sent)
	s.mu.Unlock()
	out := map[string]any{"meldingId": id, "meldingType": md.MeldingType, "avsenderKontoId": avsender.ID,
		"mottakerKontoId": mottaker.ID, "ttl": ttl.Milliseconds(), "headere": md.Headere}
	if stored != "" {
		out["dokumentlagerId"] = stored
	}
	if md.SvarPaMelding != nil {
		out["svarPaMelding"] = *md.SvarPaMelding
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) readPayload(part io.Reader) (body []byte, stored string, size int64, err error) {
	buf := bytes.NewBuffer(make([]byte, 0, min(s.opts.DokumentlagerThreshold+1, 1<<20)))
	n, err := io.CopyN(buf, part, s.opts.DokumentlagerThreshold+1)
	if err != nil && err != io.EOF {
		return nil, "", 0, err
	}
	if n <= s.opts.DokumentlagerThreshold {
		return buf.Bytes(), "", n, nil
	}
	id := uuid.NewString()
	f, err := os.Create(filepath.Join(s.dir, id))
	if err != nil {
		return nil, "", 0, err
	}
	defer f.Close()
	if _, err := f.Write(buf.Bytes()); err != nil {
		return nil, "", 0, err
	}
	rest, err := io.Copy(f, part)
	if err != nil {
		os.Remove(f.Name())
		return nil, "", 0, err
	}
	return nil, id, n + rest, f.Sync()
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	konto, ok := s.stored[id]
	s.mu.Unlock()
	if !ok || uuid.Validate(id) != nil {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke dokument")
		return
	}
	if _, ok := s.owner(w, r, konto); !ok {
		return
	}
	f, err := os.Open(filepath.Join(s.dir, id))
	if err != nil {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke dokument")
		return
	}
	defer f.Close()
	st, _ := f.Stat()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	_, _ = io.Copy(w, f)
}

// deadLetters turns what the queues dead-letter into FIKS IO's messages to the sender:
// tidsavbrudd when the TTL ran out, serverfeil.v1 when the delivery limit was reached.
func (s *Server) deadLetters(ctx context.Context) {
	defer close(s.deadDone)
	for ctx.Err() == nil {
		conn, err := s.dialBroker()
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		ch, err := conn.Channel()
		var ds <-chan amqp.Delivery
		if err == nil {
			ds, err = ch.Consume(s.dead, "", false, false, false, false, nil)
		}
		if err != nil {
			conn.Close()
			continue
		}
	loop:
		for {
			select {
			case <-ctx.Done():
				conn.Close()
				return
			case d, ok := <-ds:
				if !ok {
					break loop
				}
				s.deadLetter(&d)
				_ = d.Ack(false)
			}
		}
		conn.Close()
	}
}

func (s *Server) deadLetter(d *amqp.Delivery) {
	str := func(k string) string { v, _ := d.Headers[k].(string); return v }
	avsender, id, typ := str("avsender-id"), str("melding-id"), str("type")
	if s.konto(avsender) == nil || id == "" {
		return
	}
	reason := str("x-first-death-reason")
	h := amqp.Table{"melding-id": uuid.NewString(), "avsender-id": uuid.Nil.String(), "avsender-navn": "FIKS IO", "svar-til": id}
	if reason == "expired" {
		h["type"] = "no.ks.fiks.kvittering.tidsavbrudd"
		h["svar-til-type"] = typ
	} else {
		h["type"] = "no.ks.fiks.kvittering.serverfeil.v1"
	}
	_ = s.withChannel(func(ch *amqp.Channel) error {
		return s.publishOn(ch, avsender, amqp.Publishing{Headers: h, DeliveryMode: amqp.Persistent})
	})
}

func safe(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// selfSignedTLS is the front door's TLS certificate, for 127.0.0.1 and localhost.
func selfSignedTLS() (*tls.Config, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "fiksiotest AMQP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}, cert, nil
}
