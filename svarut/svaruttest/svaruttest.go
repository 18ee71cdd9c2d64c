// Package svaruttest is an in-process fake of SvarUt (Send and Status v3 and REST v2,
// sending) and SvarInn (V2 and the V1 mottaksservice, receiving) for tests.
//
// On the sending side it checks the FIKS credentials (fiks/fikstest) and that the
// integrasjon has the privilege "svarut:konto:<id>" for the konto, and validates the
// multipart body as SvarUt does: the first part is "forsendelse" with the metadata JSON;
// tittel, mottaker.navn and at least one document are required; a postal address unless
// kunDigitalLevering; a digitalId that is a valid fødselsnummer or organisasjonsnummer,
// required only with kunDigitalLevering (without one the letter is printed); a full postal
// address for svarSendesTil;
// only PDF may be printed; one document part per dokumenter entry, in the same order, with
// filename = filnavn; encrypted parts (kryptert) must decrypt with the fake's SvarUt
// certificate (Sertifikat). Refusals are 400 with FIKS's error body. Documents are stored
// in temporary files, so large documents do not fill memory.
//
// A forsendelse to an organisation with a registered Mottakersystem becomes
// KLAR_FOR_MOTTAK and is offered on the SvarInn side, encrypted to that system's
// certificate (a zip when there are several documents), behind the system's Basic
// credentials. Acknowledge makes it LEST; a permanent MarkFailed makes it IKKE_LEVERT.
//
// Faults (status codes, dropped connections before or after processing, latency) apply
// to both sides.
package svaruttest

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/fakefault"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// Fault is one injected failure (InjectFault): the one fault type of every fake in the
// module.
type Fault = fakefault.Fault

// Options configure a Server.
type Options struct {
	// Maskinporten is the Maskinporten fake whose tokens the fake accepts. Required.
	Maskinporten *maskinportentest.Server
	// Plain serves plain HTTP on loopback instead of TLS.
	Plain bool
	// Listener, when set, is where the fake listens (a fixed loopback port); nil: a
	// free loopback port. The fake closes it with Close.
	Listener net.Listener
	// Dir holds the stored documents. Empty: a temporary directory removed by Close.
	Dir string
	// Now is the fake's clock. Nil: time.Now.
	Now func() time.Time
	// ListDelay is how long a new forsendelse stays out of the eksternRef lookup, as
	// SvarUt's search index lags behind what it stored. Default 0.
	ListDelay time.Duration
	// LookupAnswer, when set, replaces the eksternRef lookup's JSON answer (for clients
	// facing an answer of the wrong shape).
	LookupAnswer string
}

// Mottakersystem is a receiving system (SvarInn).
type Mottakersystem struct {
	ID, Navn string
	// Passord is the servicepassord (Basic, with ID as the user).
	Passord string
	// Organisasjonsnummer: forsendelser to this organisation are offered to the system.
	Organisasjonsnummer string
	// Sertifikat is the system's public certificate; downloads are encrypted to it.
	Sertifikat *x509.Certificate
	// Forsendelsestype, when set, limits the system to forsendelser of that type.
	Forsendelsestype string
	// Niva is 3 or 4.
	Niva int
}

// Dokument is a stored document.
type Dokument struct {
	Filnavn, MimeType string
	Storrelse         int64
	// Sha256 of the plaintext, hex.
	Sha256 string
	path   string
}

// Forsendelse is a stored forsendelse.
type Forsendelse struct {
	ID, Konto        string
	EksternReferanse string
	Tittel           string
	// DigitalID is the recipient's fødselsnummer or organisasjonsnummer as sent.
	DigitalID  string
	Kryptert   bool
	Status     string
	Dokumenter []Dokument
	// Metadata is the forsendelse part as received.
	Metadata json.RawMessage
	// APIVersion is the send API it came by: "v2" or "v3"; Endpoint, for v3, is
	// "person", "organisasjon" or "print".
	APIVersion, Endpoint string
	// Mottakersystem is the SvarInn system it is offered to, if any.
	Mottakersystem string
	Feilmeldinger  []string
	// Kvitteringer counts the acknowledgements (kvitterMottak) it got.
	Kvitteringer int
	// Nedlastinger counts the downloads of its file that were started.
	Nedlastinger int
	mottatt      time.Time
	fault        DownloadFault
	noChecksum   bool
	avsender     *InnkommendeAvsender
	wire         wireForsendelse
	hendelser    []hendelse
}

type hendelse struct {
	Tidspunkt time.Time `json:"tidspunkt"`
	Hendelse  string    `json:"hendelse"`
}

// Server is the fake.
type Server struct {
	publickeyHits int

	*fikstest.Server
	auth    *fikstest.Auth
	opts    Options
	dir     string
	ownDir  bool
	key     *rsa.PrivateKey
	cert    *x509.Certificate
	mu      sync.Mutex
	kontoer map[string]bool
	systems map[string]Mottakersystem
	typer   []string
	byID    map[string]*Forsendelse
	order   []string
}

// NewServer starts a fake that trusts tokens from Options.Maskinporten. With a non-nil t
// it is closed by t.Cleanup; without (a program, not a test) call Close. It panics if it
// cannot create its key or directory, as httptest does when it cannot listen.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.Maskinporten == nil {
		panic("svaruttest: Options.Maskinporten is required")
	}
	mp := opts.Maskinporten
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{auth: fikstest.NewAuth(mp), opts: opts, kontoer: map[string]bool{}, systems: map[string]Mottakersystem{},
		byID: map[string]*Forsendelse{}, typer: []string{"Byggesak", "Barnehage", "Skole"}}
	s.dir = opts.Dir
	if s.dir == "" {
		d, err := os.MkdirTemp("", "svaruttest-")
		if err != nil {
			panic(err)
		}
		s.dir, s.ownDir = d, true
	}
	s.key, s.cert = selfSigned(pkix.Name{CommonName: "SvarUt (svaruttest)", Organization: []string{"KS"}})

	api := http.NewServeMux()
	const k = "/api/v2/kontoer/{konto}/forsendelser"
	api.HandleFunc("POST "+k, s.send)
	api.HandleFunc("POST "+k+"/", s.send)
	api.HandleFunc("POST "+k+"/status-sok", s.statusSok)
	api.HandleFunc("GET "+k, s.eksternRef)
	api.HandleFunc("GET "+k+"/metadata", s.eksternRefMetadata)
	api.HandleFunc("GET /api/v2/forsendelser/{id}/hendelser", s.hendelser)
	api.HandleFunc("GET /api/v2/forsendelser/{id}/signeringshendelser", s.signering)
	api.HandleFunc("GET /api/v2/forsendelser/{id}/metadata", s.metadata)
	api.HandleFunc("POST /api/v2/forsendelser/{id}/lest", s.lest)
	api.HandleFunc("DELETE /api/v2/forsendelser/{id}/dokumenter", s.slett)
	api.HandleFunc("GET /api/v2/forsendelsestyper", s.forsendelsestyper)
	api.HandleFunc("GET /api/v2/mottakersystem", s.mottakersystem)
	const k3 = "/api/v3/kontoer/{konto}/forsendelser"
	api.HandleFunc("POST "+k3+"/{kind}", s.sendV3)
	api.HandleFunc("POST "+k3+"/status/sok", s.statusSokV3)
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})

	inn := http.NewServeMux()
	const p = "/tjenester/svarinn/"
	inn.HandleFunc("GET "+p+"mottaker/hentNyeForsendelser", s.nye)
	inn.HandleFunc("GET "+p+"forsendelse/{id}", s.download)
	inn.HandleFunc("POST "+p+"kvitterMottak/forsendelse/{id}", s.kvitter)
	inn.HandleFunc("POST "+p+"mottakFeilet/forsendelse/{id}", s.feilet)
	inn.HandleFunc("GET "+p+"v2/forsendelser", s.nyeV2)
	inn.HandleFunc("GET "+p+"v2/forsendelser/{id}", s.downloadV2)
	inn.HandleFunc("PATCH "+p+"v2/forsendelser/{id}/status", s.statusV2)
	inn.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})

	root := http.NewServeMux()
	// SvarUt's encryption certificate is public (no credentials), as PEM.
	root.HandleFunc("GET /forsendelse/publickey/hent", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.publickeyHits++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-pem-file")
		_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: s.cert.Raw})
	})
	root.Handle("/api/", s.auth.Require(api))
	root.Handle("/tjenester/", s.basic(inn))
	s.Server = fikstest.NewHTTPServerOn(root, opts.Plain, opts.Listener)
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// PublickeyRequests counts the fetches of /forsendelse/publickey/hent.
func (s *Server) PublickeyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publickeyHits
}

// Close shuts the server down and removes its own directory.
func (s *Server) Close() {
	s.Server.Close()
	if s.ownDir {
		os.RemoveAll(s.dir)
	}
}

// Sertifikat is the fake SvarUt's encryption certificate (svarut.Options.Sertifikat).
func (s *Server) Sertifikat() *x509.Certificate { return s.cert }

// AddIntegrasjon registers a Fiks-integrasjon; give it "svarut:konto:<id>" per konto.
func (s *Server) AddIntegrasjon(i fikstest.Integrasjon) { s.auth.Add(i) }

// AddKonto registers a sending konto.
func (s *Server) AddKonto(id string) { s.mu.Lock(); s.kontoer[id] = true; s.mu.Unlock() }

// NewMottakersystem registers a receiving system of organisation orgnr at security level
// 4, with servicepassord passord and a fresh 2048-bit key and self-signed certificate (as
// KS tells receivers to make one), and returns the key for svarut.MottakOptions.Key.
func (s *Server) NewMottakersystem(id, passord, orgnr string) kryptering.Key {
	key, cert := selfSigned(pkix.Name{CommonName: id, SerialNumber: orgnr})
	s.AddMottakersystem(Mottakersystem{ID: id, Navn: id, Passord: passord, Organisasjonsnummer: orgnr, Sertifikat: cert, Niva: 4})
	return kryptering.Key{Decrypter: key, Certificate: cert}
}

func selfSigned(subject pkix.Name) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("svaruttest: " + err.Error())
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(10 * 365 * 24 * time.Hour), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("svaruttest: " + err.Error())
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic("svaruttest: " + err.Error())
	}
	return key, cert
}

// AddMottakersystem registers a receiving system.
func (s *Server) AddMottakersystem(m Mottakersystem) {
	s.mu.Lock()
	s.systems[m.ID] = m
	if m.Forsendelsestype != "" && !slices.Contains(s.typer, m.Forsendelsestype) {
		s.typer = append(s.typer, m.Forsendelsestype)
	}
	s.mu.Unlock()
}

// Forsendelser returns copies of the stored forsendelser, in the order received.
func (s *Server) Forsendelser() []Forsendelse {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Forsendelse, 0, len(s.order))
	for _, id := range s.order {
		f := *s.byID[id]
		f.Dokumenter = slices.Clone(f.Dokumenter)
		out = append(out, f)
	}
	return out
}

// Open returns a stored document's plaintext.
func (s *Server) Open(d Dokument) (io.ReadCloser, error) { return os.Open(d.path) }

// SetStatus moves a forsendelse to a status (recorded as a hendelse).
func (s *Server) SetStatus(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.byID[id]; ok {
		s.setStatus(f, status)
	}
}

func (s *Server) setStatus(f *Forsendelse, status string) {
	f.Status = status
	f.hendelser = append(f.hendelser, hendelse{Tidspunkt: s.opts.Now(), Hendelse: "Status endret til " + status})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func bad(w http.ResponseWriter, r *http.Request, msg string, a ...any) {
	fikstest.WriteError(w, r, http.StatusBadRequest, fmt.Sprintf(msg, a...))
}

// konto checks the konto and the caller's privilege.
func (s *Server) konto(w http.ResponseWriter, r *http.Request, id string) bool {
	s.mu.Lock()
	ok := s.kontoer[id]
	s.mu.Unlock()
	c, _ := fikstest.CallerFrom(r.Context())
	if !ok || !c.HasPrivilege("svarut:konto:"+id) {
		fikstest.WriteError(w, r, http.StatusForbidden, "Integrasjonen har ikke tilgang til konto "+id)
		return false
	}
	return true
}

func (s *Server) forsendelse(w http.ResponseWriter, r *http.Request) *Forsendelse {
	id := r.PathValue("id")
	s.mu.Lock()
	f, ok := s.byID[id]
	s.mu.Unlock()
	if !ok {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke forsendelse "+id)
		return nil
	}
	if !s.konto(w, r, f.Konto) {
		return nil
	}
	return f
}

// send is v2's send: POST /api/v2/kontoer/{konto}/forsendelser.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	s.receive(w, r, "v2", "", func(meta []byte) (wireForsendelse, string) {
		var f wireForsendelse
		if err := json.Unmarshal(meta, &f); err != nil {
			return f, fmt.Sprintf("Ugyldig forsendelse: %v", err)
		}
		return f, validate(&f)
	})
}

// sendV3 is v3's send: POST /api/v3/kontoer/{konto}/forsendelser/{person|organisasjon|print}.
func (s *Server) sendV3(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if _, ok := v3Fields[kind]; !ok {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
		return
	}
	s.receive(w, r, "v3", kind, func(meta []byte) (wireForsendelse, string) { return decodeV3(kind, meta) })
}

// receive reads a multipart send: the forsendelse part, checked and decoded by decode,
// then one part per document.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, version, kind string, decode func([]byte) (wireForsendelse, string)) {
	konto := r.PathValue("konto")
	if !s.konto(w, r, konto) {
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		bad(w, r, "Forventet multipart/form-data")
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "forsendelse" {
		bad(w, r, "Første del må være forsendelse (JSON)")
		return
	}
	meta, err := io.ReadAll(io.LimitReader(part, 1<<20))
	if err != nil {
		bad(w, r, "Kunne ikke lese forsendelse")
		return
	}
	f, msg := decode(meta)
	if msg != "" {
		bad(w, r, "%s", msg)
		return
	}
	kryptert := f.Kryptert
	id := uuid.NewString()
	stored := &Forsendelse{ID: id, Konto: konto, Tittel: f.Tittel, Kryptert: kryptert, Metadata: meta, wire: f, mottatt: s.opts.Now(),
		APIVersion: version, Endpoint: kind}
	stored.EksternReferanse = f.EksternReferanse
	stored.DigitalID = f.Mottaker.DigitalID
	docs := f.Dokumenter
	cleanup := func() {
		for _, d := range stored.Dokumenter {
			os.Remove(d.path)
		}
	}
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			if i != len(docs) {
				cleanup()
				bad(w, r, "Forsendelsen har %d dokumenter, men %d filer ble sendt", len(docs), i)
				return
			}
			break
		}
		if err != nil {
			cleanup()
			bad(w, r, "Ugyldig multipart: %v", err)
			return
		}
		if i >= len(docs) {
			cleanup()
			bad(w, r, "Flere filer enn dokumenter")
			return
		}
		if part.FileName() != docs[i].Filnavn {
			cleanup()
			bad(w, r, "Fil %d har filnavn %q, men dokument %d heter %q (filene må komme i samme rekkefølge som dokumentene)", i+1, part.FileName(), i+1, docs[i].Filnavn)
			return
		}
		d, err := s.store(part, docs[i], kryptert)
		if err != nil {
			cleanup()
			bad(w, r, "Dokument %q: %v", docs[i].Filnavn, err)
			return
		}
		stored.Dokumenter = append(stored.Dokumenter, d)
	}
	s.mu.Lock()
	s.byID[id] = stored
	s.order = append(s.order, id)
	s.setStatus(stored, "MOTTATT")
	if sys, ok := s.route(&f); ok {
		stored.Mottakersystem = sys
		s.setStatus(stored, "KLAR_FOR_MOTTAK")
	}
	s.mu.Unlock()
	writeJSON(w, map[string]string{"id": id})
}

// route finds the mottakersystem for a forsendelse (under s.mu).
func (s *Server) route(f *wireForsendelse) (string, bool) {
	if len(f.Mottaker.DigitalID) != 9 {
		return "", false
	}
	ids := make([]string, 0, len(s.systems))
	for id := range s.systems {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		m := s.systems[id]
		if m.Organisasjonsnummer == f.Mottaker.DigitalID && (m.Forsendelsestype == "" || m.Forsendelsestype == f.Forsendelsestype) {
			return id, true
		}
	}
	return "", false
}

func (s *Server) store(part io.Reader, d wireDokument, kryptert bool) (Dokument, error) {
	var src io.Reader = part
	if kryptert {
		dec, err := kryptering.NewDecrypter(part, kryptering.Key{Decrypter: s.key, Certificate: s.cert})
		if err != nil {
			return Dokument{}, fmt.Errorf("kunne ikke dekryptere: %v", err)
		}
		src = dec
	}
	f, err := os.CreateTemp(s.dir, "dok-")
	if err != nil {
		return Dokument{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		os.Remove(f.Name())
		return Dokument{}, err
	}
	if n == 0 {
		os.Remove(f.Name())
		return Dokument{}, fmt.Errorf("tom fil")
	}
	return Dokument{Filnavn: d.Filnavn, MimeType: d.MimeType, Storrelse: n, Sha256: hex.EncodeToString(h.Sum(nil)), path: f.Name()}, nil
}

// validate applies SvarUt's rules to the metadata; "" when valid.
func validate(f *wireForsendelse) string {
	if strings.TrimSpace(f.Tittel) == "" {
		return "tittel er påkrevd"
	}
	if len([]rune(f.Tittel)) > 1000 {
		return "tittel kan ha maks 1000 tegn"
	}
	if strings.TrimSpace(f.Mottaker.Navn) == "" {
		return "mottaker.navn er påkrevd"
	}
	digital := f.Mottaker.DigitalID
	switch len(digital) {
	case 0:
		if f.KunDigitalLevering {
			return "mottaker.digitalId er påkrevd for digital levering"
		}
	case 9:
		if _, err := ident.ParseOrganisasjonsnummer(digital); err != nil {
			return "mottaker.digitalId er ikke et gyldig organisasjonsnummer"
		}
	case 11:
		if _, err := ident.ParseFoedselsnummer(digital); err != nil {
			return "mottaker.digitalId er ikke et gyldig fødselsnummer"
		}
	default:
		return "mottaker.digitalId må være et fødselsnummer eller organisasjonsnummer"
	}
	if !f.KunDigitalLevering && (f.Mottaker.Adresselinje1 == "" || f.Mottaker.Postnummer == "" || f.Mottaker.Poststed == "") {
		return "mottaker må ha adresselinje1, postnummer og poststed når forsendelsen kan printes"
	}
	if a := f.SvarSendesTil; a != nil && (strings.TrimSpace(a.Navn) == "" || a.Adresselinje1 == "" || a.Postnummer == "" || a.Poststed == "") {
		return "svarSendesTil må ha navn, adresselinje1, postnummer og poststed"
	}
	if f.SvarPaForsendelseLink && (f.SvarSendesTil == nil || len(f.SvarSendesTil.DigitalID) != 9) {
		return "svarPaForsendelseLink krever svarSendesTil med organisasjonsnummer"
	}
	for _, id := range f.EksponertFor {
		_, e1 := ident.ParseOrganisasjonsnummer(id)
		_, e2 := ident.ParseFoedselsnummer(id)
		if e1 != nil && e2 != nil {
			return "eksponertFor må være fødselsnumre eller organisasjonsnumre"
		}
	}
	if len(f.EksternReferanse) > 100 {
		return "eksternReferanse kan ha maks 100 tegn"
	}
	if f.KrevNiva4Innlogging && !f.Kryptert {
		return "forsendelser som krever nivå 4 må være kryptert"
	}
	if len(f.Dokumenter) == 0 {
		return "forsendelsen må ha minst ett dokument"
	}
	seen := map[string]bool{}
	for _, d := range f.Dokumenter {
		switch {
		case d.Filnavn == "" || len([]rune(d.Filnavn)) > 226 || strings.ContainsAny(d.Filnavn, `*:"\/<>|?`):
			return fmt.Sprintf("ugyldig filnavn %q", d.Filnavn)
		case seen[strings.ToLower(d.Filnavn)]:
			return fmt.Sprintf("filnavn %q er brukt to ganger", d.Filnavn)
		case d.MimeType == "":
			return "dokument mangler mimeType"
		case d.MimeType != "application/pdf" && !f.KunDigitalLevering && !d.SkalEkskluderesFraUtskrift:
			return fmt.Sprintf("dokument %q har mimeType %s, som ikke kan printes: sett skalEkskluderesFraUtskrift eller kunDigitalLevering", d.Filnavn, d.MimeType)
		}
		seen[strings.ToLower(d.Filnavn)] = true
	}
	return ""
}

// statusSok is v2's hentStatuser: {"forsendelseIds": [...]}.
func (s *Server) statusSok(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ForsendelseIds []string `json:"forsendelseIds"`
	}
	s.statuses(w, r, &req, func() []string { return req.ForsendelseIds })
}

// statusSokV3 is v3's hentStatuser: {"id": [...]}, required.
func (s *Server) statusSokV3(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID []string `json:"id"`
	}
	s.statuses(w, r, &req, func() []string { return req.ID })
}

// statuses answers a status search whose body decodes into req, with ids from it.
func (s *Server) statuses(w http.ResponseWriter, r *http.Request, req any, ids func() []string) {
	konto := r.PathValue("konto")
	if !s.konto(w, r, konto) {
		return
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil || ids() == nil {
		bad(w, r, "Ugyldig status-søk")
		return
	}
	type st struct {
		ID                 string    `json:"id"`
		Status             string    `json:"status"`
		SisteStatusEndring time.Time `json:"sisteStatusEndring"`
	}
	out := struct {
		Statuser []st `json:"statuser"`
	}{Statuser: []st{}}
	s.mu.Lock()
	for _, id := range ids() {
		if f, ok := s.byID[id]; ok && f.Konto == konto {
			out.Statuser = append(out.Statuser, st{ID: id, Status: f.Status, SisteStatusEndring: f.hendelser[len(f.hendelser)-1].Tidspunkt})
		}
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Server) eksternRef(w http.ResponseWriter, r *http.Request) {
	konto := r.PathValue("konto")
	if !s.konto(w, r, konto) {
		return
	}
	ref := r.URL.Query().Get("eksternRef")
	if ref == "" {
		bad(w, r, "eksternRef er påkrevd")
		return
	}
	if s.opts.LookupAnswer != "" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, s.opts.LookupAnswer)
		return
	}
	ids := []string{}
	s.mu.Lock()
	listed := s.opts.Now().Add(-s.opts.ListDelay)
	for _, id := range s.order {
		if f := s.byID[id]; f.Konto == konto && f.EksternReferanse == ref && !f.mottatt.After(listed) {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"forsendelseIds": ids})
}

// eksternRefMetadata is finnForsendelserKnyttetTilEksternRefMedMetadata:
// {forsendelser: [{id, dato, avgivendeSystem}]}.
func (s *Server) eksternRefMetadata(w http.ResponseWriter, r *http.Request) {
	konto := r.PathValue("konto")
	if !s.konto(w, r, konto) {
		return
	}
	ref := r.URL.Query().Get("eksternRef")
	if ref == "" {
		bad(w, r, "eksternRef er påkrevd")
		return
	}
	out := []map[string]any{}
	s.mu.Lock()
	listed := s.opts.Now().Add(-s.opts.ListDelay)
	for _, id := range s.order {
		if f := s.byID[id]; f.Konto == konto && f.EksternReferanse == ref && !f.mottatt.After(listed) {
			e := map[string]any{"id": id, "dato": f.mottatt.UTC().Format(time.RFC3339Nano)}
			if f.wire.AvgivendeSystem != "" {
				e["avgivendeSystem"] = f.wire.AvgivendeSystem
			}
			out = append(out, e)
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"forsendelser": out})
}

func (s *Server) hendelser(w http.ResponseWriter, r *http.Request) {
	if f := s.forsendelse(w, r); f != nil {
		s.mu.Lock()
		h := slices.Clone(f.hendelser)
		s.mu.Unlock()
		writeJSON(w, map[string]any{"hendelser": h})
	}
}

func (s *Server) signering(w http.ResponseWriter, r *http.Request) {
	if f := s.forsendelse(w, r); f != nil {
		writeJSON(w, map[string]any{"hendelser": []any{}})
	}
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	f := s.forsendelse(w, r)
	if f == nil {
		return
	}
	type dm struct {
		Filnavn       string `json:"filnavn"`
		MimeType      string `json:"mimeType"`
		DokumentType  string `json:"dokumentType"`
		Storrelse     int64  `json:"storrelse"`
		Sha256Hash    string `json:"sha256Hash"`
		NedlasningURL string `json:"nedlasningUrl"`
		KanSigneres   bool   `json:"kanSigneres"`
	}
	out := []dm{}
	s.mu.Lock()
	for i, d := range f.Dokumenter {
		out = append(out, dm{Filnavn: d.Filnavn, MimeType: d.MimeType, Storrelse: d.Storrelse, Sha256Hash: d.Sha256,
			NedlasningURL: fmt.Sprintf("%s/api/v2/forsendelser/%s/dokumenter/%d", s.URL(), f.ID, i)})
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"dokumenter": out})
}

func (s *Server) lest(w http.ResponseWriter, r *http.Request) {
	f := s.forsendelse(w, r)
	if f == nil {
		return
	}
	var req struct {
		Fnr       string    `json:"fnr"`
		Tidspunkt time.Time `json:"tidspunkt"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		bad(w, r, "Ugyldig forespørsel")
		return
	}
	if _, err := ident.ParseFoedselsnummer(req.Fnr); err != nil {
		bad(w, r, "fnr må være et gyldig fødselsnummer")
		return
	}
	s.SetStatus(f.ID, "LEST")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) slett(w http.ResponseWriter, r *http.Request) {
	f := s.forsendelse(w, r)
	if f == nil {
		return
	}
	t := r.URL.Query().Get("slettetype")
	if t != "ORIGINALDOKUMENTER" && t != "ALLE" {
		bad(w, r, "slettetype må være ORIGINALDOKUMENTER eller ALLE")
		return
	}
	s.mu.Lock()
	for _, d := range f.Dokumenter {
		os.Remove(d.path)
	}
	f.Dokumenter = nil
	f.hendelser = append(f.hendelser, hendelse{Tidspunkt: s.opts.Now(), Hendelse: "Filer slettet (" + t + ")"})
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) forsendelsestyper(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t := slices.Clone(s.typer)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"forsendelsestyper": t})
}

func (s *Server) mottakersystem(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	type ms struct {
		ID                  string `json:"id"`
		Navn                string `json:"navn"`
		Organisasjonsnummer string `json:"organisasjonsnummer"`
		ForsendelseType     string `json:"forsendelseType"`
		Niva                int    `json:"niva"`
	}
	out := []ms{}
	s.mu.Lock()
	for _, m := range s.systems {
		if o := q.Get("organisasjonsnummer"); o != "" && o != m.Organisasjonsnummer {
			continue
		}
		if t := q.Get("forsendelseType"); t != "" && t != m.Forsendelsestype {
			continue
		}
		if n := q.Get("niva"); n != "" && n != strconv.Itoa(m.Niva) {
			continue
		}
		out = append(out, ms{ID: m.ID, Navn: m.Navn, Organisasjonsnummer: m.Organisasjonsnummer, ForsendelseType: m.Forsendelsestype, Niva: m.Niva})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b ms) int { return strings.Compare(a.ID, b.ID) })
	writeJSON(w, map[string]any{"mottakersystemer": out})
}

// basic checks SvarInn's Basic credentials.
func (s *Server) basic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pw, ok := r.BasicAuth()
		s.mu.Lock()
		m, known := s.systems[user]
		s.mu.Unlock()
		if !ok || !known || subtle.ConstantTimeCompare([]byte(pw), []byte(m.Passord)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="SvarInn"`)
			fikstest.WriteError(w, r, http.StatusUnauthorized, "Ugyldig brukernavn eller passord")
			return
		}
		r.Header.Set("X-Svaruttest-System", user)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) waiting(sys string) []*Forsendelse {
	var out []*Forsendelse
	for _, id := range s.order {
		if f := s.byID[id]; f.Mottakersystem == sys && f.Status == "KLAR_FOR_MOTTAK" {
			out = append(out, f)
		}
	}
	return out
}

// nye is V1's hentNyeForsendelser.
func (s *Server) nye(w http.ResponseWriter, r *http.Request) { listWaiting(s, w, r, s.svarinnWire) }

// listWaiting answers with the (at most 200) forsendelser waiting for the caller's
// mottakersystem, each as wire gives it (called under s.mu).
func listWaiting[T any](s *Server, w http.ResponseWriter, r *http.Request, wire func(*Forsendelse) T) {
	sys := r.Header.Get("X-Svaruttest-System")
	s.mu.Lock()
	list := s.waiting(sys)
	if len(list) > 200 {
		list = list[:200]
	}
	out := make([]T, 0, len(list))
	for _, f := range list {
		out = append(out, wire(f))
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Server) svarinnWire(f *Forsendelse) innForsendelse {
	ms := f.mottatt.UnixMilli()
	m := f.wire.Mottaker
	niva := "3"
	if f.wire.KrevNiva4Innlogging {
		niva = "4"
	}
	w := innForsendelse{
		ID: f.ID, Tittel: f.Tittel, Date: ms, Status: "KLAR_FOR_MOTTAK", Niva: niva,
		DownloadURL: s.URL() + "/tjenester/svarinn/forsendelse/" + f.ID,
		Mottaker: innMottaker{Navn: m.Navn, Orgnr: m.DigitalID, Adresse1: m.Adresselinje1, Adresse2: m.Adresselinje2, Adresse3: m.Adresselinje3,
			Postnr: m.Postnummer, Poststed: m.Poststed, Land: m.Land},
		Avsender:        &innAvsender{Navn: f.avsenderNavn()},
		ForsendelseType: f.wire.Forsendelsestype, EksternRef: f.wire.EksternReferanse, Korrelasjonsid: f.wire.Korrelasjonsid,
		AvgivendeSystem: f.wire.AvgivendeSystem, TaushetsbelagtPost: f.wire.TaushetsbelagtPost,
	}
	for _, d := range f.Dokumenter {
		sum := d.Sha256
		if f.noChecksum {
			sum = ""
		}
		w.Filmetadata = append(w.Filmetadata, innFilMetadata{Filnavn: d.Filnavn, Mimetype: d.MimeType, Sha256hash: sum, Size: d.Storrelse})
	}
	if w.Filmetadata == nil {
		w.Filmetadata = []innFilMetadata{}
	}
	return w
}

func (f *Forsendelse) avsenderNavn() string {
	if f.avsender != nil {
		return f.avsender.Navn
	}
	return "Konto " + f.Konto
}

func (s *Server) mine(w http.ResponseWriter, r *http.Request) *Forsendelse {
	sys := r.Header.Get("X-Svaruttest-System")
	s.mu.Lock()
	f, ok := s.byID[r.PathValue("id")]
	s.mu.Unlock()
	if !ok || f.Mottakersystem != sys {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke forsendelse")
		return nil
	}
	return f
}

// download is V1's: one file as itself, several as a zip.
func (s *Server) download(w http.ResponseWriter, r *http.Request) { s.serveFiles(w, r, false) }

// downloadV2 is V2's lastNedFiler: always a zip of the files.
func (s *Server) downloadV2(w http.ResponseWriter, r *http.Request) { s.serveFiles(w, r, true) }

func (s *Server) serveFiles(w http.ResponseWriter, r *http.Request, alwaysZip bool) {
	f := s.mine(w, r)
	if f == nil {
		return
	}
	s.mu.Lock()
	docs := slices.Clone(f.Dokumenter)
	cert := s.systems[f.Mottakersystem].Sertifikat
	f.Nedlastinger++
	s.mu.Unlock()
	if len(docs) == 0 {
		fikstest.WriteError(w, r, http.StatusGone, "Filene er slettet")
		return
	}
	name, ctype := docs[0].Filnavn, docs[0].MimeType
	if len(docs) > 1 || alwaysZip {
		name, ctype = f.ID+".zip", "application/zip"
	}
	if f.fault == ServerError {
		fikstest.WriteError(w, r, http.StatusInternalServerError, "Intern feil")
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	out := io.Writer(w)
	var spoiled bytes.Buffer
	if f.fault != NoFault {
		out = &spoiled
		defer func() { spoil(w, f.fault, spoiled.Bytes()) }()
	}
	if f.fault == NotCMS {
		w.Header().Set("Content-Type", "application/octet-stream")
		_ = copyFile(out, docs[0].path)
		return
	}
	enc, err := kryptering.NewEncrypter(out, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})
	if err != nil {
		fikstest.WriteError(w, r, http.StatusInternalServerError, "kryptering feilet")
		return
	}
	if len(docs) == 1 && !alwaysZip {
		if err := copyFile(enc, docs[0].path); err != nil {
			panic(http.ErrAbortHandler) // the client sees a broken download
		}
	} else {
		zw := zip.NewWriter(enc)
		for _, d := range docs {
			zf, err := zw.Create(d.Filnavn)
			if err == nil {
				err = copyFile(zf, d.path)
			}
			if err != nil {
				panic(http.ErrAbortHandler)
			}
		}
		if err := zw.Close(); err != nil {
			panic(http.ErrAbortHandler)
		}
	}
	if err := enc.Close(); err != nil {
		panic(http.ErrAbortHandler)
	}
}

// DownloadFault spoils the download of an injected forsendelse.
type DownloadFault int

const (
	// NoFault: the download is as SvarInn sends it.
	NoFault DownloadFault = iota
	// FlippedBit flips one bit in the middle of the encrypted file. AES-CBC cannot detect
	// it: only a checksum (or a zip entry's CRC) can.
	FlippedBit
	// NotCMS sends the file unencrypted, not as CMS.
	NotCMS
	// ServerError answers the download with 500.
	ServerError
	// Truncated sends the first half of the encrypted file, then closes the connection.
	Truncated
)

// Fil is one document of an injected forsendelse.
type Fil struct {
	Filnavn, MimeType string
	Innhold           []byte
}

// Innkommende is a forsendelse put straight into a mottakersystem's SvarInn queue, as any
// sender's system could have sent it: file names SvarUt's own send validation refuses
// (duplicates, names of any length) included, and with a spoiled download if asked.
type Innkommende struct {
	Mottakersystem string
	Tittel         string
	Filer          []Fil
	// WithoutChecksum lists no sha256hash for the files (older senders).
	WithoutChecksum bool
	// Fault spoils every download of it.
	Fault DownloadFault
	// AvgivendeSystem is the sending system ("EDIALOG" for what eDialog delivers).
	AvgivendeSystem string
	// Forsendelsestype is the forsendelse's type, if any.
	Forsendelsestype string
	// Niva4 requires the highest login level (HOYESTE, nivå 4).
	Niva4 bool
	// Avsender is the sender as SvarInn shows it (default "Konto <id>").
	Avsender *InnkommendeAvsender
}

// InnkommendeAvsender is the sender of an Innkommende.
type InnkommendeAvsender struct {
	Navn                                        string
	Organisasjonsnummer                         string
	Adresselinje1, Adresselinje2, Adresselinje3 string
	Postnummer, Poststed, Land                  string
}

// AddInnkommende queues in for its mottakersystem and returns the forsendelse id.
func (s *Server) AddInnkommende(in Innkommende) string {
	f := &Forsendelse{ID: uuid.NewString(), Tittel: in.Tittel, Status: "KLAR_FOR_MOTTAK", Mottakersystem: in.Mottakersystem,
		fault: in.Fault, noChecksum: in.WithoutChecksum, avsender: in.Avsender,
		wire: wireForsendelse{Tittel: in.Tittel, AvgivendeSystem: in.AvgivendeSystem, Forsendelsestype: in.Forsendelsestype, KrevNiva4Innlogging: in.Niva4}}
	for _, fil := range in.Filer {
		d, err := s.store(bytes.NewReader(fil.Innhold), wireDokument{Filnavn: fil.Filnavn, MimeType: fil.MimeType}, false)
		if err != nil {
			panic("svaruttest: " + err.Error())
		}
		f.Dokumenter = append(f.Dokumenter, d)
	}
	s.mu.Lock()
	f.mottatt = s.opts.Now()
	s.byID[f.ID] = f
	s.order = append(s.order, f.ID)
	s.mu.Unlock()
	return f.ID
}

// spoil applies f's download fault to the encrypted body.
func spoil(w http.ResponseWriter, fault DownloadFault, body []byte) {
	switch fault {
	case FlippedBit:
		body = bytes.Clone(body)
		body[len(body)/2] ^= 0x10
	case Truncated:
		_, _ = w.Write(body[:len(body)/2])
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write(body)
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func (s *Server) kvitter(w http.ResponseWriter, r *http.Request) {
	if f := s.mine(w, r); f != nil {
		s.acknowledge(f)
		w.WriteHeader(http.StatusOK)
	}
}

// acknowledge records a kvittering: the forsendelse is LEST and no longer listed.
func (s *Server) acknowledge(f *Forsendelse) {
	s.mu.Lock()
	f.Kvitteringer++
	s.setStatus(f, "LEST")
	s.mu.Unlock()
}

// failed records a failed mottak: permanent makes it IKKE_LEVERT (sent on by other
// channels); otherwise it stays listed, with the message in its history.
func (s *Server) failed(f *Forsendelse, melding string, permanent bool) {
	s.mu.Lock()
	f.Feilmeldinger = append(f.Feilmeldinger, melding)
	if permanent {
		s.setStatus(f, "IKKE_LEVERT")
	} else {
		f.hendelser = append(f.hendelser, hendelse{Tidspunkt: s.opts.Now(), Hendelse: "Mottak feilet: " + melding})
	}
	s.mu.Unlock()
}

func (s *Server) feilet(w http.ResponseWriter, r *http.Request) {
	f := s.mine(w, r)
	if f == nil {
		return
	}
	var req innImportFeil
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		bad(w, r, "Ugyldig mottakFeilet")
		return
	}
	s.failed(f, req.Feilmelding, req.Permanent)
	w.WriteHeader(http.StatusOK)
}
