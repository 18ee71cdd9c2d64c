package einnsyn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"testing"

	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
)

const benchItems = 10000

var (
	benchOnce  sync.Once
	benchPages map[string][]byte // request URI -> body, recorded from the fake
	benchFirst string
)

// recordPages publishes 10 000 journalposter to the fake and records the 100 list pages
// of 100 the API gives for them, so that both benchmark sides decode the same bytes
// without the fake's own work in the numbers.
func recordPages(b *testing.B) {
	benchOnce.Do(func() {
		fake := einnsyntest.NewServer(b, einnsyntest.Options{Plain: true})
		defer fake.Close()
		enh := fake.AddEnhet(einnsyntest.Enhet{Navn: "K", Orgnummer: "910000020"})
		c, err := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), APIKey: fake.AddAPIKey(enh)})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		ark, _ := c.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "A"})
		del, err := c.Arkivdeler.Create(ctx, ark.ID, &einnsyn.Arkivdel{Tittel: "D"})
		if err != nil {
			b.Fatal(err)
		}
		for s := 0; s < benchItems/1000; s++ {
			var jps []*einnsyn.Journalpost
			for i := 1; i <= 1000; i++ {
				jps = append(jps, journalpost(s*1000+i))
			}
			if _, err := c.Saksmapper.Create(ctx, del.ID, saksmappe(s+1, jps...)); err != nil {
				b.Fatal(err)
			}
		}
		benchPages = map[string][]byte{}
		benchFirst = "/journalpost?limit=100&sortOrder=asc"
		next := benchFirst
		for next != "" {
			resp, err := http.Get(fake.URL() + next)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			benchPages[next] = body
			var p struct{ Next string }
			_ = json.Unmarshal(body, &p)
			next = p.Next
		}
		if len(benchPages) != benchItems/100 {
			b.Fatalf("recorded %d pages", len(benchPages))
		}
	})
}

// replay serves the recorded pages on loopback.
func replay(b *testing.B) *httptest.Server {
	recordPages(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := benchPages[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func report(b *testing.B, run func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		run()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	items := float64(b.N * benchItems)
	b.ReportMetric(items/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/items, "allocs/item")
}

// BenchmarkIterate10k walks 10 000 journalposter, 100 pages of 100, over loopback:
// einnsyn.Journalposter.List into typed Journalposter, against a bare net/http loop that
// follows the same next links and decodes each page with encoding/json into
// map[string]any (the baseline), in the same run. Both read the same recorded pages from
// the same kind of server, so the numbers are the client's.
//
//	go test -run '^$' -bench Iterate10k -count 6 ./einnsyn/
func BenchmarkIterate10k(b *testing.B) {
	b.Run("einnsyn", func(b *testing.B) {
		srv := replay(b)
		c, err := einnsyn.New(einnsyn.Options{BaseURL: srv.URL})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		report(b, func() {
			n := 0
			for j, err := range c.Journalposter.List(ctx, &einnsyn.ListOptions{Limit: 100, SortOrder: "asc"}) {
				if err != nil {
					b.Fatal(err)
				}
				if j.Journalpostnummer == 0 {
					b.Fatal("not decoded")
				}
				n++
			}
			if n != benchItems {
				b.Fatalf("got %d", n)
			}
		})
	})
	b.Run("map", func(b *testing.B) {
		srv := replay(b)
		base, _ := url.Parse(srv.URL)
		hc := &http.Client{}
		report(b, func() {
			n := 0
			next := benchFirst
			for next != "" {
				ref, _ := url.Parse(next)
				resp, err := hc.Get(base.ResolveReference(ref).String())
				if err != nil {
					b.Fatal(err)
				}
				var page map[string]any
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				for _, it := range page["items"].([]any) {
					if it.(map[string]any)["journalpostnummer"] == nil {
						b.Fatal("not decoded")
					}
					n++
				}
				next, _ = page["next"].(string)
			}
			if n != benchItems {
				b.Fatal(fmt.Sprint("got ", n))
			}
		})
	})
}
