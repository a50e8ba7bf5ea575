#!/usr/bin/env bash
# build.sh [--node] - provide kube-apiserver, kube-controller-manager and etcd
# binaries for the local control plane (see README.md in this folder); with
# --node also kubelet, kube-proxy, kube-scheduler and a static pause binary for
# the one-node cluster of hack/node.
#
# Prints the folder holding the binaries as the LAST line of stdout; all
# progress goes to stderr. Usage:  bin_dir="$(hack/controlplane/build.sh)"
#
# Environment:
#   KUBEBUILDER_ASSETS  use the binaries in that folder; build nothing
#   MAILSUB_CACHE       cache root (default: $HOME/.cache/mailsub)
#   MAILSUB_KEEP_BUILD  1 = keep the extracted source tree after a build
set -euo pipefail

readonly K8S_VERSION=1.20.2
readonly SRC_PKG=kubernetes
readonly ORIG_TARBALL=kubernetes_1.20.5+really1.20.2.orig.tar.gz
readonly GO_BIN=/usr/lib/go-1.19/bin
readonly REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
readonly APT_PACKAGES=(golang-1.19-go rsync jq etcd-server golang-github-modern-go-reflect2-dev gcc libc6-dev)

CACHE_ROOT="${MAILSUB_CACHE:-${HOME:?HOME is not set}/.cache/mailsub}"
VERSION_DIR="${CACHE_ROOT}/kubernetes-${K8S_VERSION}"
BIN_DIR="${VERSION_DIR}/bin"
START_TS=$(date +%s)
WANT=(kube-apiserver kube-controller-manager etcd)
case "${1:-}" in
  "") ;;
  --node) WANT+=(kubelet kube-proxy kube-scheduler pause) ;;
  *) printf 'usage: %s [--node]\n' "$0" >&2; exit 2 ;;
esac

# shellcheck source=hack/controlplane/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

have_all_binaries() {
  local d="$1" b
  for b in "${WANT[@]}"; do
    [[ -x "${d}/${b}" ]] || return 1
  done
}

# --- 1. KUBEBUILDER_ASSETS: use prebuilt binaries, build nothing -------------
if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  [[ -d "${KUBEBUILDER_ASSETS}" ]] ||
    die "KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS} is not a folder." \
      "Point it at a folder holding kube-apiserver and etcd, or unset it to build from source."
  for b in kube-apiserver etcd; do
    [[ -x "${KUBEBUILDER_ASSETS}/${b}" ]] ||
      die "KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS} has no executable '${b}'." \
        "Put ${b} there (chmod +x), or unset KUBEBUILDER_ASSETS to build from source."
  done
  [[ -x "${KUBEBUILDER_ASSETS}/kube-controller-manager" ]] ||
    log "note: no kube-controller-manager in KUBEBUILDER_ASSETS; start.sh will run without it (no GC, no Deployment->ReplicaSet)"
  for b in "${WANT[@]:3}"; do
    [[ -x "${KUBEBUILDER_ASSETS}/${b}" ]] ||
      die "KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS} has no executable '${b}', which the node needs (--node)." \
        "Put ${b} there, or unset KUBEBUILDER_ASSETS to build from source."
  done
  log "using KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS} (nothing built)"
  printf '%s\n' "${KUBEBUILDER_ASSETS}"
  exit 0
fi

# --- 2. Fast path: cache already complete -----------------------------------
if have_all_binaries "${BIN_DIR}"; then
  log "cached: ${BIN_DIR}"
  printf '%s\n' "${BIN_DIR}"
  exit 0
fi

# --- 3. Slow path: fetch, patch and build ------------------------------------
mkdir -p "${VERSION_DIR}" ||
  die "cannot create cache folder ${VERSION_DIR}." "Set MAILSUB_CACHE to a writable folder."

# One build at a time per cache; a second caller waits, then takes the cache.
exec 9>"${VERSION_DIR}/.lock"
if ! flock -n 9; then
  log "another build.sh holds ${VERSION_DIR}/.lock; waiting for it to finish"
  flock 9
fi
if have_all_binaries "${BIN_DIR}"; then
  log "cached (built by a concurrent run): ${BIN_DIR}"
  printf '%s\n' "${BIN_DIR}"
  exit 0
fi

MISSING=()
for b in "${WANT[@]}"; do [[ -x "${BIN_DIR}/${b}" ]] || MISSING+=("${b}"); done
log "building ${MISSING[*]} (Kubernetes ${K8S_VERSION}) into ${BIN_DIR} (cold build: several minutes each)"

# 3a. apt packages (skip the ones already installed)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("${p}")
  fi
done
if ((${#missing[@]} > 0)); then
  log "step 1/6: installing apt packages: ${missing[*]}"
  if [[ ${EUID} -ne 0 ]]; then
    die "packages missing: ${missing[*]}, and this is not root." \
      "Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${missing[@]}" >"${VERSION_DIR}/apt-install.log" 2>&1; then
    log "apt-get install failed; running apt-get update once and retrying"
    apt-get update -q >>"${VERSION_DIR}/apt-install.log" 2>&1 ||
      die "apt-get update failed (log: ${VERSION_DIR}/apt-install.log)." "Check the Debian mirror is reachable."
    apt-get install -y -q "${missing[@]}" >>"${VERSION_DIR}/apt-install.log" 2>&1 ||
      die "apt-get install ${missing[*]} failed (log: ${VERSION_DIR}/apt-install.log)." \
        "Read the log; check disk space and the Debian mirror."
  fi
else
  log "step 1/6: apt packages present (${APT_PACKAGES[*]})"
fi
[[ -x "${GO_BIN}/go" ]] || die "${GO_BIN}/go not found after installing golang-1.19-go." "Check: dpkg -L golang-1.19-go"
[[ -d "${REFLECT2_SRC}" ]] || die "${REFLECT2_SRC} not found." "Reinstall golang-github-modern-go-reflect2-dev."
ETCD_PATH="$(command -v etcd || true)"
[[ -n "${ETCD_PATH}" ]] || die "etcd not on PATH after installing etcd-server." "Check: dpkg -L etcd-server"

# 3b. Source package, fetched with a private apt configuration (deb-src only);
#     the system's apt configuration and lists are not touched.
SRC_DIR="${VERSION_DIR}/src"
if [[ -s "${SRC_DIR}/${ORIG_TARBALL}" ]]; then
  log "step 2/6: source tarball cached: ${SRC_DIR}/${ORIG_TARBALL}"
else
  log "step 2/6: downloading Debian source package '${SRC_PKG}' (about 34 MB)"
  APT_PRIV="${VERSION_DIR}/apt"
  rm -rf "${APT_PRIV}"
  mkdir -p "${APT_PRIV}/sources.list.d" "${APT_PRIV}/lists/partial" "${SRC_DIR}"
  : >"${APT_PRIV}/empty.list"
  n=0
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "${f}" ]] || continue
    grep -qiE '^URIs:.*debian' "${f}" || continue
    sed -E 's/^Types:.*$/Types: deb-src/' "${f}" >"${APT_PRIV}/sources.list.d/$(basename "${f}")"
    n=$((n + 1))
  done
  if [[ -f /etc/apt/sources.list ]] && grep -qE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >"${APT_PRIV}/sources.list.d/system.list"
    n=$((n + 1))
  fi
  ((n > 0)) || die "found no Debian apt source in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list." \
    "Add a Debian source (Types: deb, URIs: a Debian mirror) to the system and retry."
  apt_opts=(-o "Dir::Etc::SourceParts=${APT_PRIV}/sources.list.d"
    -o "Dir::Etc::SourceList=${APT_PRIV}/empty.list"
    -o "Dir::State::Lists=${APT_PRIV}/lists"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root")
  apt-get "${apt_opts[@]}" update >"${APT_PRIV}/update.log" 2>&1 ||
    die "apt-get update (deb-src, private lists) failed; log: ${APT_PRIV}/update.log" \
      "Check the Debian mirror is reachable, then rerun build.sh."
  (cd "${SRC_DIR}" && apt-get "${apt_opts[@]}" source --download-only "${SRC_PKG}") >"${APT_PRIV}/source.log" 2>&1 ||
    die "apt-get source --download-only ${SRC_PKG} failed; log: ${APT_PRIV}/source.log" \
      "Check the log; the Debian suite in /etc/apt/sources.list.d must carry the kubernetes source package."
  [[ -s "${SRC_DIR}/${ORIG_TARBALL}" ]] ||
    die "download finished but ${SRC_DIR}/${ORIG_TARBALL} is missing (got: $(cd "${SRC_DIR}" && echo ./*))." \
      "Debian's kubernetes source version changed; update ORIG_TARBALL/K8S_VERSION in $0."
fi

# 3c. Extract a fresh tree (a failed build leaves bad files in _output).
WORK="${VERSION_DIR}/work"
TREE="${WORK}/kubernetes"
log "step 3/6: extracting source into ${TREE}"
rm -rf "${TREE}"
mkdir -p "${TREE}"
tar -xzf "${SRC_DIR}/${ORIG_TARBALL}" -C "${TREE}" --strip-components=1 ||
  die "cannot extract ${SRC_DIR}/${ORIG_TARBALL}." "Delete it (rm ${SRC_DIR}/${ORIG_TARBALL}) and rerun to download again."
[[ -f "${TREE}/Makefile" && -d "${TREE}/vendor" ]] ||
  die "extracted tree ${TREE} has no Makefile or vendor/." "Delete ${SRC_DIR} and rerun."

# 3d. Patch: vendored reflect2 1.0.1 crashes at run time under Go >= 1.18.
log "step 4/6: replacing vendor/github.com/modern-go/reflect2 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev)"
rm -rf "${TREE}/vendor/github.com/modern-go/reflect2"
rsync -a --exclude='*_test.go' --exclude='.git*' "${REFLECT2_SRC}/" "${TREE}/vendor/github.com/modern-go/reflect2/"

# 3e. Build with make, with a heartbeat every 15 s.
mkdir -p "${TREE}/.go/src/k8s.io"
ln -sfn ../../.. "${TREE}/.go/src/k8s.io/kubernetes"
export GOPATH="${TREE}/.go"
export GOCACHE="${WORK}/gocache"
export PATH="${GO_BIN}:${PATH}"
export CGO_ENABLED=0 GOFLAGS='' GOPROXY=off
# Version stamp (the tarball has no git data): /version reports v1.20.2.
export KUBE_GIT_VERSION="v${K8S_VERSION}" KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 KUBE_GIT_TREE_STATE=clean
unset GOROOT GOBIN
log "using $(go version)"

run_make() {
  local what="$1" logf="${WORK}/make-${1##*/}.log" start pid rc=0 now last
  start=$(date +%s)
  log "step 5/6: make WHAT=${what} (log: ${logf})"
  (cd "${TREE}" && exec make WHAT="${what}") >"${logf}" 2>&1 &
  pid=$!
  last=${start}
  while kill -0 "${pid}" 2>/dev/null; do
    sleep 1
    now=$(date +%s)
    if ((now - last >= 15)); then
      last=${now}
      log "  ... make WHAT=${what} running, $((now - start)) s elapsed; last output: $(tail -n 1 "${logf}" 2>/dev/null | cut -c1-100)"
    fi
  done
  wait "${pid}" || rc=$?
  if ((rc != 0)); then
    tail -n 30 "${logf}" >&2 || true
    die "make WHAT=${what} failed (exit ${rc}); full log: ${logf}" \
      "Read the log above. Rerunning build.sh starts from a fresh tree (the source download is kept)." \
      "Out of memory or disk? The build needs ~2 GB free disk (df -h ${VERSION_DIR})."
  fi
  log "  make WHAT=${what} done in $(($(date +%s) - start)) s"
}
for b in "${MISSING[@]}"; do
  case "${b}" in
    etcd) ;;
    pause)
      # The sandbox image's only file; static, since that image holds nothing else.
      gcc -Os -static -DVERSION="v${K8S_VERSION}-mailsub" -o "${TREE}/_output/bin/pause" "${TREE}/build/pause/linux/pause.c" ||
        die "cannot compile build/pause/linux/pause.c." "Install gcc and libc6-dev (apt-get install -y gcc libc6-dev)."
      ;;
    *) run_make "cmd/${b}" ;;
  esac
done

# 3f. Install into the cache atomically.
log "step 6/6: installing binaries into ${BIN_DIR}"
OUT="${TREE}/_output/bin"
TMP_BIN="${VERSION_DIR}/bin.tmp.$$"
rm -rf "${TMP_BIN}"
mkdir -p "${TMP_BIN}"
[[ -d "${BIN_DIR}" ]] && cp -p "${BIN_DIR}"/* "${TMP_BIN}/" 2>/dev/null
for b in "${MISSING[@]}"; do
  if [[ "${b}" == etcd ]]; then
    cp "${ETCD_PATH}" "${TMP_BIN}/etcd" # a copy, so the cache survives package removal
    continue
  fi
  [[ -s "${OUT}/${b}" ]] || die "make succeeded but ${OUT}/${b} is missing or empty." "Read ${WORK}/make-*.log."
  cp "${OUT}/${b}" "${TMP_BIN}/"
done
"${TMP_BIN}/kube-apiserver" --version >&2 ||
  die "the built kube-apiserver does not run." "Read ${WORK}/make-kube-apiserver.log."
rm -rf "${BIN_DIR}"
mv "${TMP_BIN}" "${BIN_DIR}"
if [[ "${MAILSUB_KEEP_BUILD:-0}" != 1 ]]; then
  rm -rf "${TREE}" "${GOCACHE}"
fi
log "built in $(($(date +%s) - START_TS)) s: ${BIN_DIR}"
printf '%s\n' "${BIN_DIR}"
