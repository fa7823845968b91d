"""``python -m fazhi_analysis`` works like ``fazhi``."""

from .cli import main

raise SystemExit(main())
