// Package skjemaer holds the official Noark 5 v5.0 extraction schemas and the ADDML
// schemas, byte for byte as Arkivverket publishes them (provenance and reuse statement in
// SOURCES.md): what every deposit package must carry, and what xmllint validates a
// package against. arkivuttrekk writes them into every package it makes.
package skjemaer

import (
	"embed"
	"io/fs"
)

//go:embed v5.0/*.xsd addml/v8.3/addml.xsd addml/v8.2/addml.xsd
var files embed.FS

// V50Filer are the Noark 5 v5.0 schemas a deposit carries, by name.
var V50Filer = []string{"arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "loependeJournal.xsd", "offentligJournal.xsd"}

// V50 is the Noark 5 v5.0 schemas (V50Filer) at the root of a file system.
func V50() fs.FS { return sub("v5.0") }

// ADDML is ADDML v8.3 (addml.xsd at the root), the version arkivuttrekk.xml is written
// in.
func ADDML() fs.FS { return sub("addml/v8.3") }

// ADDML82 is ADDML v8.2 (addml.xsd at the root), which older packages name.
func ADDML82() fs.FS { return sub("addml/v8.2") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic("skjemaer: " + err.Error()) // the embedded tree is fixed at build time
	}
	return f
}
