package fiksio

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/fellesklient/fellesklient/internal/httpx"
	amqp "github.com/rabbitmq/amqp091-go"
)

// Handler handles one received message. Return nil once the message is safely handled
// (persisted): it is then acknowledged. See ReceiveOptions for what an error does.
type Handler func(ctx context.Context, m *MottattMelding) error

// ReceiveOptions configure Receive.
type ReceiveOptions struct {
	// KontoID is the konto whose queue is read (default Options.KontoID).
	KontoID string
	// Concurrency is the number of messages handled at once (default 1).
	Concurrency int
	// ErrorReply, when set, turns a handler error into the protocol's error message (for
	// Fiks Arkiv a feilmelding.serverfeil or .ugyldigforespoersel, usually made with
	// m.Reply). When it returns a message, Receive sends it and then acknowledges the
	// incoming one, as KS asks. When it returns nil, or the reply cannot be sent, the
	// message is not acknowledged and is delivered again.
	ErrorReply func(ctx context.Context, m *MottattMelding, err error) *Melding
	// Invalid is told of deliveries that are not FIKS IO messages (a required header
	// missing: *MeldingError). They are never acknowledged; FIKS IO dead-letters them
	// after three deliveries.
	Invalid func(err error)
	// MinBackoff and MaxBackoff bound the wait between reconnects (default 500 ms, 30 s).
	MinBackoff, MaxBackoff time.Duration
}

// ErrAMQPRefused is matched when the broker refuses the first connection's credentials
// (ACCESS_REFUSED), or has no queue for the konto: Receive returns at once instead of
// retrying what cannot succeed.
var ErrAMQPRefused = errors.New("fiksio: the FIKS IO broker refused the connection")

// requeueError asks for redelivery.
type requeueError struct{ err error }

func (e *requeueError) Error() string { return e.err.Error() }
func (e *requeueError) Unwrap() error { return e.err }

// Requeue wraps a handler's error to have the message delivered again, even when
// ErrorReply would answer it (a passing failure: the database is down).
func Requeue(err error) error {
	if err == nil {
		err = errors.New("requeued")
	}
	return &requeueError{err}
}

// IsRequeue reports whether err was wrapped with Requeue.
func IsRequeue(err error) bool {
	var r *requeueError
	return errors.As(err, &r)
}

// Receive reads the konto's queue, fiksio.konto.<kontoId>, over AMQP 0-9-1 (TLS, port
// 5671): username the integrasjon id, password the integrasjon password, one space and a
// Maskinporten token fetched for each connection. It hands each message to h and
// acknowledges it only after h returned nil (or after ErrorReply's answer was sent).
// Lost connections are reconnected with backoff and fresh credentials. Receive returns
// when ctx ends, after the messages in hand are handled and acknowledged (handlers get a
// context that is not cancelled with ctx); or at once with an error matching
// ErrAMQPRefused when the first connection is refused.
//
// Replicas need no lease (unlike svarut.Mottak): any number of processes may Receive on
// one konto, since the broker hands each message to one consumer at a time, and a message
// whose consumer died before its ack is delivered again to another. Handlers must still
// be idempotent by MeldingID for that redelivery.
func (c *Client) Receive(ctx context.Context, h Handler, opts *ReceiveOptions) error {
	const op = "fiksio.Receive"
	o := ReceiveOptions{}
	if opts != nil {
		o = *opts
	}
	if o.KontoID == "" {
		o.KontoID = c.konto
	}
	if err := checkKontoID(op, "KontoID", o.KontoID); err != nil {
		return err
	}
	if h == nil {
		return &ValidationError{Op: op, Field: "h", Problem: "a handler is required"}
	}
	if c.amqpAddr == "" {
		return &ValidationError{Op: op, Field: "AMQPAddr", Problem: "no broker: set Options.Environment or Options.AMQPAddr"}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	queue := "fiksio.konto." + o.KontoID
	first := true
	wait := o.MinBackoff
	for {
		conn, ch, deliveries, err := c.consume(ctx, queue)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ae *amqp.Error
			if first && errors.As(err, &ae) && (ae.Code == amqp.AccessRefused || ae.Code == amqp.NotFound) {
				return fmt.Errorf("%s: %w: %s", op, ErrAMQPRefused, httpx.Redact(ae.Reason))
			}
			c.log.Warn("fiksio: connecting to the broker failed; retrying", "error", httpx.Redact(err.Error()), "wait", wait)
			if !sleep(ctx, jitter(wait)) {
				return nil
			}
			wait = min(2*wait, o.MaxBackoff)
			continue
		}
		first = false
		wait = o.MinBackoff
		stopped := c.serve(ctx, ch, deliveries, h, &o)
		_ = conn.Close()
		if stopped {
			return nil
		}
		c.log.Info("fiksio: the broker connection was lost; reconnecting")
		if !sleep(ctx, jitter(wait)) {
			return nil
		}
	}
}

func jitter(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// consume connects with fresh credentials and starts consuming queue.
func (c *Client) consume(ctx context.Context, queue string) (*amqp.Connection, *amqp.Channel, <-chan amqp.Delivery, error) {
	tok, err := c.creds.Token.Token(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("a Maskinporten token: %w", err)
	}
	cfg := amqp.Config{
		SASL:       []amqp.Authentication{&amqp.PlainAuth{Username: c.creds.IntegrasjonID, Password: string(c.creds.IntegrasjonPassord) + " " + tok.Value}},
		Heartbeat:  10 * time.Second,
		Properties: amqp.Table{"connection_name": c.appName, "product": "fellesklient"},
		Dial: func(network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: 30 * time.Second}
			return d.DialContext(ctx, network, addr)
		},
	}
	scheme := "amqps"
	if c.plain {
		scheme = "amqp"
	} else {
		tc := c.tls
		if tc == nil {
			tc = &tls.Config{}
		}
		tc = tc.Clone()
		if tc.ServerName == "" {
			tc.ServerName, _, _ = net.SplitHostPort(c.amqpAddr)
		}
		if tc.MinVersion == 0 {
			tc.MinVersion = tls.VersionTLS12
		}
		cfg.TLSClientConfig = tc
	}
	conn, err := amqp.DialConfig(scheme+"://"+c.amqpAddr+"/", cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	ch, err := conn.Channel()
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	if err := ch.Qos(c.prefetch, 0, false); err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	deliveries, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	return conn, ch, deliveries, nil
}

// serve hands deliveries to h until ctx ends (true: a graceful stop) or the channel
// closes (false: reconnect).
func (c *Client) serve(ctx context.Context, ch *amqp.Channel, deliveries <-chan amqp.Delivery, h Handler, o *ReceiveOptions) bool {
	hctx := context.WithoutCancel(ctx)
	work := make(chan amqp.Delivery)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				c.handle(hctx, &d, h, o)
			}
		}()
	}
	stopped := false
loop:
	for {
		select {
		case <-ctx.Done():
			stopped = true
			break loop
		case d, ok := <-deliveries:
			if !ok {
				break loop
			}
			select {
			case work <- d:
			case <-ctx.Done():
				// Not handed over: returned to the queue when the channel closes.
				stopped = true
				break loop
			}
		}
	}
	close(work)
	wg.Wait() // the messages in hand are finished and acknowledged
	return stopped
}

func (c *Client) handle(ctx context.Context, d *amqp.Delivery, h Handler, o *ReceiveOptions) {
	m, err := parseDelivery(d, c)
	if err != nil {
		c.log.Warn("fiksio: a delivery that is not a FIKS IO message; not acknowledged", "error", err.Error())
		if o.Invalid != nil {
			o.Invalid(err)
		}
		_ = d.Nack(false, true)
		return
	}
	herr := callHandler(ctx, h, m)
	if herr == nil {
		if err := d.Ack(false); err != nil {
			c.log.Warn("fiksio: acknowledging failed; the message will be delivered again", "melding", m.MeldingID, "error", err.Error())
		}
		return
	}
	var rq *requeueError
	if !errors.As(herr, &rq) && o.ErrorReply != nil {
		if reply := o.ErrorReply(ctx, m, herr); reply != nil {
			if _, err := c.Send(ctx, reply); err == nil {
				_ = d.Ack(false)
				return
			} else {
				c.log.Warn("fiksio: sending the error reply failed; the message will be delivered again", "melding", m.MeldingID, "error", httpx.Redact(err.Error()))
			}
		}
	}
	c.log.Info("fiksio: the handler failed; the message will be delivered again", "melding", m.MeldingID, "error", httpx.Redact(herr.Error()))
	_ = d.Nack(false, true)
}

// callHandler runs h, turning a panic into an error so that the message is redelivered
// rather than the receiver dying with it in hand.
func callHandler(ctx context.Context, h Handler, m *MottattMelding) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("fiksio: the handler panicked: %v", r)
		}
	}()
	return h(ctx, m)
}
