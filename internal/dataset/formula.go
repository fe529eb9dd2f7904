package dataset

import "strings"

// Spreadsheets read a cell that begins with =, +, -, @, a tab or a carriage
// return as a formula (or as the start of one), so an event described as
// =HYPERLINK("http://evil") would become a live link, or worse, in the
// analyst's copy of the export. Every CSV accesswatch writes therefore
// prefixes such a cell with an apostrophe, which spreadsheets take as "this
// is text" (OWASP's guidance on CSV injection); reading a CSV removes
// exactly that prefix again, so export → import → export is lossless.
//
// To keep it lossless for text that really begins with apostrophes before
// such a character ('=x), the rule is: a cell that, after any leading
// apostrophes, begins with a formula character gets one more apostrophe on
// writing and loses one on reading. Every other cell is written and read as
// it is. Numeric columns are never prefixed: none can be negative.

// formulaStart reports whether a spreadsheet would treat a cell beginning
// with c as a formula.
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// needsQuote reports whether s, after its leading apostrophes, begins with
// a formula character.
func needsQuote(s string) bool {
	rest := strings.TrimLeft(s, "'")
	return rest != "" && formulaStart(rest[0])
}

// neutralise returns a cell as written: with a leading apostrophe if a
// spreadsheet could read it as a formula.
func neutralise(s string) string {
	if needsQuote(s) {
		return "'" + s
	}
	return s
}

// unneutralise undoes neutralise: it removes the one apostrophe that
// neutralise adds, and leaves every other cell alone.
func unneutralise(s string) string {
	if strings.HasPrefix(s, "'") && needsQuote(s) {
		return s[1:]
	}
	return s
}
