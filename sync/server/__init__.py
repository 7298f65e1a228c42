"""The central Silon server."""
