"""The one exception type of the QKD library: bad input, named and bounded.

Every function in :mod:`qnetstack.apps.qkd` checks its arguments before it computes anything and
raises :class:`QkdParameterError` with a message that names the parameter, the allowed range and
the value it got, so a caller (the CLI, a scenario loader, a notebook) can show that one line
to a user instead of a traceback. It subclasses :class:`ValueError`, so generic handlers work.
"""

from __future__ import annotations

__all__ = ["QkdParameterError"]


class QkdParameterError(ValueError):
    """A QKD parameter or input array is outside what the maths allows.

    The message always has the form ``"<name> must be <allowed>, got <value>"``.
    """
