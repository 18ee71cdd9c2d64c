package noark5

// Sink takes an extraction as a stream: *Writer, and arkivuttrekk's package writer.
type Sink interface {
	StartArkiv(*Arkiv) error
	StartArkivdel(*Arkivdel) error
	StartKlassifikasjonssystem(*Klassifikasjonssystem) error
	StartKlasse(*Klasse) error
	StartMappe(*Mappe) error
	Registrering(*Registrering) error
	End() error
}
