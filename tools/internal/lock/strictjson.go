package lock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// checkJSONKeys walks the JSON text b alongside the Go type t it is decoded
// into and refuses what encoding/json lets through: a key given twice in
// one object (Go keeps the last value, other readers the first) and a key
// that matches a field only when case is ignored ("SHA256" for "sha256").
// Starlark reads the same lock; both must see one value for every field.
// Unknown keys are left to DisallowUnknownFields.
func checkJSONKeys(b []byte, t reflect.Type) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return walkJSON(d, t, "")
}

func walkJSON(d *json.Decoder, t reflect.Type, path string) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	for t != nil && t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		seen := map[string]bool{}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			at := strings.TrimPrefix(path+"."+key, ".")
			if seen[key] {
				return fmt.Errorf("key %q appears twice (at %s); JSON readers disagree on which value counts", key, at)
			}
			seen[key] = true
			var vt reflect.Type
			switch {
			case fields != nil:
				var ok bool
				if vt, ok = fields[key]; !ok {
					for name := range fields {
						if strings.EqualFold(name, key) {
							return fmt.Errorf("key %q (at %s) differs from the field %q only in case; field names are lower case", key, at, name)
						}
					}
				}
			case t != nil && t.Kind() == reflect.Map:
				vt = t.Elem()
			}
			if err := walkJSON(d, vt, at); err != nil {
				return err
			}
		}
		_, err = d.Token()
		return err
	case json.Delim('['):
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; d.More(); i++ {
			if err := walkJSON(d, et, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = d.Token()
		return err
	}
	return nil
}

// jsonFields maps a struct's JSON names to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || f.PkgPath != "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}
