"""Health coaching: pure nudge rules, delivery policy, idempotent outbox and simulator."""
