"""Pure helpers that read the lock JSON (schema in tools/DESIGN.md)."""

LOCK_VERSION = 1

def _same_set(a, b):
    return sorted({x: None for x in a}.keys()) == sorted({x: None for x in b}.keys())

def _repositories_problem(lock, repositories, mirrors, keyring):
    have = [(r.get("url", "").rstrip("/"), [m.rstrip("/") for m in r.get("mirrors", [])]) for r in lock.get("repositories", [])]
    want = [(r.rstrip("/"), [m.rstrip("/") for m in mirrors.get(r, [])]) for r in repositories]
    if have != want:
        return "it was locked for repositories {}, the repository asks for {}".format(
            [u + (" (mirrors " + ", ".join(m) + ")" if m else "") for u, m in have],
            [u + (" (mirrors " + ", ".join(m) + ")" if m else "") for u, m in want],
        )
    have_keys = [k.get("url", "") for k in lock.get("keyring", [])]
    if not _same_set(have_keys, keyring):
        return "it was locked with the keyring {}, the repository asks for {}".format(sorted(have_keys), sorted(keyring))
    return ""

def lock_problem(lock, packages, architectures, repositories = None, mirrors = None, keyring = None):
    """Checks a decoded lock against what the repository asks for.

    Args:
      lock: the decoded lock JSON (a dict), or anything else.
      packages: the package names the repository declares.
      architectures: the apk architectures the repository declares.
      repositories: the repository URLs declared, in order; None skips the
        repository, mirror and keyring checks.
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
    if not _same_set(config.get("packages", []), packages):
        return "it was locked for packages {}, the repository asks for {}".format(
            sorted(config.get("packages", [])),
            sorted(packages),
        )
    if not _same_set(config.get("architectures", []), architectures):
        return "it was locked for architectures {}, the repository asks for {}".format(
            sorted(config.get("architectures", [])),
            sorted(architectures),
        )
    if repositories != None:
        problem = _repositories_problem(lock, repositories, mirrors or {}, keyring or [])
        if problem:
            return problem
    locked = lock.get("architectures", {})
    for arch in architectures:
        if arch not in locked or not locked[arch].get("packages"):
            return "it has no packages for architecture {}".format(arch)
    return ""

def package_urls(lock, pkg):
    """Returns the URLs to try for one locked package: its own, then mirrors.

    A mirror of the package's repository serves the same path below its base.

    Args:
      lock: the decoded lock.
      pkg: one entry of lock["architectures"][arch]["packages"].

    Returns:
      A list of URL strings, the locked URL first.
    """
    urls = [pkg["url"]]
    for repo in lock.get("repositories", []):
        base = repo["url"].rstrip("/") + "/"
        if pkg["url"].startswith(base):
            rest = pkg["url"][len(base):]
            for mirror in repo.get("mirrors", []):
                urls.append(mirror.rstrip("/") + "/" + rest)
    return urls

def apk_file_name(pkg):
    """Returns the file name `<name>-<version>.apk` of a locked package.

    Args:
      pkg: one entry of lock["architectures"][arch]["packages"].

    Returns:
      The file name.
    """
    return "{}-{}.apk".format(pkg["name"], pkg["version"])
