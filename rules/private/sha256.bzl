"""SHA-256 of an ASCII string in pure Starlark.

Bazel 4.2 has no hash builtin, and a lock is checked where no action can
run: while a repository is fetched. Two short strings need hashing there:
the canonical inputs of a lock (a few hundred bytes) and each key's PEM.
Both are ASCII, so characters map to bytes through a table.
"""

# The printable ASCII characters, space to tilde, in byte order.
PRINTABLE_ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

_BYTE = dict([(c, i + 32) for i, c in enumerate(PRINTABLE_ASCII.elems())] + [("\t", 9), ("\n", 10), ("\r", 13)])

_HEX = "0123456789abcdef"

# The round constants, eight hex digits each.
_K_HEX = (
    "428a2f9871374491b5c0fbcfe9b5dba53956c25b59f111f1923f82a4ab1c5ed5" +
    "d807aa9812835b01243185be550c7dc372be5d7480deb1fe9bdc06a7c19bf174" +
    "e49b69c1efbe47860fc19dc6240ca1cc2de92c6f4a7484aa5cb0a9dc76f988da" +
    "983e5152a831c66db00327c8bf597fc7c6e00bf3d5a7914706ca635114292967" +
    "27b70a852e1b21384d2c6dfc53380d13650a7354766a0abb81c2c92e92722c85" +
    "a2bfe8a1a81a664bc24b8b70c76c51a3d192e819d6990624f40e3585106aa070" +
    "19a4c1161e376c082748774c34b0bcb5391c0cb34ed8aa4a5b9cca4f682e6ff3" +
    "748f82ee78a5636f84c878148cc7020890befffaa4506cebbef9a3f7c67178f2"
)

_K = [int(_K_HEX[i:i + 8], 16) for i in range(0, len(_K_HEX), 8)]

_M = 0xffffffff

def _rotr(x, n):
    return ((x >> n) | (x << (32 - n))) & _M

def ascii_bytes(s):
    """Returns the bytes of an ASCII string, or None if it holds another character.

    Args:
      s: the string.

    Returns:
      A list of ints, or None.
    """
    out = []
    for c in s.elems():
        b = _BYTE.get(c)
        if b == None:
            return None
        out.append(b)
    return out

def sha256_hex(s):
    """Returns the lower-case hex SHA-256 of an ASCII string.

    Args:
      s: printable ASCII, tabs and line breaks; anything else fails.

    Returns:
      64 hex digits.
    """
    data = ascii_bytes(s)
    if data == None:
        fail("sha256_hex: the text holds a character other than printable ASCII, tab or line break")
    n = len(data)
    data = data + [0x80] + [0] * ((55 - n) % 64) + [((n * 8) >> (8 * (7 - i))) & 0xff for i in range(8)]
    h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    for off in range(0, len(data), 64):
        w = [(data[off + 4 * i] << 24) | (data[off + 4 * i + 1] << 16) | (data[off + 4 * i + 2] << 8) | data[off + 4 * i + 3] for i in range(16)]
        for i in range(16, 64):
            s0 = _rotr(w[i - 15], 7) ^ _rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            s1 = _rotr(w[i - 2], 17) ^ _rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w.append((w[i - 16] + s0 + w[i - 7] + s1) & _M)
        a, b, c, d, e, f, g, hh = h
        for i in range(64):
            t1 = (hh + (_rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)) + ((e & f) ^ ((~e) & g)) + _K[i] + w[i]) & _M
            t2 = ((_rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & _M
            hh = g
            g = f
            f = e
            e = (d + t1) & _M
            d = c
            c = b
            b = a
            a = (t1 + t2) & _M
        h = [(x + y) & _M for x, y in zip(h, [a, b, c, d, e, f, g, hh])]
    out = []
    for x in h:
        for shift in range(28, -4, -4):
            out.append(_HEX[(x >> shift) & 0xf])
    return "".join(out)
