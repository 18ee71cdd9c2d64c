// Package edialog holds the types oapi-codegen generates from KS's eDialog API
// (../shared/specs/fiks/edialog/openapi/edialog-api-v1.json). fiks/edialog wraps them.
package edialog

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -generate types -package edialog -o edialog.gen.go ../../../../shared/specs/fiks/edialog/openapi/edialog-api-v1.json
