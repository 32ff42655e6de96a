#!/usr/bin/env bash
# Installs the test environment: Debian's PostgreSQL and Redis (the scale-out tests start their
# own, on unix sockets in temporary folders), and for test/harness and `npm run test:vscode` the
# "real VS Code": Debian's chromium, and code-server (VS Code 1.100.3 served to a browser) pinned by
# scripts/vscode-test-env/package-lock.json. Safe to re-run: it skips whatever is already in place.
# `npm test` runs it first (root, or sudo, installs the Debian packages). Background: /work/shared/notes/real-vscode-on-these-machines.md
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/vscode-test-env"
LOG="$ENV_DIR/install.log"
# Written last, so an interrupted install is redone on the next run.
STAMP="$ENV_DIR/node_modules/.installed-from-lock"

say() { echo "[test-env] $*"; }
fail() { echo "[test-env] error: $*" >&2; exit 1; }

install_debian_packages() {
  local missing=() pkg tool
  # Libraries and programs checked through dpkg: the chromium the tests drive, Kerberos headers for
  # the `kerberos` module built from source, the `rg` that stands in for ripgrep's download, the
  # openssl that makes the TLS tests' certificates, and the PostgreSQL and Redis that the scale-out
  # tests start privately (installing them starts no service; test/support/postgres.ts runs its own).
  for pkg in chromium libkrb5-dev ripgrep openssl postgresql redis-server; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  # node-gyp's tools are checked as commands, since they may come from outside Debian (pyenv, ...).
  for tool in python3 make g++; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]} == 0)); then
    say "Debian packages already installed"
    return
  fi
  local as_root=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || fail "run as root (or install sudo) to install the Debian packages: ${missing[*]}"
    as_root=(sudo)
  fi
  say "apt-get install ${missing[*]}${as_root:+ (through sudo)}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$LOG" 2>&1 \
    || { tail -20 "$LOG" >&2; fail "apt-get update failed (log: $LOG)"; }
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1 \
    || { tail -20 "$LOG" >&2; fail "apt-get install failed (log: $LOG)"; }
}

lock_hash() { sha256sum "$ENV_DIR/package-lock.json" | cut -d' ' -f1; }

# @vscode/ripgrep's postinstall downloads ripgrep from GitHub, which these machines cannot reach,
# unless it finds $TMPDIR/vscode-ripgrep-cache-<package version>/ripgrep-<tag>-<target>.tar.gz.
# This fills that cache with Debian's rg, reading the version and tag from the very packages
# npm will install (code-server's shrinkwraps and ripgrep's lib/postinstall.js), not from guesses.
seed_ripgrep_cache() {
  local work="$1" tmp="$2" code_server_version ripgrep_versions version tag target
  code_server_version=$(node -p "require('$ENV_DIR/package-lock.json').packages['node_modules/code-server'].version")
  # npm pack also puts the tarball into npm's cache, so `npm ci` below does not download it again.
  (cd "$work" && npm pack --silent "code-server@$code_server_version" >/dev/null 2>>"$LOG")
  tar -xzf "$work/code-server-$code_server_version.tgz" -C "$work" --wildcards 'package/*npm-shrinkwrap.json'
  ripgrep_versions=$(node -e '
    const versions = new Set();
    for (const file of process.argv.slice(1)) {
      for (const [where, pkg] of Object.entries(require(file).packages ?? {})) {
        if (where.endsWith("node_modules/@vscode/ripgrep")) versions.add(pkg.version);
      }
    }
    console.log([...versions].join(" "));
  ' $(find "$work/package" -name npm-shrinkwrap.json))
  [[ -n "$ripgrep_versions" ]] || fail "no @vscode/ripgrep in code-server $code_server_version's shrinkwraps"
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) fail "no ripgrep target known for $(uname -m)" ;;
  esac
  for version in $ripgrep_versions; do
    mkdir -p "$work/ripgrep-$version"
    (cd "$work/ripgrep-$version" && npm pack --silent "@vscode/ripgrep@$version" >/dev/null 2>>"$LOG")
    tar -xzf "$work/ripgrep-$version/vscode-ripgrep-$version.tgz" -C "$work/ripgrep-$version" package/lib/postinstall.js
    tag=$(sed -n "s/^const VERSION = '\([^']*\)';.*/\1/p" "$work/ripgrep-$version/package/lib/postinstall.js")
    [[ -n "$tag" ]] || fail "no VERSION constant in @vscode/ripgrep@$version's lib/postinstall.js"
    mkdir -p "$tmp/vscode-ripgrep-cache-$version"
    tar -czf "$tmp/vscode-ripgrep-cache-$version/ripgrep-$tag-$target.tar.gz" -C "$(dirname "$(command -v rg)")" rg
    say "ripgrep cache: @vscode/ripgrep $version, $tag, Debian's rg"
  done
}

install_code_server() {
  if [[ -x "$ENV_DIR/node_modules/.bin/code-server" && -f "$STAMP" && "$(cat "$STAMP")" == "$(lock_hash)" ]]; then
    say "code-server already installed"
    return
  fi
  [[ "$(node -p 'process.versions.node.split(".")[0]')" == 20 ]] \
    || fail "code-server 4.100.3 needs Node 20, this is $(node --version)"
  local work
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  mkdir "$work/tmp"
  seed_ripgrep_cache "$work" "$work/tmp"
  say "npm ci code-server (builds native modules; log: $LOG)"
  # TMPDIR: where ripgrep's postinstall looks for its cache.
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, and the machine's npm config says yes=false.
  # npm_config_unsafe_perm: code-server's postinstall refuses to run as root without it.
  # --foreground-scripts: the postinstall scripts' own output goes into the log too.
  if ! (cd "$ENV_DIR" && TMPDIR="$work/tmp" npm_config_yes=true npm_config_unsafe_perm=true \
    npm ci --no-audit --no-fund --foreground-scripts >>"$LOG" 2>&1); then
    tail -40 "$LOG" >&2
    fail "npm ci failed (full log: $LOG)"
  fi
  lock_hash >"$STAMP"
}

started=$SECONDS
mkdir -p "$ENV_DIR"
: >"$LOG"
install_debian_packages
install_code_server
# The version comes from package.json: running code-server, even with --version, writes into $HOME.
say "code-server $(node -p "require('$ENV_DIR/node_modules/code-server/package.json').version") ready in $((SECONDS - started)) s"
