package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
)

// runKrypteringEncrypt: fellesklient kryptering encrypt --cert FILE [--cert FILE]... < in > out
// Writes DER/BER CMS (KS profile) on stdout, streaming.
func runKrypteringEncrypt(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient kryptering encrypt")
	var certs, legacy multiFlag
	fs.Var(&certs, "cert", "recipient certificate, PEM or DER (repeatable)")
	fs.Var(&legacy, "legacy-cert", "recipient that can only read RSA PKCS#1 v1.5 key transport (repeatable)")
	outFile := fs.String("out", "", "write the CMS to FILE (it appears only when complete)")
	force := fs.Bool("force", false, "write binary output to stdout even when it is a terminal")
	quiet := fs.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(certs)+len(legacy) == 0 {
		return usageErr("at least one --cert is required")
	}
	load := func(files []string) ([]*x509.Certificate, error) {
		var out []*x509.Certificate
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, ioErr(fmt.Errorf("reading certificate: %w", err))
			}
			cs, err := kryptering.ParseCertificates(data)
			if err != nil {
				return nil, noErr(fmt.Errorf("%s: %w", f, err))
			}
			out = append(out, cs[0])
		}
		return out, nil
	}
	opts := kryptering.EncryptOptions{}
	var err error
	if opts.Recipients, err = load(certs); err != nil {
		return err
	}
	if opts.LegacyRecipients, err = load(legacy); err != nil {
		return err
	}
	dst, err := openOutput(e, *outFile, *force)
	if err != nil {
		return err
	}
	defer dst.abort()
	out := bufio.NewWriterSize(dst, 64<<10)
	w, err := kryptering.NewEncrypter(out, opts)
	if err != nil {
		return noErr(err)
	}
	pb := newBar(e, *quiet, inputSize(e.stdin), "encrypting", false)
	defer pb.done()
	if _, err := io.Copy(w, pb.reader(e.stdin)); err != nil {
		return ioErr(err)
	}
	if err := w.Close(); err != nil {
		return ioErr(err)
	}
	if err := out.Flush(); err != nil {
		return ioErr(err)
	}
	return dst.commit()
}

// runKrypteringDecrypt: fellesklient kryptering decrypt --key FILE [--p12-password-env VAR] < in > out
// The plaintext streams to stdout; if the input turns out to be corrupt or truncated, the
// command fails (exit 1) and what it wrote must be discarded.
func runKrypteringDecrypt(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient kryptering decrypt")
	keyFile := fs.String("key", "", "private key: PEM (with optional certificate) or .p12")
	passEnv := fs.String("p12-password-env", "", "name of the environment variable holding the .p12 password")
	outFile := fs.String("out", "", "write the plaintext to FILE, which appears only when the whole message decrypted and checked")
	force := fs.Bool("force", false, "write binary output to stdout even when it is a terminal")
	quiet := fs.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyFile == "" {
		return usageErr("--key is required")
	}
	data, err := os.ReadFile(*keyFile)
	if err != nil {
		return ioErr(fmt.Errorf("reading key: %w", err))
	}
	password := ""
	if *passEnv != "" {
		if password = e.getenv(*passEnv); password == "" {
			return usageErr("environment variable %s (from --p12-password-env) is empty or not set", *passEnv)
		}
	}
	key, err := kryptering.ParseKey(data, password)
	if err != nil {
		return noErr(err)
	}
	dst, err := openOutput(e, *outFile, *force)
	if err != nil {
		return err
	}
	defer dst.abort()
	pb := newBar(e, *quiet, inputSize(e.stdin), "decrypting", false)
	defer pb.done()
	r, err := kryptering.NewDecrypter(pb.reader(e.stdin), key) // the decrypter buffers its input
	if err != nil {
		return noErr(err)
	}
	out := bufio.NewWriterSize(dst, 64<<10)
	if _, err := io.Copy(out, r); err != nil {
		if errors.Is(err, kryptering.ErrIntegrity) || errors.Is(err, kryptering.ErrFormat) {
			if *outFile != "" {
				return noErr(fmt.Errorf("%w; %s was not written", err, *outFile))
			}
			_ = out.Flush()
			return noErr(fmt.Errorf("%w; discard the output", err))
		}
		return ioErr(err)
	}
	if err := out.Flush(); err != nil {
		return ioErr(err)
	}
	return dst.commit()
}

// output is where a command's binary output goes: stdout, or --out FILE written to a
// temporary file beside it and renamed into place only by commit (so that a failed
// decryption leaves no plaintext behind).
type output struct {
	io.Writer
	f    *os.File
	path string
	done bool
}

// openOutput opens --out path, or stdout when path is "". Binary output to a terminal is
// refused unless force.
func openOutput(e *env, path string, force bool) (*output, error) {
	if path == "" {
		if e.stdoutTTY && !force {
			return nil, usageErr("the output is binary and stdout is a terminal: give --out FILE, redirect stdout, or --force")
		}
		return &output{Writer: e.stdout}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, ioErr(fmt.Errorf("--out: %w", err))
	}
	return &output{Writer: &writeBehind{f: f}, f: f, path: path}, nil
}

// writeBehind writes to f and starts the disk writes of every 8 MiB as it goes, so that
// writing to disk overlaps the work that produces the bytes (commit's fsync then waits
// for the last stretch only: 256 MiB decrypted to a file on this machine's disk took
// 0.43-0.97 s with one fsync at the end).
type writeBehind struct {
	f            *os.File
	off, started int64
}

const writeBehindChunk = 8 << 20

func (w *writeBehind) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.started >= writeBehindChunk {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

// commit makes --out FILE appear, complete and synced.
func (o *output) commit() error {
	if o.f == nil {
		return nil
	}
	if err := o.f.Sync(); err != nil {
		return ioErr(fmt.Errorf("--out: %w", err))
	}
	if err := o.f.Close(); err != nil {
		return ioErr(fmt.Errorf("--out: %w", err))
	}
	if err := os.Rename(o.f.Name(), o.path); err != nil {
		return ioErr(fmt.Errorf("--out: %w", err))
	}
	o.done = true
	// The rename lasts once the folder is synced too.
	if err := syncDir(filepath.Dir(o.path)); err != nil {
		return ioErr(fmt.Errorf("--out: syncing the folder: %w", err))
	}
	return nil
}

// abort removes the temporary file unless commit ran.
func (o *output) abort() {
	if o.f != nil && !o.done {
		o.f.Close()
		os.Remove(o.f.Name())
	}
}

// inputSize is the size of stdin when it is a regular file, else -1 (unknown).
func inputSize(r io.Reader) int64 {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	}
	return -1
}
