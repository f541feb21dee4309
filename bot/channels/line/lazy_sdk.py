"""line-bot-sdk's packages, loaded by the names used rather than all at once.

`import linebot.v3.messaging` runs a package `__init__` that imports every one of its ~400 generated pydantic
models, the v2 client (with `requests`) and the webhook models: about 30 MB resident in each serving process, of
which the bot uses a few dozen classes. Before anything imports the SDK, `install()` puts stand-ins for those
package modules in `sys.modules`: real packages (same `__path__`, so every submodule imports as usual) whose
`__init__` has not run; a name the `__init__` would have imported is imported, from its own submodule, the first
time it is asked for (PEP 562 `__getattr__`). `from linebot.v3.messaging import TextMessage` and the SDK's own
`getattr(linebot.v3.messaging.models, "FlexBubble")` both work unchanged.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGES = (
    "linebot",
    "linebot.v3",
    "linebot.v3.messaging",
    "linebot.v3.messaging.api",
    "linebot.v3.messaging.models",
    "linebot.v3.webhooks",
    "linebot.v3.webhooks.api",
    "linebot.v3.webhooks.models",
)


def install() -> None:
    """Stand in for the SDK's packages; a no-op once the SDK (or the stand-ins) is loaded."""
    for name in PACKAGES:
        if name not in sys.modules:
            _stand_in(name)


def _stand_in(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None or spec.submodule_search_locations is None:
        return  # not installed, or not a package: the real import reports it
    module = importlib.util.module_from_spec(spec)  # not executed: its __init__ does not run
    exported = _exports(Path(spec.origin), name)
    module.__getattr__ = _loader(module, exported)  # type: ignore[method-assign]
    sys.modules[name] = module
    parent, _dot, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def _exports(init: Path, package: str) -> dict[str, tuple[str, str]]:
    """What the package's `__init__` would have imported: exported name -> (submodule, name there)."""
    exported: dict[str, tuple[str, str]] = {}
    for node in ast.parse(init.read_bytes()).body:
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            source = _absolute(node.module, node.level, package)
            for alias in node.names:
                exported[alias.asname or alias.name] = (source, alias.name)
    return exported


def _absolute(module: str, level: int, package: str) -> str:
    if level == 0:
        return module
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{module}"


def _loader(module: ModuleType, exported: dict[str, tuple[str, str]]) -> Callable[[str], Any]:
    def load(attribute: str) -> Any:
        if attribute in exported:
            source, original = exported[attribute]
            value = getattr(importlib.import_module(source), original)
        elif attribute.startswith("__"):
            raise AttributeError(attribute)
        else:
            try:  # a submodule asked for as an attribute
                value = importlib.import_module(f"{module.__name__}.{attribute}")
            except ModuleNotFoundError:
                raise AttributeError(f"module {module.__name__!r} has no attribute {attribute!r}") from None
        setattr(module, attribute, value)
        return value

    return load
