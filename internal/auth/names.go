package auth

import (
	"regexp"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
)

// MaxNameLen is the longest account name.
const MaxNameLen = 64

// CodeNameFormat is the problem code of an account name that breaks the
// rules of ValidName.
const CodeNameFormat = "name_format"

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// NormalizeName turns what someone typed into an account name: surrounding
// space removed, lower case, so that "Alice" and "alice" are one account.
func NormalizeName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidName reports whether a normalised name can name an account: 1 to 64
// of a-z, 0-9, '.', '_' and '-', starting with a letter or digit. Plain
// ASCII keeps look-alike names apart and audit rows readable.
func ValidName(name string) bool { return len(name) <= MaxNameLen && namePattern.MatchString(name) }

// CheckName reports a problem with a normalised account name on the field
// "username".
func CheckName(name string) error {
	var e access.Errors
	switch {
	case name == "":
		e.Add("username", access.CodeRequired)
	case !ValidName(name):
		e.Add("username", CodeNameFormat)
	}
	return e.Err()
}
