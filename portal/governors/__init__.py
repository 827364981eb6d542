"""Governors' yearly acknowledgement of the Social Media Policy (no staff module for them)."""
