#!/usr/bin/env bash
# Vendor the pinned front-end assets into src/baiqianwan/web/static/vendor/.
#
# The platform must run on intranets without internet access, so every CSS/JS
# file (and every font or source map those files reference) is committed to the
# repository. Versions are pinned in package.json / package-lock.json; this
# script only copies files out of node_modules, so re-running it with the same
# lockfile produces byte-identical output.
#
# Usage:  npm run vendor      (or)      bash scripts/vendor_assets.sh
#
# Network access to an npm registry is needed only when node_modules/ is missing
# or does not match package-lock.json (the script then runs `npm ci`).
#
# Owned output (deleted and recreated on every run):
#   vendor/tabler/ vendor/tabler-icons/ vendor/htmx/ vendor/alpine/
#   vendor/echarts/ vendor/VERSIONS.md
# Anything else under vendor/ (e.g. vendor/maps/) is left untouched.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NM="$ROOT/node_modules"
VENDOR="$ROOT/src/baiqianwan/web/static/vendor"
OWNED_DIRS=(tabler tabler-icons htmx alpine echarts)

log() { printf '[vendor] %s\n' "$*" >&2; }
die() { printf '[vendor] ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"
[[ -f package.json && -f package-lock.json ]] || die "package.json / package-lock.json missing in $ROOT"

# --- 1. make sure node_modules matches package-lock.json ----------------------
# Every package recorded in the lockfile must be installed at exactly the locked
# version, and the lockfile must agree with package.json; otherwise run npm ci
# (which itself refuses to proceed if package.json and the lockfile disagree).
node_modules_up_to_date() {
    node - <<'JS'
const fs = require("fs");
const path = require("path");
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const root = (lock.packages || {})[""] || {};
const want = JSON.stringify(pkg.dependencies || {});
const have = JSON.stringify(root.dependencies || {});
if (want !== have) process.exit(1);
for (const [p, meta] of Object.entries(lock.packages || {})) {
  if (p === "" || meta.link) continue;
  let installed;
  try {
    installed = JSON.parse(fs.readFileSync(path.join(p, "package.json"), "utf8"));
  } catch (e) {
    process.exit(1);
  }
  if (installed.version !== meta.version) process.exit(1);
}
JS
}

if [[ -d "$NM" ]] && node_modules_up_to_date; then
    log "node_modules/ matches package-lock.json"
else
    log "node_modules/ missing or out of date: running npm ci"
    npm ci --ignore-scripts --no-audit --no-fund
    node_modules_up_to_date || die "node_modules/ still does not match package-lock.json after npm ci"
fi

# --- 2. helpers -----------------------------------------------------------------
pkg_field() { # pkg_field <package> <field>
    node -e 'const p=require(process.argv[1]); const v=p[process.argv[2]]; process.stdout.write(v==null?"":String(v))' \
        "$NM/$1/package.json" "$2"
}

# Print the local files a CSS/JS file references (url(...) targets, @import
# targets and sourceMappingURL), one per line, relative to the file's directory,
# with any ?query / #fragment removed. data: URIs are skipped. Any reference to
# a remote (scheme-qualified or protocol-relative) or absolute URL is an error:
# the intranet deployment must not load anything from outside.
local_refs() {
    node - "$1" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const text = fs.readFileSync(file, "utf8");
const refs = [];
if (file.endsWith(".css")) {
  for (const m of text.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)) refs.push(m[1] ?? m[2] ?? m[3]);
  for (const m of text.matchAll(/@import\s+(?:url\(\s*)?["']?([^"')\s;]+)/g)) refs.push(m[1]);
  for (const m of text.matchAll(/\/\*[#@]\s*sourceMappingURL=([^\s*]+)\s*\*\//g)) refs.push(m[1]);
} else {
  for (const m of text.matchAll(/^\/\/[#@]\s*sourceMappingURL=(\S+)\s*$/gm)) refs.push(m[1]);
}
const out = new Set();
for (const ref of refs) {
  if (/^data:/i.test(ref)) continue;
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//") || ref.startsWith("/")) {
    console.error(`${file}: non-local reference ${ref}`);
    process.exit(1);
  }
  const clean = ref.split(/[?#]/)[0].replace(/^\.\//, "");
  if (!clean || clean.split("/").includes("..")) {
    console.error(`${file}: unsupported reference ${ref}`);
    process.exit(1);
  }
  out.add(clean);
}
for (const r of [...out].sort()) console.log(r);
JS
}

# copy_asset <src file> <dest file>: copy a file plus every local file it
# references (fonts, source maps), keeping the relative layout so that all
# references stay valid. Nothing is edited.
copy_asset() {
    local src="$1" dest="$2" ref refs
    [[ -f "$src" ]] || die "missing upstream file: $src"
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest"
    case "$src" in
        *.css | *.js)
            refs="$(local_refs "$src")" || die "reference check failed for $src"
            while IFS= read -r ref; do
                [[ -n "$ref" ]] || continue
                [[ -f "$(dirname "$src")/$ref" ]] || die "$src references $ref, which is not in the package"
                mkdir -p "$(dirname "$(dirname "$dest")/$ref")"
                cp "$(dirname "$src")/$ref" "$(dirname "$dest")/$ref"
            done <<<"$refs"
            ;;
    esac
}

# --- 3. recreate the owned output -----------------------------------------------
mkdir -p "$VENDOR"
for d in "${OWNED_DIRS[@]}"; do
    rm -rf "${VENDOR:?}/$d"
done
rm -f "$VENDOR/VERSIONS.md"

TABLER="$NM/@tabler/core"
ICONS="$NM/@tabler/icons-webfont"

copy_asset "$TABLER/dist/css/tabler.min.css" "$VENDOR/tabler/css/tabler.min.css"
copy_asset "$TABLER/dist/js/tabler.min.js" "$VENDOR/tabler/js/tabler.min.js"

copy_asset "$ICONS/dist/tabler-icons.min.css" "$VENDOR/tabler-icons/tabler-icons.min.css"
copy_asset "$ICONS/LICENSE" "$VENDOR/tabler-icons/LICENSE"

copy_asset "$NM/htmx.org/dist/htmx.min.js" "$VENDOR/htmx/htmx.min.js"
copy_asset "$NM/htmx.org/LICENSE" "$VENDOR/htmx/LICENSE"

copy_asset "$NM/alpinejs/dist/cdn.min.js" "$VENDOR/alpine/alpine.min.js"

# echarts.min.js bundles zrender (BSD-3-Clause) and tslib (0BSD); Apache-2.0
# requires the LICENSE and NOTICE to travel with the redistributed file.
copy_asset "$NM/echarts/dist/echarts.min.js" "$VENDOR/echarts/echarts.min.js"
copy_asset "$NM/echarts/LICENSE" "$VENDOR/echarts/LICENSE"
copy_asset "$NM/echarts/NOTICE" "$VENDOR/echarts/NOTICE"
copy_asset "$NM/echarts/licenses/LICENSE-d3" "$VENDOR/echarts/LICENSE-d3"
copy_asset "$NM/zrender/LICENSE" "$VENDOR/echarts/LICENSE-zrender"
copy_asset "$NM/tslib/LICENSE.txt" "$VENDOR/echarts/LICENSE-tslib"

# --- 4. verify: every reference in the copied CSS/JS resolves locally -------------
while IFS= read -r -d '' f; do
    refs="$(local_refs "$f")" || die "reference check failed for $f"
    while IFS= read -r ref; do
        [[ -n "$ref" ]] || continue
        [[ -f "$(dirname "$f")/$ref" ]] || die "${f#"$ROOT"/} references $ref, which was not copied"
    done <<<"$refs"
done < <(find "${OWNED_DIRS[@]/#/$VENDOR/}" -type f \( -name '*.css' -o -name '*.js' \) -print0)

# --- 5. VERSIONS.md -----------------------------------------------------------------
licence_of() { # package.json "license", else the first line of the LICENSE file
    local lic
    lic="$(pkg_field "$1" license)"
    if [[ -z "$lic" && -f "$NM/$1/LICENSE" ]]; then
        lic="$(grep -m1 -v '^[[:space:]]*$' "$NM/$1/LICENSE" | sed 's/[[:space:]]*$//') (from LICENSE file)"
    fi
    printf '%s' "${lic:-UNKNOWN}"
}

{
    echo "# Vendored front-end assets"
    echo
    echo "Generated by \`scripts/vendor_assets.sh\` from the versions pinned in"
    echo "\`package.json\` / \`package-lock.json\`. Do not edit files in the folders"
    echo "listed here by hand; change the pins and rebuild instead:"
    echo
    echo '```sh'
    echo "npm run vendor        # or: bash scripts/vendor_assets.sh"
    echo '```'
    echo
    echo "The rebuild deletes and recreates \`${OWNED_DIRS[*]/%//}\` and this file;"
    echo "other folders here (e.g. \`maps/\`) are not touched."
    echo
    echo "| Folder | npm package | Version | Licence |"
    echo "| --- | --- | --- | --- |"
    echo "| \`tabler/\` | @tabler/core | $(pkg_field @tabler/core version) | $(licence_of @tabler/core) |"
    echo "| \`tabler-icons/\` | @tabler/icons-webfont | $(pkg_field @tabler/icons-webfont version) | $(licence_of @tabler/icons-webfont) |"
    echo "| \`htmx/\` | htmx.org | $(pkg_field htmx.org version) | $(licence_of htmx.org) |"
    echo "| \`alpine/\` | alpinejs | $(pkg_field alpinejs version) | $(licence_of alpinejs) |"
    echo "| \`echarts/\` | echarts | $(pkg_field echarts version) | $(licence_of echarts) |"
    echo "| \`echarts/\` (bundled) | zrender | $(pkg_field zrender version) | $(licence_of zrender) |"
    echo "| \`echarts/\` (bundled) | tslib | $(pkg_field tslib version) | $(licence_of tslib) |"
    echo
    echo "Notes:"
    echo
    echo "- \`alpine/alpine.min.js\` is \`alpinejs/dist/cdn.min.js\` renamed; it bundles"
    echo "  @vue/reactivity $(pkg_field @vue/reactivity version) ($(licence_of @vue/reactivity))."
    echo "- \`tabler/\` carries its MIT notice in the header of the CSS/JS files; the"
    echo "  @tabler/core and alpinejs packages ship no separate LICENSE file."
    echo "- Source maps and font files are copied only because the CSS/JS files"
    echo "  reference them (all references must resolve, e.g. for"
    echo "  \`collectstatic\` with a manifest storage). No file loads anything from"
    echo "  the internet."
    echo
    echo "## Files (SHA-256)"
    echo
    echo '```'
    (cd "$VENDOR" && find "${OWNED_DIRS[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    echo '```'
} >"$VENDOR/VERSIONS.md"

log "vendored into ${VENDOR#"$ROOT"/}:"
(cd "$VENDOR" && du -sh "${OWNED_DIRS[@]}" >&2 && du -ch "${OWNED_DIRS[@]}" | tail -n1 >&2)
