// Package lock is the lock file format: it reads, validates and writes lock
// files (creating one is package locking's job): the exact
// packages, per architecture and in install order, that a configuration of
// repositories, keys and packages resolved to, with the digests needed to
// download and verify them again without trusting the network.
//
// # Schema, version 1
//
//	{
//	  "architectures": {               one entry per configured architecture
//	    "x86_64": {"packages": [       in install order, dependencies first
//	      {"arch": "x86_64",           the package's arch, or "noarch"
//	       "checksum": "Q1...",        apk identity: Q1 + base64 SHA-1 of the control member
//	       "name": "musl",
//	       "repository": "https://example/alpine/edge/main",
//	       "sha256": "<hex>",          of the whole .apk file as served
//	       "size": 123,                bytes of the .apk file
//	       "url": "https://example/alpine/edge/main/x86_64/musl-1.2.5-r0.apk",
//	       "version": "1.2.5-r0"}]}},
//	  "config": {"architectures": ["x86_64"], "packages": ["musl"]},
//	  "keyring": [{"name": "k.rsa.pub",  file name signatures refer to
//	               "pem": "-----BEGIN PUBLIC KEY-----\n...",  the key file's exact content
//	               "sha256": "<hex>",     of that content
//	               "url": "https://example/keys/k.rsa.pub"}],
//	  "repositories": [{"mirrors": [], "url": "https://example/alpine/edge/main"}],
//	  "version": 1
//	}
//
// A file is written with sorted keys, two-space indentation and a trailing
// newline, atomically (temporary file, fsync, rename). Reading rejects
// other schema versions, unknown fields, missing or malformed fields,
// digests of the wrong shape, URLs other than https://, http:// and
// file://, and keys whose pem does not hash to their sha256.
//
// A package's file lives at "<repository>/<arch>/<name>-<version>.apk" and
// at the same path under each mirror of its repository (Repository.FileURLs,
// Lock.URLs).
package lock
