package metrics

import (
	"encoding/binary"
	"hash/crc32"
	"strconv"
	"strings"
)

// A scrape is a large part that changes only after a commit (the domain
// metrics) followed by a small part that changes every time (operational
// metrics). Compressing the whole response per scrape would cost far more
// than serving it, so the large part is compressed once per snapshot and
// each response splices it into one gzip member:
//
//	gzip header | deflate(domain), sync-flushed, not final | stored blocks(tail), last one final | CRC-32, size
//
// A DEFLATE stream is a sequence of blocks; a sync flush ends the domain's
// blocks on a byte boundary without marking the last one final, so more
// blocks may follow. The tail goes in stored (uncompressed) blocks: it is a
// few kilobytes, and copying it costs nothing while compressing it would
// cost more than the rest of the response. The CRC-32 of the whole
// continues from the domain's own CRC over the tail. Every gzip reader
// accepts the result: it is a single ordinary member.

// gzipHeader: magic, CM=deflate, no flags, no mtime, no extra flags, OS unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// maxStored is the most a stored DEFLATE block holds.
const maxStored = 0xffff

// gzipTail returns what follows gzipHeader and prefix.deflated to make a
// gzip member of prefix's data followed by tail: tail in stored DEFLATE
// blocks, the last one final, then the trailer (CRC-32 and size of the
// whole).
func gzipTail(prefix *encoding, tail []byte) []byte {
	out := make([]byte, 0, len(tail)+5*(len(tail)/maxStored+1)+8)
	for rest := tail; ; {
		n := min(len(rest), maxStored)
		final := byte(0)
		if n == len(rest) {
			final = 1
		}
		// Block header: BFINAL, BTYPE=00 (stored), padding to the byte
		// boundary, then LEN and its complement NLEN, little-endian.
		out = append(out, final)
		out = binary.LittleEndian.AppendUint16(out, uint16(n))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(n))
		out = append(out, rest[:n]...)
		rest = rest[n:]
		if final == 1 {
			break
		}
	}
	out = binary.LittleEndian.AppendUint32(out, crc32.Update(prefix.crc, crc32.IEEETable, tail))
	return binary.LittleEndian.AppendUint32(out, uint32(len(prefix.plain)+len(tail))) // size modulo 2^32, as gzip says
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
