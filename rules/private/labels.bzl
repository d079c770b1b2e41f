"""Spelling labels of this rule set for BUILD files generated in other repositories."""

def label_str(label):
    """Returns a Label as a string that means the same in any repository.

    Bazel 4 prints main-repository labels as `//pkg:name`, which a BUILD file
    in another repository would read as its own; `@//pkg:name` is the main
    repository everywhere. Bazel 7 already prints `@@//...` or `@@canonical//...`.

    Args:
      label: a Label.

    Returns:
      A string label.
    """
    s = str(label)
    if s.startswith("//"):
        return "@" + s
    return s
