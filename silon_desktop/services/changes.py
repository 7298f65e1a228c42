"""What an operation changed, so the UI redraws only that (like Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass

#: the entities shown in the navigation tree (elections and their pairs)
NAVIGATION_ENTITIES = frozenset({"election", "pair"})


@dataclass(frozen=True, slots=True)
class Changes:
    """Entities whose rows an operation wrote, and whether the sync state moved.

    ``everything`` is for operations that cannot tell (a sync pulled rows of any kind).
    """

    entities: frozenset[str] = frozenset()
    sync_state: bool = False
    everything: bool = False

    @classmethod
    def of(cls, *entities: str) -> Changes:
        """A local write: the rows of ``entities`` and the outbox (sync state) changed."""
        return cls(frozenset(entities), sync_state=True)

    @classmethod
    def all(cls) -> Changes:
        return cls(sync_state=True, everything=True)

    @property
    def empty(self) -> bool:
        return not (self.entities or self.sync_state or self.everything)

    def touches(self, entity: str) -> bool:
        return self.everything or entity in self.entities

    @property
    def navigation(self) -> bool:
        """The navigation tree (elections, pairs) must be redrawn."""
        return self.everything or bool(self.entities & NAVIGATION_ENTITIES)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.entities | other.entities,
            self.sync_state or other.sync_state,
            self.everything or other.everything,
        )


NOTHING = Changes()
