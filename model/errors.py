"""Two kinds of failure (see design notes, example 4).

``UserError`` is a problem of the environment or of the input: a damaged file,
a full disk, a wrong passphrase. It carries a Vietnamese message that says
what happened and what to do, and the UI shows it as it is.  Anything else
is a bug and goes to the crash handler.
"""


class UserError(Exception):
    """An expected failure with a Vietnamese message for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message
