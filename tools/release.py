#!/usr/bin/env python3
"""The release's own steps, for build.sh (`./build.sh release`): standard library only.

  release.py versions                       manifest.json, Cargo.toml and CHANGELOG.md name one version
  release.py pack DIST ZIP                  DIST as a zip that is the same bytes wherever it is made
  release.py check-manifest DIST FIREFOX    the production manifests: no test host, CSP as shipped,
                                            every permission in the README's table and no other
  release.py listing OUT                    the store listing's text: a description per language (from
                                            _locales), the permissions and scopes justification (from
                                            the README's tables: one source for both), the 128 px icon
  release.py same A B                       every file of A and B byte-identical (and the same files)
  release.py sums DIR                       SHA256SUMS of every file in DIR

Zips are reproducible: entries sorted by path, each dated SOURCE_DATE_EPOCH (the commit's time: the
format needs a date), the same permissions, deflated at level 9 by Python's zlib.
"""
import hashlib
import json
import os
import re
import shutil
import sys
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'"
LANGS = ["en", "de", "fr", "es", "ja"]
# The size guard of a release, raw bytes after wasm-opt. DESIGN.md's guard is 300 KB; the module is
# over it (README: Size). Issue 30 measured what moving the meeting window's code and the date grammar
# off the worker's path would buy (~2-4 ms of a ~68 ms wake; README: Performance) and left it, so a
# release is held to the size it has now plus about 4 %: a regression fails the release, the known
# overrun does not.
WASM_GUARD = 660_000


def die(message):
    sys.exit("release: " + message)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def versions():
    manifest = json.loads(read("manifest.json"))["version"]
    cargo = re.search(r'^version = "([^"]+)"', read("Cargo.toml"), re.M).group(1)
    m = re.search(r"^## (\S+)", read("CHANGELOG.md"), re.M)
    changelog = m.group(1) if m else None
    if not (manifest == cargo == changelog):
        die("versions differ: manifest.json %s, Cargo.toml %s, CHANGELOG.md's newest entry %s" % (manifest, cargo, changelog))
    print(manifest)


def files_in(d):
    """Every file below `d`: {path relative to d, with /: path}."""
    out = {}
    for top, _, names in os.walk(d):
        for name in names:
            path = os.path.join(top, name)
            out[os.path.relpath(path, d).replace(os.sep, "/")] = path
    return out


def pack(dist, out):
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, zip's first date
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(out, "w") as z:
        for rel, path in sorted(files_in(dist).items()):
            if rel == ".extension-id":
                continue
            info = zipfile.ZipInfo(rel, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            with open(path, "rb") as f:
                z.writestr(info, f.read(), compresslevel=9)


def table_after(marker):
    """The body rows of the first Markdown table after `marker` in the README, as lists of cells."""
    lines = read("README.md").split(marker, 1)[1].splitlines()
    table = []
    for line in lines:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return [[c.strip() for c in line.strip().strip("|").split(" | ")] for line in table[2:]]


def permission_rows():
    return [(cells[0].strip("`"), cells[1]) for cells in table_after("## Permissions and why")]


def scope_rows():
    return table_after("OAuth scopes, one per feature")


def check_manifest(dist, firefox):
    problems = []
    rows = dict(permission_rows())
    for d in (dist, firefox):
        m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
        where = os.path.basename(os.path.normpath(d))
        hosts = m.get("host_permissions", []) + m.get("optional_host_permissions", [])
        if hosts:
            problems.append("%s: host permissions %s (a production build has none: activeTab)" % (where, hosts))
        text = json.dumps(m)
        for word in ("127.0.0.1", "localhost", "mail.google.com", "chromiumapp.org/*"):
            if word in text:
                problems.append("%s: the manifest names %s (a test build's)" % (where, word))
        if m.get("content_security_policy", {}).get("extension_pages") != CSP:
            problems.append("%s: the CSP is not %r" % (where, CSP))
        for p in m.get("permissions", []):
            if p not in rows:
                problems.append("%s: permission %s has no row in the README's table" % (where, p))
        if "key" in m and not os.environ.get("MEETLINK_KEY"):
            problems.append("%s: a key with no MEETLINK_KEY configured" % where)
        for k in ("content_scripts", "web_accessible_resources", "externally_connectable"):
            if k in m:
                problems.append("%s: %s (MeetLink has none)" % (where, k))
    chrome = json.load(open(os.path.join(dist, "manifest.json"), encoding="utf-8"))
    for p in rows:
        if p not in chrome.get("permissions", []):
            problems.append("the README's table lists %s, which the manifest does not ask for" % p)
    wasm = os.path.getsize(os.path.join(dist, "pkg", "meetlink_bg.wasm"))
    if wasm > WASM_GUARD:
        problems.append("the wasm is %d bytes, over the release guard of %d" % (wasm, WASM_GUARD))
    if problems:
        die("the production build does not check out:\n  " + "\n  ".join(problems))
    print("production manifests: no host permission, CSP as shipped, %d permissions each explained; wasm %d bytes (guard %d)"
          % (len(rows), wasm, WASM_GUARD))


def plain(markdown):
    """README cell text as plain text: no backticks, bold or links."""
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return text.replace("`", "")


def listing(out):
    os.makedirs(out, exist_ok=True)
    for lang in LANGS:
        messages = json.load(open(os.path.join(ROOT, "extension", "_locales", lang, "messages.json"), encoding="utf-8"))
        text = "%s\n\n%s\n\n%s\n" % (messages["extName"]["message"], messages["extDescription"]["message"],
                                    messages["storeDescription"]["message"])
        with open(os.path.join(out, "description-%s.txt" % lang), "w", encoding="utf-8") as f:
            f.write(text)
    lines = ["MeetLink: why each permission and each OAuth scope", "",
             "(Generated from the README's tables by tools/release.py: the same text as the README.)", "",
             "Permissions", ""]
    for name, why in permission_rows():
        lines += ["%s: %s" % (name, plain(why)), ""]
    lines += ["OAuth scopes (each asked for only when its feature is first used)", ""]
    for feature, scope, when in scope_rows():
        lines += ["%s" % plain(scope), "  for: %s" % plain(feature), "  asked: %s" % plain(when), ""]
    lines += ["Privacy: " + plain(privacy()), ""]
    with open(os.path.join(out, "permissions.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    shutil.copyfile(os.path.join(ROOT, "extension", "icons", "icon-128.png"), os.path.join(out, "icon-128.png"))


def privacy():
    body = read("README.md").split("## Privacy", 1)[1].split("\n## ", 1)[0]
    return " ".join(body.split())


def same(a, b):
    fa, fb = files_in(a), files_in(b)
    problems = ["only in one build: " + n for n in sorted(set(fa) ^ set(fb))]
    for n in sorted(set(fa) & set(fb)):
        if open(fa[n], "rb").read() != open(fb[n], "rb").read():
            problems.append("differs: " + n)
    if problems:
        die("the two builds differ:\n  " + "\n  ".join(problems))
    print("reproducible: %d files byte-identical in both builds" % len(fa))


def sums(d):
    lines = ["%s  %s" % (hashlib.sha256(open(path, "rb").read()).hexdigest(), rel)
             for rel, path in sorted(files_in(d).items()) if rel != "SHA256SUMS"]
    with open(os.path.join(d, "SHA256SUMS"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    if not argv:
        die("usage: see the top of tools/release.py")
    cmd, args = argv[0], argv[1:]
    {"versions": versions, "pack": pack, "check-manifest": check_manifest, "listing": listing,
     "same": same, "sums": sums}.get(cmd, lambda *_: die("unknown step " + cmd))(*args)


if __name__ == "__main__":
    main(sys.argv[1:])
