#!/usr/bin/env bash
# benchratio.sh PKG PARENT BASELINE CANDIDATE [ROUNDS] [BENCHTIME]
#
# Interleaved rounds: the package's test binary is built once, then each round runs
# PARENT/BASELINE and PARENT/CANDIDATE one after the other (A, B, A, B, ...). It prints
# each round's throughput ratio candidate/baseline (time_baseline / time_candidate) and
# their median: noise that hits a round hits both sides of it.
#
#   scripts/benchratio.sh ./fiks/fiksio/ BenchmarkSend100MiB kryptering fiksio-drain 6 3x
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=$1 parent=$2 base=$3 cand=$4 rounds=${5:-6} benchtime=${6:-1x}
bin=$(mktemp -d)/bench.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" "$pkg"
dir=$(go list -f '{{.Dir}}' "$pkg")
nsop() { (cd "$dir" && "$bin" -test.run '^$' -test.bench "^${parent}\$/^$1\$" -test.benchtime "$benchtime") |
  awk -v p="$parent/$1" '$1 ~ "^"p"(-[0-9]+)?$" { print $3; found=1 } END { if (!found) exit 1 }'; }
ratios=()
for i in $(seq 1 "$rounds"); do
  a=$(nsop "$base"); b=$(nsop "$cand")
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
  echo "round $i: $base $a ns/op, $cand $b ns/op, ratio $r"
  ratios+=("$r")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v p="$parent" -v a="$base" -v b="$cand" '
  { r[n++] = $1 } END { m = (n % 2) ? r[int(n/2)] : (r[n/2-1] + r[n/2]) / 2; printf "%s/%s vs %s: median of %d rounds %.2f\n", p, b, a, n, m }'
