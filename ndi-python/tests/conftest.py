"""Shared paths: the repository's golden corpora (corpora/) and demo corpus."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO / "corpora"
DEMO = CORPORA / "demo"


@pytest.fixture
def demo() -> Path:
    return DEMO
