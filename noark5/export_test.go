package noark5

import "io"

// ValidateWithEncodingXML is Validate on encoding/xml's Decoder, the reference the
// differential tests hold the scanner to.
func ValidateWithEncodingXML(r io.Reader, opts *ValidateOptions) (*Report, error) {
	return validate(r, opts, true)
}

// WithEncodingXML makes w encode with encoding/xml's Encoder, the reference its own
// encoder is held to.
func WithEncodingXML(w *Writer) *Writer { w.std = true; return w }
