# Set-up and the two front-door jobs. `make demo` and `make test` each create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test benchmark clean

$(BIN)/partner-analysis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/partner-analysis

demo: install
	$(BIN)/partner-analysis demo

test: install
	$(BIN)/python -m pytest -n 2 -q

benchmark: install
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_kpis.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_user_metric.py
	$(BIN)/python benchmarks/bench_compare.py
	$(BIN)/python benchmarks/bench_reports.py

clean:
	rm -rf data/processed/* reports/* .pytest_cache
