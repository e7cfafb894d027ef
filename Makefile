# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint format bench fuzz chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	mkdir -p var
	$(BIN)/hms serve --demo

# Chromium for the browser tests comes from Debian's package, installed when we are root.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null \
		|| (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null); \
	fi

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Longer runs of the generated-input tests (schemathesis and the fold property test), on
# both stores; `make test` runs the same tests with few examples.
fuzz: $(STAMP)
	HMS_FUZZ_EXAMPLES=$${HMS_FUZZ_EXAMPLES:-150} HMS_FUZZ_STORES=sqlite,postgres \
		$(BIN)/python -m pytest -q -p no:cacheprovider --timeout=3600 \
		tests/reliability/test_schema_fuzz.py tests/reliability/test_every_input_folds.py

clean:
	rm -rf $(VENV) var .pytest_cache
