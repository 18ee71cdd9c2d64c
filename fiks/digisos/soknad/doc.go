// Package soknad is what a citizen submits through nav.no when applying for økonomisk
// sosialhjelp, as NAV's soknadsosialhjelp-filformat defines it: soknad.json (Soknad: the
// applicant's personalia, work, education, family, housing, income and expenses, and the
// reason) and vedlegg.json (VedleggSpesifikasjon: which attachments came, which were
// asked for and are still missing).
//
// The types are generated from NAV's JSON Schemas (draft-06) by
// internal/gen/jsontypegen: one struct per object schema, named by NAV's
// javaType (JsonPersonalia is Personalia) or by the property that holds it, one field per
// property. Optional objects, booleans and numbers are pointers, so an unanswered
// question stays distinguishable from false or 0. The four address types (gateadresse,
// matrikkeladresse, postboks, ustrukturert) are one Adresse whose Type says which fields
// are set. Validation-only rules (required-if, patterns) are the validator's: Read and
// Validate check a document against the same schemas NAV validates with.
//
// A case system receives these files with a delivery (digisos.Soknad.Innhold and
// .VedleggSpesifikasjon read them). The applicant's identity number is an Identifikator,
// masked wherever it is printed or logged.
package soknad

//go:generate go run ../../../internal/gen/jsontypegen -o soknad.gen.go -pkg soknad -from "NAV's soknadsosialhjelp-filformat JSON Schemas" ../../../../shared/specs/fiks/digisos/navikt-soknadsosialhjelp-filformat/json soknad/soknad.json:Soknad vedlegg/vedleggSpesifikasjon.json:VedleggSpesifikasjon
