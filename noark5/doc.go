// Package noark5 writes, reads and validates Noark 5 v5.0 extractions (arkivuttrekk):
// arkivstruktur.xml and its companions endringslogg.xml, loependeJournal.xml and
// offentligJournal.xml.
//
// The model (Arkiv, Arkivdel, Klassifikasjonssystem, Klasse, Mappe with Saksmappe and
// Moetemappe, Registrering with Journalpost, Arkivnotat and Moeteregistrering,
// Dokumentbeskrivelse, Dokumentobjekt, and the parts they carry) follows arkivstruktur.xsd
// v5.0: elements are written in the schema's order with the schema's types (xs:date vs
// xs:dateTime, UUID systemIDs), whatever order the caller filled the structs in.
//
// Writer streams an extraction of any size: open arkiv, arkivdel, klasse and mappe, write
// registreringer one at a time, close; memory does not grow with the number of records.
// Reader walks an existing arkivstruktur.xml record by record. Validate checks any
// extraction file against the v5.0 rules in Go (no XSD, no cgo) and reports every problem
// with its line, element path and rule; its verdict is the XSD's. Package
// noark5/arkivuttrekk writes and checks a whole deposit folder.
package noark5
