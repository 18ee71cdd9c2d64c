package digisos

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// String names the client: never its credentials.
func (c *Client) String() string { return "digisos.Client" }

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes the options without the credentials' secrets.
func (o Options) String() string {
	return fmt.Sprintf("digisos.Options{Environment: %q, BaseURL: %q, FiksOrgID: %q, Credentials: %v}", string(o.Environment), o.BaseURL, o.FiksOrgID, o.Credentials)
}

// GoString is String.
func (o Options) GoString() string { return o.String() }

// Format prints String for every verb.
func (o Options) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }

// LogValue implements slog.LogValuer.
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }

// MarshalJSON writes String, for loggers that marshal what they get.
func (o Options) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }
