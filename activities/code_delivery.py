"""Activity: deliver one generation of a code challenge, at most once per generation.

The code is derived from the server's key and (process, run, generation): a retried attempt can
only ever produce the same code. The delivery record is written `sending` before the channel is
asked and `sent` after it accepted: an attempt that finds `sent` does not send again; one that
finds `sending` cannot know whether the message went out and sends the same code under the same
message ID. A duplicate message is thus only possible if a worker dies in the instant between the
channel's acceptance and the record, and even then it carries the same code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import heartbeating
from activities.inputs import CodeDelivered, DeliverCode
from channels import CodeChannel, OutgoingCode
from domain.codes import ChannelKind
from observability.mail_counts import count_email
from security.keyed_hash import KeyedHasher
from storage.code_deliveries import CodeDeliveryRepository, DeliveryKey, DeliveryState


class CodeDeliveryActivities:
    def __init__(
        self,
        channels: Mapping[ChannelKind, CodeChannel],
        records: CodeDeliveryRepository,
        hasher: KeyedHasher,
    ) -> None:
        self._channels = channels
        self._records = records
        self._hasher = hasher

    @activity.defn
    async def deliver_code(self, request: DeliverCode) -> CodeDelivered:
        channel = self._channels.get(request.channel)
        if channel is None:
            raise ApplicationError(f"no {request.channel} channel", non_retryable=True)
        parts = (request.process_id, request.run_id, str(request.generation))
        code = self._hasher.derive_code(request.purpose, *parts)
        digest = self._hasher.code_digest(request.purpose, request.process_id, code)
        key = DeliveryKey(request.process_id, request.run_id, request.generation)
        message_id = channel.message_id(self._hasher.delivery_reference(request.purpose, *parts))
        async with heartbeating():
            record = await asyncio.to_thread(
                self._records.begin,
                key,
                purpose=request.purpose.value,
                channel=request.channel.value,
                message_id=message_id,
            )
            if record.state is DeliveryState.SENT and record.sent_at is not None:
                activity.logger.info("code already delivered: not sent again")
                return CodeDelivered(
                    code_digest=digest, sent_at=record.sent_at, message_id=record.message_id
                )
            # The sending instant, never before the workflow issued the code (the workflow's
            # clock may run ahead of this machine's, as in the time-skipping test server).
            sent_at = max(datetime.now(UTC), request.not_before)
            outgoing = OutgoingCode(
                purpose=request.purpose,
                recipient=request.recipient,
                generation=request.generation,
                code=code,
                message_id=record.message_id,
                sent_at=sent_at,
                deadline=sent_at + request.validity,
                extra=request.extra,
            )
            await self._deliver(channel, outgoing, request.channel)
            await asyncio.to_thread(self._records.mark_sent, key, sent_at)
        return CodeDelivered(code_digest=digest, sent_at=sent_at, message_id=record.message_id)

    async def _deliver(
        self, channel: CodeChannel, outgoing: OutgoingCode, kind: ChannelKind
    ) -> None:
        try:
            await channel.deliver(outgoing)
        except Exception as error:
            if kind is ChannelKind.EMAIL:
                count_email(taken=False)
            activity.logger.warning(
                "code delivery failed (%s, attempt %d): %s",
                kind.value,
                activity.info().attempt,
                type(error).__name__,
            )
            raise
        if kind is ChannelKind.EMAIL:
            count_email(taken=True)
        activity.logger.info("code delivered (%s)", kind.value)
