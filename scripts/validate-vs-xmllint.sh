#!/usr/bin/env bash
# validate-vs-xmllint.sh [RECORDS] [ROUNDS]
#
# `fellesklient noark5 validate` against `xmllint --noout --stream --schema` (libxml2) on the
# same arkivstruktur.xml of a demo package (RECORDS journalposter; 100 000 make 181 MB), as
# paired whole commands in interleaved rounds (ours, xmllint, ours, xmllint, ...). Each
# round's ratio is xmllint's wall time over ours; the script prints every round with each
# side's peak RSS (/usr/bin/time), the median ratio, both verdicts on the file and on a
# damaged copy (they must agree), and the throughput of `validate DIR` on the whole
# package (every XML file, in parallel, and every document file re-hashed).
#
#   scripts/validate-vs-xmllint.sh 100000 7
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000} rounds=${2:-7}
command -v xmllint >/dev/null || { echo "xmllint is not installed (Debian: libxml2-utils)"; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/fellesklient" ./cmd/fellesklient
"$dir/fellesklient" noark5 demo-uttrekk --quiet --registreringer "$n" --out "$dir/pakke" >/dev/null
file="$dir/pakke/arkivstruktur.xml"
bytes=$(stat -c %s "$file")
t() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
median() { sort -n | awk '{ r[n++] = $1 } END { m = (n % 2) ? r[int(n/2)] : (r[n/2-1] + r[n/2]) / 2; printf "%.2f", m }'; }
ours() { "$dir/fellesklient" noark5 validate --quiet "$@"; }
lint() { xmllint --noout --stream --schema "$dir/pakke/arkivstruktur.xsd" "$@"; }
ratios=()
for i in $(seq 1 "$rounds"); do
  read -r a am < <(t sh -c "'$dir/fellesklient' noark5 validate --quiet '$file' 2>/dev/null")
  read -r b bm < <(t sh -c "xmllint --noout --stream --schema '$dir/pakke/arkivstruktur.xsd' '$file' 2>/dev/null")
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
  echo "round $i: fellesklient ${a}s $((am / 1024)) MiB ($(awk -v s="$bytes" -v a="$a" 'BEGIN { printf "%.0f", s / a / 1e6 }') MB/s), xmllint ${b}s $((bm / 1024)) MiB ($(awk -v s="$bytes" -v b="$b" 'BEGIN { printf "%.0f", s / b / 1e6 }') MB/s), xmllint/fellesklient $r"
  ratios+=("$r")
done
echo "arkivstruktur.xml, $n journalposter, $((bytes / 1000000)) MB: median of $rounds rounds: fellesklient is $(printf '%s\n' "${ratios[@]}" | median)x as fast as xmllint --stream"
verdict() { if "$@" >/dev/null 2>&1; then echo valid; else echo invalid; fi; }
echo "verdicts on the file: fellesklient $(verdict ours "$file"), xmllint $(verdict lint "$file")"
sed '0,/<journalaar>/s/<journalaar>[0-9]*</<journalaar>tjue</' "$file" > "$dir/skadet.xml"
echo "verdicts on a damaged copy: fellesklient $(verdict ours "$dir/skadet.xml"), xmllint $(verdict lint "$dir/skadet.xml")"
total=$(find "$dir/pakke" -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
docs=$(find "$dir/pakke/dokumenter" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
read -r p pm < <(t sh -c "'$dir/fellesklient' noark5 validate --quiet '$dir/pakke' 2>/dev/null")
echo "validate DIR (the whole package: $((total / 1000000)) MB of XML, $((docs / 1000000)) MB of documents): ${p}s, $((pm / 1024)) MiB peak RSS, $(awk -v s="$((total + docs))" -v p="$p" 'BEGIN { printf "%.0f", s / p / 1e6 }') MB/s"
