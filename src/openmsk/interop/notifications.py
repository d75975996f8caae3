"""Pure reading of FHIR Subscription notifications: R4 rest-hook payloads and the R4B/backport shape.

R4 Subscription: https://hl7.org/fhir/R4/subscription.html; topic-based backport (R4 Parameters, R4B
SubscriptionStatus): https://hl7.org/fhir/uv/subscriptions-backport/.
"""

from __future__ import annotations

from typing import Any

_PATIENT_ELEMENTS = ("subject", "patient")
_STATUS_TYPES = ("SubscriptionStatus", "Parameters")


def _patient_of(resource: dict[str, Any]) -> str | None:
    if resource.get("resourceType") == "Patient" and resource.get("id"):
        return str(resource["id"])
    for element in _PATIENT_ELEMENTS:
        ref = (resource.get(element) or {}).get("reference") if isinstance(resource.get(element), dict) else None
        if isinstance(ref, str) and "Patient/" in ref:
            return ref.rsplit("Patient/", 1)[1].split("/", 1)[0]
    return None


def _focus_refs(status: dict[str, Any]) -> list[str]:
    refs = []
    if status.get("resourceType") == "SubscriptionStatus":  # R4B
        for event in status.get("notificationEvent") or []:
            ref = (event.get("focus") or {}).get("reference")
            if isinstance(ref, str):
                refs.append(ref)
    elif status.get("resourceType") == "Parameters":  # backport on R4
        for param in status.get("parameter") or []:
            if param.get("name") == "notification-event":
                for part in param.get("part") or []:
                    if part.get("name") == "focus" and isinstance((part.get("valueReference") or {}).get("reference"), str):
                        refs.append(part["valueReference"]["reference"])
    return refs


def notification_resources(body: Any) -> list[tuple[dict[str, Any], str | None]]:
    """(resource, fullUrl) for every resource a notification carries (full-resource payloads)."""
    if not isinstance(body, dict):
        return []
    if body.get("resourceType") != "Bundle":
        return [] if body.get("resourceType") in _STATUS_TYPES or not body.get("resourceType") else [(body, None)]
    out = []
    for index, entry in enumerate(body.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            continue
        if index == 0 and resource["resourceType"] in _STATUS_TYPES:
            continue
        full_url = entry.get("fullUrl")
        out.append((resource, full_url if isinstance(full_url, str) else None))
    return out


def _covers(ref: str, resource: dict[str, Any], full_url: str | None) -> bool:
    local = f"{resource['resourceType']}/{resource.get('id')}"
    return ref == full_url or ref == local or ref.endswith("/" + local)


def notification_targets(body: Any) -> tuple[set[str], list[str]]:
    """(patient ids named in the notification, focus references whose patient must be looked up)."""
    patients: set[str] = set()
    focus: list[str] = []
    if not isinstance(body, dict):
        return patients, focus
    if body.get("resourceType") == "Bundle":
        for index, entry in enumerate(body.get("entry") or []):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                continue
            if index == 0 and resource.get("resourceType") in ("SubscriptionStatus", "Parameters"):
                focus.extend(_focus_refs(resource))
            elif (patient := _patient_of(resource)) is not None:
                patients.add(patient)
    elif (patient := _patient_of(body)) is not None:
        patients.add(patient)
    for ref in list(focus):
        if ref.split("/")[-2:-1] == ["Patient"] or ref.startswith("Patient/"):
            patients.add(ref.rstrip("/").rsplit("/", 1)[-1])
            focus.remove(ref)
    return patients, focus


def uncovered_focus(body: Any, focus: list[str]) -> list[str]:
    """The focus references whose resource the notification does not carry (they must be fetched)."""
    carried = notification_resources(body)
    return [ref for ref in focus if not any(_covers(ref, r, url) for r, url in carried)]
