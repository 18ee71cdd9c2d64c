package arkivmelding

// MarshalUnchecked writes without Validate, so tests can let xmllint judge what Validate
// refuses.
var MarshalUnchecked = marshal
