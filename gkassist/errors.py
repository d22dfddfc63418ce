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


def os_error_message(err: OSError) -> str:
    """What went wrong with a file, in Chinese; the system's own (English) wording only as a last resort."""
    if isinstance(err, PermissionError):
        return "没有权限"
    if isinstance(err, FileNotFoundError):
        return "文件或文件夹不存在"
    if isinstance(err, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(err, (FileExistsError, NotADirectoryError)):
        return "路径中有一级是文件而不是文件夹"
    if getattr(err, "errno", None) == 28:  # ENOSPC
        return "磁盘空间已满"
    return err.strerror or str(err)
