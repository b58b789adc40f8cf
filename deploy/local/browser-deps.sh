#!/usr/bin/env bash
# Makes sure the browser tests have what they run: Debian's Chromium and
# ChromeDriver, Node.js with npm, and the packages of tests/web-tools (the
# OpenID provider staff sign in with, axe-core) as its lockfile pins them.
# Installs with apt-get only what is missing and runs `npm ci` only when
# node_modules is missing or was installed from another lockfile, so it is
# quick when everything is there. Safe to run again and again.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/tests/web-tools"

say() { printf '[browser-deps] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v node >/dev/null || missing+=(nodejs)
# A Node.js from elsewhere (NodeSource) brings its own npm; Debian's npm
# package would ask for Debian's nodejs, so it is asked for only without one.
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Chromium, ChromeDriver, Node.js and npm already installed"
fi

# oidc-provider 9 is tested on Node.js 20.19 and later; an older one (say
# Debian 12's 18) is said plainly rather than found out from a failing test.
node_version="$(node --version | sed 's/^v//')"
if [ "$(printf '%s\n' 20.19.0 "$node_version" | sort -V | head -n 1)" != 20.19.0 ]; then
  say "Node.js $node_version is older than 20.19, which the OpenID provider (oidc-provider 9) needs"
  exit 1
fi

# node_modules is current when it was installed from this very lockfile.
stamp="$tools/node_modules/.installed-from-lock"
wanted="$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  say "tests/web-tools/node_modules matches package-lock.json"
else
  say "npm ci in tests/web-tools"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$wanted" > "$stamp"
fi
