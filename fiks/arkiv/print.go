package arkiv

import (
	"fmt"
	"log/slog"
)

// String names the client: never its credentials, keys or tokens (printing a struct
// that holds a client would otherwise print its unexported fields).
func (c *Client) String() string { return "arkiv.Client" }

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes the options; the FIKS IO client prints as its name.
func (o Options) String() string {
	return fmt.Sprintf("arkiv.Options{FIKSIO: %v, Arkiv: %q, Timeout: %s, Concurrency: %d}", o.FIKSIO, o.Arkiv, o.Timeout, o.Concurrency)
}

// GoString is String.
func (o Options) GoString() string { return o.String() }

// Format prints String for every verb.
func (o Options) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }

// LogValue implements slog.LogValuer.
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }
