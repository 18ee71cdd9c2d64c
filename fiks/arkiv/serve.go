package arkiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// Request is one request to the archive, as Serve hands it to a handler.
type Request struct {
	// Melding is the FIKS IO message, with its headers (avsender, klientMeldingId, ...).
	Melding *fiksio.MottattMelding
	// Meldingstype is the request's type (the known typo read).
	Meldingstype string
	// Payload is the parsed payload.
	Payload *fiksarkiv.Melding
	// Files are the container's files besides the payload, by name; readable until the
	// handler returns.
	Files map[string]*fiksio.File

	cont *fiksio.Container
}

// Feil is a handler's answer that the request fails, sent as the feilmelding of Type
// (fiksarkiv.Ugyldigforespoersel, Serverfeil or Ikkefunnet). Any other error a handler
// returns is sent as a serverfeil without its text (it is logged), unless it is wrapped
// with fiksio.Requeue: then the request is delivered again.
type Feil struct {
	Type        string
	Feilmelding string
}

func (f *Feil) Error() string { return "arkiv: " + f.Type + ": " + f.Feilmelding }

// Fail is a *Feil of the given type.
func Fail(typ, format string, a ...any) *Feil {
	return &Feil{Type: typ, Feilmelding: fmt.Sprintf(format, a...)}
}

// The handlers an archive implements, one per request type. Serve answers a request whose
// handler is missing with feilmelding.ugyldigforespoersel.
type (
	// ArkivmeldingHandler files an arkivmelding (arkivering.arkivmelding.opprett, v1 and
	// v2). It must file a resent request (the same AvsenderKontoID and KlientMeldingID,
	// or the same referanseEksternNoekkel) once, answering it with what it did the first
	// time (opprettetEllerEksisterende Eksisterende).
	ArkivmeldingHandler interface {
		Arkiver(ctx context.Context, r *Request, am *fiksarkiv.Arkivmelding) (*fiksarkiv.Kvittering, error)
	}
	// OppdaterHandler updates (arkivering.arkivmelding.oppdater); success is answered with
	// the kvittering that has no payload. What the typed model does not hold is in
	// o.Ukjent and in r.Payload's document.
	OppdaterHandler interface {
		Oppdater(ctx context.Context, r *Request, o *fiksarkiv.ArkivmeldingOppdatering) error
	}
	// MappeHentHandler answers innsyn.mappe.hent.
	MappeHentHandler interface {
		HentMappe(ctx context.Context, r *Request, h *fiksarkiv.MappeHent) (*fiksarkiv.MappeHentResultat, error)
	}
	// RegistreringHentHandler answers innsyn.registrering.hent.
	RegistreringHentHandler interface {
		HentRegistrering(ctx context.Context, r *Request, h *fiksarkiv.RegistreringHent) (*fiksarkiv.RegistreringHentResultat, error)
	}
	// DokumentfilHentHandler answers innsyn.dokumentfil.hent with the file.
	DokumentfilHentHandler interface {
		HentDokumentfil(ctx context.Context, r *Request, h *fiksarkiv.DokumentfilHent) (fiksio.Fil, error)
	}
	// SokHandler answers innsyn.sok with the sok resultat of the search's responstype
	// (s.ResultatType()): a *fiksarkiv.Sokeresultat, *SokeresultatMinimum or
	// *SokeresultatNoekler.
	SokHandler interface {
		Sok(ctx context.Context, r *Request, s *fiksarkiv.Sok) (fiksarkiv.Payload, error)
	}
	// DokumentobjektHandler adds a file (arkivering.dokumentobjekt.opprett).
	DokumentobjektHandler interface {
		OpprettDokumentobjekt(ctx context.Context, r *Request, d *fiksarkiv.DokumentobjektOpprett) (*fiksarkiv.DokumentobjektOpprettKvittering, error)
	}
	// AvskrivningHandler signs journalposter off and undoes it (arkivering.avskrivning
	// opprett and slett; their kvitteringer have no payload).
	AvskrivningHandler interface {
		OpprettAvskrivning(ctx context.Context, r *Request, a *fiksarkiv.NyAvskrivning) error
		SlettAvskrivning(ctx context.Context, r *Request, a *fiksarkiv.SlettAvskrivning) error
	}
)

// ServeOptions tune Serve.
type ServeOptions struct {
	// Concurrency is how many requests are handled at once (default 1).
	Concurrency int
	// Verify checks the signature of incoming containers (nil: the system roots).
	Verify *fiksio.VerifyOptions
	Logger *slog.Logger
}

// Serve answers Fiks Arkiv requests on fio's konto until ctx ends. For each request it
// validates the payload (well-formed, the message's type, the typed model's rules, every
// referanseDokumentfil among the files), sends the mottatt at once where the type has
// one, calls the handler h implements for the type, sends the kvittering, resultat or
// feilmelding, and only then acknowledges the message. When an answer cannot be sent the
// request is delivered again, so a handler sees resends (Request.Melding.Resendt) and
// must answer them as it did the first time.
func Serve(ctx context.Context, fio *fiksio.Client, h any, opts *ServeOptions) error {
	if fio == nil || h == nil {
		return invalid("arkiv.Serve", "", "a FIKS IO client and a handler are required", nil)
	}
	var o ServeOptions
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{fio: fio, h: h, o: o}
	return fio.Receive(ctx, s.handle, &fiksio.ReceiveOptions{Concurrency: o.Concurrency})
}

type server struct {
	fio *fiksio.Client
	h   any
	o   ServeOptions
}

// replyID is the klientMeldingId of an answer: the same when the same answer is sent again.
func replyID(m *fiksio.MottattMelding, typ string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("fiks-arkiv:"+m.MeldingID+":"+typ)).String()
}

func (s *server) reply(ctx context.Context, m *fiksio.MottattMelding, typ string, filer ...fiksio.Fil) error {
	r := m.Reply(typ, filer...)
	r.KlientMeldingID = replyID(m, typ)
	if _, err := s.fio.Send(ctx, r); err != nil {
		return fiksio.Requeue(fmt.Errorf("arkiv: sending %s: %w", typ, err))
	}
	return nil
}

func (s *server) replyPayload(ctx context.Context, m *fiksio.MottattMelding, p *fiksarkiv.Melding) error {
	b, err := p.Bytes()
	if err != nil {
		return err
	}
	return s.reply(ctx, m, p.Meldingstype(), fiksio.Bytes(p.Filnavn(), b))
}

// replyTyped builds a handler's typed answer and sends it; an answer the model refuses is
// the archive's fault: a serverfeil.
func (s *server) replyTyped(ctx context.Context, m *fiksio.MottattMelding, p fiksarkiv.Payload, versjon string) error {
	if p == nil {
		return errors.New("arkiv: the handler returned no answer")
	}
	if versjon != "" {
		setVersjon(p, versjon)
	}
	res, err := p.Melding()
	if err != nil {
		return fmt.Errorf("arkiv: the handler's answer is invalid: %w", err)
	}
	return s.replyPayload(ctx, m, res)
}

// setVersjon gives an answer the request's version when the handler left it empty.
func setVersjon(p fiksarkiv.Payload, v string) {
	if d, ok := p.(interface{ DefaultVersjon(string) }); ok {
		d.DefaultVersjon(v)
	}
}

func (s *server) feil(ctx context.Context, m *fiksio.MottattMelding, versjon, typ, text string) error {
	f := &fiksarkiv.Feilmelding{Type: typ, FeilID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("fiks-arkiv-feil:"+m.MeldingID)).String(), Feilmelding: text}
	f.Versjon = versjon
	p, err := f.Melding()
	if err != nil {
		return err
	}
	b, err := p.Bytes()
	if err != nil {
		return err
	}
	return s.reply(ctx, m, f.Meldingstype(), fiksio.Bytes("feilmelding.xml", b))
}

// mottattFor is the mottatt type of a request type, "" when it has none.
func mottattFor(t string) string {
	if fiksarkiv.KnownType(t+".mottatt") && strings.Contains(t, ".arkivering.") {
		return t + ".mottatt"
	}
	return ""
}

func (s *server) handle(ctx context.Context, m *fiksio.MottattMelding) error {
	t := fiksarkiv.NormalizeType(m.Meldingstype)
	log := s.o.Logger.With(slog.String("meldingstype", t), slog.String("meldingId", m.MeldingID))
	versjon := fiksarkiv.V1
	if strings.HasPrefix(t, "no.ks.fiks.arkiv.v2.") {
		versjon = fiksarkiv.V2
	}
	if !fiksarkiv.KnownType(t) || fiksarkiv.PayloadFilnavn(t) == "" || !strings.HasPrefix(t, "no.ks.fiks.arkiv.") || isAnswer(t) {
		log.Warn("fiks arkiv: not a request this archive answers")
		return s.feil(ctx, m, versjon, fiksarkiv.Ugyldigforespoersel, "Meldingstypen "+t+" er ikke en forespørsel til arkivet")
	}
	req, err := s.open(ctx, m, t)
	if err != nil {
		var f *Feil
		if errors.As(err, &f) {
			log.Info("fiks arkiv: invalid request", slog.String("feil", f.Feilmelding))
			return s.feil(ctx, m, versjon, f.Type, f.Feilmelding)
		}
		return err
	}
	defer req.cont.Close()
	versjon = req.Payload.Versjon()
	if mt := mottattFor(t); mt != "" {
		if err := s.reply(ctx, m, mt); err != nil {
			return err
		}
	}
	err = s.dispatch(ctx, req, t)
	if err == nil {
		return nil
	}
	var f *Feil
	switch {
	case errors.As(err, &f):
		return s.feil(ctx, m, versjon, f.Type, f.Feilmelding)
	case fiksio.IsRequeue(err):
		return err
	default:
		log.Error("fiks arkiv: the handler failed", slog.Any("error", err))
		return s.feil(ctx, m, versjon, fiksarkiv.Serverfeil, "Arkivet kunne ikke behandle meldingen")
	}
}

func isAnswer(t string) bool {
	for _, s := range []string{".mottatt", ".kvittering", ".resultat", ".utvidet", ".minimum", ".noekler"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return fiksarkiv.IsFeilmelding(t)
}

// open reads the container and the payload, and checks the payload against the type.
func (s *server) open(ctx context.Context, m *fiksio.MottattMelding, t string) (*Request, error) {
	if !m.HarPayload() {
		return nil, Fail(fiksarkiv.Ugyldigforespoersel, "Meldingen mangler payload")
	}
	cont, err := m.Container(ctx, s.o.Verify)
	if err != nil {
		if errors.Is(err, fiksio.ErrNoKey) {
			return nil, fiksio.Requeue(err)
		}
		return nil, Fail(fiksarkiv.Ugyldigforespoersel, "Meldingen kan ikke leses: %v", err)
	}
	req := &Request{Melding: m, Meldingstype: t, Files: map[string]*fiksio.File{}, cont: cont}
	ok := false
	defer func() {
		if !ok {
			cont.Close()
		}
	}()
	name := fiksarkiv.PayloadFilnavn(t)
	var payload *fiksio.File
	for _, f := range cont.Files {
		if f.Name == name {
			payload = f
		} else {
			req.Files[f.Name] = f
		}
	}
	if payload == nil {
		return nil, Fail(fiksarkiv.Ugyldigforespoersel, "Meldingen mangler %s", name)
	}
	rc, err := payload.Open()
	if err != nil {
		return nil, Fail(fiksarkiv.Ugyldigforespoersel, "%s kan ikke leses: %v", name, err)
	}
	p, err := fiksarkiv.Parse(rc)
	if err == nil {
		_, err = io.Copy(io.Discard, rc)
	}
	rc.Close()
	if err != nil {
		return nil, Fail(fiksarkiv.Ugyldigforespoersel, "%s er ugyldig: %v", name, err)
	}
	if got := p.Meldingstype(); got != t {
		return nil, Fail(fiksarkiv.Ugyldigforespoersel, "%s er en %s, ikke en %s", name, got, t)
	}
	req.Payload = p
	ok = true
	return req, nil
}

func (s *server) dispatch(ctx context.Context, r *Request, t string) error {
	m := r.Melding
	unsupported := Fail(fiksarkiv.Ugyldigforespoersel, "Arkivet støtter ikke %s", t)
	typed := func() (fiksarkiv.Payload, error) {
		p, err := r.Payload.Typed()
		if err != nil {
			return nil, Fail(fiksarkiv.Ugyldigforespoersel, "%v", err)
		}
		if _, err := p.Melding(); err != nil {
			return nil, Fail(fiksarkiv.Ugyldigforespoersel, "%v", err)
		}
		return p, nil
	}
	switch t {
	case fiksarkiv.TypeArkivmeldingOpprett, fiksarkiv.TypeArkivmeldingOpprettV2:
		h, ok := s.h.(ArkivmeldingHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		am := p.(*fiksarkiv.Arkivmelding)
		if err := checkFiles(am, r.Files); err != nil {
			return err
		}
		k, err := h.Arkiver(ctx, r, am)
		if err != nil {
			return err
		}
		k.Versjon = am.Versjon
		km, err := k.Melding()
		if err != nil {
			return err
		}
		return s.replyPayload(ctx, m, km)
	case fiksarkiv.TypeArkivmeldingOppdater, fiksarkiv.TypeArkivmeldingOppdaterV2:
		h, ok := s.h.(OppdaterHandler)
		if !ok {
			return unsupported
		}
		o, err := r.Payload.ArkivmeldingOppdatering()
		if err != nil {
			return Fail(fiksarkiv.Ugyldigforespoersel, "%v", err)
		}
		if len(o.Ukjent) == 0 {
			if _, err := o.Melding(); err != nil {
				return Fail(fiksarkiv.Ugyldigforespoersel, "%v", err)
			}
		}
		if err := h.Oppdater(ctx, r, o); err != nil {
			return err
		}
		return s.reply(ctx, m, t+".kvittering")
	case fiksarkiv.TypeMappeHent:
		h, ok := s.h.(MappeHentHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		res, err := h.HentMappe(ctx, r, p.(*fiksarkiv.MappeHent))
		if err != nil {
			return err
		}
		return s.replyTyped(ctx, m, res, p.(*fiksarkiv.MappeHent).Versjon)
	case fiksarkiv.TypeRegistreringHent:
		h, ok := s.h.(RegistreringHentHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		res, err := h.HentRegistrering(ctx, r, p.(*fiksarkiv.RegistreringHent))
		if err != nil {
			return err
		}
		return s.replyTyped(ctx, m, res, p.(*fiksarkiv.RegistreringHent).Versjon)
	case fiksarkiv.TypeDokumentfilHent:
		h, ok := s.h.(DokumentfilHentHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		f, err := h.HentDokumentfil(ctx, r, p.(*fiksarkiv.DokumentfilHent))
		if err != nil {
			return err
		}
		return s.reply(ctx, m, fiksarkiv.TypeDokumentfilHentResultat, f)
	case fiksarkiv.TypeSok:
		h, ok := s.h.(SokHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		res, err := h.Sok(ctx, r, p.(*fiksarkiv.Sok))
		if err != nil {
			return err
		}
		return s.replyTyped(ctx, m, res, p.(*fiksarkiv.Sok).Versjon)
	case fiksarkiv.TypeDokumentobjektOpprett:
		h, ok := s.h.(DokumentobjektHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		d := p.(*fiksarkiv.DokumentobjektOpprett)
		if r.Files[d.Dokumentobjekt.ReferanseDokumentfil] == nil {
			return Fail(fiksarkiv.Ugyldigforespoersel, "Filen %q finnes ikke i meldingen", d.Dokumentobjekt.ReferanseDokumentfil)
		}
		k, err := h.OpprettDokumentobjekt(ctx, r, d)
		if err != nil {
			return err
		}
		k.Versjon = d.Versjon
		km, err := k.Melding()
		if err != nil {
			return err
		}
		return s.replyPayload(ctx, m, km)
	case fiksarkiv.TypeAvskrivningOpprett, fiksarkiv.TypeAvskrivningSlett:
		h, ok := s.h.(AvskrivningHandler)
		if !ok {
			return unsupported
		}
		p, err := typed()
		if err != nil {
			return err
		}
		switch a := p.(type) {
		case *fiksarkiv.NyAvskrivning:
			err = h.OpprettAvskrivning(ctx, r, a)
		case *fiksarkiv.SlettAvskrivning:
			err = h.SlettAvskrivning(ctx, r, a)
		}
		if err != nil {
			return err
		}
		return s.reply(ctx, m, t+".kvittering")
	}
	return unsupported
}

// checkFiles: every dokumentobjekt names a file in the message, and every file is named.
func checkFiles(am *fiksarkiv.Arkivmelding, files map[string]*fiksio.File) error {
	names := make(map[string]bool, len(files))
	for n := range files {
		names[n] = true
	}
	missing, unnamed := matchFiles(am, names)
	switch {
	case missing != nil:
		return Fail(fiksarkiv.Ugyldigforespoersel, "referanseDokumentfil %q finnes ikke i meldingen", missing.ReferanseDokumentfil)
	case unnamed != "":
		return Fail(fiksarkiv.Ugyldigforespoersel, "Filen %q er ikke nevnt av noe dokumentobjekt", unnamed)
	}
	return nil
}
