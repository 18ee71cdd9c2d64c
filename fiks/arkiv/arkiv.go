// Package arkiv runs KS's Fiks Arkiv protocol (Fiks Protokoll no.ks.fiks.arkiv v1/v2)
// over FIKS IO: a case system (fagsystem) files, updates, searches and fetches in the
// municipality's archive with Client, and an archive system answers with Serve. The
// payloads are noark5/fiksarkiv's typed messages; the transport is fiks/fiksio.
//
// A request is one FIKS IO message to the archive's konto. The archive answers with a
// mottatt at once (for the arkivering messages), then with the final answer: a
// kvittering or resultat, or a feilmelding. Client correlates answers by the melding-id
// they answer (svarPaMelding) and returns the typed final answer, or the feilmelding as
// a *FeilmeldingError. Every request carries a klientMeldingId that stays the same when
// it is sent again, so an archive files a resent arkivmelding once.
package arkiv

import (
	"errors"
	"fmt"

	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// Sentinels, for errors.Is.
var (
	// ErrInvalidInput: the request was refused before anything was sent (*ValidationError).
	ErrInvalidInput = httpx.ErrInvalidInput
	// ErrUnknownOutcome: it is unknown whether the archive handled the request (no final
	// answer in time, or the upload's answer was lost): call again with the same
	// KlientMeldingID (*NoAnswerError).
	ErrUnknownOutcome = httpx.ErrUnknownOutcome
	// ErrUgyldigforespoersel: the archive refused the request as invalid
	// (feilmelding.ugyldigforespoersel).
	ErrUgyldigforespoersel = errors.New("arkiv: the archive refused the request as invalid")
	// ErrServerfeil: the archive failed to handle the request (feilmelding.serverfeil).
	ErrServerfeil = errors.New("arkiv: the archive failed")
	// ErrIkkefunnet: what the request names does not exist in the archive
	// (feilmelding.ikkefunnet).
	ErrIkkefunnet = errors.New("arkiv: not found in the archive")
	// ErrTidsavbrudd: FIKS IO says the archive did not read the request before its time to
	// live ran out (no.ks.fiks.kvittering.tidsavbrudd); nothing was handled.
	ErrTidsavbrudd = errors.New("arkiv: the archive did not read the request in time")
	// ErrFIKSIOServerfeil: FIKS IO could not deliver the request
	// (no.ks.fiks.kvittering.serverfeil.v1).
	ErrFIKSIOServerfeil = errors.New("arkiv: FIKS IO could not deliver the request")
	// ErrInvalidAnswer: the archive's answer is not a valid answer to the request
	// (*AnswerError).
	ErrInvalidAnswer = errors.New("arkiv: invalid answer from the archive")
	// ErrClosed: the Client was closed.
	ErrClosed = errors.New("arkiv: client closed")
)

// ValidationError lists what is wrong with a request; nothing was sent.
type ValidationError = httpx.ValidationError

// FeilmeldingError is the archive's feilmelding in answer to a request. It matches
// ErrUgyldigforespoersel, ErrServerfeil or ErrIkkefunnet.
type FeilmeldingError struct {
	// Op is the call, for example "arkiv.Arkiver".
	Op string
	// MeldingID is the melding-id of the request the archive answered.
	MeldingID   string
	Feilmelding *fiksarkiv.Feilmelding
}

func (e *FeilmeldingError) Error() string {
	return fmt.Sprintf("%s: the archive answered %s: %s (feilId %s)", e.Op, e.Feilmelding.Type, e.Feilmelding.Feilmelding, e.Feilmelding.FeilID)
}

// Is matches the sentinel of the feilmelding's kind.
func (e *FeilmeldingError) Is(target error) bool {
	switch e.Feilmelding.Type {
	case fiksarkiv.Ugyldigforespoersel:
		return target == ErrUgyldigforespoersel
	case fiksarkiv.Serverfeil:
		return target == ErrServerfeil
	case fiksarkiv.Ikkefunnet:
		return target == ErrIkkefunnet
	}
	return false
}

// NoAnswerError: no final answer came (in time, or at all): the request may or may not
// have been handled. Call again with the same KlientMeldingID; an archive that got the
// first one answers the second with what it did then.
type NoAnswerError struct {
	Op              string
	KlientMeldingID string
	// MeldingID is FIKS IO's id of the request, "" when the upload's answer was lost.
	MeldingID string
	// Mottatt: the archive said it received the request.
	Mottatt bool
	Err     error
}

func (e *NoAnswerError) Error() string {
	s := e.Op + ": no answer from the archive (klientMeldingId " + e.KlientMeldingID
	if e.MeldingID != "" {
		s += ", melding " + e.MeldingID
	}
	if e.Mottatt {
		s += ", mottatt"
	}
	s += ")"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s + "; send it again with the same KlientMeldingID"
}

// Unwrap returns Err.
func (e *NoAnswerError) Unwrap() error { return e.Err }

// Is matches ErrUnknownOutcome.
func (e *NoAnswerError) Is(target error) bool { return target == ErrUnknownOutcome }

// AnswerError is an answer that does not answer the request: a message type the request
// cannot be answered with, or a payload that cannot be read.
type AnswerError struct {
	Op           string
	Meldingstype string
	Err          error
}

func (e *AnswerError) Error() string {
	return fmt.Sprintf("%s: invalid answer %s: %v", e.Op, e.Meldingstype, e.Err)
}
func (e *AnswerError) Unwrap() error { return e.Err }

// Is matches ErrInvalidInput's counterpart ErrInvalidAnswer.
func (e *AnswerError) Is(target error) bool { return target == ErrInvalidAnswer }

// PlatformError is FIKS IO's own answer about a request: tidsavbrudd or serverfeil.v1.
type PlatformError struct {
	Op           string
	Meldingstype string
	MeldingID    string
}

func (e *PlatformError) Error() string {
	if e.Meldingstype == fiksarkiv.TypeTidsavbrudd {
		return e.Op + ": FIKS IO: the archive did not read melding " + e.MeldingID + " before it expired"
	}
	return e.Op + ": FIKS IO could not deliver melding " + e.MeldingID
}

// Is matches ErrTidsavbrudd or ErrFIKSIOServerfeil.
func (e *PlatformError) Is(target error) bool {
	if e.Meldingstype == fiksarkiv.TypeTidsavbrudd {
		return target == ErrTidsavbrudd
	}
	return target == ErrFIKSIOServerfeil
}

func invalid(op, field, problem string, err error) error {
	return &ValidationError{Op: op, Field: field, Problem: problem, Err: err}
}
