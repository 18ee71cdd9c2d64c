// Package archtest holds the import rules of docs/architecture.md as a test: a package
// that links what it may not fails here, with the offending import named.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/fellesklient/fellesklient/"

type pkg struct {
	path    string   // without the module prefix
	imports []string // direct imports of the module, without the prefix
	deps    []string // every dependency, full paths
}

func load(t *testing.T) []pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed to list imports: %v", err)
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \",\"}}|{{join .Deps \",\"}}", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("go list line %q", line)
		}
		p := pkg{path: strings.TrimPrefix(parts[0], mod)}
		for _, imp := range strings.Split(parts[1], ",") {
			if strings.HasPrefix(imp, mod) {
				p.imports = append(p.imports, strings.TrimPrefix(imp, mod))
			}
		}
		p.deps = strings.Split(parts[2], ",")
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

func under(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }

func isFake(p string) bool {
	last := p[strings.LastIndex(p, "/")+1:]
	return strings.HasSuffix(last, "test") && !strings.HasPrefix(p, "internal/")
}

// service packages talk to one national service each; they never import one another.
var services = []string{"maskinporten", "svarut", "folkeregister", "einnsyn", "fiks/fiksio", "fiks/arkiv",
	"fiks/minside", "fiks/edialog", "fiks/digisos"}

func serviceOf(p string) string {
	best := ""
	for _, s := range services {
		if under(p, s) && len(s) > len(best) {
			best = s
		}
	}
	return best
}

// allowedService lists the named exceptions: a protocol may import the transport it runs over.
var allowedService = map[string][]string{
	"fiks/arkiv":   {"fiks/fiksio"},
	"fiks/digisos": {"fiks/fiksio", "svarut"},
	// eDialog delivers into SvarInn: its fake drives svaruttest (the client does not).
	"fiks/edialog/edialogtest": {"svarut"},
	// fikstest.NewFixture is the one start of every FIKS test, example and the
	// quickstart: a Maskinporten client (the real grant flow) feeding FIKS credentials.
	"fiks/fikstest": {"maskinporten"},
}

// allowed reports whether package p may import the module package imp, and why not.
func allowed(p, imp string) (bool, string) {
	switch {
	case under(imp, "internal/gen"):
		family := strings.SplitN(strings.TrimPrefix(imp, "internal/gen/"), "/", 2)[0]
		owner := map[string]string{"svarut": "svarut", "einnsyn": "einnsyn", "noark5schema": "noark5", "fiksio": "fiks/fiksio", "fiksarkivschema": "noark5/fiksarkiv", "digisosschema": "fiks/digisos", "digisos": "fiks/digisos",
			"minsideschema": "fiks/minside", "edialog": "fiks/edialog"}[family]
		if under(p, "internal/gen") || p == owner || (owner != "" && under(p, owner) && !isFake(p)) {
			return true, ""
		}
		return false, "generated code is imported only by the package that wraps it"
	case p == "ident" && imp == "internal/mask":
		return true, "" // the one masking policy; internal/mask imports nothing of the module
	case p == "auth" || p == "ident" || p == "lease":
		return false, "auth, ident and lease import nothing of the module (ident: only internal/mask)"
	case under(p, "internal") && !under(p, "internal/archtest") && !under(p, "internal/hostiletest") && !under(p, "internal/leaktest"):
		if imp == "auth" || imp == "ident" || under(imp, "internal") {
			return true, ""
		}
		return false, "internal packages import only auth, ident and internal"
	case under(p, "examples") || under(p, "cmd"):
		if under(imp, "internal") {
			return false, "examples and the CLI use only public packages"
		}
		return true, ""
	}
	if isFake(imp) && !isFake(p) && !under(p, "internal") {
		return false, "no production package imports a fake"
	}
	if under(p, "noark5") {
		if under(imp, "internal/httpx") || under(imp, "internal/retry") || serviceOf(imp) != "" || under(imp, "fiks") {
			return false, "noark5 does no HTTP and imports no service"
		}
		return true, ""
	}
	if under(imp, "noark5") && !under(p, "einnsyn") && !under(p, "fiks/arkiv") {
		return false, "only einnsyn (publishing) and fiks/arkiv (its payload) import noark5"
	}
	ps, is := serviceOf(p), serviceOf(imp)
	if is != "" && is != ps {
		if isFake(p) && imp == "maskinporten/maskinportentest" {
			return true, ""
		}
		for _, ok := range append(allowedService[ps], allowedService[p]...) {
			if under(imp, ok) && !isFake(imp) {
				return true, ""
			}
			// A fake may drive the fake of a service its own service runs over:
			// digisostest delivers applications into svaruttest as Fiks Digisos
			// delivers them through SvarUt.
			if under(imp, ok) && isFake(p) && isFake(imp) {
				return true, ""
			}
		}
		return false, "service packages import no other service"
	}
	if p == "maskinporten" && (under(imp, "fiks") || under(imp, "einnsyn")) {
		return false, "maskinporten knows nothing of FIKS or eInnsyn"
	}
	if p == "fiks" && imp != "auth" && imp != "ident" && !under(imp, "internal") {
		return false, "fiks imports only auth, ident and internal"
	}
	return true, ""
}

func TestImportRules(t *testing.T) {
	for _, p := range load(t) {
		for _, imp := range p.imports {
			if ok, why := allowed(p.path, imp); !ok {
				t.Errorf("%s imports %s: %s", p.path, imp, why)
			}
		}
	}
}

// TestLinks: only maskinporten links jwx; fiks, folkeregister and einnsyn do not link
// pkcs12 (svarut does, through fiks/kryptering's key reading); only auth/redisstore and
// lease/redislease link go-redis; only auth/oauth2adapter links x/oauth2.
func TestLinks(t *testing.T) {
	noJWX := map[string]bool{"fiks": true, "svarut": true, "folkeregister": true, "einnsyn": true, "fiks/kryptering": true, "auth": true, "ident": true}
	noPKCS12 := map[string]bool{"fiks": true, "folkeregister": true, "einnsyn": true, "auth": true, "ident": true}
	// Only the Redis packages link go-redis: users who don't want Redis don't build it.
	noRedis := map[string]bool{"auth": true, "lease": true, "svarut": true, "maskinporten": true, "fiks": true, "fiks/fiksio": true, "lease/leasetest": true}
	redisSeen := 0
	seen := 0
	oauth2Seen := false
	for _, p := range load(t) {
		for _, d := range p.deps {
			// x/oauth2 is linked only through auth/oauth2adapter, for the callers who ask.
			if strings.HasPrefix(d, "golang.org/x/oauth2") && p.path != "auth/oauth2adapter" {
				t.Errorf("%s links %s (only auth/oauth2adapter may)", p.path, d)
				break
			}
			if strings.HasPrefix(d, "golang.org/x/oauth2") {
				oauth2Seen = true
			}
			if noJWX[p.path] && strings.HasPrefix(d, "github.com/lestrrat-go/jwx") {
				t.Errorf("%s links %s", p.path, d)
				break
			}
			if noPKCS12[p.path] && strings.HasPrefix(d, "software.sslmate.com/src/go-pkcs12") {
				t.Errorf("%s links %s", p.path, d)
				break
			}
			if noRedis[p.path] && strings.HasPrefix(d, "github.com/redis/go-redis") {
				t.Errorf("%s links %s", p.path, d)
				break
			}
			if noJWX[p.path] && d == mod+"maskinporten" {
				t.Errorf("%s links maskinporten", p.path)
				break
			}
		}
		if noJWX[p.path] {
			seen++
		}
		if noRedis[p.path] {
			redisSeen++
		}
	}
	if !oauth2Seen {
		t.Error("auth/oauth2adapter does not link x/oauth2: the check above cannot see it")
	}
	if seen != len(noJWX) || redisSeen != len(noRedis) {
		t.Fatalf("checked %d of %d and %d of %d packages", seen, len(noJWX), redisSeen, len(noRedis))
	}
}

// TestRulesBite: the rules refuse what the architecture forbids.
func TestRulesBite(t *testing.T) {
	for _, c := range [][2]string{
		{"fiks", "maskinporten"}, {"svarut", "folkeregister"}, {"einnsyn", "maskinporten"},
		{"noark5", "internal/httpx"}, {"noark5/arkivmelding", "einnsyn"}, {"auth", "internal/httpx"},
		{"svarut", "svarut/svaruttest"}, {"folkeregister", "internal/gen/svarut"},
		{"svarut/svaruttest", "internal/gen/svarut"}, {"cmd/fellesklient", "internal/httpx"},
		{"internal/httpx", "fiks"}, {"maskinporten", "fiks"}, {"fiks/fiksio", "fiks/arkiv"}, {"lease", "auth"},
		{"svarut/svaruttest", "fiks/digisos/digisostest"}, {"fiks/digisos", "svarut/svaruttest"},
		{"fiks/digisos/digisostest", "folkeregister/folkeregistertest"},
		{"fiks/digisos/digisostest", "internal/gen/digisos"},
	} {
		if ok, _ := allowed(c[0], c[1]); ok {
			t.Errorf("%s may import %s", c[0], c[1])
		}
	}
	for _, c := range [][2]string{
		{"svarut", "fiks"}, {"svarut", "fiks/kryptering"}, {"einnsyn", "noark5/fiksarkiv"},
		{"fiks/arkiv", "fiks/fiksio"}, {"svarut/svaruttest", "maskinporten/maskinportentest"},
		{"svarut", "internal/gen/svarut"}, {"fiks/digisos/digisostest", "svarut/svaruttest"},
		{"fiks/digisos", "internal/gen/digisos"},
	} {
		if ok, why := allowed(c[0], c[1]); !ok {
			t.Errorf("%s may not import %s: %s", c[0], c[1], why)
		}
	}
}
