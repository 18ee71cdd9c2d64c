// Package navschema validates documents against NAV's soknadsosialhjelp-filformat JSON
// Schemas (draft-06, embedded by internal/gen/digisosschema), as NAV validates them, for
// fiks/digisos (digisos-soker.json) and fiks/digisos/soknad (soknad.json, vedlegg.json).
package navschema

import (
	"github.com/santhosh-tekuri/jsonschema/v6"

	schema "github.com/fellesklient/fellesklient/internal/gen/digisosschema"
	"github.com/fellesklient/fellesklient/internal/schemacheck"
)

// The schemas' paths under digisosschema.Base.
const (
	Soker   = "digisos/soker/digisos-soker.json"
	Soknad  = "soknad/soknad.json"
	Vedlegg = "vedlegg/vedleggSpesifikasjon.json"
)

// SchemaError is a document NAV's schema refuses; nothing was sent. It matches
// ErrInvalidInput.
type SchemaError = schemacheck.SchemaError

var set = &schemacheck.Set{Package: "digisos", Base: schema.Base, Files: schema.Files, Draft: jsonschema.Draft6}

// Validate checks b against the schema at root (Soker, Soknad or Vedlegg): nil or a
// *SchemaError naming dokument and listing every problem.
func Validate(root, dokument string, b []byte) error { return set.Validate(root, dokument, b) }
