package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"
)

// pageCache keeps rendered public responses, keyed by path and canonical
// query, each tagged with the store generation it was rendered at. A commit
// changes the generation, so every entry goes stale at once and the next
// request renders afresh: readers never see data older than the last commit.
// The cache is an LRU bounded in entries and bytes, because query strings
// (filters, pages) are unbounded.
//
// It lives with the router rather than in package site: routes.go applies
// it to public pages, API answers and exports alike, and a miss is where
// the per-client render limit (limit.go) is charged.
type pageCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	order      *list.List // front = most recently used
	entries    map[string]*list.Element
}

// cachedResponse is one rendered response.
type cachedResponse struct {
	key         string
	generation  uint64
	day         int64 // the store clock's day at rendering; see cachedBy
	contentType string
	etag        string // strong, from the content: unchanged content keeps its tag across commits
	body        []byte
	gzipped     []byte // nil when compression would not help

	// Header values, made once at fill time so that serving an entry
	// allocates nothing for them. Each slice is only ever read.
	etagValue, contentTypeValue, lengthValue, gzippedLengthValue []string
	varyValue                                                    []string
}

// Header values every cached answer shares (read only).
var (
	cacheControlValue = []string{"public, no-cache"}
	varyValue         = []string{"Accept-Encoding"}
	varyLangValue     = []string{"Accept-Encoding, Accept-Language"}
	gzipValue         = []string{"gzip"}
)

// prepare makes the entry's header values.
func (c *cachedResponse) prepare() {
	c.etagValue = []string{c.etag}
	c.contentTypeValue = []string{c.contentType}
	c.lengthValue = []string{strconv.Itoa(len(c.body))}
	if c.gzipped != nil {
		c.gzippedLengthValue = []string{strconv.Itoa(len(c.gzipped))}
	}
}

func (c *cachedResponse) size() int { return len(c.body) + len(c.gzipped) + len(c.key) + 64 }

func newPageCache(maxEntries, maxBytes int) *pageCache {
	return &pageCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the entry for key if it was rendered at generation gen.
func (c *pageCache) get(key string, gen uint64) *cachedResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*cachedResponse)
	if e.generation != gen {
		return nil
	}
	c.order.MoveToFront(el)
	return e
}

// put stores an entry, evicting the least recently used beyond the bounds.
func (c *pageCache) put(e *cachedResponse) {
	if e.size() > c.maxBytes/4 {
		return // one huge response must not flush everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.bytes -= el.Value.(*cachedResponse).size()
		c.order.Remove(el)
	}
	c.entries[e.key] = c.order.PushFront(e)
	c.bytes += e.size()
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*cachedResponse)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.bytes -= old.size()
	}
}

// len returns the number of entries (for tests).
func (c *pageCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// cacheKey is the request's path and its query with parameters sorted, so
// that ?a=1&b=2 and ?b=2&a=1 share an entry. A query that does not parse is
// kept raw; the handler will reject it.
func cacheKey(r *http.Request) string {
	raw := r.URL.RawQuery
	if raw == "" {
		return r.URL.Path
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return r.URL.Path + "?" + raw
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(r.URL.Path)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		for j, v := range q[k] {
			if j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	return b.String()
}

// cached serves a public GET handler through the page cache: a fresh entry
// is served from memory (or answered 304 when the client has it) without
// calling the handler; otherwise the handler renders into a buffer and a
// 200 answer is kept. Non-200 answers pass through uncached. The handler's
// output must not depend on who asks (no sessions on public pages).
func (s *Server) cached(h httpkit.HandlerFunc) http.Handler {
	return s.cachedWith(h, cacheOptions{})
}

// cacheOptions say how cachedWith keys, renders and labels an answer.
type cacheOptions struct {
	// perOrigin is for handlers whose output holds absolute links built
	// from the request's scheme and host (the Atom feed): the origin is
	// part of the key, so links made for one Host header are never served
	// to a request that came with another (see pagePerOrigin).
	perOrigin bool
	// kit answers the handler's errors (nil: the server's, in English).
	kit *httpkit.Kit
	// lang is the language the page is written in; byHeader says the
	// Accept-Language header chose it (the answer then says Vary:
	// Accept-Language); keyPrefix sets such answers apart in the cache
	// ("" for the default language, so that its key, the common case,
	// costs nothing to make). A language chosen with ?lang= is in the key
	// already.
	lang      string
	byHeader  bool
	keyPrefix string
	// request, if not nil, gives the request the handler renders with
	// (on a miss only).
	request func(*http.Request) *http.Request
	// rewrite, if not nil, changes an HTML body once, before it is cached.
	rewrite func([]byte) []byte
	// location, if not nil, changes where a redirect sends the client (a
	// page's canonical address keeps the language chosen with ?lang=).
	location func(string) string
}

// cachedWith implements cached, page and pagePerOrigin. A miss counts against
// the client's render limit (see allowRender); a hit is free. An entry is fresh while
// the store generation and the store clock's day are those it was rendered
// at: pages count "the last 90 days" and "years present" from today, so
// they go stale at midnight (UTC) even when nothing was committed.
func (s *Server) cachedWith(h httpkit.HandlerFunc, opt cacheOptions) http.Handler {
	kit := opt.kit
	if kit == nil {
		kit = s.kit
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gen := s.store.Generation()
		day := s.now().Unix() / secondsPerDay
		key := cacheKey(r)
		if opt.keyPrefix != "" {
			key = opt.keyPrefix + key
		}
		if opt.perOrigin {
			key = s.kit.Origin(r) + key
		}
		if e := s.cache.get(key, gen); e != nil && e.day == day {
			serveCached(w, r, e)
			return
		}
		if !s.allowRender(w, r) {
			return
		}
		if opt.request != nil {
			r = opt.request(r)
		}
		buf := &bufferedResponse{header: http.Header{}}
		if err := h(buf, r); err != nil {
			if opt.byHeader {
				w.Header().Set("Vary", "Accept-Language")
			}
			if rd := (*httpkit.Redirect)(nil); opt.location != nil && errors.As(err, &rd) {
				rd.To = opt.location(rd.To)
			}
			if opt.rewrite == nil {
				kit.ServeError(w, r, err)
				return
			}
			// an error page's links keep the reader's choice too
			page := &bufferedResponse{header: http.Header{}}
			kit.ServeError(page, r, err)
			if strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
				body := opt.rewrite(page.body.Bytes())
				page.body = bytes.Buffer{}
				page.body.Write(body)
				page.header.Del("Content-Length")
			}
			page.copyTo(w)
			return
		}
		if buf.status != 0 && buf.status != http.StatusOK {
			if opt.byHeader {
				buf.header.Set("Vary", "Accept-Language")
			}
			if to := buf.header.Get("Location"); to != "" && opt.location != nil {
				buf.header.Set("Location", opt.location(to))
			}
			buf.copyTo(w)
			return
		}
		e := &cachedResponse{key: key, generation: gen, day: day, contentType: buf.header.Get("Content-Type"), body: buf.body.Bytes()}
		if opt.rewrite != nil && strings.HasPrefix(e.contentType, "text/html") {
			e.body = opt.rewrite(e.body)
		}
		e.varyValue = varyValue
		if opt.byHeader {
			e.varyValue = varyLangValue
		}
		sum := sha256.Sum256(e.body)
		e.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		e.gzipped = compress(e.body)
		e.prepare()
		s.cache.put(e)
		serveCached(w, r, e)
	})
}

const secondsPerDay = 24 * 60 * 60

// serveCached writes a cached response, honouring If-None-Match and
// Accept-Encoding. Clients revalidate every time (no-cache): data can
// change at any commit, and a 304 costs almost nothing.
func serveCached(w http.ResponseWriter, r *http.Request, e *cachedResponse) {
	// Canonical keys assigned directly: this is the hot path of every page.
	h := w.Header()
	h["Etag"] = e.etagValue
	h["Cache-Control"] = cacheControlValue
	h["Vary"] = e.varyValue
	if etagMatch(r.Header.Get("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = e.contentTypeValue
	body, length := e.body, e.lengthValue
	if e.gzipped != nil && acceptsGzip(r) {
		h["Content-Encoding"] = gzipValue
		body, length = e.gzipped, e.gzippedLengthValue
	}
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatch implements If-None-Match's weak comparison over a list of tags.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		name, value, ok := strings.Cut(strings.TrimSpace(params), "=")
		if ok && strings.TrimSpace(name) == "q" {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			return err == nil && q > 0
		}
		return true
	}
	return false
}

// compress gzips a body once, at fill time; nil when it would not shrink.
func compress(body []byte) []byte {
	if len(body) < 512 {
		return nil
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	if b.Len() >= len(body) {
		return nil
	}
	return b.Bytes()
}

// bufferedResponse collects a handler's answer so it can be cached.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// copyTo writes the buffered answer through unchanged.
func (b *bufferedResponse) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
