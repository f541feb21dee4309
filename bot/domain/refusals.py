"""A rule's refusal with the reason as an enum member, so that chat, the CLI and the web desk each word it
themselves (the domain says what went wrong, never how to say it)."""

from __future__ import annotations

import enum
from typing import Generic, TypeVar

Problem = TypeVar("Problem", bound=enum.StrEnum)


class Refused(ValueError, Generic[Problem]):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem
