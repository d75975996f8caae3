"""Exercise therapy: the exercise library, PT-approved plans, session logs, progression and adherence."""
