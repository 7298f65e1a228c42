"""Headless subcommands of ``silon-desktop`` (one module each, no Qt)."""
