// The trust installer's script: POSIX sh that busybox sh and dash run alike. It runs in the DaemonSet's
// pod on every node and keeps exactly one registry's files in each runtime's certs.d folder.
//
// Environment (set by planTrustInstaller):
//   HC_MODE          install | remove
//   HC_REGISTRY_ID   the registry id (recorded in the ownership marker)
//   HC_HOST_DIR      folder name: host or host:port ([v6] / [v6]:port)
//   HC_TARGETS       space-separated runtime=dir pairs; dir is the certs.d path ON THE NODE, mounted at the
//                    same path in the container (hostPath mountPath == path)
//   HC_CA_FILE       the CA to install (the record Secret's ca.crt, mounted read-only)
//   HC_CA_SHA256     the sha256 the CA must have (install mode): pinned in the DaemonSet, so writing the record
//                    Secret alone never changes what nodes trust
//   HC_HOSTS_SHA256  the sha256 hosts.toml must have (install mode, containerd targets)
//   HC_WORK_DIR      pod-local scratch (default /tmp): sources are copied here, checked, then installed from the copy
//   HC_CONFIG_DIR    holds hosts.toml (the ConfigMap, mounted read-only)
//   HC_INTERVAL      seconds between re-checks (default 300)
//   HC_READY_FILE    touched after a successful pass, removed on failure (readiness probe: test -f)
//   HC_ONCE          1: one pass, then exit with its status (tests, debugging)
//   HOST_ROOT        prefix for every target dir: unset on a node (the lab's too); the script's unit tests set it
//                    to a temp folder standing for the node's root (so <root>/etc/containerd/certs.d)
//
// Files, per target: <dir>/<HC_HOST_DIR>/ca.crt (+ hosts.toml for containerd) and the ownership marker
// .harbor-connect (registry=<id>, then <file>=<sha256> per file written). A file is replaced only when it
// differs and is ours (its sha256 matches the marker) or absent; a differing file we did not write is never
// touched: the pass fails with HC_ERROR FOREIGN_FILE. Writes go to a temp file in the same folder, then mv.
// Remove mode deletes only files whose sha256 still matches the marker, then the marker, then the folder if
// it is empty. A failed pass writes "HC_ERROR <CODE>: <detail>" to the termination log and exits 1, so the
// pod's status carries the reason (nodeTrustStatus reads it).

export const INSTALLER_SCRIPT = `#!/bin/sh
# Harbor Connect trust installer (harbor-connect.kubesphere.io). Keeps one registry's CA in the node's
# container runtime folders. Generated; edit the extension, not this file.
# -f: no globbing; IPv6 folder names hold [ ] and every word split here is a path.
set -uf
umask 022
MODE="\${HC_MODE:-install}"
ID="\${HC_REGISTRY_ID:-}"
HOST_DIR="\${HC_HOST_DIR:-}"
TARGETS="\${HC_TARGETS:-}"
CA_FILE="\${HC_CA_FILE:-/hc/ca/ca.crt}"
CONFIG_DIR="\${HC_CONFIG_DIR:-/hc/config}"
INTERVAL="\${HC_INTERVAL:-300}"
READY="\${HC_READY_FILE:-/tmp/ready}"
WORK="\${HC_WORK_DIR:-/tmp}"
TERM_LOG="\${HC_TERMINATION_LOG:-/dev/termination-log}"
ROOT="\${HOST_ROOT:-}"
MARKER=.harbor-connect
SLEEP_PID=

log() { echo "harbor-connect: $*"; }

# A failed pass: say why where kubectl and the console see it, then exit non-zero.
fail() {
  log "HC_ERROR $1: $2" >&2
  # Only into a file the kubelet provided; never create one (e.g. under a shared /dev).
  if [ -f "$TERM_LOG" ]; then { echo "HC_ERROR $1: $2" > "$TERM_LOG"; } 2>/dev/null; fi
  rm -f "$READY" 2>/dev/null
  exit 1
}

on_term() {
  [ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
  log "stopping"
  exit 0
}
trap on_term TERM INT

sha256_of() {
  set -- $(sha256sum < "$1")
  echo "$1"
}

# pinned <source> <expected sha256> <name>: copies the source into the pod's scratch, checks the copy against the
# sha256 the DaemonSet pins and prints the copy's path; what is installed is that very copy.
pinned() {
  [ -n "$2" ] || fail BAD_CONFIG "no sha256 pinned for $3"
  cp "$1" "$WORK/.pinned-$3" 2>/dev/null || fail WRITE_FAILED "cannot copy $3 to $WORK"
  got="$(sha256_of "$WORK/.pinned-$3")"
  if [ "$got" != "$2" ]; then
    fail PIN_MISMATCH "$3 has sha256 $got, not the $2 this installer was planned with: nothing written (apply the registry again from Harbor Connect)"
  fi
  echo "$WORK/.pinned-$3"
}

# marker_get <marker file> <key>: the value recorded for key, empty when absent.
marker_get() {
  [ -f "$1" ] || return 0
  while IFS='=' read -r k v; do
    if [ "$k" = "$2" ]; then echo "$v"; return 0; fi
  done < "$1"
}

# ours <dir> <file>: the file is the one this registry's installer wrote (marker says so, content unchanged).
# The marker records sha256 (sha256sum is what the pins need anyway; busybox builds without cksum exist).
# Markers of 0.1.0 recorded cksum's "crc-size": still recognised where cksum exists.
ours() {
  [ "$(marker_get "$1/$MARKER" registry)" = "$ID" ] || return 1
  rec="$(marker_get "$1/$MARKER" "$2")"
  [ -n "$rec" ] || return 1
  case "$rec" in
    *-*) command -v cksum >/dev/null 2>&1 || return 1
         set -- $(cksum < "$1/$2")
         [ "$rec" = "$1-$2" ] ;;
    *) [ "$rec" = "$(sha256_of "$1/$2")" ] ;;
  esac
}

# put <src> <dir> <name>: atomic replace when content differs; returns 0 also when already equal.
put() {
  if [ -f "$2/$3" ] && cmp -s "$1" "$2/$3"; then return 0; fi
  tmp="$2/.$3.hc-tmp"
  cp "$1" "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$2/$3" || { rm -f "$tmp"; return 1; }
  log "wrote $2/$3"
}

install_one() {
  runtime="$1"
  dir="$ROOT$2/$HOST_DIR"
  names="ca.crt"
  [ "$runtime" = containerd ] && names="ca.crt hosts.toml"
  mkdir -p "$dir" || fail WRITE_FAILED "cannot create $2/$HOST_DIR"
  # Check every file before writing any, so a refusal leaves the folder as it was.
  for n in $names; do
    src="$PIN_CA"; [ "$n" = hosts.toml ] && src="$PIN_HOSTS"
    if [ -e "$dir/$n" ] && ! cmp -s "$src" "$dir/$n" && ! ours "$dir" "$n"; then
      fail FOREIGN_FILE "$2/$HOST_DIR/$n exists with other content and was not written by Harbor Connect; not replacing it"
    fi
  done
  want="registry=$ID"
  for n in $names; do
    src="$PIN_CA"; [ "$n" = hosts.toml ] && src="$PIN_HOSTS"
    put "$src" "$dir" "$n" || fail WRITE_FAILED "cannot write $2/$HOST_DIR/$n"
    want="$want
$n=$(sha256_of "$dir/$n")"
  done
  if [ "$(cat "$dir/$MARKER" 2>/dev/null)" != "$want" ]; then
    tmp="$dir/.$MARKER.hc-tmp"
    { echo "$want" > "$tmp" && mv -f "$tmp" "$dir/$MARKER"; } || fail WRITE_FAILED "cannot write $2/$HOST_DIR/$MARKER"
  fi
}

remove_one() {
  dir="$ROOT$2/$HOST_DIR"
  [ -f "$dir/$MARKER" ] || return 0
  if [ "$(marker_get "$dir/$MARKER" registry)" != "$ID" ]; then
    log "$2/$HOST_DIR belongs to another registry id; leaving it"
    return 0
  fi
  for n in ca.crt hosts.toml; do
    [ -e "$dir/$n" ] || continue
    if ours "$dir" "$n"; then
      rm -f "$dir/$n" || fail WRITE_FAILED "cannot remove $2/$HOST_DIR/$n"
      log "removed $2/$HOST_DIR/$n"
    else
      log "kept $2/$HOST_DIR/$n: changed since Harbor Connect wrote it"
    fi
  done
  rm -f "$dir/.ca.crt.hc-tmp" "$dir/.hosts.toml.hc-tmp" "$dir/.$MARKER.hc-tmp"
  rm -f "$dir/$MARKER" || fail WRITE_FAILED "cannot remove $2/$HOST_DIR/$MARKER"
  rmdir "$dir" 2>/dev/null && log "removed empty $2/$HOST_DIR"
  return 0
}

pass() {
  if [ "$MODE" = install ]; then
    # The record Secret and the ConfigMap can be changed by anyone who may write the extension's namespace:
    # only the content pinned in this DaemonSet is ever installed.
    PIN_CA="$(pinned "$CA_FILE" "\${HC_CA_SHA256:-}" ca.crt)" || exit 1
    PIN_HOSTS=
    case " $TARGETS" in *" containerd="*)
      PIN_HOSTS="$(pinned "$CONFIG_DIR/hosts.toml" "\${HC_HOSTS_SHA256:-}" hosts.toml)" || exit 1 ;;
    esac
  fi
  for t in $TARGETS; do
    case "$MODE" in
      install) install_one "\${t%%=*}" "\${t#*=}" ;;
      remove) remove_one "\${t%%=*}" "\${t#*=}" ;;
    esac
  done
}

case "$HOST_DIR" in
  ""|.|..|*/*) fail BAD_CONFIG "HC_HOST_DIR is not a folder name: '$HOST_DIR'" ;;
esac
[ -n "$ID" ] || fail BAD_CONFIG "HC_REGISTRY_ID is empty"
[ -n "$TARGETS" ] || fail BAD_CONFIG "HC_TARGETS is empty"
case "$MODE" in
  install)
    [ -s "$CA_FILE" ] || fail NO_CA "no CA at $CA_FILE (the registry record has no ca.crt)"
    case " $TARGETS" in *" containerd="*)
      [ -s "$CONFIG_DIR/hosts.toml" ] || fail BAD_CONFIG "no hosts.toml in $CONFIG_DIR" ;;
    esac ;;
  remove) ;;
  *) fail BAD_CONFIG "HC_MODE must be install or remove, not '$MODE'" ;;
esac

log "mode=$MODE registry=$ID host=$HOST_DIR targets=$TARGETS"
while :; do
  pass
  if [ ! -f "$READY" ]; then
    : > "$READY" 2>/dev/null || log "cannot write $READY"
    log "ready"
  fi
  [ "\${HC_ONCE:-}" = 1 ] && exit 0
  sleep "$INTERVAL" &
  SLEEP_PID=$!
  wait "$SLEEP_PID"
  SLEEP_PID=
done
`;
