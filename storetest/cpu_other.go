//go:build !unix

package storetest

import "time"

// processCPU is unknown here; benchmarks then report 0.
func processCPU() time.Duration { return 0 }
