# Front door of fazhi-analysis. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REGION ?= 达坂城区
YEAR   ?= 2024

.DEFAULT_GOAL := help
.PHONY: help install system-deps data report test test-fast lint check-install bench clean examples examples-scale model score

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(STAMP) ## Create .venv and install the package with its test extra

system-deps: ## Install Chromium, Noto CJK fonts and poppler with apt-get when missing
	bash scripts/install-system-deps.sh

data: $(STAMP) ## Build data/processed/indicators.{parquet,csv} from data/raw/
	$(BIN)/fazhi build

report: data ## Build the data and the annual report of the bundled default (达坂城区 2024); prints the HTML and PDF paths
	@# Missing Chromium is not fatal here: fazhi report still writes the HTML and says how to install it.
	-@bash scripts/install-system-deps.sh
	$(BIN)/fazhi report --region $(REGION) --year $(YEAR)

test: system-deps $(STAMP) lint ## Install everything, lint, and run the test suite (doctests included)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Only the fast tests (none marked slow or system; doctests included), one worker a core; make test runs all
	$(BIN)/python -m pytest -m "not slow and not system" -n auto --dist loadfile

lint: $(STAMP) ## ruff: lint and formatting check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-install: system-deps $(STAMP) ## Build the wheel, install it in a fresh virtualenv outside the checkout, render the seed report
	bash scripts/check-install.sh $(BIN)/python

bench: $(STAMP) ## Run the benchmarks in benchmarks/ (on demand, not part of the tests)
	$(BIN)/python -m pip install -q cn2an
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

model: $(STAMP) ## Rebuild the extractor's fitted mapping (ingest/extract/model.json) from data/corpus/ (deterministic)
	$(BIN)/python -m pip install -q -e '.[model]'
	$(BIN)/python scripts/build_model.py splits
	$(BIN)/python scripts/build_model.py build

score: $(STAMP) ## Score the extractor on the corpus's test split, before (the rules of 9d786c5) and after
	$(BIN)/python benchmarks/score_corpus.py --split test --compare 9d786c5 --plot docs/reliability_test.png

examples: $(STAMP) ## Regenerate the fictitious example data in data/examples/raw/ (fixed seed)
	$(BIN)/python data/examples/make_examples.py

examples-scale: $(STAMP) ## Write an invented country to OUT=DIR: raw tables (OUT/raw) and their tidy table (OUT/processed)
	@test -n "$(OUT)" || { echo "usage: make examples-scale OUT=DIR [ARGS='--counties 4000 --layout single']"; exit 2; }
	$(BIN)/python data/examples/make_scale.py $(OUT)/raw $(ARGS)
	$(BIN)/python data/examples/make_scale.py $(OUT)/processed --tidy $(ARGS)

clean: ## Remove derived data and reports (data/raw/ is never touched)
	rm -rf data/processed/* reports/*
