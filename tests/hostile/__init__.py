"""Hostile and broken input, faults mid-run, ruleset file access (issue #19): each case here
failed on the code before it and names what it guards against; large inputs are made at test
time."""
