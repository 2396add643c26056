"""``python -m wgprover.cli``: the same as the ``wgprove`` console script."""

from . import main

main()
