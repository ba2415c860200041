"""Applying a plan: the executor over ordered steps, reporting progress as events."""
