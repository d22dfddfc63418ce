"""Where the data folders ``rules/`` and ``prompts/`` are.

A wheel carries them inside the package (see ``force-include`` in pyproject.toml). An editable
install or a source checkout has them beside the package instead, at the top of the project. The
one-file executable (packaging/build_exe.py) is built from the wheel: it unpacks the package, data
folders inside, into a temporary folder at start, where ``importlib.resources`` finds them the same way.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import gkassist


def data_dir(name: str) -> Path:
    """The folder ``name`` ("rules" or "prompts"), wherever this installation keeps it."""
    packaged = resources.files("gkassist").joinpath(name)
    if packaged.is_dir():
        return Path(str(packaged))
    beside = Path(gkassist.__file__).resolve().parent.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(
        f"找不到数据文件夹 {name}/：安装可能不完整，请重新安装 gkassist（pip install .）。"
    )


def rules_dir() -> Path:
    return data_dir("rules")


def prompts_dir() -> Path:
    return data_dir("prompts")
