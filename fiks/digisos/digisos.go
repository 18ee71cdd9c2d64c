// Package digisos is the case system's side of Fiks Digisos, through which citizens apply
// for økonomisk sosialhjelp on nav.no and follow their case: the case status the
// municipality reports (digisos-soker.json, typed and checked against NAV's JSON Schema
// before anything is sent).
//
// The fagsystem API (digisos-sak-api-v1): Ny, OppdaterStatus, SlettStatus, Filer,
// SlettFiler, DokumentlagerSertifikat and LastOpp, the streaming upload that encrypts each
// document to Dokumentlager as it is sent. Receiving applications: SvarInnHandler turns the
// SvarUt fallback channel's forsendelser (recognised by forsendelseMetadata.json) into
// *Soknad, handled once per DigisosId and eksternRef (Mottatt); the FIKS IO channel is to
// come. The fake is digisostest.
package digisos
