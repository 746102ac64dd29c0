# exomir-kg: `make` sets up and runs the main job; `make test` sets up and runs the tests.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VERSION ?= $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

.PHONY: all setup shell kgx-env build validate queries reason release lint test clean

all: build validate queries reason release
	@echo "main job done: KG in kg/, release $(VERSION) in dist/$(VERSION)/ (see README for what to query next)"

setup: $(STAMP)

# a shell with the project's environment first on the PATH: 'exomirkg ...' works there; 'exit' leaves it
shell: $(STAMP)
	@echo "exomirkg is on the PATH here ('exit' to leave)"
	@PATH="$(abspath $(BIN)):$$PATH" VIRTUAL_ENV="$(abspath $(VENV))" $${SHELL:-/bin/bash}

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@command -v java >/dev/null || echo "note: no java on PATH; 'exomirkg reason' (HermiT) needs a JRE: apt-get install default-jre-headless"
	touch $(STAMP)

# kgx (the Biolink KGX library, to validate the KGX export) in an environment of its own: it pins
# numpy, Sphinx and mypy versions that the project's environment does not share
KGX_VENV  ?= .venv-kgx
KGX_STAMP := $(KGX_VENV)/.installed

kgx-env: $(KGX_STAMP)

$(KGX_STAMP):
	$(PYTHON) -m venv $(KGX_VENV)
	$(KGX_VENV)/bin/pip install --quiet 'kgx==2.6.0'
	touch $(KGX_STAMP)

build: $(STAMP)
	$(BIN)/exomirkg build

validate: $(STAMP)
	$(BIN)/exomirkg validate

queries: $(STAMP)
	$(BIN)/exomirkg query --all

reason: $(STAMP)
	$(BIN)/exomirkg reason

# SERVER_URL: public URL of `exomirkg serve --release`, where the release's w3id.org rules redirect
release: $(STAMP)
	$(BIN)/exomirkg release $(VERSION) --out dist --force $(if $(SERVER_URL),--server-url $(SERVER_URL))

lint: $(STAMP)
	$(BIN)/ruff check src
	$(BIN)/mypy

test: $(STAMP) $(KGX_STAMP)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(KGX_VENV) build *.egg-info src/*.egg-info .pytest_cache
