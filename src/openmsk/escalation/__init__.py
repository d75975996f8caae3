"""Escalation of care: turn incoming medical records and in-app signals into clinician alerts."""
