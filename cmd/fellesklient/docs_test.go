package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
)

// docBlock is a fenced shell block of the README or docs/ marked "sh tested": a session a
// reader copies, which must work as it stands against `fellesklient fake`.
type docBlock struct {
	file   string
	line   int
	script string
	// fiksio: the block needs `fellesklient fake --fiksio` ("sh tested fiksio").
	fiksio bool
}

func testedBlocks(t *testing.T, files ...string) []docBlock {
	t.Helper()
	var blocks []docBlock
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		var cur *docBlock
		n := 0
		for sc.Scan() {
			n++
			line := sc.Text()
			trimmed := strings.TrimSpace(line)
			switch {
			case cur == nil && (trimmed == "```sh tested" || trimmed == "```sh tested fiksio"):
				cur = &docBlock{file: f, line: n, fiksio: strings.HasSuffix(trimmed, "fiksio")}
			case cur != nil && trimmed == "```":
				blocks = append(blocks, *cur)
				cur = nil
			case cur != nil:
				cur.script += line + "\n"
			}
		}
		require.Nil(t, cur, "%s: a tested block is not closed", f)
	}
	return blocks
}

// TestDocsSessions runs every "sh tested" block of the README and docs/ with bash, the
// built CLI first on PATH, in a fresh folder where `fellesklient fake --state .fake` is
// running: what the guides tell a newcomer to type works.
func TestDocsSessions(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err == nil {
		_, err = exec.LookPath("curl")
	}
	if err != nil {
		msg := "the docs' sessions need bash and curl: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	docs, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	blocks := testedBlocks(t, append([]string{"../../README.md"}, docs...)...)
	// The guides that must carry a rehearsal: each service's page and the README's curl.
	perFile := map[string]int{}
	for _, b := range blocks {
		perFile[filepath.Base(b.file)]++
	}
	for _, f := range []string{"README.md", "maskinporten.md", "svarut-svarinn.md", "folkeregister.md", "einnsyn.md", "minside-edialog.md", "noark5.md",
		"fiksio-fiksarkiv.md", "digisos.md"} {
		require.Positive(t, perFile[f], "%s has no \"sh tested\" session", f)
	}

	bin := filepath.Dir(builtCLI(t))

	for _, b := range blocks {
		name := filepath.Base(b.file) + ":" + strconv.Itoa(b.line)
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"--port-base", "0", "--state", filepath.Join(dir, ".fake")}
			if b.fiksio {
				requireBrokerInstalled(t)
				args = append(args, "--fiksio")
			}
			startFake(t, args...)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bash, "-euo", "pipefail", "-c", b.script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s, the session at line %d, failed: %v\n--- session\n%s--- output\n%s", b.file, b.line, err, b.script, out)
			}
			t.Logf("%s", out)
		})
	}
}

// requireBrokerInstalled skips without rabbitmq-server, except under CI=true.
func requireBrokerInstalled(t *testing.T) {
	t.Helper()
	if !fiksiotest.BrokerInstalled() {
		if os.Getenv("CI") == "true" {
			t.Fatal(fiksiotest.ErrNoBroker)
		}
		t.Skipf("%v: apt-get install rabbitmq-server to run the FIKS IO sessions", fiksiotest.ErrNoBroker)
	}
}
