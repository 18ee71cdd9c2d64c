// Package digisos is the case system's side of Fiks Digisos, through which citizens apply
// for økonomisk sosialhjelp on nav.no and follow their case: the case status the
// municipality reports (digisos-soker.json, typed and checked against NAV's JSON Schema
// before anything is sent).
//
// This version holds the digisos-soker.json model and its validation. Receiving
// applications (FIKS IO and SvarInn), the fagsystem API with encrypted uploads and the
// fake are to come.
package digisos

import "github.com/fellesklient/fellesklient/internal/httpx"

// ErrInvalidInput: the input was refused before anything was sent.
var ErrInvalidInput = httpx.ErrInvalidInput
