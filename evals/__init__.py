"""Offline evaluation against gold answers."""
