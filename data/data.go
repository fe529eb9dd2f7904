// Package data bundles accesswatch's dataset into the binary: the country
// list, the seed events and the world map geometry. See README.md in this
// directory for sources and licences.
package data

import (
	"embed"
	"io/fs"
)

//go:embed countries.csv seed/events.csv world-110m.topo.json
var files embed.FS

// Countries returns the ISO 3166-1 country list as CSV.
func Countries() ([]byte, error) { return fs.ReadFile(files, "countries.csv") }

// SeedEvents returns the bundled cases in the events CSV format.
func SeedEvents() ([]byte, error) { return fs.ReadFile(files, "seed/events.csv") }

// WorldMap returns the 1:110m world country outlines as TopoJSON.
func WorldMap() ([]byte, error) { return fs.ReadFile(files, "world-110m.topo.json") }
