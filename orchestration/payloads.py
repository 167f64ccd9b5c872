"""How values become payloads: pydantic models as JSON, with one set of encoders per process.

The worker builds a payload converter for every workflow run it holds in its cache. The SDK's
pydantic converter would bring each run its own JSON encoder: a serializer and a cache of
pydantic `TypeAdapter`s, one per message type the run has decoded (six for an enrollment).
With 1,000 runs cached that is ~6,000 adapters alike, all walked by every full collection of
the garbage collector (docs/capacity.md, « The worker's memory »). The message types are
the same classes in every run (each workflow module imports them passed through the sandbox),
so one encoder per process serves them all; its cache is thread-safe.
"""

from __future__ import annotations

from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import CompositePayloadConverter

# Built once: the SDK's pydantic encodings, in its order (null, bytes, protobuf as JSON,
# protobuf as bytes, then pydantic JSON for everything else).
_ENCODINGS = tuple(PydanticPayloadConverter().converters.values())


class SharedPydanticPayloadConverter(CompositePayloadConverter):
    """`PydanticPayloadConverter`'s encodings, each instance sharing the process's encoders."""

    def __init__(self) -> None:
        super().__init__(*_ENCODINGS)
