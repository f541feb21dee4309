"""The category suggestion keeps the served process small: PyThaiNLP's tokeniser is imported only when a problem
is first typed, and its trie holds the keywords and the dictionary words that contain one, not the whole bundled
dictionary (about 75 MB more). Measured in a fresh interpreter, as the served process would load it."""

from __future__ import annotations

import subprocess
import sys

from storage.data.fixed_lists import CATEGORY_KEYWORDS

MEASURE = """
import sys
from storage.data.fixed_lists import CATEGORY_KEYWORDS
from storage.models import CategoryKeyword

def rss_mb():
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024

import bot.domain.complaints.keywords  # what the served process imports at start
assert "pythainlp" not in sys.modules, "PyThaiNLP is imported before anyone types a problem"
before = rss_mb()
from bot.domain.complaints.suggest import suggest_category
keywords = {CategoryKeyword.normal(w): code for code, words in CATEGORY_KEYWORDS.items() for w in words}
order = {code: n for n, code in enumerate(CATEGORY_KEYWORDS)}
assert suggest_category("ถนนหน้าบ้านเป็นหลุมลึก", keywords, order) == "roads"
print(round(rss_mb() - before, 1))
"""


def test_the_tokeniser_is_loaded_lazily_and_costs_little_memory() -> None:
    assert CATEGORY_KEYWORDS
    run = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stderr
    grown_mb = float(run.stdout.strip())
    assert grown_mb < 35, f"the suggestion made the process {grown_mb} MB bigger"
