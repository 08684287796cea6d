"""Nested store.atomic() calls are savepoints of one transaction: all written, or none."""

import pytest
from habeas.domain.records import Person, PersonName
from habeas.errors import ValidationError
from habeas.storage import queries


def test_nested(store, service):
    with store.atomic():
        service.create(Person(names=[PersonName(value="Nested One")]))
        with pytest.raises(ValidationError):
            service.create(Person(names=[PersonName(value="Bad")], sex="nonsense"))
        service.create(Person(names=[PersonName(value="Nested Two")]))
    assert store.verify_audit().ok
    with pytest.raises(RuntimeError):
        with store.atomic():
            service.create(Person(names=[PersonName(value="Gone")]))
            raise RuntimeError
    with store.reading() as conn:
        import sqlalchemy as sa
        from habeas.storage.tables import people

        assert conn.execute(sa.select(sa.func.count()).select_from(people)).scalar() == 2
