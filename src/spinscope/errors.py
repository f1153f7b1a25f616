"""Errors raised by spinscope.

The library raises; only front ends (CLI, web, batch) turn an error into a one-line message.

    SpinscopeError
    ├── InputError          the input cannot be analysed (empty, binary, too large, no article)
    │   └── FetchError      a URL could not be fetched (unreachable, refused, too large, bad status)
    │       └── BlockedAddressError   the URL resolves to a loopback/private/link-local address
    ├── ModelError          a bundled model or resource is missing or corrupt
    └── EvaluationError     gold or prediction files are malformed
"""

from __future__ import annotations


class SpinscopeError(Exception):
    """Base class of every error spinscope raises on purpose."""


class InputError(SpinscopeError):
    """The input cannot be analysed."""


class FetchError(InputError):
    """A URL could not be fetched."""


class BlockedAddressError(FetchError):
    """A URL points at an address that is refused without --allow-private."""


class ModelError(SpinscopeError):
    """A bundled model or resource is missing or corrupt."""


class EvaluationError(SpinscopeError):
    """Gold or prediction files are malformed."""
