import sys

from silon_desktop.cli import main

sys.exit(main())
