#!/usr/bin/env python3
"""Gives the wasm's imports short names, in the wasm and in wasm-bindgen's JavaScript glue.

wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` in a module "./meetlink_bg.js": about
60 bytes of import section per import, ~4 KB in all, in a module parsed on every service-worker wake.
This renames the module to "m" and each import to a short base-52 name (binaryen's
`--minify-imports` does the same; it cannot run here after wasm-bindgen, see build.sh).

The glue is edited by exact token: each old name must occur in it exactly once (as its key in the
imports object) and the module name exactly once, or nothing is written and the build fails.

Usage: shorten_imports.py PKG_DIR NAME   (PKG_DIR/NAME_bg.wasm and PKG_DIR/NAME.js, rewritten in place)
"""
import re
import string
import sys


def leb(data, i):
    """Unsigned LEB128 at data[i]: (value, next index)."""
    value = shift = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def put_leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def name_bytes(s):
    b = s.encode()
    return put_leb(len(b)) + b


def short_name(k):
    letters = string.ascii_letters
    s = letters[k % 52]
    k //= 52
    while k:
        s += letters[k % 52]
        k //= 52
    return s


def import_desc_end(data, i):
    """Index just past one import descriptor (kind byte + type) at data[i]."""
    kind = data[i]
    i += 1
    if kind == 0:  # function: type index
        return leb(data, i)[1]
    if kind == 1:  # table: reftype + limits
        i += 1
        flags, i = leb(data, i)
        i = leb(data, i)[1]
        return leb(data, i)[1] if flags & 1 else i
    if kind == 2:  # memory: limits
        flags, i = leb(data, i)
        i = leb(data, i)[1]
        return leb(data, i)[1] if flags & 1 else i
    if kind == 3:  # global: valtype + mutability
        return i + 2
    raise ValueError(f"import kind {kind}")


def main(pkg, name):
    wasm_path, js_path = f"{pkg}/{name}_bg.wasm", f"{pkg}/{name}.js"
    data = open(wasm_path, "rb").read()
    js = open(js_path).read()
    assert data[:8] == b"\0asm\1\0\0\0", "not a wasm module"
    module = f"./{name}_bg.js"
    out, i, renamed = bytearray(data[:8]), 8, {}
    while i < len(data):
        sid = data[i]
        size, body = leb(data, i + 1)
        end = body + size
        if sid != 2:
            out += data[i:end]
            i = end
            continue
        count, j = leb(data, body)
        section = bytearray(put_leb(count))
        for _ in range(count):
            mlen, j = leb(data, j)
            mod = data[j:j + mlen].decode()
            j += mlen
            flen, j = leb(data, j)
            field = data[j:j + flen].decode()
            j += flen
            desc_end = import_desc_end(data, j)
            if mod == module:
                new = renamed.setdefault(field, short_name(len(renamed)))
                section += name_bytes("m") + name_bytes(new)
            else:
                section += name_bytes(mod) + name_bytes(field)
            section += data[j:desc_end]
            j = desc_end
        assert j == end, "import section not read to its end"
        out += bytes([2]) + put_leb(len(section)) + section
        i = end
    if not renamed:
        sys.exit(f"shorten_imports: no imports from {module} in {wasm_path}")
    for old, new in renamed.items():
        hits = len(re.findall(rf"\b{re.escape(old)}\b", js))
        if hits != 1:
            sys.exit(f"shorten_imports: {old} occurs {hits} times in {js_path}, not once; glue changed?")
        js = re.sub(rf"\b{re.escape(old)}(?=\s*:)", new, js)
    key = f'"{module}":'
    if js.count(key) != 1:
        sys.exit(f"shorten_imports: {key} occurs {js.count(key)} times in {js_path}, not once")
    js = js.replace(key, '"m":')
    open(wasm_path, "wb").write(out)
    open(js_path, "w").write(js)
    print(f"shorten_imports: {len(renamed)} imports renamed, wasm {len(data)} -> {len(out)} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
