"""Pure helpers that read the lock JSON (schema in tools/DESIGN.md).

Each rule here is also Go's, in tools/internal/lock: the inputs digest that
decides staleness (lock.Inputs), the URL rule (Repository.FileURLs) and the
name rule (tools/internal/safename). rules/tests/lock_tests.bzl and the Go
tests run both against tools/internal/lock/testdata/vectors.json.
"""

load(":sha256.bzl", "PRINTABLE_ASCII", "ascii_bytes", "sha256_hex")

LOCK_VERSION = 2

# Printable ASCII without the space: the characters lock inputs, names and
# versions may hold.
_VISIBLE = {c: None for c in PRINTABLE_ASCII.elems() if c != " "}

_MAX_TOKEN = 120

def _set(xs):
    return sorted({x: None for x in xs}.keys())

def _visible(s):
    for c in s.elems():
        if c not in _VISIBLE:
            return False
    return True

def _json_string(s):
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""

def _json_list(xs):
    return "[" + ",".join([_json_string(x) for x in xs]) + "]"

def inputs_problem(architectures, keyring, packages, repositories, mirrors):
    """Returns what makes inputs unfit for a lock, or "".

    Args:
      architectures: apk architectures.
      keyring: key URLs.
      packages: the world.
      repositories: repository URLs in order.
      mirrors: `{repository: [mirror, ...]}`.

    Returns:
      One sentence naming the bad value, or "".
    """
    for what, values in [("architectures", architectures), ("keyring", keyring), ("packages", packages), ("repositories", repositories)] + [("mirrors of " + r, mirrors.get(r, [])) for r in repositories]:
        for v in values:
            if not v or not _visible(v):
                return "{} holds {}: use printable ASCII without white space (percent-encode URLs)".format(what, repr(v))
    return ""

def lock_inputs(architectures, keyring, packages, repositories, mirrors):
    """Returns the canonical JSON of a lock's inputs, as Go's lock.Inputs.Canonical.

    Sets (architectures, keyring, packages) are sorted without duplicates;
    repositories and each one's mirrors keep their order. Check the values
    with inputs_problem first.

    Args:
      architectures: a set: order and repeats do not count.
      keyring: the key URLs, a set.
      packages: the world (names or atoms), a set.
      repositories: the repository URLs; their order counts.
      mirrors: `{repository: [mirror, ...]}`; the order of each list counts.

    Returns:
      One line of JSON.
    """
    repos = ",".join([
        "{\"mirrors\":" + _json_list(mirrors.get(r, [])) + ",\"url\":" + _json_string(r) + "}"
        for r in repositories
    ])
    return "".join([
        "{\"architectures\":",
        _json_list(_set(architectures)),
        ",\"keyring\":",
        _json_list(_set(keyring)),
        ",\"packages\":",
        _json_list(_set(packages)),
        ",\"repositories\":[",
        repos,
        "]}",
    ])

def _diff(what, want, have):
    out = []
    added = [x for x in _set(want) if x not in have]
    removed = [x for x in _set(have) if x not in want]
    if added:
        out.append("{} added: {}".format(what, " ".join(added)))
    if removed:
        out.append("{} removed: {}".format(what, " ".join(removed)))
    return out

def _repo_strings(repos):
    return ", ".join([u + (" (mirrors " + " ".join(m) + ")" if m else "") for u, m in repos])

def _stale_problem(lock, config, packages, architectures, repositories, mirrors, keyring):
    # Says what differs, in the words of Go's describeDiff (tools/internal/lock).
    diffs = _diff("packages", packages, config.get("packages", []))
    diffs += _diff("architectures", architectures, config.get("architectures", []))
    have = _repo_strings([(r.get("url", ""), r.get("mirrors", [])) for r in lock.get("repositories", [])])
    want = _repo_strings([(r, mirrors.get(r, [])) for r in repositories])
    if have != want:
        diffs.append("repositories: configuration has [{}], lock has [{}]".format(want, have))
    diffs += _diff("keys", keyring, [k.get("url", "") for k in lock.get("keyring", [])])
    if not diffs:
        return "its inputs_sha256 does not match its own inputs (edited by hand?)"
    return "it was locked for other inputs: " + "; ".join(diffs)

def lock_problem(lock, packages, architectures, repositories, mirrors, keyring):
    """Checks a decoded lock against what the repository asks for.

    The lock fits when its inputs_sha256 is the SHA-256 of
    lock_inputs(...) of the arguments: the one staleness rule, Go's too.

    Args:
      lock: the decoded lock JSON (a dict), or anything else.
      packages: the package names or atoms the repository declares.
      architectures: the apk architectures the repository declares.
      repositories: the repository URLs declared, in order.
      mirrors: `{repository: [mirror, ...]}` declared.
      keyring: the key URLs declared.

    Returns:
      An empty string when the lock fits, else one sentence saying what is
      wrong (the caller adds where and how to fix it).
    """
    if type(lock) != "dict":
        return "it is not a JSON object"
    if "placeholder" in lock:
        return "it is a placeholder, not a lock yet"
    version = lock.get("version")
    if version != LOCK_VERSION:
        return "its schema version is {}, this rule set reads version {}".format(version, LOCK_VERSION)
    config = lock.get("config")
    if type(config) != "dict":
        return "it has no \"config\" object"
    problem = inputs_problem(architectures, keyring, packages, repositories, mirrors)
    if problem:
        return problem
    digest = sha256_hex(lock_inputs(architectures, keyring, packages, repositories, mirrors))
    if lock.get("inputs_sha256") != digest:
        return _stale_problem(lock, config, packages, architectures, repositories, mirrors, keyring)
    locked = lock.get("architectures", {})
    for arch in architectures:
        if arch not in locked or not locked[arch].get("packages"):
            return "it has no packages for architecture {}".format(arch)
    return ""

def name_problem(name, version):
    """Checks a package's name and version by Go's safename rule.

    They become a file name and part of a URL: printable ASCII without
    white space, `/`, `\\` or `..`, at most 120 bytes; a name does not start
    with `.` or `-`.

    Args:
      name: the package name.
      version: the package version.

    Returns:
      "" or one sentence saying what is wrong.
    """
    for what, s in [("package name", name), ("version", version)]:
        if not s:
            return what + " is empty"
        if len(s) > _MAX_TOKEN:
            return "{} {}... is {} bytes long, more than {}".format(what, repr(s[:20]), len(s), _MAX_TOKEN)
        if ".." in s:
            return "{} {} contains \"..\"".format(what, repr(s))
        for c in s.elems():
            if c == "/" or c == "\\":
                # Go's %q of a byte: '/' and '\\'.
                return "{} {} contains '{}'".format(what, repr(s), c.replace("\\", "\\\\"))
            if c not in _VISIBLE:
                return "{} {} contains white space, a control character or a non-ASCII byte".format(what, repr(s))
    if name[0] in ".-":
        return "package name {} starts with '{}': not a package name".format(repr(name), name[0])
    return ""

def key_problem(key):
    """Checks one keyring entry before its PEM is written as a key file.

    Args:
      key: one entry of lock["keyring"].

    Returns:
      "" or one sentence saying what is wrong.
    """
    name = key.get("name", "")
    if name in ["", ".", ".."] or not _visible(name) or "/" in name or "\\" in name:
        return "key name {} is not a plain file name (printable ASCII, no '/', '\\\\', \".\" or \"..\")".format(repr(name))
    pem = key.get("pem", "")
    if type(pem) != "string" or not pem.startswith("-----BEGIN ") or ascii_bytes(pem) == None:
        return "key {}: its pem is not an ASCII PEM block".format(name)
    if sha256_hex(pem) != key.get("sha256"):
        return "key {}: its pem does not match its sha256 (the pem was edited or the key replaced)".format(name)
    return ""

def _join(base, arch, file):
    return base.rstrip("/") + "/" + arch + "/" + file

def file_urls(repository, mirrors, arch, file):
    """Returns where file of arch lives: under the repository, then each mirror.

    The URL rule of Go's lock.Repository.FileURLs: "<base>/<arch>/<file>",
    with trailing slashes of base dropped.

    Args:
      repository: the repository's base URL.
      mirrors: its mirrors' base URLs, in order.
      arch: the apk architecture the package was locked for (a noarch
        package too lives in this folder).
      file: the file name.

    Returns:
      A list of URL strings.
    """
    return [_join(b, arch, file) for b in [repository] + mirrors]

def package_urls(lock, arch, pkg):
    """Returns the URLs to try for one locked package: its repository's, then mirrors.

    Args:
      lock: the decoded lock.
      arch: the architecture the package is locked under.
      pkg: one entry of lock["architectures"][arch]["packages"].

    Returns:
      A list of URL strings, or a string saying what is wrong.
    """
    for repo in lock.get("repositories", []):
        if repo.get("url") == pkg.get("repository"):
            urls = file_urls(repo["url"], repo.get("mirrors", []), arch, apk_file_name(pkg))
            if pkg.get("url") != urls[0]:
                return "its url {} is not {}, where its repository keeps it".format(repr(pkg.get("url")), repr(urls[0]))
            return urls
    return "its repository {} is not one of the lock's repositories".format(repr(pkg.get("repository")))

def apk_file_name(pkg):
    """Returns the file name `<name>-<version>.apk` of a locked package.

    Check the name and version with name_problem first.

    Args:
      pkg: one entry of lock["architectures"][arch]["packages"].

    Returns:
      The file name.
    """
    return "{}-{}.apk".format(pkg["name"], pkg["version"])
