package i18n

import (
	"bytes"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/data"
	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
)

// BenchmarkMatchTextEveryLanguage: what matching search text against every
// language's labels and country names costs, as a ratio to matching the
// data's own country names only (labels nil), measured in the same run in
// alternating rounds. It runs once per uncached search.
//
//	go test ./internal/i18n/ -run '^$' -bench MatchTextEveryLanguage
func BenchmarkMatchTextEveryLanguage(b *testing.B) {
	raw, err := data.Countries()
	if err != nil {
		b.Fatal(err)
	}
	countries, err := dataset.ReadCountries(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	ls := MustLoadLanguages()
	if m := access.MatchText("expulsé", countries, ls); len(m.Statuses) != 1 {
		b.Fatalf("expulsé matches %+v", m)
	}
	const round = 50
	var every, dataOnly time.Duration
	timed := func(labels access.SearchLabels, n int) time.Duration {
		start := time.Now()
		for range n {
			access.MatchText("expulsé", countries, labels)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	for done, r := 0, 0; done < b.N; r++ {
		n := min(round, b.N-done)
		if r%2 == 0 {
			every += timed(ls, n)
			dataOnly += timed(nil, n)
		} else {
			dataOnly += timed(nil, n)
			every += timed(ls, n)
		}
		done += n
	}
	b.ReportMetric(every.Seconds()/dataOnly.Seconds(), "x-data-names-only")
	b.ReportMetric(float64(every.Nanoseconds())/float64(b.N), "ns/search")
}
