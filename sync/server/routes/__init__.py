"""The HTTP API, one APIRouter per area; :func:`sync.server.app.create_app` includes them.

A new area is a module here (or a package such as ``sync.server.public``) with a
module-level ``router`` and one ``include_router`` line in the app factory.
"""
