package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"
)

// report accumulates the Markdown output.
type report struct{ buf bytes.Buffer }

func (r *report) printf(f string, a ...interface{}) { fmt.Fprintf(&r.buf, f, a...) }

// table writes a Markdown table.
func (r *report) table(head []string, rows [][]string) {
	r.printf("| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat(" --- |", len(head)))
	for _, row := range rows {
		r.printf("| %s |\n", strings.Join(row, " | "))
	}
	r.printf("\n")
}

// machine describes the host: figures mean little without it.
func (r *report) machine() {
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	goVersion := runtime.Version()
	if out, err := exec.Command("go", "version").Output(); err == nil {
		goVersion = strings.TrimSpace(strings.TrimPrefix(string(out), "go version "))
	}
	r.printf("## Machine\n\n")
	r.table([]string{"what", "value"}, [][]string{
		{"cores (nproc)", cmdOut("nproc")},
		{"CPU", cpu},
		{"memory", mem},
		{"OS", osName() + ", kernel " + cmdOut("uname", "-r")},
		{"Go (builds the measured binary)", goVersion},
		{"gzip / tar", cmdOut("gzip", "--version") + " / " + cmdOut("tar", "--version")},
		{"load average at start (1, 5, 15 min)", load},
	})
}

// cmdOut returns the first line of a command's output, or "unknown".
func cmdOut(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

func osName() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return runtime.GOOS
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v := strings.TrimPrefix(l, "PRETTY_NAME="); v != l {
			return strings.Trim(v, `"`)
		}
	}
	return runtime.GOOS
}

// stats summarises repeated measurements.
type stats struct{ median, min, max float64 }

func summarize(xs []float64) stats {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{median: m, min: s[0], max: s[len(s)-1]}
}

// seconds formats durations in seconds.
func (s stats) seconds() string {
	return fmt.Sprintf("%.2f s (%.2f–%.2f)", s.median, s.min, s.max)
}

// millis formats durations given in seconds as milliseconds.
func (s stats) millis() string {
	return fmt.Sprintf("%.1f ms (%.1f–%.1f)", s.median*1e3, s.min*1e3, s.max*1e3)
}

// rate is bytes over the median, fastest and slowest time, in MB/s.
func rate(bytes int64, t stats) string {
	mb := float64(bytes) / 1e6
	return fmt.Sprintf("%.1f MB/s (%.1f–%.1f)", mb/t.median, mb/t.max, mb/t.min)
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }
