from __future__ import annotations

import pytest

from silon_desktop.storage import models
from sync.protocol import ENTITIES


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_model_columns_are_the_wire_fields(entity: str) -> None:
    model = models.SYNCED_MODELS[entity]
    columns = {c.name for c in model.__table__.columns} - models.LOCAL_COLUMNS  # type: ignore[attr-defined]
    assert columns == set(ENTITIES[entity].field_names)
