"""Review engine: plain Python (no Django) — optimal reviewer assignment with explained gaps and
replacements, and the aggregation of score sheets into a ranking."""
