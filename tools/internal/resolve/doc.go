// Package resolve parses apk dependency atoms and picks the packages that
// satisfy a list of requested atoms ("world") from APKINDEX repositories,
// following apk's rules: provides and virtual names, provider_priority,
// repository tags, install_if, conflicts, one version per package name.
//
// The solver is greedy in apk's preference order and backtracks to the next
// candidate when a choice leads to a dead end, within a fixed budget of
// attempts. Its result is in install order (dependencies first) and does
// not depend on map iteration or on the order of equal input records.
package resolve
