#!/usr/bin/env bash
# cms-vs-openssl.sh [SIZE_MIB] [ROUNDS]
#
# fellesklient kryptering against openssl cms on the same file, as paired whole commands
# in interleaved rounds (ours, openssl, ours, openssl, ...): each round's ratio is
# openssl's wall time over ours, and the script prints every round and the median, with
# each side's peak RSS (/usr/bin/time). Decrypt reads a message openssl encrypted
# (-stream, AES-256-CBC, RSA-OAEP-SHA256); encrypt writes to a file on the same disk.
#
#   scripts/cms-vs-openssl.sh 256 7
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256} rounds=${2:-7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/fellesklient" ./cmd/fellesklient
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mottaker" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
head -c $((size << 20)) /dev/urandom > "$dir/plain"
openssl cms -encrypt -binary -stream -outform DER -aes256 -recip "$dir/cert.pem" -keyopt rsa_padding_mode:oaep \
  -keyopt rsa_oaep_md:sha256 -in "$dir/plain" -out "$dir/msg.cms"
t() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
median() { sort -n | awk '{ r[n++] = $1 } END { m = (n % 2) ? r[int(n/2)] : (r[n/2-1] + r[n/2]) / 2; printf "%.2f", m }'; }
for op in decrypt encrypt; do
  ratios=()
  for i in $(seq 1 "$rounds"); do
    if [ "$op" = decrypt ]; then
      read -r a am < <(t sh -c "'$dir/fellesklient' kryptering decrypt --key '$dir/key.pem' --out '$dir/out' < '$dir/msg.cms'")
      read -r b bm < <(t openssl cms -decrypt -binary -inform DER -inkey "$dir/key.pem" -in "$dir/msg.cms" -out "$dir/out2")
      cmp -s "$dir/out" "$dir/plain" && cmp -s "$dir/out2" "$dir/plain" || { echo "round $i: a plaintext differs"; exit 1; }
    else
      read -r a am < <(t sh -c "'$dir/fellesklient' kryptering encrypt --cert '$dir/cert.pem' --out '$dir/enc.cms' < '$dir/plain'")
      read -r b bm < <(t openssl cms -encrypt -binary -stream -outform DER -aes256 -recip "$dir/cert.pem" -keyopt rsa_padding_mode:oaep \
        -keyopt rsa_oaep_md:sha256 -in "$dir/plain" -out "$dir/enc2.cms")
    fi
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
    echo "$op round $i: fellesklient ${a}s ${am} KiB, openssl ${b}s ${bm} KiB, openssl/fellesklient $r"
    ratios+=("$r")
  done
  echo "$op ${size} MiB: median of $rounds rounds: fellesklient is $(printf '%s\n' "${ratios[@]}" | median)x as fast as openssl cms"
done
