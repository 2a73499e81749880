"""科技特派员 dispatch (policy 三(六)): the tables live in the sub-apps; this module lets Django find
them and offers them to the apps above under one name. Sub-apps import each other's models directly."""

from .assessment.models import *  # noqa: F403
from .fieldwork.models import *  # noqa: F403
from .rounds.models import *  # noqa: F403
