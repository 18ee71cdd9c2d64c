//go:build race

package hostiletest

// raceEnabled: the race detector's shadow allocations count in runtime.MemStats, so
// allocation bounds are doubled under -race.
const raceEnabled = true
