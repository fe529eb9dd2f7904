package metrics

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// A scrape is a large part that changes only after a commit (the domain
// metrics) followed by a small part that changes every time (operational
// metrics). Compressing the whole response per scrape would cost far more
// than serving it, so the large part is compressed once per snapshot and
// each response splices it into one gzip member:
//
//	gzip header | deflate(domain), sync-flushed, not final | deflate(tail), final | CRC-32, size
//
// A DEFLATE stream is a sequence of blocks; a sync flush ends the domain's
// blocks on a byte boundary without marking the last one final, and blocks
// from a fresh compressor never refer back before their own data, so the
// concatenation is one valid stream. The CRC-32 of the whole continues from
// the domain's own CRC over the tail. Every gzip reader accepts the result:
// it is a single ordinary member.

// gzipHeader: magic, CM=deflate, no flags, no mtime, no extra flags, OS unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// tailCompressors reuse compressors, which are large to allocate.
var tailCompressors = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return &tailCompressor{w: w}
}}

type tailCompressor struct {
	w   *flate.Writer
	buf bytes.Buffer
}

// writeGzip writes prefix's data followed by tail as a gzip-encoded body.
func writeGzip(w http.ResponseWriter, prefix *encoding, tail []byte) {
	tc := tailCompressors.Get().(*tailCompressor)
	defer tailCompressors.Put(tc)
	tc.buf.Reset()
	tc.w.Reset(&tc.buf)
	_, _ = tc.w.Write(tail) // writes to a bytes.Buffer do not fail
	_ = tc.w.Close()

	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[0:], crc32.Update(prefix.crc, crc32.IEEETable, tail))
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(prefix.plain)+len(tail))) // size modulo 2^32, as gzip says

	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(gzipHeader)+len(prefix.deflated)+tc.buf.Len()+len(trailer)))
	for _, b := range [][]byte{gzipHeader, prefix.deflated, tc.buf.Bytes(), trailer[:]} {
		if _, err := w.Write(b); err != nil {
			return // the client went away
		}
	}
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (listed,
// or covered by *, and not refused with q=0).
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
