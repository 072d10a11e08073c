# Loss to Launch: `make book` builds the executed HTML book, `make test` runs every check.
# Everything runs inside .venv, created from the pinned requirements.txt on first use.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# nbgrader calls `alembic`; jupyter-book and nbgrader spawn kernels: the venv's bin must come first.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 2

.DEFAULT_GOAL := help
.PHONY: help venv lint system-deps doctor book book-solutions book-zip pretrained pretrained-lm bench-lm bench-lora exercises check test test-fast bench grade-deps grade bench-grade corpus clean clean-venv

help: ## list the targets
	@echo "Loss to Launch: make targets"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@bash .ci/check-python "$(PYTHON)"
	@if [ -d $(VENV) ] && ! $(BIN)/python -c 'import sys' >/dev/null 2>&1; then \
	  echo "error: $(VENV) exists but its python does not run (moved or made by another Python)."; \
	  echo "fix:   make clean-venv && make venv"; exit 1; fi
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## create .venv from the pinned requirements (once)
	@$(BIN)/python -c 'import sys' 2>/dev/null || { echo "error: $(VENV) is broken; fix: make clean-venv && make venv"; exit 1; }

system-deps: ## install the Debian packages the tests drive (chromium) when missing and root
	@bash .ci/system-deps

# Regenerate only when a source (or the tooling that writes the notebooks) changed since the last run.
GENERATED_FROM := $(wildcard solutions/[0-9][0-9]_*.py chapters/[0-9][0-9]_*.md coursekit/*.py coursekit/nbgrader_adapter/*.py)
EXERCISES_STAMP := _build/.exercises.stamp

$(EXERCISES_STAMP): $(GENERATED_FROM) | venv
	$(BIN)/coursekit generate
	@mkdir -p $(@D) && touch $@

exercises: $(EXERCISES_STAMP) ## regenerate exercises/*.ipynb (nbgrader release) and chapters/*.ipynb when a source changed

book: exercises ## build the executed HTML book into _build/html (cached: unchanged chapters are not re-run)
	$(BIN)/jupyter-book build --warningiserror --keep-going . 
	@echo "Book: file://$(CURDIR)/_build/html/index.html"

book-solutions: book ## the instructors' solutions edition, built into _build/solutions-edition (never published)
	$(BIN)/coursekit solutions-edition

book-zip: book ## zip the built book for offline classroom use: _build/loss-to-launch-book.zip
	rm -rf _build/zip && mkdir -p _build/zip && cp -r _build/html _build/zip/loss-to-launch-book
	cd _build/zip && $(CURDIR)/$(BIN)/python -m zipfile -c ../loss-to-launch-book.zip loss-to-launch-book && cd .. && rm -rf zip
	@echo "Offline book: _build/loss-to-launch-book.zip (open loss-to-launch-book/index.html after unzipping)"

doctor: venv ## check this environment (Python, pinned packages, TensorFlow + device, kernel) with a fix per problem
	$(BIN)/coursekit doctor

lint: venv ## ruff (lint + format check) and mypy on coursekit/, pinned in requirements.txt
	$(BIN)/ruff check coursekit
	$(BIN)/ruff format --check coursekit
	$(BIN)/mypy

check: lint ## lint, generated files fresh, no solutions in student notebooks
	$(BIN)/coursekit check

test: venv system-deps grade-deps lint ## lint, then the whole test suite (builds the book, executes every chapter, grades every exercise)
	$(BIN)/python -m pytest

test-fast: venv ## the unit layer (tests/unit, seconds) and the other tests that need no TensorFlow notebook run
	$(BIN)/python -m pytest -m "not slow"

bench: venv ## time each chapter and each solution's autograde; writes benchmarks/results.{json,md}
	$(BIN)/coursekit bench

grade-deps: ## install bubblewrap (the grading sandbox) when missing and root; else say loudly why not
	@bash .ci/grade-deps

grade: venv grade-deps ## grade a class: make grade ASSIGNMENT=01_losses SUBMISSIONS=folder-or.zip [GRADE_ARGS="--due ..."]
	@if [ -z "$(ASSIGNMENT)" ] || [ -z "$(SUBMISSIONS)" ]; then \
	  echo "usage: make grade ASSIGNMENT=01_losses SUBMISSIONS=path/to/folder-or.zip [GRADE_ARGS='--jobs 4 --due \"2026-12-01 23:59 UTC\"']"; exit 2; fi
	$(BIN)/coursekit grade $(ASSIGNMENT) "$(SUBMISSIONS)" $(GRADE_ARGS)

bench-grade: venv grade-deps ## serial nbgrader autograde vs coursekit grade: 24 synthetic 01_losses submissions, then 12 of the TensorFlow-heavy 08_quantization
	$(BIN)/coursekit bench-grade
	$(BIN)/coursekit bench-grade --assignment 08_quantization -n 12

pretrained: venv ## re-train the shipped pretrained model into assets/digits04_base.{keras,json}
	$(BIN)/coursekit pretrained

pretrained-lm: venv ## re-train chapter 12's small GPT into assets/shakespeare_gpt.{weights.h5,json} (tens of minutes)
	$(BIN)/coursekit pretrained-lm

bench-lm: venv ## re-run chapter 12's recipe experiments (its live point, 6 arms x 3 seeds, a 4-size frontier) into benchmarks/lm_results.json (about 36 min)
	nice -n 10 $(BIN)/coursekit bench-lm

bench-lora: venv ## re-run chapter 13's fine-tuning grid into benchmarks/lora_results.json (about 20 min)
	nice -n 10 $(BIN)/coursekit bench-lora

corpus: venv ## re-make the vendored texts assets/shakespeare.json.gz and assets/pydoc_topics.json.gz (+ assets/corpora.json)
	$(BIN)/coursekit corpus

clean: ## remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

clean-venv: ## remove .venv
	rm -rf $(VENV)
