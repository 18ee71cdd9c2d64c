#!/usr/bin/env bash
# 1 GiB through FIKS IO: send (zip, sign, encrypt, upload) to the fake, which keeps it in
# Dokumentlager, then receive (download, decrypt to a spool file, read and check against
# the manifest), on a private RabbitMQ. Prints the times and the process's peak RSS and
# fails above 64 MiB. Needs rabbitmq-server (Debian) and about 3 GiB of free disk.
set -euo pipefail
cd "$(dirname "$0")/.."
FELLESKLIENT_BIG=1 go test -count=1 -run '^TestOneGiB$' -v ./fiks/fiksio/ | grep -E 'GiB:|^(ok|FAIL|---)'
