"""Idempotency-Key support for API mutations: a retried request replays the first answer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from heyi.accounts.selectors import api_token_authenticate
from heyi.api_auth import oauth2_resolve
from heyi.core.models import IdempotencyRecord

MUTATING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
IN_PROGRESS = 0


class IdempotencyMiddleware:
    """For /api/ mutations with an Idempotency-Key header, run the request at most once per key.

    The key is claimed by inserting a row before the work starts, so two concurrent requests
    with one key cannot both run: the second sees the claim and is told to retry.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "").strip()
        if (
            not key
            or request.method not in MUTATING_METHODS
            or not request.path.startswith("/api/")
        ):
            return self.get_response(request)
        if len(key) > 200:
            return JsonResponse(
                {"code": "invalid", "detail": "Idempotency-Key is longer than 200 characters."},
                status=422,
            )
        user, scope = self._caller(request)
        if user is None:
            return self.get_response(request)
        if scope:
            # An app acting for a user has its own keys: two apps of one user never collide.
            key = f"{scope}:{hashlib.sha256(key.encode()).hexdigest()[:48]}"
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse(
                {"code": "too_large", "detail": "The request is too large to be made idempotent."},
                status=413,
            )
        body_hash = hashlib.sha256(
            request.method.encode() + request.path.encode() + body
        ).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    key=key,
                    user=user,
                    method=request.method,
                    path=request.path,
                    request_hash=body_hash,
                    status_code=IN_PROGRESS,
                    response_body=b"",
                )
        except IntegrityError:
            previous = IdempotencyRecord.objects.get(user=user, key=key)
            if previous.request_hash != body_hash:
                return JsonResponse(
                    {
                        "code": "idempotency_key_reused",
                        "detail": "This Idempotency-Key was used for a different request.",
                    },
                    status=422,
                )
            if previous.status_code == IN_PROGRESS:
                return JsonResponse(
                    {
                        "code": "idempotency_in_progress",
                        "detail": "A request with this Idempotency-Key is still running; retry.",
                    },
                    status=409,
                )
            replay = HttpResponse(
                bytes(previous.response_body),
                status=previous.status_code,
                content_type="application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500:
            record.delete()  # a server error is not an answer: the client may retry
        else:
            record.status_code = response.status_code
            record.response_body = response.content
            record.save(update_fields=["status_code", "response_body"])
        return response

    @staticmethod
    def _caller(request: HttpRequest) -> tuple[Any, str]:
        """Who the key belongs to: the user, and for an app's OAuth2 token, which app."""
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            raw = header[7:].strip()
            if raw.startswith("heyi_"):
                return api_token_authenticate(raw=raw), ""
            found = oauth2_resolve(raw)
            if found is None:
                return None, ""
            user, access = found
            return user, f"app{access.app_id}"
        user = getattr(request, "user", None)
        return (user if user is not None and user.is_authenticated else None), ""
