"""Calls engine: plain Python (no Django) — call types as versioned data (form, eligibility with
the 粤东西北 tilt, rubric, selection) and eligibility checks that explain themselves."""
