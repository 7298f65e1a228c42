"""``python -m sync.server``: the same as the ``silon-server`` command."""

import sys

from sync.server.cli import main

sys.exit(main())
