//go:build !race

package harness

// raceEnabled: the tests run without -race, so the server binary is built without it.
const raceEnabled = false
