# Set-up and everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BABEL := $(BIN)/pybabel

# One gettext domain per area of the code, each extracted from its own folders (see bot/core/i18n.py).
DOMAINS := core domain cli web line telegram conversations complaints citizen officer secretariat desk public
core_PATHS := $(wildcard bot/*.py) $(wildcard bot/channels/*.py) bot/core bot/jobs storage
domain_PATHS := bot/domain
cli_PATHS := bot/cli
web_PATHS := $(wildcard bot/web/*.py) bot/web/open311
public_PATHS := bot/web/public
line_PATHS := bot/channels/line
telegram_PATHS := bot/channels/telegram
conversations_PATHS := $(wildcard handlers/*.py)
complaints_PATHS := handlers/complaints
citizen_PATHS := handlers/citizen
officer_PATHS := handlers/officer
secretariat_PATHS := handlers/secretariat
# The web desk: its Python modules and its Jinja2 templates (desk_MAPPING tells Babel how to read them).
desk_PATHS := bot/web/desk handlers/desk
desk_MAPPING := -F bot/web/desk/babel.cfg
LANGS := th en
KEYWORDS := -k _ -k N_ -k gettext -k lazy_gettext -k ngettext:1,2

.PHONY: install run test lint typecheck pytest i18n-paths i18n-extract i18n-update i18n-compile i18n migrate seed bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

i18n-paths:
	@$(foreach d,$(DOMAINS),echo '$(d): $(filter-out %/__pycache__,$($(d)_PATHS))' &&) true

i18n-extract: $(STAMP)
	@$(foreach d,$(DOMAINS),$(BABEL) -q extract --no-location --sort-output --width=120 $(KEYWORDS) $($(d)_MAPPING) \
		--project=hpp-bot -o locales/$(d).pot $(filter-out %/__pycache__,$($(d)_PATHS)) &&) true

i18n-update: i18n-extract
	@$(foreach d,$(DOMAINS),$(foreach l,$(LANGS),$(BABEL) -q update --no-fuzzy-matching --init-missing --width=120 \
		--ignore-obsolete -i locales/$(d).pot -d locales -D $(d) -l $(l) &&)) true

i18n-compile: $(STAMP)
	@$(foreach d,$(DOMAINS),$(foreach l,$(LANGS),test ! -f locales/$(l)/LC_MESSAGES/$(d).po || \
		$(BABEL) -q compile -d locales -D $(d) -l $(l) &&)) true

i18n: i18n-update i18n-compile

migrate: $(STAMP)
	$(BIN)/hpp-bot db upgrade

seed: migrate
	$(BIN)/hpp-bot seed --demo

run: i18n-compile seed
	$(BIN)/hpp-bot serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) i18n-compile
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP) i18n-compile
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-artifacts
