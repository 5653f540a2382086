# Two commands on a fresh machine: `make run` (the app with demo data on http://127.0.0.1:8000) and
# `make test` (the whole suite). Both create .venv and install what they need.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The embedded default: DEBUG off (the Chinese 403/404/500 pages), plain HTTP on this machine only
# (DJANGO_EMBEDDED in wenchanghu/settings.py). PORT=8100 make run serves on another port.
PORT := $(or $(PORT),8000)
EMBEDDED := DJANGO_EMBEDDED=true

run: $(STAMP)
	$(EMBEDDED) $(PY) manage.py migrate --noinput
	$(EMBEDDED) $(PY) manage.py seed_demo
	@echo ""
	@echo "文昌湖区扶贫对象管理系统：http://127.0.0.1:$(PORT)/accounts/login/"
	@echo "用上面列出的演示用户登录（shangjia = 商家镇，mengshui = 萌水镇，district = 区扶贫办）。按 Ctrl+C 停止。"
	@echo ""
	$(EMBEDDED) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
