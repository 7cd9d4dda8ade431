# The two commands: `make run` runs the shop, `make test` runs every test.
# Both install what is missing first (scripts/bootstrap.sh).

SHELL := /bin/bash
# cargo-leptos finds tailwindcss and wasm-opt here instead of downloading them.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# SQL is checked at compile time against .sqlx/, so no database is needed to build.
export SQLX_OFFLINE := true
# The name cargo-leptos gives the bundle; set for plain cargo too so both builds agree
# and cargo does not rebuild Leptos when switching between them.
export LEPTOS_OUTPUT_NAME := vitrine

.PHONY: run test setup build release watch bench lint fmt sqlx-prepare clean-data

run: build
	target/debug/vitrine

test: build
	scripts/test.sh

setup:
	@scripts/bootstrap.sh

build: setup
	cargo leptos build --split

release: setup
	cargo leptos build --release --split

watch: setup
	cargo leptos watch --split

bench: setup
	scripts/bench.sh

lint:
	cargo fmt --all --check
	cargo clippy -p localpg -p types -p domain -p demo -p app -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

sqlx-prepare:
	SQLX_OFFLINE=false scripts/sqlx-prepare.sh

# Removes the private database and the kept secret key (the demo shop is re-created).
clean-data:
	rm -rf data
