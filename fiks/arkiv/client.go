package arkiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// DefaultTimeout is how long a call waits for the archive's final answer.
const DefaultTimeout = 10 * time.Minute

// Options configure a Client.
type Options struct {
	// FIKSIO is the case system's FIKS IO client (required). Answers arrive on its konto's
	// queue (fiksio.Options.KontoID), which the Client reads while it is open: nothing
	// else should read that queue.
	FIKSIO *fiksio.Client
	// Arkiv is the archive's konto id, the receiver of every request unless a call names
	// another (SendOptions.Arkiv).
	Arkiv string
	// Timeout is how long a call waits for the final answer (default DefaultTimeout).
	Timeout time.Duration
	// Verify checks the signature of the archive's answers (nil: the system roots).
	Verify *fiksio.VerifyOptions
	// Unmatched is given the answers no call waits for: a call that gave up, or a process
	// that restarted between sending and the answer. Returning an error has the answer
	// delivered again later. Nil: such answers are logged and acknowledged (the request
	// can be sent again with its KlientMeldingID and is answered again).
	Unmatched func(ctx context.Context, s *Svar) error
	// Concurrency is how many answers are handled at once (default 4).
	Concurrency int
	Logger      *slog.Logger
}

// Svar is an answer from the archive.
type Svar struct {
	// Meldingstype is the answer's type, for example
	// fiksarkiv.TypeArkivmeldingOpprettKvitteringV2.
	Meldingstype string
	MeldingID    string
	// SvarPaMelding is the melding-id of the request it answers.
	SvarPaMelding   string
	KlientMeldingID string
	// Payload is the answer's payload; nil for answers without one.
	Payload *fiksarkiv.Melding
}

// SendOptions tune one request.
type SendOptions struct {
	// Arkiv is the receiving konto (default Options.Arkiv).
	Arkiv string
	// KlientMeldingID names the request across resends (default a new UUID). After a
	// *NoAnswerError, call again with its KlientMeldingID.
	KlientMeldingID string
	// Vedlegg are the files the payload's dokumentobjekt name (referanseDokumentfil).
	Vedlegg []fiksio.Fil
	// Timeout overrides Options.Timeout.
	Timeout time.Duration
	// OnMottatt, when set, is called once when the archive's mottatt arrives (it has
	// the request; the final answer follows). It runs on the receive loop: keep it short.
	OnMottatt func()
}

// Client is a case system's Fiks Arkiv client. It is safe for concurrent use.
type Client struct {
	fio   *fiksio.Client
	opts  Options
	log   *slog.Logger
	start sync.Once

	mu       sync.Mutex
	waiters  map[string]*waiter // by melding-id of the request
	inflight int                // sends whose melding-id is not known yet
	changed  chan struct{}      // closed and replaced when a send's id becomes known
	recvErr  error
	closed   bool

	cancel context.CancelFunc
	done   chan struct{}
}

// New makes a Client. It reads its konto's queue from the first call on.
func New(opts Options) (*Client, error) {
	if opts.FIKSIO == nil {
		return nil, invalid("arkiv.New", "FIKSIO", "a FIKS IO client is required", nil)
	}
	if opts.Timeout < 0 {
		return nil, invalid("arkiv.New", "Timeout", "negative", nil)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{fio: opts.FIKSIO, opts: opts, log: log, waiters: map[string]*waiter{}, changed: make(chan struct{})}, nil
}

// Close stops reading answers; calls waiting return ErrClosed. Answers that arrive later
// stay in the queue for the next Client.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	cancel, done := c.cancel, c.done
	for id, w := range c.waiters {
		w.finish(nil, ErrClosed)
		delete(c.waiters, id)
	}
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return nil
}

func (c *Client) run() {
	ctx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	c.cancel, c.done = cancel, make(chan struct{})
	c.mu.Unlock()
	go func() {
		defer close(c.done)
		err := c.fio.Receive(ctx, c.handle, &fiksio.ReceiveOptions{Concurrency: c.opts.Concurrency})
		if err != nil && ctx.Err() == nil {
			c.mu.Lock()
			c.recvErr = err
			for id, w := range c.waiters {
				w.finish(nil, err)
				delete(c.waiters, id)
			}
			c.mu.Unlock()
		}
	}()
}

// waiter is one call waiting for its answers.
type waiter struct {
	op       string
	accept   func(t string) bool // final answer types besides feilmeldinger
	decode   func(ctx context.Context, m *fiksio.MottattMelding) (*Svar, error)
	mottatt  chan struct{}
	once     sync.Once
	mottOnce sync.Once
	onMott   func()
	done     chan struct{}
	svar     *Svar
	err      error
}

func (w *waiter) finish(s *Svar, err error) {
	w.once.Do(func() { w.svar, w.err = s, err; close(w.done) })
}

// request sends payload (or no payload) as meldingstype and waits for the final answer.
func (c *Client) request(ctx context.Context, op, meldingstype string, payload *fiksarkiv.Melding, o *SendOptions, w *waiter) (*Svar, error) {
	if o == nil {
		o = &SendOptions{}
	}
	til := o.Arkiv
	if til == "" {
		til = c.opts.Arkiv
	}
	if til == "" {
		return nil, invalid(op, "Arkiv", "the archive's konto is required (Options.Arkiv or SendOptions.Arkiv)", nil)
	}
	b, err := payload.Bytes()
	if err != nil {
		return nil, invalid(op, "payload", "cannot be written", err)
	}
	filer := append([]fiksio.Fil{fiksio.Bytes(payload.Filnavn(), b)}, o.Vedlegg...)
	seen := map[string]bool{payload.Filnavn(): true}
	for _, f := range o.Vedlegg {
		if seen[f.Navn] {
			return nil, invalid(op, "Vedlegg", fmt.Sprintf("two files named %q", f.Navn), nil)
		}
		seen[f.Navn] = true
	}
	kid := o.KlientMeldingID
	if kid == "" {
		kid = uuid.NewString()
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = c.opts.Timeout
	}
	c.start.Do(c.run)

	w.op = op
	w.done, w.mottatt = make(chan struct{}), make(chan struct{})
	w.onMott = o.OnMottatt
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if c.recvErr != nil {
		err := c.recvErr
		c.mu.Unlock()
		return nil, err
	}
	c.inflight++
	c.mu.Unlock()

	sent, err := c.fio.Send(ctx, &fiksio.Melding{MottakerKontoID: til, Meldingstype: meldingstype, KlientMeldingID: kid, Filer: filer})
	c.mu.Lock()
	c.inflight--
	if err == nil {
		c.waiters[sent.MeldingID] = w
	}
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	if err != nil {
		if errors.Is(err, fiksio.ErrUnknownOutcome) {
			return nil, &NoAnswerError{Op: op, KlientMeldingID: kid, Err: err}
		}
		return nil, err
	}
	defer func() {
		c.mu.Lock()
		delete(c.waiters, sent.MeldingID)
		c.mu.Unlock()
	}()
	c.log.LogAttrs(ctx, slog.LevelDebug, "fiks arkiv request sent", slog.String("op", op), slog.String("meldingstype", meldingstype),
		slog.String("meldingId", sent.MeldingID), slog.String("klientMeldingId", kid))
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-w.done:
		if w.err != nil && !errors.Is(w.err, ErrClosed) {
			var fe *FeilmeldingError
			if errors.As(w.err, &fe) {
				fe.MeldingID = sent.MeldingID
			}
		}
		return w.svar, w.err
	case <-timer.C:
		return nil, &NoAnswerError{Op: op, KlientMeldingID: kid, MeldingID: sent.MeldingID, Mottatt: isClosed(w.mottatt), Err: context.DeadlineExceeded}
	case <-ctx.Done():
		return nil, &NoAnswerError{Op: op, KlientMeldingID: kid, MeldingID: sent.MeldingID, Mottatt: isClosed(w.mottatt), Err: ctx.Err()}
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// lookupWaiter finds the call an answer is for, waiting for sends in flight to learn
// their ids (an answer can come before the send's own answer).
func (c *Client) lookupWaiter(ctx context.Context, svarPa string) *waiter {
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		w := c.waiters[svarPa]
		inflight, changed := c.inflight, c.changed
		c.mu.Unlock()
		if w != nil || inflight == 0 {
			return w
		}
		select {
		case <-changed:
		case <-deadline.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// handle is the receive loop's handler: it hands each answer to the call waiting for it.
func (c *Client) handle(ctx context.Context, m *fiksio.MottattMelding) error {
	t := fiksarkiv.NormalizeType(m.Meldingstype)
	w := c.lookupWaiter(ctx, m.SvarPaMelding)
	if w == nil {
		return c.unmatched(ctx, m, t)
	}
	switch {
	case isMottatt(t):
		w.mottOnce.Do(func() {
			close(w.mottatt)
			if w.onMott != nil {
				w.onMott()
			}
		})
		return nil
	case t == fiksarkiv.TypeTidsavbrudd || t == fiksarkiv.TypeServerfeil:
		w.finish(nil, &PlatformError{Op: w.op, Meldingstype: t, MeldingID: m.SvarPaMelding})
		return nil
	case fiksarkiv.IsFeilmelding(t):
		p, err := readPayload(ctx, m, t, c.opts.Verify)
		if err != nil {
			w.finish(nil, &AnswerError{Op: w.op, Meldingstype: t, Err: err})
			return nil
		}
		f, err := p.Feilmelding()
		if err != nil {
			w.finish(nil, &AnswerError{Op: w.op, Meldingstype: t, Err: err})
			return nil
		}
		w.finish(nil, &FeilmeldingError{Op: w.op, Feilmelding: f})
		return nil
	case w.accept(t):
		s, err := w.decode(ctx, m)
		if err != nil {
			var we *writeError
			if errors.As(err, &we) {
				w.finish(nil, fmt.Errorf("%s: writing the file: %w", w.op, we.err))
				return nil
			}
			w.finish(nil, &AnswerError{Op: w.op, Meldingstype: t, Err: err})
			return nil
		}
		w.finish(s, nil)
		return nil
	}
	w.finish(nil, &AnswerError{Op: w.op, Meldingstype: t, Err: errors.New("not an answer this request can have")})
	return nil
}

// writeError is the caller's writer failing, not the answer.
type writeError struct{ err error }

func (r *writeError) Error() string { return r.err.Error() }

func isMottatt(t string) bool {
	return len(t) > len(".mottatt") && t[len(t)-len(".mottatt"):] == ".mottatt"
}

func (c *Client) unmatched(ctx context.Context, m *fiksio.MottattMelding, t string) error {
	s := &Svar{Meldingstype: t, MeldingID: m.MeldingID, SvarPaMelding: m.SvarPaMelding, KlientMeldingID: m.KlientMeldingID}
	if c.opts.Unmatched == nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "fiks arkiv answer no call waits for; acknowledged", slog.String("meldingstype", t),
			slog.String("meldingId", m.MeldingID), slog.String("svarPaMelding", m.SvarPaMelding))
		return nil
	}
	if fiksarkiv.HarPayload(t) && fiksarkiv.PayloadFilnavn(t) != "" {
		p, err := readPayload(ctx, m, t, c.opts.Verify)
		if err == nil {
			s.Payload = p
		} else {
			c.log.LogAttrs(ctx, slog.LevelWarn, "fiks arkiv answer with an unreadable payload", slog.String("meldingId", m.MeldingID), slog.Any("error", err))
		}
	}
	return c.opts.Unmatched(ctx, s)
}

// readPayload opens the answer's container and parses its payload file (the spec's name,
// or a name other implementations use).
func readPayload(ctx context.Context, m *fiksio.MottattMelding, t string, verify *fiksio.VerifyOptions) (*fiksarkiv.Melding, error) {
	if !m.HarPayload() {
		return nil, errors.New("the answer has no payload")
	}
	cont, err := m.Container(ctx, verify)
	if err != nil {
		return nil, err
	}
	defer cont.Close()
	f := findFile(cont, fiksarkiv.PayloadNames(t))
	if f == nil {
		return nil, fmt.Errorf("no %v in the answer", fiksarkiv.PayloadNames(t))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p, err := fiksarkiv.Parse(rc)
	if err != nil {
		return nil, err
	}
	// Drain what Parse did not read so the digest is checked.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, err
	}
	return p, nil
}

// findFile is the first of names in the container; with no match, the only XML file.
func findFile(c *fiksio.Container, names []string) *fiksio.File {
	for _, n := range names {
		for _, f := range c.Files {
			if f.Name == n {
				return f
			}
		}
	}
	var only *fiksio.File
	for _, f := range c.Files {
		if len(f.Name) > 4 && f.Name[len(f.Name)-4:] == ".xml" {
			if only != nil {
				return nil
			}
			only = f
		}
	}
	return only
}

// payloadAnswer is a waiter for a request answered by one payload of the given types.
func (c *Client) payloadAnswer(types ...string) *waiter {
	return &waiter{
		accept: func(t string) bool {
			for _, a := range types {
				if t == a {
					return true
				}
			}
			return false
		},
		decode: func(ctx context.Context, m *fiksio.MottattMelding) (*Svar, error) {
			t := fiksarkiv.NormalizeType(m.Meldingstype)
			s := &Svar{Meldingstype: t, MeldingID: m.MeldingID, SvarPaMelding: m.SvarPaMelding, KlientMeldingID: m.KlientMeldingID}
			if !fiksarkiv.HarPayload(t) {
				return s, nil
			}
			p, err := readPayload(ctx, m, t, c.opts.Verify)
			if err != nil {
				return nil, err
			}
			s.Payload = p
			return s, nil
		},
	}
}

// Arkiver files an arkivmelding (arkivering.arkivmelding.opprett, v2 id for a V2
// payload) with its files, waits for the mottatt and the kvittering, and returns the
// kvittering: the mappe's and registrering's ids and the numbers the archive gave
// (saksnummer, journalpostnummer). Every dokumentobjekt's referanseDokumentfil must name
// one of o.Vedlegg, and every vedlegg must be named. A feilmelding is a
// *FeilmeldingError; no answer in time a *NoAnswerError.
func (c *Client) Arkiver(ctx context.Context, am *fiksarkiv.Arkivmelding, o *SendOptions) (*fiksarkiv.Kvittering, error) {
	const op = "arkiv.Arkiver"
	if am == nil {
		return nil, invalid(op, "Arkivmelding", "required", nil)
	}
	m, err := am.Melding()
	if err != nil {
		return nil, invalid(op, "Arkivmelding", "invalid", err)
	}
	if err := checkVedlegg(op, am, o); err != nil {
		return nil, err
	}
	typ, kv := fiksarkiv.TypeArkivmeldingOpprett, fiksarkiv.TypeArkivmeldingOpprettKvittering
	if m.Versjon() == fiksarkiv.V2 {
		typ, kv = fiksarkiv.TypeArkivmeldingOpprettV2, fiksarkiv.TypeArkivmeldingOpprettKvitteringV2
	}
	s, err := c.request(ctx, op, typ, m, o, c.payloadAnswer(kv))
	if err != nil {
		return nil, err
	}
	k, err := s.Payload.Kvittering()
	if err != nil {
		return nil, &AnswerError{Op: op, Meldingstype: s.Meldingstype, Err: err}
	}
	return k, nil
}

func checkVedlegg(op string, am *fiksarkiv.Arkivmelding, o *SendOptions) error {
	names := map[string]bool{}
	if o != nil {
		for _, f := range o.Vedlegg {
			names[f.Navn] = true
		}
	}
	missing, unnamed := matchFiles(am, names)
	switch {
	case missing != nil:
		return invalid(op, "Vedlegg", fmt.Sprintf("dokumentobjekt %q names referanseDokumentfil %q, which is not among the files", missing.Filnavn, missing.ReferanseDokumentfil), nil)
	case unnamed != "":
		return invalid(op, "Vedlegg", fmt.Sprintf("file %q is not named by any dokumentobjekt", unnamed), nil)
	}
	return nil
}

// matchFiles pairs an arkivmelding's dokumentobjekt with the files of its message (by
// name): the first dokumentobjekt whose referanseDokumentfil is not among them, or else
// the first file (by name) no dokumentobjekt names. Both empty: they match. The case
// system checks this before sending, the archive on receipt.
func matchFiles(am *fiksarkiv.Arkivmelding, files map[string]bool) (missing *fiksarkiv.Dokumentobjekt, unnamed string) {
	used := map[string]bool{}
	if am.Registrering != nil {
		for _, d := range am.Registrering.Dokumentbeskrivelse {
			for i := range d.Dokumentobjekt {
				o := &d.Dokumentobjekt[i]
				if !files[o.ReferanseDokumentfil] {
					return o, ""
				}
				used[o.ReferanseDokumentfil] = true
			}
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !used[n] {
			return nil, n
		}
	}
	return nil, ""
}

// Oppdater changes a mappe, registrering or dokumentbeskrivelse
// (arkivering.arkivmelding.oppdater, v2 id for a V2 payload; payload arkivmelding.xml) and
// waits for the kvittering, which has no payload.
func (c *Client) Oppdater(ctx context.Context, o *fiksarkiv.ArkivmeldingOppdatering, opts *SendOptions) error {
	const op = "arkiv.Oppdater"
	if o == nil {
		return invalid(op, "oppdatering", "required", nil)
	}
	m, err := o.Melding()
	if err != nil {
		return invalid(op, "oppdatering", "invalid", err)
	}
	kv := fiksarkiv.TypeArkivmeldingOppdaterKvittering
	if m.Versjon() == fiksarkiv.V2 {
		kv = fiksarkiv.TypeArkivmeldingOppdaterKvitteringV2
	}
	_, err = c.request(ctx, op, m.Meldingstype(), m, opts, c.payloadAnswer(kv))
	return err
}

// Sok searches (innsyn.sok; payload sok.xml) and returns the result: the sok resultat
// message the search's responstype asks for; Svar.Payload.Typed() is a
// *fiksarkiv.Sokeresultat (utvidet), *SokeresultatMinimum or *SokeresultatNoekler.
func (c *Client) Sok(ctx context.Context, sok *fiksarkiv.Sok, o *SendOptions) (*Svar, error) {
	const op = "arkiv.Sok"
	if sok == nil {
		return nil, invalid(op, "sok", "required", nil)
	}
	m, err := sok.Melding()
	if err != nil {
		return nil, invalid(op, "sok", "invalid", err)
	}
	return c.request(ctx, op, fiksarkiv.TypeSok, m, o, c.payloadAnswer(fiksarkiv.TypeSokResultatUtvidet, fiksarkiv.TypeSokResultatMinimum, fiksarkiv.TypeSokResultatNoekler))
}

// HentMappe fetches a mappe (innsyn.mappe.hent) and returns the mappe hent resultat
// (mappe.xml, or resultat.xml as KS's .NET models write it).
func (c *Client) HentMappe(ctx context.Context, h *fiksarkiv.MappeHent, o *SendOptions) (*fiksarkiv.MappeHentResultat, error) {
	const op = "arkiv.HentMappe"
	s, err := c.hent(ctx, op, h, fiksarkiv.TypeMappeHent, fiksarkiv.TypeMappeHentResultat, o)
	if err != nil {
		return nil, err
	}
	res, err := s.Payload.MappeHentResultat()
	if err != nil {
		return nil, &AnswerError{Op: op, Meldingstype: s.Meldingstype, Err: err}
	}
	return res, nil
}

// HentRegistrering fetches a registrering or journalpost (innsyn.registrering.hent) and
// returns the registrering hent resultat.
func (c *Client) HentRegistrering(ctx context.Context, h *fiksarkiv.RegistreringHent, o *SendOptions) (*fiksarkiv.RegistreringHentResultat, error) {
	const op = "arkiv.HentRegistrering"
	s, err := c.hent(ctx, op, h, fiksarkiv.TypeRegistreringHent, fiksarkiv.TypeRegistreringHentResultat, o)
	if err != nil {
		return nil, err
	}
	res, err := s.Payload.RegistreringHentResultat()
	if err != nil {
		return nil, &AnswerError{Op: op, Meldingstype: s.Meldingstype, Err: err}
	}
	return res, nil
}

func (c *Client) hent(ctx context.Context, op string, h fiksarkiv.Payload, typ, res string, o *SendOptions) (*Svar, error) {
	if h == nil {
		return nil, invalid(op, "request", "required", nil)
	}
	m, err := h.Melding()
	if err != nil {
		return nil, invalid(op, "request", "invalid", err)
	}
	return c.request(ctx, op, typ, m, o, c.payloadAnswer(res))
}

// Dokumentfil is a file fetched with HentDokumentfil.
type Dokumentfil struct {
	Navn     string
	MimeType string
	// Size is the number of bytes written.
	Size int64
}

// HentDokumentfil fetches a file (innsyn.dokumentfil.hent) and streams it into w as it
// is decrypted and its digest checked; nothing is held in memory. When w fails, the
// call returns w's error (fetch again: nothing changed in the archive).
func (c *Client) HentDokumentfil(ctx context.Context, h *fiksarkiv.DokumentfilHent, w io.Writer, o *SendOptions) (*Dokumentfil, error) {
	const op = "arkiv.HentDokumentfil"
	if h == nil || w == nil {
		return nil, invalid(op, "request", "a request and a writer are required", nil)
	}
	m, err := h.Melding()
	if err != nil {
		return nil, invalid(op, "request", "invalid", err)
	}
	var got *Dokumentfil
	wt := &waiter{
		accept: func(t string) bool { return t == fiksarkiv.TypeDokumentfilHentResultat },
		decode: func(ctx context.Context, m *fiksio.MottattMelding) (*Svar, error) {
			cont, err := m.Container(ctx, c.opts.Verify)
			if err != nil {
				return nil, err
			}
			defer cont.Close()
			if len(cont.Files) != 1 {
				return nil, fmt.Errorf("a dokumentfil resultat holds one file, not %d", len(cont.Files))
			}
			f := cont.Files[0]
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			cw := &errWriter{w: w}
			n, err := io.Copy(cw, rc)
			if cw.err != nil {
				return nil, &writeError{cw.err}
			}
			if err != nil {
				return nil, err
			}
			got = &Dokumentfil{Navn: f.Name, MimeType: f.MimeType, Size: n}
			return &Svar{Meldingstype: fiksarkiv.TypeDokumentfilHentResultat, MeldingID: m.MeldingID, SvarPaMelding: m.SvarPaMelding}, nil
		},
	}
	if _, err := c.request(ctx, op, fiksarkiv.TypeDokumentfilHent, m, o, wt); err != nil {
		return nil, err
	}
	return got, nil
}

// errWriter tells the caller's write errors from the container's read errors.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// Send sends any Fiks Arkiv payload (avskrivning, dokumentobjekt, ...) with its message
// type from the payload, and returns the final answer: a kvittering or resultat the
// type can be answered with (with or without payload), or an error.
func (c *Client) Send(ctx context.Context, p *fiksarkiv.Melding, o *SendOptions) (*Svar, error) {
	const op = "arkiv.Send"
	if p == nil {
		return nil, invalid(op, "payload", "required", nil)
	}
	t := p.Meldingstype()
	var answers []string
	for _, suffix := range []string{".kvittering", ".resultat", ".resultat.utvidet", ".resultat.minimum", ".resultat.noekler"} {
		if fiksarkiv.KnownType(t + suffix) {
			answers = append(answers, t+suffix)
		}
	}
	if len(answers) == 0 {
		return nil, invalid(op, "payload", t+" is not a request", nil)
	}
	return c.request(ctx, op, t, p, o, c.payloadAnswer(answers...))
}
