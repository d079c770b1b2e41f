// Package keyring holds the trusted RSA public keys of an Alpine keyring,
// each known by its file name (the name packages and indexes refer to in
// their ".SIGN.<ALG>.<keyfile>" entries), and checks signatures against
// them.
package keyring
