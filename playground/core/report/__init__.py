"""Reports of a run: one self-contained HTML file a student hands in."""
