"""What the engines that read a definition or a problem as JSON share (call types here, reviewer
assignment above): an error that lists every problem found, and models that refuse unknown keys."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

MAX_ERRORS = 50  # listed at the most: past that a reader fixes the first ones and tries again


class InputError(ValueError):
    """The input is malformed; `errors` lists every problem found, in Chinese."""

    def __init__(self, message: str, errors: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors) if errors else [message]


class StrictModel(BaseModel):
    """Unknown keys are errors (a misspelt key is not silently ignored); a read value stays as read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
