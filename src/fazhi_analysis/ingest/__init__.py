"""Raw inputs in: report texts and departments' spreadsheets, read, decoded, extracted and cleaned."""

__all__ = []
