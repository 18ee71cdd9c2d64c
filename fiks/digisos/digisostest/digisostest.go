// Package digisostest is an in-process fake of Fiks Digisos's fagsystem API: FIKS
// authentication, digisos-soker.json checked with NAV's schema as Fiks does before it
// accepts an update, the multipart upload parsed as it streams and every document
// decrypted with the fake's own Dokumentlager key, and the kommune's view of each case's
// history. It also plays Fiks Digisos's delivering side: NySoknad makes a synthetic
// application (soknad.json and vedlegg.json valid against NAV's schemas) for a case, and
// DeliverFiksIO / DeliverSvarUt deliver it to the case system over FIKS IO (from the
// fake's own konto, recording the .mottatt.v1) or into svaruttest for SvarInn.
package digisostest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
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
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// Options configure the fake.
type Options struct {
	// Maskinporten issues the tokens the fake accepts (required).
	Maskinporten *maskinportentest.Server
	// Plain serves HTTP instead of HTTPS (loopback only).
	Plain bool
	// Dir keeps the decrypted documents (default a temporary directory, removed on Close).
	Dir string
	// KeepEncrypted also keeps each document as it arrived (CMS, DER), as <id>.cms.
	KeepEncrypted bool
	// FIKSIO is Fiks Digisos's own FIKS IO client (optional): DeliverFiksIO sends
	// applications from its konto, and the fake receives the case systems' .mottatt.v1
	// answers on it until Close.
	FIKSIO *fiksio.Client
}

// Sak is a case as the fake holds it.
type Sak struct {
	DigisosID string
	FiksOrgID string
	// Soker is the fødselsnummer a case created with Ny was created for.
	Soker ident.Foedselsnummer
	// Historikk is every digisos-soker.json accepted, oldest first.
	Historikk []json.RawMessage
	Filer     []Fil
	// Leveranser are the deliveries the fake made of the case (DeliverFiksIO,
	// DeliverSvarUt), oldest first.
	Leveranser []Leveranse
}

// Fil is an uploaded file, decrypted.
type Fil struct {
	digisos.DokumentInfo
	Mimetype string
	SHA256   string
	// Path is the decrypted file; EncryptedPath the CMS as it arrived (KeepEncrypted).
	Path          string
	EncryptedPath string
}

// Server is the fake.
type Server struct {
	*fikstest.Server
	auth    *fikstest.Auth
	opts    Options
	dir     string
	ownDir  bool
	key     *rsa.PrivateKey
	cert    *x509.Certificate
	mu      sync.Mutex
	orgs    map[string]bool
	saker   map[string]*Sak
	uploads int
	changed chan struct{}
	stop    context.CancelFunc
	done    chan error
}

// NewServer starts the fake; with t it is closed when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.Maskinporten == nil {
		panic("digisostest: Options.Maskinporten is required")
	}
	s := &Server{auth: fikstest.NewAuth(opts.Maskinporten), opts: opts, orgs: map[string]bool{}, saker: map[string]*Sak{}, dir: opts.Dir,
		changed: make(chan struct{})}
	if s.dir == "" {
		d, err := os.MkdirTemp("", "digisostest-")
		if err != nil {
			panic(err)
		}
		s.dir, s.ownDir = d, true
	}
	s.key, s.cert = newDokumentlagerKey()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /digisos/api/v1/dokumentlager-public-key", s.publicKey)
	mux.HandleFunc("POST /digisos/api/v1/{org}/ny", s.ny)
	mux.HandleFunc("POST /digisos/api/v1/{org}/{id}", s.oppdater)
	mux.HandleFunc("DELETE /digisos/api/v1/{org}/{id}", s.slett)
	mux.HandleFunc("GET /digisos/api/v1/{org}/{id}/filer", s.filer)
	mux.HandleFunc("DELETE /digisos/api/v1/{org}/{id}/filer", s.slettFiler)
	mux.HandleFunc("POST /digisos/api/v1/{org}/{id}/filer", s.lastOpp)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})
	s.Server = fikstest.NewHTTPServer(s.auth.Require(mux), opts.Plain)
	if opts.FIKSIO != nil {
		ctx, stop := context.WithCancel(context.Background())
		s.stop, s.done = stop, make(chan error, 1)
		go func() { s.done <- opts.FIKSIO.Receive(ctx, s.receiveMottatt, nil) }()
	}
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Close stops the fake and removes its own folder.
func (s *Server) Close() {
	if s.stop != nil {
		s.stop()
		<-s.done
		s.stop = nil
	}
	s.Server.Close()
	if s.ownDir {
		os.RemoveAll(s.dir)
	}
}

func newDokumentlagerKey() (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "Fiks Dokumentlager (digisostest)"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// AddIntegrasjon lets an integrasjon call the fake.
func (s *Server) AddIntegrasjon(i fikstest.Integrasjon) { s.auth.Add(i) }

// AddOrg registers a municipality's Fiks organisation id.
func (s *Server) AddOrg(fiksOrgID string) {
	s.mu.Lock()
	s.orgs[fiksOrgID] = true
	s.mu.Unlock()
}

// AddSak opens a case (as an application from nav.no would) and returns its DigisosId.
func (s *Server) AddSak(fiksOrgID string) string {
	id := uuid.NewString()
	s.mu.Lock()
	s.saker[id] = &Sak{DigisosID: id, FiksOrgID: fiksOrgID}
	s.mu.Unlock()
	return id
}

// Sak is a copy of a case, nil when there is none.
func (s *Server) Sak(digisosID string) *Sak {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.saker[digisosID]
	if k == nil {
		return nil
	}
	c := *k
	c.Historikk = append([]json.RawMessage(nil), k.Historikk...)
	c.Filer = append([]Fil(nil), k.Filer...)
	c.Leveranser = append([]Leveranse(nil), k.Leveranser...)
	return &c
}

// DokumentlagerKey is the fake's Dokumentlager key (PEM files for openssl: WritePEM).
func (s *Server) DokumentlagerKey() (*rsa.PrivateKey, *x509.Certificate) { return s.key, s.cert }

// WritePEM writes the Dokumentlager key and certificate to dir, for openssl.
func (s *Server) WritePEM(dir string) (keyPath, certPath string, err error) {
	p8, err := x509.MarshalPKCS8PrivateKey(s.key)
	if err != nil {
		return "", "", err
	}
	keyPath, certPath = filepath.Join(dir, "dokumentlager.key"), filepath.Join(dir, "dokumentlager.crt")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600); err != nil {
		return "", "", err
	}
	return keyPath, certPath, os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cert.Raw}), 0o644)
}

func (s *Server) publicKey(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(s.cert.Raw)
}

// sak finds the case of a request, answering for it when there is none.
func (s *Server) sak(w http.ResponseWriter, r *http.Request) *Sak {
	org, id := r.PathValue("org"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgs[org] {
		fikstest.WriteError(w, r, http.StatusForbidden, "Integrasjonen har ikke tilgang til organisasjonen")
		return nil
	}
	k := s.saker[id]
	if k == nil || k.FiksOrgID != org {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ukjent digisosId")
		return nil
	}
	return k
}

func (s *Server) ny(w http.ResponseWriter, r *http.Request) {
	org := r.PathValue("org")
	s.mu.Lock()
	known := s.orgs[org]
	s.mu.Unlock()
	if !known {
		fikstest.WriteError(w, r, http.StatusForbidden, "Integrasjonen har ikke tilgang til organisasjonen")
		return
	}
	fnr, err := ident.ParseFoedselsnummer(r.URL.Query().Get("sokerFnr"))
	if err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "sokerFnr er ikke et gyldig fødselsnummer")
		return
	}
	id := uuid.NewString()
	s.mu.Lock()
	s.saker[id] = &Sak{DigisosID: id, FiksOrgID: org, Soker: fnr}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(id)
}

func (s *Server) oppdater(w http.ResponseWriter, r *http.Request) {
	k := s.sak(w, r)
	if k == nil {
		return
	}
	var body struct {
		Type string `json:"type"`
		Sak  struct {
			Soker json.RawMessage `json:"soker"`
		} `json:"sak"`
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err == nil {
		err = json.Unmarshal(b, &body)
	}
	switch {
	case err != nil:
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig JSON")
		return
	case body.Type != "no.nav.digisos.digisos.soker.v1":
		fikstest.WriteError(w, r, http.StatusBadRequest, "type må være no.nav.digisos.digisos.soker.v1")
		return
	}
	if err := digisos.ValidateJSON(body.Sak.Soker); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "digisos-soker.json validerer ikke: "+err.Error())
		return
	}
	s.mu.Lock()
	k.Historikk = append(k.Historikk, body.Sak.Soker)
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) slett(w http.ResponseWriter, r *http.Request) {
	k := s.sak(w, r)
	if k == nil {
		return
	}
	s.mu.Lock()
	k.Historikk = nil
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) filer(w http.ResponseWriter, r *http.Request) {
	k := s.sak(w, r)
	if k == nil {
		return
	}
	s.mu.Lock()
	out := make([]digisos.DokumentInfo, len(k.Filer))
	for i, f := range k.Filer {
		out[i] = f.DokumentInfo
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) slettFiler(w http.ResponseWriter, r *http.Request) {
	k := s.sak(w, r)
	if k == nil {
		return
	}
	ids := strings.Split(r.URL.Query().Get("filIder"), ",")
	s.mu.Lock()
	defer s.mu.Unlock()
	current := ""
	if n := len(k.Historikk); n > 0 {
		current = string(k.Historikk[n-1])
	}
	for _, id := range ids {
		if strings.Contains(current, `"`+id+`"`) {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Filen "+id+" er referert fra saken og kan ikke slettes")
			return
		}
	}
	var keep []Fil
	for _, f := range k.Filer {
		del := false
		for _, id := range ids {
			del = del || f.DokumentlagerDokumentID == id
		}
		if !del {
			keep = append(keep, f)
		}
	}
	k.Filer = keep
	w.WriteHeader(http.StatusNoContent)
}

// lastOpp reads the multipart body as it streams: metadata:<i>, then dokument:<i>,
// decrypted to disk with the Dokumentlager key and checked against the metadata's size.
func (s *Server) lastOpp(w http.ResponseWriter, r *http.Request) {
	k := s.sak(w, r)
	if k == nil {
		return
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Forventet multipart/form-data")
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	type meta struct {
		Filnavn   string `json:"filnavn"`
		Mimetype  string `json:"mimetype"`
		Storrelse int64  `json:"storrelse"`
	}
	metas := map[int]meta{}
	var added []Fil
	fail := func(status int, msg string) {
		for _, f := range added {
			os.Remove(f.Path)
			os.Remove(f.EncryptedPath)
		}
		fikstest.WriteError(w, r, status, msg)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(http.StatusBadRequest, "Ødelagt multipart")
			return
		}
		kind, num, ok := strings.Cut(p.FormName(), ":")
		i, err := strconv.Atoi(num)
		if !ok || err != nil {
			fail(http.StatusBadRequest, "Ukjent del "+p.FormName())
			return
		}
		switch kind {
		case "metadata":
			var m meta
			if err := json.NewDecoder(io.LimitReader(p, 64<<10)).Decode(&m); err != nil || m.Filnavn == "" || m.Mimetype == "" {
				fail(http.StatusBadRequest, "Ugyldig metadata:"+num)
				return
			}
			metas[i] = m
		case "dokument":
			m, ok := metas[i]
			if !ok {
				fail(http.StatusBadRequest, "dokument:"+num+" uten metadata:"+num+" foran")
				return
			}
			f, err := s.store(p, m.Filnavn, m.Mimetype)
			if err != nil {
				fail(http.StatusBadRequest, "dokument:"+num+" kan ikke dekrypteres: "+err.Error())
				return
			}
			added = append(added, f)
			if f.Storrelse != m.Storrelse {
				fail(http.StatusBadRequest, fmt.Sprintf("dokument:%s er %d byte, metadata sier %d", num, f.Storrelse, m.Storrelse))
				return
			}
		default:
			fail(http.StatusBadRequest, "Ukjent del "+p.FormName())
			return
		}
	}
	if len(added) == 0 || len(added) != len(metas) {
		fail(http.StatusBadRequest, "Hver metadata:<i> må ha sitt dokument:<i>")
		return
	}
	s.mu.Lock()
	k.Filer = append(k.Filer, added...)
	s.uploads++
	s.mu.Unlock()
	out := make([]digisos.DokumentInfo, len(added))
	for i, f := range added {
		out[i] = f.DokumentInfo
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) store(src io.Reader, filnavn, mimetype string) (Fil, error) {
	id := uuid.NewString()
	f := Fil{DokumentInfo: digisos.DokumentInfo{Filnavn: filnavn, DokumentlagerDokumentID: id}, Mimetype: mimetype, Path: filepath.Join(s.dir, id)}
	if s.opts.KeepEncrypted {
		f.EncryptedPath = filepath.Join(s.dir, id+".cms")
		enc, err := os.Create(f.EncryptedPath)
		if err != nil {
			return f, err
		}
		defer enc.Close()
		src = io.TeeReader(src, enc)
	}
	dec, err := kryptering.NewDecrypter(src, kryptering.Key{Decrypter: s.key, Certificate: s.cert})
	if err != nil {
		return f, err
	}
	out, err := os.Create(f.Path)
	if err != nil {
		return f, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), dec)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Path)
		return f, err
	}
	f.Storrelse, f.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return f, nil
}
