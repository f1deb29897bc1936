"""What each crate costs in the wasm, after wasm-opt: `python3 size.py path/to/meetlink.wasm [SHIPPED]`.

With SHIPPED (the built `pkg/meetlink_bg.wasm`), first its size against the guard (DESIGN.md: at most
300 KB raw after wasm-opt, a guard against bloat, not a figure to chase) and gzipped.

Runs wasm-bindgen on it as build.sh does (`--keep-debug`, so the names stay; wasm-bindgen's describe
functions go), optimises the result with names kept (`wasm-opt -Oz -g`, the passes and binaryen of
build.sh; run from the repository root), lists every function and data segment with twiggy, and adds their sizes up by the crate the item's
path starts with (for `<T as Trait>::f`, the crate of T, or of the trait when T is a primitive). The
names section is left out, so the total is the shipped wasm's size within a few percent.
"""
import csv, gzip, io, re, subprocess, sys, tempfile, collections

WASM_OPT = "tools/node_modules/.bin/wasm-opt"  # build.sh installs it
BUDGET = 300_000

FLAGS = ["-Oz", "-g", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
         "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue"]
# The functions background.js calls (src/shell/mod.rs).
EXPORTS = ("onMessage", "onWorkerStart", "onInstalled", "onStartup", "onManagedChanged", "onAlarm", "onMenuClicked", "onCommand")
PRIMITIVE = re.compile(r"^(\[|&|\*|\(|f32|f64|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|bool|char|str|dyn )")


def crate_of(name):
    if name.startswith("data") or name.startswith("data segment"):
        return "(data: strings and tables)"
    n = name.lstrip("<")
    if PRIMITIVE.match(n) and " as " in n:
        n = n.split(" as ", 1)[1]
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", n)
    if not m:
        return "(other)"
    crate = m.group(1)
    if crate in ("core", "alloc", "std", "__rustc", "__rdl_alloc", "__rdl_dealloc", "__rdl_realloc", "__multi3", "__powidf2"):
        return "std (core, alloc)"
    if crate in EXPORTS or "meetlink::shell" in name:
        return "meetlink: browser shell (async, wasm only)"
    if crate == "meetlink":
        return "meetlink: pure core (serde derives included)"
    if crate.startswith("__wbg") or crate.startswith("__wbindgen") or crate in ("wasm_bindgen", "export", "import", "table", "elem"):
        return "wasm_bindgen"
    if crate.startswith("byn"):  # functions binaryen merged ("byn$mgfn-shared$<mangled>")
        return "(merged by wasm-opt)"
    return crate


def main(path, shipped=None):
    if shipped:
        data = open(shipped, "rb").read()
        verdict = "within" if len(data) <= BUDGET else "OVER"
        print(f"shipped wasm: {len(data)} bytes raw ({verdict} the {BUDGET}-byte guard), "
              f"{len(gzip.compress(data, 9))} bytes gzipped")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["wasm-bindgen", "--target", "web", "--no-typescript", "--keep-debug", "--out-dir", f"{tmp}/pkg",
                        path], check=True)
        subprocess.run([WASM_OPT, *FLAGS, "-o", f"{tmp}/opt.wasm", f"{tmp}/pkg/meetlink_bg.wasm"], check=True)
        text = subprocess.run(["twiggy", "top", "-n", "1000000", "--format", "csv", f"{tmp}/opt.wasm"],
                              check=True, capture_output=True, text=True).stdout
    sizes = collections.Counter()
    for row in csv.DictReader(io.StringIO(text)):
        name, size = row["Name"], int(row["ShallowSize"])
        if name.startswith("custom section") or "subsection" in name:
            continue
        sizes[crate_of(name)] += size
    total = sum(sizes.values())
    print(f"wasm by crate (after wasm-opt -Oz, names kept to attribute; {total} bytes counted)")
    print(f"{'crate':44} {'bytes':>8}  {'%':>5}")
    shown = [(crate, size) for crate, size in sizes.most_common() if size >= 1000]
    rest = total - sum(size for _, size in shown)
    for crate, size in shown + [("(everything under 1 KB)", rest)]:
        print(f"{crate:44} {size:8}  {100 * size / total:5.1f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
