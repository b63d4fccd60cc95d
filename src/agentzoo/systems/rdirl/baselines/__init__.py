"""In-house baselines (``imitation`` cannot be installed beside gymnasium 1.x / SB3 2.9)."""
