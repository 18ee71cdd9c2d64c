package minside_test

import (
	"os"
	"testing"

	"github.com/fellesklient/fellesklient/internal/testutil"
)

// TestMain says, after the tests, how many skipped for lack of ../shared.
func TestMain(m *testing.M) { os.Exit(testutil.Run(m)) }
