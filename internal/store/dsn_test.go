package store

// WriterDSNForBench exposes the writer's connection string to the external
// benchmarks, so that their baseline database gets exactly the pragmas the
// store's writer has.
func WriterDSNForBench(path string) string { return writerDSN(path) }
