"""edge-caching: fine-grained AI model caching and CoMP broadcasting in multi-cell edge networks.

Fu, Qin, Zhang, Cheng, Lu, Wang, "Fine-Grained AI Model Caching and Downloading With
Coordinated Multipoint Broadcasting in Multi-Cell Edge Networks" (arXiv 2509.19341).
Edge nodes cache parameter blocks (PBs) of models fine-tuned from shared backbones, move
them over the backhaul, and broadcast them jointly (CoMP); MAASN-DA learns the caching.
The model and hyperparameters are reconstructed (see ../shared/specs/edge_caching.md and
docs/edge_caching.md).
"""

from agentzoo.systems.edge_caching.config import Config
from agentzoo.systems.edge_caching.figures import figures
from agentzoo.systems.edge_caching.run import run

__all__ = ["Config", "figures", "run"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "EdgeCachingEnv":  # lazy: pettingzoo is an optional dependency
        from agentzoo.systems.edge_caching.env import EdgeCachingEnv

        return EdgeCachingEnv
    raise AttributeError(name)
