"""The one exception type flopsheet raises for bad input."""

from __future__ import annotations


class FlopsheetError(ValueError):
    """Invalid input. The message is one line naming the argument, the value and what is accepted.

    ``arg`` is the argument's name (or None when the problem is the result or the call itself);
    faces prefix the message with the function's name (``GPU_DAYS: mfu must be ...``).
    """

    def __init__(self, message: str, arg: str | None = None):
        message = " ".join(str(message).split())  # always one line
        super().__init__(message)
        self.arg = arg
        self.message = message
