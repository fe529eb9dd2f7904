package metrics

import (
	"bytes"
	"compress/flate"
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// splice builds a whole spliced gzip body, as serve writes it.
func splice(t *testing.T, prefix, tail []byte) []byte {
	t.Helper()
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	if len(prefix) > 0 {
		fw.Write(prefix)
		fw.Flush()
	}
	enc := &encoding{plain: prefix, deflated: deflated.Bytes(), crc: crc32.ChecksumIEEE(prefix)}
	return append(append(append([]byte{}, gzipHeader...), enc.deflated...), gzipTail(enc, tail)...)
}

// Tails around the stored-block size limit, empty parts, random bytes:
// every splice is one valid gzip member with the concatenation inside.
func TestGzipSplice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	text := bytes.Repeat([]byte("accesswatch_presence_status{country=\"NER\",org=\"icrc\",status=\"expelled\"} 1\n"), 3000)
	for _, tc := range []struct {
		name         string
		prefix, tail []byte
	}{
		{"both empty", nil, nil},
		{"empty prefix", nil, []byte("go_goroutines 7\n")},
		{"empty tail", text, nil},
		{"text", text, []byte("go_goroutines 7\n")},
		{"tail one block", text, random(maxStored)},
		{"tail just over one block", text, random(maxStored + 1)},
		{"tail several blocks", random(1000), random(3*maxStored + 17)},
	} {
		got := gunzipOneMember(t, splice(t, tc.prefix, tc.tail))
		want := append(append([]byte{}, tc.prefix...), tc.tail...)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes back, want %d", tc.name, len(got), len(want))
		}
	}
	// A corrupted tail is caught by the CRC: the trailer really covers it.
	body := splice(t, text, []byte("go_goroutines 7\n"))
	body[len(body)-12] ^= 1
	if _, err := readGzip(body); err == nil {
		t.Error("a corrupted body decompressed without error")
	}
}
