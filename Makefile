# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Both create .venv on first use and reinstall only when pyproject.toml changes.
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test bench lint bench-load serve-many

$(INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/streamlit run app/streamlit_app.py

test: $(INSTALLED)
	$(PY) -m pytest

bench: $(INSTALLED)
	$(PY) -m benchmarks.run $(BENCH)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

# N sessions labelling at once against one server (make bench-load N=30), or through
# nginx in front of REPLICAS app processes (make bench-load N=10 REPLICAS=3). Sessions are
# light clients speaking Streamlit's websocket protocol; BROWSERS=2 makes two of them
# Chromium tabs instead.
LOAD_SESSIONS := 1,10
REPLICAS ?= 1
BROWSERS ?= 0
bench-load: $(INSTALLED)
	$(PY) -m benchmarks.bench_load --sessions $(or $(N),$(LOAD_SESSIONS)) \
		--replicas $(REPLICAS) --browsers $(BROWSERS)

# N app processes behind nginx, sticky sessions, on http://127.0.0.1:8500 (make serve-many N=3).
serve-many: $(INSTALLED)
	@$(PY) scripts/serve_many.py --check-nginx
	$(PY) scripts/serve_many.py --replicas $(or $(N),3)
