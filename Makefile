# Every target bootstraps .venv when it is missing, so a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/wuxing/static/vendor
ASSETS := $(VENDOR)/echarts.min.js $(VENDOR)/pdfjs/pdf.worker.min.mjs
PYTEST_ARGS ?=
WORKERS ?= 2

.PHONY: demo serve test test-browser guide bench lint lock assets clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

# Charts (ECharts) and the case-file page viewer (PDF.js, its legacy build for the older browsers of government
# offices; its optional Node canvas is not needed in a browser).
$(ASSETS) &: package.json package-lock.json
	npm ci --no-audit --no-fund --silent --omit=optional
	mkdir -p $(VENDOR)/pdfjs
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	cp node_modules/pdfjs-dist/legacy/build/pdf.min.mjs node_modules/pdfjs-dist/legacy/build/pdf.worker.min.mjs $(VENDOR)/pdfjs/

assets: $(ASSETS)

demo: $(STAMP) $(ASSETS)
	$(BIN)/wuxing demo

serve: $(STAMP) $(ASSETS)
	$(BIN)/wuxing serve

test: $(STAMP) $(ASSETS)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/lint-imports
	WUXING_TESTING=true $(BIN)/wuxing makemigrations --check --dry-run
	$(BIN)/pytest -m "not e2e" -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-browser: $(STAMP) $(ASSETS)
	mkdir -p var && DJANGO_ALLOW_ASYNC_UNSAFE=true WUXING_TEST_DB_FILE=$(CURDIR)/var/test-e2e.sqlite3 $(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

guide: test-browser
	$(BIN)/python docs/guide/build.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/lint-imports

lock: $(STAMP)
	head -2 requirements.lock > requirements.lock.new
	$(BIN)/pip freeze --exclude-editable | grep -iv '^wuxing' >> requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) node_modules src/wuxing/static/vendor var
