"""Which complaint category a typed problem is most likely about, from the categories' keywords.

Thai is written without spaces between words, so a keyword cannot be found by splitting on spaces, and finding it
as a substring is wrong as often as right: "ไฟ" (fire) is inside "ไฟฟ้า" (electricity), "น้ำ" inside "น้ำใจ". The
text is cut into words by PyThaiNLP's `newmm` tokeniser (maximal matching over a dictionary, no model and no
download), and a keyword counts only where it is a whole word.

Memory: PyThaiNLP's whole bundled dictionary (62,000 words) costs about 75 MB as its trie. The tokeniser here
gets a trie of the keywords and of the dictionary's words that contain one (a few hundred): a longer word still
wins over the keyword inside it, which is all the matching needs, for about 1 MB. The module is imported lazily,
on the first typed problem, and the trie is rebuilt only when the keywords change.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*")
_lock = threading.Lock()


def suggest_category(text: str, keywords: Mapping[str, str], order: Mapping[str, int]) -> str | None:
    """The category code whose keywords weigh most in `text`, counting whole words only; a keyword weighs its
    length, since a longer one is more specific ("น้ำท่วม" over "ถนน" in "น้ำท่วมถนน"). A tie goes to the category
    listed first (`order`: code -> position). None when no keyword occurs. `keywords` maps keyword -> code."""
    if not keywords or not text.strip():
        return None
    hits: Counter[str] = Counter()
    for word in words_in(text, frozenset(keywords)):
        if word in keywords:
            hits[keywords[word]] += len(word)
    if not hits:
        return None
    return min(hits, key=lambda code: (-hits[code], order.get(code, len(order))))


def words_in(text: str, keywords: frozenset[str]) -> list[str]:
    """The words of `text` (normalised like keywords): its Thai runs as the tokeniser cuts them, its Latin words
    as written, where an English plural also stands for its singular ("potholes" finds "pothole")."""
    normal = unicodedata.normalize("NFC", text).casefold()
    words = [word if word in keywords or not word.endswith("s") else word[:-1] for word in _LATIN_WORD.findall(normal)]
    runs = _THAI_RUN.findall(normal)
    if runs:
        tokenise = _tokeniser(keywords)
        words += [token for run in runs for token in tokenise(run)]
    return words


def _tokeniser(keywords: frozenset[str]) -> Callable[[str], list[str]]:
    with _lock:  # the first build takes a moment; two turns need not build it twice
        return _build_tokeniser(keywords)


@lru_cache(maxsize=2)
def _build_tokeniser(keywords: frozenset[str]) -> Callable[[str], list[str]]:
    from pythainlp.corpus import get_corpus
    from pythainlp.tokenize.newmm import segment
    from pythainlp.util import Trie

    trie = Trie(_trie_words(keywords, get_corpus("words_th.txt")))

    def tokenise(text: str) -> list[str]:
        return list(segment(text, custom_dict=trie))

    return tokenise


def _trie_words(keywords: frozenset[str], dictionary: Iterable[str]) -> set[str]:
    """The keywords and every dictionary word that contains one (so that "ไฟฟ้า" is not read as "ไฟ")."""
    thai = [re.escape(word) for word in keywords if not word.isascii()]
    if not thai:
        return set(keywords)
    containing = re.compile("|".join(sorted(thai, key=len, reverse=True)))
    return set(keywords) | {word for word in dictionary if containing.search(word)}
