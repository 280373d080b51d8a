# Aftersales — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
WORKERS ?= 3
# pytest processes (pytest-xdist); each has its own test database and browser
TEST_WORKERS ?= 2
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV := .tools/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test venv assets messages system-packages browser migrate demo lint serve worker bench clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.8"

.venv/.synced: .tools/bin/uv pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

venv: .venv/.synced

# The source maps go along: the minified files name them, and collectstatic's manifest insists they exist.
static/vendor/.built: package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/htmx static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	touch $@

assets: static/vendor/.built

# Debian packages: gettext for the catalogues, Chromium and a CJK font for browser tests, Pango for
# WeasyPrint's PDFs, poppler (pdftoppm) and Tesseract with its Simplified Chinese model so the tests
# can turn a PDF into an image and read the Chinese back.
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi" || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	[ -n "$$(ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata 2>/dev/null)" ] || missing="$$missing tesseract-ocr-chi-sim"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: venv system-packages
	@mkdir -p locale  # compilemessages refuses to run when no locale folder exists yet
	$(MANAGE) compilemessages --ignore ".venv/*" --ignore "node_modules/*" -v 0

migrate: venv
	$(MANAGE) migrate --no-input -v 0

demo: migrate
	$(MANAGE) load_demo_data

run: venv assets system-packages messages demo
	$(MANAGE) collectstatic --no-input -v 0
	@echo "Aftersales on http://127.0.0.1:$(PORT)  (logins in README.md)"
	@mkdir -p var; \
	.venv/bin/celery -A config worker --beat --loglevel=WARNING --concurrency=1 --schedule var/celerybeat-schedule & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	.venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile -

test: venv assets messages
	$(PY) -m ruff check .
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .

bench: venv
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf .venv .tools node_modules static/vendor staticfiles var
