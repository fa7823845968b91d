"""Raw inputs in: report texts and departments' spreadsheets, read, decoded, extracted and cleaned."""

__all__ = ["REVIEW_BELOW"]

REVIEW_BELOW = 0.5  # fazhi review: a mapped figure less sure than this is reviewed too (here: the CLI reads it light)
