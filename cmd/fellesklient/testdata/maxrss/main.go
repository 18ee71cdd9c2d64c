// Command maxrss runs a command with this process's standard streams and environment,
// then writes the command's own peak resident set (ru_maxrss, KiB) to the file named by
// its first argument, and exits with the command's code. It is small on purpose: a child
// starts with its launcher's high-water mark (see measure_test.go).
package main

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	_ = cmd.Run()
	if cmd.ProcessState == nil {
		os.Exit(125)
	}
	kib := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	if err := os.WriteFile(os.Args[1], []byte(strconv.FormatInt(kib, 10)), 0o600); err != nil {
		os.Exit(125)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
