package lease_test

import (
	"testing"

	"github.com/fellesklient/fellesklient/lease"
	"github.com/fellesklient/fellesklient/lease/leasetest"
)

func TestMemory(t *testing.T) {
	leasetest.Run(t, func(*testing.T) lease.Store { return lease.NewMemory(lease.MemoryOptions{}) })
}
