"""The hashed word keys of a text, as the index stores and queries them.

A text's keys are the hashes (:func:`tm.search.normalize.key_hash`) of its folded words, every
number the same key; two caches (tokens, whitespace-separated chunks) make most of the work a
dict lookup, since a memory's words repeat.
"""
from __future__ import annotations

import sys
from array import array

from tm.search.normalize import NUMBER_KEY, fold, key_hash
from tm.tokens import INDEX_TOKEN  # normalize.tokenize's words and numbers, no Token objects

_NUMBER_HASH = key_hash(NUMBER_KEY)


class _HashCache(dict[str, int]):
    """Hashes of tokens as written: news vocabulary is Zipfian, so most tokens of a million
    sentences are found here instead of folded and hashed again (a third of build time).

    Numbers are not kept: they all hash alike, and nearly every one is new (ids, dates,
    amounts), so keeping them only filled the cache (a million entries, 110 MB at 1M units).
    """

    # Tokens kept before the cache starts over: the frequent words are back within a few
    # sentences, and 65,536 short strings take about 7 MB, so peak memory stays flat.
    MAX = 1 << 16

    def __missing__(self, token: str) -> int:
        if token[0].isdigit():
            return _NUMBER_HASH
        if len(self) >= self.MAX:
            self.clear()
        value = self[token] = key_hash(fold(token))
        return value


_HASHES = _HashCache()


class _ChunkCache(dict[str, bytes]):
    """Stored keys (:func:`key_blob`) of the whitespace-separated chunks of texts («года,»,
    «заявил.», «из-за»).

    No token spans whitespace (tokens are made of word characters and ``-'’.,:`` only), so
    the keys of a text are its chunks' keys in order; most chunks are seen again, and a
    split, a dict lookup per chunk and one join cost a fraction of the token regex over the
    text. Chunks starting with a digit (ids, amounts, dates) are rarely seen again: they
    are tokenized every time instead of filling the cache.
    """

    MAX = 1 << 16  # chunks kept before the cache starts over (a few MB), as _HashCache

    def __missing__(self, chunk: str) -> bytes:
        keys = array("I", map(_HASHES.__getitem__, INDEX_TOKEN.findall(chunk)))
        if sys.byteorder != "little":
            keys.byteswap()
        blob = keys.tobytes()
        if not chunk[0].isdigit():
            if len(self) >= self.MAX:
                self.clear()
            self[chunk] = blob
        return blob


_CHUNKS = _ChunkCache()


def key_blob(text: str) -> bytes:
    """Return the stored form of the keys of ``text``: little-endian uint32s."""
    return b"".join(map(_CHUNKS.__getitem__, text.split()))


def index_keys(text: str) -> array[int]:
    """Return the hashed word keys of ``text`` (as :func:`tm.search.normalize.hashed_keys`)."""
    keys = array("I")
    keys.frombytes(key_blob(text))
    if sys.byteorder != "little":
        keys.byteswap()
    return keys
