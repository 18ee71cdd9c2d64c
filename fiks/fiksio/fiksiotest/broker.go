package fiksiotest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Broker is a private RabbitMQ node (Debian's rabbitmq-server) on loopback: its own node
// name, ports, Erlang port mapper and data folder, removed when it stops. FIKS IO's
// receive side is AMQP 0-9-1 on RabbitMQ, so the fake delivers into a real broker rather
// than imitating one.
type Broker struct {
	// Addr is the broker's AMQP listener, 127.0.0.1:port.
	Addr string
	// User and Password are the broker's own account (the fake's AMQP front door maps
	// every authenticated FIKS IO connection to it).
	User, Password string

	dir  string
	env  []string
	node string
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// ErrNoBroker is returned by StartBroker when rabbitmq-server is not installed.
var ErrNoBroker = errors.New("fiksiotest: rabbitmq-server is not installed (Debian package rabbitmq-server)")

const rabbitBin = "/usr/lib/rabbitmq/bin"

// BrokerInstalled reports whether rabbitmq-server is installed, so StartBroker can work.
func BrokerInstalled() bool {
	_, err := os.Stat(filepath.Join(rabbitBin, "rabbitmq-server"))
	return err == nil
}

// RequireBroker starts a Broker for the test and stops it at t.Cleanup. Without
// rabbitmq-server the test is skipped with a message saying how to install it, except
// under CI=true, where it fails: CI must run what it claims to run.
func RequireBroker(t testing.TB) *Broker {
	t.Helper()
	b, err := StartBroker()
	if errors.Is(err, ErrNoBroker) && os.Getenv("CI") != "true" {
		t.Skipf("%v: apt-get install rabbitmq-server to run the FIKS IO broker tests", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	return b
}

// One broker per test binary for SharedBroker.
var (
	sharedOnce   sync.Once
	sharedBroker *Broker
	sharedErr    error
)

// SharedBroker is one Broker for all the tests of a test binary that ask for it (a node
// takes 5-20 s to start), started by the first. Without rabbitmq-server it skips or
// fails as RequireBroker does. Call StopSharedBroker from TestMain after m.Run.
func SharedBroker(t testing.TB) *Broker {
	t.Helper()
	sharedOnce.Do(func() { sharedBroker, sharedErr = StartBroker() })
	if errors.Is(sharedErr, ErrNoBroker) && os.Getenv("CI") != "true" {
		t.Skipf("%v: apt-get install rabbitmq-server to run the FIKS IO broker tests", sharedErr)
	}
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedBroker
}

// StopSharedBroker stops the broker SharedBroker started, if it did.
func StopSharedBroker() {
	if sharedBroker != nil {
		sharedBroker.Stop()
	}
}

// StartBroker starts a private RabbitMQ node and waits until it accepts AMQP connections
// (about 5-20 s). Call Stop when done. A node that loses one of its free ports to another
// process between choosing and binding it is started again on new ports, up to three
// times: the distribution port (dist_port_already_used: seen once in 48 runs of the whole
// suite) or its own port mapper's, when the node cannot start distribution at all
// (nodistribution: once in 50).
func StartBroker() (*Broker, error) {
	if _, err := os.Stat(filepath.Join(rabbitBin, "rabbitmq-server")); err != nil {
		return nil, ErrNoBroker
	}
	var err error
	for range 3 {
		var b *Broker
		if b, err = startBroker(); err == nil {
			return b, nil
		}
		if !retryable(err) {
			return nil, err
		}
	}
	return nil, err
}

// retryable reports whether a node failed to boot for want of a port it was given: one
// taken by another process since freePorts chose it.
func retryable(err error) bool {
	for _, s := range []string{"already_used", "eaddrinuse", "nodistribution"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

func startBroker() (*Broker, error) {
	dir, err := os.MkdirTemp("", "fiksiotest-rabbit-")
	if err != nil {
		return nil, err
	}
	// The node may drop to the rabbitmq user: it must reach and own its folder.
	_ = os.Chmod(dir, 0o755)
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	b := &Broker{Addr: fmt.Sprintf("127.0.0.1:%d", ports[0]), User: "guest", Password: "guest", dir: dir,
		node: fmt.Sprintf("fiksiotest%d_%d@localhost", os.Getpid(), ports[0])}
	for _, d := range []string{"home", "mnesia", "log", "plugins-expand", "generated", "quorum", "stream"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	conf := fmt.Sprintf("loopback_users = none\nlisteners.tcp.1 = %s\n", b.Addr)
	if err := os.WriteFile(filepath.Join(dir, "rabbitmq.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "enabled_plugins"), []byte("[].\n"), 0o644); err != nil {
		return nil, err
	}
	b.env = append(os.Environ(),
		"HOME="+filepath.Join(dir, "home"),
		"RABBITMQ_NODENAME="+b.node,
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT="+strconv.Itoa(ports[0]),
		"RABBITMQ_DIST_PORT="+strconv.Itoa(ports[1]),
		"ERL_EPMD_ADDRESS=127.0.0.1",
		"ERL_EPMD_PORT="+strconv.Itoa(ports[2]),
		"RABBITMQ_MNESIA_BASE="+filepath.Join(dir, "mnesia"),
		"RABBITMQ_LOG_BASE="+filepath.Join(dir, "log"),
		"RABBITMQ_CONFIG_FILE="+filepath.Join(dir, "rabbitmq"),
		"RABBITMQ_ENABLED_PLUGINS_FILE="+filepath.Join(dir, "enabled_plugins"),
		"RABBITMQ_FEATURE_FLAGS_FILE="+filepath.Join(dir, "feature_flags"),
		"RABBITMQ_PID_FILE="+filepath.Join(dir, "rabbit.pid"),
		"RABBITMQ_QUORUM_DIR="+filepath.Join(dir, "quorum"),
		"RABBITMQ_STREAM_DIR="+filepath.Join(dir, "stream"),
		"RABBITMQ_PLUGINS_EXPAND_DIR="+filepath.Join(dir, "plugins-expand"),
		"RABBITMQ_GENERATED_CONFIG_DIR="+filepath.Join(dir, "generated"),
	)
	if err := chownTree(dir); err != nil {
		return nil, err
	}
	if err := b.start(); err != nil {
		b.Stop()
		return nil, err
	}
	return b, nil
}

func (b *Broker) start() error {
	cmd := exec.Command(filepath.Join(rabbitBin, "rabbitmq-server"))
	cmd.Env = b.env
	cmd.Dir = b.dir
	log, err := os.OpenFile(filepath.Join(b.dir, "server.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	b.mu.Lock()
	b.cmd, b.done = cmd, done
	b.mu.Unlock()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			out, _ := os.ReadFile(filepath.Join(b.dir, "server.out"))
			return fmt.Errorf("fiksiotest: rabbitmq-server exited during boot:\n%s", tail(out, 2000))
		case <-time.After(250 * time.Millisecond):
		}
		if b.ready() {
			return nil
		}
	}
	return errors.New("fiksiotest: rabbitmq-server did not accept AMQP connections within 120 s")
}

// ready reports whether the node answers an AMQP protocol header with its Connection.Start.
func (b *Broker) ready() bool {
	c, err := net.DialTimeout("tcp", b.Addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("AMQP\x00\x00\x09\x01")); err != nil {
		return false
	}
	var buf [1]byte
	_, err = c.Read(buf[:])
	return err == nil && buf[0] == 1 // a method frame
}

// Restart stops the node and starts it again on the same ports and data: durable queues
// and persistent messages survive, connections do not.
func (b *Broker) Restart() error {
	b.kill(false)
	return b.start()
}

// Stop stops the node and its port mapper and removes its data folder.
func (b *Broker) Stop() {
	b.kill(true)
	_ = os.RemoveAll(b.dir)
}

func (b *Broker) kill(epmd bool) {
	b.mu.Lock()
	cmd, done := b.cmd, b.done
	b.cmd = nil
	b.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		stop := exec.CommandContext(ctx, filepath.Join(rabbitBin, "rabbitmqctl"), "-n", b.node, "stop")
		stop.Env = b.env
		_ = stop.Run()
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		killGroup(cmd)
		<-done
	}
	if epmd {
		// The node's own port mapper (ERL_EPMD_PORT) outlives it: end it too.
		k := exec.Command("epmd", "-kill")
		k.Env = b.env
		_ = k.Run()
	}
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// chownTree gives the folder to the rabbitmq user when running as root (the Debian
// scripts drop to that user).
func chownTree(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	out, err := exec.Command("id", "-u", "rabbitmq").Output()
	if err != nil {
		return nil // no such user: the node runs as root
	}
	uid, _ := strconv.Atoi(string(out[:len(out)-1]))
	out, _ = exec.Command("id", "-g", "rabbitmq").Output()
	gid, _ := strconv.Atoi(string(out[:len(out)-1]))
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
