#!/usr/bin/env bash
# images.sh OUT_DIR - build the Postfix and operator images without a container engine, from the
# final stage of images/{postfix,operator}/Dockerfile, and the pause image from the Kubernetes
# source; write them as docker-archive tarballs into OUT_DIR and print one line per image:
#   NAME REF TARBALL
#
# The Dockerfiles are the one definition (see README.md in this folder): each instruction of their
# final stage is carried out here as Docker would: FROM debian:bookworm-slim is a debootstrap
# minbase rootfs, RUN runs in a chroot of it, COPY of a repository file copies it, COPY
# --from=build /out/F copies the NativeAOT binary bin/F built by `make build`, ENV, EXPOSE, USER,
# WORKDIR, ENTRYPOINT and CMD go into the image config. Any other instruction stops the build, so
# a Dockerfile cannot gain a step this script silently skips.
#
# The rootfs up to the last RUN is cached (MAILSUB_CACHE/images, keyed by those instructions and
# the files they copy); the binaries are a second layer, so a code change rebuilds in seconds.
#
# Environment: MAILSUB_CACHE (default ~/.cache/mailsub), MAILSUB_BIN (default REPO/bin),
#   MAILSUB_NODE_BIN (folder holding the statically linked `pause`, from controlplane/build.sh --node).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=hack/controlplane/log.sh
. "${ROOT}/hack/controlplane/log.sh"

[[ $# -eq 1 ]] || die "usage: $0 OUT_DIR" "OUT_DIR receives the image tarballs."
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
CACHE="${MAILSUB_CACHE:-${HOME:?}/.cache/mailsub}/images"
BIN="${MAILSUB_BIN:-${ROOT}/bin}"
SUITE=bookworm
# Part of the rootfs cache key: bump it when base_rootfs changes what it leaves in the tree.
ROOTFS_RECIPE=2
mkdir -p "${CACHE}"
((EUID == 0)) || die "images.sh must run as root (debootstrap, chroot, file ownership)." "Run it with sudo, or as root."
for tool in debootstrap jq sha256sum tar chroot mount; do
  command -v "${tool}" >/dev/null || die "'${tool}' not found." "Run hack/node/deps.sh (installs the node's Debian packages)."
done

mirror() {
  local uri
  uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  [[ -n "${uri}" ]] || uri="$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  [[ -n "${uri}" ]] || die "no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list." "Configure apt first."
  printf '%s\n' "${uri}"
}

# final_stage DOCKERFILE: the instructions after the last FROM (with it), one per line,
# continuation lines joined, comments and blank lines dropped.
final_stage() {
  sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$1" |
    awk '{ if (sub(/\\$/, "")) { buf = buf $0 } else { print buf $0; buf = "" } }' |
    awk '/^FROM / { n = NR } { line[NR] = $0 } END { for (i = n; i <= NR; i++) print line[i] }'
}

# in_chroot ROOTFS COMMAND: run a Dockerfile RUN line as /bin/sh -c does, inside ROOTFS, with
# /proc mounted, the host's resolv.conf (apt needs the mirror) and services kept from starting.
in_chroot() {
  local rootfs="$1" cmd="$2" rc=0
  mount -t proc proc "${rootfs}/proc"
  cp /etc/resolv.conf "${rootfs}/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"${rootfs}/usr/sbin/policy-rc.d"
  chmod 755 "${rootfs}/usr/sbin/policy-rc.d"
  chroot "${rootfs}" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    /bin/sh -c "${cmd}" >>"${LOGF}" 2>&1 || rc=$?
  rm -f "${rootfs}/usr/sbin/policy-rc.d" "${rootfs}/etc/resolv.conf"
  umount "${rootfs}/proc"
  ((rc == 0)) || die "RUN failed in the ${NAME} rootfs (exit ${rc}): ${cmd:0:120}" "Log: ${LOGF}"
}

# base_rootfs KEY SETUP_LINES: the cached tarball of the rootfs the instructions up to the last RUN
# produce; built on a miss (debootstrap, then each COPY/RUN in order).
base_rootfs() {
  local key="$1" tarball="${CACHE}/rootfs-$1.tar" work line src dest t0
  if [[ -s "${tarball}" ]]; then
    log "${NAME}: rootfs cached (${tarball})"
    printf '%s\n' "${tarball}"
    return
  fi
  work="$(mktemp -d "${CACHE}/.rootfs.XXXXXX")"
  trap 'mountpoint -q "'"${work}"'/proc" && umount "'"${work}"'/proc"; rm -rf "'"${work}"'"' EXIT
  t0=$(date +%s)
  log "${NAME}: debootstrap --variant=minbase ${SUITE} (about a minute; log ${LOGF})"
  debootstrap --variant=minbase "${SUITE}" "${work}" "$(mirror)" >>"${LOGF}" 2>&1 ||
    die "debootstrap failed." "Log: ${LOGF}. Check that the Debian mirror answers: apt-get update"
  # As Docker's bookworm-slim: no documentation, manual pages or translations.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    >"${work}/etc/dpkg/dpkg.cfg.d/docker-slim"
  log "${NAME}: debootstrap done in $(($(date +%s) - t0)) s"
  while IFS= read -r line; do
    case "${line}" in
      COPY\ --from=*) ;;
      COPY\ *)
        read -r _ src dest <<<"${line}"
        install -D -m 0644 "${ROOT}/${src}" "${work}${dest}"
        ;;
      RUN\ *)
        log "${NAME}: RUN ${line:4:90}..."
        in_chroot "${work}" "${line#RUN }"
        ;;
    esac
  done <<<"$2"
  rm -rf "${work}"/var/cache/apt/archives/*.deb "${work}"/var/cache/apt/*.bin "${work}"/var/lib/apt/lists/* "${work}"/usr/share/doc/*/changelog* \
    "${work}"/usr/share/man/* "${work}"/usr/share/locale/* "${work}"/var/log/*.log
  (cd "${work}" && tar --numeric-owner -cf "${tarball}.tmp" -- $(ls -A))
  mv "${tarball}.tmp" "${tarball}"
  rm -rf "${work}"
  trap - EXIT
  log "${NAME}: rootfs cached in $(($(date +%s) - t0)) s ($(du -h "${tarball}" | cut -f1))"
  printf '%s\n' "${tarball}"
}

# archive NAME REF CONFIG_JSON LAYER_TAR...: a docker-archive tarball (what `ctr images import`
# and `docker load` read) at OUT/NAME.tar.
archive() {
  local name="$1" ref="$2" config="$3" dir layers=() diff_ids=() l d
  shift 3
  dir="$(mktemp -d "${OUT}/.${name}.XXXXXX")"
  for l in "$@"; do
    d="$(sha256sum "${l}" | cut -d' ' -f1)"
    mkdir -p "${dir}/${d}"
    ln "${l}" "${dir}/${d}/layer.tar" 2>/dev/null || cp "${l}" "${dir}/${d}/layer.tar"
    layers+=("${d}/layer.tar")
    diff_ids+=("sha256:${d}")
  done
  jq -c --args '.rootfs = {type: "layers", diff_ids: $ARGS.positional}' "${diff_ids[@]}" <<<"${config}" >"${dir}/config.json"
  d="$(sha256sum "${dir}/config.json" | cut -d' ' -f1)"
  mv "${dir}/config.json" "${dir}/${d}.json"
  jq -n -c --arg config "${d}.json" --arg ref "${ref}" --args \
    '[{Config: $config, RepoTags: [$ref], Layers: $ARGS.positional}]' "${layers[@]}" >"${dir}/manifest.json"
  (cd "${dir}" && tar -cf "${OUT}/${name}.tar.tmp" manifest.json "${d}.json" "${layers[@]}")
  mv "${OUT}/${name}.tar.tmp" "${OUT}/${name}.tar"
  rm -rf "${dir}"
}

# image NAME DOCKERFILE: build one image from the final stage of DOCKERFILE.
image() {
  NAME="$1"
  LOGF="${CACHE}/${NAME}.log"
  local dockerfile="${ROOT}/$2" stage setup="" key_src="" line src dest config top rootfs ref hash
  stage="$(final_stage "${dockerfile}")"
  [[ "$(head -1 <<<"${stage}")" == "FROM debian:bookworm-slim" ]] ||
    die "$2: the final stage must start FROM debian:bookworm-slim (got: $(head -1 <<<"${stage}"))." \
      "images.sh rebuilds only that base from Debian packages; keep the Dockerfile on it."
  config='{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}'
  top="$(mktemp -d "${OUT}/.${NAME}-top.XXXXXX")"
  local -a top_files=()
  while IFS= read -r line; do
    case "${line}" in
      FROM\ *) ;;
      COPY\ --from=build\ /out/*)
        read -r _ _ src dest <<<"${line}"
        src="${BIN}/${src#/out/}"
        [[ -x "${src}" ]] || die "${src} is missing (${line})." "Run: make build"
        install -D -m 0755 "${src}" "${top}${dest}"
        top_files+=("${dest#/}")
        ;;
      COPY\ --from=*) die "$2: ${line}: only COPY --from=build /out/FILE is known here." "Teach hack/node/images.sh the new step." ;;
      COPY\ *)
        read -r _ src dest <<<"${line}"
        [[ -f "${ROOT}/${src}" ]] || die "$2: ${line}: ${src} is not a file of the repository."
        setup+="${line}"$'\n'
        key_src+="$(sha256sum "${ROOT}/${src}")"$'\n'
        ;;
      RUN\ *) setup+="${line}"$'\n' ;;
      ENV\ *=*)
        config="$(jq -c --arg kv "${line#ENV }" '.config.Env += [$kv]' <<<"${config}")" ;;
      EXPOSE\ *)
        for p in ${line#EXPOSE }; do config="$(jq -c --arg p "${p}/tcp" '.config.ExposedPorts[$p] = {}' <<<"${config}")"; done ;;
      USER\ *) config="$(jq -c --arg u "${line#USER }" '.config.User = $u' <<<"${config}")" ;;
      WORKDIR\ *) config="$(jq -c --arg w "${line#WORKDIR }" '.config.WorkingDir = $w' <<<"${config}")" ;;
      ENTRYPOINT\ \[*) config="$(jq -c --argjson e "${line#ENTRYPOINT }" '.config.Entrypoint = $e' <<<"${config}")" ;;
      CMD\ \[*) config="$(jq -c --argjson c "${line#CMD }" '.config.Cmd = $c' <<<"${config}")" ;;
      *) die "$2: the final stage has '${line:0:60}', which images.sh does not know." \
        "Teach hack/node/images.sh that step (or write it in a form it knows), so both builds agree." ;;
    esac
  done <<<"${stage}"
  rootfs="$(base_rootfs "$(printf '%s\n%s\n%s' "${ROOTFS_RECIPE}" "${setup}" "${key_src}" | sha256sum | cut -c1-16)" "${setup}")"
  (cd "${top}" && tar --numeric-owner --owner=0 --group=0 -cf "${top}.tar" -- "${top_files[@]}")
  hash="$(cat "${rootfs}" "${top}.tar" | sha256sum | cut -c1-12)"
  ref="localhost/mailsub-${NAME}:${hash}"
  archive "${NAME}" "${ref}" "${config}" "${rootfs}" "${top}.tar"
  rm -rf "${top}" "${top}.tar"
  log "${NAME}: ${ref} ($(du -h "${OUT}/${NAME}.tar" | cut -f1))"
  printf '%s %s %s\n' "${NAME}" "${ref}" "${OUT}/${NAME}.tar"
}

# pause: the sandbox image, one static binary compiled from the Kubernetes source by build.sh --node.
pause_image() {
  local pause="${MAILSUB_NODE_BIN:?set MAILSUB_NODE_BIN to the folder build.sh --node printed}/pause" dir
  [[ -x "${pause}" ]] || die "${pause} is missing." "Run: hack/controlplane/build.sh --node"
  dir="$(mktemp -d "${OUT}/.pause.XXXXXX")"
  install -m 0755 "${pause}" "${dir}/pause"
  (cd "${dir}" && tar --numeric-owner --owner=0 --group=0 -cf layer.tar pause)
  archive pause localhost/pause:3.4.1 \
    '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"}}' "${dir}/layer.tar"
  rm -rf "${dir}"
  printf '%s %s %s\n' pause localhost/pause:3.4.1 "${OUT}/pause.tar"
}

pause_image
image postfix images/postfix/Dockerfile
image operator images/operator/Dockerfile
