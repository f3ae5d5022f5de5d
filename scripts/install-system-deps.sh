#!/usr/bin/env bash
# The Debian packages the lab and the tests use. Idempotent: installs only what is missing.
#   chromium         the browser Playwright drives (Playwright cannot download its own here)
#   docker-registry  a real OCI registry, served over TLS with htpasswd users
#   containerd       each lab node's container runtime (the real kubelet talks to it over CRI)
#   runc             the OCI runtime containerd starts containers with
#   containernetworking-plugins  CNI bridge, host-local and loopback plugins for pod networks (/usr/lib/cni)
#   iproute2         `ip`: the lab's own bridge and address (lab/cluster/network.ts)
#   apache2-utils    htpasswd (bcrypt) for the registry users
#   openssl          lab CA and certificates
#   fonts-noto-cjk   Chinese text in screenshots
#   busybox-static   the lab's seeded image is a real static busybox, built here (no image download)
#   kubernetes-client kubectl, the real client the lab tests drive the lab with (skipped when a kubectl exists:
#                    another package may own /usr/bin/kubectl)
set -euo pipefail
need=()
for pair in chromium:chromium docker-registry:docker-registry containerd:containerd ctr:containerd \
            runc:runc htpasswd:apache2-utils openssl:openssl ip:iproute2 unshare:util-linux; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages. Run as root:" >&2
  echo "  apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
