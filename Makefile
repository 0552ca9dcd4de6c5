# Thin wrappers around dev.py (which needs only Python 3.10+).
PYTHON ?= python3

.PHONY: book test bench assignments
book:
	$(PYTHON) dev.py book
test:
	$(PYTHON) dev.py test
bench:
	$(PYTHON) dev.py bench
assignments:
	$(PYTHON) dev.py assignments
