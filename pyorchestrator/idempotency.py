"""The `Idempotency-Key` request header of the POST endpoints that write.

It follows the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header-06):

- The first request with a key stores a record (API key, Idempotency-Key,
  request fingerprint) in the `default` database before it writes. The
  unique constraint on (API key, Idempotency-Key) lets only one of two
  concurrent requests with the same key insert it, so they cannot both write.
- A 2xx response is stored in the record. A retry with the same key and
  the same method, path and body within IDEMPOTENCY_TTL returns that
  status and body with `Idempotent-Replayed: true`, without writing.
- The same key with another method, path or body is 422, as the draft specifies.
- A retry while the first request still runs is 409 with Retry-After.
- A 4xx response is not stored: the request wrote nothing, so the record
  is deleted and the client may correct the body and send it again with the
  same key.
- Keys are per API key: two systems may use the same Idempotency-Key.

Queue writes go to the `orchestrator` database, which is a different
database from `default` in production, so no transaction covers both. The
record therefore stores the ids of the queue elements before they are
written, and those ids are the elements' primary keys:

- Crash or lost connection after the record and before the queue write:
  a retry after IDEMPOTENCY_LOCK_TIMEOUT finds no element with the reserved
  ids and writes them.
- Crash after the queue write and before the record is completed: a retry
  after IDEMPOTENCY_LOCK_TIMEOUT finds the elements and returns 201 with
  their ids without writing again.
- Response lost after the record is completed: the retry gets the stored
  response.
- A request still running past the lock timeout while a retry takes over:
  both use the same primary keys, so at most one insert succeeds.

So a queue element is written at most once per key. Once it is written, a
retry within 24 hours returns its 201, or a 409 while the first request
still runs. The trigger and VejmanKassen writes set columns to given
values, so a retry that takes over a crashed request runs the update again.
"""

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from pyorchestrator.models import IdempotencyRecord, IdempotencyRecordStatus

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(
        "The Idempotency-Key was used with a different request (method, path or body) within 24 hours."
    )
    default_code = "idempotency_key_reused"


class IdempotentRequestInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("A request with this Idempotency-Key is still in progress. Retry later.")
    default_code = "idempotent_request_in_progress"

    def __init__(self, wait: int):
        super().__init__()
        # DRF's exception handler sends `wait` as the Retry-After header.
        self.wait = wait


def utc_now() -> datetime:
    """Return the current time as naive UTC, the form of the records' timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def parse_idempotency_key(raw: str) -> str:
    """Return the key of an `Idempotency-Key` header value.

    The draft defines the value as a Structured Field string (`"abc"`), and
    many clients send it unquoted; both are accepted. Raises ValidationError
    (400) for an empty key, one longer than 255 characters, or one with
    characters outside printable ASCII.
    """
    key = raw.strip()
    if len(key) >= 2 and key.startswith('"') and key.endswith('"'):
        key = key[1:-1]
    if not key:
        _reject_key(_("Must not be empty."))
    if len(key) > MAX_KEY_LENGTH:
        _reject_key(_("Must be at most {max_length} characters.").format(max_length=MAX_KEY_LENGTH))
    if any(not " " <= character <= "~" for character in key):
        _reject_key(_("Must contain printable ASCII characters only."))
    return key


def _reject_key(message: str):
    raise exceptions.ValidationError({IDEMPOTENCY_KEY_HEADER: [message]})


def request_fingerprint(request) -> str:
    """Return the SHA-256 hex of the request's method, path and canonical JSON body."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = "\n".join([request.method, request.path.rstrip("/"), body])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Reservation:
    """The queue element ids a write uses, saved in the record before the write."""

    def __init__(self, record: IdempotencyRecord | None = None, reserved_ids: list[str] | None = None):
        self.record = record
        self.reserved_ids = reserved_ids or []

    def element_ids(self, count: int) -> list[uuid.UUID]:
        """Return `count` ids for new queue elements, stored in the record first when there is one."""
        if self.reserved_ids and len(self.reserved_ids) == count:
            return [uuid.UUID(value) for value in self.reserved_ids]

        ids = [uuid.uuid4() for _position in range(count)]
        if self.record is not None:
            saved = IdempotencyRecord.objects.filter(
                pk=self.record.pk, status=IdempotencyRecordStatus.IN_PROGRESS, locked_at=self.record.locked_at
            ).update(reserved_ids=json.dumps([str(value) for value in ids]))
            if not saved:
                # Another request took the record over: it writes, this one must not.
                raise IdempotentRequestInProgress(wait=settings.IDEMPOTENCY_RETRY_AFTER)
            self.reserved_ids = [str(value) for value in ids]
        return ids


# A write takes the reservation and returns the response. A recovery takes the
# reserved ids and returns the response of a write that happened, or None.
Write = Callable[[Reservation], Response]
Recover = Callable[[list[uuid.UUID]], Response | None]


def idempotent_post(request, write: Write, recover: Recover | None = None) -> Response:
    """Run `write` once per (API key, Idempotency-Key); run it plainly without the header."""
    raw_key = request.META.get(IDEMPOTENCY_KEY_META_KEY)
    if raw_key is None:
        return write(Reservation())

    key = parse_idempotency_key(raw_key)
    fingerprint = request_fingerprint(request)
    now = utc_now()
    delete_expired_records(now)

    record, created = _claim(request, key, fingerprint, now)
    reservation = Reservation(record)
    if not created:
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if record.status == IdempotencyRecordStatus.COMPLETED:
            return _replay(record)
        record = _take_over(record, now)
        reserved_ids = json.loads(record.reserved_ids) if record.reserved_ids else []
        if reserved_ids and recover is not None:
            response = recover([uuid.UUID(value) for value in reserved_ids])
            if response is not None:
                logger.info("Idempotency-Key record %s: the elements exist, so the retry returns their 201", record.pk)
                _complete(record, response)
                return response
        reservation = Reservation(record, reserved_ids)

    try:
        response = write(reservation)
    except exceptions.APIException as error:
        if error.status_code < 500:
            _release(record)
        else:
            _unlock(record)
        raise
    except IntegrityError:
        # A request that took this one's record over inserted the same reserved
        # primary keys first, so the elements exist once.
        _unlock(record)
        raise IdempotentRequestInProgress(wait=settings.IDEMPOTENCY_RETRY_AFTER)
    except Exception:
        # The write may or may not have happened: keep the record so that the
        # next retry checks the reserved ids before it writes.
        _unlock(record)
        raise

    if status.is_success(response.status_code):
        _complete(record, response)
    else:
        _release(record)
    return response


def delete_expired_records(now: datetime | None = None) -> int:
    """Delete the records older than IDEMPOTENCY_TTL and return how many there were."""
    cutoff = (now or utc_now()) - timedelta(seconds=settings.IDEMPOTENCY_TTL)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _claim(request, key: str, fingerprint: str, now: datetime) -> tuple[IdempotencyRecord, bool]:
    """Insert the in-progress record, or return the one that exists; True when inserted."""
    for _attempt in range(3):
        try:
            with transaction.atomic(using="default"):
                record = IdempotencyRecord.objects.create(
                    api_key=request.auth,
                    key=key,
                    fingerprint=fingerprint,
                    request_path=request.path[:255],
                    created_at=now,
                    locked_at=now,
                )
            return record, True
        except IntegrityError:
            pass
        try:
            return IdempotencyRecord.objects.get(api_key=request.auth, key=key), False
        except IdempotencyRecord.DoesNotExist:
            # Released or expired between the insert and the read: insert again.
            continue
    raise IdempotentRequestInProgress(wait=settings.IDEMPOTENCY_RETRY_AFTER)


def _take_over(record: IdempotencyRecord, now: datetime) -> IdempotencyRecord:
    """Lock an in-progress record whose request stopped, or raise 409 while it may still run."""
    if record.locked_at > now - timedelta(seconds=settings.IDEMPOTENCY_LOCK_TIMEOUT):
        raise IdempotentRequestInProgress(wait=settings.IDEMPOTENCY_RETRY_AFTER)

    # Compare-and-set on locked_at: of two retries, only one takes the record.
    locked = IdempotencyRecord.objects.filter(
        pk=record.pk, status=IdempotencyRecordStatus.IN_PROGRESS, locked_at=record.locked_at
    ).update(locked_at=now)
    if not locked:
        raise IdempotentRequestInProgress(wait=settings.IDEMPOTENCY_RETRY_AFTER)
    logger.warning("Idempotency-Key record %s: took over a request that stopped before it completed", record.pk)
    record.locked_at = now
    return record


def _complete(record: IdempotencyRecord, response: Response) -> None:
    # ASCII escapes keep any character of an echoed value storable in every backend's text column.
    body = json.dumps(response.data)
    try:
        IdempotencyRecord.objects.filter(pk=record.pk, status=IdempotencyRecordStatus.IN_PROGRESS).update(
            status=IdempotencyRecordStatus.COMPLETED, response_status=response.status_code, response_body=body
        )
    except DatabaseError:
        # The write succeeded, so the client gets its response. A retry finds
        # the record in progress and, after the lock timeout, recovers.
        logger.exception("Idempotency-Key record %s: storing the response failed", record.pk)


def _release(record: IdempotencyRecord) -> None:
    """Delete the record of a request that wrote nothing, so the key can be used again."""
    try:
        IdempotencyRecord.objects.filter(
            pk=record.pk, status=IdempotencyRecordStatus.IN_PROGRESS, locked_at=record.locked_at
        ).delete()
    except DatabaseError:
        logger.exception("Idempotency-Key record %s: deleting it failed", record.pk)


def _unlock(record: IdempotencyRecord) -> None:
    """Make the next retry take the record over at once, checking its reserved ids first."""
    expired_lock = record.locked_at - timedelta(seconds=settings.IDEMPOTENCY_LOCK_TIMEOUT + 1)
    try:
        IdempotencyRecord.objects.filter(
            pk=record.pk, status=IdempotencyRecordStatus.IN_PROGRESS, locked_at=record.locked_at
        ).update(locked_at=expired_lock)
    except DatabaseError:
        logger.exception("Idempotency-Key record %s: unlocking it failed", record.pk)


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(json.loads(record.response_body), status=record.response_status)
    response[REPLAYED_HEADER] = "true"
    return response
