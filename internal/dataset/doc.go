// Package dataset reads and writes accesswatch's file formats: the country
// list and the events CSV (one row per event, sources joined, with an
// optional HXL hashtag row). The events CSV is at once the bundled seed, the
// import format and the export format, so that what goes out comes back in
// unchanged. No I/O beyond the readers and writers it is given.
package dataset
