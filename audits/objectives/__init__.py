"""Measurable quality objectives (6.2) fed by the one-stop system's monthly figures and citizen ratings (9.1)."""
