"""Clinician message templates: `{first_name}`-style fields filled safely, in one pass."""

import re

# Only these names may appear in a template; anything else in braces is refused when it is saved.
FIELDS = ("first_name", "last_name", "clinician_name", "care_role")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in `text` that are not known fields, in order of appearance.

    >>> unknown_placeholders("Hi {first_name}, see {0.__class__}")
    ['0.__class__']
    """
    return [name for name in _PLACEHOLDER.findall(text) if name not in FIELDS]


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each known placeholder with its value; values are inserted as plain text, never re-expanded.

    >>> fill("Hi {first_name}!", {"first_name": "{last_name}"})
    'Hi {last_name}!'
    """
    def replace(match: re.Match) -> str:
        name = match.group(1)
        return str(values.get(name, "")) if name in FIELDS else match.group(0)

    return _PLACEHOLDER.sub(replace, text)
