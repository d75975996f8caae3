"""Which resources a FHIR Subscription notification carries, and which focus references it leaves unfetched."""

from openmsk.interop.notifications import notification_resources, notification_targets, uncovered_focus

BASE = "https://ehr.example/fhir"
ENCOUNTER = {"resourceType": "Encounter", "id": "9", "subject": {"reference": "Patient/5"}}


def _status(*focus: str) -> dict:
    return {"resourceType": "SubscriptionStatus", "type": "event-notification",
            "notificationEvent": [{"eventNumber": str(i), "focus": {"reference": ref}} for i, ref in enumerate(focus)]}


def test_r4b_full_resource_bundle_carries_its_focus_and_needs_no_fetch():
    body = {"resourceType": "Bundle", "type": "history", "entry": [
        {"resource": _status(f"{BASE}/Encounter/9")}, {"fullUrl": f"{BASE}/Encounter/9", "resource": ENCOUNTER}]}
    assert notification_resources(body) == [(ENCOUNTER, f"{BASE}/Encounter/9")]
    patients, focus = notification_targets(body)
    assert patients == {"5"} and uncovered_focus(body, focus) == []


def test_id_only_backport_and_plain_r4_payloads():
    id_only = {"resourceType": "Bundle", "type": "history", "entry": [{"resource": _status("Encounter/9", "Condition/3")}]}
    assert notification_resources(id_only) == []
    assert uncovered_focus(id_only, notification_targets(id_only)[1]) == ["Encounter/9", "Condition/3"]
    partly = {**id_only, "entry": [*id_only["entry"], {"resource": ENCOUNTER}]}  # relative focus matched by Type/id
    assert uncovered_focus(partly, notification_targets(partly)[1]) == ["Condition/3"]
    assert notification_resources(ENCOUNTER) == [(ENCOUNTER, None)]  # R4 rest-hook with the resource as body
    parameters = {"resourceType": "Parameters", "parameter": []}
    assert notification_resources(parameters) == [] and notification_resources(None) == []
    junk = {"resourceType": "Bundle", "entry": [None, {"resource": "x"}, {"resource": {"id": "no-type"}}]}
    assert notification_resources(junk) == []
