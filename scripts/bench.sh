#!/usr/bin/env bash
# Prints numbers, asserts nothing: a release build of the shop under load from wrk, and
# the size of what a shopper's browser downloads. Record results in docs/BENCHMARKS.md.
#
#   make bench                      # 32 connections, 10 s per page
#   BENCH_SECONDS=30 make bench
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
port=${BENCH_PORT:-3500}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v brotli >/dev/null || need+=(brotli)
if [ ${#need[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

cargo leptos build --release

data=$(mktemp -d /tmp/vitrine-bench.XXXXXX)
chmod 755 "$data"
VITRINE_DATA_DIR="$data" VITRINE_ADDR="127.0.0.1:$port" RUST_LOG=warn target/release/vitrine &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

echo
echo "## Pages: $connections connections, ${seconds}s each, wrk on the same machine"
printf '%-12s %10s %9s %9s %9s\n' page 'req/s' p50 p90 p99
for path in / /healthz /no-such-page; do
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p90=$(awk '$1 == "90%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-12s %10s %9s %9s %9s\n' "$path" "$rps" "$p50" "$p90" "$p99"
done

echo
echo "## What the browser downloads (release build)"
printf '%-8s %10s %10s %10s\n' file raw gzip brotli
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  ext=${file##*.}
  raw=$(stat -c %s "$file")
  gz=$(gzip -9c "$file" | wc -c)
  br=$(brotli -q 11 -c "$file" | wc -c)
  printf '%-8s %10s %10s %10s\n' "$ext" "$raw" "$gz" "$br"
done
