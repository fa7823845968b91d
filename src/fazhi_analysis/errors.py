"""One error family carrying a user-facing message; the CLI maps each class to an exit code.

Exit codes: 0 success, 1 failed checks or report, 2 bad input (:class:`InputError`), 3 an output or
system failure (:class:`OutputError`, and any ``OSError`` the command line meets), 130 interrupted.
"""

from __future__ import annotations

__all__ = ["FazhiError", "InputError", "OutputError", "ReportError"]


class FazhiError(Exception):
    """Base class of every error the package raises on purpose.

    The message is complete and user-facing: it names the file (and row, column
    or cell when known) and says what is wrong, so the CLI prints it as is.
    """

    exit_code = 1


class InputError(FazhiError):
    """Bad input the user can fix: a missing, empty, binary or undecodable file, an unknown region."""

    exit_code = 2


class ReportError(FazhiError):
    """Executing or exporting a report failed; the previous good report is left untouched."""

    exit_code = 1


class OutputError(FazhiError):
    """An output or system failure: a folder that cannot be written, a full disk, a killed helper process."""

    exit_code = 3
