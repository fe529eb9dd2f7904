// Package opendata is accesswatch's open data as use cases, whatever asks
// for them (the command line, the admin upload, the /export/*.csv
// addresses): reading an events CSV, checking every row and recording all
// of it or nothing (Import); loading a new database with the bundled data
// (Initialise); and writing the records and events CSV (WriteRecords,
// WriteEvents). The CSV format itself is package dataset's; the database is
// package store's. This package joins them and knows no HTTP.
package opendata
