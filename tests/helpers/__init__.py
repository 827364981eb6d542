"""Helpers the tests share: builders, a browser-like client, checkers. No fixtures here."""
