// Package version implements apk's version syntax and ordering.
//
// An apk version is
//
//	digits{.digits}{letter}{_suffix[N]}...{~hash}{-rN}
//
// and two versions compare token by token the way apk-tools does, so that
// the packages this project selects are the ones apk itself would select.
// Invalid versions still compare (apk compares up to the first bad token),
// which keeps sorting total on any input; Valid tells them apart.
package version
