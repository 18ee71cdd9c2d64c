package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Peak memory of a child process: Go starts children with vfork (CLONE_VM), and at exec
// Linux records the shared address space's high-water mark (this test process's peak
// so far) as the child's starting ru_maxrss. So a child run straight from the test binary
// reports at least the test binary's peak, whatever earlier tests did. measured runs the
// command under a small launcher (testdata/maxrss, built without -race) instead: its own
// high-water mark is a few MiB, and it writes its child's ru_maxrss to a file.

var (
	launcherOnce sync.Once
	launcher     string
	launcherErr  error
	launcherOut  []byte
)

// measured is exec.Command(name, args...) run under the launcher; peak returns the
// command's own peak RSS in bytes once it has been waited for.
func measured(t *testing.T, name string, args ...string) (cmd *exec.Cmd, peak func() int64) {
	t.Helper()
	launcherOnce.Do(func() {
		dir, err := os.MkdirTemp("", "maxrss-")
		if err != nil {
			launcherErr = err
			return
		}
		launcher = filepath.Join(dir, "maxrss")
		build := exec.Command("go", "build", "-o", launcher, "./testdata/maxrss")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		launcherOut, launcherErr = build.CombinedOutput()
	})
	if launcherErr != nil {
		t.Fatalf("building the maxrss launcher: %v\n%s", launcherErr, launcherOut)
	}
	f := filepath.Join(t.TempDir(), "maxrss")
	cmd = exec.Command(launcher, append([]string{f, name}, args...)...)
	cmd.Env = os.Environ()
	return cmd, func() int64 {
		t.Helper()
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("no peak RSS recorded for %s: %v", name, err)
		}
		kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return kib << 10
	}
}
