// Package minside indexes what a municipality knows about its inhabitants in Fiks Innsyn,
// which shows it to them on Min side (minside.kommune.no): post, cases (mapper and
// journalposter), invoices and forms. Only metadata is indexed; documents stay where they
// are and are linked.
//
// The Index API v2 (innsyn-index-api-v2): [Client.Index] takes any number of meldinger,
// checks each one's metadata against its versjon's JSON Schema (KS's
// fiks-innsyn-json-schema, draft 2019-09, the custom int64 format included) before
// anything is sent, base64-encodes it as the API wants, and sends batches of at most 5000
// (PUT /innsyn-index/api/v2/indexRequest), retrying a batch Innsyn answers with 500 as KS
// documents ("send them all again"): a melding id overwrites, so a repeat is harmless.
// The delete API (innsyn-delete-api-v1): [Client.Slett] by melding id (synchronous, batches
// of 1000) and [Client.SlettEksternRef] by versjon and eksternRef (asynchronous, 202).
//
// Innsyn is a cache: an administrator may delete meldinger at any time, so an integration
// must be able to replay everything it has indexed. [Client.Reindex] is that replay: it
// pulls the meldinger of an organisation from the caller's source in pages and indexes
// them under their own melding ids, so that running it twice changes nothing.
//
// The integrasjon needs the privilege "Innsyn Index" on the Fiks organisation; without it
// Innsyn answers 403 with errorCode INNSYN.INTEGRASJON_IKKE_AUTORISERT_FOR_INDEX
// (ErrIkkeAutorisert). The fake is minsidetest.
package minside
