// Package access is the accesswatch domain: the status of a named aid
// organisation in a named country, the events that change it, and the rules
// that say which records are flagged and whose reach counts as lost.
//
// It is pure Go: no I/O, no SQL, no HTML and no user-facing prose. Values
// that people read (labels, validation messages, date formats) are looked up
// by key in internal/i18n, so a translation is a file, not a rewrite.
package access
