package fiksiotest

import (
	"errors"
	"testing"
)

// A boot that failed for want of a port is tried again on new ports; any other failure
// is returned as it is. The messages are those rabbitmq-server wrote in the suite's runs.
func TestRetryable(t *testing.T) {
	for msg, want := range map[string]bool{
		"fiksiotest: rabbitmq-server exited during boot:\n{error,{{shutdown,{failed_to_start_child,net_kernel,{'EXIT',nodistribution}}}": true,
		"fiksiotest: rabbitmq-server exited during boot:\nERROR: distribution port 35127 in use by another node: dist_port_already_used": true,
		"fiksiotest: rabbitmq-server exited during boot:\n{listen_error,eaddrinuse}":                                                     true,
		"fiksiotest: rabbitmq-server exited during boot:\n/var/lib/rabbitmq: permission denied":                                          false,
		"fiksiotest: rabbitmq-server did not accept AMQP connections within 120 s":                                                       false,
	} {
		if got := retryable(errors.New(msg)); got != want {
			t.Errorf("retryable(%q) = %v, want %v", msg, got, want)
		}
	}
}
