"""`python -m flopsheet` is the `flopsheet` command."""

import sys

from flopsheet.cli import main

sys.exit(main())
