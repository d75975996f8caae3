"""Plain data types shared by every intake instrument: items, bands, scores, errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

ItemKind = Literal["integer", "decimal", "boolean", "choice", "multi_choice", "text"]
AnswerShape = Literal["sequence", "mapping"]
SubscoreValue = float | int | str | tuple[str, ...] | None


class ScoringError(ValueError):
    """An answer set that cannot be scored; the message names the instrument and item id."""


@dataclass(frozen=True)
class AnswerOption:
    """One allowed answer: the stored value, a short display label and an optional LOINC answer code."""

    value: int | str
    label: str
    code: str | None = None


@dataclass(frozen=True)
class Item:
    """One question: id (FHIR linkId), short label, kind, allowed range or options."""

    id: str
    label: str
    kind: ItemKind = "integer"
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[AnswerOption, ...] = ()
    loinc: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Band:
    """A severity band: a total belongs to the first band whose inclusive upper edge it does not exceed."""

    upper: float
    label: str


@dataclass(frozen=True)
class Instrument:
    """An instrument described as data, with its scoring summary, source and licence status."""

    id: str
    name: str
    items: tuple[Item, ...]
    scoring: str
    missing_rule: str
    source: str
    licence: str
    ships_item_wording: bool
    loinc_panel: str | None = None
    loinc_total: str | None = None
    bands: tuple[Band, ...] = ()
    bands_note: str = ""
    answer_shape: AnswerShape = "sequence"

    def item(self, item_id: str) -> Item:
        """The item with this id."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise ScoringError(f"{self.id} item {item_id}: unknown item")


@dataclass(frozen=True)
class Score:
    """The result of scoring one answer set."""

    instrument_id: str
    total: float | None
    severity: str | None = None
    flags: tuple[str, ...] = ()
    subscores: Mapping[str, SubscoreValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Freeze the mapping so a Score can be shared without defensive copies.
        object.__setattr__(self, "subscores", MappingProxyType(dict(self.subscores)))


def band_for(total: float, bands: tuple[Band, ...]) -> str:
    """The label of the first band whose upper edge the total does not exceed."""
    for band in bands:
        if total <= band.upper:
            return band.label
    raise ScoringError("total is above the highest band")
