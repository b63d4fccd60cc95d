"""PCG32: the reference demo's values, the rejection method, and the C++ twin's identical stream."""

from __future__ import annotations

import subprocess
from pathlib import Path

from agentzoo.systems.ale_bench.rng import PCG32

from .conftest import build


def test_reference_demo_values() -> None:
    rng = PCG32(42, 54)
    assert [rng.next_u32() for _ in range(3)] == [0xA15C02B7, 0x7B47F409, 0xBA1D3330]


def test_bounded_draws_stay_in_range_and_cover_it() -> None:
    rng = PCG32(7, 1)
    draws = [rng.below(6) for _ in range(600)]
    assert set(draws) == set(range(6))
    assert all(3 <= rng.randint(3, 5) <= 5 for _ in range(100))
    items = list(range(10))
    rng.shuffle(items)
    assert sorted(items) == list(range(10)) and items != list(range(10))


def test_rejection_threshold_skips_low_values() -> None:
    # bound 3: threshold = 2^32 mod 3 = 1, so a raw 0 is rejected and the next draw is used
    rng = PCG32(1, 2)
    raw = PCG32(1, 2)
    values = [raw.next_u32() for _ in range(50)]
    expected = [v % 3 for v in values if v >= (2**32) % 3]
    assert [rng.below(3) for _ in range(len(expected))] == expected


def test_cpp_twin_matches(gxx: str, tmp_path: Path) -> None:
    src = tmp_path / "pcg.cpp"
    src.write_text(
        '#include <cstdio>\n#include "pcg32.hpp"\nint main(){PCG32 a(42,54); for(int i=0;i<5;i++) printf("%u\\n", a.next_u32());'
        'PCG32 b(12345, 99); for(int i=0;i<5;i++) printf("%u\\n", b.below(1000)); std::vector<int> v{0,1,2,3,4,5,6,7};'
        'b.shuffle(v); for(int x: v) printf("%d\\n", x);}\n'
    )
    out = subprocess.run([str(build(gxx, src, tmp_path, "pcg"))], capture_output=True, text=True, check=True).stdout.split()
    a, b = PCG32(42, 54), PCG32(12345, 99)
    expected = [a.next_u32() for _ in range(5)] + [b.below(1000) for _ in range(5)]
    v = list(range(8))
    b.shuffle(v)
    assert [int(x) for x in out] == expected + v
