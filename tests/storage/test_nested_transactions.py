"""Nested store.atomic() calls are savepoints of one transaction: all written, or none."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from habeas.domain.records import Person, PersonName
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import people


def _count(store: Store) -> int:
    with store.reading() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(people)).scalar_one())


def test_an_error_inside_a_nested_call_undoes_only_that_call(store: Store, service: Service) -> None:
    with store.atomic():
        service.create(Person(names=[PersonName(value="Nested One")]))
        with pytest.raises(ValidationError):
            service.create(Person(names=[PersonName(value="Bad")], sex="nonsense"))
        service.create(Person(names=[PersonName(value="Nested Two")]))
    assert _count(store) == 2
    assert store.verify_audit().ok


def test_an_error_in_the_outer_transaction_undoes_every_nested_call(store: Store, service: Service) -> None:
    with pytest.raises(RuntimeError), store.atomic():
        service.create(Person(names=[PersonName(value="Gone One")]))
        service.create(Person(names=[PersonName(value="Gone Two")]))
        raise RuntimeError("stop")
    assert _count(store) == 0
    assert store.verify_audit().ok
