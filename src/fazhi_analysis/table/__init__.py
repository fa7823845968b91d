"""The tidy table and the contracts every stage reads: tidy, findings, catalog, rates, numbers, wording."""

__all__ = []
