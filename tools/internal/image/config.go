package image

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// hasKey reports whether env has an entry for key.
func hasKey(env []string, key string) bool {
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == key {
			return true
		}
	}
	return false
}

// addVolumes adds absolute, clean paths to the config's Volumes.
func addVolumes(c *v1.Config, vols []string) error {
	for _, v := range vols {
		if !path.IsAbs(v) || path.Clean(v) != v {
			return fmt.Errorf("volume %q is not a clean absolute path; use one like /var/lib/app", v)
		}
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		c.Volumes[v] = struct{}{}
	}
	return nil
}

// addPorts adds PORT[/PROTO] entries to the config's ExposedPorts in the
// PORT/PROTO form the image spec uses (tcp when no protocol is given).
func addPorts(c *v1.Config, ports []string) error {
	for _, p := range ports {
		num, proto, hasProto := strings.Cut(p, "/")
		if !hasProto {
			proto = "tcp"
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != num {
			return fmt.Errorf("exposed port %q: %q is not a port number 1-65535; use e.g. 8080 or 53/udp", p, num)
		}
		switch proto {
		case "tcp", "udp", "sctp":
		default:
			return fmt.Errorf("exposed port %q: protocol %q is not tcp, udp or sctp", p, proto)
		}
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		c.ExposedPorts[num+"/"+proto] = struct{}{}
	}
	return nil
}
