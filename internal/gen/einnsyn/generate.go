// Package einnsyn holds the wire types oapi-codegen generates from the eInnsyn OpenAPI
// document in ../shared/specs/einnsyn/openapi/einnsyn.openapi.yml. Regenerate with
// `go generate ./internal/gen/...`; CI fails when the committed code is stale.
//
// oapi-codegen v2.8.2 drops the allOf parent of a schema that also has properties of
// its own, so Journalpost here lacks what it inherits from Registrering and ArkivBase
// (offentligTittel, systemId, korrespondansepart, ...). The public package einnsyn is
// therefore hand-written; its tests check its types against the spec with allOf
// resolved, and its enum values against the constants generated here.
package einnsyn

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -config einnsyn.cfg.yaml ../../../../shared/specs/einnsyn/openapi/einnsyn.openapi.yml
