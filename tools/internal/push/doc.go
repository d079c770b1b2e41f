// Package push copies an OCI image layout (a single image or an image index,
// as the rules write them) to a registry with go-containerregistry's remote
// package.
//
// Plain HTTP is a way to leak or tamper with what is pushed, so it is only
// spoken to loopback registries (127.0.0.0/8, ::1, localhost) unless the
// caller asks for Insecure; every other registry is reached over HTTPS. The
// check sits in the HTTP transport, so it also holds for the plain-HTTP
// fallback that go-containerregistry tries for private (RFC 1918) addresses.
package push
