"""API for one's own profile, roles and tokens, and people's public profiles."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from heyi.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    MeOut,
    PersonOut,
    ProfileIn,
    RolesIn,
)
from heyi.accounts.selectors import api_token_list_for_user, user_get, user_role_list
from heyi.accounts.services import (
    api_token_create,
    api_token_revoke,
    user_profile_update,
    user_roles_set,
)

router = Router(tags=["accounts"])


def _me(user) -> MeOut:  # type: ignore[no-untyped-def]
    return MeOut(
        uid=user.uid,
        email=user.email,
        display_name=user.display_name,
        city=user.city,
        bio=user.bio,
        roles=user_role_list(user=user),
    )


@router.get("/me", response=MeOut)
def me_get(request: HttpRequest) -> MeOut:
    return _me(request.user)


@router.put("/me", response=MeOut)
def me_update(request: HttpRequest, payload: ProfileIn) -> MeOut:
    user = user_profile_update(user=request.user, **payload.dict())  # type: ignore[arg-type]
    return _me(user)


@router.put("/me/roles", response=MeOut)
def me_roles_set(request: HttpRequest, payload: RolesIn) -> MeOut:
    user_roles_set(user=request.user, roles=payload.roles)  # type: ignore[arg-type]
    return _me(request.user)


@router.get("/me/tokens", response=list[ApiTokenOut])
def me_token_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(api_token_list_for_user(user=request.user))  # type: ignore[arg-type]


@router.post("/me/tokens", response={201: ApiTokenCreatedOut})
def me_token_create(request: HttpRequest, payload: ApiTokenIn):  # type: ignore[no-untyped-def]
    token, secret = api_token_create(user=request.user, name=payload.name)  # type: ignore[arg-type]
    return Status(
        201,
        ApiTokenCreatedOut(
            uid=token.uid,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=None,
            revoked_at=None,
            secret=secret,
        ),
    )


@router.post("/me/tokens/{uid}/revoke", response=ApiTokenOut)
def me_token_revoke(request: HttpRequest, uid: uuid.UUID):  # type: ignore[no-untyped-def]
    return api_token_revoke(user=request.user, token_uid=uid)  # type: ignore[arg-type]


@router.get("/people/{uid}", response=PersonOut, auth=None)
def person_get(request: HttpRequest, uid: uuid.UUID) -> PersonOut:
    person = user_get(uid=uid)
    return PersonOut(uid=person.uid, name=person.name, city=person.city)
