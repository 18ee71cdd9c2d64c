// Package leaktest holds the module-wide test that no fødselsnummer reaches a log line,
// an error or a panic message: it drives every client that takes identity numbers
// against its fake, with faults, and scans everything they say.
package leaktest
