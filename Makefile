# Each target sets up .venv itself when it is missing or older than pyproject.toml.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= habeas.db
PEOPLE ?= 100000

.PHONY: run test lint bench docs clean messages

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

## run: set up, create $(DB) with demo data (and an admin account) if it has none, print today's report, serve the web app
run: $(STAMP)
	$(BIN)/habeas --db $(DB) init
	$(BIN)/habeas --db $(DB) demo --if-empty
	$(BIN)/habeas --db $(DB) report
	$(BIN)/habeas --db $(DB) serve

## test: set up, lint and type-check, then the whole test suite
test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## bench: print the benchmark figures (PEOPLE=100000 by default)
bench: $(STAMP)
	$(BIN)/python benchmarks/held_on.py --people $(PEOPLE)
	$(BIN)/python benchmarks/writes.py
	$(BIN)/python benchmarks/web.py --people $(PEOPLE)
	$(BIN)/python benchmarks/import.py --rows $(PEOPLE)
	$(BIN)/python benchmarks/publish.py --people 10000 --langs en,az,ru
	$(BIN)/python benchmarks/linkage.py --people 1000000

## docs: regenerate docs/cli.md from the commands' help
docs: $(STAMP)
	$(BIN)/python -m habeas.cli_reference > docs/cli.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

## messages: extract the interface's _("…") strings into locale/messages.pot and update the az and ru catalogues
LOCALES := src/habeas/web/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o $(LOCALES)/messages.pot --no-location --sort-output \
		--add-comments=Translators: --project=habeas --copyright-holder="habeas contributors" .
	for lang in az ru; do \
		$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang \
			--no-fuzzy-matching --init-missing || exit 1; \
	done
