//go:build !unix

package web_test

import "time"

// processCPU is not measured here: CPU ratios read 0/0.
func processCPU() time.Duration { return 0 }
