#!/usr/bin/env bash
# bench-all.sh [FILTER]
#
# Reruns every ratio in BENCHMARKS.md, each with the command its row names (interleaved
# rounds: scripts/benchratio.sh for Go benchmarks, paired whole commands for the CLI
# scripts), and prints each row's per-round ratios and median. FILTER (a regexp) picks rows
# by name. A rerun should land within ±20 % of each ratio in BENCHMARKS.md.
#
#   scripts/bench-all.sh            # everything: about 40 minutes on 2 cores
#   scripts/bench-all.sh noark5     # one section
set -uo pipefail
cd "$(dirname "$0")/.."
filter=${1:-.}
rows=(
  "auth|./auth/ BenchmarkTokenWarm oauth2.ReuseTokenSource auth.Cache 5 2000000x"
  "auth-parallel|./auth/ BenchmarkTokenWarm oauth2.ReuseTokenSource-parallel auth.Cache-parallel 5 2000000x"
  "redisstore-warm|./auth/redisstore/ BenchmarkTokenWarm local shared 5 2000000x"
  "redisstore-cold|./auth/redisstore/ BenchmarkCold maskinporten shared 5 300x"
  "httpx-stack|./internal/httpx/ BenchmarkStack net/http fellesklient 5 20000x"
  "maskinporten-2048|./maskinporten/ BenchmarkGrantSign rsa.SignPKCS1v15-2048 RS256-2048 5 500x"
  "maskinporten-4096|./maskinporten/ BenchmarkGrantSign rsa.SignPKCS1v15-4096 RS256-4096 5 100x"
  "kryptering-encrypt|./fiks/kryptering/ BenchmarkCMS encrypt/crypto-aes-cbc encrypt/fellesklient 5 5x"
  "kryptering-decrypt|./fiks/kryptering/ BenchmarkCMS decrypt/crypto-aes-cbc decrypt/fellesklient 5 5x"
  "folkeregister-decode|./folkeregister/ BenchmarkPersonDecode baseline=map Person 5 20000x"
  "folkeregister-lookup|./folkeregister/ BenchmarkLookup nethttp folkeregister 5 2000x"
  "svarut-send|./svarut/ BenchmarkSend100MB baseline=net/http Send 5 3x"
  "svarut-send-kryptert|./svarut/ BenchmarkSend100MB baseline=net/http Send/kryptert 5 3x"
  "fiksio-send-drain|./fiks/fiksio/ BenchmarkSend100MiB kryptering fiksio-drain 5 3x"
  "fiksio-send|./fiks/fiksio/ BenchmarkSend100MiB kryptering fiksio 3 3x"
  "fiksio-receive|./fiks/fiksio/ BenchmarkReceive100MiB kryptering fiksio 3 3x"
  "fiksio-small|./fiks/fiksio/ BenchmarkSmallMessages amqp091 fiksio 3 200x"
  "einnsyn|./einnsyn/ BenchmarkIterate10k map einnsyn 5 5x"
  "noark5-write|./noark5/ BenchmarkWrite n=100000/encoding-xml-per-saksmappe n=100000/noark5.Writer 5 1x"
  "noark5-validate|./noark5/ BenchmarkRead n=100000/xmllint-stream n=100000/noark5.Validate 5 1x"
  "noark5-validate-tokenizer|./noark5/ BenchmarkRead n=100000/noark5.Validate-encoding-xml n=100000/noark5.Validate 5 1x"
  "noark5-reader|./noark5/ BenchmarkRead n=100000/xmllint-stream n=100000/noark5.Registreringer 5 1x"
  "fiksarkiv-validate|./noark5/fiksarkiv/ BenchmarkValidate encoding-xml validate 5 30x"
)
for row in "${rows[@]}"; do
  name=${row%%|*} args=${row#*|}
  [[ $name =~ $filter ]] || continue
  echo "== $name: scripts/benchratio.sh $args"
  # shellcheck disable=SC2086
  ./scripts/benchratio.sh $args 2>&1 | tail -6
done
if [[ cms =~ $filter ]] || [[ kryptering-cli =~ $filter ]]; then
  echo "== kryptering-cli: scripts/cms-vs-openssl.sh 256 7"
  ./scripts/cms-vs-openssl.sh 256 7 | grep median
fi
if [[ noark5-cli =~ $filter ]] || [[ xmllint =~ $filter ]]; then
  echo "== noark5-cli: scripts/validate-vs-xmllint.sh 100000 7"
  ./scripts/validate-vs-xmllint.sh 100000 7 | grep -v '^round'
fi
