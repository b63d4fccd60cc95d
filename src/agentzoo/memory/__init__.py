"""Shared memory core: an offline text embedder and a persistent vector store.

>>> from agentzoo.memory import VectorStore, MemoryItem, HashEmbedder
>>> store = VectorStore(":memory:", embedder=HashEmbedder(dim=32))
>>> len(store.add([MemoryItem("hello")]))
1
"""

from agentzoo.memory.embedder import (
    Embedder,
    EmbedderError,
    HashEmbedder,
    MiniLMEmbedder,
    get_embedder,
    minilm_path,
)
from agentzoo.memory.store import (
    MemoryItem,
    Record,
    StoreError,
    StoreLockedError,
    VectorStore,
    item_id,
)

__all__ = [
    "Embedder",
    "EmbedderError",
    "HashEmbedder",
    "MemoryItem",
    "MiniLMEmbedder",
    "Record",
    "StoreError",
    "StoreLockedError",
    "VectorStore",
    "get_embedder",
    "item_id",
    "minilm_path",
]
