package resolve

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// choices is n packages of two versions each: 2^n combinations for a
// solver that backtracks blindly.
func choices(n int) ([]string, []apkindex.Record) {
	var world []string
	var pkgs []apkindex.Record
	for i := 0; i < n; i++ {
		name := "p" + strconv.Itoa(i)
		world = append(world, name)
		pkgs = append(pkgs, pkg(name, "1"), pkg(name, "2"))
	}
	return world, pkgs
}

// TestAmplification: generated indexes that made the old solver walk every
// combination, copy the chain at each level, or give up on a legitimate
// world (SECURITY.md, "The resolver"). Each must end with the given
// result within the given work (solver steps), not wall-clock time.
func TestAmplification(t *testing.T) {
	const main = "file:///main"
	tests := []struct {
		name     string
		gen      func() ([]string, []apkindex.Record)
		budget   int    // 0: the default
		want     string // the error, or "" for success
		selected int    // packages selected on success
		maxWork  int
	}{
		{"nothing provides a world name, behind 2^40 choices", func() ([]string, []apkindex.Record) {
			w, p := choices(40)
			return append(w, "missing"), p
		}, 0, "world → missing: no package provides missing (in repositories: file:///main); check the package name, the repositories and the architecture", 0, 500},
		// The dead end is static (no package provides "missing"), so b
		// and then a are learned dead and each choice is retried once.
		{"nothing provides a deep dependency, behind 2^40 choices", func() ([]string, []apkindex.Record) {
			w, p := choices(40)
			return append(w, "a"), append(p, pkg("a", "1", dep("b")), pkg("b", "1", dep("missing")))
		}, 0, "world → a → b → missing: no package provides missing (in repositories: file:///main); check the package name, the repositories and the architecture", 0, 5000},
		// A dynamic dead end (one version per name) that no other choice
		// avoids: the search is stopped by its budget and reports the
		// first dead end.
		{"an unsatisfiable world behind 2^40 choices stops at the budget", func() ([]string, []apkindex.Record) {
			w, p := choices(40)
			return append(w, "a"), append(p, pkg("a", "1", dep("b=1", "b=2")), pkg("b", "1"), pkg("b", "2"))
		}, 20000, "world → a → b=2: b-1 is already selected and only one version of a package can be installed (the search gave up after 20000 steps trying other candidates; request the packages more precisely, e.g. name=version)", 0, 20100},
		{"a chain 10,000 packages deep", func() ([]string, []apkindex.Record) {
			var p []apkindex.Record
			for i := 0; i < 10000; i++ {
				p = append(p, pkg("c"+strconv.Itoa(i), "1", dep("c"+strconv.Itoa(i+1))))
			}
			return []string{"c0"}, append(p, pkg("c10000", "1"))
		}, 0, "", 10001, 100000},
		{"a world of 12,000 packages", func() ([]string, []apkindex.Record) {
			var w []string
			var p []apkindex.Record
			for i := 0; i < 12000; i++ {
				n := fmt.Sprintf("w%05d", i)
				w = append(w, n)
				p = append(p, pkg(n, "1", dep("so:lib"+strconv.Itoa(i%100)+".so.1")))
			}
			for i := 0; i < 100; i++ {
				p = append(p, pkg("lib"+strconv.Itoa(i), "1", prov("so:lib"+strconv.Itoa(i)+".so.1=1")))
			}
			return w, p
		}, 0, "", 12100, 200000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			world, pkgs := tc.gen()
			s, err := solve(context.Background(), world, []Repository{repo(main, pkgs...)}, tc.budget)
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error:\n got %v\nwant %s", err, tc.want)
				}
				var ue *UnsatisfiableError
				if !errors.As(err, &ue) {
					t.Errorf("error %T does not unwrap to *UnsatisfiableError", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if len(s.order) != tc.selected {
				t.Fatalf("selected %d packages, want %d", len(s.order), tc.selected)
			}
			if s != nil && s.work > tc.maxWork {
				t.Errorf("the solver took %d steps, want at most %d", s.work, tc.maxWork)
			}
		})
	}
}

// TestDeepChainMemory: a 10,000-deep chain keeps one link per package, not
// a copy of the chain per level (the old solver allocated 838 MB).
func TestDeepChainMemory(t *testing.T) {
	var p []apkindex.Record
	for i := 0; i < 10000; i++ {
		p = append(p, pkg("c"+strconv.Itoa(i), "1", dep("c"+strconv.Itoa(i+1))))
	}
	p = append(p, pkg("c10000", "1"))
	repos := []Repository{repo("file:///main", p...)}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sel, err := Resolve([]string{"c0"}, repos)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if sel[0].Record.Name != "c10000" || sel[len(sel)-1].Record.Name != "c0" {
		t.Fatalf("install order starts with %s and ends with %s", sel[0].Record.Name, sel[len(sel)-1].Record.Name)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("resolving a 10,000-deep chain allocated %d MB, want under 32", alloc>>20)
	}
}

// TestDefaultBudget: the default budget grows with the repositories, so a
// large legitimate index is never cut short, and stays bounded.
func TestDefaultBudget(t *testing.T) {
	_, pkgs := choices(10)
	s := newSolver([]Repository{repo("file:///main", pkgs...)}, 0)
	if want := defaultBudget + budgetPerName*20; s.budget != want {
		t.Fatalf("budget %d, want %d", s.budget, want)
	}
}

// TestResolveCancel: a search that would run to its budget of a million
// steps stops within ctxEvery steps of its context ending.
func TestResolveCancel(t *testing.T) {
	w, p := choices(40)
	world := append(w, "a")
	repos := []Repository{repo("file:///main", append(p, pkg("a", "1", dep("b=1", "b=2")), pkg("b", "1"), pkg("b", "2"))...)}
	tests := []struct {
		name    string
		ctx     func() context.Context
		wantErr error
		maxWork int
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled, ctxEvery},
		{"past its deadline", func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 0)
			t.Cleanup(cancel)
			return ctx
		}, context.DeadlineExceeded, ctxEvery},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := solve(tc.ctx(), world, repos, 0)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("solve = %v, want %v", err, tc.wantErr)
			}
			if want := fmt.Sprintf("resolving stopped after %d steps: %v", ctxEvery, tc.wantErr); err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if s.work > tc.maxWork {
				t.Errorf("the solver took %d steps after the context ended, want at most %d", s.work, tc.maxWork)
			}
		})
	}
	// The public entry point passes the context through.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ResolveContext(ctx, world, repos); !errors.Is(err, context.Canceled) {
		t.Errorf("ResolveContext = %v, want context.Canceled", err)
	}
}
