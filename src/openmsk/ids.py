"""Opaque identifiers for stored entities."""

import uuid


def new_id() -> str:
    """A random UUID4 in canonical text form; ids reveal nothing about order or volume."""
    return str(uuid.uuid4())
