#!/usr/bin/env python3
"""IKEv1 Phase 1 key-derivation vectors for check_crypto.c.

An independent model of RFC 2409 section 5 and appendix B, written with
nothing but hashlib and hmac, so that the C implementation in
shared/crypto.c is checked against a second implementation rather than
against itself.

From fixed inputs (a pre-shared key, two nonces, two cookies and fixed
g^xy, g^xi, g^xr octet strings: no Diffie-Hellman is needed) it computes,
for SHA-1, SHA2-256, SHA2-384 and SHA2-512:

  SKEYID (pre-shared key form)  prf(PSK, Ni_b | Nr_b)
  SKEYID (signature form)       prf(Ni_b | Nr_b, g^xy)
  SKEYID_d  prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
  SKEYID_a  prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
  SKEYID_e  prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
  the AES-128, AES-256 and 3DES keys, taken from SKEYID_e or expanded
  per appendix B (K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1)),
  the Phase 1 IV   hash(g^xi | g^xr), truncated to the block size,
  the Phase 2 IV   hash(last Phase 1 CBC block | M-ID), truncated.
SKEYID_d/a/e and the keys derive from the pre-shared-key SKEYID.

Usage:
  p1_vectors.py               print the vector block of check_crypto.c
  p1_vectors.py --check FILE  recompute every vector and compare it with
                              each  /* vec:NAME */ "hex"  string in FILE;
                              exit 1 on any mismatch, missing or unknown name
"""

import hashlib
import hmac
import re
import sys

HASHES = [  # (suffix, hashlib name, C constant)
    ("sha1", "sha1", "IKE_HASH_SHA1"),
    ("sha256", "sha256", "IKE_HASH_SHA256"),
    ("sha384", "sha384", "IKE_HASH_SHA384"),
    ("sha512", "sha512", "IKE_HASH_SHA512"),
]

# Ciphers whose keys and IVs are derived: (suffix, key octets, block octets).
CIPHERS = [("aes128", 16, 16), ("aes256", 32, 16), ("3des", 24, 8)]


def fill(tag, n):
    """n deterministic octets labelled by tag (SHA-256 in counter mode)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(tag.encode() + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:n]


# Fixed inputs.  The nonces differ in length so that a swapped Ni_b/Nr_b
# or CKY-I/CKY-R cannot go unnoticed; g^xy has the size of a MODP-2048
# shared secret.
INPUTS = [
    ("in_psk", b"gdoi unit-test pre-shared key"),
    ("in_ni", fill("Ni_b", 24)),
    ("in_nr", fill("Nr_b", 32)),
    ("in_cky_i", fill("CKY-I", 8)),
    ("in_cky_r", fill("CKY-R", 8)),
    ("in_gxy", fill("g^xy", 256)),
    ("in_gxi", fill("g^xi", 256)),
    ("in_gxr", fill("g^xr", 256)),
    ("in_last_block", fill("last phase 1 block", 16)),
    ("in_msgid", bytes.fromhex("7a3c1f05")),
]


def prf(hname, key, *parts):
    return hmac.new(key, b"".join(parts), hname).digest()


def hsh(hname, *parts):
    return hashlib.new(hname, b"".join(parts)).digest()


def enc_key(hname, skeyid_e, keylen):
    """RFC 2409 appendix B."""
    if len(skeyid_e) >= keylen:
        return skeyid_e[:keylen]
    ka = b""
    k = b"\x00"
    while len(ka) < keylen:
        k = prf(hname, skeyid_e, k)
        ka += k
    return ka[:keylen]


def vectors():
    """Ordered list of (name, bytes): inputs first, then per-hash results."""
    inp = dict(INPUTS)
    psk, ni, nr = inp["in_psk"], inp["in_ni"], inp["in_nr"]
    ci, cr, gxy = inp["in_cky_i"], inp["in_cky_r"], inp["in_gxy"]
    gxi, gxr = inp["in_gxi"], inp["in_gxr"]
    last, msgid = inp["in_last_block"], inp["in_msgid"]

    out = list(INPUTS)
    for sfx, h, _ in HASHES:
        skeyid = prf(h, psk, ni, nr)
        skeyid_sig = prf(h, ni + nr, gxy)
        d = prf(h, skeyid, gxy, ci, cr, b"\x00")
        a = prf(h, skeyid, d, gxy, ci, cr, b"\x01")
        e = prf(h, skeyid, a, gxy, ci, cr, b"\x02")
        out += [
            ("skeyid_psk_" + sfx, skeyid),
            ("skeyid_sig_" + sfx, skeyid_sig),
            ("skeyid_d_" + sfx, d),
            ("skeyid_a_" + sfx, a),
            ("skeyid_e_" + sfx, e),
        ]
        for c, klen, _ in CIPHERS:
            out.append(("key_%s_%s" % (c, sfx), enc_key(h, e, klen)))
        p1 = hsh(h, gxi, gxr)
        p2 = hsh(h, last, msgid)
        out += [
            ("iv1_16_" + sfx, p1[:16]),
            ("iv1_8_" + sfx, p1[:8]),
            ("iv2_16_" + sfx, p2[:16]),
            ("iv2_8_" + sfx, hsh(h, last[:8], msgid)[:8]),
        ]
    return out


def c_string(hexstr, indent):
    """One C string literal, split into 64-digit pieces on separate lines."""
    pieces = [hexstr[i:i + 64] for i in range(0, len(hexstr), 64)] or [""]
    return ("\n" + indent).join('"%s"' % p for p in pieces)


def emit():
    """The block that check_crypto.c carries between the BEGIN/END marks."""
    vec = vectors()
    names = dict(vec)
    ind = "\t    "
    lines = ["/* BEGIN p1_vectors.py output */",
             "static const struct p1_inputs p1_in = {"]
    for name, val in INPUTS:
        field = name[3:]
        lines.append("\t.%s = /* vec:%s */ %s," %
                     (field, name, c_string(val.hex(), ind)))
    lines.append("};")
    lines.append("")
    lines.append("static const struct p1_vec p1_vecs[] = {")
    fields = ["skeyid_psk", "skeyid_sig", "skeyid_d", "skeyid_a",
              "skeyid_e"] + ["key_" + c for c, _, _ in CIPHERS] + \
             ["iv1_16", "iv1_8", "iv2_16", "iv2_8"]
    for sfx, _, const in HASHES:
        lines.append("\t{")
        lines.append("\t\t.hash = %s," % const)
        for f in fields:
            name = "%s_%s" % (f, sfx)
            lines.append("\t\t.%s = /* vec:%s */\n\t\t    %s," %
                         (f, name, c_string(names[name].hex(), "\t\t    ")))
        lines.append("\t},")
    lines.append("};")
    lines.append("/* END p1_vectors.py output */")
    return "\n".join(lines)


# /* vec:NAME */ followed by one or more adjacent "hex" literals.
VEC_RE = re.compile(r'/\*\s*vec:([A-Za-z0-9_]+)\s*\*/((?:\s*"[^"]*")+)')
STR_RE = re.compile(r'"([^"]*)"')


def check(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    want = dict(vectors())
    seen = set()
    bad = 0
    for m in VEC_RE.finditer(text):
        name = m.group(1)
        got = "".join(STR_RE.findall(m.group(2))).lower()
        if name not in want:
            print("UNKNOWN  %s" % name)
            bad += 1
            continue
        if name in seen:
            print("DUPLICATE %s" % name)
            bad += 1
            continue
        seen.add(name)
        if got == want[name].hex():
            print("ok       %s" % name)
        else:
            print("MISMATCH %s\n  file:     %s\n  expected: %s" %
                  (name, got, want[name].hex()))
            bad += 1
    for name in want:
        if name not in seen:
            print("MISSING  %s" % name)
            bad += 1
    print("%d vectors compared, %d problem(s)" % (len(seen), bad))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 1:
        print(emit())
        return 0
    if len(argv) == 3 and argv[1] == "--check":
        return check(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
