"""Where the data folders ``rules/`` and ``prompts/`` are.

A wheel carries them inside the package (see ``force-include`` in pyproject.toml). An editable
install or a source checkout has them beside the package instead, at the top of the project. The
one-file executable (packaging/build_exe.py) is built from the wheel: it unpacks the package, data
folders inside, into a temporary folder at start, where ``importlib.resources`` finds them the same way.
"""

from __future__ import annotations

import marshal
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any

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


# --- reading the data files ----------------------------------------------------------------------

# Importing PyYAML costs 10–20 ms, parsing the form and the interview's prompts a few more, at every
# start of the program. Each data file read is therefore kept, once parsed, as a marshal file in a
# ``__pycache__`` folder beside it — as Python keeps its bytecode — and read from there while the
# file's size and modification time are unchanged. A folder that cannot be written to only costs
# the parse.
_CACHE_TAG = f"yaml-{sys.implementation.cache_tag}"


def read_yaml(path: Path) -> Any:
    """The parsed contents of the YAML file ``path`` (PyYAML's safe loader, C where available)."""
    try:
        st = path.stat()
    except OSError:
        st = None
    cache = path.parent / "__pycache__" / f"{path.name}.{_CACHE_TAG}.marshal"
    stamp = (st.st_size, st.st_mtime_ns) if st else None
    if stamp is not None:
        try:
            kept_stamp, data = marshal.loads(cache.read_bytes())
            if tuple(kept_stamp) == stamp:
                return data
        except (OSError, ValueError, EOFError, TypeError):
            pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    if stamp is not None:
        try:
            blob = marshal.dumps((stamp, data))
            cache.parent.mkdir(exist_ok=True)
            tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, cache)  # a reader sees the old cache or the new one, never half
        except (OSError, ValueError):  # read-only folder, or a value marshal cannot keep
            pass
    return data


def package_yaml(package: str, name: str) -> Any:
    """The parsed contents of the YAML file ``name`` shipped inside ``package`` (``read_yaml``)."""
    return read_yaml(Path(str(resources.files(package).joinpath(name))))
