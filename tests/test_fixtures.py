"""The fixture copy of the published sample is the real one, byte for byte.

Tests read the copy so that a clone anywhere (CI) has it; where the shared original sits beside
the checkout, this proves the copy was not edited.
"""

from pathlib import Path

import pytest

COPY = Path(__file__).parent / "fixtures" / "hongjiang-kjgxj-2024.txt"
ORIGINAL = Path(__file__).resolve().parents[2] / "shared" / "samples" / "hongjiang-kjgxj-2024.txt"


@pytest.mark.skipif(not ORIGINAL.exists(), reason="no shared/samples beside this checkout to compare with")
def test_the_fixture_is_the_published_sample():
    assert COPY.read_bytes() == ORIGINAL.read_bytes()
