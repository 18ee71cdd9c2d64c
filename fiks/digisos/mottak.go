package digisos

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/svarut"
)

// The channels an application comes by.
const (
	KanalFiksIO = "FIKS_IO"
	KanalSvarUt = "SVARUT"
)

// MetadataFilnavn is the file of a SvarUt forsendelse that makes it a DigiSos delivery.
const MetadataFilnavn = "forsendelseMetadata.json"

// Soknad is an application (or an ettersendelse to one) delivered to the case system.
type Soknad struct {
	// Kanal is KanalSvarUt or KanalFiksIO.
	Kanal string
	// DigisosID and EksternRef name the delivery; together they are its key (Key).
	DigisosID  string
	EksternRef string
	// SoknadLeveranse is set for an ettersendelse: where the application it belongs to
	// was delivered.
	SoknadLeveranse *Leveranse
	// LeveranseID is the channel's id of this delivery (the SvarUt forsendelse id).
	LeveranseID string
	// Filer are the delivery's files besides the metadata (soknad.json, vedlegg.json, the
	// PDF, attachments), readable while the handler runs.
	Filer []Dokumentfil
}

// Leveranse is where an application was delivered (soknadLeveranseId).
type Leveranse struct {
	SendtKanal string `json:"sendtKanal"`
	ID         string `json:"id"`
}

// Ettersendelse reports whether this delivery adds to an earlier application.
func (s *Soknad) Ettersendelse() bool { return s.SoknadLeveranse != nil }

// Key is what makes a delivery the same whichever channel brought it: DigisosId and
// eksternRef.
func (s *Soknad) Key() string { return s.DigisosID + "/" + s.EksternRef }

// Fil returns the delivery's file named navn, or nil.
func (s *Soknad) Fil(navn string) *Dokumentfil {
	for i := range s.Filer {
		if s.Filer[i].Navn == navn {
			return &s.Filer[i]
		}
	}
	return nil
}

// Innhold reads the application itself, soknad.json, checked against NAV's schema. An
// ettersendelse has none: ErrNotFound.
func (s *Soknad) Innhold() (*soknad.Soknad, error) {
	f := s.Fil(soknad.Filnavn)
	if f == nil {
		return nil, fmt.Errorf("digisos: the delivery has no %s: %w", soknad.Filnavn, ErrNotFound)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return soknad.Read(rc)
}

// VedleggSpesifikasjon reads vedlegg.json: which attachments came with the delivery
// (file names and SHA-512 sums), and which the applicant still owes.
func (s *Soknad) VedleggSpesifikasjon() (*soknad.VedleggSpesifikasjon, error) {
	f := s.Fil(soknad.VedleggFilnavn)
	if f == nil {
		return nil, fmt.Errorf("digisos: the delivery has no %s: %w", soknad.VedleggFilnavn, ErrNotFound)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return soknad.ReadVedlegg(rc)
}

// Dokumentfil is one file of a delivery.
type Dokumentfil struct {
	Navn string
	Size int64
	open func() (io.ReadCloser, error)
}

// Open reads the file.
func (d Dokumentfil) Open() (io.ReadCloser, error) { return d.open() }

// SoknadHandler handles one delivery; it should store what it needs before it returns nil.
type SoknadHandler func(ctx context.Context, s *Soknad) error

// Mottatt remembers the deliveries that were handled, by Key, so that one delivered
// twice (over FIKS IO and, after a missed acknowledgement, over SvarUt; or again after a
// restart) is handled once. Use a durable store in production; NewMemoryMottatt is for
// one process and tests.
type Mottatt interface {
	Handled(ctx context.Context, key string) (bool, error)
	MarkHandled(ctx context.Context, key string) error
}

type memoryMottatt struct {
	mu   sync.Mutex
	seen map[string]bool
}

// NewMemoryMottatt is a Mottatt in memory.
func NewMemoryMottatt() Mottatt { return &memoryMottatt{seen: map[string]bool{}} }

func (m *memoryMottatt) Handled(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen[key], nil
}

func (m *memoryMottatt) MarkHandled(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen[key] = true
	return nil
}

// ErrIkkeDigisos: a SvarUt forsendelse without forsendelseMetadata.json is not a DigiSos
// delivery; it is reported failed and left to whatever else reads the mottakersystem.
var ErrIkkeDigisos = errors.New("digisos: the forsendelse has no " + MetadataFilnavn)

// ErrMetadata: the delivery's metadata is not {eksternRef, digisosId[, soknadLeveranseId]}.
var ErrMetadata = errors.New("digisos: invalid delivery metadata")

// SvarInnOptions tune SvarInnHandler.
type SvarInnOptions struct {
	// Mottatt remembers what was handled (default: NewMemoryMottatt, one process only).
	Mottatt Mottatt
	// TempDir is where a forsendelse of several files (a zip) is kept while it is handled
	// (default os.TempDir()).
	TempDir string
}

// SvarInnHandler turns h into a svarut.Handler for Mottak.Receive: each DigiSos
// forsendelse (recognised by forsendelseMetadata.json) becomes a *Soknad. A delivery whose
// Key was handled before (Mottatt) is acknowledged without calling h. h is called, then
// the key is marked handled, then Receive acknowledges: a process stopped between h and
// the mark calls h again for it, so h must be idempotent by Key.
func SvarInnHandler(h SoknadHandler, opts *SvarInnOptions) svarut.Handler {
	var o SvarInnOptions
	if opts != nil {
		o = *opts
	}
	if o.Mottatt == nil {
		o.Mottatt = NewMemoryMottatt()
	}
	return func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		files, cleanup, err := svarInnFiles(fil, o.TempDir)
		if err != nil {
			return err
		}
		defer cleanup()
		s := &Soknad{Kanal: KanalSvarUt, LeveranseID: f.ID}
		var meta *Dokumentfil
		for i := range files {
			if files[i].Navn == MetadataFilnavn {
				meta = &files[i]
			} else {
				s.Filer = append(s.Filer, files[i])
			}
		}
		if meta == nil {
			return svarut.Permanent(ErrIkkeDigisos)
		}
		if err := readMetadata(*meta, s); err != nil {
			return svarut.Permanent(err)
		}
		return handleOnce(ctx, o.Mottatt, h, s)
	}
}

func handleOnce(ctx context.Context, store Mottatt, h SoknadHandler, s *Soknad) error {
	done, err := store.Handled(ctx, s.Key())
	if err != nil {
		return err
	}
	if done {
		return nil // delivered before (another channel, or again): acknowledged, not handled twice
	}
	if err := h(ctx, s); err != nil {
		return err
	}
	return store.MarkHandled(ctx, s.Key())
}

func readMetadata(d Dokumentfil, s *Soknad) error {
	rc, err := d.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	var m struct {
		EksternRef        string     `json:"eksternRef"`
		DigisosID         string     `json:"digisosId"`
		SoknadLeveranseID *Leveranse `json:"soknadLeveranseId"`
	}
	if err := json.NewDecoder(io.LimitReader(rc, 64<<10)).Decode(&m); err != nil {
		return fmt.Errorf("%w: %v", ErrMetadata, err)
	}
	switch {
	case strings.TrimSpace(m.EksternRef) == "":
		return fmt.Errorf("%w: eksternRef is required", ErrMetadata)
	case uuid.Validate(m.DigisosID) != nil:
		return fmt.Errorf("%w: digisosId is not a UUID", ErrMetadata)
	case m.SoknadLeveranseID != nil && m.SoknadLeveranseID.SendtKanal != KanalFiksIO && m.SoknadLeveranseID.SendtKanal != KanalSvarUt:
		return fmt.Errorf("%w: soknadLeveranseId.sendtKanal is FIKS_IO or SVARUT", ErrMetadata)
	}
	s.EksternRef, s.DigisosID, s.SoknadLeveranse = m.EksternRef, m.DigisosID, m.SoknadLeveranseID
	return nil
}

// svarInnFiles are the forsendelse's files: the one file itself (read into memory: a
// single file of a DigiSos forsendelse is its metadata), or the zip SvarInn sends for
// several, spooled to a temporary file and read entry by entry.
func svarInnFiles(fil *svarut.ReceivedFile, tempDir string) ([]Dokumentfil, func(), error) {
	if fil.ContentType != "application/zip" {
		b, err := io.ReadAll(io.LimitReader(fil, 1<<20))
		if err != nil {
			return nil, nil, err
		}
		if _, err := io.Copy(io.Discard, fil); err != nil { // check the integrity to the end
			return nil, nil, err
		}
		return []Dokumentfil{{Navn: fil.Filnavn, Size: int64(len(b)), open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(b)), nil
		}}}, func() {}, nil
	}
	tmp, err := os.CreateTemp(tempDir, "digisos-svarinn-*.zip")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, fil)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	zr, err := zip.NewReader(tmp, n)
	if err != nil {
		cleanup()
		return nil, nil, svarut.Permanent(fmt.Errorf("digisos: the forsendelse's zip cannot be read: %w", err))
	}
	var out []Dokumentfil
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		if strings.ContainsAny(zf.Name, `/\`) || strings.Contains(zf.Name, "..") {
			cleanup()
			return nil, nil, svarut.Permanent(fmt.Errorf("digisos: unsafe file name in the forsendelse: %q", zf.Name))
		}
		out = append(out, Dokumentfil{Navn: zf.Name, Size: int64(zf.UncompressedSize64), open: zf.Open})
	}
	return out, cleanup, nil
}

// The FIKS IO message types of protocol no.nav.digisos.fagsystem.v1.
const (
	TypeSoknad               = "no.nav.digisos.soknad.v1"
	TypeEttersendelse        = "no.nav.digisos.ettersendelse.v1"
	TypeSoknadMottatt        = "no.nav.digisos.soknad.mottatt.v1"
	TypeEttersendelseMottatt = "no.nav.digisos.ettersendelse.mottatt.v1"
)

// FiksIOOptions tune FiksIOHandler.
type FiksIOOptions struct {
	// Mottatt remembers what was handled: give the same store as SvarInnHandler's, so a
	// delivery that came both ways is handled once (default: NewMemoryMottatt).
	Mottatt Mottatt
	// Verify checks the container's signature (nil: the system roots).
	Verify *fiksio.VerifyOptions
}

// FiksIOHandler turns h into a fiksio.Handler for the municipality's DigiSos konto: each
// no.nav.digisos.soknad.v1 or .ettersendelse.v1 message becomes a *Soknad (its
// metadata, {eksternRef, digisosId[, soknadLeveranseId]} as the meldingstype catalogue
// defines it, is the container's JSON file that holds those fields; the other files are
// the delivery's), handled once per Key through Mottatt, answered with the matching
// .mottatt.v1 (no payload), and only then acknowledged by fiksio.Receive. Send the reply
// with send (usually the receiving fiksio.Client's Send).
func FiksIOHandler(h SoknadHandler, send func(context.Context, *fiksio.Melding) (*fiksio.SendtMelding, error), opts *FiksIOOptions) fiksio.Handler {
	var o FiksIOOptions
	if opts != nil {
		o = *opts
	}
	if o.Mottatt == nil {
		o.Mottatt = NewMemoryMottatt()
	}
	return func(ctx context.Context, m *fiksio.MottattMelding) error {
		var reply string
		switch m.Meldingstype {
		case TypeSoknad:
			reply = TypeSoknadMottatt
		case TypeEttersendelse:
			reply = TypeEttersendelseMottatt
		default:
			return fmt.Errorf("digisos: %s is not a DigiSos delivery", m.Meldingstype)
		}
		c, err := m.Container(ctx, o.Verify)
		if err != nil {
			return err
		}
		defer c.Close()
		s := &Soknad{Kanal: KanalFiksIO, LeveranseID: m.MeldingID}
		found := false
		for _, f := range c.Files {
			f := f
			d := Dokumentfil{Navn: f.Name, Size: f.Size, open: f.Open}
			if !found && strings.HasSuffix(strings.ToLower(f.Name), ".json") && f.Size < 64<<10 {
				if err := readMetadata(d, s); err == nil {
					found = true
					continue
				}
			}
			s.Filer = append(s.Filer, d)
		}
		if !found {
			return fmt.Errorf("%w: no file of the message holds eksternRef and digisosId", ErrMetadata)
		}
		if m.Meldingstype == TypeEttersendelse && s.SoknadLeveranse == nil {
			return fmt.Errorf("%w: an ettersendelse has soknadLeveranseId", ErrMetadata)
		}
		if err := handleOnce(ctx, o.Mottatt, h, s); err != nil {
			return err
		}
		r := m.Reply(reply)
		r.KlientMeldingID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("digisos-mottatt:"+m.MeldingID)).String()
		if _, err := send(ctx, r); err != nil {
			return fiksio.Requeue(fmt.Errorf("digisos: sending %s: %w", reply, err))
		}
		return nil
	}
}
