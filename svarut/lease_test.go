package svarut_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/lease"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

func (f *fixture) leasedMottak(t *testing.T, st lease.Store, ttl time.Duration) *svarut.Mottak {
	m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: f.fake.URL(), Brukernavn: sysID, Passord: sysPw,
		Key: kryptering.Key{Decrypter: f.key, Certificate: f.cert}, HTTPClient: f.fake.HTTPClient(), Logger: f.logs.Logger(),
		Lease: st, LeaseTTL: ttl})
	require.NoError(t, err)
	return m
}

func addMany(fx *fixture, n int) {
	for i := range n {
		fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: fmt.Sprintf("Brev %d", i),
			Filer: []svaruttest.Fil{{Filnavn: "brev.pdf", MimeType: "application/pdf", Innhold: []byte(fmt.Sprintf("%%PDF-1.7 brev %d\n%%%%EOF", i))}}})
	}
}

// TestLeaseReplicas: four replicas on one mottakersystem, started together, handle each
// of 60 forsendelser once: one download, one handler call, one acknowledgement each.
func TestLeaseReplicas(t *testing.T) {
	fx := newFixture(t)
	addMany(fx, 60)
	st := lease.NewMemory(lease.MemoryOptions{})
	var mu sync.Mutex
	handled := map[string]int{}
	h := func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		handled[f.ID]++
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	var total svarut.ReceiveResult
	for range 4 {
		m := fx.leasedMottak(t, st, time.Minute)
		wg.Go(func() {
			res, err := m.Receive(context.Background(), h)
			assert.NoError(t, err)
			mu.Lock()
			total.Kvittert += res.Kvittert
			total.Elsewhere += res.Elsewhere
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, 60, total.Kvittert)
	assert.Len(t, handled, 60)
	for id, n := range handled {
		assert.Equal(t, 1, n, id)
	}
	for _, f := range fx.fake.Forsendelser() {
		assert.Equal(t, 1, f.Kvitteringer, f.ID)
		assert.Equal(t, 1, f.Nedlastinger, f.ID)
	}
}

// TestLeaseStalledReplica: a replica that stalls in its handler past the lease's ttl
// (without renewing: its store stops answering renewals) loses the forsendelse to the
// replica that takes it over, and does not acknowledge it.
func TestLeaseStalledReplica(t *testing.T) {
	fx := newFixture(t)
	addMany(fx, 1)
	st := lease.NewMemory(lease.MemoryOptions{})
	stalled := &noRenew{Store: st}
	stalled.frozen.Store(true)
	inHandler := make(chan struct{})
	release := make(chan struct{})
	a := fx.leasedMottak(t, stalled, 200*time.Millisecond)
	var aRes svarut.ReceiveResult
	var aErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		aRes, aErr = a.Receive(context.Background(), func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
			close(inHandler)
			<-release // ignores ctx: a stuck handler
			return nil
		})
	}()
	<-inHandler
	time.Sleep(300 * time.Millisecond) // a's lease has expired
	b := fx.leasedMottak(t, st, time.Minute)
	var bCalls atomic.Int64
	res, err := b.Receive(context.Background(), func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		bCalls.Add(1)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Kvittert)
	stalled.frozen.Store(false) // it wakes up: its next renewal reaches the store
	close(release)
	<-done
	require.NoError(t, aErr)
	assert.Equal(t, 0, aRes.Kvittert, "the stalled replica did not acknowledge")
	assert.Equal(t, 1, aRes.Elsewhere)
	f := fx.fake.Forsendelser()[0]
	assert.Equal(t, 1, f.Kvitteringer)
	assert.Empty(t, f.Feilmeldinger, "nothing reported failed")
}

// TestLeaseStoreDown: with the store failing, Receive takes nothing and says why.
func TestLeaseStoreDown(t *testing.T) {
	fx := newFixture(t)
	addMany(fx, 3)
	m := fx.leasedMottak(t, downStore{}, time.Minute)
	calls := 0
	_, err := m.Receive(context.Background(), func(context.Context, *svarut.MottattForsendelse, *svarut.ReceivedFile) error {
		calls++
		return nil
	})
	require.ErrorIs(t, err, lease.ErrUnavailable)
	assert.Contains(t, err.Error(), "taking no new forsendelser")
	assert.Zero(t, calls)
	for _, f := range fx.fake.Forsendelser() {
		assert.Zero(t, f.Nedlastinger)
		assert.Zero(t, f.Kvitteringer)
	}
}

// TestLeaseCompletedSkipped: a replica that listed a forsendelse before another
// finished it does not take it (the done mark keeps it out).
func TestLeaseCompletedSkipped(t *testing.T) {
	fx := newFixture(t)
	addMany(fx, 1)
	st := lease.NewMemory(lease.MemoryOptions{})
	id := fx.fake.Forsendelser()[0].ID
	l, err := st.Acquire(context.Background(), "svarinn:"+sysID+":"+id, time.Minute)
	require.NoError(t, err)
	require.NoError(t, l.Done(context.Background())) // finished by another replica
	m := fx.leasedMottak(t, st, time.Minute)
	res, err := m.Receive(context.Background(), func(context.Context, *svarut.MottattForsendelse, *svarut.ReceivedFile) error {
		t.Error("handled a completed forsendelse")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Elsewhere)
	assert.Zero(t, fx.fake.Forsendelser()[0].Nedlastinger)
}

// TestLeaseResumedAfterAck: a replica that died after its acknowledgement and before
// Done leaves a lease that expires; the replica taking the forsendelse over (from a list
// fetched before that acknowledgement) sees that SvarInn no longer lists it and leaves it.
func TestLeaseResumedAfterAck(t *testing.T) {
	fx := newFixture(t)
	addMany(fx, 1)
	id := fx.fake.Forsendelser()[0].ID
	st := lease.NewMemory(lease.MemoryOptions{})
	_, err := st.Acquire(context.Background(), "svarinn:"+sysID+":"+id, 50*time.Millisecond) // the replica that dies
	require.NoError(t, err)
	late := &ackFirst{Store: st, ack: func() {
		time.Sleep(100 * time.Millisecond) // its lease expires
		require.NoError(t, fx.mottak(t).Acknowledge(context.Background(), id))
	}}
	m := fx.leasedMottak(t, late, time.Minute)
	res, err := m.Receive(context.Background(), func(context.Context, *svarut.MottattForsendelse, *svarut.ReceivedFile) error {
		t.Error("handled a forsendelse the dead replica had acknowledged")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Elsewhere)
	f := fx.fake.Forsendelser()[0]
	assert.Equal(t, 1, f.Kvitteringer)
	assert.Zero(t, f.Nedlastinger)
}

// ackFirst runs ack before the first Acquire: the dead replica's acknowledgement
// lands after this replica listed the forsendelse.
type ackFirst struct {
	lease.Store
	once sync.Once
	ack  func()
}

func (a *ackFirst) Acquire(ctx context.Context, name string, ttl time.Duration) (lease.Lease, error) {
	a.once.Do(a.ack)
	return a.Store.Acquire(ctx, name, ttl)
}

// noRenew's leases are renewed by nothing while frozen: the process is stalled (a
// long GC pause, SIGSTOP, a VM migration) and its renewals never happen.
type noRenew struct {
	lease.Store
	frozen atomic.Bool
}

func (n *noRenew) Acquire(ctx context.Context, name string, ttl time.Duration) (lease.Lease, error) {
	l, err := n.Store.Acquire(ctx, name, ttl)
	if err != nil {
		return nil, err
	}
	return stuckLease{l, &n.frozen}, nil
}

type stuckLease struct {
	lease.Lease
	frozen *atomic.Bool
}

func (s stuckLease) Renew(ctx context.Context, ttl time.Duration) error {
	if s.frozen.Load() {
		return nil // as seen from the stalled process: it did not get to notice
	}
	return s.Lease.Renew(ctx, ttl)
}

type downStore struct{}

func (downStore) Acquire(context.Context, string, time.Duration) (lease.Lease, error) {
	return nil, fmt.Errorf("dial tcp 127.0.0.1:6379: connection refused: %w", errors.Join(lease.ErrUnavailable))
}
