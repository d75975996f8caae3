"""Imports every capability's tables so that Base.metadata is complete (migrations, tests)."""

from openmsk.capabilities import modules

MODEL_MODULES = list(modules("models"))
