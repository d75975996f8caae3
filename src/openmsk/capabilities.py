"""Finds each capability's conventional modules (models, views, cli, demo) without a central list."""

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import openmsk

# Pages come last so that an API path is never shadowed by a page route.
LAST = ("console",)


def capability_names() -> list[str]:
    """Sub-packages of openmsk, in a stable order with the console last."""
    names = sorted(m.name for m in pkgutil.iter_modules(openmsk.__path__) if m.ispkg)
    return [n for n in names if n not in LAST] + [n for n in LAST if n in names]


def modules(kind: str) -> Iterator[ModuleType]:
    """Each capability's `<kind>` module (e.g. "models", "views"), where one exists."""
    for name in capability_names():
        spec = importlib.util.find_spec(f"openmsk.{name}.{kind}")
        if spec is not None:
            yield importlib.import_module(f"openmsk.{name}.{kind}")
