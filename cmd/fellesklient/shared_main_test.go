package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
)

// TestMain says, after the tests, how many skipped for lack of ../shared, and removes
// the CLI binary the tests built.
func TestMain(m *testing.M) {
	code := testutil.Run(m)
	if cli.dir != "" {
		os.RemoveAll(cli.dir)
	}
	os.Exit(code)
}

// cli is the fellesklient binary, built once for the tests that run it as a process.
var cli struct {
	once sync.Once
	dir  string
	path string
	out  []byte
	err  error
}

// builtCLI builds the fellesklient binary on first use and returns its path.
func builtCLI(t *testing.T) string {
	t.Helper()
	cli.once.Do(func() {
		if cli.dir, cli.err = os.MkdirTemp("", "fellesklient-cli-"); cli.err != nil {
			return
		}
		cli.path = filepath.Join(cli.dir, "fellesklient")
		cli.out, cli.err = exec.Command("go", "build", "-o", cli.path, ".").CombinedOutput()
	})
	require.NoError(t, cli.err, "building the CLI: %s", cli.out)
	return cli.path
}
