package httpkit

import "time"

// Strs converts a vocabulary to plain strings.
func Strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// PublicDay is t at the precision public outputs give editors' activity:
// the start (00:00:00 UTC) of its day. An hour or second would tell anyone
// watching when, and so perhaps who, recorded a government's measure.
func PublicDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
