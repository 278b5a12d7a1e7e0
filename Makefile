# taskgate. `make setup && make run` to try it; `make test` to test it.
SHELL := /bin/bash
NODE_BIN := node_modules/.bin
RUNTIME_SRC := $(wildcard rego/runtime/*.ts rego/runtime/builtins/*.ts)

.PHONY: setup build runtime run test conformance bench clean

setup:
	npm ci --no-audit --no-fund
	$(MAKE) build

build: dist/runtime/runtime.wasm
	$(NODE_BIN)/tsc -p tsconfig.json

runtime: dist/runtime/runtime.wasm

dist/runtime/runtime.wasm: $(RUNTIME_SRC) rego/runtime/asconfig.json
	@mkdir -p dist/runtime
	$(NODE_BIN)/asc rego/runtime/index.ts --config rego/runtime/asconfig.json -o $@ -t dist/runtime/runtime.wat

run: build
	node bin/taskgate.js decider

# vitest strips types without checking them, so the tests are type-checked against the code they call first.
test: build
	$(NODE_BIN)/tsc -p tsconfig.test.json
	$(NODE_BIN)/vitest run
	node bin/taskgate.js policy test policies/

conformance: build
	node dist/rego/conformance/run.js --min-pass-rate 0.97 --json reports/conformance.json ../shared/rego-compliance

bench: build
	node dist/bench/run.js

clean:
	rm -rf dist
