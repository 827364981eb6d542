# The README's two commands: `make run` and `make test`. Each does all the set-up it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi:app
VENDOR := static/vendor
STATIC_MANIFEST := static/cache_manifest.json
# What the hashed copies are made from (not the copies, their .gz/.br or the manifest).
STATIC_SOURCES := $(shell find static -regextype posix-extended -path $(VENDOR) -prune -o -type f \
  ! -name '*.gz' ! -name '*.br' ! -name cache_manifest.json ! -regex '.*-[0-9a-f]{32}\.[^/]*' -print)

.PHONY: run test setup lint format bench bench-diff bench-parents clean twemoji-list

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask portal install-content
	$(BIN)/flask portal seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	HOME=$(CURDIR)/.cache TMPDIR=$(CURDIR)/.tmp $(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed $(VENDOR)/.installed $(STATIC_MANIFEST)
	@mkdir -p instance .cache .tmp

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end assets come from the npm registry and are served by the portal itself (no CDN).
# Pictures are Twemoji's SVGs (CC-BY 4.0, credited on /about), the same on every device.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico.min.css
	rm -rf $(VENDOR)/twemoji
	mkdir -p $(VENDOR)/twemoji
	cp node_modules/@twemoji/svg/*.svg $(VENDOR)/twemoji/
	touch $@

# Every static file gets a copy named by its content's hash, with .gz and .br beside it, and the
# manifest templates read (Flask-Static-Digest); WhiteNoise serves them. Rebuilt when one changes.
$(STATIC_MANIFEST): $(VENV)/.installed $(VENDOR)/.installed $(STATIC_SOURCES)
	@mkdir -p instance
	$(BIN)/flask digest clean >/dev/null
	$(BIN)/flask digest compile >/dev/null

# Pages' requests/s, p50 and p95 against the bare route, driven by wrk (which uses little CPU):
# SQLite and PostgreSQL (127.0.0.1:5432, a database made and dropped), demo school and 5,000
# pupils. One run: make bench BENCH_ARGS="--database postgresql --pupils 5000 --seconds 10"
BENCH_ARGS ?=
BENCH_RUNS := "--database sqlite --pupils 0" "--database postgresql --pupils 0" \
  "--database sqlite --pupils 5000" "--database postgresql --pupils 5000"
bench: setup
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install -y wrk"; exit 1; }
	@if [ -n "$(BENCH_ARGS)" ]; then $(BIN)/python bench/load.py $(BENCH_ARGS); \
	else for run in $(BENCH_RUNS); do $(BIN)/python bench/load.py $$run || exit 1; echo; done; fi

bench-diff: setup
	$(BIN)/python bench/diff.py

bench-parents: setup
	$(BIN)/python bench/parents.py

# A large fictional school (DEMO_PUPILS pupils) in its own database, built afresh each time.
# Serve it with: PORTAL_DATABASE_URL=sqlite:///$PWD/instance/demo-large.sqlite3 .venv/bin/flask run
DEMO_PUPILS ?= 5000
DEMO_LARGE_URL := sqlite:///$(CURDIR)/instance/demo-large.sqlite3
.PHONY: demo-large
demo-large: setup
	rm -f instance/demo-large.sqlite3
	PORTAL_DATABASE_URL=$(DEMO_LARGE_URL) $(BIN)/flask db upgrade
	PORTAL_DATABASE_URL=$(DEMO_LARGE_URL) $(BIN)/flask portal generate-demo --pupils $(DEMO_PUPILS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .

# After changing the @twemoji/svg version: the list of its pictures the content checker reads.
twemoji-list: $(VENDOR)/.installed
	ls node_modules/@twemoji/svg | sed -n 's/\.svg$$//p' | LC_ALL=C sort > portal/twemoji-files.txt

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .cache .tmp test-results
