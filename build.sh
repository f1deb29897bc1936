#!/usr/bin/env bash
# MeetLink's one entry point. See README.md.
#
#   ./build.sh                                build the extension into dist/ (Load unpacked)
#   ./build.sh test                           install what is missing, run every test layer
#   ./build.sh demo [--headless]              see it work against a local stand-in for Google: Chromium
#                                             with the extension on a demo page (headless without a
#                                             display: two links made, printed, screenshots in target/demo/)
#   ./build.sh --google-base URL --out DIR    a variant whose Google endpoints live under URL
#   ./build.sh --browser firefox              a Firefox build in dist-firefox/ (+ meetlink-firefox.zip);
#                                             combines with --google-base URL and --out DIR
#   ./build.sh package                        dist/ as a zip for the Chrome Web Store
#   ./build.sh release                        every release artifact in target/release/: the Chrome/Edge
#                                             and Firefox zips, the source archive for AMO, SHA256SUMS and
#                                             the store listing (screenshots, promo tile, descriptions,
#                                             permissions); built twice from the source archive in two
#                                             fresh directories, and refused unless both are byte-identical
#                                             and the production manifests check out (README: Releasing)
#   ./build.sh release-build OUT              the production zips of this tree into OUT (BUILDING.md: what
#                                             a store reviewer runs to rebuild a release)
#   ./build.sh fake [PORT]                    run the fake Google (tests/fake_google) by hand
#   ./build.sh bench                          measure trigger -> link (popup, shortcut; warm link on/off),
#                                             cold wake, wasm size by crate; against the fake
#   ./build.sh help                           this list
#
# Configuration (environment, or KEY=VALUE lines in an untracked ./meetlink.config):
#   MEETLINK_CLIENT_ID      OAuth client ID of type "Chrome Extension" (chrome.identity.getAuthToken)
#   MEETLINK_WEB_CLIENT_ID  OAuth client ID of type "Web application" (launchWebAuthFlow: other
#                           browsers, other accounts)
#   MEETLINK_KEY            the manifest "key" (base64 public key) that pins the extension ID
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

WASM_BINDGEN_VERSION=0.2.130          # must equal the wasm-bindgen crate pinned in Cargo.toml
FAKE_PORT=7357                        # the e2e build and the fake agree on this port
WASM_OPT=tools/node_modules/.bin/wasm-opt   # binaryen, pinned in tools/package-lock.json
ESBUILD=$ROOT/tools/node_modules/.bin/esbuild # the worker's one script, pinned there too
# The features rustc's wasm32 target emits by default, which wasm-opt must be told it may keep.
WASM_OPT_FLAGS=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
                --enable-mutable-globals --enable-reference-types --enable-multivalue)

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

if [ -f meetlink.config ]; then
  set -a; . ./meetlink.config; set +a
fi

# ---- installs ------------------------------------------------------------------------------------
APT_UPDATED=
apt_install() {  # apt_install PKG... : installs the Debian packages that are not installed yet
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "need Debian packages: ${missing[*]} (no apt-get here)"
  local sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  say "Installing ${missing[*]} (apt)"
  if [ -z "$APT_UPDATED" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_build_tools() {
  command -v cargo >/dev/null || die "needs Rust (rustup): https://rustup.rs"
  command -v python3 >/dev/null || apt_install python3
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup --quiet target add wasm32-unknown-unknown
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # --locked first; without it when a locked dependency has since been yanked from crates.io (cargo
    # then fails at once, before building anything: its message goes to a log, not the screen).
    local log; log=$(mktemp)
    if ! cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked 2>"$log"; then
      say "The locked install needs a dependency crates.io no longer serves; installing with current ones"
      cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" || { cat "$log" >&2; die "could not install wasm-bindgen-cli"; }
    fi
    rm -f "$log"
  fi
  # binaryen from npm, not Debian's 108 (2022): that one breaks wasm-bindgen's externref table when
  # it runs after wasm-bindgen ("WebAssembly.Table.set(): Argument 1 is invalid for table") and
  # optimises less; 132 after wasm-bindgen gives 5.3 KB less wasm (measured; README "Size").
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -x "$WASM_OPT" ] || [ ! -x "$ESBUILD" ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
    say "Installing the build's npm packages (binaryen, esbuild)"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_test_tools() {  # after ensure_build_tools, which installs Node.js and npm
  apt_install chromium chromium-driver chromium-l10n   # l10n: the UI languages the locale tests need
  apt_install firefox-esr                              # the Firefox layer (tests/e2e/firefox)
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    say "Installing the e2e npm packages"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# ---- build ---------------------------------------------------------------------------------------
# build OUT [GOOGLE_BASE]: release wasm -> wasm-bindgen -> wasm-opt -> OUT/ with a filled manifest.
# BROWSER=firefox gives Firefox's manifest form.
build() {
  local out=$1 base=${2:-} target_dir=target
  ensure_build_tools
  # A variant gets its own target dir: the base URL and the web client ID are compiled in
  # (option_env!), and sharing one dir would rebuild the crate on every switch.
  [ -n "$base" ] && target_dir=target/variant-$(printf '%s|%s' "$base" "${MEETLINK_WEB_CLIENT_ID:-}" | cksum | cut -d' ' -f1)
  say "Building wasm (release${base:+, Google at $base})"
  MEETLINK_GOOGLE_BASE="$base" MEETLINK_WEB_CLIENT_ID="${MEETLINK_WEB_CLIENT_ID:-}" CARGO_TARGET_DIR=$target_dir \
    cargo build --quiet --release --locked --target wasm32-unknown-unknown
  local wasm=$target_dir/wasm32-unknown-unknown/release/meetlink.wasm
  local pkg=$target_dir/pkg
  if [ ! -f "$pkg/meetlink_bg.wasm" ] || [ "$wasm" -nt "$pkg/meetlink_bg.wasm" ] || [ build.sh -nt "$pkg/meetlink_bg.wasm" ] \
     || [ tools/package-lock.json -nt "$pkg/meetlink_bg.wasm" ]; then
    rm -rf "$pkg.tmp"
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
      --out-dir "$pkg.tmp" "$wasm"
    # wasm-opt after wasm-bindgen, so the glue it adds is optimised too (1.5 KB less than before it).
    "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" -o "$pkg.tmp/meetlink_bg.wasm" "$pkg.tmp/meetlink_bg.wasm"
    rm -rf "$pkg" && mv "$pkg.tmp" "$pkg"
  fi
  rm -rf "$out" && mkdir -p "$out"
  cp -R extension/. "$out/"
  # wasm-bindgen ships it as a snippet under pkg/snippets/ (src/shell/page.rs).
  rm "$out/page.js"
  cp -R "$pkg" "$out/pkg"
  # The worker as one script: the shim, wasm-bindgen's glue and its snippets (page.js, clip.js) in one
  # file, by esbuild (bundled, not minified); the wasm stays a file of its own. Every module a
  # service worker imports costs its start: 4 modules -> 1 reached the worker's first line 2.5-4.3 ms
  # sooner, and wasm ready ~2 ms sooner (tests/bench/wake.mjs; README: Performance).
  # Run in OUT, so the file comments name paths inside the package, not this machine's.
  (cd "$out" && "$ESBUILD" background.js --bundle --format=esm --charset=utf8 --log-level=warning \
     --outfile=background.js --allow-overwrite)
  rm -r "$out/pkg/meetlink.js" "$out/pkg/snippets"
  python3 - "$out" "$base" "${BROWSER:-chrome}" <<'PY'
import json, os, re, sys, base64, hashlib
out, base, browser = sys.argv[1], sys.argv[2], sys.argv[3]
m = json.load(open("manifest.json"))
scope = re.search(r'pub const SCOPE: &str = "([^"]+)"', open("src/calendar.rs").read()).group(1)
client = os.environ.get("MEETLINK_CLIENT_ID", "").strip()
if client:
    m["oauth2"] = {"client_id": client, "scopes": [scope]}
else:
    m.pop("oauth2", None)   # the popup then says that no OAuth client is configured
key = os.environ.get("MEETLINK_KEY", "").strip()
if key:
    m["key"] = key
    der = base64.b64decode(key)
    ext_id = "".join("abcdefghijklmnop"[int(c, 16)] for c in hashlib.sha256(der).hexdigest()[:32])
    open(os.path.join(out, ".extension-id"), "w").write(ext_id)
if base:
    # scheme://host/* : a Chrome match pattern without a port matches every port of that host, which
    # also covers the e2e fixture pages served next to the fake Google.
    scheme, host = re.match(r"^(https?)://([^/:]+)", base).groups()
    m["host_permissions"] = [f"{scheme}://{host}/*"]
    # The Gmail-like compose fixture is served at https://mail.google.com by the e2e suite (Playwright
    # fulfils the requests; nothing leaves the machine): this stands in for the activeTab grant a
    # user's click gives there. Never in a production build.
    m["host_permissions"].append("https://mail.google.com/*")
if browser == "firefox":
    # Firefox's MV3 form: an event page instead of a service worker, a pinned add-on ID (the web
    # flow's redirect URL is derived from it), no offscreen documents (its background page has a
    # clipboard), and no Chrome-only keys (managed storage comes from Firefox's own policies.json
    # there). Sign-in is the web flow only (no getAuthToken).
    m["background"] = {"scripts": ["background.js"], "type": "module"}
    m["permissions"] = [p for p in m["permissions"] if p != "offscreen"]
    for k in ("oauth2", "key", "minimum_chrome_version", "storage"):
        m.pop(k, None)
    # Firefox 140 (the ESR Debian ships) is the first desktop Firefox that knows
    # data_collection_permissions; Firefox for Android knows it from 142.
    m["browser_specific_settings"] = {
        "gecko": {
            "id": os.environ.get("MEETLINK_GECKO_ID", "meetlink@meetlink.app"),
            "strict_min_version": "140.0",
            "data_collection_permissions": {"required": ["none"]},
        },
        "gecko_android": {"strict_min_version": "142.0"},
    }
    for f in ("offscreen.html", "offscreen.js", ".extension-id"):
        if os.path.exists(os.path.join(out, f)):
            os.remove(os.path.join(out, f))
json.dump(m, open(os.path.join(out, "manifest.json"), "w"), indent=2)
PY
  local raw gz
  raw=$(wc -c < "$out/pkg/meetlink_bg.wasm"); gz=$(gzip -9c "$out/pkg/meetlink_bg.wasm" | wc -c)
  say "Built $out: wasm $raw bytes ($gz gzipped)"
  [ -n "${MEETLINK_CLIENT_ID:-}${MEETLINK_WEB_CLIENT_ID:-}" ] || say "Note: no MEETLINK_CLIENT_ID or MEETLINK_WEB_CLIENT_ID set; this build cannot sign in (README: Google Cloud set-up)."
  [ -f "$out/.extension-id" ] && say "Extension ID: $(cat "$out/.extension-id")"
  return 0
}

# ---- tests ---------------------------------------------------------------------------------------
PASSED=0; FAILED=0
count() {  # count LOGFILE : adds the pass/fail counts that cargo test and node --test printed
  local p f
  read -r p f < <(awk '
    /test result: (ok|FAILED)\./ { for (i = 1; i < NF; i++) { if ($(i+1) == "passed;") p += $i; if ($(i+1) == "failed;") f += $i } }
    /^# pass [0-9]+$/ { p += $3 }
    /^# fail [0-9]+$/ { f += $3 }
    /^Ran [0-9]+ tests? in / { ran = $2 }
    /^OK( |$)/ && ran != "" { p += ran; ran = "" }
    /^FAILED \(/ && ran != "" {
      n = 0; s = $0
      while (match(s, /(failures|errors)=[0-9]+/)) { v = substr(s, RSTART, RLENGTH); sub(/.*=/, "", v); n += v; s = substr(s, RSTART + RLENGTH) }
      f += n; p += (ran > n ? ran - n : 0); ran = "" }
    END { print p + 0, f + 0 }' "$1")
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
}

run_layer() {  # run_layer NAME CMD... : runs one layer, tees its output, counts it
  local name=$1; shift
  local log; log=$(mktemp)
  say "== $name"
  if "$@" 2>&1 | tee "$log"; then :; else FAILED=$((FAILED + 1)); say "!! $name failed"; fi
  count "$log"; rm -f "$log"
}

# Google's discovery documents (Calendar v3, Meet v2), against which the fake checks every request.
DISCOVERY_DIR=${MEETLINK_DISCOVERY_DIR:-$ROOT/../shared/reference/discovery}
ensure_discovery() {
  [ -f "$DISCOVERY_DIR/calendar-v3.json" ] && [ -f "$DISCOVERY_DIR/meet-v2.json" ] || die "the fake Google checks every request against Google's discovery documents, and finds none in $DISCOVERY_DIR: set MEETLINK_DISCOVERY_DIR to a folder with calendar-v3.json and meet-v2.json (README: The fake Google)"
  export MEETLINK_DISCOVERY_DIR=$DISCOVERY_DIR
}

start_fake() {  # start_fake PORT : the fake Google in the background, until this script exits
  ensure_discovery
  python3 tests/fake_google/server.py --port "$1" >/dev/null 2>&1 &
  FAKE_PIDS="${FAKE_PIDS:-} $!"
  trap 'kill ${FAKE_PIDS:-} 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    curl -sf -X POST "http://127.0.0.1:$1/_fake/reset" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "the fake Google did not start on port $1"
}

# schema_findings PORT : one test: the fake on PORT found nothing Google would refuse or drop in the
# requests it received (tests/fake_google/discovery.py), and forgets what it found.
schema_findings() {
  local found; found=$(curl -sf -X POST "http://127.0.0.1:$1/_fake/schema/take") || { echo "# fail 1"; return 1; }
  if [ "$found" = "[]" ]; then echo "# pass 1"; else echo "$found"; echo "# fail 1"; return 1; fi
}

cmd_test() {
  ensure_build_tools
  ensure_test_tools
  ensure_discovery
  command -v curl >/dev/null || apt_install curl
  # The schedule corpus has its own layer below (it prints its figures).
  run_layer "native: cargo test" cargo test --locked -- --skip corpus_reads_as_labelled_in_three_zones
  # "Schedule a Meet": every phrase of tests/schedule/corpus.tsv read in three user zones (0 wrong;
  # the share read and refused printed), then chrono-node on the same phrases (every disagreement a
  # reviewed one).
  run_layer "schedule: the corpus, read or refuse, in three zones" \
    cargo test --locked --test schedule_corpus corpus_reads_as_labelled_in_three_zones -- --show-output
  run_layer "schedule: chrono-node on the corpus (differential)" env TZ=Europe/Berlin node --test tests/schedule/differential.test.mjs
  # The fake's discovery check itself (every kind of mistake it must catch, and MeetLink's requests
  # that it must let through).
  run_layer "fake: the discovery check" python3 -m unittest discover -s tests/fake_google
  run_layer "lint: clippy (native and wasm)" bash -c \
    'cargo clippy --quiet --locked --all-targets -- -D warnings && cargo clippy --quiet --locked --target wasm32-unknown-unknown -- -D warnings'
  # Layer 2: the shell's HTTP path (gloo-net, serde_json) in a headless Chromium service worker,
  # against the fake Google.
  local wport=7358
  start_fake $wport
  run_layer "wasm: wasm-bindgen-test in headless Chromium" env \
    CHROMEDRIVER=/usr/bin/chromedriver MEETLINK_FAKE_URL="http://127.0.0.1:$wport" \
    WASM_BINDGEN_TEST_TIMEOUT=60 CARGO_TARGET_DIR=target/wasm-test \
    cargo test --locked --target wasm32-unknown-unknown --test wasm
  run_layer "wasm: requests as Google's discovery documents describe them" schema_findings $wport
  # Layer 3: the built extension in headless Chromium, against the fake Google.
  MEETLINK_CLIENT_ID=fake-client.apps.googleusercontent.com MEETLINK_WEB_CLIENT_ID=fake-web-client.apps.googleusercontent.com \
    build target/e2e-dist "http://127.0.0.1:$FAKE_PORT"
  # And one with no OAuth client at all, for the "not configured" case.
  MEETLINK_CLIENT_ID= MEETLINK_WEB_CLIENT_ID= build target/e2e-dist-noclient "http://127.0.0.1:$FAKE_PORT"
  run_layer "e2e: Playwright + Debian Chromium" env MEETLINK_DIST="$ROOT/target/e2e-dist" MEETLINK_FAKE_PORT=$FAKE_PORT \
    MEETLINK_DIST_NOCLIENT="$ROOT/target/e2e-dist-noclient" \
    node --test --test-concurrency=1 tests/e2e/*.test.js
  # Layer 3b: the Firefox build — as shipped, through Mozilla's web-ext lint; and against the fake
  # Google (web sign-in client only: Firefox has no getAuthToken) in Debian's Firefox ESR, headless,
  # driven over WebDriver BiDi by puppeteer-core.
  BROWSER=firefox build target/firefox-dist
  MEETLINK_CLIENT_ID= MEETLINK_WEB_CLIENT_ID=fake-web-client.apps.googleusercontent.com BROWSER=firefox \
    build target/firefox-e2e-dist "http://127.0.0.1:$FAKE_PORT"
  run_layer "e2e: puppeteer-core + Debian Firefox ESR" env MEETLINK_FIREFOX_DIST="$ROOT/target/firefox-dist" \
    MEETLINK_FIREFOX_E2E_DIST="$ROOT/target/firefox-e2e-dist" MEETLINK_FAKE_PORT=$FAKE_PORT \
    node --test --test-concurrency=1 tests/e2e/firefox/
  # Layer 5: a release, as `./build.sh release` makes it but for the listing's pictures: built twice
  # from the source archive in fresh directories and compared byte for byte; the production
  # manifests, the versions, web-ext lint and the size guard (one test).
  run_layer "release: reproducible packages, production manifests" release_layer
  # Layer 4: the newcomer's demo, headless, as `./build.sh demo --headless` runs it (one test: both
  # links made and distinct, both screenshots written).
  build_demo
  rm -rf target/demo
  run_layer "demo: ./build.sh demo --headless" demo_layer
  echo
  echo "build.sh test: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# ---- demo ----------------------------------------------------------------------------------------
# The demo build: Google at the fake, only the web sign-in client (the fake's authorization page signs
# the user in: no Google account), the same compiled-in client ID as the e2e build (so the two share
# one compiled wasm).
build_demo() {
  MEETLINK_CLIENT_ID= MEETLINK_KEY= MEETLINK_WEB_CLIENT_ID=fake-web-client.apps.googleusercontent.com \
    build target/demo-dist "http://127.0.0.1:$FAKE_PORT"
}
run_demo() {
  MEETLINK_DIST="$ROOT/target/demo-dist" MEETLINK_FAKE_PORT=$FAKE_PORT node tools/demo.mjs "$@"
}
release_layer() {
  if ./build.sh release --no-listing; then echo "# pass 1"; else echo "# fail 1"; return 1; fi
}
demo_layer() {  # one test: both links made and distinct (demo.mjs checks), both screenshots written
  run_demo --headless && test -s target/demo/popup.png && test -s target/demo/page.png && echo "# pass 1"
}

# ---- release -------------------------------------------------------------------------------------
# What a release was built with, as KEY=VALUE lines build.sh reads back (release_build): the commit's
# time (zip entries are dated with it), the public OAuth client IDs and the manifest key (compiled into
# the packages), and the tools' versions (comments: they are part of the output too).
buildinfo() {
  echo "# MeetLink $(python3 tools/release.py versions), commit $(git rev-parse HEAD)"
  echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct HEAD)"
  echo "MEETLINK_CLIENT_ID=${MEETLINK_CLIENT_ID:-}"
  echo "MEETLINK_WEB_CLIENT_ID=${MEETLINK_WEB_CLIENT_ID:-}"
  echo "MEETLINK_KEY=${MEETLINK_KEY:-}"
  echo "# $(rustc -V); $(cargo -V); wasm-bindgen $WASM_BINDGEN_VERSION; binaryen $(node -p "require('./tools/node_modules/binaryen/package.json').version" 2>/dev/null); node $(node -v)"
}

# release_build OUT : the production Chrome/Edge and Firefox zips of this tree, as BUILDINFO (if here)
# says to build them.
release_build() {
  local out=${1:?release-build needs an output directory} v
  v=$(python3 tools/release.py versions)
  if [ -f BUILDINFO ]; then set -a; . ./BUILDINFO; set +a; fi
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-315532800}
  build dist
  BROWSER=firefox build dist-firefox
  mkdir -p "$out"
  python3 tools/release.py pack dist "$out/meetlink-chrome-$v.zip"
  python3 tools/release.py pack dist-firefox "$out/meetlink-firefox-$v.zip"
  python3 tools/release.py listing "$out/listing"
}

# cmd_release [--no-listing] : every artifact in target/release/ (see the help above). The test suite
# runs it without the listing (its screenshots need the e2e build and take a minute).
cmd_release() {
  local listing=1 v rel=target/release work
  [ "${1:-}" = --no-listing ] && listing=
  ensure_build_tools
  v=$(python3 tools/release.py versions)
  git diff --quiet HEAD -- 2>/dev/null || say "Note: uncommitted changes are left out: the release is built from commit $(git rev-parse --short HEAD)"
  rm -rf "$rel" && mkdir -p "$rel"
  buildinfo > "$rel/BUILDINFO"
  git archive --format=tar.gz --prefix="meetlink-$v/" --add-file="$rel/BUILDINFO" -o "$rel/meetlink-$v-source.tar.gz" HEAD
  # Built twice from the source archive alone, in two fresh directories at different depths, each
  # with its own cargo target directory: what AMO's reviewers do (BUILDING.md).
  work=$(mktemp -d /tmp/meetlink-release.XXXXXX)
  trap "rm -rf '$work'" EXIT   # expanded now: $work is local to this function
  local side
  for side in a b/at/another/depth; do
    mkdir -p "$work/$side"
    tar -xzf "$rel/meetlink-$v-source.tar.gz" -C "$work/$side"
    say "Release build in $work/$side"
    (cd "$work/$side/meetlink-$v" && ./build.sh release-build "$work/$side/out") >&2
  done
  python3 tools/release.py same "$work/a/out" "$work/b/at/another/depth/out"
  cp -R "$work"/a/out/. "$rel/"
  python3 tools/release.py check-manifest "$work/a/meetlink-$v/dist" "$work/a/meetlink-$v/dist-firefox"
  ensure_test_tools
  MEETLINK_FIREFOX_DIST="$work/a/meetlink-$v/dist-firefox" node --test tests/e2e/firefox/lint.test.js >&2 \
    || die "web-ext lint found problems in the release's Firefox package"
  if [ -n "$listing" ]; then
    MEETLINK_CLIENT_ID=fake-client.apps.googleusercontent.com MEETLINK_WEB_CLIENT_ID=fake-web-client.apps.googleusercontent.com \
      build target/e2e-dist "http://127.0.0.1:$FAKE_PORT"
    MEETLINK_DIST="$ROOT/target/e2e-dist" MEETLINK_FAKE_PORT=$FAKE_PORT node tools/listing.mjs "$rel/listing"
  fi
  python3 tools/release.py sums "$rel"
  say "Release $v in $rel/:"; (cd "$rel" && find . -type f | sort | sed 's|^\./|  |') >&2
}

# ---- main ----------------------------------------------------------------------------------------
# A build with options, in any order: --browser firefox, --google-base URL, --out DIR.
build_cmd() {
  local browser=chrome base= out=
  while [ $# -gt 0 ]; do
    case "$1" in
      --browser) [ "${2:-}" = firefox ] || die "--browser takes: firefox"; browser=firefox; shift 2 ;;
      --google-base) base=${2:-}; [ -n "$base" ] || die "--google-base needs a URL"; shift 2 ;;
      --out) out=${2:-}; [ -n "$out" ] || die "--out needs a directory"; shift 2 ;;
      *) die "unknown option '$1' (see ./build.sh --help)" ;;
    esac
  done
  if [ "$browser" = firefox ]; then
    out=${out:-dist-firefox}
    BROWSER=firefox build "$out" "$base"
    if [ -z "$base" ] && [ "$out" = dist-firefox ]; then
      command -v zip >/dev/null || apt_install zip
      rm -f meetlink-firefox.zip && (cd dist-firefox && zip -qr -X ../meetlink-firefox.zip .)
      say "Packaged meetlink-firefox.zip: install it at about:debugging (This Firefox > Load Temporary Add-on) or submit it to addons.mozilla.org"
    fi
  else
    build "${out:-$([ -n "$base" ] && echo dist-custom || echo dist)}" "$base"
  fi
}

case "${1:-}" in
  "") build dist ;;
  --google-base|--browser|--out) build_cmd "$@" ;;
  test) cmd_test ;;
  package)
    build dist
    command -v zip >/dev/null || apt_install zip
    rm -f meetlink.zip && (cd dist && zip -qr -X ../meetlink.zip . -x '.extension-id')
    say "Packaged meetlink.zip ($(wc -c < meetlink.zip) bytes)" ;;
  bench)
    ensure_build_tools; ensure_test_tools
    MEETLINK_CLIENT_ID=fake-client.apps.googleusercontent.com MEETLINK_WEB_CLIENT_ID=fake-web-client.apps.googleusercontent.com \
      build target/e2e-dist "http://127.0.0.1:$FAKE_PORT"
    # The seed script's own libraries, in a virtualenv of the benchmark's own.
    if [ ! -x target/bench-venv/bin/python ]; then
      say "Installing the seed's libraries (google-api-python-client, google-auth) into target/bench-venv"
      python3 -m venv target/bench-venv
      target/bench-venv/bin/pip install -q 'google-api-python-client>=2,<3' 'google-auth>=2,<3'
    fi
    SEED_PYTHON="$ROOT/target/bench-venv/bin/python" MEETLINK_DIST="$ROOT/target/e2e-dist" MEETLINK_FAKE_PORT=$FAKE_PORT \
      node tests/bench/latency.mjs
    # What each dependency costs in the production wasm (twiggy, a cargo tool, installed once).
    build dist
    command -v twiggy >/dev/null || cargo install --locked --quiet twiggy
    echo; python3 tests/bench/size.py target/wasm32-unknown-unknown/release/meetlink.wasm target/pkg/meetlink_bg.wasm ;;
  release) shift; cmd_release "$@" ;;
  release-build) shift; release_build "$@" ;;
  fake) exec python3 tests/fake_google/server.py --port "${2:-$FAKE_PORT}" ;;
  demo)
    shift
    for a in "$@"; do [ "$a" = --headless ] || die "demo takes: --headless"; done
    ensure_build_tools; ensure_test_tools
    build_demo
    run_demo "$@" ;;
  -h|--help|help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" ;;
  *) die "unknown command '$1' (see ./build.sh --help)" ;;
esac
