# The two commands of the README: `make demo` and `make test`. Both start with `make install`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SYSTEM_PACKAGES := postgresql prometheus prometheus-alertmanager chromium fonts-thai-tlwg kcat

.PHONY: install demo test unit integration lock clean

install: $(VENV)/.installed
	@$(BIN)/sanpalang kafka fetch >/dev/null
	@[ ops/asyncapi/node_modules/.package-lock.json -nt ops/asyncapi/package-lock.json ] || npm ci --prefix ops/asyncapi --no-audit --no-fund --ignore-scripts

$(VENV)/.installed: pyproject.toml constraints.txt ops/install-system.sh
	@bash ops/install-system.sh $(SYSTEM_PACKAGES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench]'
	@touch $@

demo: install
	$(BIN)/sanpalang demo

test: install
	$(BIN)/sanpalang schemas check
	$(BIN)/pytest -q tests

unit: install
	$(BIN)/pytest -q tests/unit

integration: install
	$(BIN)/pytest -q tests/integration

# Re-pin every Python dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/sanpalang-lock && $(PYTHON) -m venv /tmp/sanpalang-lock
	/tmp/sanpalang-lock/bin/pip install -q --upgrade pip
	/tmp/sanpalang-lock/bin/pip install -q '.[dev,bench]'
	/tmp/sanpalang-lock/bin/pip freeze --exclude sanpalang > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info
