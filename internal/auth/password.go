// Package auth is the security core of the admin area: password hashing
// (argon2id), account names, session tokens, session lifetimes and login
// throttling. The web package handles cookies and forms around it; the store
// keeps accounts, hashed session tokens and failed logins.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Params are argon2id's cost parameters. An encoded hash carries the
// parameters it was made with, so raising them later keeps old hashes
// verifiable.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are OWASP's recommended minimum for argon2id: 19 MiB of
// memory, 2 passes, 1 thread (about 30 ms on one core of a current server),
// with a 128-bit salt and a 256-bit hash.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password limits. The minimum is counted in characters; the maximum in
// bytes, and is checked before any hashing, so that a password of any
// reasonable length (a passphrase) is accepted whole, never truncated,
// while a megabyte of input is refused cheaply.
const (
	MinPasswordChars = 8
	MaxPasswordBytes = 1024
)

// Problem codes of CheckPassword (besides access's generic ones).
const (
	// CodeTooShort: shorter than MinPasswordChars (FieldError.Limit holds
	// the minimum).
	CodeTooShort = "too_short"
	// CodeCommon: among the most common passwords (commonpasswords.txt).
	CodeCommon = "common"
	// CodeRepeated: one character repeated.
	CodeRepeated = "repeated"
)

// commonPasswordList is the 10,000 most common passwords, lower case, one a
// line, most common first: the head of the "passwords" frequency list of
// zxcvbn 4.4.2 (MIT licence, © 2012-2016 Dan Wheeler and Dropbox, Inc.),
// itself drawn from Xato's corpus of ten million leaked passwords. See
// README.md, Data and licences.
//
//go:embed commonpasswords.txt
var commonPasswordList string

// commonPasswords is commonPasswordList as a set, built on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 10_000)
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line != "" {
			set[line] = struct{}{}
		}
	}
	return set
})

// IsCommonPassword reports whether pw, compared without regard to case, is
// in the bundled list of the 10,000 most common passwords.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// repeatedChar reports whether pw is one character repeated.
func repeatedChar(pw string) bool {
	first, size := utf8.DecodeRuneInString(pw)
	return size > 0 && strings.Trim(pw, string(first)) == ""
}

// CheckPassword applies the password rules: valid UTF-8 (so that the same
// password can be typed in a browser), at least MinPasswordChars
// characters, at most MaxPasswordBytes bytes, not one character repeated,
// and not in the bundled list of common passwords. There are no
// composition rules. Problems are reported on the field "password".
func CheckPassword(pw string) error {
	var e access.Errors
	switch {
	case len(pw) > MaxPasswordBytes:
		e.AddLimit("password", access.CodeTooLong, MaxPasswordBytes)
	case !utf8.ValidString(pw):
		e.Add("password", access.CodeInvalidUTF8)
	case pw == "":
		e.Add("password", access.CodeRequired)
	case utf8.RuneCountInString(pw) < MinPasswordChars:
		e.AddLimit("password", CodeTooShort, MinPasswordChars)
	case repeatedChar(pw):
		e.Add("password", CodeRepeated)
	case IsCommonPassword(pw):
		e.Add("password", CodeCommon)
	}
	return e.Err()
}

// HashPassword hashes a password that passed CheckPassword with
// DefaultParams.
func HashPassword(pw string) (string, error) { return HashPasswordWith(DefaultParams, pw) }

// HashPasswordWith hashes a password with the given parameters into a PHC
// string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64).
func HashPasswordWith(p Params, pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// ErrBadHash: a stored hash is not one this package can verify.
var ErrBadHash = errors.New("unrecognised password hash")

// Bounds on the parameters of a stored hash, so that a tampered database
// cannot make a login allocate gigabytes or run for minutes.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	maxThreads = 16
)

// decodeHash parses a PHC argon2id string.
func decodeHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrBadHash
	}
	var m, t, threads uint64
	for i, kv := range strings.Split(parts[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(value, 10, 32)
		if !ok || err != nil || i > 2 || name != "mtp"[i:i+1] {
			return p, nil, nil, ErrBadHash
		}
		switch name {
		case "m":
			m = n
		case "t":
			t = n
		default:
			threads = n
		}
	}
	if threads < 1 || threads > maxThreads || t < 1 || t > maxTime || m < 8*threads || m > maxMemory {
		return p, nil, nil, ErrBadHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, ErrBadHash
	}
	return Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(threads), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}, salt, key, nil
}

// VerifyPassword reports whether pw matches an encoded hash, comparing in
// constant time. An encoded string it cannot parse is ErrBadHash.
func VerifyPassword(encoded, pw string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when a login names no usable account, so
// that the answer takes as long as for a wrong password. Its password was
// random and thrown away; a test checks that its parameters are
// DefaultParams.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$E+mY1In2WizTe/MQHAOYMw$ByljmTol9ubksxyoqKZNV/F6KFXxStOw07WHDY4a6Sg"
