package digisostest

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

// SoknadOptions describe a synthetic application (all optional).
type SoknadOptions struct {
	// Fnr is the applicant's identity number (default a synthetic one).
	Fnr string
	// Fornavn and Etternavn name the applicant (default Kari Nordmann).
	Fornavn, Etternavn string
	// Kommunenummer, Enhetsnummer and NavEnhetsnavn are the receiving NAV office
	// (default 0301, 0315, NAV Grünerløkka).
	Kommunenummer, Enhetsnummer, NavEnhetsnavn string
	// HvaSokesOm and HvorforSoke are the applicant's own words.
	HvaSokesOm, HvorforSoke string
	// Vedlegg are attachments by file name (default one kontoutskrift).
	Vedlegg map[string][]byte
	// Now is when it was sent (default time.Now).
	Now time.Time
}

// DefaultFnr is the synthetic applicant of a SoknadOptions without Fnr: a Tenor-style
// synthetic fødselsnummer (month + 80), never a real person.
const DefaultFnr = "01898012367"

// Levering is a delivery Fiks Digisos makes to a municipality: an application (or an
// ettersendelse to one) with the files NAV sends, soknad.json, vedlegg.json, the PDF and
// the attachments, plus the metadata that names it ({eksternRef, digisosId}).
type Levering struct {
	DigisosID  string
	EksternRef string
	// SoknadLeveranse is set for an ettersendelse: the delivery it adds to.
	SoknadLeveranse *digisos.Leveranse
	// Soknad is soknad.json (nil for an ettersendelse); Vedlegg is vedlegg.json.
	Soknad  *soknad.Soknad
	Vedlegg *soknad.VedleggSpesifikasjon
	// PDF is the application as the citizen saw it.
	PDF []byte
	// Filer are the attachments by name.
	Filer map[string][]byte
	order []string
}

// Leveranse is one delivery of a case as the fake made it.
type Leveranse struct {
	Kanal string // digisos.KanalFiksIO or digisos.KanalSvarUt
	// ID is the FIKS IO melding-id or the SvarUt forsendelse id.
	ID            string
	EksternRef    string
	Ettersendelse bool
	// Mottatt is when the case system's .mottatt.v1 arrived (FIKS IO), zero before.
	Mottatt time.Time
}

// NySoknad opens a case for fiksOrgID as an application from nav.no would and returns the
// delivery to make of it (DeliverFiksIO, DeliverSvarUt). Its soknad.json and vedlegg.json
// pass NAV's schemas.
func (s *Server) NySoknad(fiksOrgID string, opts *SoknadOptions) (*Levering, error) {
	var o SoknadOptions
	if opts != nil {
		o = *opts
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.Fnr, DefaultFnr)
	def(&o.Fornavn, "Kari")
	def(&o.Etternavn, "Nordmann")
	def(&o.Kommunenummer, "0301")
	def(&o.Enhetsnummer, "0315")
	def(&o.NavEnhetsnavn, "NAV Grünerløkka")
	def(&o.HvaSokesOm, "Penger til husleie og mat i desember")
	def(&o.HvorforSoke, "Jeg har mistet jobben og venter på dagpenger")
	if o.Vedlegg == nil {
		o.Vedlegg = map[string][]byte{"kontoutskrift.pdf": []byte("%PDF-1.7\nKontoutskrift november\n")}
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	str := func(v string) *string { return &v }
	f := false
	sok := &soknad.Soknad{
		Version: "1.0.0",
		Data: soknad.Data{
			Soknadstype: str("standard"),
			Personalia: soknad.Personalia{
				PersonIdentifikator: soknad.PersonIdentifikator{Kilde: "system", Verdi: soknad.Identifikator(o.Fnr)},
				Navn:                soknad.Sokernavn{Kilde: "system", Fornavn: o.Fornavn, Etternavn: o.Etternavn},
				Kontonummer:         soknad.Kontonummer{Kilde: soknad.KildeBruker},
			},
			Begrunnelse: soknad.Begrunnelse{Kilde: soknad.BrukerKildeBruker, HvaSokesOm: o.HvaSokesOm, HvorforSoke: str(o.HvorforSoke)},
			Familie:     &soknad.Familie{},
			Okonomi: soknad.Okonomi{
				Opplysninger: soknad.Okonomiopplysninger{Utbetaling: []soknad.OkonomiOpplysningUtbetaling{}, Utgift: []soknad.OkonomiOpplysningUtgift{}},
				Oversikt:     &soknad.Okonomioversikt{Inntekt: []soknad.OkonomioversiktInntekt{}, Utgift: []soknad.OkonomioversiktUtgift{}, Formue: []soknad.OkonomioversiktFormue{}},
			},
		},
		Innsendingstidspunkt: str(o.Now.UTC().Format("2006-01-02T15:04:05.000Z")),
		Mottaker:             soknad.Soknadsmottaker{Kommunenummer: &o.Kommunenummer, Enhetsnummer: &o.Enhetsnummer, NavEnhetsnavn: &o.NavEnhetsnavn},
		Driftsinformasjon:    soknad.Driftsinformasjon{UtbetalingerFraNavFeilet: &f, InntektFraSkatteetatenFeilet: f, StotteFraHusbankenFeilet: &f},
		Kompatibilitet:       []soknad.Kompatibilitet{},
	}
	l := &Levering{EksternRef: eksternRef(), Soknad: sok, Filer: map[string][]byte{},
		PDF: []byte("%PDF-1.7\nSøknad om økonomisk sosialhjelp\n" + o.HvaSokesOm + "\n")}
	l.addVedlegg(o.Vedlegg)
	if err := sok.Validate(); err != nil {
		return nil, err
	}
	if err := l.Vedlegg.Validate(); err != nil {
		return nil, err
	}
	l.DigisosID = s.AddSak(fiksOrgID)
	return l, nil
}

// Ettersendelse is more documentation for the application l was, sent later: a new
// eksternRef, the leveranse it adds to, vedlegg.json and the files, no soknad.json.
func (l *Levering) Ettersendelse(til Leveranse, vedlegg map[string][]byte) *Levering {
	e := &Levering{DigisosID: l.DigisosID, EksternRef: eksternRef(), Filer: map[string][]byte{},
		SoknadLeveranse: &digisos.Leveranse{SendtKanal: til.Kanal, ID: til.ID},
		PDF:             []byte("%PDF-1.7\nEttersendelse\n")}
	e.addVedlegg(vedlegg)
	return e
}

func eksternRef() string { return "11000" + uuid.NewString()[:4] }

func (l *Levering) addVedlegg(files map[string][]byte) {
	l.Vedlegg = &soknad.VedleggSpesifikasjon{Vedlegg: []soknad.Vedlegg{}}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sortStrings(names)
	typ, info, status := "kontooversikt", "brukskonto", "LastetOpp"
	v := soknad.Vedlegg{Type: &typ, Tilleggsinfo: &info, Status: &status, Filer: []soknad.Fil{}}
	for _, n := range names {
		n, b := n, files[n]
		sum := sha512.Sum512(b)
		hexsum := hex.EncodeToString(sum[:])
		v.Filer = append(v.Filer, soknad.Fil{Filnavn: &n, Sha512: &hexsum})
		l.Filer[n] = b
		l.order = append(l.order, n)
	}
	l.Vedlegg.Vedlegg = append(l.Vedlegg.Vedlegg, v)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Metadata is the delivery's {eksternRef, digisosId[, soknadLeveranseId]}.
func (l *Levering) Metadata() []byte {
	b, _ := json.Marshal(struct {
		EksternRef        string             `json:"eksternRef"`
		DigisosID         string             `json:"digisosId"`
		SoknadLeveranseID *digisos.Leveranse `json:"soknadLeveranseId,omitempty"`
	}{l.EksternRef, l.DigisosID, l.SoknadLeveranse})
	return b
}

type lfil struct {
	navn, mime string
	data       []byte
}

// files are the delivery's files in the order NAV sends them: metadata, soknad.json,
// vedlegg.json, the PDF, the attachments.
func (l *Levering) files() ([]lfil, error) {
	out := []lfil{{digisos.MetadataFilnavn, "application/json", l.Metadata()}}
	pdf := "Soknad.pdf"
	if l.Soknad != nil {
		b, err := json.Marshal(l.Soknad)
		if err != nil {
			return nil, err
		}
		out = append(out, lfil{soknad.Filnavn, "application/json", b})
	} else {
		pdf = "ettersendelse.pdf"
	}
	v, err := json.Marshal(l.Vedlegg)
	if err != nil {
		return nil, err
	}
	out = append(out, lfil{soknad.VedleggFilnavn, "application/json", v}, lfil{pdf, "application/pdf", l.PDF})
	for _, n := range l.order {
		out = append(out, lfil{n, "application/pdf", l.Filer[n]})
	}
	return out, nil
}

// ErrNoFIKSIO is DeliverFiksIO on a fake without Options.FIKSIO.
var ErrNoFIKSIO = errors.New("digisostest: the fake has no FIKS IO konto (Options.FIKSIO)")

// DeliverFiksIO sends l to the municipality's FIKS IO konto from Fiks Digisos's own
// (Options.FIKSIO), as no.nav.digisos.soknad.v1 or .ettersendelse.v1 of protocol
// no.nav.digisos.fagsystem.v1. The .mottatt.v1 answer is recorded in the case's
// Leveranser.
func (s *Server) DeliverFiksIO(ctx context.Context, l *Levering, kommuneKonto string) (Leveranse, error) {
	if s.opts.FIKSIO == nil {
		return Leveranse{}, ErrNoFIKSIO
	}
	files, err := l.files()
	if err != nil {
		return Leveranse{}, err
	}
	typ := digisos.TypeSoknad
	if l.SoknadLeveranse != nil {
		typ = digisos.TypeEttersendelse
	}
	m := &fiksio.Melding{MottakerKontoID: kommuneKonto, Meldingstype: typ}
	for _, f := range files {
		m.Filer = append(m.Filer, fiksio.Bytes(f.navn, f.data))
	}
	sent, err := s.opts.FIKSIO.Send(ctx, m)
	if err != nil {
		return Leveranse{}, err
	}
	lv := Leveranse{Kanal: digisos.KanalFiksIO, ID: sent.MeldingID, EksternRef: l.EksternRef, Ettersendelse: l.SoknadLeveranse != nil}
	s.addLeveranse(l.DigisosID, lv)
	return lv, nil
}

// DeliverSvarUt puts l into sv as a forsendelse for SvarInn mottakersystem, the way Fiks
// Digisos falls back to SvarUt: forsendelseMetadata.json first, then the files.
func (s *Server) DeliverSvarUt(sv *svaruttest.Server, mottakersystem string, l *Levering) (Leveranse, error) {
	files, err := l.files()
	if err != nil {
		return Leveranse{}, err
	}
	in := svaruttest.Innkommende{Mottakersystem: mottakersystem, Tittel: "Søknad om økonomisk sosialhjelp"}
	if l.SoknadLeveranse != nil {
		in.Tittel = "Ettersendelse til søknad om økonomisk sosialhjelp"
	}
	for _, f := range files {
		in.Filer = append(in.Filer, svaruttest.Fil{Filnavn: f.navn, MimeType: f.mime, Innhold: bytes.Clone(f.data)})
	}
	lv := Leveranse{Kanal: digisos.KanalSvarUt, ID: sv.AddInnkommende(in), EksternRef: l.EksternRef, Ettersendelse: l.SoknadLeveranse != nil}
	s.addLeveranse(l.DigisosID, lv)
	return lv, nil
}

func (s *Server) addLeveranse(digisosID string, lv Leveranse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := s.saker[digisosID]; k != nil {
		k.Leveranser = append(k.Leveranser, lv)
	}
}

// receiveMottatt records the case systems' .mottatt.v1 answers on Options.FIKSIO.
func (s *Server) receiveMottatt(ctx context.Context, m *fiksio.MottattMelding) error {
	if m.Meldingstype != digisos.TypeSoknadMottatt && m.Meldingstype != digisos.TypeEttersendelseMottatt {
		return nil // not for the fake: acknowledged, dropped
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.saker {
		for i := range k.Leveranser {
			if k.Leveranser[i].Kanal == digisos.KanalFiksIO && k.Leveranser[i].ID == m.SvarPaMelding && k.Leveranser[i].Mottatt.IsZero() {
				k.Leveranser[i].Mottatt = s.now()
				close(s.changedLocked())
				return nil
			}
		}
	}
	return nil
}

// AwaitMottatt waits until every FIKS IO delivery of the case has its .mottatt.v1.
func (s *Server) AwaitMottatt(ctx context.Context, digisosID string) error {
	for {
		s.mu.Lock()
		k := s.saker[digisosID]
		if k == nil {
			s.mu.Unlock()
			return fmt.Errorf("digisostest: no case %s", digisosID)
		}
		waiting := false
		for _, lv := range k.Leveranser {
			if lv.Kanal == digisos.KanalFiksIO && lv.Mottatt.IsZero() {
				waiting = true
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if !waiting {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// changedLocked returns the channel to close for a change and makes the next one.
func (s *Server) changedLocked() chan struct{} {
	ch := s.changed
	s.changed = make(chan struct{})
	return ch
}

func (s *Server) now() time.Time { return time.Now() }
