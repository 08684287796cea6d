"""habeas: documentation and monitoring of politically motivated detention.

The public API: open a `Store`, write through a `Service`, ask questions with
`habeas.storage.queries`. Everything not listed in `__all__` is internal.
"""

from habeas.config import Settings
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Affiliation,
    Assessment,
    Case,
    Charge,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    PersonName,
    Relationship,
    Source,
    StatusChange,
)
from habeas.errors import HabeasError, NotFound, StorageError, ValidationError
from habeas.service import Service
from habeas.storage.store import Store

__all__ = [
    "Affiliation",
    "Assessment",
    "Case",
    "Charge",
    "Citation",
    "ContextPeriod",
    "CustodyPeriod",
    "Event",
    "HabeasError",
    "Intervention",
    "NotFound",
    "Organisation",
    "PartialDate",
    "Participant",
    "Person",
    "PersonName",
    "Relationship",
    "Service",
    "Settings",
    "Source",
    "StatusChange",
    "StorageError",
    "Store",
    "ValidationError",
]
