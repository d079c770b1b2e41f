// Package accounts adds users and groups to an image's /etc/passwd,
// /etc/group and /etc/shadow as a layer of its own, and resolves a user
// given by name to its uid.
//
// Defaults, as apko has them: a user's gid is its uid; a group named like
// the user is created when no group has that gid; the home is
// /home/<name>, created 0700 and owned by the user unless it already
// exists; the shell is /sbin/nologin; the shadow entry is locked ("!"), so
// no password can log in.
package accounts
