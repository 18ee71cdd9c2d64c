package fiksiotest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The AMQP front door: a loopback listener (TLS unless Plain) that reads each client's
// Connection.Start-Ok, checks its PLAIN credentials as FIKS IO does (fikstest.Auth.Check:
// username the integrasjon id, password the integrasjon password, one space, a valid
// Maskinporten token), and passes the connection on to the broker with the broker's own
// account, or with an account the broker refuses (so the client gets the broker's own
// ACCESS_REFUSED). After the handshake it copies bytes both ways.

func (s *Server) startAMQP() error {
	ln := s.opts.AMQPListener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	if !s.opts.Plain {
		cfg, cert, err := selfSignedTLS()
		if err != nil {
			ln.Close()
			return err
		}
		s.amqpTLS, s.caCert = cfg, cert
		ln = tls.NewListener(ln, cfg)
	}
	s.amqpLn = ln
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.proxy(c)
		}
	}()
	return nil
}

func (s *Server) track(c net.Conn, on bool) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if on {
		s.conns[c] = true
	} else {
		delete(s.conns, c)
	}
}

func (s *Server) proxy(client net.Conn) {
	defer client.Close()
	s.track(client, true)
	defer s.track(client, false)
	_ = client.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(client)
	var header [8]byte
	if _, err := io.ReadFull(br, header[:]); err != nil || string(header[:]) != "AMQP\x00\x00\x09\x01" {
		_, _ = client.Write([]byte("AMQP\x00\x00\x09\x01"))
		return
	}
	broker, err := net.DialTimeout("tcp", s.opts.Broker.Addr, 10*time.Second)
	if err != nil {
		return
	}
	defer broker.Close()
	s.track(broker, true)
	defer s.track(broker, false)
	if _, err := broker.Write(header[:]); err != nil {
		return
	}
	go func() { _, _ = io.Copy(client, broker); client.Close() }()
	// The client's first frame is Connection.Start-Ok.
	frame, err := readFrame(br)
	if err != nil {
		return
	}
	out, err := s.rewriteStartOk(frame)
	if err != nil {
		return
	}
	if _, err := broker.Write(out); err != nil {
		return
	}
	_ = client.SetDeadline(time.Time{})
	_, _ = io.Copy(broker, br)
}

func readFrame(r io.Reader) ([]byte, error) {
	var h [7]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(h[3:])
	if size > 1<<20 {
		return nil, errors.New("frame too large")
	}
	frame := make([]byte, 7+int(size)+1)
	copy(frame, h[:])
	if _, err := io.ReadFull(r, frame[7:]); err != nil {
		return nil, err
	}
	if frame[len(frame)-1] != 0xCE {
		return nil, errors.New("no frame end")
	}
	return frame, nil
}

// rewriteStartOk checks the credentials in a Connection.Start-Ok frame and returns the
// frame with the broker's account (or a refused one) in their place.
func (s *Server) rewriteStartOk(frame []byte) ([]byte, error) {
	p := frame[7 : len(frame)-1]
	if frame[0] != 1 || len(p) < 8 || binary.BigEndian.Uint16(p[0:]) != 10 || binary.BigEndian.Uint16(p[2:]) != 11 {
		return nil, errors.New("not Connection.Start-Ok")
	}
	rest := p[4:]
	tl := int(binary.BigEndian.Uint32(rest))
	if len(rest) < 4+tl+1 {
		return nil, errors.New("short frame")
	}
	props := rest[:4+tl]
	rest = rest[4+tl:]
	ml := int(rest[0])
	if len(rest) < 1+ml+4 {
		return nil, errors.New("short frame")
	}
	mech := string(rest[1 : 1+ml])
	rest = rest[1+ml:]
	rl := int(binary.BigEndian.Uint32(rest))
	if len(rest) < 4+rl {
		return nil, errors.New("short frame")
	}
	resp := rest[4 : 4+rl]
	locale := rest[4+rl:]

	user, pass := "refused-"+uuid.NewString(), uuid.NewString()
	if mech == "PLAIN" {
		parts := bytes.SplitN(resp, []byte{0}, 3)
		if len(parts) == 3 {
			id, secret := string(parts[1]), string(parts[2])
			passord, token, ok := strings.Cut(secret, " ")
			if ok {
				if c, err := s.auth.Check(id, passord, token); err == nil {
					user, pass = s.opts.Broker.User, s.opts.Broker.Password
					s.connMu.Lock()
					s.logins = append(s.logins, Login{IntegrasjonID: c.Integrasjon.ID, TokenID: jti(c.Token.Claims), At: time.Now()})
					s.connMu.Unlock()
				}
			}
		}
	}
	newResp := []byte("\x00" + user + "\x00" + pass)
	var np bytes.Buffer
	np.Write(p[:4])
	np.Write(props)
	np.WriteByte(byte(len("PLAIN")))
	np.WriteString("PLAIN")
	_ = binary.Write(&np, binary.BigEndian, uint32(len(newResp)))
	np.Write(newResp)
	np.Write(locale)
	out := make([]byte, 0, 8+np.Len())
	out = append(out, frame[0], frame[1], frame[2])
	out = binary.BigEndian.AppendUint32(out, uint32(np.Len()))
	out = append(out, np.Bytes()...)
	return append(out, 0xCE), nil
}

func jti(claims map[string]any) string { s, _ := claims["jti"].(string); return s }
