package lock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/atomicfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/stablejson"
)

// Read reads and validates the lock file at path.
func Read(path string) (*Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading lock file: %w", err)
	}
	l, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	return l, nil
}

// Parse decodes and validates a lock. The schema version is checked first,
// so a lock from a newer tool gets a version error rather than a complaint
// about fields it does not know. Unknown fields are rejected: in a file
// that pins what gets installed, a misspelt field must not pass silently.
func Parse(b []byte) (*Lock, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("not a lock file (invalid JSON: %v); re-lock to recreate it", err)
	}
	if probe.Version == nil || *probe.Version != SchemaVersion {
		return nil, versionError(probe.Version)
	}
	var l Lock
	if err := decodeStrict(b, &l); err != nil {
		return nil, fmt.Errorf("%w; re-lock to recreate the lock file", err)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("%w; the lock file is damaged or was edited by hand: re-lock", err)
	}
	return &l, nil
}

// decodeStrict decodes one JSON value into v, rejecting unknown fields,
// trailing data, repeated keys and keys in another case than the field's.
func decodeStrict(b []byte, v interface{}) error {
	if err := checkJSONKeys(b, reflect.TypeOf(v)); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// Marshal returns the lock as written to disk: sorted keys, two-space
// indentation, a trailing newline, and empty lists as [] rather than null.
func (l *Lock) Marshal() ([]byte, error) {
	c := *l
	c.Repositories = make([]Repository, len(l.Repositories))
	for i, r := range l.Repositories {
		if r.Mirrors == nil {
			r.Mirrors = []string{}
		}
		c.Repositories[i] = r
	}
	if c.Keyring == nil {
		c.Keyring = []Key{}
	}
	if c.Config.Packages == nil {
		c.Config.Packages = []string{}
	}
	if c.Config.Architectures == nil {
		c.Config.Architectures = []string{}
	}
	if c.Architectures == nil {
		c.Architectures = map[string]Arch{}
	}
	b, err := stablejson.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encoding the lock: %w", err)
	}
	return b, nil
}

// Write validates l and writes it to path atomically: a temporary file in
// the same directory is written, synced and renamed over path, so readers
// see the old lock or the new one and never a partial file. A lock without
// inputs_sha256 gets the digest of its own inputs first.
func Write(path string, l *Lock) error {
	if l.InputsSHA256 == "" {
		l.InputsSHA256 = l.Inputs().SHA256()
	}
	if err := l.Validate(); err != nil {
		return fmt.Errorf("not writing an invalid lock to %s: %w", path, err)
	}
	b, err := l.Marshal()
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o644)
}
