"""The conversations, channel-agnostic: one module per flow, plus the router that picks the flow."""

from __future__ import annotations

import importlib
import pkgutil

# Feature packages register their flows when imported; the order decides which registration wins.
FLOW_PACKAGES = (
    "handlers.menu",
    "handlers.complaints",
    "handlers.citizen",
    "handlers.officer",
    "handlers.secretariat",
)


def load_flows() -> None:
    """Import every flow module so that each registers itself with the router."""
    for name in FLOW_PACKAGES:
        module = importlib.import_module(name)
        path = getattr(module, "__path__", None)
        if path is None:
            continue
        for info in pkgutil.iter_modules(path):
            importlib.import_module(f"{name}.{info.name}")
