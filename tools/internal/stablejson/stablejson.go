package stablejson

import (
	"bytes"
	"encoding/json"
)

// Marshal encodes v as indented JSON with a trailing newline (see the
// package comment). Its errors are encoding/json's, unwrapped: the caller
// knows which document it was writing.
func Marshal(v interface{}) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
