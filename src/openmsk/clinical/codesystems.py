"""Canonical code-system URIs and the short names OpenMSK rules use for them."""

from __future__ import annotations

# Canonical URIs from the FHIR R4 terminology registry (hl7.org/fhir/R4/terminologies-systems.html).
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
ACTCODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
CVX = "http://hl7.org/fhir/sid/cvx"
NUCC = "http://nucc.org/provider-taxonomy"

SHORT_NAMES = ("snomed", "icd10cm", "cpt", "hcpcs", "rxnorm", "loinc", "actcode", "dicom", "cvx", "nucc", "openmsk")

# Aliases seen in the wild (OIDs from the HL7 OID registry, http/https and trailing-slash variants).
_ALIASES: dict[str, str] = {
    SNOMED: "snomed",
    "urn:oid:2.16.840.1.113883.6.96": "snomed",
    ICD10CM: "icd10cm",
    "urn:oid:2.16.840.1.113883.6.90": "icd10cm",
    CPT: "cpt",
    "urn:oid:2.16.840.1.113883.6.12": "cpt",
    HCPCS: "hcpcs",
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets": "hcpcs",
    "urn:oid:2.16.840.1.113883.6.285": "hcpcs",
    "urn:oid:2.16.840.1.113883.6.14": "hcpcs",
    RXNORM: "rxnorm",
    "urn:oid:2.16.840.1.113883.6.88": "rxnorm",
    LOINC: "loinc",
    "urn:oid:2.16.840.1.113883.6.1": "loinc",
    ACTCODE: "actcode",
    "http://hl7.org/fhir/v3/ActCode": "actcode",
    "urn:oid:2.16.840.1.113883.5.4": "actcode",
    DICOM: "dicom",
    "urn:oid:1.2.840.10008.2.16.4": "dicom",
    # Synthea writes the DICOM part 16 CID 29 page address as the system.
    "http://dicom.nema.org/medical/dicom/current/output/chtml/part16/sect_CID_29.html": "dicom",
    CVX: "cvx",
    "urn:oid:2.16.840.1.113883.12.292": "cvx",
    NUCC: "nucc",
    "urn:oid:2.16.840.1.113883.6.101": "nucc",
    "urn:openmsk:signal": "openmsk",
}


def short_system(uri: str | None) -> str | None:
    """Map a code-system URI (or OID) to its OpenMSK short name; None when unknown."""
    if not uri:
        return None
    found = _ALIASES.get(uri)
    if found is None:
        found = _ALIASES.get(uri.rstrip("/").replace("https://", "http://", 1))
    return found


def normalize_code(system: str, code: str) -> str:
    """Normalize a code for lookup: ICD-10-CM without its dot and upper-case, others trimmed."""
    code = code.strip()
    if system == "icd10cm":
        return code.replace(".", "").upper()
    if system in ("cpt", "hcpcs", "actcode", "dicom"):
        return code.upper()
    return code
