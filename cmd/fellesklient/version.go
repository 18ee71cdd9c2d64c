package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

func init() {
	helps["fellesklient version"] = help{"fellesklient version [--json]",
		"Print fellesklient's version (the module version go install recorded, or the commit of a build from a clone) and Go's.",
		envNone, "fellesklient version"}
}

// version is the module's version and commit as the build recorded them.
func version() (v, commit string, modified bool) {
	v = "(devel)"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v, "", false
	}
	if bi.Main.Version != "" {
		v = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return v, commit, modified
}

// runVersion: fellesklient version [--json] (also fellesklient --version).
func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient version")
	var of outputFlags
	of.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("fellesklient version takes no arguments")
	}
	v, commit, modified := version()
	if of.json {
		return writeJSON(e, map[string]any{"version": v, "commit": commit, "modified": modified, "go": runtime.Version()})
	}
	line := "fellesklient " + v
	if commit != "" {
		line += " (" + commit[:min(12, len(commit))]
		if modified {
			line += ", modified"
		}
		line += ")"
	}
	fmt.Fprintf(e.stdout, "%s %s %s/%s\n", line, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
