package locking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/fetch"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
)

// parallelArchs bounds how many architectures are locked at once: enough
// to overlap network waits, few enough to stay polite to a mirror.
const parallelArchs = 4

// Create resolves cfg against its repositories and returns the lock: it
// downloads the keys, then per architecture (several at once) fetches and
// verifies each repository's signed APKINDEX.tar.gz, resolves the packages
// and downloads and fully verifies every selected .apk (signature, Q1
// against the index, datahash, every file's checksum, and name, version
// and arch against the index), recording its sha256 and size. Progress
// goes to log (nil: none). The caller writes the result with Write.
func Create(ctx context.Context, cfg lock.Config, c *fetch.Client, log io.Writer) (*lock.Lock, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("lock configuration: %w", err)
	}
	if c == nil {
		c = &fetch.Client{}
	}
	if log == nil {
		log = io.Discard
	}
	log = &syncWriter{w: log}
	keys, kr, err := fetchKeys(ctx, cfg.Keyring, c)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "apkimage-lock-")
	if err != nil {
		return nil, fmt.Errorf("creating a download directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	l := &lock.Lock{
		Architectures: map[string]lock.Arch{},
		Config: lock.LockConfig{
			Architectures: append([]string{}, cfg.Architectures...),
			Packages:      append([]string{}, cfg.Packages...),
		},
		InputsSHA256: cfg.Inputs().SHA256(),
		Keyring:      keys,
		Repositories: cfg.LockRepositories(),
		Version:      lock.SchemaVersion,
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([][]lock.Package, len(cfg.Architectures))
	errs := make([]error, len(cfg.Architectures))
	sem := make(chan struct{}, parallelArchs)
	var wg sync.WaitGroup
	for i, arch := range cfg.Architectures {
		wg.Add(1)
		go func(i int, arch string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			a := &archLocker{arch: arch, repos: l.Repositories, kr: kr, c: c, log: log, dir: filepath.Join(tmp, arch)}
			results[i], errs[i] = a.run(ctx, cfg.Packages)
			if errs[i] != nil {
				cancel() // one failure fails the lock: stop the others early
			}
		}(i, arch)
	}
	wg.Wait()
	// Report the first real failure in configuration order, not the
	// cancellations it caused in the other architectures.
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
		if err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	for i, arch := range cfg.Architectures {
		l.Architectures[arch] = lock.Arch{Packages: results[i]}
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("the new lock is invalid (a bug or a repository serving odd data): %w", err)
	}
	return l, nil
}

// maxKeyBytes bounds a key download: a PEM public key is under 1 KiB.
const maxKeyBytes = 64 << 10

// fetchKeys downloads the keys; a key is named by its URL's base name.
func fetchKeys(ctx context.Context, urls []string, c *fetch.Client) ([]lock.Key, *keyring.Keyring, error) {
	keys := make([]lock.Key, 0, len(urls))
	pems := map[string][]byte{}
	kc := *c
	kc.MaxBytes = maxKeyBytes
	for _, u := range urls {
		b, err := kc.Get(ctx, []string{u})
		if err != nil {
			return nil, nil, fmt.Errorf("fetching key: %w", err)
		}
		name := lock.KeyName(u)
		if _, err := keyring.FromPEM(map[string][]byte{name: b}); err != nil {
			return nil, nil, fmt.Errorf("key from %s: %w; check that the URL serves the PEM key file", u, err)
		}
		sum := sha256.Sum256(b)
		keys = append(keys, lock.Key{Name: name, PEM: string(b), SHA256: hex.EncodeToString(sum[:]), URL: u})
		pems[name] = b
	}
	kr, err := keyring.FromPEM(pems)
	if err != nil {
		return nil, nil, err
	}
	return keys, kr, nil
}

// archLocker locks one architecture.
type archLocker struct {
	arch  string
	repos []lock.Repository
	kr    *keyring.Keyring
	c     *fetch.Client
	log   io.Writer
	dir   string // where packages are downloaded to be verified
}

func (a *archLocker) run(ctx context.Context, world []string) ([]lock.Package, error) {
	if err := os.MkdirAll(a.dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", a.arch, err)
	}
	var repos []resolve.Repository
	for i, r := range a.repos {
		idx, err := a.index(ctx, r, filepath.Join(a.dir, fmt.Sprintf("index-%d.tar.gz", i)))
		if err != nil {
			return nil, err
		}
		repos = append(repos, resolve.Repository{URL: r.URL, Packages: idx.Records})
	}
	sel, err := resolve.ResolveContext(ctx, world, repos)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: resolving %v: %w", a.arch, world, err)
	}
	fmt.Fprintf(a.log, "lock: %s: resolved %d packages\n", a.arch, len(sel))
	out := make([]lock.Package, 0, len(sel))
	for i, s := range sel {
		// Download to a name of our own: index records choose only the
		// URL, never a path on this machine.
		p, err := a.pkg(ctx, a.repos[s.Repository], s.Record, filepath.Join(a.dir, fmt.Sprintf("%d.apk", i)))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// index downloads a repository's index to path (streamed: the bytes are
// not in memory before the signature is checked) and reads it.
func (a *archLocker) index(ctx context.Context, r lock.Repository, path string) (*apkindex.Index, error) {
	urls := r.FileURLs(a.arch, "APKINDEX.tar.gz")
	_, err := a.c.GetToFile(ctx, urls, path)
	if err != nil {
		var fe *fetch.Error
		if errors.As(err, &fe) && fe.NotFound() {
			return nil, fmt.Errorf("architecture %s is not in repository %s: %s was not found; remove %s from the architectures or fix the repository URL", a.arch, r.URL, urls[0], a.arch)
		}
		return nil, fmt.Errorf("%s: fetching the index of %s: %w", a.arch, r.URL, err)
	}
	defer os.Remove(path)
	f, err := openCtx(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx, err := apkindex.Read(f, urls[0], a.kr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %w; check the keyring URLs against the repository's signing keys", a.arch, err)
	}
	return idx, nil
}

// pkg downloads one selected package, verifies it in full against the
// index record and returns its lock entry.
func (a *archLocker) pkg(ctx context.Context, r lock.Repository, rec apkindex.Record, path string) (lock.Package, error) {
	file := rec.Name + "-" + rec.Version + ".apk"
	urls := r.FileURLs(a.arch, file)
	res, err := a.c.GetToFile(ctx, urls, path)
	if err != nil {
		return lock.Package{}, fmt.Errorf("%s: package %s: %w", a.arch, file, err)
	}
	defer os.Remove(path)
	if err := a.verify(ctx, path, file, rec, res.Size); err != nil {
		if ctx.Err() != nil {
			return lock.Package{}, ctx.Err()
		}
		return lock.Package{}, fmt.Errorf("%s: package %s from %s: %w; the repository is inconsistent or the download was altered: retry later or use another mirror", a.arch, file, res.URL, err)
	}
	return lock.Package{
		Arch:       rec.Arch,
		Checksum:   rec.Checksum,
		Name:       rec.Name,
		Repository: r.URL,
		SHA256:     res.SHA256,
		Size:       res.Size,
		URL:        urls[0],
		Version:    rec.Version,
	}, nil
}

func (a *archLocker) verify(ctx context.Context, path, file string, rec apkindex.Record, size int64) error {
	if rec.Arch != a.arch && rec.Arch != "noarch" {
		return fmt.Errorf("the index says arch %q, want %s or noarch", rec.Arch, a.arch)
	}
	if rec.Size > 0 && rec.Size != size {
		return fmt.Errorf("size %d differs from the index's %d", size, rec.Size)
	}
	f, err := openCtx(ctx, path)
	if err != nil {
		return err
	}
	defer f.Close()
	p, err := apkfile.Open(f, file, a.kr, apkfile.Options{})
	if err != nil {
		return err
	}
	defer p.Close()
	for {
		if _, err := p.Next(); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
	}
	if p.Checksum != rec.Checksum {
		return fmt.Errorf("checksum %s differs from the index's %s", p.Checksum, rec.Checksum)
	}
	for _, f := range []struct{ what, got, want string }{
		{"name", p.Info.Name, rec.Name},
		{"version", p.Info.Version, rec.Version},
		{"arch", p.Info.Arch, rec.Arch},
	} {
		if f.got != f.want {
			return fmt.Errorf(".PKGINFO %s %q differs from the index's %q", f.what, f.got, f.want)
		}
	}
	return nil
}

// ctxFile is a file whose reads fail once ctx ends, so that verifying a
// large download stops at an interrupt.
type ctxFile struct {
	ctx context.Context
	*os.File
}

func openCtx(ctx context.Context, path string) (*ctxFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &ctxFile{ctx: ctx, File: f}, nil
}

func (f *ctxFile) Read(p []byte) (int, error) {
	if err := f.ctx.Err(); err != nil {
		return 0, err
	}
	return f.File.Read(p)
}

// syncWriter serialises progress lines from concurrent architectures.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
