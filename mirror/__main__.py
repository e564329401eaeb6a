"""`python -m mirror serve ...` is the same as `imdbkit mirror serve ...`."""
import sys

from .cli import main

sys.exit(main())
