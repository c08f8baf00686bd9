package loadgen

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is Linux's USER_HZ, the unit of the CPU times in
// /proc/<pid>/stat (100 on every Linux Go supports; sysconf(_SC_CLK_TCK)
// needs cgo).
const clockTicks = 100

// cpuSample is the CPU time (user+system) spent so far by this process (the
// load tool) and by the server, or -1 where it cannot be read.
type cpuSample struct{ self, server time.Duration }

func sampleCPU(serverPID int) cpuSample {
	return cpuSample{self: selfCPU(), server: procCPU(serverPID)}
}

// selfCPU is this process's user+system time (all its threads).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is pid's user+system time from /proc/<pid>/stat (utime and stime,
// fields 14 and 15), all its threads; -1 when unknown.
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields from the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(u+st) * time.Second / clockTicks
}

// perRequestMS spreads the CPU spent between a and b over n requests, in
// milliseconds; 0 when it is unknown.
func perRequestMS(a, b time.Duration, n int) float64 {
	if a < 0 || b < 0 || n == 0 {
		return 0
	}
	return float64(b-a) / float64(time.Millisecond) / float64(n)
}
