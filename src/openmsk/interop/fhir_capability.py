"""The CapabilityStatement of OpenMSK's FHIR R4 API (https://hl7.org/fhir/R4/capabilitystatement.html)."""

from __future__ import annotations

from typing import Any

from openmsk.interop.fhir_search import SUPPORTED

_SEARCH = [{"name": "patient", "type": "reference"}, {"name": "code", "type": "token"},
           {"name": "date", "type": "date"}, {"name": "_count", "type": "number"}]


def capability_statement(base: str) -> dict[str, Any]:
    """What the server supports: read and search per type, $everything on Patient, SMART Backend Services."""
    resources = []
    for rtype in SUPPORTED:
        entry: dict[str, Any] = {"type": rtype, "interaction": [{"code": "read"}, {"code": "search-type"}],
                                 "searchParam": [p for p in _SEARCH if not (rtype == "Patient" and p["name"] == "patient")]}
        if rtype == "Patient":
            entry["searchParam"] = [{"name": "_id", "type": "token"}, {"name": "_count", "type": "number"}]
            entry["operation"] = [{"name": "everything",
                                   "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": "2026-11-29", "kind": "instance",
        "software": {"name": "OpenMSK"}, "implementation": {"description": "OpenMSK FHIR R4 API", "url": base},
        "fhirVersion": "4.0.1", "format": ["json"],
        "rest": [{"mode": "server", "security": {
            "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                     "code": "SMART-on-FHIR"}]}],
            "extension": [{"url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                           "extension": [{"url": "token", "valueUri": f"{base}/auth/token"}]}]},
            "resource": resources}],
    }
