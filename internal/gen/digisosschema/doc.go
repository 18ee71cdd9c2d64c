// Package digisosschema holds NAV's JSON Schemas (draft-06) for digisos-soker.json, the
// case status a municipality's case system sends to nav.no through Fiks Digisos, copied
// by ./embedgen from ../shared/specs/fiks/digisos/navikt-soknadsosialhjelp-filformat/json
// (navikt/soknadsosialhjelp-filformat@e7112daa, see SOURCES.md there): the soker schema
// with its parts and the shared types it references. Package fiks/digisos validates
// against them. Regenerate with `go generate ./internal/gen/...`; CI fails when stale.
package digisosschema

//go:generate go run ./embedgen -o schemas.gen.go ../../../../shared/specs/fiks/digisos/navikt-soknadsosialhjelp-filformat/json digisos/soker types

// Base is the URL the schemas are registered under; refs resolve relative to it.
const Base = "https://navikt.github.io/soknadsosialhjelp-filformat/json/"

// Root is the digisos-soker.json schema's path under Base.
const Root = "digisos/soker/digisos-soker.json"
