// Package digisos is the case system's side of Fiks Digisos, through which citizens apply
// for økonomisk sosialhjelp on nav.no and follow their case: the case status the
// municipality reports (digisos-soker.json, typed and checked against NAV's JSON Schema
// before anything is sent).
//
// The fagsystem API (digisos-sak-api-v1): Ny, OppdaterStatus, SlettStatus, Filer,
// SlettFiler, DokumentlagerSertifikat and LastOpp, the streaming upload that encrypts each
// document to Dokumentlager as it is sent. Receiving applications: FiksIOHandler (the
// preferred channel, protocol no.nav.digisos.fagsystem.v1, answered .mottatt.v1) and
// SvarInnHandler (the fallback, recognised by forsendelseMetadata.json) turn deliveries
// into *Soknad for one SoknadHandler, handled once per DigisosId and eksternRef through a
// shared Mottatt store whichever channel brought them. The fake is digisostest.
package digisos
