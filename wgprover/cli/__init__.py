"""The ``wgprove`` command line (console script ``wgprove = wgprover.cli:main``).

``app`` parses and reports errors (app.py), the commands call the library and
print (commands.py), ``wgprove hash`` lives in hash.py.
"""

from . import commands  # noqa: F401 - registers the commands on `app`
from .app import app, main

__all__ = ["app", "main"]
