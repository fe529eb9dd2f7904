package auth

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestHashAndVerify(t *testing.T) {
	h1, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry argon2id with m=19 MiB, t=2, p=1", h1)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false, "correct horse battery ": false} {
		ok, err := VerifyPassword(h1, pw)
		if err != nil || ok != want {
			t.Errorf("verify %q = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestDefaultParamsMeetTheFloor(t *testing.T) {
	p := DefaultParams
	if p.Memory < 19*1024 || p.Time < 2 || p.Threads != 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Errorf("DefaultParams %+v are below argon2id m=19 MiB, t=2, p=1", p)
	}
	dp, _, _, err := decodeHash(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	// The dummy must cost what a real hash costs, or timing tells names apart.
	if dp.Memory != p.Memory || dp.Time != p.Time || dp.Threads != p.Threads || dp.KeyLen != p.KeyLen {
		t.Errorf("dummy hash params %+v differ from DefaultParams %+v", dp, p)
	}
}

func TestLongPasswordsAreUsedWhole(t *testing.T) {
	long := strings.Repeat("a", MaxPasswordBytes-1) + "b"
	h, err := HashPassword(long)
	if err != nil {
		t.Fatalf("a %d-byte password was refused: %v", len(long), err)
	}
	for _, other := range []string{long[:len(long)-1], strings.Repeat("a", MaxPasswordBytes), long[:72], long[:512]} {
		if ok, _ := VerifyPassword(h, other); ok {
			t.Errorf("a %d-byte variant of the password matches: it was truncated", len(other))
		}
	}
	if ok, _ := VerifyPassword(h, long); !ok {
		t.Error("the long password does not verify")
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, code := range map[string]string{
		"":                                      access.CodeRequired,
		"1234567":                               CodeTooShort,
		"ünïcødé":                               CodeTooShort, // 7 characters, more bytes
		"ab\xffcdefgh":                          access.CodeInvalidUTF8,
		strings.Repeat("x", MaxPasswordBytes+1): access.CodeTooLong,
		"12345678":                              CodeCommon,
		"PassWord1":                             CodeCommon, // the list is compared without regard to case
		"iloveyou":                              CodeCommon,
		"aaaaaaaaaaaa":                          CodeRepeated,
		"            ":                          CodeRepeated,
		strings.Repeat("é", MaxPasswordBytes/2): CodeRepeated,
		"93847561":                              "",
		"ünïcødé!":                              "", // 8 characters
		"all lower case, no digits":             "", // no composition rules
		"aaaaaaaaaaab":                          "", // not quite one repeated character
		strings.Repeat("éa", MaxPasswordBytes/6): "",
	} {
		err := CheckPassword(pw)
		if code == "" {
			if err != nil {
				t.Errorf("%q refused: %v", pw, err)
			}
			continue
		}
		errs, _ := access.AsErrors(err)
		if fe, ok := errs.Field("password"); !ok || fe.Code != code {
			t.Errorf("%.20q: got %v, want %s", pw, err, code)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("HashPassword hashed a password CheckPassword refuses")
	}
}

// TestCommonPasswordList: the bundled list holds the 10,000 most common
// passwords, lower case, one a line, without repeats; every one is refused.
func TestCommonPasswordList(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(commonPasswordList, "\n"), "\n")
	if len(lines) != 10_000 || len(commonPasswords()) != 10_000 {
		t.Fatalf("%d lines, %d distinct; want 10000", len(lines), len(commonPasswords()))
	}
	if lines[0] != "123456" || lines[1] != "password" {
		t.Errorf("the list does not start with the most common: %q", lines[:2])
	}
	for i, pw := range lines {
		if pw != strings.ToLower(pw) || strings.TrimSpace(pw) != pw || pw == "" {
			t.Errorf("line %d %q is not a lower-case password", i+1, pw)
		}
		if !IsCommonPassword(strings.ToUpper(pw)) {
			t.Errorf("line %d %q (upper case) is not recognised", i+1, pw)
		}
		if utf8.RuneCountInString(pw) >= MinPasswordChars && CheckPassword(pw) == nil {
			t.Errorf("line %d %q passes CheckPassword", i+1, pw)
		}
	}
}

func TestVerifyRefusesMalformedAndCostlyHashes(t *testing.T) {
	good, err := HashPasswordWith(Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, "a test passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(good, "a test passphrase"); !ok || err != nil {
		t.Fatalf("cheap hash does not verify: %v %v", ok, err)
	}
	salt, key := strings.Split(good, "$")[4], strings.Split(good, "$")[5]
	for _, bad := range []string{
		"", "plain text", "$2a$10$abcdefghijklmnopqrstuv", // bcrypt is not ours
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$short",
		"$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		good + "$extra",
	} {
		if ok, err := VerifyPassword(bad, "password1"); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("%q: ok=%v err=%v, want ErrBadHash", bad, ok, err)
		}
	}
}

func FuzzDecodeHash(f *testing.F) {
	f.Add(dummyHash)
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw")
	f.Add("$argon2id$v=19$m=99999999999,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodeHash(s)
		if err != nil {
			return
		}
		if p.Memory > maxMemory || p.Time > maxTime || p.Threads > maxThreads || p.Threads == 0 || len(salt) < 8 || len(key) < 16 {
			t.Errorf("accepted out-of-bounds hash %q: %+v", s, p)
		}
	})
}
