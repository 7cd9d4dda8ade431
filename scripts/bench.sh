#!/usr/bin/env bash
# Prints numbers, asserts nothing: a release build on a large generated catalog under
# load from wrk, and the size of what a shopper's browser downloads. Record results in
# docs/BENCHMARKS.md.
#
#   make bench                                   # 100,000 products, 32 connections, 10 s a page
#   BENCH_PRODUCTS=10000 BENCH_SECONDS=30 make bench
set -euo pipefail
cd "$(dirname "$0")/.."

products=${BENCH_PRODUCTS:-100000}
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

cargo leptos build --release --split

data=$(mktemp -d /tmp/vitrine-bench.XXXXXX)
chmod 755 "$data"
export VITRINE_DATA_DIR="$data" VITRINE_ADDR="127.0.0.1:$port" RUST_LOG=warn
server=
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

echo "## Seeding $products products"
SECONDS=0
target/release/vitrine seed --products "$products"
echo "seeded in ${SECONDS} s"

# An account to sign in as (with a confirmed address).
target/release/vitrine create-admin --email bench@vitrine.example --password 'bench harbor lantern sky' >/dev/null

target/release/vitrine &
server=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# name|path|script: bench.lua repeats the address (served from the storefront cache
# after the first request); bench-uncached.lua varies a filter so that every request
# is computed by the database.
pages=(
  "home|/en|bench"
  "category|/en/c/t-shirts|bench"
  "category p.50|/en/c/clothing?page=50&sort=price-asc|bench"
  "filtered|/en/c/t-shirts?f=material%3Acotton&min_price=20&max_price=30|bench"
  "product|/en/p/aurora-classic-t-shirt|bench"
  "search|/en/search?q=jacket|bench"
  "search typo|/en/search?q=tshrit|bench"
  "category*|/en/c/t-shirts|bench-uncached"
  "filtered*|/en/c/t-shirts?f=material%3Acotton&max_price=30|bench-uncached"
  "search*|/en/search?q=jacket|bench-uncached"
  "healthz|/healthz|bench"
)

echo
echo "## Pages: $connections connections, ${seconds}s each, wrk on the same 2 cores"
echo "(* = uncached: every request asks for a different price floor)"
printf '%-14s %8s %8s %8s %8s %7s\n' page 'req/s' 'p50 ms' 'p95 ms' 'p99 ms' errors
for entry in "${pages[@]}"; do
  IFS='|' read -r name path script <<<"$entry"
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 120 "http://127.0.0.1:$port$path" || true)  # warm-up
  [ "$status" = 200 ] || echo "warning: $path answered $status"
  read -r _ rps p50 p95 p99 errors < <(
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 60s -s "scripts/$script.lua" "http://127.0.0.1:$port$path" | grep '^RESULT'
  ) || true
  printf '%-14s %8s %8s %8s %8s %7s\n' "$name" "$rps" "$p50" "$p95" "$p99" "$errors"
done

echo
# 4 connections: one client's simultaneous attempts for one e-mail past the throttle's
# limit (5) are refused before hashing, so more would measure refusals.
echo "## Signing in: 4 connections, ${seconds}s (argon2id is the cost, by design)"
sign_in=$(curl -s "http://127.0.0.1:$port/en/account/sign-in" | grep -o 'action="/api/sign_in[0-9]*"' | cut -d'"' -f2)
printf '%-14s %8s %8s %8s %8s %7s\n' action 'req/s' 'p50 ms' 'p95 ms' 'p99 ms' errors
read -r _ rps p50 p95 p99 errors < <(
  wrk -t2 -c4 -d"${seconds}s" --timeout 60s -s scripts/bench-sign-in.lua "http://127.0.0.1:$port$sign_in" | grep '^RESULT'
) || true
printf '%-14s %8s %8s %8s %8s %7s\n' "sign in" "$rps" "$p50" "$p95" "$p99" "$errors"

echo
echo "## Cart and checkout pages: $connections connections, ${seconds}s, one shopper's cart (2 items)"
jar=$(mktemp); trap 'rm -f "$jar"; cleanup' EXIT
variant=$(curl -s "http://127.0.0.1:$port/en/p/aurora-classic-t-shirt" | grep -o 'name="variant" value="[^"]*"' | head -1 | cut -d'"' -f4)
action=$(curl -s "http://127.0.0.1:$port/en/p/aurora-classic-t-shirt" | grep -o 'action="/api/add_to_cart[0-9]*"' | cut -d'"' -f2)
curl -s -o /dev/null -c "$jar" -b "$jar" -H 'Accept: text/html' -d "lang=en&variant=$variant&quantity=2" "http://127.0.0.1:$port$action"
cookie=$(awk '$6 == "vitrine" { print "vitrine=" $7 }' "$jar")
printf '%-14s %8s %8s %8s %8s %7s\n' page 'req/s' 'p50 ms' 'p95 ms' 'p99 ms' errors
for entry in "cart|/en/cart" "checkout|/en/checkout/contact"; do
  IFS='|' read -r name path <<<"$entry"
  read -r _ rps p50 p95 p99 errors < <(
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 60s -H "Cookie: $cookie" -s scripts/bench.lua "http://127.0.0.1:$port$path" | grep '^RESULT'
  ) || true
  printf '%-14s %8s %8s %8s %8s %7s\n' "$name" "$rps" "$p50" "$p95" "$p99" "$errors"
done

echo
echo "## Checkout: $connections buyers at once, ${seconds}s, each buying through every step"
cargo run --quiet --release -p server --example bench_checkout -- "http://127.0.0.1:$port" "$seconds" "$connections"

echo
echo "## Back office at $products products: the benchmark admin's pages, $connections connections, ${seconds}s"
admin_jar=$(mktemp); trap 'rm -f "$jar" "$admin_jar"; cleanup' EXIT
curl -s -o /dev/null -c "$admin_jar" -H 'Accept: text/html' \
  --data-urlencode lang=en --data-urlencode email=bench@vitrine.example \
  --data-urlencode 'password=bench harbor lantern sky' "http://127.0.0.1:$port$sign_in"
admin_cookie=$(awk '$6 == "vitrine" { print "vitrine=" $7 }' "$admin_jar")
printf '%-14s %8s %8s %8s %8s %7s\n' page 'req/s' 'p50 ms' 'p95 ms' 'p99 ms' errors
for entry in "dashboard|/en/admin" "products|/en/admin/products" "products p.100|/en/admin/products?page=100" \
  "products q|/en/admin/products?q=jacket" "products sku|/en/admin/products?q=TS-0000001"; do
  IFS='|' read -r name path <<<"$entry"
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 120 -H "Cookie: $admin_cookie" "http://127.0.0.1:$port$path" || true)
  [ "$status" = 200 ] || echo "warning: $path answered $status"
  read -r _ rps p50 p95 p99 errors < <(
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 60s -H "Cookie: $admin_cookie" -s scripts/bench.lua "http://127.0.0.1:$port$path" | grep '^RESULT'
  ) || true
  printf '%-14s %8s %8s %8s %8s %7s\n' "$name" "$rps" "$p50" "$p95" "$p99" "$errors"
done

echo
echo "## Catalog file: export all $products products; import new prices for 100,000 variants (the row limit)"
csv=$data/export.csv
read -r secs bytes < <(curl -s -o "$csv" -w '%{time_total} %{size_download}\n' -H "Cookie: $admin_cookie" "http://127.0.0.1:$port/admin/export/products.csv?lang=en")
printf 'export         %s rows, %s bytes in %s s\n' "$(($(wc -l <"$csv") - 1))" "$bytes" "$secs"
# A price list (`sku,price`, every price up by 1) for the first 100,000 rows, read with a
# real CSV reader (quoted cells hold commas and line breaks).
python3 - "$csv" "$data/import.csv" <<'PY'
import csv, sys
from decimal import Decimal
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w", newline="") as out:
    rows, writer = csv.reader(src), csv.writer(out)
    header = next(rows)
    sku, price = header.index("sku"), header.index("price")
    writer.writerow(["sku", "price"])
    for n, row in enumerate(rows):
        if n == 100_000:
            break
        writer.writerow([row[sku], str(Decimal(row[price]) + 1)])
PY
upload=$(curl -s -H "Cookie: $admin_cookie" "http://127.0.0.1:$port/en/admin/transfer" | grep -o 'action="/api/upload_catalog_file[0-9]*"' | cut -d'"' -f2 || true)
read -r secs location < <(curl -s -o /dev/null -w '%{time_total} %{redirect_url}\n' -H "Cookie: $admin_cookie" -H 'Accept: text/html' \
  -F lang=en -F "file=@$data/import.csv;type=text/csv" "http://127.0.0.1:$port$upload")
printf 'upload         %s bytes in %s s\n' "$(wc -c <"$data/import.csv")" "$secs"
id=$(grep -o 'import=[0-9a-f-]*' <<<"$location" | cut -d= -f2 || true)
if [ -z "$id" ]; then
  echo "warning: the upload was refused ($location)"
else
  read -r secs status < <(curl -s -o "$data/preview.html" -w '%{time_total} %{http_code}\n' -H "Cookie: $admin_cookie" "http://127.0.0.1:$port/en/admin/transfer?import=$id")
  counts=$(grep -o 'data-testid="preview-counts"[^>]*>[^<]*' "$data/preview.html" | sed 's/.*>//' | head -1 || true)
  printf 'preview        %s s (%s): %s\n' "$secs" "$status" "$counts"
  apply=$(grep -o 'action="/api/apply_catalog_import[0-9]*"' "$data/preview.html" | cut -d'"' -f2 || true)
  read -r secs location < <(curl -s -o /dev/null -w '%{time_total} %{redirect_url}\n' -H "Cookie: $admin_cookie" -H 'Accept: text/html' \
    --max-time 3600 -d "lang=en&id=$id" "http://127.0.0.1:$port$apply")
  printf 'apply          %s s: %s\n' "$secs" "$(grep -o 'applied=[0-9.]*' <<<"$location" || echo "$location")"
fi

echo
echo "## What the browser downloads (release build)"
# Every page loads the main bundle; the account pages' code is split into chunks that
# load only when such a page is opened (counted together on the last line).
size() { # label, files...
  local label=$1; shift
  local raw gz br
  raw=$(cat "$@" | wc -c); gz=$(cat "$@" | gzip -9c | wc -c); br=$(cat "$@" | brotli -q 11 -c | wc -c)
  printf '%-14s %10s %10s %10s\n' "$label" "$raw" "$gz" "$br"
}
printf '%-14s %10s %10s %10s\n' file raw gzip brotli
size wasm target/site/pkg/vitrine.*.wasm
# The split loader (__wasm_split.js) is imported by the main script on every page.
size js target/site/pkg/vitrine.*.js target/site/pkg/__wasm_split.*.js
size css target/site/pkg/vitrine.*.css
chunks=()
for file in target/site/pkg/*.wasm; do
  case $(basename "$file") in vitrine.*) ;; *) chunks+=("$file") ;; esac
done
if [ ${#chunks[@]} -gt 0 ]; then size "lazy chunks" "${chunks[@]}"; fi
