// Package fiksarkivtest is a reference archive for the Fiks Arkiv protocol: an in-memory
// Noark 5 archive that answers over FIKS IO (arkiv.Serve) what a municipal archive
// answers, so that case-system developers test end to end with no archive vendor. It
// files saksmapper and journalposter with the numbers an archive gives (saksnummer
// year/sequence, journalpostnummer in the case, journalnummer), keeps the files on disk,
// files a resent request once (by avsender and klientMeldingId, and by
// referanseEksternNoekkel), answers hent, dokumentfil hent and sok, and refuses what a
// real archive refuses (a referanseDokumentfil not in the message, a parent mappe that
// does not exist) with the protocol's feilmeldinger. Faults are injected with
// Options.Before.
package fiksarkivtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// Options configure the reference archive.
type Options struct {
	// FIKSIO is the archive's FIKS IO client; its konto receives the requests (required).
	FIKSIO *fiksio.Client
	// Dir is where filed documents are kept (default a temporary directory, removed on
	// Close).
	Dir string
	// Before, when set, is called before each request is handled. Returning an error
	// injects a fault: an *arkiv.Feil is answered as that feilmelding, an error wrapped
	// with fiksio.Requeue has the request delivered again, any other is a serverfeil. It
	// may also block, to hold a request.
	Before func(ctx context.Context, r *arkiv.Request) error
	// Verify checks the requests' signatures (nil: the system roots).
	Verify *fiksio.VerifyOptions
	// Now is the archive's clock (default time.Now).
	Now func() time.Time
	// Logger gets what Serve logs (a handler's failure, refused requests).
	Logger *slog.Logger
}

// Saksmappe is a filed saksmappe (or mappe).
type Saksmappe struct {
	SystemID       string
	Saksnummer     fiksarkiv.Saksnummer
	Tittel         string
	EksternNoekkel *fiksarkiv.EksternNoekkel
	Saksdato       noark5.Dato
	Opprettet      time.Time
}

// Journalpost is a filed registrering or journalpost.
type Journalpost struct {
	SystemID          string
	Mappe             string // the saksmappe's systemID, "" for none
	Journalnummer     fiksarkiv.Journalnummer
	Journalpostnummer int
	Tittel            string
	EksternNoekkel    *fiksarkiv.EksternNoekkel
	Dokumenter        []Dokument
	Avskrevet         bool
	Opprettet         time.Time
}

// Dokument is a filed file.
type Dokument struct {
	// SystemID is the dokumentobjekt's systemID (what dokumentfil hent asks for).
	SystemID       string
	Dokumentnummer int
	Filnavn        string
	Size           int64
	SHA256         string
	path           string
}

// Arkiv is the reference archive. It implements every handler of package arkiv.
type Arkiv struct {
	opts   Options
	dir    string
	tmpDir bool
	cancel context.CancelFunc
	done   chan error

	mu         sync.Mutex
	mapper     []*Saksmappe
	poster     []*Journalpost
	answered   map[string]*fiksarkiv.Kvittering // avsender/klientMeldingId -> kvittering
	journalSeq map[int]int
	saksSeq    map[int]int
	requests   int
	filings    int
}

// NewServer starts the reference archive on opts.FIKSIO's konto. With t it is closed
// when the test ends (t may be nil: call Close).
func NewServer(t testing.TB, opts Options) *Arkiv {
	if opts.FIKSIO == nil {
		panic("fiksarkivtest: Options.FIKSIO is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Arkiv{opts: opts, dir: opts.Dir, answered: map[string]*fiksarkiv.Kvittering{}, journalSeq: map[int]int{}, saksSeq: map[int]int{}, done: make(chan error, 1)}
	if a.dir == "" {
		d, err := os.MkdirTemp("", "fiksarkivtest-")
		if err != nil {
			panic(err)
		}
		a.dir, a.tmpDir = d, true
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	go func() {
		a.done <- arkiv.Serve(ctx, opts.FIKSIO, a, &arkiv.ServeOptions{Concurrency: 2, Verify: opts.Verify, Logger: opts.Logger})
	}()
	if t != nil {
		t.Cleanup(a.Close)
	}
	return a
}

// Close stops answering and removes the files of a temporary Dir.
func (a *Arkiv) Close() {
	if a.cancel == nil {
		return
	}
	a.cancel()
	<-a.done
	a.cancel = nil
	if a.tmpDir {
		os.RemoveAll(a.dir)
	}
}

// Mapper are the filed saksmapper.
func (a *Arkiv) Mapper() []Saksmappe {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Saksmappe, len(a.mapper))
	for i, m := range a.mapper {
		out[i] = *m
	}
	return out
}

// Journalposter are the filed journalposter.
func (a *Arkiv) Journalposter() []Journalpost {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Journalpost, len(a.poster))
	for i, p := range a.poster {
		out[i] = *p
		out[i].Dokumenter = append([]Dokument(nil), p.Dokumenter...)
	}
	return out
}

// Requests counts the requests handled (resends too); Filings counts the arkivmeldinger
// that filed something new.
func (a *Arkiv) Requests() int { a.mu.Lock(); defer a.mu.Unlock(); return a.requests }

// Filings counts the arkivmeldinger that filed something new (a resend does not).
func (a *Arkiv) Filings() int { a.mu.Lock(); defer a.mu.Unlock(); return a.filings }

func (a *Arkiv) before(ctx context.Context, r *arkiv.Request) error {
	a.mu.Lock()
	a.requests++
	a.mu.Unlock()
	if a.opts.Before != nil {
		return a.opts.Before(ctx, r)
	}
	return nil
}

func same(a, b *fiksarkiv.EksternNoekkel) bool {
	return a != nil && b != nil && a.Fagsystem == b.Fagsystem && a.Noekkel == b.Noekkel
}

func (a *Arkiv) findMappe(ref *fiksarkiv.ReferanseTilMappe) *Saksmappe {
	for _, m := range a.mapper {
		switch {
		case ref.SystemID != "" && ref.SystemID == m.SystemID,
			ref.Saksnummer != nil && *ref.Saksnummer == m.Saksnummer,
			ref.MappeID != "" && ref.MappeID == m.Saksnummer.String(),
			same(ref.ReferanseEksternNoekkel, m.EksternNoekkel):
			return m
		}
	}
	return nil
}

func (a *Arkiv) findPost(ref *fiksarkiv.ReferanseTilRegistrering) *Journalpost {
	for _, p := range a.poster {
		switch {
		case ref.SystemID != "" && ref.SystemID == p.SystemID,
			ref.Journalnummer != nil && *ref.Journalnummer == p.Journalnummer,
			same(ref.ReferanseEksternNoekkel, p.EksternNoekkel):
			return p
		case ref.SaksJournalpostnummer != nil:
			if m := a.byID(p.Mappe); m != nil && m.Saksnummer == ref.SaksJournalpostnummer.Saksnummer && p.Journalpostnummer == ref.SaksJournalpostnummer.Journalpostnummer {
				return p
			}
		}
	}
	return nil
}

func (a *Arkiv) byID(systemID string) *Saksmappe {
	for _, m := range a.mapper {
		if m.SystemID == systemID {
			return m
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// Arkiver files an arkivmelding opprett.
// A failure files nothing.
func (a *Arkiv) Arkiver(ctx context.Context, r *arkiv.Request, am *fiksarkiv.Arkivmelding) (_ *fiksarkiv.Kvittering, err error) {
	if err := a.before(ctx, r); err != nil {
		return nil, err
	}
	key := r.Melding.AvsenderKontoID + "/" + r.Melding.KlientMeldingID
	a.mu.Lock()
	defer a.mu.Unlock()
	if k := a.answered[key]; k != nil && r.Melding.KlientMeldingID != "" {
		return eksisterende(k), nil
	}
	now := a.opts.Now().UTC()
	nm, np, ss, js := len(a.mapper), len(a.poster), a.saksSeq[now.Year()], a.journalSeq[now.Year()]
	defer func() {
		if err != nil {
			a.mapper, a.poster = a.mapper[:nm], a.poster[:np]
			a.saksSeq[now.Year()], a.journalSeq[now.Year()] = ss, js
		}
	}()
	tid := noark5.Tid(now)
	k := &fiksarkiv.Kvittering{Versjon: am.Versjon}
	created := false
	var mappe *Saksmappe
	if m := am.Mappe; m != nil {
		status := fiksarkiv.Opprettet
		if m.ReferanseEksternNoekkel != nil {
			mappe = a.findMappe(&fiksarkiv.ReferanseTilMappe{ReferanseEksternNoekkel: m.ReferanseEksternNoekkel})
		}
		if mappe != nil {
			status = fiksarkiv.Eksisterende
		} else {
			if m.ReferanseForeldermappe != nil && a.findMappe(m.ReferanseForeldermappe) == nil {
				return nil, arkiv.Fail(fiksarkiv.Ugyldigforespoersel, "Foreldermappen finnes ikke")
			}
			a.saksSeq[now.Year()]++
			mappe = &Saksmappe{SystemID: uuid.NewString(), Saksnummer: fiksarkiv.Saksnummer{Saksaar: now.Year(), Sakssekvensnummer: a.saksSeq[now.Year()]},
				Tittel: m.Tittel, EksternNoekkel: m.ReferanseEksternNoekkel, Saksdato: noark5.NewDato(now.Year(), now.Month(), now.Day()), Opprettet: now}
			a.mapper = append(a.mapper, mappe)
			created = true
		}
		k.Mappe = &fiksarkiv.MappeKvittering{SystemID: mappe.SystemID, MappeID: mappe.Saksnummer.String(), OpprettetDato: &tid, OpprettetAv: "fiksarkivtest",
			ReferanseEksternNoekkel: mappe.EksternNoekkel, OpprettetEllerEksisterende: status, Saksmappe: true,
			Saksaar: ptr(mappe.Saksnummer.Saksaar), Sakssekvensnummer: ptr(mappe.Saksnummer.Sakssekvensnummer), Saksdato: &mappe.Saksdato}
	}
	if reg := am.Registrering; reg != nil {
		if reg.ReferanseForelderMappe != nil {
			mappe = a.findMappe(reg.ReferanseForelderMappe)
			if mappe == nil {
				return nil, arkiv.Fail(fiksarkiv.Ugyldigforespoersel, "Mappen registreringen skal i finnes ikke")
			}
		}
		var post *Journalpost
		if reg.ReferanseEksternNoekkel != nil {
			post = a.findPost(&fiksarkiv.ReferanseTilRegistrering{ReferanseEksternNoekkel: reg.ReferanseEksternNoekkel})
		}
		status := fiksarkiv.Eksisterende
		if post == nil {
			status = fiksarkiv.Opprettet
			if post, err = a.file(r, reg, mappe, now); err != nil {
				return nil, err
			}
			created = true
		}
		rk := &fiksarkiv.RegistreringKvittering{SystemID: post.SystemID, OpprettetDato: &tid, OpprettetAv: "fiksarkivtest", ArkivertDato: &tid, ArkivertAv: "fiksarkivtest",
			ReferanseEksternNoekkel: post.EksternNoekkel, OpprettetEllerEksisterende: status}
		for _, d := range post.Dokumenter {
			rk.Dokumentbeskrivelse = append(rk.Dokumentbeskrivelse, fiksarkiv.DokumentbeskrivelseKvittering{SystemID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(d.SystemID)).String(),
				Dokumentnummer: ptr(d.Dokumentnummer), Dokumentobjekt: []fiksarkiv.DokumentobjektKvittering{{SystemID: d.SystemID, Versjonsnummer: ptr(1), Variantformat: fiksarkiv.NewKode("A")}}})
		}
		if reg.Journalpost != nil {
			rk.Journalpost = true
			rk.Journalaar, rk.Journalsekvensnummer = ptr(post.Journalnummer.Journalaar), ptr(post.Journalnummer.Journalsekvensnummer)
			if post.Journalpostnummer > 0 {
				rk.Journalpostnummer = ptr(post.Journalpostnummer)
			}
			rk.Journalposttype = &reg.Journalpost.Journalposttype
			rk.Journalstatus = &fiksarkiv.Kode{Kode: "J", Beskrivelse: "Journalført"}
			rk.Journaldato = ptr(noark5.NewDato(now.Year(), now.Month(), now.Day()))
		}
		k.Registrering = rk
	}
	if r.Melding.KlientMeldingID != "" {
		a.answered[key] = k
	}
	if created {
		a.filings++
	}
	return k, nil
}

// eksisterende is a kvittering answered again: what was done the first time.
func eksisterende(k *fiksarkiv.Kvittering) *fiksarkiv.Kvittering {
	c := *k
	if k.Mappe != nil {
		m := *k.Mappe
		m.OpprettetEllerEksisterende = fiksarkiv.Eksisterende
		c.Mappe = &m
	}
	if k.Registrering != nil {
		r := *k.Registrering
		r.OpprettetEllerEksisterende = fiksarkiv.Eksisterende
		c.Registrering = &r
	}
	return &c
}

// file stores a registrering and its files. Called with a.mu held.
func (a *Arkiv) file(r *arkiv.Request, reg *fiksarkiv.Registrering, mappe *Saksmappe, now time.Time) (*Journalpost, error) {
	post := &Journalpost{SystemID: uuid.NewString(), Tittel: reg.Tittel, EksternNoekkel: reg.ReferanseEksternNoekkel, Opprettet: now}
	a.journalSeq[now.Year()]++
	post.Journalnummer = fiksarkiv.Journalnummer{Journalaar: now.Year(), Journalsekvensnummer: a.journalSeq[now.Year()]}
	if mappe != nil {
		post.Mappe = mappe.SystemID
		n := 0
		for _, p := range a.poster {
			if p.Mappe == mappe.SystemID {
				n++
			}
		}
		post.Journalpostnummer = n + 1
	}
	nr := 0
	for _, d := range reg.Dokumentbeskrivelse {
		nr++
		for _, o := range d.Dokumentobjekt {
			f := r.Files[o.ReferanseDokumentfil]
			doc, err := a.store(f, o.Filnavn)
			if err != nil {
				for _, d := range post.Dokumenter {
					os.Remove(d.path)
				}
				return nil, err
			}
			doc.Dokumentnummer = nr
			post.Dokumenter = append(post.Dokumenter, doc)
		}
	}
	a.poster = append(a.poster, post)
	return post, nil
}

// store copies a file of the message to the archive's disk, checking its digest as it
// goes.
func (a *Arkiv) store(f *fiksio.File, filnavn string) (Dokument, error) {
	id := uuid.NewString()
	path := filepath.Join(a.dir, id)
	rc, err := f.Open()
	if err != nil {
		return Dokument{}, err
	}
	defer rc.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Dokument{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		if errors.Is(err, fiksio.ErrDigest) {
			return Dokument{}, arkiv.Fail(fiksarkiv.Ugyldigforespoersel, "Filen %q stemmer ikke med manifestet", f.Name)
		}
		return Dokument{}, err
	}
	return Dokument{SystemID: id, Filnavn: filnavn, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), path: path}, nil
}

// Oppdater applies the title changes of an arkivmelding oppdater to the mappe or
// registrering it names, and answers ikkefunnet when there is none.
func (a *Arkiv) Oppdater(ctx context.Context, r *arkiv.Request, o *fiksarkiv.ArkivmeldingOppdatering) error {
	if err := a.before(ctx, r); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case o.Mappe != nil:
		m := a.findMappe(&o.Mappe.ReferanseTilMappe)
		if m == nil {
			return arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke mappen")
		}
		if o.Mappe.Tittel != "" {
			m.Tittel = o.Mappe.Tittel
		}
	case o.Registrering != nil:
		p := a.findPost(&o.Registrering.ReferanseTilRegistrering)
		if p == nil {
			return arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke registreringen")
		}
		if o.Registrering.Tittel != "" {
			p.Tittel = o.Registrering.Tittel
		}
	case o.Dokumentbeskrivelse != nil:
		ref := o.Dokumentbeskrivelse.ReferanseTilDokumentbeskrivelse
		if j := ref.JournalpostDokumentnummer; j == nil || a.findPost(&j.ReferanseTilJournalpost) == nil {
			return arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke dokumentbeskrivelsen")
		}
	}
	return nil
}

// arkivMappe is the saksmappe as the archive answers a hent: with its journalposter.
// Called with a.mu held.
func (a *Arkiv) arkivMappe(m *Saksmappe) *fiksarkiv.ArkivMappe {
	am := &fiksarkiv.ArkivMappe{SystemID: m.SystemID, MappeID: m.Saksnummer.String(), Tittel: m.Tittel, OpprettetDato: noark5.Tid(m.Opprettet),
		OpprettetAv: "fiksarkivtest", ReferanseEksternNoekkel: m.EksternNoekkel,
		Saksmappe: &fiksarkiv.ArkivSaksmappe{Saksaar: m.Saksnummer.Saksaar, Sakssekvensnummer: m.Saksnummer.Sakssekvensnummer, Saksdato: m.Saksdato,
			AdministrativEnhet: fiksarkiv.Identifikator{Navn: "Arkivet"}, Saksansvarlig: fiksarkiv.Identifikator{Navn: "fiksarkivtest"},
			Saksstatus: fiksarkiv.Kode{Kode: "B", Beskrivelse: "Under behandling"}}}
	for _, p := range a.poster {
		if p.Mappe == m.SystemID {
			am.Registreringer = append(am.Registreringer, *a.arkivJournalpost(p))
		}
	}
	return am
}

// arkivJournalpost is the journalpost as the archive answers a hent. Called with a.mu held.
func (a *Arkiv) arkivJournalpost(p *Journalpost) *fiksarkiv.ArkivRegistrering {
	t := noark5.Tid(p.Opprettet)
	r := &fiksarkiv.ArkivRegistrering{SystemID: p.SystemID, OpprettetDato: t, OpprettetAv: "fiksarkivtest", ArkivertDato: &t, ArkivertAv: "fiksarkivtest",
		Tittel: p.Tittel, ReferanseEksternNoekkel: p.EksternNoekkel,
		Journalpost: &fiksarkiv.ArkivJournalpost{Journalaar: p.Journalnummer.Journalaar, Journalsekvensnummer: p.Journalnummer.Journalsekvensnummer,
			Journalpostnummer: p.Journalpostnummer, Journalposttype: fiksarkiv.Kode{Kode: "U", Beskrivelse: "Utgående dokument"},
			Journalstatus: fiksarkiv.Kode{Kode: "J", Beskrivelse: "Journalført"}, Journaldato: noark5.NewDato(p.Opprettet.Year(), p.Opprettet.Month(), p.Opprettet.Day())}}
	if p.Mappe != "" {
		r.ReferanseForelderMappe = &fiksarkiv.ReferanseTilMappe{SystemID: p.Mappe}
	}
	// The schema requires an avskrivningsdato on every journalpost (an upstream oddity):
	// the journal date stands in until the journalpost is signed off.
	r.Journalpost.Avskrivningsdato = &r.Journalpost.Journaldato
	for _, d := range p.Dokumenter {
		som := "V"
		if d.Dokumentnummer == 1 {
			som = "H"
		}
		r.Dokumentbeskrivelse = append(r.Dokumentbeskrivelse, fiksarkiv.ArkivDokumentbeskrivelse{
			SystemID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(d.SystemID)).String(), Dokumenttype: fiksarkiv.Kode{Kode: "DOK"}, Dokumentstatus: fiksarkiv.Kode{Kode: "F"},
			Tittel: d.Filnavn, OpprettetDato: t, OpprettetAv: "fiksarkivtest", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: som}, Dokumentnummer: d.Dokumentnummer,
			TilknyttetDato: t, TilknyttetAv: "fiksarkivtest",
			Dokumentobjekt: []fiksarkiv.ArkivDokumentobjekt{{SystemID: d.SystemID, Versjonsnummer: 1, Variantformat: fiksarkiv.Kode{Kode: "A"}, Filnavn: d.Filnavn,
				Format: fiksarkiv.Kode{Kode: "ukjent"}, OpprettetDato: t, OpprettetAv: "fiksarkivtest", ReferanseDokumentfil: d.Filnavn,
				Sjekksum: d.SHA256, SjekksumAlgoritme: "SHA-256", Filstoerrelse: clampInt(d.Size)}}})
	}
	return r
}

// clampInt is n as the schema's xs:int filstoerrelse holds it.
func clampInt(n int64) int {
	if n > 1<<31-1 {
		return 1<<31 - 1
	}
	return int(n)
}

// HentMappe answers a mappe hent with the saksmappe and its journalposter.
func (a *Arkiv) HentMappe(ctx context.Context, r *arkiv.Request, h *fiksarkiv.MappeHent) (*fiksarkiv.MappeHentResultat, error) {
	if err := a.before(ctx, r); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.findMappe(h.ReferanseTilMappe)
	if m == nil {
		return nil, arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke mappen")
	}
	return &fiksarkiv.MappeHentResultat{Mappe: a.arkivMappe(m)}, nil
}

// HentRegistrering answers a registrering hent with the journalpost.
func (a *Arkiv) HentRegistrering(ctx context.Context, r *arkiv.Request, h *fiksarkiv.RegistreringHent) (*fiksarkiv.RegistreringHentResultat, error) {
	if err := a.before(ctx, r); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.findPost(h.ReferanseTilRegistrering)
	if p == nil {
		return nil, arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke registreringen")
	}
	return &fiksarkiv.RegistreringHentResultat{Registrering: a.arkivJournalpost(p)}, nil
}

// HentDokumentfil answers with the file of a dokumentobjekt.
func (a *Arkiv) HentDokumentfil(ctx context.Context, r *arkiv.Request, h *fiksarkiv.DokumentfilHent) (fiksio.Fil, error) {
	if err := a.before(ctx, r); err != nil {
		return fiksio.Fil{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.poster {
		for _, d := range p.Dokumenter {
			if d.SystemID == h.SystemID {
				return fiksio.Path(d.Filnavn, d.path), nil
			}
		}
	}
	return fiksio.Fil{}, arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke dokumentfilen")
}

// Sok answers a mappe or saksmappe search on mappeTittel (equal, or wildcardquery with
// *) with the saksmapper found, in the result the search's responstype asks for; other
// searches get an empty result.
func (a *Arkiv) Sok(ctx context.Context, r *arkiv.Request, s *fiksarkiv.Sok) (fiksarkiv.Payload, error) {
	if err := a.before(ctx, r); err != nil {
		return nil, err
	}
	def := s.Sokdefinisjon
	resultattype := fiksarkiv.ResultattypeMappe
	a.mu.Lock()
	defer a.mu.Unlock()
	var hits []*Saksmappe
	if def.Type == fiksarkiv.SokMappe || def.Type == fiksarkiv.SokSaksmappe {
		resultattype = fiksarkiv.ResultattypeSaksmappe
		for _, m := range a.mapper {
			if matches(def.Parametere, m.Tittel) {
				hits = append(hits, m)
			}
		}
	}
	var page []*Saksmappe
	for i, m := range hits {
		if i >= s.Skip && (s.Take <= 0 || i < s.Skip+s.Take) {
			page = append(page, m)
		}
	}
	switch def.Responstype {
	case fiksarkiv.ResponstypeUtvidet:
		res := &fiksarkiv.Sokeresultat{Side: fiksarkiv.Side{System: s.System, Take: s.Take, Skip: s.Skip, Count: len(hits), Resultattype: resultattype}}
		for _, m := range page {
			res.Resultater = append(res.Resultater, fiksarkiv.ResultatUtvidet{Mappe: a.arkivMappe(m)})
		}
		res.Versjon = s.Versjon
		return res, nil
	case fiksarkiv.ResponstypeNoekler:
		res := &fiksarkiv.SokeresultatNoekler{Side: fiksarkiv.Side{System: s.System, Take: s.Take, Skip: s.Skip, Count: len(hits), Resultattype: resultattype}}
		for _, m := range page {
			n := m.Saksnummer
			res.Resultater = append(res.Resultater, fiksarkiv.ResultatNoekler{Kind: "saksmappe", SystemID: m.SystemID, MappeID: n.String(),
				ReferanseEksternNoekkel: m.EksternNoekkel, Saksnummer: &n})
		}
		res.Versjon = s.Versjon
		return res, nil
	}
	res := &fiksarkiv.SokeresultatMinimum{Side: fiksarkiv.Side{System: s.System, Take: s.Take, Skip: s.Skip, Count: len(hits), Resultattype: resultattype}}
	for _, m := range page {
		res.Resultater = append(res.Resultater, fiksarkiv.ResultatMinimum{Mappe: &fiksarkiv.MappeMinimum{SystemID: m.SystemID, MappeID: m.Saksnummer.String(),
			Tittel: m.Tittel, ReferanseEksternNoekkel: m.EksternNoekkel, Saksmappe: &fiksarkiv.SaksmappeMinimum{Saksaar: m.Saksnummer.Saksaar,
				Sakssekvensnummer: m.Saksnummer.Sakssekvensnummer, Saksdato: m.Saksdato, AdministrativEnhet: fiksarkiv.Identifikator{Navn: "Arkivet"},
				Saksansvarlig: fiksarkiv.Identifikator{Navn: "fiksarkivtest"}, Saksstatus: fiksarkiv.Kode{Kode: "B", Beskrivelse: "Under behandling"}}}})
	}
	res.Versjon = s.Versjon
	return res, nil
}

// matches applies the mappeTittel parameters of a search.
func matches(params []fiksarkiv.Parameter, tittel string) bool {
	ok := true
	for _, p := range params {
		if p.Felt != "mappeTittel" {
			continue
		}
		any := false
		for _, want := range p.Verdier.Strings {
			switch p.Operator {
			case fiksarkiv.OperatorWildcardQuery:
				any = any || wildcard(strings.ToLower(want), strings.ToLower(tittel))
			default:
				any = any || strings.EqualFold(want, tittel)
			}
		}
		ok = ok && any
	}
	return ok
}

func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return s == ""
}

// OpprettDokumentobjekt adds a file to a filed document.
func (a *Arkiv) OpprettDokumentobjekt(ctx context.Context, r *arkiv.Request, d *fiksarkiv.DokumentobjektOpprett) (*fiksarkiv.DokumentobjektOpprettKvittering, error) {
	if err := a.before(ctx, r); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	j := d.ReferanseTilDokumentbeskrivelse.JournalpostDokumentnummer
	if j == nil {
		return nil, arkiv.Fail(fiksarkiv.Ikkefunnet, "Arkivet finner dokumentbeskrivelser bare ved journalpost og dokumentnummer")
	}
	p := a.findPost(&j.ReferanseTilJournalpost)
	if p == nil {
		return nil, arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke journalposten")
	}
	doc, err := a.store(r.Files[d.Dokumentobjekt.ReferanseDokumentfil], d.Dokumentobjekt.Filnavn)
	if err != nil {
		return nil, err
	}
	doc.Dokumentnummer = j.Dokumentnummer
	p.Dokumenter = append(p.Dokumenter, doc)
	t := noark5.Tid(a.opts.Now().UTC())
	return &fiksarkiv.DokumentobjektOpprettKvittering{SystemID: doc.SystemID, OpprettetDato: &t, OpprettetAv: "fiksarkivtest"}, nil
}

// OpprettAvskrivning signs a journalpost off.
func (a *Arkiv) OpprettAvskrivning(ctx context.Context, r *arkiv.Request, av *fiksarkiv.NyAvskrivning) error {
	return a.avskriv(ctx, r, av.ReferanseTilJournalpost, true)
}

// SlettAvskrivning undoes a sign-off.
func (a *Arkiv) SlettAvskrivning(ctx context.Context, r *arkiv.Request, av *fiksarkiv.SlettAvskrivning) error {
	return a.avskriv(ctx, r, av.ReferanseTilJournalpost, false)
}

func (a *Arkiv) avskriv(ctx context.Context, r *arkiv.Request, ref *fiksarkiv.ReferanseTilJournalpost, on bool) error {
	if err := a.before(ctx, r); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.findPost(ref)
	if p == nil {
		return arkiv.Fail(fiksarkiv.Ikkefunnet, "Fant ikke journalposten")
	}
	p.Avskrevet = on
	return nil
}
