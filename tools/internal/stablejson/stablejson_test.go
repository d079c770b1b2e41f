package stablejson

import (
	"math"
	"strings"
	"testing"
)

func TestMarshal(t *testing.T) {
	type pair struct {
		Zeta  string `json:"zeta"`
		Alpha int    `json:"alpha,omitempty"`
	}
	for _, tc := range []struct {
		name string
		in   interface{}
		want string
	}{
		{"scalar", 42, "42\n"},
		{"empty list", []string{}, "[]\n"},
		{"nil list", []string(nil), "null\n"},
		{"no HTML escaping", "a&b <c> 'd'", "\"a&b <c> 'd'\"\n"},
		{"map keys sorted", map[string]int{"b": 2, "a": 1, "c": 3}, "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n"},
		{"struct fields in declared order", pair{Zeta: "z", Alpha: 1}, "{\n  \"zeta\": \"z\",\n  \"alpha\": 1\n}\n"},
		{"nested, two-space indent", map[string]interface{}{"l": []interface{}{1, map[string]string{"k": "v"}}},
			"{\n  \"l\": [\n    1,\n    {\n      \"k\": \"v\"\n    }\n  ]\n}\n"},
		{"quotes and controls still escaped", "\"\\\n\x01", "\"\\\"\\\\\\n\\u0001\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Marshal(%#v) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func TestMarshalError(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   interface{}
		want string
	}{
		{"NaN", math.NaN(), "unsupported value"},
		{"channel", make(chan int), "unsupported type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Marshal(%s) = %q, %v; want an error containing %q", tc.name, got, err, tc.want)
			}
			if got != nil {
				t.Errorf("Marshal(%s) returned %q with the error; want no bytes", tc.name, got)
			}
		})
	}
}
