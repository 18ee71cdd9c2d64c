// Package digisosschema holds NAV's JSON Schemas (draft-06) for digisos-soker.json (the
// case status a municipality's case system sends to nav.no through Fiks Digisos),
// soknad.json (the application) and vedlegg.json (its attachments), copied by ../jsonembed
// from ../shared/specs/fiks/digisos/navikt-soknadsosialhjelp-filformat/json
// (navikt/soknadsosialhjelp-filformat@e7112daa, see SOURCES.md there) with the shared
// types they reference. fiks/digisos and fiks/digisos/soknad validate against them;
// ../jsontypegen writes fiks/digisos/soknad's types from them. Regenerate with `go generate ./internal/gen/...`; CI fails when stale.
package digisosschema

//go:generate go run ../jsonembed -o schemas.gen.go -pkg digisosschema -from "NAV's soknadsosialhjelp-filformat JSON Schemas" ../../../../shared/specs/fiks/digisos/navikt-soknadsosialhjelp-filformat/json digisos/soker soknad vedlegg types

// Base is the URL the schemas are registered under; refs resolve relative to it.
const Base = "https://navikt.github.io/soknadsosialhjelp-filformat/json/"

// Root is the digisos-soker.json schema's path under Base.
const Root = "digisos/soker/digisos-soker.json"
