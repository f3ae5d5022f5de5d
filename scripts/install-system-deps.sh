#!/usr/bin/env bash
# The Debian packages the lab and the tests use. Idempotent: installs only what is missing.
#   chromium         the browser Playwright drives (Playwright cannot download its own here)
#   docker-registry  a real OCI registry, served over TLS with htpasswd users
#   containerd       real pulls, as a node's runtime makes them (ctr --hosts-dir)
#   apache2-utils    htpasswd (bcrypt) for the registry users
#   openssl          lab CA and certificates
#   fonts-noto-cjk   Chinese text in screenshots
#   busybox-static   the lab's seeded image is a real static busybox, built here (no image download)
#   kubernetes-client kubectl, to hold the API stand-in to a real client (skipped when a kubectl exists:
#                    another package may own /usr/bin/kubectl)
set -euo pipefail
need=()
for pair in chromium:chromium docker-registry:docker-registry containerd:containerd ctr:containerd \
            htpasswd:apache2-utils openssl:openssl; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
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
