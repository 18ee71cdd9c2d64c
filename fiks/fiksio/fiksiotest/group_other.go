//go:build !unix

package fiksiotest

import "os/exec"

// ownGroup does nothing where there are no process groups; killGroup ends the node's own
// process (StartBroker needs Debian's rabbitmq-server layout, so it reports ErrNoBroker
// there anyway).
func ownGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
