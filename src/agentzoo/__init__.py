"""agentzoo: ten recent multi-agent systems on one shared core.

>>> from agentzoo.systems import fair_matching           # doctest: +SKIP
>>> result = fair_matching.run(fair_matching.Config.quick())  # doctest: +SKIP
>>> result.metrics, result.records, result.save("runs/fm")    # doctest: +SKIP
"""

from importlib import metadata

try:
    __version__ = metadata.version("agentzoo")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
