package digisos

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fellesklient/fellesklient/fiks/digisos/internal/navschema"
)

// Soker is digisos-soker.json: what the case system tells nav.no about a case, the whole
// history every time (POST replaces what was there).
type Soker struct {
	Version   string     `json:"version"`
	Avsender  Avsender   `json:"avsender"`
	Hendelser []Hendelse `json:"hendelser"`
}

// Avsender names the case system, for NAV's troubleshooting.
type Avsender struct {
	Systemnavn    string `json:"systemnavn,omitempty"`
	Systemversjon string `json:"systemversjon,omitempty"`
}

// Version is the schema version written when Soker.Version is empty.
const Version = "1.0.0"

// Hendelse is one event of the case: *SoknadsStatus, *TildeltNavKontor, *VedtakFattet,
// *DokumentasjonEtterspurt, *ForelopigSvar, *SaksStatus, *Utbetaling, *Vilkar,
// *Dokumentasjonkrav or *Rammevedtak.
type Hendelse interface {
	// Type is the hendelse's type as the schema spells it (soknadsStatus, ...).
	Type() string
	// Tidspunkt is when it happened (hendelsestidspunkt).
	Tidspunkt() time.Time
}

// Tid is a hendelsestidspunkt: written as NAV's schema wants it, UTC with milliseconds
// (2018-10-04T13:37:00.134Z).
type Tid time.Time

// MarshalJSON writes the schema's format.
func (t Tid) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z"))
}

// UnmarshalJSON reads an RFC 3339 time.
func (t *Tid) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*t = Tid(v)
	return nil
}

// Dato is a date, YYYY-MM-DD.
type Dato string

// NewDato is the date of t.
func NewDato(t time.Time) Dato { return Dato(t.Format("2006-01-02")) }

// Base holds what every hendelse has.
type Base struct {
	Hendelsestidspunkt Tid `json:"hendelsestidspunkt"`
}

// Tidspunkt is when the hendelse happened.
func (b Base) Tidspunkt() time.Time { return time.Time(b.Hendelsestidspunkt) }

// At is a Base for t.
func At(t time.Time) Base { return Base{Hendelsestidspunkt: Tid(t)} }

// Filreferanse points to a file: in Dokumentlager (uploaded with Client.LastOpp) or in a
// SvarUt forsendelse (its id and the file's 1-based number).
type Filreferanse struct {
	Type string `json:"type,omitempty"` // "dokumentlager" or "svarut"
	ID   string `json:"id,omitempty"`
	Nr   *int   `json:"nr,omitempty"`
}

// Dokumentlager is a reference to an uploaded file.
func Dokumentlager(id string) Filreferanse { return Filreferanse{Type: "dokumentlager", ID: id} }

// SvarUt is a reference to file nr (1-based) of a SvarUt forsendelse.
func SvarUt(forsendelseID string, nr int) Filreferanse {
	return Filreferanse{Type: "svarut", ID: forsendelseID, Nr: &nr}
}

// Vedlegg is an attachment the citizen can see.
type Vedlegg struct {
	Tittel    string       `json:"tittel,omitempty"`
	Referanse Filreferanse `json:"referanse"`
}

// Forvaltningsbrev is a letter to the citizen.
type Forvaltningsbrev struct {
	Referanse Filreferanse `json:"referanse"`
}

// Statuses and outcomes, as the schema's enums spell them.
const (
	SoknadMottatt         = "MOTTATT"
	SoknadUnderBehandling = "UNDER_BEHANDLING"
	SoknadFerdigbehandlet = "FERDIGBEHANDLET"
	SoknadBehandlesIkke   = "BEHANDLES_IKKE"

	SakUnderBehandling = "UNDER_BEHANDLING"
	SakIkkeInnsyn      = "IKKE_INNSYN"
	SakBehandlesIkke   = "BEHANDLES_IKKE"
	SakFeilregistrert  = "FEILREGISTRERT"

	Innvilget       = "INNVILGET"
	DelvisInnvilget = "DELVIS_INNVILGET"
	Avslatt         = "AVSLATT"
	Avvist          = "AVVIST"

	UtbetalingPlanlagt  = "PLANLAGT_UTBETALING"
	Utbetalt            = "UTBETALT"
	UtbetalingStoppet   = "STOPPET"
	UtbetalingAnnullert = "ANNULLERT"

	KravRelevant        = "RELEVANT"
	KravLevertTidligere = "LEVERT_TIDLIGERE"
	KravAnnullert       = "ANNULLERT"
	KravOppfylt         = "OPPFYLT"
	KravIkkeOppfylt     = "IKKE_OPPFYLT"
)

// SoknadsStatus: the application's status.
type SoknadsStatus struct {
	Base
	Status string `json:"status,omitempty"`
}

// TildeltNavKontor: the NAV office (its number) handling the case.
type TildeltNavKontor struct {
	Base
	NavKontor string `json:"navKontor,omitempty"`
}

// VedtakFattet: a decision, with its letter (a PDF).
type VedtakFattet struct {
	Base
	Saksreferanse string     `json:"saksreferanse,omitempty"`
	Utfall        string     `json:"utfall,omitempty"`
	Vedtaksfil    Vedtaksfil `json:"vedtaksfil"`
	Vedlegg       []Vedlegg  `json:"vedlegg,omitempty"`
}

// Vedtaksfil is the decision letter.
type Vedtaksfil struct {
	Referanse Filreferanse `json:"referanse"`
}

// DokumentasjonEtterspurt: documents the citizen is asked for.
type DokumentasjonEtterspurt struct {
	Base
	Forvaltningsbrev *Forvaltningsbrev `json:"forvaltningsbrev,omitempty"`
	Vedlegg          []Vedlegg         `json:"vedlegg,omitempty"`
	Dokumenter       []Dokument        `json:"dokumenter"`
}

// Dokument is one document asked for.
type Dokument struct {
	Dokumenttype        string `json:"dokumenttype,omitempty"`
	Tilleggsinformasjon string `json:"tilleggsinformasjon,omitempty"`
	Innsendelsesfrist   Tid    `json:"innsendelsesfrist"`
	Dokumentreferanse   string `json:"dokumentreferanse,omitempty"`
}

// ForelopigSvar: a provisional answer (the case takes longer).
type ForelopigSvar struct {
	Base
	Forvaltningsbrev Forvaltningsbrev `json:"forvaltningsbrev"`
	Vedlegg          []Vedlegg        `json:"vedlegg,omitempty"`
}

// SaksStatus: a case (sak) within the application, by the case system's reference.
type SaksStatus struct {
	Base
	Referanse string `json:"referanse,omitempty"`
	Tittel    string `json:"tittel,omitempty"`
	Status    string `json:"status,omitempty"`
}

// Utbetaling: a payment.
type Utbetaling struct {
	Base
	Utbetalingsreferanse  string   `json:"utbetalingsreferanse,omitempty"`
	Saksreferanse         string   `json:"saksreferanse,omitempty"`
	Rammevedtaksreferanse string   `json:"rammevedtaksreferanse,omitempty"`
	Status                string   `json:"status,omitempty"`
	Belop                 *float64 `json:"belop,omitempty"`
	Beskrivelse           string   `json:"beskrivelse,omitempty"`
	Forfallsdato          Dato     `json:"forfallsdato,omitempty"`
	Utbetalingsdato       Dato     `json:"utbetalingsdato,omitempty"`
	Fom                   Dato     `json:"fom,omitempty"`
	Tom                   Dato     `json:"tom,omitempty"`
	AnnenMottaker         *bool    `json:"annenMottaker,omitempty"`
	Mottaker              string   `json:"mottaker,omitempty"`
	Kontonummer           string   `json:"kontonummer,omitempty"`
	Utbetalingsmetode     string   `json:"utbetalingsmetode,omitempty"`
}

// Vilkar: a condition of a payment.
type Vilkar struct {
	Base
	Vilkarreferanse      string   `json:"vilkarreferanse,omitempty"`
	Saksreferanse        string   `json:"saksreferanse,omitempty"`
	Utbetalingsreferanse []string `json:"utbetalingsreferanse,omitempty"`
	Tittel               string   `json:"tittel,omitempty"`
	Beskrivelse          string   `json:"beskrivelse,omitempty"`
	Status               string   `json:"status,omitempty"`
}

// Dokumentasjonkrav: documentation required for a payment.
type Dokumentasjonkrav struct {
	Base
	Dokumentasjonkravreferanse string   `json:"dokumentasjonkravreferanse,omitempty"`
	Saksreferanse              string   `json:"saksreferanse,omitempty"`
	Utbetalingsreferanse       []string `json:"utbetalingsreferanse,omitempty"`
	Tittel                     string   `json:"tittel,omitempty"`
	Beskrivelse                string   `json:"beskrivelse,omitempty"`
	Frist                      *Tid     `json:"frist,omitempty"`
	Status                     string   `json:"status,omitempty"`
}

// Rammevedtak: a framework decision.
type Rammevedtak struct {
	Base
	Rammevedtaksreferanse string   `json:"rammevedtaksreferanse,omitempty"`
	Saksreferanse         string   `json:"saksreferanse,omitempty"`
	Beskrivelse           string   `json:"beskrivelse,omitempty"`
	Belop                 *float64 `json:"belop,omitempty"`
	Fom                   Dato     `json:"fom,omitempty"`
	Tom                   Dato     `json:"tom,omitempty"`
}

func (*SoknadsStatus) Type() string           { return "soknadsStatus" }
func (*TildeltNavKontor) Type() string        { return "tildeltNavKontor" }
func (*VedtakFattet) Type() string            { return "vedtakFattet" }
func (*DokumentasjonEtterspurt) Type() string { return "dokumentasjonEtterspurt" }
func (*ForelopigSvar) Type() string           { return "forelopigSvar" }
func (*SaksStatus) Type() string              { return "saksStatus" }
func (*Utbetaling) Type() string              { return "utbetaling" }
func (*Vilkar) Type() string                  { return "vilkar" }
func (*Dokumentasjonkrav) Type() string       { return "dokumentasjonkrav" }
func (*Rammevedtak) Type() string             { return "rammevedtak" }

var hendelseTyper = map[string]func() Hendelse{
	"soknadsStatus":           func() Hendelse { return &SoknadsStatus{} },
	"tildeltNavKontor":        func() Hendelse { return &TildeltNavKontor{} },
	"vedtakFattet":            func() Hendelse { return &VedtakFattet{} },
	"dokumentasjonEtterspurt": func() Hendelse { return &DokumentasjonEtterspurt{} },
	"forelopigSvar":           func() Hendelse { return &ForelopigSvar{} },
	"saksStatus":              func() Hendelse { return &SaksStatus{} },
	"utbetaling":              func() Hendelse { return &Utbetaling{} },
	"vilkar":                  func() Hendelse { return &Vilkar{} },
	"dokumentasjonkrav":       func() Hendelse { return &Dokumentasjonkrav{} },
	"rammevedtak":             func() Hendelse { return &Rammevedtak{} },
}

// MarshalJSON writes the document with each hendelse's type, the version defaulted.
func (s Soker) MarshalJSON() ([]byte, error) {
	hs := make([]json.RawMessage, len(s.Hendelser))
	for i, h := range s.Hendelser {
		if h == nil {
			return nil, fmt.Errorf("digisos: hendelser[%d] is nil", i)
		}
		b, err := json.Marshal(h)
		if err != nil {
			return nil, err
		}
		// {"type":"...", <the hendelse's fields>}
		t, _ := json.Marshal(h.Type())
		if len(b) > 2 {
			b = append(append(append([]byte(`{"type":`), t...), ','), b[1:]...)
		} else {
			b = append(append([]byte(`{"type":`), t...), '}')
		}
		hs[i] = b
	}
	v := s.Version
	if v == "" {
		v = Version
	}
	return json.Marshal(struct {
		Version   string            `json:"version"`
		Avsender  Avsender          `json:"avsender"`
		Hendelser []json.RawMessage `json:"hendelser"`
	}{v, s.Avsender, hs})
}

// UnmarshalJSON reads the document, each hendelse into its type.
func (s *Soker) UnmarshalJSON(b []byte) error {
	var raw struct {
		Version   string            `json:"version"`
		Avsender  Avsender          `json:"avsender"`
		Hendelser []json.RawMessage `json:"hendelser"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s.Version, s.Avsender, s.Hendelser = raw.Version, raw.Avsender, nil
	for i, r := range raw.Hendelser {
		var t struct {
			Type string `json:"type,omitempty"`
		}
		if err := json.Unmarshal(r, &t); err != nil {
			return fmt.Errorf("hendelser[%d]: %w", i, err)
		}
		mk, ok := hendelseTyper[t.Type]
		if !ok {
			return fmt.Errorf("hendelser[%d]: unknown type %q", i, t.Type)
		}
		h := mk()
		if err := json.Unmarshal(r, h); err != nil {
			return fmt.Errorf("hendelser[%d] (%s): %w", i, t.Type, err)
		}
		s.Hendelser = append(s.Hendelser, h)
	}
	return nil
}

// SchemaError is a document NAV's schema refuses (Dokument names it: digisos-soker.json
// here, soknad.json or vedlegg.json in package soknad); nothing was sent. It matches
// ErrInvalidInput.
type SchemaError = navschema.SchemaError

// ValidateJSON checks a digisos-soker.json document against NAV's schema (draft-06, as NAV
// validates it): the result is nil or a *SchemaError listing every problem.
func ValidateJSON(b []byte) error {
	return navschema.Validate(navschema.Soker, "digisos-soker.json", b)
}

// Validate checks s as NAV's schema would.
func (s *Soker) Validate() error {
	b, err := json.Marshal(s)
	if err != nil {
		return &SchemaError{Package: "digisos", Dokument: "digisos-soker.json", Problems: []string{err.Error()}}
	}
	return ValidateJSON(b)
}
