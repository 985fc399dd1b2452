"""Cells written to a CSV file that people open in a spreadsheet (OWASP «CSV injection»)."""

# A spreadsheet reads a cell that starts with one of these as a formula (a tab or a carriage return is skipped
# before the formula sign by some of them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula; the ``'`` makes it plain text."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
