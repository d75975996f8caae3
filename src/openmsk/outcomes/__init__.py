"""Program outcomes: longitudinal CSV loading, cohort analytics, suppression, reports."""
