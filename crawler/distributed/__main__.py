"""`python -m crawler.distributed {push,status,reset}` (the parser and commands are in ``cli.py``)."""
import sys

from crawler.distributed.cli import main

sys.exit(main())
