"""Events in and out of the store with msgspec.

The library's default JSON transcoder is about four times slower here, and a plain
msgspec transcoder would hand back UUIDs and datetimes as strings. This mapper decodes
each event class with its own type hints instead: for every class it builds (once) a
msgspec Struct of the event's fields and decodes the stored bytes straight into it.

Older stored versions of a class (`class_version`) are decoded loosely, upcast with the
class's `upcast_vN_vN+1` methods, then converted with the same types.
"""

from __future__ import annotations

import typing
from functools import cache, lru_cache
from typing import Any, ClassVar

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

_HEADER_FIELDS = frozenset({"originator_id", "originator_version"})


class MsgspecTranscoder(Transcoder):
    """Untyped msgspec JSON, for the few places that need plain values."""

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder()

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data)


def _is_classvar(hint: Any) -> bool:
    return hint is ClassVar or typing.get_origin(hint) is ClassVar


@cache
def state_type(event_class: type) -> type[msgspec.Struct]:
    """A Struct with the stored fields of an event class, typed by its hints."""
    hints = typing.get_type_hints(event_class)
    fields = [
        (name, hint)
        for name, hint in hints.items()
        if name not in _HEADER_FIELDS and not _is_classvar(hint)
    ]
    return msgspec.defstruct(f"{event_class.__qualname__}State", fields)


@cache
def _decoder(event_class: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(state_type(event_class))


@cache
def _field_names(event_class: type) -> tuple[str, ...]:
    return state_type(event_class).__struct_fields__


_resolve = lru_cache(maxsize=None)(resolve_topic)
_topic = lru_cache(maxsize=None)(get_topic)


class MsgspecMapper(Mapper):
    """Maps domain events to stored events and back with typed msgspec decoding."""

    def __init__(self, transcoder: Transcoder | None = None, compressor=None, cipher=None):
        super().__init__(MsgspecTranscoder(), compressor=compressor, cipher=cipher)
        self._encoder = msgspec.json.Encoder()

    def to_stored_event(self, domain_event: DomainEventProtocol) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        data = self._encoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=_topic(type(domain_event)),
            state=data,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol:
        cls = _resolve(stored_event.topic)
        try:
            state = self.decode_state(cls, stored_event.state)
        except Exception as e:
            msg = (
                f"Failed to decode stored event {stored_event.topic} "
                f"{stored_event.originator_id} v{stored_event.originator_version}: {e}"
            )
            raise MapperDeserialisationError(msg) from e
        convert_id = find_id_convertor(cls, type(stored_event.originator_id))
        state["originator_id"] = convert_id(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event

    def decode_state(self, cls: type, data: bytes) -> dict[str, Any]:
        if self.cipher:
            data = self.cipher.decrypt(data)
        if self.compressor:
            data = self.compressor.decompress(data)
        class_version = getattr(cls, "class_version", 1)
        if class_version == 1:
            decoded = _decoder(cls).decode(data)
        else:
            raw = msgspec.json.decode(data)
            from_version = raw.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(raw)
                from_version += 1
            decoded = msgspec.convert(raw, state_type(cls))
        return {name: getattr(decoded, name) for name in _field_names(cls)}
