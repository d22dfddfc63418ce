"""Errors that carry a message for the user, in Chinese.

Anything raised as ``UserError`` is shown as it is, without a traceback; every other exception is
a bug, logged to a file and reported with the file's path (see ``cli.main``).
"""


class UserError(Exception):
    """A problem the user can fix; ``str(err)`` says what was wrong and what is expected."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
