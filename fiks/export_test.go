package fiks

// ParseError is parseError, for the tests.
var ParseError = parseError
