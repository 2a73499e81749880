"""The indicators app's tables, defined in its sub-apps; imported here so Django finds them.

``definitions`` holds the versioned indicator systems and the data sets, ``collection`` the units'
submissions, their history and period locks, ``results`` the published results.
"""

from __future__ import annotations

from .collection.models import LockException, Submission, SubmissionEvent
from .definitions.models import DataSet, SystemVersion
from .results.models import PublishedResult

__all__ = ["DataSet", "LockException", "PublishedResult", "Submission", "SubmissionEvent", "SystemVersion"]
