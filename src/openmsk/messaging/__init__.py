"""Secure messaging between a member and their care team: threads, receipts, response times."""
