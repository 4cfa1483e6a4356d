//go:build race

package main

// raceEnabled: the race detector slows instrumented code two to nine
// times; the load tests then run a smaller load, which still races every
// path they cover.
const raceEnabled = true
