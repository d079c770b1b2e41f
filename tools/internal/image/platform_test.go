package image_test

import (
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

func TestParsePlatform(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    image.Platform
		wantErr string
	}{
		{"linux/amd64", image.Platform{OS: "linux", Arch: "amd64"}, ""},
		{"linux/arm/v7", image.Platform{OS: "linux", Arch: "arm", Variant: "v7"}, ""},
		{"linux/ppc64le", image.Platform{OS: "linux", Arch: "ppc64le"}, ""},
		{"amd64", image.Platform{}, `platform "amd64": want OS/ARCH[/VARIANT]`},
		{"linux/arm/v7/x", image.Platform{}, `platform "linux/arm/v7/x": want OS/ARCH[/VARIANT]`},
		{"linux/", image.Platform{}, `platform "linux/": each part`},
		{"linux/AMD64", image.Platform{}, `platform "linux/AMD64": each part`},
		{"", image.Platform{}, `platform "": want`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := image.ParsePlatform(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParsePlatform(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParsePlatform(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}
