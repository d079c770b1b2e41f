package stamp

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// OCI annotation keys this package fills in.
const (
	Created  = "org.opencontainers.image.created"
	Revision = "org.opencontainers.image.revision"
	Source   = "org.opencontainers.image.source"
	Version  = "org.opencontainers.image.version"
)

// DefaultKeys maps each annotation to the workspace status key it is
// stamped from. A key is also looked up with Bazel's STABLE_ prefix.
var DefaultKeys = map[string]string{
	Created:  "BUILD_TIMESTAMP",
	Revision: "BUILD_SCM_REVISION",
	Source:   "BUILD_SCM_SOURCE",
	Version:  "BUILD_SCM_VERSION",
}

// maxStatus bounds a status file; Bazel's are a few hundred bytes.
const maxStatus = 1 << 20

// ReadStatus reads workspace status files (stable-status.txt,
// volatile-status.txt): one "KEY VALUE" a line. A later file's key wins.
func ReadStatus(paths ...string) (map[string]string, error) {
	status := map[string]string{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("reading workspace status: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 4096), maxStatus)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if line == "" {
				continue
			}
			k, v, _ := strings.Cut(line, " ")
			status[k] = v
		}
		err = sc.Err()
		f.Close()
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("reading workspace status %s: a line is longer than %d bytes; fix the --workspace_status_command script", p, maxStatus)
		}
		if err != nil {
			return nil, fmt.Errorf("reading workspace status %s: %w", p, err)
		}
	}
	return status, nil
}

// Result is what stamping decided.
type Result struct {
	// Created is the image's creation time: the stamped BUILD_TIMESTAMP, or
	// the fixed time given to Annotations.
	Created time.Time
	// Annotations holds Created (RFC 3339) and every stamped key found.
	Annotations map[string]string
}

// Annotations returns the annotations for an image or index created at
// fixed. With status nil (not stamping) only Created is set, to fixed.
// keys maps annotation names to status keys (DefaultKeys when nil); a
// status key that is missing leaves its annotation out, except that a
// missing created key keeps fixed.
func Annotations(fixed time.Time, status, keys map[string]string) (*Result, error) {
	if keys == nil {
		keys = DefaultKeys
	}
	res := &Result{Created: fixed.UTC(), Annotations: map[string]string{}}
	if status != nil {
		names := make([]string, 0, len(keys))
		for a := range keys {
			names = append(names, a)
		}
		sort.Strings(names)
		for _, a := range names {
			v, ok := lookup(status, keys[a])
			if !ok {
				continue
			}
			if a != Created {
				if err := checkValue(keys[a], v); err != nil {
					return nil, err
				}
				res.Annotations[a] = v
				continue
			}
			secs, err := strconv.ParseInt(v, 10, 64)
			if err != nil || secs < 0 {
				return nil, fmt.Errorf("workspace status key %s = %q is not seconds since the Unix epoch; fix the --workspace_status_command script", keys[a], v)
			}
			res.Created = time.Unix(secs, 0).UTC()
		}
	}
	res.Annotations[Created] = res.Created.Format(time.RFC3339)
	return res, nil
}

// MaxValue bounds a stamped annotation value: a revision, a URL or a
// version is short, and every byte lands in the manifest, which registries
// cap at a few MB.
const MaxValue = 64 << 10

// checkValue refuses a status value that would carry control characters
// (terminal escapes, line breaks) into the manifest, or that is too long.
func checkValue(key, v string) error {
	if len(v) > MaxValue {
		return fmt.Errorf("workspace status key %s is %d bytes long, more than the %d an annotation may take; fix the --workspace_status_command script", key, len(v), MaxValue)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("workspace status key %s = %q holds the control character 0x%02x; fix the --workspace_status_command script", key, clip(v), c)
		}
	}
	return nil
}

func clip(v string) string {
	if len(v) > 80 {
		return v[:80] + "..."
	}
	return v
}

func lookup(status map[string]string, key string) (string, bool) {
	if v, ok := status[key]; ok {
		return v, true
	}
	v, ok := status["STABLE_"+key]
	return v, ok
}
