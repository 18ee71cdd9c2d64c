package maskinporten

import (
	"fmt"
	"log/slog"
)

// String names the client: never its credentials, keys or tokens (printing a struct
// that holds a client would otherwise print its unexported fields).
func (c *Client) String() string { return "maskinporten.Client" }

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }
