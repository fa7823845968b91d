"""``python -m fazhi_analysis`` works like ``fazhi``."""

from fazhi_analysis.cli import main

__all__ = []


raise SystemExit(main())
