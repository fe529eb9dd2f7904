package metrics

import (
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
)

// Why /metrics compresses its own responses instead of letting promhttp:
//
// promhttp takes its gzip writers from a sync.Pool, which every two garbage
// collections empty. A gzip writer at the default level allocates about
// 800 kB when made (its hash tables and window), so a scrape that finds the
// pool empty — the usual case when Prometheus scrapes every 15–60 s and the
// site collects garbage in between — allocated 1.02 MB for a 326 kB
// response (at promhttp's level) on the synthetic 5,000-record database, against 0.20 MB with a
// writer at hand (measured with runtime.MemStats around one in-process
// scrape after two runtime.GC calls, and without them). Issue 14's goal is
// under twice the response. So the Exporter keeps a few writers in a
// channel, which garbage collection leaves alone, and promhttp is asked
// for uncompressed output (HandlerOpts.DisableCompression).
//
// The level is gzip.BestSpeed, not promhttp's default: every scrape
// compresses the whole body (5.8 MB of OpenMetrics on that database), and
// on the 2-core VM the default level took 59 ms (fastest of 4 runs) to make
// 326 kB where BestSpeed took 22 ms to make 360 kB — a third of an
// unchanged scrape's time for a tenth more bytes on the wire.
const gzipLevel = gzip.BestSpeed

// gzipWriters is a free list of gzip writers that survives garbage
// collection. Scrapes beyond its capacity at once make a writer of their
// own and drop it afterwards.
type gzipWriters chan *gzip.Writer

// keptGzipWriters is how many writers an Exporter keeps: Prometheus
// replicas rarely scrape at the very same moment.
const keptGzipWriters = 2

// get returns a writer compressing into w.
func (p gzipWriters) get(w http.ResponseWriter) *gzip.Writer {
	select {
	case z := <-p:
		z.Reset(w)
		return z
	default:
		z, err := gzip.NewWriterLevel(w, gzipLevel)
		if err != nil {
			panic(err) // cannot happen: gzipLevel is a valid level
		}
		return z
	}
}

// put keeps z for a later scrape, if there is room.
func (p gzipWriters) put(z *gzip.Writer) {
	z.Reset(nil) // let go of the response
	select {
	case p <- z:
	default:
	}
}

// gzipResponse is a ResponseWriter whose body goes through a gzip writer.
type gzipResponse struct {
	http.ResponseWriter
	z *gzip.Writer
}

func (g gzipResponse) Write(b []byte) (int, error) { return g.z.Write(b) }

// acceptsGzip reports whether an Accept-Encoding header allows gzip (listed,
// or covered by *, and not refused with q=0); codings are case-insensitive
// (RFC 9110).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}
