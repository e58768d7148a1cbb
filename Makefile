# Two commands a newcomer needs: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: setup run test index bench soak clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(BIN)/kwarchive reindex --if-stale

run: index
	$(BIN)/gunicorn --config web/gunicorn_conf.py --bind 127.0.0.1:$(PORT) wsgi:app

# Browser tests drive Debian's Chromium; install it when this machine lacks it.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup browser
	KWARCHIVE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q

# The benchmark against SQLite FTS5 and tantivy (`make bench QUICK=1` for 1,000 and 10,000 documents only;
# `make bench SCALE=1000000` for that one size: hours, not part of `make test` — see the README).
bench: setup
	$(BIN)/python -m bench.corpus_parse
	$(BIN)/python -m bench.run $(if $(QUICK),--quick) $(if $(SCALE),--sizes $(SCALE))

# Load, reindex-under-load, kill-loop and hostile-client runs (about 10 minutes: 20,000 unique-word searches take 3–6); ends with `soak: N requests, E errors, p99 X ms`.
soak: setup
	$(BIN)/python -m soak.run

clean:
	rm -rf $(VENV) var
