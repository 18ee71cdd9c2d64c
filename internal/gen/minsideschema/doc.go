// Package minsideschema holds KS's JSON Schemas (draft 2019-09) for the meldingMetadata
// of Fiks Innsyn (Min side) Index API v2, copied by ../jsonembed from
// ../shared/specs/fiks/minside-innsyn/jsonschema (ks-no/fiks-innsyn-json-schema@6d414357,
// see SOURCES.md there). fiks/minside validates against them and ../jsontypegen writes
// its types from them. Regenerate with `go generate ./...`; CI fails when stale.
package minsideschema

//go:generate go run ../jsonembed -o schemas.gen.go -pkg minsideschema -from "KS's fiks-innsyn-json-schema" ../../../../shared/specs/fiks/minside-innsyn/jsonschema domain types

// Base is the URL the schemas are published under (their $id); refs resolve relative to it.
const Base = "https://api.fiks.ks.no/innsyn/schema/"
